import CSupport
import Glibc
import SessionsKit

/// What the process sets up before any command runs, so that a resource it
/// runs out of ends in one `error:` line and status 2 rather than a crash.
///
/// - Descriptors are counted now, while nothing needs them: too few to run
///   any command is refused before the store is touched (the soft limit is
///   raised first, when the hard one allows).
/// - Threads the system refuses are done without (`Parallel`).
/// - Memory cannot be counted ahead, and an allocation that fails is fatal to
///   the runtime, whose own report needs memory and crashes in turn. Under a
///   memory limit, where that is what a fault means, a last-resort handler
///   takes its place: one line prepared now, written on a stack of its own.
///   Without a limit a fault is a bug, and the runtime's report is kept.
enum ProcessGuard {
    static func prepare() {
        // A reader that went away is an error a command handles (`OutputCheck`),
        // not the end of the process halfway through a change.
        signal(SIGPIPE, SIG_IGN)
        if let problem = descriptorProblem() {
            FileSink(fd: 2).line("error: " + problem)
            exit(2)
        }
        if let line = lastResortLine() { _ = sessions_last_resort_install(line) }
    }

    /// Why the descriptor limit leaves too few to run, or nil.
    static func descriptorProblem(limit: ResourceLimit = .descriptors, needed: Int = ResourceLimit.descriptorsNeeded) -> String? {
        // Limits this high leave room whatever the caller left open.
        guard let soft = limit.soft, soft < 4096 else { return nil }
        let open = ProcessUsage.openDescriptors(below: Int(soft))
        let wanted = UInt64(open + needed)
        if soft >= wanted || limit.raiseSoft(to: wanted) { return nil }
        return "too few file descriptors: the limit is \(soft) (\(limit.option)) and \(open) are open, "
            + "but sessions needs \(needed) more to run. Raise the limit (\(limit.option) 1024) and try again."
    }

    /// The line for an unrecoverable fault under a memory limit, or nil
    /// when there is no limit.
    static func lastResortLine() -> String? {
        guard let limit = [ResourceLimit.addressSpace, .data].first(where: \.isLimited), let soft = limit.soft else { return nil }
        return "error: out of memory under the \(limit.name) limit (\(limit.option) \(limit.shown(soft))): sessions stopped, "
            + "and the store holds only whole changes. Raise the limit (\(limit.option) unlimited) and try again.\n"
    }
}
