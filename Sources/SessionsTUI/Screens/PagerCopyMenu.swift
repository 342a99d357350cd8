import SessionsDisplay

/// `y` in the pager: a small menu of the parts this interaction has, one key
/// each, so a short output can be copied as easily as the command above it.
public struct PagerCopyMenu: Sendable, Equatable {
    public enum Choice: Sendable, Hashable, CaseIterable {
        case command, pipe, stdout, stderr, interaction

        /// The key map's command for it, whose key the menu shows.
        var intent: Intent {
            switch self {
            case .command: return .copyCommand
            case .pipe: return .copyPipe
            case .stdout: return .copyStdout
            case .stderr: return .copyStderr
            case .interaction: return .copyInteraction
            }
        }

        init?(_ intent: Intent) {
            guard let choice = Self.allCases.first(where: { $0.intent == intent }) else { return nil }
            self = choice
        }

        /// How the menu and the flash name it.
        public var name: String {
            switch self {
            case .command: return "the command"
            case .pipe: return "the pipe"
            case .stdout: return "stdout"
            case .stderr: return "stderr"
            case .interaction: return "the whole interaction"
            }
        }
    }

    /// The parts this interaction has, in the order they show.
    public let choices: [Choice]
    /// Bytes of each part, where known before it is copied.
    let sizes: [Choice: Int]

    init(copyText: [Choice: String]) {
        choices = Choice.allCases.filter { $0 == .interaction || copyText[$0] != nil }
        sizes = copyText.mapValues { $0.utf8.count }
    }

    func draw(into frame: inout Frame, in area: Rect, keyMap: KeyMap) {
        let bindings = keyMap.bindings(in: .copyMenu)
        func key(_ intent: Intent) -> String { bindings.first { $0.command == intent }?.keys.first?.label ?? "" }
        let nameWidth = choices.map { CellWidth.of($0.name) }.max() ?? 0
        let sizes = choices.map { self.sizes[$0].map { PagerContent.size($0) } ?? "" }
        let sizeWidth = sizes.map { CellWidth.of($0) }.max() ?? 0
        var lines: [[Span]] = zip(choices, sizes).map { choice, size in
            [Span(key(choice.intent), .footerKey),
             Span("  " + CellWidth.fit(choice.name, to: nameWidth) + "  " + CellWidth.fit(size, to: sizeWidth, alignRight: true), .dialog)]
        }
        lines.append([])
        lines.append([Span(key(.cancel), .footerKey), Span("  cancel", .dialog)])
        let box = DialogBox(title: "Copy", contentWidth: DialogBox.width(of: lines), lineCount: lines.count, fillWidth: false, in: area)
        box.draw(into: &frame, title: "Copy", lines: lines)
    }
}
