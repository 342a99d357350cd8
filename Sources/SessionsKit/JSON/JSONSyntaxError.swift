/// Why and where a document is not valid JSON. The position is what makes a
/// corrupt store fixable by hand: "line 12, column 5" instead of "invalid JSON".
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the problem from the start of the document.
    public var offset: Int
    /// 1-based line and column (column counts bytes, as editors' "go to" accepts).
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "line \(line), column \(column): \(message)" }

    init(offset: Int, in bytes: UnsafeBufferPointer<UInt8>, message: String) {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        var index = 0
        while index < end {
            if bytes[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        self.offset = offset
        self.line = line
        self.column = end - lineStart + 1
        self.message = message
    }

    public init(offset: Int, line: Int, column: Int, message: String) {
        self.offset = offset
        self.line = line
        self.column = column
        self.message = message
    }
}
