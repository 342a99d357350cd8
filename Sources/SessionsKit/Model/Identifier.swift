/// An id that knows what it names. Sessions, accounts, projects and
/// components are all numbered from 1 in the same store, so a bare `Int`
/// lets a project id reach a function that wanted a session id, and a lookup
/// answer "not found" for the wrong reason. `Session.ID`, `Account.ID`,
/// `Project.ID` and `Component.ID` are different types to the compiler.
///
/// Written here rather than taken from a tagged-type library: those bring
/// Foundation into a binary that otherwise starts without it, and every hook
/// event pays for process start.
public struct Identifier<Entity>: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The number the store and CodeMySpec's JSON use.
    public let rawValue: Int

    // Inlinable, so that other modules compare, hash and sort ids as fast as
    // the integers they are: the browser looks ids up on every frame.

    @inlinable public init(_ rawValue: Int) { self.rawValue = rawValue }

    /// A literal has no kind of its own, so `let id: Session.ID = 3` reads as
    /// what it is without weakening the separation between kinds.
    @inlinable public init(integerLiteral value: Int) { rawValue = value }

    @inlinable public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawValue == rhs.rawValue }

    @inlinable public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    @inlinable public var description: String { String(rawValue) }
}

extension Session { public typealias ID = Identifier<Session> }
extension Account { public typealias ID = Identifier<Account> }
extension Project { public typealias ID = Identifier<Project> }
extension Component { public typealias ID = Identifier<Component> }

extension JSONValue {
    /// An id as the schema writes it: a plain integer.
    public static func id<Entity>(_ id: Identifier<Entity>) -> JSONValue { .int(id.rawValue) }
}
