import SessionsDisplay
import SessionsKit

/// Something drawn over the main screen that takes the keys while it is open.
public enum Overlay: Sendable, Equatable {
    case help(HelpOverlay)
    case confirmDelete(ConfirmDelete)
    case newSession(NewSessionForm)
    case accountPicker(AccountPicker)

    var keyContext: KeyContext {
        switch self {
        case .help: return .help
        case .confirmDelete: return .confirmDelete
        case .newSession: return .newSession
        case .accountPicker: return .accountPicker
        }
    }

    /// What an intent does to the dialog: it stays open (perhaps changed),
    /// or it closes, asking the app for what it was opened for.
    enum Outcome: Equatable {
        case stay(Overlay)
        case close(Reply)
    }

    func handle(_ intent: Intent, in area: Rect, keyMap: KeyMap) -> Outcome {
        switch self {
        case .help(var help):
            guard help.handle(intent, in: area, keyMap: keyMap) else { return .close(.none) }
            return .stay(.help(help))
        case .confirmDelete(let confirm):
            return .close(confirm.handle(intent))
        case .newSession(var form):
            if let reply = form.handle(intent) { return .close(reply) }
            return .stay(.newSession(form))
        case .accountPicker(var picker):
            if let reply = picker.handle(intent) { return .close(reply) }
            return .stay(.accountPicker(picker))
        }
    }

    func draw(into frame: inout Frame, in area: Rect, keyMap: KeyMap, account: Account.ID) {
        switch self {
        case .help(let help): help.draw(into: &frame, in: area, keyMap: keyMap)
        case .confirmDelete(let confirm): confirm.draw(into: &frame, in: area)
        case .newSession(let form): form.draw(into: &frame, in: area)
        case .accountPicker(let picker): picker.draw(into: &frame, in: area, current: account)
        }
    }
}

/// `D`: one confirmation for every session about to go.
public struct ConfirmDelete: Sendable, Equatable {
    public var sessionIDs: [Session.ID]
    public var interactions: Int

    func handle(_ intent: Intent) -> Reply {
        if intent == .confirm { return .perform(.store(.deleteSessions(sessionIDs))) }
        return .say(sessionIDs.count == 1 ? "#\(sessionIDs[0]) kept" : "\(sessionIDs.count) sessions kept")
    }

    func draw(into frame: inout Frame, in area: Rect) {
        let count = sessionIDs.count
        let interactionWords = "\(interactions) interaction\(interactions == 1 ? "" : "s")"
        let question = count == 1 ? "Delete session #\(sessionIDs[0]) and its \(interactionWords)?"
                                  : "Delete \(count) sessions and their \(interactionWords)?"
        let lines: [[Span]] = [
            [Span(question, .dialog)],
            [Span("This cannot be undone.", .dialog)],
            [],
            [Span("y", .footerKey), Span(" delete   ", .dialog), Span("any other key", .footerKey), Span(" keep", .dialog)],
        ]
        let box = DialogBox(title: "Delete", contentWidth: DialogBox.width(of: lines), lineCount: lines.count, fillWidth: false, in: area)
        box.draw(into: &frame, title: "Delete", lines: lines)
    }
}

/// `A`: the accounts, to act as another.
public struct AccountPicker: Sendable, Equatable {
    public var accounts: [Account]
    public var cursor: Int

    mutating func handle(_ intent: Intent) -> Reply? {
        if let target = Movement.target(intent, from: cursor, count: accounts.count, page: 1) {
            cursor = target
            return nil
        }
        switch intent {
        case .accept: return cursor < accounts.count ? .perform(.store(.switchAccount(accounts[cursor].id))) : Reply.none
        case .cancel: return Reply.none
        default: return nil
        }
    }

    func draw(into frame: inout Frame, in area: Rect, current: Account.ID) {
        var lines: [[Span]] = accounts.enumerated().map { index, account in
            let note = account.id == current ? " (current)" : ""
            return [Span(index == cursor ? "▸ " : "  ", .dialog),
                    Span("\(account.id) " + Sanitizer.line(account.name) + note, index == cursor ? .selection : .dialog)]
        }
        lines.append([])
        lines.append([Span("Enter", .footerKey), Span(" switch  ", .dialog), Span("Esc", .footerKey), Span(" cancel", .dialog)])
        let box = DialogBox(title: "Switch account", contentWidth: DialogBox.width(of: lines), lineCount: lines.count,
                            fillWidth: false, in: area)
        box.draw(into: &frame, title: "Switch account", lines: lines)
    }
}
