/// What lists filter, count and sort sessions by: a summary's fields less
/// `state`, unknown members and the interaction figures, which only the rows
/// on screen or in the output need.
public struct SummaryKey: Sendable, Equatable {
    public var id: Session.ID
    public var accountID: Account.ID
    public var projectID: Project.ID?
    public var componentID: Component.ID?
    public var status: SessionStatus
    public var type: SessionType
    public var agent: Agent?
    public var environment: SessionEnvironment?
    public var insertedAt: Timestamp
    public var updatedAt: Timestamp
    /// `SessionSummary.activity`: what the activity sort orders by.
    public var activityAt: Timestamp
    /// The session a subagent's import linked it to (`SessionLinks.linkedParent`),
    /// which a list sorted by activity shows it under.
    public var parentID: Session.ID?
    /// Whether the summary has members the schema does not model (where a
    /// CodeMySpec session keeps the ids that link it to others).
    public var hasExtra: Bool

    init(id: Session.ID, accountID: Account.ID, projectID: Project.ID?, componentID: Component.ID?, status: SessionStatus,
         type: SessionType, agent: Agent?, environment: SessionEnvironment?, insertedAt: Timestamp, updatedAt: Timestamp,
         activityAt: Timestamp, parentID: Session.ID?, hasExtra: Bool) {
        self.id = id
        self.accountID = accountID
        self.projectID = projectID
        self.componentID = componentID
        self.status = status
        self.type = type
        self.agent = agent
        self.environment = environment
        self.insertedAt = insertedAt
        self.updatedAt = updatedAt
        self.activityAt = activityAt
        self.parentID = parentID
        self.hasExtra = hasExtra
    }

    public init(_ summary: SessionSummary) {
        let session = summary.session
        self.init(id: session.id, accountID: session.accountID, projectID: session.projectID, componentID: session.componentID,
                  status: session.status, type: session.type, agent: session.agent, environment: session.environment,
                  insertedAt: session.insertedAt, updatedAt: session.updatedAt, activityAt: summary.activityAt,
                  parentID: SessionLinks.linkedParent(state: session.state), hasExtra: !session.extra.members.isEmpty)
    }
}

/// Every session's summary in ascending id order, each decoded only when it
/// is read. Opening a 100,000-session store used to decode every summary
/// (their `state` objects above all) before the first row could show; now
/// the index and journal lines are checked and their keys read (the
/// index's keys come from `index.keys` when it names the index, and its
/// lines are then read only as rows need them), and the bytes are kept, so
/// a list decodes only the rows it shows or prints.
/// Reading an element decodes it anew: callers that need every summary many
/// times should copy them out once (`Array(table)`).
public struct SummaryTable: RandomAccessCollection, Sendable {
    /// Where a summary is: a line of `buffers[buffer]` (the object between
    /// `start` and `end`, at `depth` as the parser counts nesting), or, when
    /// `buffer` is negative, `decoded[start]`.
    struct Place: Sendable {
        var buffer: Int32
        var depth: Int32
        var start: Int
        var end: Int
    }

    public private(set) var keys: [SummaryKey]
    private(set) var places: [Place]
    private(set) var buffers: [SummaryBytes]
    private(set) var decoded: [SessionSummary]

    public init() {
        keys = []
        places = []
        buffers = []
        decoded = []
    }

    public init(_ summaries: [SessionSummary]) {
        keys = summaries.map(SummaryKey.init)
        places = summaries.indices.map { Place(buffer: -1, depth: 0, start: $0, end: $0) }
        buffers = []
        decoded = summaries
    }

