/// Records the hook events a spool holds, in the order they were spooled,
/// each exactly once, and the event of the hook now running after them, all
/// in one commit.
///
/// Exactly once: the keys of the events a commit records go into the
/// registry in that same commit (`Registry.deliveredEvents`), and their files
/// leave the spool after it. A delivery killed in between leaves files whose
/// keys the store already holds; the next delivery removes them unrecorded.
/// It then forgets the old keys, whose files are gone for good.
public struct SpoolDelivery {
    public let spool: EventSpool
    public let store: any SessionStore
    public let types: SessionTypeRegistry

    public init(spool: EventSpool, store: any SessionStore, types: SessionTypeRegistry) {
        self.spool = spool
        self.store = store
        self.types = types
    }

    public struct Report: Sendable {
        /// Spooled events recorded, or found recorded already and removed.
        public var delivered = 0
        /// An event that could not be recorded, which the hook would have
        /// logged had it run then: the event's name and what went wrong.
        public var problems: [(event: String, message: String)] = []
    }

    /// Delivers what the spool holds, then records `event`, in one write;
    /// with an empty spool and no event, it does not write at all.
    public func deliver(then event: SpooledHookEvent? = nil) throws -> Report {
        if event == nil, try spool.entries().isEmpty { return Report() }
        var report = Report()
        var recorded: [EventSpool.Entry] = []
        try store.write { transaction in
            report = Report()
            recorded = []
            let entries = try spool.entries()
            let known = Set(transaction.registry.deliveredEvents)
            if !known.isEmpty {
                // Recorded by a delivery that died before it removed them:
                // gone for good before their keys are forgotten.
                try spool.remove(entries.filter { known.contains($0.name) })
                try spool.sync()
            }
            spool.removeAbandoned()
            for entry in entries where !known.contains(entry.name) {
                do {
                    let spooled = try SpooledHookEvent(decoding: try spool.read(entry), path: spool.path(entry.name))
                    if let problem = record(spooled, in: transaction) { report.problems.append(problem) }
                } catch {
                    report.problems.append(("spooled event \(entry.name)", "\(error)"))
                }
                recorded.append(entry)
            }
            report.delivered = recorded.count + entries.count { known.contains($0.name) }
            transaction.registry.deliveredEvents = recorded.map(\.name)
            if let event, let problem = record(event, in: transaction) { report.problems.append(problem) }
        }
        // Committed. A failure here leaves files the next delivery removes by their keys.
        try? spool.remove(recorded)
        return report
    }

    /// Records one event as the hook would have when it came, or says why it
    /// could not; a failed event leaves no trace in the write.
    func record(_ spooled: SpooledHookEvent, in transaction: any StoreTransaction) -> (event: String, message: String)? {
        var name = "event"
        let registry = transaction.registry
        do {
            let event = try ClaudeCodeHook.event(spooled.payload)
            name = event.name
            let scope = try spooled.scope.resolve(transaction.registry)
            let time = spooled.receivedAt
            let service = SessionService(store: store, scope: scope, types: types, clock: { time })
            _ = try ClaudeCodeHook(service: service).record(event, in: transaction)
            return nil
        } catch {
            transaction.registry = registry
            return (name, "\(error)")
        }
    }
}
