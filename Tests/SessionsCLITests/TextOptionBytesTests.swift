import Glibc
import Testing
@testable import SessionsCLI
@testable import SessionsKit
import TestSupport

/// `interaction complete --stdout TEXT` and `--stderr TEXT` keep the bytes
/// they were given, as `--stdout-file` does: the argument vector holds
/// bytes, and only its `String` form turns the invalid ones into U+FFFD.
@Suite("Text options keep their bytes")
struct TextOptionBytesTests {
    @Test("invalid UTF-8 given as --stdout and --stderr=… is stored exactly, the same as from a file")
    func textOptionsKeepBytes() throws {
        let directory = TemporaryDirectory("sessions-argv-bytes")
        mkdir(directory.path + "/home", 0o700)
        let environment = FaultScenarios.environment(home: directory.path + "/home")
        let runner = ProcessRunner(environment: environment)
        #expect(runner.run(["new", "--type", "ContextSpecSessions"]).status == 0)
        let stdout: [UInt8] = [0x61, 0xFF, 0x62, 0xC0, 0xAF, 0x63, 0xED, 0xA0, 0x80]
        let stderr: [UInt8] = [0x65, 0xFE, 0x0A]
        let file = directory.path + "/stdout"
        TestFiles.write(file, stdout)
        var ids: [String] = []
        for _ in 0..<3 {
            ids.append(String(runner.run(["interaction", "add", "1", "--module", "M", "--command", "c"]).stdout.dropLast()))
        }
        // printf turns the escapes into the raw bytes in the argument vector.
        let shell = ProcessRunner(executable: "/bin/bash", environment: environment)
        let asText = shell.run(["-c", #"exec "$0" interaction complete 1 "$1" --status ok --stdout "$(printf 'a\xffb\xc0\xafc\xed\xa0\x80')" --stderr="$(printf 'e\xfe\n_')""#,
                                ProcessRunner.sessionsBinary(), ids[0]])
        #expect(asText.status == 0, "\(asText.stderr)")
        let asFile = runner.run(["interaction", "complete", "1", ids[1], "--status", "ok", "--stdout-file", file])
        #expect(asFile.status == 0, "\(asFile.stderr)")
        let valid = runner.run(["interaction", "complete", "1", ids[2], "--status", "ok", "--stdout", "héllo ✓"])
        #expect(valid.status == 0, "\(valid.stderr)")
        let session = try #require(try FileStore(root: directory.path + "/home/store").session(id: 1))
        let results = session.interactions.map(\.result)
        // `$(…)` drops a trailing newline, hence the `_` kept after it.
        #expect(results[0]?.stdout == .bytes(stdout))
        #expect(results[0]?.stderr == .bytes(stderr + [0x5F]))
        #expect(results[1]?.stdout == results[0]?.stdout)
        #expect(results[2]?.stdout == .text("héllo ✓"))
    }

    @Test("an option's bytes are found in either spelling, the last one wins, and nothing after --")
    func rawValues() {
        let out = BufferSink()
        func context(_ words: [[UInt8]]) -> CLIContext {
            CLIContext(environment: SessionsEnvironment(variables: [:]), stdout: out, stderr: out, readStandardInput: { [] },
                       stdoutIsTerminal: false, argumentBytes: words)
        }
        let invalid: [UInt8] = [0x78, 0xFF]
        let parsed = String(decoding: invalid, as: UTF8.self)
        let spelled = context([Array("complete".utf8), Array("--stdout".utf8), invalid])
        #expect(spelled.rawValue(ofOption: "--stdout", parsed: parsed) == invalid)
        let joined = context([Array("--stdout=".utf8) + invalid])
        #expect(joined.rawValue(ofOption: "--stdout", parsed: parsed) == invalid)
        let twice = context([Array("--stdout".utf8), [0x61, 0xFE], Array("--stdout".utf8), invalid])
        #expect(twice.rawValue(ofOption: "--stdout", parsed: parsed) == invalid)
        #expect(twice.rawValue(ofOption: "--stderr", parsed: parsed) == nil)
        let afterDashes = context([Array("--".utf8), Array("--stdout".utf8), invalid])
        #expect(afterDashes.rawValue(ofOption: "--stdout", parsed: parsed) == nil)
        // In-process there are no bytes, and the text is used as it is.
        #expect(context([]).rawValue(ofOption: "--stdout", parsed: parsed) == nil)
    }
}
