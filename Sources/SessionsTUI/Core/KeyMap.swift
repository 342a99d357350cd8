/// What a key asks for, independent of which key it was.
public enum Intent: String, Sendable, Hashable, CaseIterable {
    case moveDown, moveUp, moveTop, moveBottom, pageDown, pageUp
    case nextSection, previousSection, sectionActive, sectionComplete, sectionFailed
    case open, back, quit
    case filter, cycleSort
    case markComplete, markFailed, markActive, undo
    case newSession, deleteSession, switchAccount
    case nextError, previousError
    case toggleWrap, search, searchNext, searchPrevious, openInPager, copy
    case redraw, help
}

/// Where the user is; each context has its own bindings, listed by `?`.
public enum KeyContext: String, Sendable, Hashable, CaseIterable {
    case global, list, timeline, detail

    public var title: String {
        switch self {
        case .global: return "Everywhere"
        case .list: return "Session list"
        case .timeline: return "Timeline"
        case .detail: return "Interaction detail"
        }
    }
}

/// One binding: the keys, what they do, and whether the footer shows it.
public struct Binding: Sendable, Equatable {
    public var keys: [Key]
    public var command: Intent
    public var context: KeyContext
    public var summary: String
    /// The footer's short word for it; nil keeps it out of the footer.
    public var hint: String?

    public var keyLabel: String { keys.map(\.label).joined(separator: "/") }
}

/// The one key map: `update` dispatches through it, and help and the footer
/// are generated from it, so documentation cannot drift from behaviour.
public struct KeyMap: Sendable {
    public let bindings: [Binding]

    public init(bindings: [Binding]) { self.bindings = bindings }

    /// The command `key` means in `context`: the context's own binding first,
    /// then the global one.
    public func command(for key: Key, in context: KeyContext) -> Intent? {
        for binding in bindings where binding.context == context && binding.keys.contains(key) {
            return binding.command
        }
        for binding in bindings where binding.context == .global && binding.keys.contains(key) {
            return binding.command
        }
        return nil
    }

    public func bindings(in context: KeyContext) -> [Binding] {
        bindings.filter { $0.context == context }
    }

    /// The footer's hints for `context`, most important first.
    public func hints(in context: KeyContext) -> [(keys: String, hint: String)] {
        (bindings(in: context) + bindings(in: .global)).compactMap { binding in
            binding.hint.map { (binding.keys.first.map(\.label) ?? "", $0) }
        }
    }

    public static let standard: KeyMap = {
        var all: [Binding] = []
        func bind(_ context: KeyContext, _ keys: [Key], _ command: Intent, _ summary: String, hint: String? = nil) {
            all.append(Binding(keys: keys, command: command, context: context, summary: summary, hint: hint))
        }
        let c = Key.character
        // Everywhere.
        bind(.global, [c("?")], .help, "show this help", hint: "help")
        bind(.global, [.control("l")], .redraw, "redraw the screen")
        // Moving is the same in the list, the timeline and the pager.
        bind(.global, [c("j"), .down], .moveDown, "move down")
        bind(.global, [c("k"), .up], .moveUp, "move up")
        bind(.global, [c("g"), .home], .moveTop, "go to the top")
        bind(.global, [c("G"), .end], .moveBottom, "go to the bottom")
        bind(.global, [.pageDown, .control("f"), c(" ")], .pageDown, "page down")
        bind(.global, [.pageUp, .control("b")], .pageUp, "page up")
        // Session list.
        bind(.list, [.enter, c("l"), .right], .open, "open the session's timeline", hint: "open")
        bind(.list, [.tab], .nextSection, "next section")
        bind(.list, [.backTab], .previousSection, "previous section")
        bind(.list, [c("1")], .sectionActive, "show active sessions")
        bind(.list, [c("2")], .sectionComplete, "show complete sessions")
        bind(.list, [c("3")], .sectionFailed, "show failed sessions")
        bind(.list, [c("/")], .filter, "filter: words match id, type, component, agent, environment, state; type: agent: env: project: narrow", hint: "filter")
        bind(.list, [c("s")], .cycleSort, "cycle the sort: updated, created, id, type", hint: "sort")
        bind(.list, [c("c")], .markComplete, "mark the session complete", hint: "complete")
        bind(.list, [c("f")], .markFailed, "mark the session failed", hint: "failed")
        bind(.list, [c("a")], .markActive, "mark the session active", hint: "active")
        bind(.list, [c("u")], .undo, "undo the last status change", hint: "undo")
        bind(.list, [c("n")], .newSession, "new session", hint: "new")
        bind(.list, [c("D")], .deleteSession, "delete the session (asks first)")
        bind(.list, [c("A")], .switchAccount, "switch account")
        bind(.list, [c("q")], .quit, "quit", hint: "quit")
        bind(.list, [.escape], .back, "clear the filter")
        // Timeline.
        bind(.timeline, [.enter, c("l"), .right], .open, "open the interaction", hint: "open")
        bind(.timeline, [c("e")], .nextError, "next error", hint: "next error")
        bind(.timeline, [c("E")], .previousError, "previous error")
        bind(.timeline, [c("c")], .markComplete, "mark the session complete", hint: "complete")
        bind(.timeline, [c("f")], .markFailed, "mark the session failed", hint: "failed")
        bind(.timeline, [c("a")], .markActive, "mark the session active")
        bind(.timeline, [c("u")], .undo, "undo the last status change", hint: "undo")
        bind(.timeline, [.tab], .nextSection, "next section")
        bind(.timeline, [.backTab], .previousSection, "previous section")
        bind(.timeline, [c("q"), .escape, c("h"), .left], .back, "back to the list", hint: "back")
        // Interaction detail.
        bind(.detail, [c("/")], .search, "search the text", hint: "search")
        bind(.detail, [c("n")], .searchNext, "next match", hint: "next")
        bind(.detail, [c("N")], .searchPrevious, "previous match")
        bind(.detail, [c("w")], .toggleWrap, "toggle line wrap", hint: "wrap")
        bind(.detail, [c("o")], .openInPager, "open in $PAGER", hint: "pager")
        bind(.detail, [c("y")], .copy, "copy the section at the top to the clipboard", hint: "copy")
        bind(.detail, [c("e")], .nextError, "next error interaction")
        bind(.detail, [c("E")], .previousError, "previous error interaction")
        bind(.detail, [c("q"), .escape, c("h"), .left], .back, "back to the timeline", hint: "back")
        return KeyMap(bindings: all)
    }()
}
