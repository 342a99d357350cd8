import SessionsKit

/// Runs the browser's pure half against a real store: feeds actions to
/// `update`, performs the store effects it asks for through the model, and
/// feeds their results back. Loads are deferred for the caller to perform,
/// here or off its thread, and so are writes when `defersWrites` is set;
/// terminal effects are handed to the caller. Tests drive it with an
/// in-memory store.
public final class Runtime {
    public private(set) var state: AppState
    public private(set) var service: SessionService
    /// The newest session load asked for; loads wait until input is drained,
    /// so holding `j` over large sessions never queues work.
    public private(set) var pendingLoad: Session.ID?
    /// The search asked for and not yet started; a newer one replaces it.
    public private(set) var pendingSearch: SearchRequest?
    /// Set by `stopSearch` until the caller has stopped the running search.
    public private(set) var searchStopRequested = false
    /// Whether store writes wait in `pendingWrites` for the caller to perform
    /// off its thread: another process may hold the store for long, and the
    /// keys must keep working meanwhile.
    public var defersWrites = false
    /// Writes asked for, in order, each with the service (the account) it was asked in.
    public private(set) var pendingWrites: [(StoreEffect, SessionService)] = []
    let clock: @Sendable () -> Timestamp

    public init(state: AppState, service: SessionService, clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.state = state
        self.service = service
        self.clock = clock
    }

    /// Applies `action` and every store effect that follows from it.
    /// Returns the effects only the terminal can perform.
    @discardableResult
    public func send(_ action: Action) -> [TerminalEffect] {
        var queue = [action]
        var terminal: [TerminalEffect] = []
        while !queue.isEmpty {
            let next = queue.removeFirst()
            for effect in Update.update(&state, next) {
                switch effect {
                case .store(.switchAccount(let id)): queue.append(switchAccount(to: id))
                case .store(let write) where defersWrites: pendingWrites.append((write, service))
                case .store(let write): queue.append(Self.perform(write, service: service))
                case .load(.session(let id)): pendingLoad = id
                case .load(.search(let request)):
                    pendingSearch = request
                    searchStopRequested = true
                case .load(.stopSearch):
                    pendingSearch = nil
                    searchStopRequested = true
                case .terminal(let effect): terminal.append(effect)
                }
            }
        }
        return terminal
    }

    /// Performs the deferred session load and search, if any, here.
    @discardableResult
    public func settle() -> [TerminalEffect] {
        var terminal: [TerminalEffect] = []
        while let id = pendingLoad {
            pendingLoad = nil
            Self.load(id, service: service) { terminal += send($0) }
        }
        searchStopRequested = false
        while let request = pendingSearch {
            pendingSearch = nil
            Self.search(request, service: service, catalog: state.catalog, projectID: state.projectFilter,
                        shouldStop: { false }) { terminal += send($0) }
        }
        return terminal
    }

    /// Takes the deferred search, for a caller that runs it on another
    /// thread, and whether the running one must stop first.
    public func takePendingSearch() -> (request: SearchRequest?, stop: Bool) {
        defer {
            pendingSearch = nil
            searchStopRequested = false
        }
        return (pendingSearch, searchStopRequested)
    }

    /// Runs a search, handing each step to `deliver` as it is done, until
    /// `shouldStop` says it is no longer wanted. Safe on any thread.
    public static func search(_ request: SearchRequest, service: SessionService, catalog: Catalog?, projectID: Project.ID?,
                              shouldStop: () -> Bool, deliver: (Action) -> Void) {
        let generation = request.generation
        var last = SearchProgress(generation: generation, outcomes: [], searched: 0, total: 0, done: true)
        do {
            let catalog = try catalog ?? service.catalog()
            // A query that is a session's id shows that session first, whatever it holds.
            if let named = service.sessionNamed(by: request.query, in: catalog) {
                deliver(.searchProgress(SearchProgress(generation: generation, outcomes: [.hits(SessionHits(sessionID: named, hits: [], total: 0))],
                                                       searched: 0, total: 0, done: false, named: named)))
            }
            try service.search(SessionSearch(query: request.query), SessionQuery(projectID: projectID), in: catalog) { batch in
                guard !shouldStop() else { return false }
                last.total = batch.total
                last.searched = batch.searched
                deliver(.searchProgress(SearchProgress(generation: generation, outcomes: batch.outcomes, searched: batch.searched,
                                                       total: batch.total, done: false)))
                return true
            }
        } catch {
            deliver(.failed("search: \(error)"))
        }
        guard !shouldStop() else { return }
        deliver(.searchProgress(last))
    }

