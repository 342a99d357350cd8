/// A style for every role. Screens ask for a role and always get an answer, so
/// no screen carries a fallback look of its own.
public struct Theme: Sendable, Equatable {
    public let name: String
    private let styles: [StyleRole: RoleStyle]

    /// Roles missing from `styles` take `normal`'s style, so a theme only has
    /// to name the roles it wants to look different.
    public init(name: String, styles: [StyleRole: RoleStyle]) {
        let normal = styles[.normal] ?? RoleStyle()
        var complete: [StyleRole: RoleStyle] = [:]
        for role in StyleRole.allCases { complete[role] = styles[role] ?? normal }
        self.name = name
        self.styles = complete
    }

    public func style(for role: StyleRole) -> RoleStyle { styles[role] ?? RoleStyle() }

    /// The theme as a terminal of `depth` can show it: 256-colour indices map
    /// to the nearest of the 8 basic colours (by RGB distance over the standard
    /// xterm palette; 8-15 map to 0-7); with no colour at all every role takes
    /// the built-in `mono` theme's attributes (so meaning never rests on colour
    /// alone).
    ///
    /// Greys map to black or white only, so they never turn into a hue that
    /// means something; and when a role's two colours land on the same basic
    /// colour its text becomes black or white, whichever reads on it.
    public func adapted(to depth: ColorDepth) -> Theme {
        var adapted: [StyleRole: RoleStyle] = [:]
        switch depth {
        case .extended:
            return self
        case .eight:
            for (role, style) in styles { adapted[role] = style.inEightColors }
        case .none:
            // The built-in mono, not a user's: with colour gone, attributes are
            // all that separates a failure from a success, and those must be
            // the ones the program was designed and tested with.
            let mono = ThemeLibrary.builtInMono
            for role in StyleRole.allCases { adapted[role] = RoleStyle(attributes: mono.style(for: role).attributes) }
        }
        return Theme(name: name, styles: adapted)
    }
}
