import CSupport
import Glibc
import SessionsKit
import SessionsTUI

/// What the command line hands the browser.
public struct TUIConfiguration: Sendable {
    public var service: SessionService
    /// How the browser learns of commits made elsewhere.
    public var changes: ChangeFeed
    /// `--project`: list only this project, as `list --project` does.
    public var projectFilter: Project.ID?
    public var theme: Theme
    public var environment: [String: String]
    /// Where the store, opened with `storeWaits.waiting`, tells of waits for its lock.
    public var storeWaits: StoreWaitBoard?
    /// What `R` runs.
    public var resumeCommand: ResumeCommand

    public init(service: SessionService, changes: ChangeFeed, projectFilter: Project.ID?, theme: Theme, environment: [String: String],
                storeWaits: StoreWaitBoard? = nil, resumeCommand: ResumeCommand = .standard) {
        self.service = service
        self.changes = changes
        self.projectFilter = projectFilter
        self.theme = theme
        self.environment = environment
        self.storeWaits = storeWaits
        self.resumeCommand = resumeCommand
    }
}

/// Where commits made elsewhere are learned of.
public enum ChangeFeed: Sendable {
    /// A store's directory, watched (without inotify, the browser asks for
    /// the generation twice a second).
    case directory(String)
    /// A database, whose commits its listener hears of.
    case database(DatabaseListener)
}

/// The browser in a real terminal.
public enum TerminalApp {
    /// Runs until `q` or a signal. Returns the exit status; a fatal signal
    /// is re-raised after the terminal is restored instead of returning.
    public static func run(_ configuration: TUIConfiguration) throws -> Int32 {
        // Our handlers must be in place before curses starts, or curses
        // installs its own, which do not cover SIGHUP.
        let signalFD = sessions_signal_pipe_install()
        let terminal = try CursesTerminal(theme: configuration.theme, environment: configuration.environment)
        let outcome = EventLoop(configuration, terminal: terminal, signalFD: signalFD).run()
        terminal.end()
        switch outcome {
        case .quit: return 0
        case .signal(let signal): sessions_die_of_signal(signal)
        }
    }
}

/// How the loop ended: `q`, or a signal to die of once the terminal is back.
enum LoopEnd: Equatable {
    case quit
    case signal(Int32)
}