    init(keys: [SummaryKey], places: [Place], buffers: [SummaryBytes], decoded: [SessionSummary]) {
        self.keys = keys
        self.places = places
        self.buffers = buffers
        self.decoded = decoded
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { keys.count }

    public subscript(position: Int) -> SessionSummary {
        let place = places[position]
        guard place.buffer >= 0 else { return decoded[place.start] }
        return buffers[Int(place.buffer)].withBytes(place.start..<place.end) { buffer, line in
            var cursor = JSONParser.Cursor(buffer: buffer, options: JSONParser.Options(), start: line.lowerBound, end: line.upperBound)
            var types = SummaryDecoder.TypeNames()
            if let summary = SummaryDecoder.decode(&cursor, depth: Int(place.depth), types: &types) { return summary }
            // The skim that placed this line checked it as `decode` does, so
            // this is reached only by an index changed since in place, by
            // hand, or damaged in memory.
            let key = keys[position]
            let header = Session(id: key.id, type: key.type, agent: nil, environment: nil, status: key.status, state: nil,
                                 accountID: key.accountID, projectID: key.projectID, componentID: key.componentID,
                                 insertedAt: key.insertedAt, updatedAt: key.updatedAt, extra: JSONObject())
            return SessionSummary(header: header, interactionCount: 0, lastInteractionAt: nil, lastResult: nil,
                                  damaged: "the summary could not be read again")
        }
    }

    /// Where `id` is, or would go.
    public func position(_ id: Session.ID) -> Int {
        var low = 0, high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle].id < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The position of session `id`, if the table has it.
    public func index(of id: Session.ID) -> Int? {
        let index = position(id)
        return index < keys.count && keys[index].id == id ? index : nil
    }

    /// Adds a buffer the places of later entries may point into.
    mutating func addBuffer(_ bytes: SummaryBytes) -> Int32 {
        buffers.append(bytes)
        return Int32(buffers.count - 1)
    }

    /// Whether ids ascend strictly, as the store writes them.
    var isOrdered: Bool { keys.indices.dropFirst().allSatisfy { keys[$0 - 1].id < keys[$0].id } }

    /// Replaces, adds or (with nil) removes each entry, keeping id order.
    /// The changes are few next to the table: each is found by binary search.
    mutating func apply(_ changes: [Session.ID: Entry?]) {
        guard isOrdered else {
            // An index edited by hand: a later line wins over an earlier one with its id.
            var byID: [Session.ID: Entry] = [:]
            for position in keys.indices { byID[keys[position].id] = entry(at: position) }
            for (id, change) in changes { byID[id] = change }
            let entries = byID.values.sorted { $0.key.id < $1.key.id }
            keys = entries.map(\.key)
            places = entries.map(\.place)
            return
        }
        var doomed = Set<Int>()
        var added: [Entry] = []
        for (id, change) in changes {
            let index = position(id)
            if index < keys.count && keys[index].id == id {
                if let change { (keys[index], places[index]) = (change.key, change.place) } else { doomed.insert(index) }
            } else if let change {
                added.append(change)
            }
        }
        if !doomed.isEmpty {
            var kept = 0
            for position in keys.indices where !doomed.contains(position) {
                keys.swapAt(kept, position)
                places.swapAt(kept, position)
                kept += 1
            }
            keys.removeLast(keys.count - kept)
            places.removeLast(places.count - kept)
        }
        guard !added.isEmpty else { return }
        added.sort { $0.key.id < $1.key.id }
        let appendsInOrder = keys.last.map { $0.id < added[0].key.id } ?? true
        keys.append(contentsOf: added.map(\.key))
        places.append(contentsOf: added.map(\.place))
        if !appendsInOrder {
            let order = keys.indices.sorted { keys[$0].id < keys[$1].id }
            keys = order.map { keys[$0] }
            places = order.map { places[$0] }
        }
    }

    /// One summary's key and place, as `apply` moves them.
    struct Entry {
        var key: SummaryKey
        var place: Place
    }

    func entry(at position: Int) -> Entry { Entry(key: keys[position], place: places[position]) }

    /// An entry for a summary already decoded.
    mutating func entry(holding summary: SessionSummary) -> Entry {
        decoded.append(summary)
        return Entry(key: SummaryKey(summary), place: Place(buffer: -1, depth: 0, start: decoded.count - 1, end: decoded.count - 1))
    }

    /// Puts `summary` in place of the one with its id, or adds it.
    mutating func put(_ summary: SessionSummary) {
        let entry = entry(holding: summary)
        let index = position(summary.id)
        if index < keys.count && keys[index].id == summary.id {
            (keys[index], places[index]) = (entry.key, entry.place)
        } else {
            keys.insert(entry.key, at: index)
            places.insert(entry.place, at: index)
        }
    }

    mutating func remove(_ id: Session.ID) {
        guard let index = index(of: id) else { return }
        keys.remove(at: index)
        places.remove(at: index)
    }
}

/// Where a table's undecoded summaries are: bytes read already, or a file
/// read as rows are wanted (the index, when its keys came from `index.keys`).
enum SummaryBytes: Sendable {
    case memory([UInt8])
    case file(LazyFileBytes)

    /// Every byte, for a compaction that copies many lines.
    func whole() throws(StoreError) -> [UInt8] {
        switch self {
        case .memory(let bytes): bytes
        case .file(let file): try file.whole()
        }
    }

    /// `body` over a buffer and the range in it that holds `range`.
    func withBytes<T>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>, Range<Int>) -> T) -> T {
        switch self {
        case .memory(let bytes): bytes.withUnsafeBufferPointer { body($0, range) }
        case .file(let file): file.withBytes(range, body)
        }
    }
}

extension SummaryTable: Equatable {
    /// Equal when they hold the same summaries, however each is kept.
    public static func == (lhs: SummaryTable, rhs: SummaryTable) -> Bool {
        lhs.keys == rhs.keys && lhs.elementsEqual(rhs)
    }
}
