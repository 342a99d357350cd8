import SessionsDisplay
import SessionsKit

/// Runs the loop's pure half against a real store: feeds actions to
/// `update`, performs the store effects it asks for through the model, and
/// feeds their results back. Terminal effects (pager, clipboard, redraw,
/// quit) are handed to the caller. Tests drive it with an in-memory store.
public final class Runtime {
    public private(set) var state: AppState
    public private(set) var service: SessionService
    /// The newest session load asked for; loads wait until input is drained,
    /// so holding `j` over large sessions never queues work.
    public private(set) var pendingLoad: Session.ID?
    let clock: @Sendable () -> Timestamp

    public init(state: AppState, service: SessionService, clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.state = state
        self.service = service
        self.clock = clock
    }

    /// Applies `action` and every store effect that follows from it.
    /// Returns the effects only the terminal can perform.
    @discardableResult
    public func send(_ action: Action) -> [Effect] {
        var queue = [action]
        var terminal: [Effect] = []
        while !queue.isEmpty {
            let next = queue.removeFirst()
            for effect in Update.update(&state, next) {
                switch effect {
                case .loadSession(let id):
                    pendingLoad = id
                case .openPager, .copyToClipboard, .redraw, .quit:
                    terminal.append(effect)
                default:
                    queue.append(contentsOf: perform(effect))
                }
            }
        }
        return terminal
    }

    /// Performs the deferred session load, if any.
    @discardableResult
    public func settle() -> [Effect] {
        var terminal: [Effect] = []
        while let id = pendingLoad {
            pendingLoad = nil
            terminal += send(load(id))
        }
        return terminal
    }

    /// Takes the deferred load, for a caller that performs it on another
    /// thread and sends the result back.
    public func takePendingLoad() -> Session.ID? {
        defer { pendingLoad = nil }
        return pendingLoad
    }

    /// Loads the catalog: in full the first time, then only what changed.
    public func refresh() {
        do {
            let catalog: Catalog
            if let previous = state.catalog {
                guard try service.generation() != previous.generation else { return }
                catalog = try service.catalog(refreshing: previous)
            } else {
                catalog = try service.catalog()
            }
            send(.catalogLoaded(catalog))
        } catch {
            send(.failed("cannot read the store: \(error)"))
        }
    }

    func load(_ id: Session.ID) -> Action { Self.load(id, service: service) }

    /// What reading session `id` ends in; safe on any thread.
    static func load(_ id: Session.ID, service: SessionService) -> Action {
        do {
            return .sessionLoaded(try service.session(id: id))
        } catch SessionError.notFound {
            return .sessionMissing(id)
        } catch {
            return .failed("cannot read #\(id): \(error)")
        }
    }

    func perform(_ effect: Effect) -> [Action] {
        do {
            switch effect {
            case .setStatus(let id, let status, let isUndo):
                let (previous, session) = try service.setStatus(id: id, to: status)
                return [.statusChanged(StatusChange(sessionID: id, from: previous, to: status, session: session), isUndo: isUndo)]
            case .createSession(let draft):
                return [.sessionCreated(try service.create(draft))]
            case .deleteSession(let id):
                try service.delete(id: id)
                return [.sessionDeleted(id)]
            case .switchAccount(let id):
                let scope = Scope(accountID: id, projectID: nil)
                service = service.acting(in: scope)
                return [.accountSwitched(scope)]
            default:
                return []
            }
        } catch let error as SessionError {
            if case .invalid(let schema) = error { return [.failed(schema.errors.map(\.description).joined(separator: "; "))] }
            return [.failed(error.description)]
        } catch {
            return [.failed("\(error)")]
        }
    }
}
