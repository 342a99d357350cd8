import SessionsKit

/// What a key asks for, independent of which key it was.
public enum Intent: String, Sendable, Hashable, CaseIterable {
    case moveDown, moveUp, moveTop, moveBottom, pageDown, pageUp
    case nextSection, previousSection, sectionActive, sectionComplete, sectionFailed
    case open, openInteraction, back, quit
    case filter, cycleSort
    case toggleMark, markAll
    case markComplete, markFailed, markActive, undo
    case newSession, deleteSession, switchAccount
    case nextError, previousError, openParent, resume
    case toggleWrap, search, searchNext, searchPrevious, openInPager, copy
    case nextInteraction, previousInteraction, scrollRight, scrollLeft, toggleConversation
    /// The search screen: open it, and step from hit to hit.
    case searchAll, nextHit, previousHit
    /// The copy menu: which part of the interaction goes to the clipboard.
    case copyCommand, copyPipe, copyStdout, copyStderr, copyInteraction
    case redraw, help
    /// Typing: a character goes into the line being edited.
    case typeText, deleteBackward, clearLine, accept, cancel
    /// Dialogs.
    case nextChoice, previousChoice, confirm, close
}

/// Where the user is; each context has its own bindings, listed by `?`.
public enum KeyContext: String, Sendable, Hashable, CaseIterable {
    case global, list, timeline, detail, filter, search, copyMenu, searchScreen, searchQuery, help, newSession, confirmDelete, accountPicker

    public var title: String {
        switch self {
        case .global: return "List, timeline and interaction"
        case .list: return "Session list"
        case .timeline: return "Timeline"
        case .detail: return "Interaction detail"
        case .filter: return "Typing a filter"
        case .search: return "Typing a search"
        case .copyMenu: return "Copy menu"
        case .searchScreen: return "Search screen"
        case .searchQuery: return "Typing a search of every session"
        case .help: return "This help"
        case .newSession: return "New session form"
        case .confirmDelete: return "Delete confirmation"
        case .accountPicker: return "Account picker"
        }
    }

    /// The context whose bindings apply here too, unless overridden. Lines
    /// being typed and dialogs inherit nothing: a `j` typed into the filter
    /// is a letter, not a move.
    public var parent: KeyContext? {
        switch self {
        case .list, .timeline, .detail: return .global
        default: return nil
        }
    }
}

/// One binding: the keys, what they do, and whether the footer shows it. A
/// binding without keys is its context's fallback, for every key nothing
/// else claims (for `typeText`, every printable character).
public struct Binding: Sendable, Equatable {
    public var keys: [Key]
    public var command: Intent
    public var context: KeyContext
    public var summary: String
    /// The footer's short word for it; nil keeps it out of the footer.
    public var hint: String?

    public var keyLabel: String {
        if keys.isEmpty { return command == .typeText ? "other characters" : "any other key" }
        return keys.map(\.label).joined(separator: "/")
    }
}

/// The one key map: `update` dispatches every key through it, in lists,
/// dialogs and lines being typed alike, and help and the footer are
/// generated from it, so documentation cannot drift from behaviour.
public struct KeyMap: Sendable {
    public let bindings: [Binding]

    public init(bindings: [Binding]) { self.bindings = bindings }

    /// The command `key` means in `context`: the context's own binding
    /// first, then its parent's, then the context's fallback.
    public func command(for key: Key, in context: KeyContext) -> Intent? {
        if let own = bindings.first(where: { $0.context == context && $0.keys.contains(key) }) { return own.command }
        if let parent = context.parent, let inherited = command(for: key, in: parent) { return inherited }
        guard let fallback = bindings.first(where: { $0.context == context && $0.keys.isEmpty }) else { return nil }
        if fallback.command == .typeText { return key.typedCharacter == nil ? nil : .typeText }
        return fallback.command
    }

