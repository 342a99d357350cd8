import CCurses
import CSupport
import Glibc
import SessionsTUI
import SystemPackage

/// The only code that talks to curses. It owns the screen from `init` to
/// `end`, turns curses input into `Key`s and `MouseEvent`s, and draws frames,
/// sending curses only the cells that changed. Call it from one thread.
final class CursesTerminal {
    enum InputEvent {
        case key(Key)
        case mouse(MouseEvent)
        case resize(width: Int, height: Int)
    }

    private let screen: OpaquePointer
    private let output: UnsafeMutablePointer<FILE>
    private let input: UnsafeMutablePointer<FILE>
    private var drawn: Frame?
    private var styles: [StyleRole: (attributes: attr_t, pair: Int16)] = [:]
    private(set) var depth: ColorDepth = .none

    /// Opens curses on the process's terminal, or explains why it cannot.
    init(theme: Theme, environment: [String: String]) throws(TerminalProblem) {
        if let problem = TerminalProblem.check(environment: environment) { throw problem }
        Self.selectUTF8Locale()
        guard let output = fdopen(dup(1), "w"), let input = fdopen(dup(0), "r") else {
            throw TerminalProblem.notATerminal
        }
        guard let screen = newterm(nil, output, input) else {
            fclose(output)
            fclose(input)
            throw TerminalProblem.unknownTerminal(environment["TERM"] ?? "")
        }
        self.screen = screen
        self.output = output
        self.input = input
        guard sessions_can_address_cursor() != 0 else {
            endwin()
            delscreen(screen)
            fclose(output)
            fclose(input)
            throw TerminalProblem.cannotAddressCursor(environment["TERM"] ?? "")
        }
        set_term(screen)
        cbreak()
        noecho()
        nonl()
        intrflush(sessions_stdscr(), false)
        keypad(sessions_stdscr(), true)
        nodelay(sessions_stdscr(), true)
        // ESC must feel instant; curses otherwise waits a second for a sequence.
        set_escdelay(25)
        curs_set(0)
        mousemask(sessions_mouse_all(), nil)
        mouseinterval(0)
        sessions_crash_handlers_install(restoreTerminalAfterCrash)
        applyTheme(theme, environment: environment)
    }

