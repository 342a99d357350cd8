/// Writes the active account's sessions in CodeMySpec's API shape,
/// `{"data": [...]}` with interactions newest first, one session per line so
/// the file is both one JSON document and easy to grep. Importing the output
/// into an empty store and exporting again gives the same bytes.
public enum CodeMySpecExport {
    /// Streams the export through `emit`, one session at a time, so memory
    /// stays flat however large the store is. Returns how many were written.
    @discardableResult
    public static func write(_ service: SessionService, status: SessionStatus?, to emit: ([UInt8]) throws -> Void) throws -> Int {
        let summaries = try service.list(SessionQuery(status: status, sort: .id))
        try emit(Array("{\"data\": [".utf8))
        var written = 0
        for summary in summaries {
            let session: Session
            do {
                session = try service.session(id: summary.id)
            } catch SessionError.notFound {
                continue  // deleted since the listing
            }
            var line: [UInt8] = Array((written == 0 ? "\n" : ",\n").utf8)
            JSONWriter.writeObject(record(session), style: .compact, into: &line)
            try emit(line)
            written += 1
        }
        try emit(Array((written == 0 ? "]}\n" : "\n]}\n").utf8))
        return written
    }

    /// One session as the API writes it.
    public static func record(_ session: Session) -> JSONObject {
        var exported = session
        exported.interactions.reverse()
        return exported.jsonObject
    }
}

