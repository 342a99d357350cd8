import CSupport

/// How many terminal cells text occupies, per grapheme cluster, using the C
/// library's width tables under a UTF-8 locale (what curses itself uses), so
/// that columns line up and truncation never splits a wide character.
public enum CellWidth {
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value >= 0x20 && first.value < 0x7F && scalars.count == 1 { return 1 }
        var width = scalarWidth(first)
        if width < 2 && scalars.count > 1 {
            // Emoji presentation selector, keycaps, ZWJ sequences and flags are drawn wide.
            if scalars.contains(where: { $0.value == 0xFE0F || $0.value == 0x200D })
                || (0x1F1E6...0x1F1FF).contains(first.value) {
                width = 2
            }
        }
        return max(width, 1)
    }

    public static func of(_ text: String) -> Int {
        // Printable ASCII is a cell a byte.
        if Sanitizer.isPlainASCII(text) { return text.utf8.count }
        return text.reduce(0) { $0 + of($1) }
    }

    static func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
        let width = Int(sessions_wcwidth_utf8(scalar.value))
        if width >= 0 { return width }
        if width == -2 { return fallbackWidth(scalar) }
        // Unassigned in the C library's tables (newer emoji): emoji are wide.
        return scalar.properties.isEmojiPresentation ? 2 : 1
    }

    /// Used only where no UTF-8 locale exists: East Asian wide ranges and emoji.
    static func fallbackWidth(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if scalar.properties.isEmojiPresentation { return 2 }
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// Cuts `text` to at most `width` cells; when it had to cut, it ends in `…`
    /// on a cell boundary (a wide character that would straddle the edge goes).
    public static func truncate(_ text: String, to width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        let total = of(text)
        if total <= width { return text }
        let ellipsisWidth = of(ellipsis)
        let budget = width - ellipsisWidth
        guard budget >= 0 else { return String(repeating: ".", count: width) }
        var result = ""
        var used = 0
        for character in text {
            let w = of(character)
            if used + w > budget { break }
            result.append(character)
            used += w
        }
        return result + ellipsis
    }

    /// Pads (or truncates) to exactly `width` cells. Text that fits is
    /// measured once: tables and the browser fit every cell of every row.
    public static func fit(_ text: String, to width: Int, alignRight: Bool = false) -> String {
        let total = of(text)
        if total == width { return text }
        let cut = total > width ? truncate(text, to: width) : text
        let padding = String(repeating: " ", count: max(0, width - (total > width ? of(cut) : total)))
        return alignRight ? padding + cut : cut + padding
    }
}
