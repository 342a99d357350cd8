/// Writes a session as pretty JSON in pieces: its fields up to the
/// interactions, each interaction, then the rest. The pieces put together
/// are the bytes `JSONWriter` gives for the whole session, so output
/// streamed from a session of any size matches output written whole.
public struct SessionJSONStream {
    /// The indentation level the session object is written at.
    let indent: Int
    private var closingBytes: [UInt8] = []
    private var written = 0
    private var count = 0

    public init(indent: Int) {
        self.indent = indent
    }

    /// The session's members up to its interactions, and the array's opening.
    public mutating func opening(_ session: Session, count: Int) -> [UInt8] {
        var fields = session
        fields.interactions = []
        var bytes: [UInt8] = []
        JSONWriter.write(.object(fields.jsonObject), style: .pretty, into: &bytes, indent: indent)
        // Every member of the session's object is at `indent + 1`, one per
        // line, and no string holds a raw newline: this is the member.
        var marker: [UInt8] = [UInt8(ascii: "\n")] + Array(repeating: UInt8(ascii: " "), count: (indent + 1) * 2)
        JSONWriter.writeString("interactions", into: &marker)
        marker += Array(": []".utf8)
        guard let at = Self.find(marker, in: bytes) else {
            preconditionFailure("a session's JSON always has its interactions member")
        }
        let split = at + marker.count - 2
        closingBytes = Array(bytes[(split + 2)...])
        self.count = count
        written = 0
        if count == 0 { return Array(bytes[..<(split + 2)]) }
        return Array(bytes[..<split]) + [UInt8(ascii: "[")]
    }

    /// One interaction, in order.
    public mutating func next(_ interaction: Interaction) -> [UInt8] {
        var bytes: [UInt8] = written > 0 ? [UInt8(ascii: ",")] : []
        written += 1
        JSONWriter.newline(.pretty, indent + 2, &bytes)
        JSONWriter.writeObject(interaction.jsonObject, style: .pretty, into: &bytes, indent: indent + 2)
        return bytes
    }

    /// The array's end and the members after it.
    public func closing() -> [UInt8] {
        var bytes: [UInt8] = []
        if count > 0 {
            JSONWriter.newline(.pretty, indent + 1, &bytes)
            bytes.append(UInt8(ascii: "]"))
        }
        return bytes + closingBytes
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}
