import Testing
import TestSupport
@testable import SessionsKit

@Suite("Scope resolution and the config file")
struct ScopeAndConfigTests {
    func registry() -> Registry {
        var registry = Registry()
        registry.addAccount(name: "alice", at: Timestamp(seconds: 0))
        registry.addAccount(name: "bob", at: Timestamp(seconds: 0))
        registry.addProject(name: "web", accountID: 1, at: Timestamp(seconds: 0))
        registry.addProject(name: "api", accountID: 2, at: Timestamp(seconds: 0))
        registry.defaultAccountID = 1
        return registry
    }

    func resolver(account: Account.ID? = nil, project: Project.ID? = nil, env: [String: String] = [:], config: Config? = nil) -> ScopeResolver {
        var configured = config ?? Config(path: "/cfg/config.json")
        if config == nil { configured.setScope(Config.ScopeEntry(accountID: 2, projectID: 2), forStore: "/other-store") }
        return ScopeResolver(accountFlag: account.map { EntryReference($0.description) },
                             projectFlag: project.map { EntryReference($0.description) }, environment: SessionsEnvironment(variables: env),
                             config: configured, storeRoot: "/store")
    }

    @Test("flags beat the environment, which beats the config, which beats the store default")
    func precedence() throws {
        var config = Config(path: "/cfg/config.json")
        config.setScope(Config.ScopeEntry(accountID: 2, projectID: 2), forStore: "/store")
        let registry = registry()
        #expect(try resolver().resolve(registry) == Scope(accountID: 1, projectID: nil))
        #expect(try resolver(config: config).resolve(registry) == Scope(accountID: 2, projectID: 2))
        #expect(try resolver(env: ["SESSIONS_ACCOUNT": "1", "SESSIONS_PROJECT": "1"], config: config).resolve(registry)
            == Scope(accountID: 1, projectID: 1))
        #expect(try resolver(account: 2, env: ["SESSIONS_ACCOUNT": "1"], config: config).resolve(registry)
            == Scope(accountID: 2, projectID: 2))
        #expect(try resolver(account: 1, project: 1, env: ["SESSIONS_ACCOUNT": "2"]).resolve(registry) == Scope(accountID: 1, projectID: 1))
        // Empty variables count as unset.
        #expect(try resolver(env: ["SESSIONS_ACCOUNT": ""]).resolve(registry) == Scope(accountID: 1, projectID: nil))
    }

    @Test("a remembered project only applies to its account, and a deleted one is forgotten")
    func rememberedProject() throws {
        var config = Config(path: "/cfg/config.json")
        config.setScope(Config.ScopeEntry(accountID: 2, projectID: 2), forStore: "/store")
        #expect(try resolver(account: 1, config: config).resolve(registry()) == Scope(accountID: 1, projectID: nil))
        var withoutProject = registry()
        withoutProject.projects.removeAll { $0.id == 2 }
        #expect(try resolver(config: config).resolve(withoutProject) == Scope(accountID: 2, projectID: nil))
    }

    @Test("naming a missing account or a foreign project says where the name came from")
    func errors() {
        let registry = registry()
        #expect(errorText { _ = try resolver(account: 7).resolve(registry) } == "account 7 (from --account) not found")
        #expect(errorText { _ = try resolver(env: ["SESSIONS_ACCOUNT": "9"]).resolve(registry) } == "account 9 (from SESSIONS_ACCOUNT) not found")
        #expect(errorText { _ = try resolver(env: ["SESSIONS_ACCOUNT": "carol"]).resolve(registry) }
            == "SESSIONS_ACCOUNT: no account is named \"carol\"; the accounts are 1 alice, 2 bob")
        #expect(errorText { _ = try resolver(account: 1, project: 2).resolve(registry) }
            == "project 2 in account 1 (from --project) not found")
        var empty = Registry()
        empty.defaultAccountID = nil
        #expect(errorText { _ = try resolver().resolve(empty) }?.contains("sessions account add") == true)
    }

    @Test("a flag or variable may name an account or project: unique names resolve, others say why")
    func namesResolve() throws {
        var registry = registry()
        registry.addProject(name: "Web", accountID: 2, at: Timestamp(seconds: 0))
        let named = ScopeResolver(accountFlag: EntryReference("bob"), projectFlag: EntryReference("api"),
                                  environment: SessionsEnvironment(variables: [:]), config: Config(path: "/c"), storeRoot: "/store")
        #expect(try named.resolve(registry) == Scope(accountID: 2, projectID: 2))
        // Case is forgiven when only one entry could be meant.
        let cased = ScopeResolver(accountFlag: nil, projectFlag: nil, environment: SessionsEnvironment(variables: [
            "SESSIONS_ACCOUNT": "ALICE", "SESSIONS_PROJECT": "web"]), config: Config(path: "/c"), storeRoot: "/store")
        #expect(try cased.resolve(registry) == Scope(accountID: 1, projectID: 1))
        // Another account's project is not there to be named.
        let foreign = ScopeResolver(accountFlag: EntryReference("alice"), projectFlag: EntryReference("api"),
                                    environment: SessionsEnvironment(variables: [:]), config: Config(path: "/c"), storeRoot: "/store")
        #expect(throws: SessionError.invalid(SchemaError("--project", #"no project is named "api"; the projects are 1 web"#))) {
            try foreign.resolve(registry)
        }
        let negative = ScopeResolver(accountFlag: EntryReference("-2"), projectFlag: nil,
                                     environment: SessionsEnvironment(variables: [:]), config: Config(path: "/c"), storeRoot: "/store")
        #expect(throws: SessionError.invalid(SchemaError("--account", "-2 is not an account id: ids are whole numbers from 1"))) {
            try negative.resolve(registry)
        }
    }

    @Test("a name two entries share is refused with both ids; adding one is refused, with the id it would shadow")
    func ambiguousNames() throws {
        var registry = registry()
        // A store from before names were unique may hold two of them.
        registry.addAccount(name: "bob", at: Timestamp(seconds: 0))
        #expect(throws: SessionError.invalid(SchemaError("--account", #""bob" names 2 accounts (ids 2, 3): use the id"#))) {
            try EntryReference("bob").resolve(among: registry.accounts, field: "--account")
        }
        #expect(try EntryReference("3").resolve(among: registry.accounts, field: "--account").name == "bob")
        #expect(Registry.nameProblem("Bob", among: registry.accounts) == .conflict(#"account "bob" already exists (id 2)"#))
        #expect(Registry.nameProblem("17", among: registry.accounts)
            == .invalid(SchemaError("name", #""17" is a number, which would read as an id"#)))
        #expect(Registry.nameProblem("carol", among: registry.accounts) == nil)
    }

    @Test("store and config locations follow the documented order")
    func locations() {
        let env = SessionsEnvironment(variables: ["HOME": "/home/u"])
        #expect(env.storeRoot() == "/home/u/.local/share/sessions")
        #expect(env.configDirectory == "/home/u/.config/sessions")
        let xdg = SessionsEnvironment(variables: ["HOME": "/home/u", "XDG_DATA_HOME": "/data", "XDG_CONFIG_HOME": "/conf"])
        #expect(xdg.storeRoot() == "/data/sessions")
        #expect(xdg.configDirectory == "/conf/sessions")
        let explicit = SessionsEnvironment(variables: ["HOME": "/home/u", "XDG_DATA_HOME": "/data", "SESSIONS_HOME": "/s"])
        #expect(explicit.storeRoot() == "/s")
        #expect(explicit.storeRoot(flag: "/flag//dir/./x/../y/") == "/flag/dir/y")
        #expect(explicit.storeRoot(flag: "~/st") == "/home/u/st")
        // Relative XDG paths are invalid by the spec and ignored.
        #expect(SessionsEnvironment(variables: ["HOME": "/h", "XDG_DATA_HOME": "rel"]).storeRoot() == "/h/.local/share/sessions")
    }

    @Test("the config file keeps what it does not know, and is written privately")
    func configRoundTrip() throws {
        let directory = TemporaryDirectory()
        let configDirectory = directory.path + "/conf/sessions"
        FileIOForTests.makeDirectory(directory.path + "/conf")
        FileIOForTests.makeDirectory(configDirectory)
        TestFiles.write(configDirectory + "/config.json", """
            {"theme": "light", "session_types": ["MyReviewSessions"], "future_setting": {"x": 1}}
            """)
        let config = try Config.load(directory: configDirectory)
        #expect(config.theme == "light")
        #expect(config.sessionTypes == [SessionType("MyReviewSessions")])
        try Config.update(directory: configDirectory) { $0.setScope(Config.ScopeEntry(accountID: 3, projectID: nil), forStore: "/s") }
        let reloaded = try Config.load(directory: configDirectory)
        #expect(reloaded.scope(forStore: "/s") == Config.ScopeEntry(accountID: 3, projectID: nil))
        #expect(reloaded.object["future_setting"] == .object(JSONObject(["x": .int(1)])))
        #expect(TestFiles.mode(configDirectory + "/config.json") == 0o600)
        // A missing config is an empty one.
        #expect(try Config.load(directory: directory.path + "/none").object.isEmpty)
    }

    @Test("a broken config file is an error with its position", arguments: [
        ("{\"theme\": }", "line 1, column 11"),
        ("{\"session_types\": [\"has space\"]}", "session_types[0]"),
        ("{\"stores\": {\"/s\": {\"account\": \"one\"}}}", "stores./s.account"),
        ("[1]", "must be a JSON object"),
    ])
    func brokenConfig(text: String, expected: String) {
        let directory = TemporaryDirectory()
        TestFiles.write(directory.path + "/config.json", text)
        let message = errorText { _ = try Config.load(directory: directory.path) }
        #expect(message?.contains(expected) == true, "\(message ?? "loaded")")
        #expect(message?.contains("config.json") == true)
    }
}

enum FileIOForTests {
    static func makeDirectory(_ path: String) { _ = try? FileIO.makeDirectory(path) }
}
