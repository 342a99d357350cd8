import Glibc

/// `sessions/<id>.interactions.jsonl`: a session's interactions as a log that
/// only grows. Each line is one version of one interaction,
/// `{"n":K,"interaction":{…}}`, where K is its position in the timeline (0
/// for the first): a new interaction is a line with the next position, and a
/// completion is a later line with the same position, whose interaction
/// replaces the earlier one. So adding or completing an interaction appends
/// one line, whatever the session's size, and `jq .interaction` reads it.
///
/// Only the first `length` bytes count, as the session's head file records
/// them: lines past it belong to a commit that never happened (a crash between
/// writing them and committing), and the next writer cuts them off.
enum InteractionLog {
    static let prefix = Array("{\"n\":".utf8)
    static let middle = Array(",\"interaction\":".utf8)

    /// One line of the log, newline included.
    static func line(position: Int, _ interaction: Interaction) -> [UInt8] {
        var output = prefix
        output.append(contentsOf: String(position).utf8)
        output.append(contentsOf: middle)
        JSONWriter.writeObject(interaction.jsonObject, style: .compact, into: &output)
        output.append(UInt8(ascii: "}"))
        output.append(UInt8(ascii: "\n"))
        return output
    }

    /// One line as found: the interaction's position, and where its
    /// interaction object lies in the buffer.
    struct Entry: Equatable {
        var position: Int
        var object: Range<Int>
        /// The whole line, without its newline.
        var line: Range<Int>
    }

    static func corrupt(_ path: String, _ detail: String) -> StoreError {
        .corrupt(path: path, detail: detail, hint: StoreError.doctorHint)
    }

    /// The entry of the line `line`: read straight from the bytes when the
    /// line has the writer's shape (always, unless edited by hand), else by
    /// parsing it. The path is made only for a message, so a line in the
    /// writer's shape costs no string.
    static func entry(_ buffer: UnsafeBufferPointer<UInt8>, line: Range<Int>, path: @autoclosure () -> String) throws(StoreError) -> Entry {
        if let fast = plainEntry(buffer, line: line) { return fast }
        let value: JSONValue
        do {
            value = try JSONParser.parse(buffer, range: line)
        } catch {
            throw StoreError.corrupt(path(), error, hint: StoreError.doctorHint)
        }
        // A line written by hand in another member order: its interaction is
        // re-encoded where the caller can find it, which only the slow path needs.
        guard case .object(let object) = value, let position = object["n"]?.intValue, position >= 0,
              case .object? = object["interaction"]
        else {
            throw corrupt(path(), "\(lineNumber(buffer, line)): must be {\"n\": POSITION, \"interaction\": {…}}")
        }
        return Entry(position: position, object: line, line: line)
    }

    /// `{"n":K,"interaction":` … `}` as the writer spells it, or nil.
    static func plainEntry(_ buffer: UnsafeBufferPointer<UInt8>, line: Range<Int>) -> Entry? {
        guard let (position, index) = plainStart(buffer, line),
              line.upperBound - 1 > index, buffer[line.upperBound - 1] == UInt8(ascii: "}"),
              buffer[index] == UInt8(ascii: "{") else { return nil }
        return Entry(position: position, object: index..<(line.upperBound - 1), line: line)
    }

    /// The position a line in the writer's shape begins with, from its first
    /// bytes (the first 35 hold it); nil for any other.
    static func plainPosition(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        plainStart(bytes, 0..<bytes.count)?.position
    }

