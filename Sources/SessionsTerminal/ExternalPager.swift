import Glibc
import SystemPackage

/// `o` in the detail view: the text goes to the user's `$PAGER` through a
/// private temporary file, so their own search and bindings work on it.
enum ExternalPager {
    /// Shows `text` and waits for the pager to exit. Returns a problem to
    /// report, or nil.
    static func show(_ text: String, environment: [String: String]) -> String? {
        let pager = environment["PAGER"].flatMap { $0.isEmpty ? nil : $0 } ?? "less"
        let directory = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/sessions-pager-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return "cannot create a temporary file in \(directory)" }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(path) }
        let written = (try? FileDescriptor(rawValue: fd).writeAll(text.utf8)) != nil
        close(fd)
        guard written else { return "cannot write the temporary file" }
        // The pager string may carry options ("less -S"), so the shell splits
        // it; the file name travels as a positional argument, never as code.
        let arguments = ["/bin/sh", "-c", pager + " \"$1\"", "sh", path]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ)
        guard spawned == 0 else { return "cannot start the pager: \(String(cString: strerror(spawned)))" }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        if exited && code == 127 { return "pager \"\(pager)\" not found; set $PAGER" }
        return nil
    }
}
