import CSupport
import Glibc
import SessionsKit

/// What the command line hands the browser.
public struct TUIConfiguration: Sendable {
    public var service: SessionService
    public var storeRoot: String
    /// `--project`: list only this project, as `list --project` does.
    public var projectFilter: Project.ID?
    public var theme: Theme
    public var environment: [String: String]

    public init(service: SessionService, storeRoot: String, projectFilter: Project.ID?, theme: Theme, environment: [String: String]) {
        self.service = service
        self.storeRoot = storeRoot
        self.projectFilter = projectFilter
        self.theme = theme
        self.environment = environment
    }
}

/// The event loop: waits on the keyboard, the store and signals with
/// `poll`, so an idle browser uses no CPU, and turns each into actions.
public enum TerminalApp {
    /// How long the loop may sleep when nothing happens: long enough to cost
    /// nothing, short enough that "3m ago" never lags by more than this.
    static let idleWakeMS: Int32 = 30_000
    /// Without inotify the store is polled this often, which meets the
    /// one-second promise for changes made elsewhere.
    static let pollWakeMS: Int32 = 500

    /// Runs until `q` or a signal. Returns the exit status; a fatal signal
    /// is re-raised after the terminal is restored instead of returning.
    public static func run(_ configuration: TUIConfiguration) throws -> Int32 {
        // Our handlers must be in place before curses starts, or curses
        // installs its own, which do not cover SIGHUP.
        let signalFD = sessions_signal_pipe_install()
        let terminal = try CursesTerminal(theme: configuration.theme, environment: configuration.environment)
        var exitSignal: Int32 = 0
        defer {
            terminal.end()
            if exitSignal != 0 { sessions_die_of_signal(exitSignal) }
        }
        let size = terminal.size
        let state = AppState(width: size.width, height: size.height, now: Timestamp.now(),
                             scope: configuration.service.scope, projectFilter: configuration.projectFilter,
                             sessionTypes: configuration.service.types.types)
        let runtime = Runtime(state: state, service: configuration.service)
        // Watch before the first read, so no change can fall between the two.
        let watchFD = configuration.storeRoot.withCString { sessions_watch_directory($0) }
        defer { if watchFD >= 0 { close(watchFD) } }
        let trace = TimingTrace(environment: configuration.environment)
        let started = TimingTrace.now()
        runtime.refresh()
        let loaded = TimingTrace.now()
        terminal.draw(Render.frame(runtime.state))
        let painted = TimingTrace.now()
        trace?.log("first-frame", [("catalog", loaded - started), ("paint", painted - loaded), ("total", painted - started)])
        // Test-only: proves the crash handlers give the terminal back.
        if configuration.environment["SESSIONS_TEST_CRASH"] == "1" { fatalError("crash requested by SESSIONS_TEST_CRASH") }

        // Sessions are read off this thread, so a huge one never holds up
        // the keys; without a pipe for the result, they are read here.
        let loader = BackgroundLoader(delayMS: configuration.environment["SESSIONS_TEST_LOAD_DELAY_MS"].flatMap { Int($0) } ?? 0)
        /// When the read in progress started, and whether it is the first.
        var loadStarted: Int64?
        var firstLoad = true
        func logLoad(since started: Int64) {
            let count = runtime.state.timeline?.interactions.count ?? 0
            trace?.log(firstLoad ? "first-timeline" : "load", counts: [("interactions", count)],
                       [("total", TimingTrace.now() - started)])
            firstLoad = false
        }
        func startLoad() {
            guard loadStarted == nil else { return }
            guard let loader else {
                if runtime.pendingLoad != nil {
                    let started = TimingTrace.now()
                    _ = perform(runtime.settle(), terminal: terminal, runtime: runtime, environment: configuration.environment)
                    terminal.draw(Render.frame(runtime.state))
                    logLoad(since: started)
                }
                return
            }
            guard let id = runtime.takePendingLoad() else { return }
            loadStarted = TimingTrace.now()
            loader.start(id, service: runtime.service)
        }
        startLoad()

        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: watchFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: loader?.readFD ?? -1, events: Int16(POLLIN), revents: 0)]
        while true {
            var timeout = watchFD >= 0 ? idleWakeMS : pollWakeMS
            if let flash = runtime.state.flash {
                let remaining = (flash.expires.microseconds - Timestamp.now().microseconds) / 1000 + 10
                timeout = Int32(max(10, min(Int64(timeout), remaining)))
            }
            for index in fds.indices { fds[index].revents = 0 }
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 && errno != EINTR { break }
            // A hung-up terminal makes poll return at once forever; leave as
            // a hang-up would, rather than spin drawing to nobody.
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                exitSignal = SIGHUP
                return 128 + SIGHUP
            }
            if fds[1].revents != 0 {
                let signal = sessions_signal_pipe_read()
                if signal != 0 {
                    exitSignal = signal
                    return 128 + signal
                }
            }
            // The clock first: what happens next (a flash's expiry, "just
            // now") is timed from this wake, not from the one before, which
            // may be half a minute old.
            let woke = TimingTrace.now()
            runtime.send(.tick(Timestamp.now()))
            if watchFD < 0 || fds[2].revents != 0 {
                if watchFD >= 0 { _ = sessions_watch_drain(watchFD) }
                runtime.refresh()
                trace?.log("refresh", [("total", TimingTrace.now() - woke)])
            }
            var outcome = Outcome.proceed
            if fds[3].revents != 0, let loader, let started = loadStarted, let action = loader.take() {
                loadStarted = nil
                outcome = perform(runtime.send(action), terminal: terminal, runtime: runtime, environment: configuration.environment)
                terminal.draw(Render.frame(runtime.state))
                logLoad(since: started)
            }
            let inputStart = TimingTrace.now()
            var inputCount = 0
            // Always read: a resize arrives as a key after poll is interrupted.
            for event in terminal.readEvents() where outcome == .proceed {
                inputCount += 1
                let effects: [Effect]
                switch event {
                case .key(let key): effects = runtime.send(.key(key))
                case .mouse(let mouse): effects = runtime.send(.mouse(mouse))
                case .resize(let width, let height): effects = runtime.send(.resize(width: width, height: height))
                }
                outcome = perform(effects, terminal: terminal, runtime: runtime, environment: configuration.environment)
            }
            if outcome == .proceed {
                let handled = TimingTrace.now()
                let frame = Render.frame(runtime.state)
                let rendered = TimingTrace.now()
                terminal.draw(frame)
                let drawn = TimingTrace.now()
                if inputCount > 0 {
                    trace?.log("input", counts: [("events", inputCount)], [("update", handled - inputStart),
                                         ("render", rendered - handled), ("draw", drawn - rendered), ("total", drawn - inputStart)])
                }
            }
            if outcome == .proceed { startLoad() }
            switch outcome {
            case .proceed: continue
            case .quit: return 0
            case .signal(let signal):
                exitSignal = signal
                return 128 + signal
            }
        }
        return 0
    }

    enum Outcome: Equatable {
        case proceed, quit
        case signal(Int32)
    }

    /// Performs terminal effects.
    static func perform(_ effects: [Effect], terminal: CursesTerminal, runtime: Runtime,
                        environment: [String: String]) -> Outcome {
        for effect in effects {
            switch effect {
            case .quit:
                return .quit
            case .redraw:
                terminal.invalidate()
            case .copyToClipboard(let text):
                let bytes = Array(text.utf8)
                let limit = 1 << 20
                let payload = Base64.encode(Array(bytes.prefix(limit)))
                terminal.writeDirectly(Array("\u{1B}]52;c;\(payload)\u{07}".utf8))
                let note = bytes.count > limit ? " (first 1 MB of \(bytes.count / 1024) KB)" : ""
                runtime.send(.notice("copied \(bytes.count) bytes to the clipboard\(note)"))
            case .openPager(let text):
                terminal.suspend()
                let problem = ExternalPager.show(text, environment: environment)
                terminal.resume()
                // Ctrl-C inside the pager reached us too, but it was meant
                // for the pager; any other signal still ends the browser.
                while case let signal = sessions_signal_pipe_read(), signal != 0 {
                    if signal != SIGINT { return .signal(signal) }
                }
                if let problem { runtime.send(.failed(problem)) }
            default:
                break
            }
        }
        return .proceed
    }
}