    /// `{"n":K,"interaction":` at the start of `line`: K, and where the
    /// interaction begins.
    private static func plainStart(_ buffer: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> (position: Int, end: Int)? {
        var index = line.lowerBound
        for byte in prefix {
            guard index < line.upperBound, buffer[index] == byte else { return nil }
            index += 1
        }
        var position = 0
        let digitsStart = index
        while index < line.upperBound, buffer[index] >= UInt8(ascii: "0"), buffer[index] <= UInt8(ascii: "9") {
            position = position &* 10 &+ Int(buffer[index] - UInt8(ascii: "0"))
            index += 1
            if index - digitsStart > 15 { return nil }
        }
        guard index > digitsStart else { return nil }
        for byte in middle {
            guard index < line.upperBound, buffer[index] == byte else { return nil }
            index += 1
        }
        return (position, index)
    }

    /// "line 12", for messages.
    static func lineNumber(_ buffer: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> String {
        "line \(buffer[0..<line.lowerBound].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 })"
    }

    /// Where the newest version of each interaction is, by position. Lines
    /// must name the positions in order of first appearance (0, 1, 2, …),
    /// each later line of a position replacing the one before.
    static func latest(_ buffer: UnsafeBufferPointer<UInt8>, length: Int, path: String) throws(StoreError) -> [Entry] {
        var entries: [Entry] = []
        try latest(buffer, length: length, path: path, into: &entries)
        return entries
    }

    /// `latest`, into `entries` (emptied first): a search reads twenty
    /// thousand logs, and reuses one array for all a thread reads.
    static func latest(_ buffer: UnsafeBufferPointer<UInt8>, length: Int, path: @autoclosure () -> String,
                       into entries: inout [Entry]) throws(StoreError) {
        entries.removeAll(keepingCapacity: true)
        guard length <= buffer.count else {
            throw corrupt(path(), "it is \(buffer.count) bytes long, but its session's file says \(length) were written")
        }
        guard length == 0 || buffer[length - 1] == UInt8(ascii: "\n") else {
            throw corrupt(path(), "byte \(length), where its session's file says the interactions end, is not the end of a line")
        }
        var failure: StoreError?
        IndexFile.forEachLine(buffer, 0..<length) { line in
            do throws(StoreError) {
                let entry = try self.entry(buffer, line: line, path: path())
                if entry.position < entries.count {
                    entries[entry.position] = entry
                } else if entry.position == entries.count {
                    entries.append(entry)
                } else {
                    throw corrupt(path(), "\(lineNumber(buffer, line)): interaction \(entry.position) comes before "
                        + "interaction \(entries.count)")
                }
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
    }

    /// The interaction of `entry`.
    static func decode(_ buffer: UnsafeBufferPointer<UInt8>, _ entry: Entry, path: String) throws(StoreError) -> Interaction {
        let value: JSONValue
        do {
            value = try JSONParser.parse(buffer, range: entry.object)
        } catch {
            throw StoreError.corrupt(path, error, hint: StoreError.doctorHint)
        }
        // The slow path's entry spans the whole line: the interaction is a member of it.
        let object: JSONObject
        if entry.object == entry.line {
            guard case .object(let line) = value, case .object(let inner)? = line["interaction"] else {
                throw corrupt(path, "\(lineNumber(buffer, entry.line)): must be {\"n\": POSITION, \"interaction\": {…}}")
            }
            object = inner
        } else {
            guard case .object(let inner) = value else { throw corrupt(path, "\(lineNumber(buffer, entry.line)): the interaction must be an object") }
            object = inner
        }
        let (interaction, errors) = Interaction.decode(object, path: "interactions[\(entry.position)]")
        guard let interaction, errors.isEmpty else {
            throw corrupt(path, "\(lineNumber(buffer, entry.line)): " + SchemaError(errors).description)
        }
        return interaction
    }

    /// Every interaction, in timeline order.
    static func decodeAll(_ buffer: UnsafeBufferPointer<UInt8>, length: Int, path: String) throws(StoreError) -> [Interaction] {
        let entries = try latest(buffer, length: length, path: path)
        var interactions: [Interaction] = []
        interactions.reserveCapacity(entries.count)
        for entry in entries { interactions.append(try decode(buffer, entry, path: path)) }
        return interactions
    }

    /// The last `wanted` interactions of a log whose session has `count`,
    /// from `buffer`, the end of the log from the start of a line: the
    /// newest page of a timeline costs what the page costs, not what the
    /// session does. Reading backwards, the first line met for a position is
    /// its newest version. Nil when `buffer` starts too late to hold them
    /// all; `whole` says it is the entire log, where that is damage.
    static func newest(_ buffer: UnsafeBufferPointer<UInt8>, count: Int, wanted: Int, whole: Bool,
                       path: String) throws(StoreError) -> [Interaction]? {
        let first = max(0, count - wanted)
        var found: [Entry?] = Array(repeating: nil, count: count - first)
        var missing = found.count
        var end = buffer.count
        while end > 0 && missing > 0 {
            // `end` is just past a newline; the line before it ends at end - 1.
            let lineEnd = end - 1
            var start = lineEnd
            while start > 0 && buffer[start - 1] != UInt8(ascii: "\n") { start -= 1 }
            let line = start..<lineEnd
            end = start
            guard !line.isEmpty else { continue }
            let entry = try entry(buffer, line: line, path: path)
            if entry.position >= first && entry.position < count && found[entry.position - first] == nil {
                found[entry.position - first] = entry
                missing -= 1
            }
        }
        if missing > 0 {
            guard whole else { return nil }
            throw corrupt(path, "interaction \(first + found.firstIndex { $0 == nil }!) is missing")
        }
        var interactions: [Interaction] = []
        interactions.reserveCapacity(found.count)
        for entry in found { interactions.append(try decode(buffer, entry!, path: path)) }
        return interactions
    }
}
