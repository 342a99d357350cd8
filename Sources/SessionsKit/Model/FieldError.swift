/// One broken rule, named by the field's path and the rule, e.g.
/// `type: "Foo" is not a registered session type` or
/// `interactions[3].result.status: "done" is not one of ok, error, warning`.
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { field.isEmpty ? message : "\(field): \(message)" }
}

/// A record that breaks the schema. Every broken rule is reported at once, so a
/// user fixes a file in one pass instead of one error per run.
public struct SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) { self.errors = errors }
    public init(_ field: String, _ message: String) { self.errors = [FieldError(field, message)] }

    public var description: String { errors.map(\.description).joined(separator: "; ") }
}

/// Quotes a user-supplied value inside a message the way JSON would, so that
/// an empty or whitespace-only value is still visible.
public func quoted(_ text: String) -> String {
    JSONWriter.string(.string(text), style: .compact)
}
