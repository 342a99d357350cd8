import CSupport
import Glibc
import SessionsKit
import SessionsTUI

/// Waits on the keyboard, the store, a session being read, the store's reads
/// and writes, waits for the store's lock and signals with one `poll`, so an
/// idle browser uses no CPU, and turns each into actions for the runtime;
/// then repaints and performs what only the terminal can.
final class EventLoop {
    /// How long the loop may sleep when nothing happens: long enough to cost
    /// nothing, short enough that "3m ago" never lags by more than this.
    static let idleWakeMS: Int32 = 30_000
    /// Without inotify the store is polled this often, which meets the
    /// one-second promise for changes made elsewhere; a database's listener
    /// that lost its connection is looked at this often too.
    static let pollWakeMS: Int32 = 500

    let runtime: Runtime
    let terminal: CursesTerminal
    let environment: [String: String]
    let signalFD: Int32
    let watchFD: Int32
    /// A database's announcements of its commits, heard on a connection of their own.
    let listener: DatabaseListener?
    /// Whether the listener was connected at the last wake: a change either
    /// way is said once.
    var listenerWasConnected = true
    let trace: TimingTrace?
    /// Sessions are read off this thread, so a huge one never holds up the
    /// keys; without a pipe for the result, they are read on it.
    let loader: BackgroundLoader?
    /// When the read in progress started, if one is.
    var loadStarted: Int64?
    var firstLoad = true
    /// Catalog reads and writes, off this thread; without a pipe for the
    /// results, they happen on it.
    let worker: StoreWorker?
    /// Waits for another process's lock, for the footer.
    let waits: StoreWaitBoard?
    /// The search screen's searches, off this thread; without a pipe for
    /// the results, they run on it.
    let searcher: BackgroundSearcher?
    /// A catalog read is in progress; another change was seen meanwhile.
    var refreshing = false
    var refreshAgain = false
    /// How long the first frame waits for the first catalog before it shows "Loading".
    static let firstCatalogMS: Int32 = 500

    init(_ configuration: TUIConfiguration, terminal: CursesTerminal, signalFD: Int32) {
        self.terminal = terminal
        self.signalFD = signalFD
        environment = configuration.environment
        let size = terminal.size
        var state = AppState(width: size.width, height: size.height, now: Timestamp.now(),
                             scope: configuration.service.scope, projectFilter: configuration.projectFilter,
                             sessionTypes: configuration.service.types.types)
        state.resumeCommand = configuration.resumeCommand
        runtime = Runtime(state: state, service: configuration.service)
        // Watch before the first read, so no change can fall between the two.
        switch configuration.changes {
        case .directory(let root):
            watchFD = root.withCString { sessions_watch_directory($0) }
            listener = nil
        case .database(let heard):
            watchFD = -1
            listener = heard
        }
        trace = TimingTrace(environment: environment)
        loader = BackgroundLoader(delayMS: environment["SESSIONS_TEST_LOAD_DELAY_MS"].flatMap { Int($0) } ?? 0)
        worker = StoreWorker()
        searcher = BackgroundSearcher()
        waits = configuration.storeWaits
        runtime.defersWrites = worker != nil
    }

    deinit { if watchFD >= 0 { close(watchFD) } }

