/// A JSON document held exactly as it was written: object members keep their
/// order (duplicates included) and numbers keep their original spelling, so a
/// user's `state` map or an imported field we do not model is written back
/// byte for byte in meaning, never "normalised" into something else.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number's literal text, already validated against the JSON grammar.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public static func int<I: BinaryInteger>(_ value: I) -> JSONValue { .number(String(value)) }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The value as a Swift integer, when its literal is an integer that fits.
    /// `1.0` and `1e3` are not integers here: accepting them would silently
    /// change what a user wrote the next time it is saved.
    public var intValue: Int? {
        if case .number(let literal) = self { return Int(literal) }
        return nil
    }

    /// A short name of the value's kind, for validation messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// An ordered JSON object. Lookups are linear, which is the right trade for
/// the small objects of this schema and keeps member order for free.
public struct JSONObject: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue
        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public var members: [Member]

    public init(_ members: [Member] = []) { self.members = members }

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        self.members = pairs.map { Member($0.key, $0.value) }
    }

    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }

    /// The first member with this key, as JSON parsers conventionally resolve duplicates
    /// for lookup; every duplicate is still kept for writing back.
    public subscript(key: String) -> JSONValue? {
        get {
            for member in members where member.key == key { return member.value }
            return nil
        }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue {
                    members[index].value = newValue
                } else {
                    members.remove(at: index)
                }
            } else if let newValue {
                members.append(Member(key, newValue))
            }
        }
    }

    public mutating func append(_ key: String, _ value: JSONValue) {
        members.append(Member(key, value))
    }

    public func contains(_ key: String) -> Bool {
        members.contains { $0.key == key }
    }
}

extension JSONValue {
    /// Whether arrays and objects nest more than `limit` levels deep (a scalar
    /// is level 0, `[]` level 1). Walked with a work list rather than
    /// recursion, so a value built in memory at any depth is measured without
    /// risking the stack, and it stops at the first branch past the limit.
    public func nests(deeperThan limit: Int) -> Bool {
        var pending: [(value: JSONValue, depth: Int)] = [(self, 0)]
        while let (value, depth) = pending.popLast() {
            switch value {
            case .array(let elements):
                if depth + 1 > limit { return true }
                for element in elements { pending.append((element, depth + 1)) }
            case .object(let object):
                if depth + 1 > limit { return true }
                for member in object.members { pending.append((member.value, depth + 1)) }
            default:
                continue
            }
        }
        return false
    }
}
