import Foundation
@testable import SessionsKit
import SessionsTUI
import Testing
import TestSupport

/// A headless browser: the real state, update, runtime and render over an
/// in-memory store, driven by key names, read back as text. No terminal.
final class ScreenHarness {
    static let now = Timestamp(iso8601: "2026-11-25T12:00:00Z")!
    let store: MemoryStore
    let runtime: Runtime
    let clock: TestClock

    /// `section`: the section the browser starts on, as if chosen; nil
    /// leaves it to the first catalog, as a plain start does. The screens
    /// of most tests are of the Active section.
    init(width: Int = 120, height: Int = 40, section: SessionStatus? = .active,
         populate: (SessionService) throws -> Void = ScreenHarness.standardFixture) throws {
        Self.fixTimeZone()
        var registry = Registry()
        _ = registry.addAccount(name: "alice", at: Self.now)
        _ = registry.addAccount(name: "bob", at: Self.now)
        _ = registry.addProject(name: "billing", accountID: 1, at: Self.now)
        _ = registry.addComponent(name: "InvoiceMailer", accountID: 1, projectID: 1, at: Self.now)
        registry.defaultAccountID = 1
        store = MemoryStore(registry: registry)
        clock = TestClock(start: Timestamp(iso8601: "2026-11-25T09:00:00Z")!, stepSeconds: 7)
        let service = SessionService(store: store, scope: Scope(accountID: 1), clock: clock.function)
        try populate(service)
        try Self.stabilizeIDs(store)
        var state = AppState(width: width, height: height, now: Self.now, scope: Scope(accountID: 1))
        if let section { state.list.section = section }
        runtime = Runtime(state: state, service: service, clock: clock.function)
        runtime.refresh()
        runtime.settle()
    }

    /// Interaction ids are random UUIDs; golden screens need the same ones
    /// every run, so they are renumbered in order.
    static func stabilizeIDs(_ store: MemoryStore) throws {
        try store.write { transaction in
            var counter = 0
            for id in try transaction.summaries().keys.sorted() {
                guard var session = try transaction.session(id: id) else { continue }
                for index in session.interactions.indices {
                    counter += 1
                    let suffix = String(counter)
                    session.interactions[index].id = "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - suffix.count) + suffix
                }
                transaction.put(session)
            }
        }
    }

    /// Times render in UTC whatever the machine's zone.
    static func fixTimeZone() {
        setenv("TZ", "UTC", 1)
        tzset()
    }

    var state: AppState { runtime.state }
    var frame: Frame { Render.frame(runtime.state) }
    var text: String { frame.text }

    /// Presses keys: single characters, or names in angle brackets such as
    /// `<enter>`, `<esc>`, `<tab>`, `<down>`, `<C-l>`. Settles loads after each.
    @discardableResult
    func press(_ keys: String) -> [TerminalEffect] {
        var effects: [TerminalEffect] = []
        var index = keys.startIndex
        while index < keys.endIndex {
            var key: Key
            if keys[index] == "<", let close = keys[index...].firstIndex(of: ">"), close > keys.index(after: index) {
                let name = String(keys[keys.index(after: index)..<close])
                key = Self.named(name)
                index = keys.index(after: close)
            } else {
                key = .character(keys[index])
                index = keys.index(after: index)
            }
            effects += runtime.send(.key(key))
            effects += runtime.settle()
        }
        return effects
    }

    static func named(_ name: String) -> Key {
        switch name {
        case "enter": return .enter
        case "esc": return .escape
        case "tab": return .tab
        case "btab": return .backTab
        case "up": return .up
        case "down": return .down
        case "left": return .left
        case "right": return .right
        case "pgdn": return .pageDown
        case "pgup": return .pageUp
        case "bs": return .backspace
        case "lt": return .character("<")
        default:
            if name.hasPrefix("C-"), let letter = name.last { return .control(letter) }
            Issue.record("unknown key name <\(name)>")
            return .escape
        }
    }

    func send(_ action: Action) {
        runtime.send(action)
        runtime.settle()
    }

    func resize(_ width: Int, _ height: Int) { send(.resize(width: width, height: height)) }

