import Glibc

/// What the process sets up before any command runs.
enum ProcessGuard {
    static func prepare() {
        // A reader that went away is an error a command handles (`OutputCheck`),
        // not the end of the process halfway through a change.
        signal(SIGPIPE, SIG_IGN)
    }
}
