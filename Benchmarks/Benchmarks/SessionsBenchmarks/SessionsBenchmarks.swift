import Benchmark
import Foundation
import SessionsKit
import SessionsTUI

/// Time, allocations and peak memory of the operations a user waits for, on
/// the deterministic stores of `Fixtures`. Run with `scripts/bench-suite`
/// (`--quick` measures only the 100-session store).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 30
    )

    for size in Fixtures.sizes {
        // Few iterations at XL: each one reads a 37 MB index.
        let heavy = Benchmark.Configuration(maxIterations: size == .XL ? 7 : 20, setup: { _ = try Fixtures.service(size) })
        let light = Benchmark.Configuration(maxIterations: 200, setup: { _ = try Fixtures.service(size) })
        // Writes go to a fresh copy, so no benchmark measures another's leftovers.
        let writing = Benchmark.Configuration(maxIterations: 200, setup: { try Fixtures.prepareWritableCopy(size) })

        Benchmark("open store + summaries · \(size)", configuration: heavy) { benchmark in
            for _ in benchmark.scaledIterations {
                let catalog = try Fixtures.open(Fixtures.path(size)).catalog()
                precondition(catalog.summaries.count == size.sessions + 1)
                blackHole(catalog)
            }
        }

        Benchmark("list failed of an account · \(size)", configuration: heavy) { benchmark in
            let service = try Fixtures.open(Fixtures.path(size))
            for _ in benchmark.scaledIterations {
                let failed = try service.list(SessionQuery(status: .failed))
                precondition(!failed.isEmpty && failed.allSatisfy { $0.status == .failed && $0.accountID == 1 })
                blackHole(failed)
            }
        }

        Benchmark("open 1,000-interaction session · \(size)", configuration: light) { benchmark in
            let service = try Fixtures.open(Fixtures.path(size))
            for _ in benchmark.scaledIterations {
                let session = try service.session(id: size.longSessionID)
                precondition(session.interactions.count == StoreSize.longSessionInteractions)
                blackHole(session)
            }
        }

        Benchmark("status change · \(size)", configuration: writing) { benchmark in
            let service = try Fixtures.open(Fixtures.writablePath(size))
            // One session moves to another status, and back outside the measurement.
            let id: Session.ID = 2
            let original = try service.session(id: id).status
            benchmark.startMeasurement()
            _ = try service.setStatus(id: id, to: original == .failed ? .active : .failed)
            benchmark.stopMeasurement()
            _ = try service.setStatus(id: id, to: original)
        }

        Benchmark("interaction append · \(size)", configuration: writing) { benchmark in
            let service = try Fixtures.open(Fixtures.writablePath(size))
            // The append goes to a session made for it and deleted after it.
            let scratch = try service.create(SessionDraft(type: "ComponentCodingSessions"))
            benchmark.startMeasurement()
            blackHole(try service.addInteraction(sessionID: scratch.id, CommandDraft(module: "Bench", command: "mix test")))
            benchmark.stopMeasurement()
            try service.delete(id: scratch.id)
        }

        Benchmark("TUI first frame, headless · \(size)", configuration: heavy) { benchmark in
            for _ in benchmark.scaledIterations {
                let service = try Fixtures.open(Fixtures.path(size))
                let state = AppState(width: 160, height: 48, now: Fixtures.now, scope: Fixtures.scope)
                let runtime = Runtime(state: state, service: service)
                runtime.refresh()
                let frame = Render.frame(runtime.state)
                precondition(runtime.state.catalog?.summaries.count == size.sessions + 1)
                blackHole(frame)
            }
        }
    }

    Benchmark("import Claude Code transcripts", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(60), maxIterations: 5, skip: Fixtures.transcripts == nil
    )) { benchmark in
        let files = try Fixtures.transcriptFiles() ?? []
        precondition(!files.isEmpty, "no transcripts in \(Fixtures.transcripts ?? "-")")
        let path = try Fixtures.scratchStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let service = try Fixtures.open(path)
        benchmark.startMeasurement()
        let report = try ClaudeCodeImporter(service: service).run(files)
        benchmark.stopMeasurement()
        precondition(report.interactionsAdded > 0)
    }
}
