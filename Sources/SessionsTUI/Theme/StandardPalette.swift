/// The standard xterm palette, used only to decide which basic colour a
/// 256-colour index is closest to. Terminals redefine these values freely, but
/// a fixed reference keeps the mapping the same everywhere and testable.
enum StandardPalette {
    struct RGB: Equatable {
        var red: Int
        var green: Int
        var blue: Int

        func distance(to other: RGB) -> Int {
            let r = red - other.red, g = green - other.green, b = blue - other.blue
            return r * r + g * g + b * b
        }

        var isGrey: Bool { red == green && green == blue }
    }

    /// Colours 0-7.
    static let basic: [RGB] = [
        RGB(red: 0, green: 0, blue: 0), RGB(red: 205, green: 0, blue: 0),
        RGB(red: 0, green: 205, blue: 0), RGB(red: 205, green: 205, blue: 0),
        RGB(red: 0, green: 0, blue: 238), RGB(red: 205, green: 0, blue: 205),
        RGB(red: 0, green: 205, blue: 205), RGB(red: 229, green: 229, blue: 229),
    ]

    static let black = 0, white = 7

    /// Index 16...255: the 6×6×6 cube, then the grey ramp.
    static func rgb(_ index: Int) -> RGB {
        if index >= 232 {
            let level = 8 + 10 * (index - 232)
            return RGB(red: level, green: level, blue: level)
        }
        let levels = [0, 95, 135, 175, 215, 255]
        let cube = index - 16
        return RGB(red: levels[cube / 36], green: levels[cube / 6 % 6], blue: levels[cube % 6])
    }

    /// The basic colour (0-7) that stands in for `index` on an 8-colour terminal.
    static func nearestBasic(_ index: Int) -> Int {
        if index < 8 { return index }
        // Bright colours are their basic colour lit up; dropping the light keeps the hue.
        if index < 16 { return index - 8 }
        let colour = rgb(index)
        // A grey has no hue to keep. Measured against all eight, a mid grey
        // lands on yellow or cyan and would read as a warning or a status;
        // limited to black and white it stays neutral.
        let candidates = colour.isGrey ? [black, white] : Array(0..<8)
        var best = candidates[0]
        for candidate in candidates where colour.distance(to: basic[candidate]) < colour.distance(to: basic[best]) {
            best = candidate
        }
        return best
    }

    /// Black or white, whichever can be read on basic colour `background`.
    /// Used when two different colours fall onto the same basic colour, which
    /// would otherwise make the text vanish into its background.
    static func readable(on background: Int) -> Int {
        // Black, red, blue and magenta are the dark ones in every common palette.
        [0, 1, 4, 5].contains(background) ? white : black
    }
}

extension TerminalColor {
    var nearestBasic: TerminalColor {
        switch self {
        case .terminalDefault: return self
        case .index(let index): return .index(StandardPalette.nearestBasic(index))
        }
    }
}

extension RoleStyle {
    /// This style as an 8-colour terminal can show it.
    var inEightColors: RoleStyle {
        var result = self
        result.foreground = foreground.nearestBasic
        result.background = background.nearestBasic
        if result.foreground == result.background, foreground != background,
           case .index(let shared) = result.background {
            result.foreground = .index(StandardPalette.readable(on: shared))
        }
        return result
    }
}