    public func bindings(in context: KeyContext) -> [Binding] {
        bindings.filter { $0.context == context }
    }

    /// The footer's hints for `context`, most important first.
    public func hints(in context: KeyContext) -> [(keys: String, hint: String)] {
        let inherited = context.parent.map { bindings(in: $0) } ?? []
        return (bindings(in: context) + inherited).compactMap { binding in
            binding.hint.map { (binding.keys.first.map(\.label) ?? "", $0) }
        }
    }

    public static let standard: KeyMap = {
        var all: [Binding] = []
        func bind(_ context: KeyContext, _ keys: [Key], _ command: Intent, _ summary: String, hint: String? = nil) {
            all.append(Binding(keys: keys, command: command, context: context, summary: summary, hint: hint))
        }
        let c = Key.character
        // The list, the timeline and the pager.
        bind(.global, [c("?")], .help, "show this help", hint: "help")
        bind(.global, [.control("l")], .redraw, "redraw the screen")
        bind(.global, [c("j"), .down], .moveDown, "move down")
        bind(.global, [c("k"), .up], .moveUp, "move up")
        bind(.global, [c("g"), .home], .moveTop, "go to the top")
        bind(.global, [c("G"), .end], .moveBottom, "go to the bottom")
        bind(.global, [.pageDown, .control("f"), c(" ")], .pageDown, "page down")
        bind(.global, [.pageUp, .control("b")], .pageUp, "page up")
        bind(.global, [c("F")], .searchAll, "search every session: prompts, replies, commands, output, state; again, back to the hits")
        bind(.global, [c("}")], .nextHit, "open the next search hit, in the next session too")
        bind(.global, [c("{")], .previousHit, "open the previous search hit")
        // Session list.
        bind(.list, [.enter, c("l"), .right], .open, "open the session's timeline", hint: "open")
        bind(.list, [.tab], .nextSection, "next section")
        bind(.list, [.backTab], .previousSection, "previous section")
        bind(.list, [c("1")], .sectionActive, "show active sessions")
        bind(.list, [c("2")], .sectionComplete, "show complete sessions")
        bind(.list, [c("3")], .sectionFailed, "show failed sessions")
        bind(.list, [c("/")], .filter, "filter: words match id, title, type, project, component, agent, environment, state; \(FilterQuery.fieldNames) narrow; any other word: is matched as text, and the footer says so", hint: "filter")
        bind(.list, [c("F")], .searchAll, "search every session: prompts, replies, commands, output, state", hint: "search")
        bind(.list, [c("s")], .cycleSort, "cycle the sort: \(SessionSort.allCases.map(\.rawValue).joined(separator: ", "))", hint: "sort")
        bind(.list, [c("c")], .markComplete, "set the session, or every marked one, to complete", hint: "complete")
        bind(.list, [c("f")], .markFailed, "set the session, or every marked one, to failed", hint: "failed")
        bind(.list, [c("a")], .markActive, "set the session, or every marked one, to active", hint: "active")
        bind(.list, [c("u")], .undo, "undo the last status change, for every session it changed", hint: "undo")
        bind(.list, [c("n")], .newSession, "new session", hint: "new")
        bind(.list, [c("D")], .deleteSession, "delete the session, or every marked one (asks first)")
        bind(.list, [c("A")], .switchAccount, "switch account")
        bind(.list, [c("p")], .openParent, "go to the session's parent: the conversation a subagent ran in, a CodeMySpec session's parent")
        bind(.list, [c("R")], .resume, "resume the session's conversation in Claude Code, in the directory it started in; back here when it ends")
        bind(.list, [c("q")], .quit, "quit", hint: "quit")
        bind(.list, [c(" ")], .toggleMark, "mark or unmark the session, and move down", hint: "mark")
        bind(.list, [c("*")], .markAll, "mark every session the filter shows; again, unmark them")
        bind(.list, [.escape], .back, "clear the marks, then the filter")
        // Timeline.
        bind(.timeline, [.enter], .open, "open the interaction, prompt or reply; on a Task row marked → #N, the subagent's session (p: back)", hint: "open")
        bind(.timeline, [c("l"), .right], .openInteraction, "open the interaction, prompt or reply, a Task row marked → #N too")
        bind(.timeline, [c("e")], .nextError, "next error", hint: "next error")
        bind(.timeline, [c("F")], .searchAll, "search every session; again, back to the hits", hint: "search")
        bind(.timeline, [c("E")], .previousError, "previous error")
        bind(.timeline, [c("p")], .openParent, "open the session's parent")
        bind(.timeline, [c("R")], .resume, "resume the session's conversation in Claude Code; back here when it ends")
        bind(.timeline, [c("c")], .markComplete, "set the session complete", hint: "complete")
        bind(.timeline, [c("f")], .markFailed, "set the session failed", hint: "failed")
        bind(.timeline, [c("a")], .markActive, "set the session active")
        bind(.timeline, [c("u")], .undo, "undo the last status change", hint: "undo")
        bind(.timeline, [.tab], .nextSection, "next section")
        bind(.timeline, [.backTab], .previousSection, "previous section")
        bind(.timeline, [c("q"), .escape, c("h"), .left], .back, "back to the list", hint: "back")
        bind(.timeline, [c("]")], .nextInteraction, "next row")
        bind(.timeline, [c("[")], .previousInteraction, "previous row")
        bind(.timeline, [c("t")], .toggleConversation, "show or hide the conversation: the prompts (›) and replies (‹)")
        // Interaction detail.
        bind(.detail, [c("/")], .search, "search the text", hint: "search")
        bind(.detail, [c("n")], .searchNext, "next match", hint: "next")
        bind(.detail, [c("N")], .searchPrevious, "previous match")
        bind(.detail, [c("w")], .toggleWrap, "toggle line wrap", hint: "wrap")
        bind(.detail, [c("o")], .openInPager, "open in $PAGER; if it returns at once, a key brings the browser back", hint: "pager")
        bind(.detail, [c("y")], .copy, "copy to the clipboard: choose the command, pipe, stdout, stderr or the whole interaction",
             hint: "copy")
        bind(.detail, [c("e")], .nextError, "next error interaction")
        bind(.detail, [c("E")], .previousError, "previous error interaction")
        bind(.detail, [c("q"), .escape], .back, "back to the timeline", hint: "back")
        // After back, so that on a narrow footer these give way first.
        bind(.detail, [c("]")], .nextInteraction, "next interaction", hint: "next interaction")
        bind(.detail, [c("[")], .previousInteraction, "previous interaction")
        bind(.detail, [c("l"), .right], .scrollRight, "scroll right, when wrap is off and a line is wider than the screen")
        bind(.detail, [c("h"), .left], .scrollLeft, "scroll left; at the left edge, back to the timeline")
        // Typing a filter: the list narrows with every character.
        bind(.filter, [.enter], .accept, "keep the filter and stop typing")
        bind(.filter, [.escape], .cancel, "clear the filter")
        bind(.filter, [.backspace, .delete], .deleteBackward, "delete the last character")
        bind(.filter, [.control("u")], .clearLine, "clear the line")
        bind(.filter, [.down], .moveDown, "move down the list")
        bind(.filter, [.up], .moveUp, "move up the list")
        bind(.filter, [.pageDown], .pageDown, "page down the list")
        bind(.filter, [.pageUp], .pageUp, "page up the list")
        bind(.filter, [], .typeText, "type into the filter")
        // Typing a search in the pager.
        bind(.search, [.enter], .accept, "search from the top of the screen")
        bind(.search, [.escape], .cancel, "stop typing; the last search stays")
        bind(.search, [.backspace, .delete], .deleteBackward, "delete the last character")
        bind(.search, [.control("u")], .clearLine, "clear the line")
        bind(.search, [], .typeText, "type into the search")
        // The search screen.
        bind(.searchScreen, [.enter, c("l"), .right], .open, "open the hit: its session's timeline, and the pager on the matching line", hint: "open")
        bind(.searchScreen, [c("/")], .search, "change the search", hint: "edit")
        bind(.searchScreen, [c("}")], .nextHit, "next hit")
        bind(.searchScreen, [c("{")], .previousHit, "previous hit")
        bind(.searchScreen, [.escape, c("q"), c("h"), .left], .back, "stop the search; when it is done, back to where F was pressed", hint: "stop/back")
        bind(.searchScreen, [c("j"), .down], .moveDown, "move down")
        bind(.searchScreen, [c("k"), .up], .moveUp, "move up")
        bind(.searchScreen, [c("g"), .home], .moveTop, "go to the top")
        bind(.searchScreen, [c("G"), .end], .moveBottom, "go to the bottom")
        bind(.searchScreen, [.pageDown, .control("f"), c(" ")], .pageDown, "page down")
        bind(.searchScreen, [.pageUp, .control("b")], .pageUp, "page up")
        bind(.searchScreen, [c("?")], .help, "show this help", hint: "help")
        // Typing the search: it runs again with every character.
        bind(.searchQuery, [.enter], .accept, "go to the hits", hint: "hits")
        bind(.searchQuery, [.escape], .cancel, "stop typing, and stop the search", hint: "stop")
        bind(.searchQuery, [.backspace, .delete], .deleteBackward, "delete the last character")
        bind(.searchQuery, [.control("u")], .clearLine, "clear the line")
        bind(.searchQuery, [.down], .moveDown, "go to the hits, one down")
        bind(.searchQuery, [.pageDown], .pageDown, "go to the hits, a page down")
        bind(.searchQuery, [], .typeText, "type: words, \"a phrase\"; a capital letter makes the search match case")
        // The copy menu: one key a part; the menu lists the parts the interaction has.
        bind(.copyMenu, [c("c")], .copyCommand, "copy the command")
        bind(.copyMenu, [c("p")], .copyPipe, "copy the pipe")
        bind(.copyMenu, [c("s")], .copyStdout, "copy stdout")
        bind(.copyMenu, [c("e")], .copyStderr, "copy stderr")
        bind(.copyMenu, [c("a")], .copyInteraction, "copy the whole interaction, as the pager shows it")
        bind(.copyMenu, [.escape, c("q")], .cancel, "copy nothing", hint: "cancel")
        // Dialogs.
        bind(.help, [c("j"), .down], .moveDown, "scroll down")
        bind(.help, [c("k"), .up], .moveUp, "scroll up")
        bind(.help, [.pageDown, c(" ")], .pageDown, "page down")
        bind(.help, [.pageUp], .pageUp, "page up")
        bind(.help, [], .close, "close the help")
        bind(.newSession, [.tab, .down, c("j")], .moveDown, "next field")
        bind(.newSession, [.backTab, .up, c("k")], .moveUp, "previous field")
        bind(.newSession, [.right, c("l"), c(" ")], .nextChoice, "next choice")
        bind(.newSession, [.left, c("h")], .previousChoice, "previous choice")
        bind(.newSession, [.enter], .accept, "create the session")
        bind(.newSession, [.escape, c("q")], .cancel, "cancel")
        bind(.confirmDelete, [c("y"), c("Y")], .confirm, "delete")
        bind(.confirmDelete, [], .cancel, "keep them")
        bind(.accountPicker, [.down, c("j")], .moveDown, "next account")
        bind(.accountPicker, [.up, c("k")], .moveUp, "previous account")
        bind(.accountPicker, [.enter], .accept, "switch to the account")
        bind(.accountPicker, [.escape, c("q")], .cancel, "cancel")
        return KeyMap(bindings: all)
    }()
}
