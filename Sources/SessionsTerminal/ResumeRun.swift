import Glibc
import SessionsKit

/// `R` in the browser: the command that resumes a conversation, run in the
/// directory the conversation started in, while the screen is left to it.
enum ResumeRun {
    /// Runs `plan` and waits for it; returns a problem to show, or nil. A
    /// command that fails leaves what it printed on the screen until a key
    /// is pressed, so its own message can be read.
    static func run(_ plan: ResumePlan, executable: String, signalFD: Int32) -> String? {
        let pid: pid_t
        switch ChildProcess.start(executable, arguments: plan.arguments, directory: plan.directory) {
        case .success(let child): pid = child
        case .failure(let failure): return "cannot run \(plan.arguments[0]): \(failure.message)"
        }
        let problem = problem(status: ChildProcess.wait(pid), program: plan.arguments[0])
        if problem != nil { ExternalPager.waitForKey(signalFD: signalFD) }
        return problem
    }

    /// What a wait status says went wrong, or nil for a clean exit.
    static func problem(status: Int32, program: String) -> String? {
        let signal = status & 0x7f
        if signal == 0 {
            let code = (status >> 8) & 0xff
            return code == 0 ? nil : "\(program) ended with status \(code)"
        }
        return "\(program) was stopped by signal \(signal)"
    }
}
