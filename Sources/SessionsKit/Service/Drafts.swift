/// What a caller asks for, as the user typed it. The service validates drafts,
/// so the CLI, the TUI's form and the importers all report the same
/// field-and-rule messages.
public struct SessionDraft: Sendable, Equatable {
    public var type: String
    public var agent: String?
    public var environment: String?
    public var status: String?
    public var componentID: Component.ID?
    public var state: JSONValue?

    public init(type: String, agent: String? = nil, environment: String? = nil, status: String? = nil,
                componentID: Component.ID? = nil, state: JSONValue? = nil) {
        self.type = type
        self.agent = agent
        self.environment = environment
        self.status = status
        self.componentID = componentID
        self.state = state
    }
}

public struct CommandDraft: Sendable, Equatable {
    public var module: String
    public var command: String
    public var pipe: String?
    public var stepName: String?

    public init(module: String, command: String, pipe: String? = nil, stepName: String? = nil) {
        self.module = module
        self.command = command
        self.pipe = pipe
        self.stepName = stepName
    }
}

public struct ResultDraft: Sendable, Equatable {
    public var status: String
    public var code: Int?
    public var errorMessage: String?
    public var stdout: CapturedOutput?
    public var stderr: CapturedOutput?
    public var durationMS: Int?
    public var data: JSONValue?

    public init(status: String, code: Int? = nil, errorMessage: String? = nil, stdout: CapturedOutput? = nil,
                stderr: CapturedOutput? = nil, durationMS: Int? = nil, data: JSONValue? = nil) {
        self.status = status
        self.code = code
        self.errorMessage = errorMessage
        self.stdout = stdout
        self.stderr = stderr
        self.durationMS = durationMS
        self.data = data
    }
}

/// Which sessions a listing wants, and in which order.
public struct SessionQuery: Sendable, Equatable {
    public var status: SessionStatus?
    public var type: SessionType?
    public var projectID: Project.ID?
    public var componentID: Component.ID?
    public var sort: SessionSort
    public var limit: Int?
    /// Only sessions last active at or after this time.
    public var since: Timestamp?
    /// Only sessions last active at or before this time.
    public var until: Timestamp?

    /// Whether a summary with these keys passes the filters: the one rule
    /// for lists, searches, and a session a search names by its id. The
    /// account is the caller's to check.
    public func admits(_ key: SummaryKey) -> Bool {
        (status == nil || key.status == status) && (type == nil || key.type == type)
            && (projectID == nil || key.projectID == projectID) && (componentID == nil || key.componentID == componentID)
            && (since.map { key.activityAt >= $0 } ?? true) && (until.map { key.activityAt <= $0 } ?? true)
    }

    public init(status: SessionStatus? = nil, type: SessionType? = nil, projectID: Project.ID? = nil, componentID: Component.ID? = nil,
                sort: SessionSort = .updated, limit: Int? = nil, since: Timestamp? = nil, until: Timestamp? = nil) {
        self.since = since
        self.until = until
        self.status = status
        self.type = type
        self.projectID = projectID
        self.componentID = componentID
        self.sort = sort
        self.limit = limit
    }
}

/// List orders. Time orders put the newest first; id and type read top-down.
/// Activity comes first, the default: a review (a status set, which moves
/// `updated_at`) must not bring a session of last month to the top.
public enum SessionSort: String, CaseIterable, Sendable {
    case activity, updated, created, id, type

    /// `summaries` in this order.
    public func sorted(_ summaries: [SessionSummary]) -> [SessionSummary] {
        var order = Array(summaries.indices)
        sort(&order, of: summaries.map(SummaryKey.init))
        return order.map { summaries[$0] }
    }

    /// Sorts positions in `keys` into this order, keeping only the first
    /// `limit` if given. Comparing small keys and moving integers, instead
    /// of swapping whole summaries at every comparison, keeps a re-sort of
    /// 10,000 sessions inside one frame.
    public func sort(_ order: inout [Int], of keys: [SummaryKey], limit: Int? = nil) {
        var orders = [order]
        order = []
        sort(&orders, of: keys, limit: limit)
        order = orders[0]
    }

    /// Sorts several lists of positions (a browser's sections) with one
    /// computation of the sort keys, which reads every summary's key.
    public func sort(_ orders: inout [[Int]], of keys: [SummaryKey], limit: Int? = nil) {
        keys.withUnsafeBufferPointer { all in
            switch self {
            case .activity, .updated, .created:
                let times = all.map { key in
                    (self == .activity ? key.activityAt : self == .updated ? key.updatedAt : key.insertedAt).microseconds
                }
                for index in orders.indices {
                    Self.sort(&orders[index], limit: limit) {
                        times[$0] != times[$1] ? times[$0] > times[$1] : all[$0].id > all[$1].id
                    }
                }
            case .id:
                for index in orders.indices { Self.sort(&orders[index], limit: limit) { all[$0].id < all[$1].id } }
            case .type:
                // Few distinct types: rank them once rather than comparing
                // strings at every step.
                let names = Set(all.map(\.type.name)).sorted()
                let rank = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
                let ranks = all.map { rank[$0.type.name] ?? 0 }
                for index in orders.indices {
                    Self.sort(&orders[index], limit: limit) {
                        ranks[$0] != ranks[$1] ? ranks[$0] < ranks[$1] : all[$0].id < all[$1].id
                    }
                }
            }
        }
    }

    /// Sorts `order`, or, with a `limit` well below its length, finds just
    /// the first `limit` in order: `list --limit 50` of 100,000 sessions
    /// need not sort the rest.
    static func sort(_ order: inout [Int], limit: Int?, by before: (Int, Int) -> Bool) {
        guard let limit, limit < order.count / 8 else {
            order.sort(by: before)
            if let limit, order.count > limit { order.removeSubrange(limit...) }
            return
        }
        var best: [Int] = []
        best.reserveCapacity(limit + 1)
        for position in order {
            if best.count == limit, let last = best.last, !before(position, last) { continue }
            var low = 0, high = best.count
            while low < high {
                let middle = (low + high) / 2
                if before(best[middle], position) { low = middle + 1 } else { high = middle }
            }
            best.insert(position, at: low)
            if best.count > limit { best.removeLast() }
        }
        order = best
    }
}

/// The account and project every request acts within. The account is never
/// taken from a record the user supplies; it always comes from here.
public struct Scope: Sendable, Equatable {
    public var accountID: Account.ID
    public var projectID: Project.ID?

    public init(accountID: Account.ID, projectID: Project.ID? = nil) {
        self.accountID = accountID
        self.projectID = projectID
    }
}

/// Parses the schema's enumerations from user text with the schema's messages.
enum Field {
    static func parse<E: CaseIterable & RawRepresentable>(_ text: String, _ type: E.Type, field: String) -> Result<E, FieldError>
    where E.RawValue == String {
        if let value = E(rawValue: text) { return .success(value) }
        return .failure(FieldError(field, "\(quoted(text)) is not one of \(E.allowedValues)"))
    }
}

extension SessionStatus {
    /// Parses user text, failing with `status: "x" is not one of active, complete, failed`.
    public init(validating text: String) throws(SessionError) {
        switch Field.parse(text, SessionStatus.self, field: "status") {
        case .success(let status): self = status
        case .failure(let error): throw SessionError.invalid(SchemaError([error]))
        }
    }
}