    /// Takes the deferred load, for a caller that performs it on another
    /// thread and sends the result back.
    public func takePendingLoad() -> Session.ID? {
        defer { pendingLoad = nil }
        return pendingLoad
    }

    /// Takes the deferred writes, for a caller that performs them in order
    /// on another thread (`perform(_:service:)`) and sends the results back.
    public func takePendingWrites() -> [(StoreEffect, SessionService)] {
        defer { pendingWrites = [] }
        return pendingWrites
    }

    /// Loads the catalog: in full the first time, then only what changed.
    public func refresh() {
        if let action = Self.refreshed(state.catalog, service: service) { send(action) }
    }

    /// What reading the catalog ends in, given the one the browser has;
    /// nil when nothing changed. Safe on any thread.
    public static func refreshed(_ previous: Catalog?, service: SessionService) -> Action? {
        do {
            guard let previous else { return .catalogLoaded(try service.catalog()) }
            guard try service.generation() != previous.generation else { return nil }
            return .catalogLoaded(try service.catalog(refreshing: previous))
        } catch {
            return .failed("cannot read the store: \(error)")
        }
    }

    /// How many of a session's newest interactions are read first. A
    /// session with more shows those at once, the pane saying the rest is
    /// being read, and the whole session replaces them when it is.
    public static let firstPage = 500

    /// What reading session `id` ends in, handed to `deliver`: once, or for
    /// a long session twice, its newest page and then the whole session.
    /// Safe on any thread.
    public static func load(_ id: Session.ID, service: SessionService, deliver: (Action) -> Void) {
        do {
            let page = try service.session(id: id, newest: firstPage)
            guard !page.isWhole else { return deliver(.sessionLoaded(page.session)) }
            deliver(.sessionPageLoaded(page))
            deliver(.sessionLoaded(try service.session(id: id)))
        } catch SessionError.notFound {
            deliver(.sessionMissing(id))
        } catch {
            deliver(.sessionUnreadable(id, "\(error)"))
        }
    }

    func switchAccount(to id: Account.ID) -> Action {
        let scope = Scope(accountID: id, projectID: nil)
        service = service.acting(in: scope)
        return .accountSwitched(scope)
    }

    /// What a write ends in; safe on any thread.
    public static func perform(_ effect: StoreEffect, service: SessionService) -> Action {
        do {
            switch effect {
            case .setStatus(let request):
                let targets = request.targets.map { ($0.id, $0.status) }
                let to = request.targets.first?.status ?? .active
                func change(_ updates: [StatusUpdate]) -> StatusChange {
                    StatusChange(before: updates.map { StatusTarget(id: $0.summary.id, status: $0.previous) }, to: to)
                }
                guard let undoing = request.undoing else {
                    let updates = try service.setStatuses(targets)
                    return .statusChanged(StatusWrite(change: change(updates), sessions: updates.map(\.summary)))
                }
                // An undo writes back only what is still as the change left it, checked under the store's lock.
                let updates = try service.undoStatuses(targets, changedTo: undoing.to)
                let undone = updates.filter { $0.previous == undoing.to }
                let changedSince = updates.filter { $0.previous != undoing.to }.map(\.summary.id)
                return .statusChanged(StatusWrite(change: change(undone), sessions: updates.map(\.summary), undoing: undoing,
                                                  leftAlone: request.leftAlone + changedSince))
            case .createSession(let draft):
                return .sessionCreated(try service.create(draft))
            case .deleteSessions(let ids):
                try service.delete(ids: ids)
                return .sessionsDeleted(ids)
            case .switchAccount(let id):
                // The runtime switches itself; no store is involved.
                return .accountSwitched(Scope(accountID: id, projectID: nil))
            }
        } catch let error as SessionError {
            if case .invalid(let schema) = error { return .failed(schema.errors.map(\.description).joined(separator: "; ")) }
            return .failed(error.description)
        } catch {
            return .failed("\(error)")
        }
    }
}
