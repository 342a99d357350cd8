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
