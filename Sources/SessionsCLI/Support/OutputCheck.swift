import SessionsDisplay
import SessionsKit
import SystemPackage

/// What becomes of a command whose standard output or standard error could
/// not be written: a full disk, a closed descriptor, a reader that went away.
///
/// - A command that only reads, whose reader went away (`sessions list |
///   head -1`), ends quietly with the status it had: the reader took what it
///   wanted. Any other failure is `error: cannot write standard output: …`
///   and status 2, like any other I/O error.
/// - A command that changed something (the store, the config, an export
///   file) cannot take its change back, and 1 and 2 promise that nothing
///   changed. It ends with status 3, and the error line says the change was
///   made and, when short, what it would have printed (the new id), so a
///   script neither retries it nor goes on without its output.
///
/// When stderr itself fails, only the status can say so.
enum OutputCheck {
    static let changedButUnprinted: Int32 = 3

    static func finish(_ status: Int32, changed: Bool, context: CLIContext) -> Int32 {
        let failures = [("standard output", context.stdout), ("standard error", context.stderr)]
            .compactMap { name, sink in sink.failure.map { (name, $0, sink.undelivered) } }
        guard !failures.isEmpty else { return status }
        if !changed && failures.allSatisfy({ $0.1 == .brokenPipe }) { return status }
        for (name, errno, undelivered) in failures where name == "standard output" {
            var message = StoreError.io(operation: "write", path: name, errno: errno).description
            if changed { message += ". " + madeAnyway(undelivered) }
            context.stderr.line("error: " + message)
        }
        if status != 0 { return status }
        // 2, as for any other I/O error.
        return changed ? changedButUnprinted : 2
    }

    /// "The change was made; it printed 42", when what was lost is one short line.
    static func madeAnyway(_ undelivered: [UInt8]) -> String {
        let text = String(decoding: undelivered, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if undelivered.count < FileSink.undeliveredKept, lines.count <= 2, lines.dropFirst().allSatisfy(\.isEmpty),
           let line = lines.first, !line.isEmpty {
            return "The change was made; it would have printed: \(Sanitizer.line(String(line)))"
        }
        return "The change was made; what it would have printed is lost."
    }
}

/// Thrown by a command that streams its output, to stop once standard output
/// has failed; `OutputCheck` then reports the failure.
struct OutputStopped: Error {}

/// Commands that change something the user keeps: a failure to print their
/// result comes after the change, which stands (`OutputCheck`).
protocol ChangesState {
    var changesState: Bool { get }
}

extension ChangesState {
    var changesState: Bool { true }
}

extension NewCommand: ChangesState {}
extension SetStatusCommand: ChangesState {}
extension DeleteCommand: ChangesState {}
extension AddInteraction: ChangesState {}
extension CompleteInteraction: ChangesState {}
extension AddEntry: ChangesState {}
extension UseEntry: ChangesState {}
extension DeleteEntry: ChangesState {}
extension ImportClaudeCode: ChangesState {}
extension ImportCodeMySpec: ChangesState {}
extension ImportAuto: ChangesState {}
extension DemoCommand: ChangesState {}
extension DoctorCommand: ChangesState {
    var changesState: Bool { repair }
}
extension ExportCommand: ChangesState {
    var changesState: Bool { output != nil && output != "-" }
}
