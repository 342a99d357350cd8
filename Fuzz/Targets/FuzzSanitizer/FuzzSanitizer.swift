import SessionsDisplay
import SessionsKit

/// The sanitizer: any bytes, as text and as captured output. What it returns
/// must hold nothing a terminal acts on: no C0 or C1 control (tab and newline
/// included, since a line is one line), no DEL, no bidirectional control.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSanitizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    check(Sanitizer.line(text))
    for line in Sanitizer.lines(text) { check(line) }
    // As captured output that may not be UTF-8: shown byte for byte, and still sanitized.
    check(Sanitizer.line(CapturedOutput.bytes(bytes)))
    for line in Sanitizer.lines(CapturedOutput.bytes(bytes)) { check(line) }
    return 0
}

func check(_ output: String) {
    for scalar in output.unicodeScalars {
        let value = scalar.value
        let control = value < 0x20 || (0x7F...0x9F).contains(value)
        let bidi = (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) || value == 0x200E || value == 0x200F
            || value == 0x061C
        if control || bidi { fatalError("the sanitizer let U+\(String(value, radix: 16, uppercase: true)) through") }
    }
}
