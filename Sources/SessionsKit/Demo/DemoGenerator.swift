/// Fills a store with realistic sessions: every type and status, pending and
/// finished interactions, multi-line outputs, some UTF-8, some failures. The
/// same generator feeds `sessions demo`, the tests and the benchmarks.
public struct DemoGenerator: Sendable {
    public struct Options: Sendable {
        public var sessions: Int = 40
        /// Interactions per session, exactly, so benchmark stores have a known size.
        public var interactions: Int = 12
        public var seed: UInt64 = 1
        /// Typical stdout size of a finished command, in bytes.
        public var outputBytes: Int = 1024
        /// The "present" the generated history ends at.
        public var now: Timestamp = .now()
        /// Sessions per transaction; bounds memory and makes progress visible.
        public var batchSize: Int = 200

        public init() {}
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    static let projectNames = ["storefront", "billing-api", "mobile-app", "data-pipeline", "docs-site"]
    static let componentNames = [
        "Accounts.User", "Accounts.Session", "Billing.Invoice", "Billing.Subscription", "Catalog.Product",
        "Catalog.Search", "Checkout.Cart", "Checkout.Payment", "Notifications.Mailer", "Reports.Revenue",
        "Inventory.Stock", "Shipping.Label", "Auth.Token", "Admin.Dashboard", "注文.処理", "Café.Menü",
    ]
    static let steps = [
        ("Initialize", "git checkout -b feature/%s"),
        ("GenerateSpec", "claude -p \"Write the spec for %s\""),
        ("ReadContext", "cat docs/design/%s.md"),
        ("GenerateCode", "claude -p \"Implement %s following the design\""),
        ("Compile", "mix compile --warnings-as-errors"),
        ("RunTests", "mix test test/%s_test.exs"),
        ("FixFailures", "claude -p \"Fix the failing tests in %s\""),
        ("Format", "mix format --check-formatted"),
        ("Credo", "mix credo --strict lib/%s.ex"),
        ("ReviewDesign", "claude -p \"Review the design of %s\""),
        ("Finalize", "git commit -am \"%s: implement\""),
    ]

    /// Adds the demo data to the service's account and returns the new ids.
    @discardableResult
    public func populate(_ service: SessionService, progress: ((Int, Int) -> Void)? = nil) throws -> [Session.ID] {
        var rng = SplitMix64(seed: options.seed)
        let (projects, components) = try ensureRegistry(service)
        var ids: [Session.ID] = []
        var made = 0
        while made < options.sessions {
            let count = min(options.batchSize, options.sessions - made)
            let batch: [Session.ID] = try service.store.write { transaction in
                var created: [Session.ID] = []
                for _ in 0..<count {
                    let id = try transaction.newSessionID()
                    transaction.put(makeSession(id: id, index: made + created.count, scope: service.scope,
                                                projects: projects, components: components, rng: &rng))
                    created.append(id)
                }
                return created
            }
            ids += batch
            made += count
            progress?(made, options.sessions)
        }
        return ids
    }

    /// Finds or creates the demo projects and components in the active account.
    func ensureRegistry(_ service: SessionService) throws -> ([Project.ID], [DemoComponent]) {
        try service.store.write { transaction in
            try service.checkScope(transaction.registry)
            let account = service.scope.accountID
            let time = options.now
            var projects: [Project.ID] = []
            for name in DemoGenerator.projectNames {
                if let existing = transaction.registry.projects.first(where: { $0.accountID == account && $0.name == name }) {
                    projects.append(existing.id)
                } else {
                    projects.append(transaction.registry.addProject(name: name, accountID: account, at: time).id)
                }
            }
            var components: [DemoComponent] = []
            for (index, name) in DemoGenerator.componentNames.enumerated() {
                let component = transaction.registry.components.first(where: { $0.accountID == account && $0.name == name })
                    ?? transaction.registry.addComponent(name: name, accountID: account, projectID: projects[index % projects.count], at: time)
                components.append(DemoComponent(id: component.id, name: name, projectID: component.projectID))
            }
            return (projects, components)
        }
    }

