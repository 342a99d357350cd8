import ArgumentParser
import Glibc
import SessionsDisplay
import SessionsKit
import SystemPackage

struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook", abstract: "Record an agent's sessions live, from its hooks.",
        subcommands: [HookClaudeCode.self])
}

struct HookClaudeCode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claude-code",
        abstract: "Record one Claude Code hook event, read as JSON on standard input.",
        discussion: """
            Wire it to SessionStart, PreToolUse, PostToolUse, PostToolUseFailure, Stop and SessionEnd \
            in ~/.claude/settings.json (see the README). It never gets in Claude Code's way: it always \
            exits 0 and prints nothing. Its own problems go to hook.log in the store's directory on \
            this machine. When another process holds the store for more than 50 ms, or a database's \
            server cannot be reached, the event is spooled there and recorded by the next hook or \
            command that gets the store.
            """)

    @OptionGroup var global: GlobalOptions

    /// Claude Code waits for its hooks before it runs a tool, so the hook
    /// waits no longer than this for another process's lock; then it spools
    /// the event for the next process that gets the lock to record.
    static let lockLimitMS = 50

    /// Another process held the store past the hook's limit, or a database's server is away.
    static func isOutOfReach(_ error: any Error) -> Bool {
        if case .busy? = error as? StoreError { return true }
        if case .unreachable? = error as? DatabaseError { return true }
        return false
    }

    func run() {
        let context = CLIContext.current
        // Read once: a config that does not load still leaves the default store's hook.log to say so.
        let loaded = Result { try Config.load(directory: context.environment.configDirectory) }
        let location = context.environment.storeLocation(flag: global.store, config: try? loaded.get())
        let root = location.localDirectory
        var event = "event"
        do {
            let payload = try context.readStandardInput()
            event = HookLog.eventName(in: payload) ?? event
            let config = try loaded.get()
            let scope = ScopeResolver(accountFlag: global.account, projectFlag: global.project, environment: context.environment,
                                      config: config, storeRoot: root)
            let spooled = SpooledHookEvent(payload: payload, scope: scope, receivedAt: context.now())
            do {
                // Opened first, so that a store used for the first time has its
                // directory, and hook.log a place, whatever the payload.
                let workspace = try global.workspace(waiting: LockWaiting(limitMS: Self.lockLimitMS), config: config,
                                                     deliveringSpool: false)
                // A payload that is no event is logged, never spooled; one this
                // program does not record is no problem at all.
                guard try ClaudeCodeHook.event(payload).isRecorded else { return }
                HookLog.append(try workspace.spoolDelivery.deliver(then: spooled).problems, root: root, at: context.now())
            } catch let error where Self.isOutOfReach(error) {
                // The next hook or command that gets the store records this.
                guard try ClaudeCodeHook.event(payload).isRecorded else { return }
                try EventSpool(storeRoot: root).append(spooled.encoded())
            }
        } catch {
            HookLog.append("\(event): \(error)", root: root, at: context.now())
        }
    }
}

/// The hook's own problems, where a user can find them later: Claude Code
/// shows nothing a successful hook prints, and a failing one could block it.
enum HookLog {
    static let fileName = "hook.log"
    /// Beyond this the log is moved to `hook.log.1`, so a store whose hook
    /// keeps failing does not fill the disk.
    static let limit = 1 << 20

    /// Events the hook would have logged had it run when they came: those
    /// a delivery from the spool could not record.
    static func append(_ problems: [(event: String, message: String)], root: String, at time: Timestamp) {
        for problem in problems { append("\(problem.event): \(problem.message)", root: root, at: time) }
    }

    static func append(_ message: String, root: String, at time: Timestamp) {
        guard StoreSafety.isSafeDirectory(root) else { return }
        let path = root + "/" + fileName
        var info = stat()
        if lstat(path, &info) == 0, Int(info.st_size) > limit, isRegularFileOrAbsent(path), isRegularFileOrAbsent(path + ".1") {
            rename(path, path + ".1")
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        // Hooks of several sessions run at once: the lock keeps each line
        // whole, and lets a line the disk had no room for be cut off again
        // without cutting into another's.
        while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        guard fstat(fd, &info) == 0 else { return }
        do {
            _ = try FileDescriptor(rawValue: fd).writeAll(Array("\(time.iso8601) \(Sanitizer.line(message))\n".utf8))
        } catch {
            _ = ftruncate(fd, info.st_size)
        }
    }

    /// Rotation renames: a link there would be moved or replaced, not its target.
    static func isRegularFileOrAbsent(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) != 0 ? errno == ENOENT : (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The event's name for the log line, even when the payload is otherwise unusable.
    static func eventName(in payload: [UInt8]) -> String? {
        guard case .object(let object)? = try? JSONParser.parse(payload) else { return nil }
        return object["hook_event_name"]?.stringValue.map { Sanitizer.line($0) }
    }
}
