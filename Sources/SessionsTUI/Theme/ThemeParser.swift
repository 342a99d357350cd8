extension Theme {
    /// Reads the theme format described in themes/README.md. `file` only
    /// labels errors. Parsing stops at the first problem: a theme is short and
    /// is fixed one line at a time.
    public static func parse(_ text: String, name: String, file: String) throws(ThemeError) -> Theme {
        var styles: [StyleRole: RoleStyle] = [:]
        var setOnLine: [StyleRole: Int] = [:]
        var lineNumber = 0
        // Split bytes, not characters: "\r\n" is a single Character in Swift.
        for bytes in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(bytes)
            if lineNumber == 1, line.first == "\u{FEFF}" { line = line.dropFirst() }
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let number = lineNumber
            func failure(_ message: String) -> ThemeError { ThemeError(file: file, line: number, message: message) }

            guard line.contains(where: { !isBlank($0) }) else { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw failure("expected \"role = foreground background [attribute ...]\"")
            }
            let left = line[..<equals].split(whereSeparator: isBlank)
            let right = line[line.index(after: equals)...].split(whereSeparator: isBlank)
            guard left.count == 1, let roleName = left.first else {
                throw failure(left.isEmpty
                    ? "missing role name before \"=\""
                    : "expected one role name before \"=\", found \"\(left.joined(separator: " "))\"")
            }
            guard let role = StyleRole(rawValue: String(roleName)) else {
                let roles = StyleRole.allCases.map(\.rawValue)
                throw failure(unknown("role", roleName, roles, otherwise: "the roles are " + roles.joined(separator: ", ")))
            }
            if let earlier = setOnLine[role] {
                throw failure("role \"\(roleName)\" is already set on line \(earlier)")
            }
            guard right.count >= 2 else {
                throw failure("\"\(roleName)\" needs a foreground and a background colour (use default for the terminal's own)")
            }
            var style = RoleStyle()
            do throws(ColorProblem) {
                style.foreground = try color(right[0])
                style.background = try color(right[1])
            } catch {
                throw failure(error.message)
            }
            for word in right.dropFirst(2) {
                if let attribute = TextAttributes.named.first(where: { $0.name == word })?.attribute {
                    style.attributes.insert(attribute)
                } else if (try? color(word)) != nil {
                    throw failure("\"\(word)\" is a colour, but a role takes only a foreground and a background")
                } else {
                    throw failure(unknown("attribute", word, TextAttributes.named.map(\.name),
                                          otherwise: "use bold, dim, underline, reverse, italic or standout"))
                }
            }
            styles[role] = style
            setOnLine[role] = number
        }
        return Theme(name: name, styles: styles)
    }

    private struct ColorProblem: Error { let message: String }

    private static let colorNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    private static func color(_ word: Substring) throws(ColorProblem) -> TerminalColor {
        if word == "default" { return .terminalDefault }
        if let basic = colorNames.firstIndex(of: String(word)) { return .index(basic) }
        if word.hasPrefix("bright-"), let basic = colorNames.firstIndex(of: String(word.dropFirst(7))) {
            return .index(basic + 8)
        }
        if word.allSatisfy(\.isASCIIDigit) {
            guard let index = Int(word), index <= 255 else {
                throw ColorProblem(message: "colour \(word) is out of range: numbers go from 0 to 255")
            }
            return .index(index)
        }
        throw ColorProblem(message: unknown(
            "colour", word, ["default"] + colorNames + colorNames.map { "bright-" + $0 },
            otherwise: "use default, black, red, green, yellow, blue, magenta, cyan, white, bright-<name> or a number 0-255"))
    }

    /// An "unknown" message that suggests the nearest known word when one is
    /// close, since most mistakes in a hand-edited file are typos or wrong
    /// case, and otherwise says what is allowed.
    private static func unknown(_ kind: String, _ word: Substring, _ known: [String], otherwise help: String) -> String {
        let head = "unknown \(kind) \"\(word)\""
        let lowered = word.lowercased()
        let closest = known.map { ($0, editDistance(lowered, $0.lowercased())) }.min { $0.1 < $1.1 }
        if let (suggestion, distance) = closest, distance <= max(1, min(2, word.count / 3)) {
            return head + " (did you mean \"\(suggestion)\"?)"
        }
        return head + "; " + help
    }

    /// Edits (insert, delete, replace, swap two neighbours) between two words.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var earlier: [Int] = []
        var previous = Array(0...b.count)
        for i in a.indices {
            var current = [i + 1]
            for j in b.indices {
                var best = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (a[i] == b[j] ? 0 : 1))
                if i > 0, j > 0, a[i] == b[j - 1], a[i - 1] == b[j] { best = min(best, earlier[j - 1] + 1) }
                current.append(best)
            }
            earlier = previous
            previous = current
        }
        return previous[b.count]
    }
}

private func isBlank(_ character: Character) -> Bool {
    character == " " || character == "\t" || character == "\r"
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
