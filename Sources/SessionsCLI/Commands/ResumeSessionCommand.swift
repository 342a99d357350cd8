import ArgumentParser
import Glibc
import SessionsKit

/// `sessions resume ID`: what `R` does in the browser, from a shell. This
/// process becomes the command, so it owns the terminal and its exit
/// status is the command's.
struct ResumeSessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a session's Claude Code conversation, in the directory it started in.",
        discussion: """
            Runs resume_command from the config file (default: \(ResumeCommand.standardTemplate)) in place of \
            this program, in the conversation's first working directory: Claude Code finds a conversation \
            only from there. A subagent resumes the conversation that started it.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The session id, or a Claude Code session id (8 or more of its characters).")
    var id: String

    func run() throws {
        let workspace = try global.workspace()
        let service = try workspace.service()
        let target = try service.resumeTarget(id: SessionIDArgument.resolve(id, in: service))
        let plan = ResumePlan(target, command: workspace.config.resumeCommand)
        let executable = try plan.executable(searchPath: workspace.context.environment.variables["PATH"])
        try Self.replaceProcess(with: executable, plan: plan)
    }

    /// Becomes the command; returns only by throwing why it could not.
    static func replaceProcess(with executable: String, plan: ResumePlan) throws -> Never {
        guard chdir(plan.directory) == 0 else {
            throw CLIError("cannot resume: cannot enter \(plan.directory): \(String(cString: strerror(errno)))")
        }
        setenv("PWD", plan.directory, 1)
        // Ignored here (writes check for it), but the command must get it as usual.
        signal(SIGPIPE, SIG_DFL)
        var argv: [UnsafeMutablePointer<CChar>?] = plan.arguments.map { strdup($0) } + [nil]
        execv(executable, &argv)
        let failure = String(cString: strerror(errno))
        for pointer in argv { free(pointer) }
        throw CLIError("cannot run \(executable): \(failure)")
    }
}

extension ResumeError: ReportedError {}