    func makeSession(id: Session.ID, index: Int, scope: Scope, projects: [Project.ID], components: [DemoComponent],
                     rng: inout SplitMix64) -> Session {
        let types = SessionType.builtIn
        // Cycle through every type and status so that even a small demo shows them all.
        let type = index < types.count ? types[index] : rng.pick(types)
        let statuses: [SessionStatus] = [.active, .complete, .failed]
        let status: SessionStatus = index < 3 ? statuses[index]
            : rng.chance(0.5) ? .complete : rng.chance(0.5) ? .failed : .active
        let component = rng.chance(0.85) ? rng.pick(components) : nil
        let subject = component?.name ?? "workspace"
        let slug = subject.lowercased().map { $0 == "." ? "_" : $0 }.map(String.init).joined()

        let ageDays = rng.int(in: 0...29)
        var clock = options.now.microseconds - Int64(ageDays) * 86_400_000_000 - Int64(rng.int(in: 0...86_000)) * 1_000_000
        if status == .active { clock = options.now.microseconds - Int64(rng.int(in: 60...7_200)) * 1_000_000 }
        let inserted = Timestamp(microseconds: clock, fractionDigits: 6)

        var interactions: [Interaction] = []
        for step in 0..<options.interactions {
            let (stepName, template) = DemoGenerator.steps[step % DemoGenerator.steps.count]
            let isLast = step == options.interactions - 1
            clock += Int64(rng.int(in: 2...90)) * 1_000_000
            let started = Timestamp(microseconds: clock)
            let commandText = template.replacingFirst("%s", with: slug)
            let moduleName = "Elixir.CodeMySpec.\(type.name).Steps.\(stepName)"
            let uuid1 = UUIDText.random(using: &rng), uuid2 = UUIDText.random(using: &rng), uuid3 = UUIDText.random(using: &rng)
            var interaction = Interaction(
                id: uuid1, stepName: rng.chance(0.7) ? stepName : nil,
                command: Command(id: uuid2, module: moduleName, command: commandText,
                                 pipe: template.hasPrefix("claude") ? "You are working on \(subject). Follow the project's conventions." : nil,
                                 timestamp: started),
                insertedAt: started, updatedAt: started)
            let pending = isLast && status == .active && rng.chance(0.6)
            if !pending {
                let outcome: ResultStatus
                if isLast && status == .failed {
                    outcome = .error
                } else {
                    outcome = rng.chance(0.1) ? .error : rng.chance(0.08) ? .warning : .ok
                }
                let duration = durationMS(for: stepName, rng: &rng)
                clock += Int64(duration) * 1000
                let finished = Timestamp(microseconds: clock)
                interaction.result = CommandResult(
                    id: uuid3, status: outcome, data: resultData(stepName, outcome, rng: &rng),
                    code: outcome == .error ? rng.pick([1, 1, 2, 127]) : 0,
                    errorMessage: outcome == .error ? "\(stepName) failed for \(subject)"
                        : outcome == .warning ? "\(stepName) finished with warnings" : nil,
                    stdout: .text(stdout(stepName, subject: subject, outcome: outcome, rng: &rng)),
                    stderr: outcome == .ok ? nil : .text(stderr(stepName, subject: subject, outcome: outcome, rng: &rng)),
                    durationMS: duration, timestamp: finished)
                interaction.completedAt = finished
                interaction.updatedAt = finished
            }
            interactions.append(interaction)
        }
        let updated = Timestamp(microseconds: max(clock, inserted.microseconds))
        var state = JSONObject()
        state.append("branch", .string("feature/\(slug)"))
        state.append("current_step", .string(DemoGenerator.steps[max(0, options.interactions - 1) % DemoGenerator.steps.count].0))
        state.append("attempt", .int(rng.int(in: 1...3)))
        if rng.chance(0.3) {
            state.append("notes", .string(rng.pick(["Needs a second review ✍️", "依存関係を確認する", "Blocked on API keys", "Retry after CI is green"])))
        }
        if rng.chance(0.2) {
            state.append("files", .array([.string("lib/\(slug).ex"), .string("test/\(slug)_test.exs")]))
        }
        let session = Session(
            id: id, type: type, agent: rng.chance(0.85) ? .claudeCode : nil,
            environment: rng.chance(0.9) ? (rng.chance(0.65) ? .local : .vscode) : nil, status: status, state: state,
            accountID: scope.accountID, projectID: component.map { $0.projectID } ?? scope.projectID ?? rng.pick(projects),
            componentID: component?.id, interactions: interactions, insertedAt: inserted, updatedAt: updated)
        // A long history that started recently would end in the future: move it
        // back so that its last activity lies a little before "now".
        let latest = options.now.microseconds - Int64(rng.int(in: 30...900)) * 1_000_000
        return updated.microseconds > latest ? session.shifted(by: latest - updated.microseconds) : session
    }

