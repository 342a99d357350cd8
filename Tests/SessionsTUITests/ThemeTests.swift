import Foundation
import Testing
import SessionsTUI

@Suite("Themes")
struct ThemeTests {
    static let depths: [ColorDepth] = [.extended, .eight, .none]

    /// The repository's themes/ directory, found from this file so the test
    /// runs from any working directory.
    static let themesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("themes")

    static func parse(_ text: String, file: String = "test.theme") throws -> Theme {
        try Theme.parse(text, name: "test", file: file)
    }

    static func builtIn(_ name: String) throws -> Theme {
        try ThemeLibrary.load(name: name, userDirectory: nil)
    }

    /// The error `text` fails with; records a failure when it parses.
    static func error(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ThemeError? {
        do {
            _ = try Theme.parse(text, name: "test", file: "my.theme")
            Issue.record("parsed without error: \(text)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Built-in themes

    @Test("the embedded text is byte-identical to themes/NAME.theme", arguments: ThemeLibrary.builtInNames)
    func embeddedMatchesFile(name: String) throws {
        let url = Self.themesDirectory.appendingPathComponent(name + ".theme")
        let onDisk = try Data(contentsOf: url)
        let embedded = try #require(ThemeLibrary.builtInText(named: name))
        #expect(Data(embedded.utf8) == onDisk, "the embedded \(name) theme differs from themes/\(name).theme")
    }

    @Test("every built-in parses and sets every role itself", arguments: ThemeLibrary.builtInNames)
    func builtInsStyleEveryRole(name: String) throws {
        let text = try #require(ThemeLibrary.builtInText(named: name))
        let theme = try Theme.parse(text, name: name, file: name + ".theme")
        #expect(theme.name == name)
        #expect(try Self.builtIn(name) == theme)
        // Relying on inheritance from normal would hide a role nobody designed.
        let assigned = Set(text.split(separator: "\n").compactMap { line -> String? in
            let content = line.prefix { $0 != "#" }
            guard let equals = content.firstIndex(of: "=") else { return nil }
            return content[..<equals].trimmingCharacters(in: .whitespaces)
        })
        #expect(assigned == Set(StyleRole.allCases.map(\.rawValue)))
    }

    @Test("mono uses no colour")
    func monoHasNoColour() throws {
        let mono = try Self.builtIn("mono")
        for role in StyleRole.allCases {
            #expect(mono.style(for: role).foreground == .terminalDefault, "\(role)")
            #expect(mono.style(for: role).background == .terminalDefault, "\(role)")
        }
    }

    @Test("the selection stands out from normal text in every theme at every depth",
          arguments: ThemeLibrary.builtInNames)
    func selectionIsVisible(name: String) throws {
        let theme = try Self.builtIn(name)
        for depth in Self.depths {
            let adapted = theme.adapted(to: depth)
            let normal = adapted.style(for: .normal)
            for role in [StyleRole.selection, .selectionInactive, .tabSelected, .escape, .match] {
                #expect(adapted.style(for: role) != normal, "\(name) \(depth) \(role)")
            }
            #expect(adapted.style(for: .selection) != adapted.style(for: .selectionInactive), "\(name) \(depth)")
            #expect(adapted.style(for: .tabSelected) != adapted.style(for: .tab), "\(name) \(depth)")
        }
    }

    @Test("no role's text takes its own background colour", arguments: ThemeLibrary.builtInNames)
    func textNeverVanishes(name: String) throws {
        let theme = try Self.builtIn(name)
        for depth in Self.depths {
            for role in StyleRole.allCases {
                let style = theme.adapted(to: depth).style(for: role)
                if style.foreground != .terminalDefault {
                    #expect(style.foreground != style.background, "\(name) \(depth) \(role)")
                }
            }
        }
    }

    /// Views put these roles side by side in one line, cell by cell, so a
    /// background of their own would show as patches.
    @Test("roles that share a line share its background", arguments: ThemeLibrary.builtInNames)
    func sharedBackgrounds(name: String) throws {
        let onPage: [StyleRole] = [
            .dim, .label, .border, .dialog, .statusActive, .statusComplete, .statusFailed,
            .resultOK, .resultError, .resultWarning, .resultPending, .bar, .barSlow, .diffHunk, .diffRemoved, .diffAdded,
        ]
        for depth in Self.depths {
            let theme = try Self.builtIn(name).adapted(to: depth)
            func background(_ role: StyleRole) -> TerminalColor { theme.style(for: role).background }
            for role in onPage { #expect(background(role) == background(.normal), "\(name) \(depth) \(role)") }
            #expect(background(.brand) == background(.header), "\(name) \(depth)")
            #expect(background(.tab) == background(.header), "\(name) \(depth)")
            #expect(background(.footerKey) == background(.footer), "\(name) \(depth)")
        }
    }

    /// Basic colour indices: 1 red, 2 green, 3 yellow, 4 blue, 5 magenta, 6 cyan.
    @Test("statuses and results keep their hues on an 8-colour terminal",
          arguments: ["default", "light", "high-contrast"])
    func statusHues(name: String) throws {
        let theme = try Self.builtIn(name).adapted(to: .eight)
        func hue(_ role: StyleRole) -> Int { theme.style(for: role).foreground.number }
        #expect([4, 6].contains(hue(.statusActive)))
        #expect(hue(.statusComplete) == 2)
        #expect(hue(.resultOK) == 2)
        #expect(hue(.statusFailed) == 1)
        #expect(hue(.resultError) == 1)
        #expect(hue(.resultWarning) == 3)
        #expect(hue(.resultPending) == 5)
        func uses(_ role: StyleRole, _ colour: Int) -> Bool {
            [theme.style(for: role).foreground, theme.style(for: role).background].contains(.index(colour))
        }
        #expect(uses(.flash, 2))
        #expect(uses(.flashError, 1))
        #expect(hue(.diffRemoved) == 1)
        #expect(hue(.diffAdded) == 2)
    }

    @Test("statuses and results differ from one another without colour", arguments: ThemeLibrary.builtInNames)
    func statusesWithoutColour(name: String) throws {
        let theme = try Self.builtIn(name).adapted(to: .none)
        let statuses: [StyleRole] = [.statusActive, .statusComplete, .statusFailed]
        let results: [StyleRole] = [.resultOK, .resultError, .resultWarning, .resultPending]
        #expect(Set(statuses.map { theme.style(for: $0) }).count == statuses.count)
        #expect(Set(results.map { theme.style(for: $0) }).count == results.count)
        #expect(theme.style(for: .flash) != theme.style(for: .flashError))
    }

    /// A diff's lines start with `@@`, `-` and `+` in every theme; mono,
    /// having no colours, tells them apart by attributes too.
    @Test("mono tells a diff's lines apart by attributes")
    func monoDiff() throws {
        let theme = try Self.builtIn("mono")
        let diff: [StyleRole] = [.normal, .diffHunk, .diffRemoved, .diffAdded]
        #expect(Set(diff.map { theme.style(for: $0) }).count == diff.count)
    }

    // MARK: Loading

    @Test("a user theme overrides the built-in of the same name, and adds new names")
    func userThemeOverrides() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sessions-theme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "selection = red yellow underline\n".write(
            to: directory.appendingPathComponent("default.theme"), atomically: true, encoding: .utf8)
        try "normal = 252 235\n".write(to: directory.appendingPathComponent("mine.theme"), atomically: true, encoding: .utf8)

        let overridden = try ThemeLibrary.load(name: "default", userDirectory: directory.path)
        #expect(overridden != (try Self.builtIn("default")))
        #expect(overridden.name == "default")
        #expect(overridden.style(for: .selection) == RoleStyle(foreground: .index(1), background: .index(3), attributes: .underline))
        #expect(overridden.style(for: .statusFailed) == RoleStyle())

        let mine = try ThemeLibrary.load(name: "mine", userDirectory: directory.path)
        #expect(mine.style(for: .dialog) == RoleStyle(foreground: .index(252), background: .index(235)))

        // Names without a user file still find the built-in.
        #expect(try ThemeLibrary.load(name: "light", userDirectory: directory.path) == (try Self.builtIn("light")))
        #expect(try ThemeLibrary.load(name: "light", userDirectory: directory.path + "/missing") == (try Self.builtIn("light")))
    }

    @Test("errors in a user theme name its full path and line")
    func userThemeErrorsNamePath() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sessions-theme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("broken.theme").path
        try "# mine\nnormal = default default\nheader = blu default\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ThemeError(file: path, line: 3, message: "unknown colour \"blu\" (did you mean \"blue\"?)")) {
            try ThemeLibrary.load(name: "broken", userDirectory: directory.path)
        }

        try Data([0x6E, 0x6F, 0x72, 0x6D, 0x61, 0x6C, 0x0A, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: path))
        #expect(throws: ThemeError(file: path, line: 2, message: "not UTF-8 text")) {
            try ThemeLibrary.load(name: "broken", userDirectory: directory.path)
        }

        try FileManager.default.createDirectory(atPath: directory.path + "/dir.theme", withIntermediateDirectories: false)
        #expect(throws: ThemeError(file: directory.path + "/dir.theme", line: nil, message: "not a regular file")) {
            try ThemeLibrary.load(name: "dir", userDirectory: directory.path)
        }
    }

    @Test("an unknown theme lists the built-in names")
    func unknownTheme() {
        #expect(throws: ThemeError.self) { try ThemeLibrary.load(name: "solarized", userDirectory: nil) }
        do {
            _ = try ThemeLibrary.load(name: "../default", userDirectory: "/tmp")
            Issue.record("a path is not a theme name")
        } catch {
            #expect(error.description == "unknown theme \"../default\" (built in: default, light, high-contrast, mono)")
        }
    }

    // MARK: Format

    @Test("roles a theme leaves out take normal's style")
    func inheritanceFromNormal() throws {
        let theme = try Self.parse("""
            normal = bright-white 17 italic
            statusFailed = red default bold
            """)
        let normal = RoleStyle(foreground: .index(15), background: .index(17), attributes: .italic)
        #expect(theme.style(for: .normal) == normal)
        #expect(theme.style(for: .statusFailed) == RoleStyle(foreground: .index(1), attributes: .bold))
        for role in StyleRole.allCases where role != .normal && role != .statusFailed {
            #expect(theme.style(for: role) == normal, "\(role)")
        }
        // Without a normal line, normal is the terminal's own look.
        let empty = try Self.parse("# nothing here\n\n")
        #expect(StyleRole.allCases.allSatisfy { empty.style(for: $0) == RoleStyle() })
    }

    @Test("colour words, numbers, attributes, comments and spacing")
    func syntax() throws {
        let theme = try Self.parse("""
            \u{FEFF}# full-line comment after a byte order mark
              normal=default default   # trailing comment\r
            \tselection\t=\tblack  cyan   bold reverse
            header = bright-black bright-cyan dim underline italic standout
            footer = 0 255\r
            dim = 007 magenta bold bold

            """)
        #expect(theme.style(for: .normal) == RoleStyle())
        #expect(theme.style(for: .selection) == RoleStyle(foreground: .index(0), background: .index(6), attributes: [.bold, .reverse]))
        #expect(theme.style(for: .header) == RoleStyle(
            foreground: .index(8), background: .index(14), attributes: [.dim, .underline, .italic, .standout]))
        #expect(theme.style(for: .footer) == RoleStyle(foreground: .index(0), background: .index(255)))
        #expect(theme.style(for: .dim) == RoleStyle(foreground: .index(7), background: .index(5), attributes: .bold))
    }

    @Test("mistakes are reported as FILE:LINE: message", arguments: [
        ("normal = default default\nstatusFaild = red default", 2, "unknown role \"statusFaild\" (did you mean \"statusFailed\"?)"),
        ("Selection = red default", 1, "unknown role \"Selection\" (did you mean \"selection\"?)"),
        ("\n\nheader = rouge default", 3, "unknown colour \"rouge\"; use default, black, red, green, yellow, blue, magenta, cyan, white, bright-<name> or a number 0-255"),
        ("header = red bright-purple", 1, "unknown colour \"bright-purple\"; use default, black, red, green, yellow, blue, magenta, cyan, white, bright-<name> or a number 0-255"),
        ("header = 256 default", 1, "colour 256 is out of range: numbers go from 0 to 255"),
        ("header = -1 default", 1, "unknown colour \"-1\"; use default, black, red, green, yellow, blue, magenta, cyan, white, bright-<name> or a number 0-255"),
        ("# ok\nheader = red default blod", 2, "unknown attribute \"blod\" (did you mean \"bold\"?)"),
        ("header = red default blink", 1, "unknown attribute \"blink\"; use bold, dim, underline, reverse, italic or standout"),
        ("header = red default green", 1, "\"green\" is a colour, but a role takes only a foreground and a background"),
        ("header red default", 1, "expected \"role = foreground background [attribute ...]\""),
        ("= red default", 1, "missing role name before \"=\""),
        ("status failed = red default", 1, "expected one role name before \"=\", found \"status failed\""),
        ("header = red", 1, "\"header\" needs a foreground and a background colour (use default for the terminal's own)"),
        ("header =", 1, "\"header\" needs a foreground and a background colour (use default for the terminal's own)"),
        ("header = red default\n# again\nheader = blue default", 3, "role \"header\" is already set on line 1"),
    ])
    func errors(text: String, line: Int, message: String) throws {
        let error = try #require(Self.error(text))
        #expect(error == ThemeError(file: "my.theme", line: line, message: message))
        #expect(error.description == "my.theme:\(line): \(message)")
    }

    @Test("an unknown role lists every role when nothing is close")
    func unknownRoleListsRoles() throws {
        let error = try #require(Self.error("sidebar = red default"))
        #expect(error.message.hasPrefix("unknown role \"sidebar\"; the roles are normal, dim, header,"))
        for role in StyleRole.allCases { #expect(error.message.contains(role.rawValue)) }
    }

    // MARK: Depth

    @Test("256-colour indices map to the nearest basic colour", arguments: [
        (196, 1), (160, 1), (46, 2), (40, 2), (226, 3), (220, 3), (21, 4), (19, 4), (201, 5), (170, 5),
        (51, 6), (39, 6), (16, 0), (231, 7), (244, 7), (238, 0), (208, 3), (0, 0), (5, 5), (7, 7),
        (8, 0), (9, 1), (12, 4), (15, 7),
    ])
    func nearestBasicColour(index: Int, basic: Int) throws {
        let theme = try Self.parse("normal = \(index) default\nheader = default \(index)").adapted(to: .eight)
        #expect(theme.style(for: .normal).foreground == .index(basic))
        #expect(theme.style(for: .header).background == .index(basic))
        #expect(theme.style(for: .header).foreground == .terminalDefault)
    }

    @Test("depth 8 keeps attributes and the terminal's own colours; 256 changes nothing")
    func eightKeepsAttributes() throws {
        let theme = try Self.parse("normal = default default\nselection = 231 24 bold underline")
        let eight = theme.adapted(to: .eight)
        #expect(eight.style(for: .normal) == RoleStyle())
        #expect(eight.style(for: .selection).attributes == [.bold, .underline])
        #expect(eight.adapted(to: .eight) == eight)
        #expect(theme.adapted(to: .extended) == theme)
        #expect(eight.name == "test")
    }

    @Test("colours that meet on one basic colour get readable text")
    func collidingColours() throws {
        // 196 and 160 are both red; 231 and 252 are both white; 21 and 4 are both blue.
        let theme = try Self.parse("""
            header = 196 160
            footer = 231 252
            dialog = 21 4
            bar = 1 1
            """).adapted(to: .eight)
        #expect(theme.style(for: .header).foreground == .index(7))
        #expect(theme.style(for: .header).background == .index(1))
        #expect(theme.style(for: .footer).foreground == .index(0))
        #expect(theme.style(for: .dialog).foreground == .index(7))
        // Equal on purpose stays equal.
        #expect(theme.style(for: .bar).foreground == .index(1))
    }

    @Test("without colour every theme becomes mono's attributes and the terminal's colours",
          arguments: ThemeLibrary.builtInNames + ["custom"])
    func noColourIsMono(name: String) throws {
        let theme = name == "custom"
            ? try Self.parse("normal = red blue bold\nselection = green default italic")
            : try Self.builtIn(name)
        let mono = try Self.builtIn("mono")
        let adapted = theme.adapted(to: .none)
        #expect(adapted.name == theme.name)
        for role in StyleRole.allCases {
            let style = adapted.style(for: role)
            #expect(style.foreground == .terminalDefault)
            #expect(style.background == .terminalDefault)
            #expect(style.attributes == mono.style(for: role).attributes, "\(role)")
        }
    }

    @Test("NO_COLOR and the terminal's colour count decide the depth")
    func depth() {
        #expect(ThemeLibrary.depth(colors: 256, environment: [:]) == .extended)
        #expect(ThemeLibrary.depth(colors: 16_777_216, environment: ["TERM": "xterm-direct"]) == .extended)
        #expect(ThemeLibrary.depth(colors: 255, environment: [:]) == .eight)
        #expect(ThemeLibrary.depth(colors: 16, environment: [:]) == .eight)
        #expect(ThemeLibrary.depth(colors: 8, environment: [:]) == .eight)
        #expect(ThemeLibrary.depth(colors: 7, environment: [:]) == .none)
        #expect(ThemeLibrary.depth(colors: 0, environment: [:]) == .none)
        #expect(ThemeLibrary.depth(colors: -1, environment: [:]) == .none)
        #expect(ThemeLibrary.depth(colors: 256, environment: ["NO_COLOR": "1"]) == .none)
        #expect(ThemeLibrary.depth(colors: 8, environment: ["NO_COLOR": "yes"]) == .none)
        // An empty NO_COLOR does not count.
        #expect(ThemeLibrary.depth(colors: 256, environment: ["NO_COLOR": ""]) == .extended)
    }

    @Test("colour numbers for colour pairs")
    func colourNumbers() {
        #expect(TerminalColor.terminalDefault.number == -1)
        #expect(TerminalColor.index(0).number == 0)
        #expect(TerminalColor.index(255).number == 255)
    }
}