    func run() -> LoopEnd {
        drawFirstFrame()
        // Test-only: proves the crash handlers give the terminal back.
        if environment["SESSIONS_TEST_CRASH"] == "1" { fatalError("crash requested by SESSIONS_TEST_CRASH") }
        startLoad()
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: watchFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: loader?.readFD ?? -1, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: worker?.readFD ?? -1, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: waits?.readFD ?? -1, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: searcher?.readFD ?? -1, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: -1, events: Int16(POLLIN), revents: 0)]
        while true {
            for index in fds.indices { fds[index].revents = 0 }
            // A listener that connected again has a new descriptor.
            fds[7].fd = listener?.descriptor ?? -1
            if poll(&fds, nfds_t(fds.count), timeout(listening: fds[7].fd >= 0)) < 0 && errno != EINTR { return .quit }
            // A hung-up terminal makes poll return at once forever; leave as
            // a hang-up would, rather than spin drawing to nobody.
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return .signal(SIGHUP) }
            if fds[1].revents != 0 {
                let signal = sessions_signal_pipe_read()
                if signal != 0 { return .signal(signal) }
            }
            // The clock first: what happens next (a flash's expiry, "just
            // now") is timed from this wake, not from the one before, which
            // may be half a minute old.
            let woke = TimingTrace.now()
            runtime.send(.tick(Timestamp.now()))
            let changed: Bool
            if let listener {
                changed = fds[7].revents != 0 && listener.drain()
                follow(listener)
            } else {
                changed = watchFD < 0 || fds[2].revents != 0
                if changed && watchFD >= 0 { _ = sessions_watch_drain(watchFD) }
            }
            if changed {
                refresh()
                trace?.log("refresh", [("total", TimingTrace.now() - woke)])
            }
            if fds[3].revents != 0, let end = finishLoad() { return end }
            if fds[4].revents != 0, let end = finishStoreWork() { return end }
            if fds[5].revents != 0, let waits { runtime.send(.storeWait(waits.current())) }
            if fds[6].revents != 0, let end = finishSearch() { return end }
            if let end = handleInput() { return end }
            startWrites()
            startSearch()
            startLoad()
        }
    }

    /// A listener that lost its connection connects again in the
    /// background, so a server away (or a host that does not answer) never
    /// holds up the keys. "reconnecting…" shows while it is away, and
    /// announcements sent meanwhile are lost: once back, everything is read again.
    private func follow(_ listener: DatabaseListener) {
        let connected = listener.isConnected
        if connected && !listenerWasConnected {
            runtime.send(.notice("reconnected"))
            refresh()
        } else if !connected {
            if listenerWasConnected || runtime.state.flash == nil { runtime.send(.notice("reconnecting…")) }
            listener.reconnectInBackground()
        }
        listenerWasConnected = connected
    }

    /// Sleeps until a flash is due to go, at the latest. `listening`: the
    /// listener's descriptor is among those polled (judged with them, so a
    /// connection made meanwhile in the background is not slept through).
    func timeout(listening: Bool) -> Int32 {
        // Asked, not told, without a watch or a listener; a listener away wakes to see whether it is back.
        let told = watchFD >= 0 || listening
        var timeout = told ? Self.idleWakeMS : Self.pollWakeMS
        if let flash = runtime.state.flash {
            let remaining = (flash.expires.microseconds - Timestamp.now().microseconds) / 1000 + 10
            timeout = Int32(max(10, min(Int64(timeout), remaining)))
        }
        return timeout
    }

    func drawFirstFrame() {
        let started = TimingTrace.now()
        waits?.screenStarted()
        refresh()
        if let worker {
            // A store no one else holds answers at once: show it in the first
            // frame. A held one gets a frame without it, and the footer says
            // why once the wait has lasted a second.
            var ready = [pollfd(fd: worker.readFD, events: Int16(POLLIN), revents: 0)]
            while poll(&ready, 1, Self.firstCatalogMS) < 0 && errno == EINTR {}
            if ready[0].revents != 0 { _ = finishStoreWork() }
        }
        let loaded = TimingTrace.now()
        terminal.draw(Render.frame(runtime.state))
        let painted = TimingTrace.now()
        trace?.log("first-frame", [("catalog", loaded - started), ("paint", painted - loaded), ("total", painted - started)])
    }

    /// Every event curses has ready, then one repaint.
    func handleInput() -> LoopEnd? {
        let started = TimingTrace.now()
        var count = 0
        // Always read: a resize arrives as a key after poll is interrupted.
        for event in terminal.readEvents() {
            count += 1
            let effects: [TerminalEffect]
            switch event {
            case .key(let key): effects = runtime.send(.key(key))
            case .mouse(let mouse): effects = runtime.send(.mouse(mouse))
            case .resize(let width, let height): effects = runtime.send(.resize(width: width, height: height))
            }
            if let end = perform(effects) { return end }
        }
        let handled = TimingTrace.now()
        let frame = Render.frame(runtime.state)
        let rendered = TimingTrace.now()
        terminal.draw(frame)
        let drawn = TimingTrace.now()
        if count > 0 {
            trace?.log("input", counts: [("events", count)], [("update", handled - started), ("render", rendered - handled),
                                                               ("draw", drawn - rendered), ("total", drawn - started)])
        }
        return nil
    }

    /// Reads the catalog for what changed, off this thread: at most one
    /// read at a time, and one more after it if something changed meanwhile.
    func refresh() {
        guard let worker else { return runtime.refresh() }
        if refreshing {
            refreshAgain = true
            return
        }
        refreshing = true
        worker.refresh(from: runtime.state.catalog, service: runtime.service)
    }

    /// Hands the writes the browser asked for to the worker, in order.
    func startWrites() {
        guard let worker else { return }
        for (effect, service) in runtime.takePendingWrites() { worker.write(effect, service: service) }
    }

    /// Hands finished reads and writes to the browser.
    func finishStoreWork() -> LoopEnd? {
        guard let worker else { return nil }
        for outcome in worker.take() {
            switch outcome {
            case .refresh(let action):
                refreshing = false
                if let action, let end = perform(runtime.send(action)) { return end }
                if refreshAgain {
                    refreshAgain = false
                    refresh()
                }
            case .write(let action):
                if let end = perform(runtime.send(action)) { return end }
            }
        }
        return nil
    }

    /// The search last started, when, and whether its first hits were shown: for the trace.
    var searchStarted: (generation: Int, at: Int64, shown: Bool)?

    /// Starts the search the browser asked for, stopping the one before.
    func startSearch() {
        guard let searcher else {
            if runtime.pendingSearch != nil { _ = perform(runtime.settle()) }
            return
        }
        let (request, stop) = runtime.takePendingSearch()
        if stop { searcher.stop() }
        if let request {
            searchStarted = (request.generation, TimingTrace.now(), false)
            searcher.start(request, service: runtime.service, catalog: runtime.state.catalog, projectID: runtime.state.projectFilter)
        }
    }

    /// Hands the steps a search delivered to the browser and shows them.
    func finishSearch() -> LoopEnd? {
        guard let searcher else { return nil }
        let actions = searcher.take()
        guard !actions.isEmpty else { return nil }
        for action in actions {
            if let end = perform(runtime.send(action)) { return end }
        }
        terminal.draw(Render.frame(runtime.state))
        // The trace tells how long after the key that started it a search
        // showed its first hits, and how long it ran.
        if let trace, let started = searchStarted {
            for case .searchProgress(let progress) in actions where progress.generation == started.generation {
                if !started.shown && !progress.outcomes.isEmpty {
                    searchStarted?.shown = true
                    trace.log("search-first", counts: [("searched", progress.searched)], [("total", TimingTrace.now() - started.at)])
                }
                if progress.done {
                    trace.log("search-done", counts: [("searched", progress.searched)], [("total", TimingTrace.now() - started.at)])
                }
            }
        }
        return nil
    }

    /// Starts reading the session the browser asked for, unless one is
    /// being read.
    func startLoad() {
        guard loadStarted == nil else { return }
        guard let loader else {
            guard runtime.pendingLoad != nil else { return }
            let started = TimingTrace.now()
            _ = perform(runtime.settle())
            terminal.draw(Render.frame(runtime.state))
            logLoad(since: started)
            return
        }
        guard let id = runtime.takePendingLoad() else { return }
        loadStarted = TimingTrace.now()
        loader.start(id, service: runtime.service)
    }

    /// Hands what a read delivered to the browser and shows it: a long
    /// session's newest page as soon as it is read, then the whole session.
    func finishLoad() -> LoopEnd? {
        guard let loader, let started = loadStarted else { return nil }
        let (actions, done) = loader.take()
        if done { loadStarted = nil }
        guard !actions.isEmpty else { return nil }
        for action in actions {
            if let end = perform(runtime.send(action)) { return end }
        }
        terminal.draw(Render.frame(runtime.state))
        logLoad(since: started)
        return nil
    }

    func logLoad(since started: Int64) {
        let count = runtime.state.timeline?.interactions.count ?? 0
        trace?.log(firstLoad ? "first-timeline" : "load", counts: [("interactions", count)], [("total", TimingTrace.now() - started)])
        firstLoad = false
    }

    /// Performs what only the terminal can; the loop ends on `q` or on a
    /// signal that arrived meanwhile.
    func perform(_ effects: [TerminalEffect]) -> LoopEnd? {
        for effect in effects {
            switch effect {
            case .quit:
                return .quit
            case .redraw:
                terminal.invalidate()
            case .copyToClipboard(let text, let what):
                let bytes = Array(text.utf8)
                let payload = Base64.encode(Array(bytes.prefix(Clipboard.limit)))
                terminal.writeDirectly(Array("\u{1B}]52;c;\(payload)\u{07}".utf8))
                _ = perform(runtime.send(.notice(Clipboard.notice(what: what, byteCount: bytes.count))))
            case .openPager(let text):
                let outcome = outsideScreen {
                    let outcome = ExternalPager.show(text, environment: environment)
                    if outcome.waitsForKey { ExternalPager.waitForKey(signalFD: signalFD) }
                    return outcome
                }
                if let end = outcome.end { return end }
                if let problem = outcome.value.problem { _ = perform(runtime.send(.failed(problem))) }
            case .resume(let plan):
                let executable: String
                do {
                    executable = try plan.executable(searchPath: environment["PATH"])
                } catch {
                    _ = perform(runtime.send(.failed(error.description)))
                    continue
                }
                let outcome = outsideScreen { ResumeRun.run(plan, executable: executable, signalFD: signalFD) }
                if let end = outcome.end { return end }
                // The conversation may have been recorded meanwhile, by hooks.
                refresh()
                if let problem = outcome.value { _ = perform(runtime.send(.failed(problem))) }
            }
        }
        return nil
    }

    /// Leaves the screen to `body`, then brings it back as it was: the
    /// terminal's modes too, whatever the program run there left them in.
    /// Ctrl-C pressed there reached this process too, but was meant for
    /// that program; any other signal still ends the browser.
    func outsideScreen<T>(_ body: () -> T) -> (value: T, end: LoopEnd?) {
        terminal.suspend()
        var modes = termios()
        let saved = tcgetattr(0, &modes) == 0
        let value = body()
        if saved { tcsetattr(0, TCSADRAIN, &modes) }
        terminal.resume()
        while case let signal = sessions_signal_pipe_read(), signal != 0 {
            if signal != SIGINT { return (value, .signal(signal)) }
        }
        return (value, nil)
    }
}
