/// How a person names an account, project or component: by its id, or by a
/// name that only one entry has. People remember "storefront", not 4; a
/// script that knows the id keeps using it. All digits is always an id, so
/// a name is never taken for one (names may not be all digits).
public struct EntryReference: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }

    public var description: String { text }

    /// The entry among `candidates` (already narrowed to those the caller
    /// may see) that this names. `field` says where the reference came from,
    /// for the message: `--project`, `SESSIONS_ACCOUNT`.
    public func resolve<Entry: NamedEntry>(among candidates: [Entry], field: String) throws(SessionError) -> Entry {
        let noun = Entry.noun
        if let number = Int(text) {
            guard number >= 1 else {
                throw SessionError.invalid(SchemaError(field, "\(text) is not \(noun.first.map { "aeiou".contains($0) } == true ? "an" : "a") \(noun) id: ids are whole numbers from 1"))
            }
            guard let found = candidates.first(where: { $0.id.rawValue == number }) else {
                throw SessionError.notFound("\(noun) \(number)")
            }
            return found
        }
        let named = candidates.filter { $0.name == text }
        // An exact name wins; otherwise a name that differs only in case, if
        // only one entry has it.
        let matches = named.isEmpty ? candidates.filter { $0.name.lowercased() == text.lowercased() } : named
        switch matches.count {
        case 1:
            return matches[0]
        case 0:
            let known = candidates.prefix(8).map { "\($0.id) \($0.name)" }.joined(separator: ", ")
            let more = candidates.count > 8 ? ", …" : ""
            let listing = candidates.isEmpty ? "there are none" : "the \(noun)s are \(known)\(more)"
            throw SessionError.invalid(SchemaError(field, "no \(noun) is named \(quoted(text)); \(listing)"))
        default:
            let ids = matches.map { "\($0.id)" }.joined(separator: ", ")
            throw SessionError.invalid(SchemaError(field, "\(quoted(text)) names \(matches.count) \(noun)s (ids \(ids)): use the id"))
        }
    }
}

/// An account, project or component: what a reference can name.
public protocol NamedEntry {
    static var noun: String { get }
    var id: Identifier<Self> { get }
    var name: String { get }
}

extension Account: NamedEntry { public static let noun = "account" }
extension Project: NamedEntry { public static let noun = "project" }
extension Component: NamedEntry { public static let noun = "component" }

extension Registry {
    /// Why `name` cannot name a new entry beside `existing`, or nil. A name
    /// two entries share could only ever be used by id, and an import that
    /// matches entries by name could not tell them apart; a name of digits
    /// would read as an id.
    public static func nameProblem<Entry: NamedEntry>(_ name: String, among existing: [Entry]) -> SessionError? {
        if !name.isEmpty && name.allSatisfy(\.isASCII) && Int(name) != nil {
            return .invalid(SchemaError("name", "\(quoted(name)) is a number, which would read as an id"))
        }
        if let taken = existing.first(where: { $0.name.lowercased() == name.lowercased() }) {
            return .conflict("\(Entry.noun) \(quoted(taken.name)) already exists (id \(taken.id))")
        }
        return nil
    }
}