    func durationMS(for step: String, rng: inout SplitMix64) -> Int {
        switch step {
        case "GenerateCode", "GenerateSpec", "FixFailures", "ReviewDesign": return rng.int(in: 15_000...240_000)
        case "RunTests": return rng.int(in: 2_000...45_000)
        case "Compile", "Credo": return rng.int(in: 800...12_000)
        default: return rng.int(in: 20...900)
        }
    }

    func resultData(_ step: String, _ outcome: ResultStatus, rng: inout SplitMix64) -> JSONObject {
        var data = JSONObject()
        if step == "RunTests" {
            let total = rng.int(in: 5...120)
            data.append("tests", .int(total))
            data.append("failures", .int(outcome == .error ? rng.int(in: 1...4) : 0))
        } else if step.hasPrefix("Generate") {
            data.append("tokens", .int(rng.int(in: 800...40_000)))
        }
        return data
    }

    func stdout(_ step: String, subject: String, outcome: ResultStatus, rng: inout SplitMix64) -> String {
        var lines: [String] = []
        switch step {
        case "RunTests":
            lines = ["Compiling 3 files (.ex)", "Running ExUnit with seed: \(rng.int(in: 1...99_999)), max_cases: 4", ""]
            lines.append(outcome == .error ? "....F..F...." : "............")
            if outcome == .error {
                lines += ["", "  1) test \(subject) rejects invalid input (\(subject)Test)",
                          "     Assertion with == failed", "     code:  assert result == :ok", "     left:  {:error, :invalid}"]
            }
        case "Compile":
            lines = ["Compiling 14 files (.ex)", "Generated code_my_spec app"]
            if outcome != .ok { lines.append("warning: variable \"conn\" is unused") }
        default:
            lines = ["\(step) for \(subject)", "Reading project context…", "Wrote lib/\(subject.lowercased()).ex"]
        }
        if rng.chance(0.1) { lines.append(rng.pick(["✓ 全部通过", "🚀 ready for review", "Ünïcödé ok — naïve café"])) }
        // Pad with plausible log lines up to the requested size.
        var size = lines.reduce(0) { $0 + $1.utf8.count + 1 }
        var lineNumber = 1
        let target = options.outputBytes / 2 + rng.int(in: 0...max(0, options.outputBytes))
        while size < target {
            let line = "[\(pad(lineNumber, 3))] \(step.lowercased()): processed \(subject) chunk \(rng.int(in: 1...999)) in \(rng.int(in: 1...250))ms"
            lines.append(line)
            size += line.utf8.count + 1
            lineNumber += 1
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func stderr(_ step: String, subject: String, outcome: ResultStatus, rng: inout SplitMix64) -> String {
        if outcome == .warning { return "warning: \(subject) has undocumented public functions\n" }
        return """
            ** (CompileError) lib/\(subject.lowercased()).ex:\(rng.int(in: 3...240)): undefined function validate/1
                (elixir 1.17.2) lib/kernel/parallel_compiler.ex:429: Kernel.ParallelCompiler.\(step.lowercased())/1

            """
    }
}

extension Session {
    /// The same history, every time moved by `delta` microseconds.
    func shifted(by delta: Int64) -> Session {
        func move(_ time: Timestamp?) -> Timestamp? { time.map { $0.adding(microseconds: delta) } }
        var copy = self
        copy.insertedAt = insertedAt.adding(microseconds: delta)
        copy.updatedAt = updatedAt.adding(microseconds: delta)
        copy.interactions = interactions.map { original in
            var interaction = original
            interaction.insertedAt = move(interaction.insertedAt)
            interaction.updatedAt = move(interaction.updatedAt)
            interaction.completedAt = move(interaction.completedAt)
            interaction.command.timestamp = move(interaction.command.timestamp)
            let resultTime = move(interaction.result?.timestamp)
            interaction.result?.timestamp = resultTime
            return interaction
        }
        return copy
    }
}

struct DemoComponent {
    var id: Component.ID
    var name: String
    var projectID: Project.ID?
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        replacing(target, with: replacement, maxReplacements: 1)
    }
}