    /// curses draws wide characters only under a UTF-8 locale. Use the user's
    /// locale when it is one; otherwise ask for C.UTF-8 for characters only,
    /// since every terminal this runs in speaks UTF-8 today.
    private static func selectUTF8Locale() {
        setlocale(LC_ALL, "")
        if let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) == "UTF-8" { return }
        if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "en_US.UTF-8") }
    }

    func applyTheme(_ theme: Theme, environment: [String: String]) {
        var depth = ColorDepth.none
        if has_colors() {
            start_color()
            use_default_colors()
            depth = ThemeLibrary.depth(colors: Int(sessions_colors()), environment: environment)
        }
        self.depth = depth
        let adapted = theme.adapted(to: depth)
        styles = [:]
        for (offset, role) in StyleRole.allCases.enumerated() {
            let style = adapted.style(for: role)
            var pair: Int16 = 0
            if depth != .none, offset + 1 < Int(sessions_color_pairs()) {
                pair = Int16(offset + 1)
                init_pair(pair, Self.curses(style.foreground), Self.curses(style.background))
            }
            styles[role] = (Self.curses(style.attributes), pair)
        }
        drawn = nil
    }

    private static func curses(_ color: TerminalColor) -> Int16 {
        switch color {
        case .terminalDefault: return -1
        case .index(let index): return Int16(index)
        }
    }

    private static func curses(_ attributes: TextAttributes) -> attr_t {
        var result = sessions_a_normal()
        if attributes.contains(.bold) { result |= sessions_a_bold() }
        if attributes.contains(.dim) { result |= sessions_a_dim() }
        if attributes.contains(.underline) { result |= sessions_a_underline() }
        if attributes.contains(.reverse) { result |= sessions_a_reverse() }
        if attributes.contains(.italic) { result |= sessions_a_italic() }
        if attributes.contains(.standout) { result |= sessions_a_standout() }
        return result
    }

    var size: (width: Int, height: Int) { (Int(sessions_cols()), Int(sessions_lines())) }

    /// Every input event curses has ready, without waiting.
    func readEvents() -> [InputEvent] {
        var events: [InputEvent] = []
        while true {
            var character: wint_t = 0
            let kind = wget_wch(sessions_stdscr(), &character)
            if kind == ERR { break }
            if kind == KEY_CODE_YES {
                if let event = functionKey(Int32(character)) { events.append(event) }
            } else if let event = characterKey(UInt32(character)) {
                events.append(event)
            }
        }
        return events
    }

    /// curses' codes for the function keys the browser binds.
    private static let functionKeys: [Int32: Key] = [
        KEY_UP: .up, KEY_DOWN: .down, KEY_LEFT: .left, KEY_RIGHT: .right, KEY_NPAGE: .pageDown, KEY_PPAGE: .pageUp,
        KEY_HOME: .home, KEY_END: .end, KEY_ENTER: .enter, KEY_BTAB: .backTab, KEY_BACKSPACE: .backspace, KEY_DC: .delete,
    ]

    private func functionKey(_ code: Int32) -> InputEvent? {
        if let key = Self.functionKeys[code] { return .key(key) }
        switch code {
        case KEY_RESIZE:
            drawn = nil
            return .resize(width: size.width, height: size.height)
        case KEY_MOUSE:
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            let state = event.bstate
            let kind: MouseEvent.Kind
            if state & sessions_button4_pressed() != 0 {
                kind = .wheelUp
            } else if sessions_button5_pressed() != 0 && state & sessions_button5_pressed() != 0 {
                kind = .wheelDown
            } else if state & (sessions_button1_pressed() | sessions_button1_clicked() | sessions_button1_double_clicked()) != 0 {
                kind = .press
            } else {
                return nil
            }
            return .mouse(MouseEvent(kind, row: Int(event.y), column: Int(event.x)))
        default: return nil
        }
    }

    private func characterKey(_ value: UInt32) -> InputEvent? {
        switch value {
        case 10, 13: return .key(.enter)
        case 9: return .key(.tab)
        case 27: return .key(.escape)
        case 8, 127: return .key(.backspace)
        case 1...26: return .key(.control(Character(Unicode.Scalar(value + 96)!)))
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .key(.character(Character(scalar)))
        }
    }

    /// Draws `frame`, sending only cells that differ from the last one drawn.
    func draw(_ frame: Frame) {
        let previous = drawn.flatMap { $0.width == frame.width && $0.height == frame.height ? $0 : nil }
        if previous == nil { werase(sessions_stdscr()) }
        for row in 0..<frame.height {
            var column = 0
            while column < frame.width {
                let cell = frame[row, column]
                defer { column += 1 }
                if cell.isContinuation { continue }
                if let previous, previous[row, column] == cell,
                   column + 1 >= frame.width || previous[row, column + 1] == frame[row, column + 1] { continue }
                // The bottom-right cell scrolls some terminals; curses reports
                // an error there but draws it, which is all that matters.
                let style = styles[cell.role] ?? (sessions_a_normal(), 0)
                var scalars = Array(cell.text.unicodeScalars.prefix(4).map { wchar_t(bitPattern: $0.value) })
                scalars.append(0)
                _ = scalars.withUnsafeBufferPointer { buffer in
                    sessions_put_cell(Int32(row), Int32(column), buffer.baseAddress, style.attributes, style.pair)
                }
            }
        }
        if let cursor = frame.cursor {
            curs_set(1)
            wmove(sessions_stdscr(), Int32(cursor.row), Int32(cursor.column))
        } else {
            curs_set(0)
        }
        wnoutrefresh(sessions_stdscr())
        doupdate()
        drawn = frame
    }

    /// Forgets what the screen shows, so the next draw repaints every cell.
    func invalidate() {
        drawn = nil
        clearok(sessions_stdscr(), true)
    }

    /// Leaves curses' screen for another program (the pager) and comes back.
    func suspend() {
        def_prog_mode()
        endwin()
    }

    func resume() {
        reset_prog_mode()
        invalidate()
    }

    /// Writes bytes straight to the terminal, around curses (clipboard escapes).
    func writeDirectly(_ bytes: [UInt8]) {
        fflush(output)
        _ = try? FileDescriptor.standardOutput.writeAll(bytes)
    }

    /// Whether `end` ran; the screen and its streams are freed then.
    private var ended = false

    /// Restores the terminal and frees the screen. Safe to call more than
    /// once: later calls do nothing, where a second `delscreen` and
    /// `fclose` would free them again.
    func end() {
        guard !ended else { return }
        ended = true
        sessions_crash_handlers_remove()
        if !isendwin() { endwin() }
        delscreen(screen)
        fclose(output)
        fclose(input)
    }
}

/// Runs inside a crash signal handler: give the terminal back before the
/// crash report prints, or the user is left with a raw, invisible shell.
private func restoreTerminalAfterCrash() {
    if !isendwin() { endwin() }
}
