import Synchronization
import Testing
import TestSupport
@testable import SessionsKit

/// A search while another store on the same directory appends to the
/// session it reads, as another process would: each step sees the session
/// as of one commit, so no search fails and no hit shows text never written.
@Suite("Search while a writer appends")
struct SearchUnderWriteTests {
    static let rounds = 150

    /// The command and output of round `n`; every line of them is one the search may show.
    static func command(_ n: Int) -> String { "append zebra \(n)" }
    static func stdout(_ n: Int) -> String {
        (0..<6).map { "zebra out \(n) line \($0)" }.joined(separator: "\n") + "\nlong \(n) " + String(repeating: "é", count: 700) + " tail \(n)"
    }

    @Test("searches never fail and never show a torn line while interactions are added and completed")
    func searchWhileAppending() throws {
        let fixture = try StoreFixture()
        let service = fixture.service()
        let id = try service.create(SessionDraft(type: "ComponentCodingSessions")).id
        let quiet = try service.create(SessionDraft(type: "ContextSpecSessions")).id
        try SearchFixtures.run(service, quiet, "zebra elsewhere", ResultDraft(status: "ok", stdout: .text("zebra out elsewhere")))

        var allowed = Set(["zebra elsewhere", "zebra out elsewhere"])
        for n in 0..<Self.rounds {
            allowed.insert(Self.command(n))
            allowed.formUnion(SearchQuery.lines(Self.stdout(n)))
        }
        let done = Atomic(false)
        let failures = Mutex<[String]>([])
        // The writer has its own store on the directory: another process's view.
        let writerStore = try fixture.reopen()
        let writer = startThreads([{
            let other = SessionService(store: writerStore, scope: Scope(accountID: 1), clock: fixture.clock.function)
            var pending: String?
            do {
                for n in 0..<Self.rounds {
                    let added = try other.addInteraction(sessionID: id, CommandDraft(module: "M", command: Self.command(n)))
                    if let previous = pending {
                        _ = try other.completeInteraction(sessionID: id, interactionID: previous,
                                                          ResultDraft(status: "ok", stdout: .text(Self.stdout(n - 1))))
                    }
                    pending = added.id
                }
            } catch {
                failures.withLock { $0.append("writer: \(error)") }
            }
            done.store(true, ordering: .releasing)
        }])

        let queries: [SessionSearch] = try [
            SearchFixtures.search("zebra", kept: 1_000), SearchFixtures.search("out line", kept: 1_000),
            SearchFixtures.search("tail", kept: 1_000), SearchFixtures.search("\"line 5\"", kept: 1_000),
            SearchFixtures.search("é tail", kept: 1_000), SearchFixtures.search("out [0-9]+ line 3$", regex: true, kept: 1_000),
            SearchFixtures.search("zebra", kept: 2),
        ]
        let targets = [SearchTarget(id: id, title: "Component Coding"), SearchTarget(id: quiet, title: "Context Spec")]
        var lastTotals = Array(repeating: 0, count: queries.count)
        var seen = Set<Int>()
        var finished = false
        while !finished {
            // One more round after the writer is done, to see its last commit.
            finished = done.load(ordering: .acquiring)
            for (number, search) in queries.enumerated() {
                let registry = try fixture.store.registry()
                let (outcomes, _) = try SearchFixtures.outcomes(fixture.store, search, targets, registry: registry)
                #expect(SearchFixtures.unreadable(outcomes).isEmpty, "\(outcomes)")
                let found = SearchFixtures.hits(outcomes)
                for hits in found.values {
                    for hit in hits.hits where !allowed.contains(hit.line) {
                        Issue.record("a line never written: \(hit.line.prefix(80))")
                    }
                    #expect(hits.hits.count == min(hits.total, search.kept))
                }
                let total = found[id]?.total ?? 0
                #expect(total >= lastTotals[number], "a later commit never has fewer matches")
                lastTotals[number] = total
                if number == 0 { seen.insert(total) }
            }
        }
        writer.join()
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(seen.count > 2, "the searches saw the session at several commits: \(seen.sorted())")
        // At the end: every interaction's command, every completed one's output.
        #expect(lastTotals[0] == Self.rounds)
        #expect(lastTotals[1] == Self.rounds - 1 && lastTotals[2] == Self.rounds - 1)
        let final = try #require(try fixture.store.session(id: id))
        #expect(final.interactions.count == Self.rounds)
    }
}