    /// A service acting as another process on the same store.
    func otherProcess() -> SessionService {
        SessionService(store: store, scope: Scope(accountID: 1), clock: clock.function)
    }

    /// Sessions in every section with ok, error, warning and pending steps.
    static func standardFixture(_ service: SessionService) throws {
        func session(_ type: String, agent: String? = "claude_code", env: String? = "local", component: Component.ID? = nil,
                     state: JSONValue? = nil, steps: [(String, String, String?, Int?, Int?)], status: SessionStatus) throws {
            // The component's sessions belong to its project, as the CLI's
            // project scope would file them.
            let creator = component == nil ? service
                : SessionService(store: service.store, scope: Scope(accountID: 1, projectID: 1), clock: service.clock)
            let created = try creator.create(SessionDraft(type: type, agent: agent, environment: env, componentID: component,
                                                          state: state))
            for (module, command, result, code, ms) in steps {
                let interaction = try service.addInteraction(sessionID: created.id, CommandDraft(module: module, command: command))
                if let result {
                    _ = try service.completeInteraction(sessionID: created.id, interactionID: interaction.id, ResultDraft(
                        status: result, code: code, errorMessage: result == "error" ? "tests failed" : nil,
                        stdout: .text("line one\nline two: \(command)\n"), stderr: result == "ok" ? nil : .text("warning: slow\n"),
                        durationMS: ms))
                }
            }
            if status != .active { _ = try service.setStatus(id: created.id, to: status) }
        }
        let steps = "Elixir.CodeMySpec.ComponentCodingSessions.Steps."
        try session("ComponentCodingSessions", component: 1,
                    state: try JSONParser.parse(#"{"step":"RunTests","attempt":2,"files":["lib/invoice.ex","test/invoice_test.exs"]}"#),
                    steps: [(steps + "Initialize", "git checkout -b invoice", "ok", 0, 120),
                            (steps + "GenerateCode", "claude -p 'write the mailer'", "ok", 0, 48_000),
                            (steps + "RunTests", "mix test test/invoice_test.exs", "error", 2, 9_300),
                            (steps + "FixTests", "claude -p 'fix the failures'", "warning", 0, 21_000),
                            (steps + "RunTests", "mix test", nil, nil, nil)],
                    status: .active)
        try session("ContextSpecSessions", agent: "claude_code", env: "vscode",
                    steps: [("Elixir.CodeMySpec.ContextSpecSessions.Steps.Draft", "claude -p 'spec the context'", "ok", 0, 3_000)],
                    status: .active)
        try session("ClaudeCodeSessions", agent: nil, env: nil,
                    steps: [("Bash", "ls -la", "ok", 0, 40), ("Edit", "lib/app.ex", "ok", nil, 15)],
                    status: .complete)
        try session("ComponentTestSessions",
                    steps: [("Elixir.CodeMySpec.ComponentTestSessions.Steps.RunTests", "mix test --failed", "error", 1, 12_500)],
                    status: .failed)
        try session("IntegrationSessions", steps: [], status: .complete)
    }
}

/// Compares `text` with `Golden/<name>.txt`; `SESSIONS_UPDATE_GOLDEN=1`
/// rewrites the file instead, for a reviewed change of the screen.
func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    let file = directory.appendingPathComponent(name + ".txt")
    let contents = text + "\n"
    if ProcessInfo.processInfo.environment["SESSIONS_UPDATE_GOLDEN"] == "1" {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? contents.write(to: file, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
        Issue.record("missing golden file \(file.path); run with SESSIONS_UPDATE_GOLDEN=1 and review it", sourceLocation: sourceLocation)
        return
    }
    if expected != contents {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = contents.split(separator: "\n", omittingEmptySubsequences: false)
        let first = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        Issue.record("""
            screen differs from \(name).txt at line \(first + 1):
            expected: \(first < a.count ? String(a[first]) : "<end>")
            actual:   \(first < b.count ? String(b[first]) : "<end>")
            --- actual screen ---
            \(text)
            """, sourceLocation: sourceLocation)
    }
}
