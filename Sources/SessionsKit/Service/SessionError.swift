/// Failures of a request, as opposed to failures of the store's files.
public enum SessionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Also what another account's session looks like: the two are
    /// indistinguishable by design, so ids never leak across accounts.
    case notFound(String)
    case invalid(SchemaError)
    /// A relation forbids the change (restrict), or the change makes no sense now.
    case conflict(String)

    public var description: String {
        switch self {
        case .notFound(let what): return "\(what) not found"
        case .invalid(let error): return error.description
        case .conflict(let message): return message
        }
    }

    static func session(_ id: Session.ID) -> SessionError { .notFound("session \(id)") }
}

extension JSONParser {
    /// JSON a user handed in (a hook's payload, a file to import): parsed,
    /// or refused as an invalid request naming `field`, since the mistake is
    /// in the input and not in the store.
    static func parseInput(_ bytes: [UInt8], field: String, what: String = "") throws(SessionError) -> JSONValue {
        do {
            return try parse(bytes)
        } catch {
            throw SessionError.invalid(SchemaError(field, "\(what)is not JSON: \(error)"))
        }
    }
}
