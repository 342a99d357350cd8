/// How model values travel to and from PostgreSQL's columns, as text.
enum DatabaseValues {
    /// A time as a `timestamp` takes it: microseconds, UTC. The year 0000
    /// is PostgreSQL's 1 BC, which it must be told.
    static func time(_ time: Timestamp) -> String {
        let parts = CivilTime(microseconds: time.microseconds)
        let whole = Timestamp(microseconds: time.microseconds, fractionDigits: 6).iso8601
        guard parts.year == 0 else { return whole }
        return "0001" + whole.dropFirst(4).dropLast() + " BC"
    }

    /// A `timestamp` as PostgreSQL writes it under `DateStyle = ISO`
    /// (`2026-10-31 23:59:29.5`, `0001-01-01 00:00:00 BC`), with the
    /// fraction digits the model remembers it was written with.
    static func time(_ text: String?, digits: Int) -> Timestamp? {
        guard let text else { return nil }
        // The model's parser takes the space and, without a zone, UTC: a list reads four a row, read in place.
        var parsed = text.utf8.withContiguousStorageIfAvailable(Timestamp.parse) ?? nil
        if parsed == nil, text.hasSuffix(" BC") {
            var bytes = Array(text.utf8.dropLast(3))
            guard bytes.starts(with: "0001-".utf8) else { return nil }
            bytes.replaceSubrange(0..<4, with: "0000".utf8)
            parsed = bytes.withUnsafeBufferPointer(Timestamp.parse)
        }
        guard var time = parsed else { return nil }
        time.fractionDigits = digits
        return time
    }

    /// The fraction digits of each time of a row, in column order, as one
    /// short text ("06": whole seconds, then microseconds); nil when every
    /// one is 6 or absent, the common case. A `timestamp` keeps the
    /// instant, not how it was written, and an export must write it back
    /// as it came.
    static func digits(_ times: [Timestamp?]) -> String? {
        let digits = times.map { $0?.fractionDigits ?? 6 }
        return digits.allSatisfy { $0 == 6 } ? nil : digits.map(String.init).joined()
    }

    /// The digits of time `index` from `digits`.
    static func digit(_ digits: String?, _ index: Int) -> Int {
        guard let byte = digits?.utf8.dropFirst(index).first else { return 6 }
        return (0x30...0x36).contains(byte) ? Int(byte - 0x30) : 6
    }

    /// JSON text as the `json` columns keep it.
    static func json(_ value: JSONValue) -> String {
        JSONWriter.string(value, style: .compact)
    }

    static func json(_ object: JSONObject) -> String {
        json(.object(object))
    }

    /// A `json` column's value, parsed.
    static func value(_ text: String?) throws(DatabaseError) -> JSONValue? {
        guard let text else { return nil }
        do {
            return try JSONParser.parse(text)
        } catch {
            throw .failed(target: "a json column", code: "22P02", message: "\(error.message) at line \(error.line)")
        }
    }

    static func object(_ text: String?) throws(DatabaseError) -> JSONObject {
        guard case .object(let object)? = try value(text) else { return JSONObject() }
        return object
    }
}
