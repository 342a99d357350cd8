import Glibc

/// What resuming a session means: the Claude Code conversation it records,
/// and the directory that conversation started in, which is the only place
/// Claude Code looks for it.
public struct ResumeTarget: Sendable, Equatable {
    public var sessionID: Session.ID
    public var conversationID: String
    public var directory: String

    public init(sessionID: Session.ID, conversationID: String, directory: String) {
        self.sessionID = sessionID
        self.conversationID = conversationID
        self.directory = directory
    }

    /// The target of `session`, with the account's sessions in `table` to
    /// find its conversation's own session: a subagent resumes the
    /// conversation that started it, and a CodeMySpec session the one it
    /// names, each in the directory that conversation started in. Its own
    /// first directory is the fallback when that session is not in the store.
    public static func of(_ session: Session, among table: SummaryTable) throws(ResumeError) -> ResumeTarget {
        guard let conversation = conversationID(of: session) else { throw .noConversation(session.id) }
        let isOwn = session.type == .claudeCode && session.externalConversationID == conversation
            && session.state?["agent_id"] == nil
        let own = isOwn ? session : table.conversationSessions(startingWith: conversation, account: session.accountID)
            .first { $0.session.externalConversationID == conversation }?.session
        guard let directory = [own, session].lazy.compactMap({ $0?.state?["cwd"]?.stringValue }).first(where: { !$0.isEmpty })
        else { throw .noDirectory(session.id) }
        return ResumeTarget(sessionID: session.id, conversationID: conversation, directory: directory)
    }

    /// The Claude Code session id of the conversation `session` belongs to, if any.
    static func conversationID(of session: Session) -> String? {
        var key = session.externalConversationID
        if session.type == .claudeCode {
            if session.state?["agent_id"] != nil, let parent = session.state?["parent_session_id"]?.stringValue {
                key = parent
            } else if key == nil {
                key = session.state?["session_id"]?.stringValue
            }
        }
        // A subagent is keyed by its conversation's id, then `/agent-…`.
        guard let whole = key, let id = whole.split(separator: "/", omittingEmptySubsequences: false).first, !id.isEmpty
        else { return nil }
        return String(id)
    }
}

/// A resume ready to run: the command's words and where to run them.
public struct ResumePlan: Sendable, Equatable {
    public var target: ResumeTarget
    public var arguments: [String]

    public init(_ target: ResumeTarget, command: ResumeCommand) {
        self.target = target
        arguments = command.arguments(conversation: target.conversationID, directory: target.directory)
    }

    public var directory: String { target.directory }

    /// The program's file, found as a shell finds a command (a name with a
    /// slash is a path, from the current directory if relative; any other
    /// is looked for along `searchPath`), once the directory to run it in
    /// is known to be there. Checked before the screen is left, so either
    /// failure is one line in the browser, never a blank screen.
    public func executable(searchPath: String?) throws(ResumeError) -> String {
        let program = arguments[0]
        let found: String?
        if program.contains("/") {
            let absolute = program.hasPrefix("/") ? program : Self.currentDirectory() + "/" + program
            found = Self.isExecutableFile(absolute) ? absolute : nil
        } else {
            let path = searchPath ?? "/usr/local/bin:/usr/bin:/bin"
            found = path.split(separator: ":", omittingEmptySubsequences: false).lazy
                .map { $0.isEmpty ? Self.currentDirectory() : String($0) }
                .map { $0 + "/" + program }
                .first(where: Self.isExecutableFile)
        }
        guard let found else { throw .programNotFound(program) }
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { throw .directoryGone(target.sessionID, directory) }
        return found
    }

    static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }

    static func currentDirectory() -> String {
        guard let pointer = getcwd(nil, 0) else { return "." }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

/// Why a session cannot be resumed, in one line.
public enum ResumeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A session that records no Claude Code conversation (made by hand, or
    /// a CodeMySpec session that names none).
    case noConversation(Session.ID)
    /// A conversation whose first directory is not known.
    case noDirectory(Session.ID)
    case directoryGone(Session.ID, String)
    case programNotFound(String)

    public var description: String {
        switch self {
        case .noConversation(let id):
            return "#\(id) has no Claude Code conversation to resume"
        case .noDirectory(let id):
            return "#\(id) does not say which directory its conversation started in"
        case .directoryGone(let id, let directory):
            return "cannot resume #\(id): its directory \(directory) no longer exists"
        case .programNotFound(let program):
            let place = program.contains("/") ? "is not an executable file" : "is not on PATH"
            return "cannot resume: \(program) \(place); set \(ResumeCommand.configKey) in config.json"
        }
    }
}

extension SessionService {
    /// What resuming session `id` of the active account means, from the
    /// summaries alone: no interaction is read. Another account's session
    /// is "not found", as everywhere.
    public func resumeTarget(id: Session.ID) throws -> ResumeTarget {
        let catalog = try store.catalog()
        guard let summary = catalog.summary(id: id), summary.accountID == scope.accountID else { throw SessionError.session(id) }
        return try ResumeTarget.of(summary.session, among: catalog.table)
    }
}
