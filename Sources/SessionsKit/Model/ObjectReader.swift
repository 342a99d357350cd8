/// Reads the known fields of one JSON object, collecting every schema error with
/// its full path and keeping the members it was never asked about, so that
/// fields a later CodeMySpec version adds survive a round trip.
struct ObjectReader {
    let object: JSONObject
    let path: String
    private(set) var errors: [FieldError] = []
    /// Which members an accessor has read.
    private var consumed: [Bool]
    /// Where the last key was found. Records are read in their canonical key
    /// order, so searching on from here finds each key at once: reading an
    /// object costs O(members), not O(members²), on the index's hot path.
    private var cursor = 0

    init(_ object: JSONObject, path: String) {
        self.object = object
        self.path = path
        self.consumed = Array(repeating: false, count: object.members.count)
    }

    /// The first unread member with this key, searching on from the last find
    /// and wrapping around; marks it read.
    private mutating func take(_ key: String) -> JSONValue? {
        let members = object.members
        let count = members.count
        var index = cursor
        for _ in 0..<count {
            if index == count { index = 0 }
            if !consumed[index] && members[index].key == key {
                consumed[index] = true
                cursor = index + 1
                return members[index].value
            }
            index += 1
        }
        return nil
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func fail(_ key: String, _ message: String) {
        errors.append(FieldError(fieldPath(key), message))
    }

    mutating func absorb(_ nested: [FieldError]) { errors.append(contentsOf: nested) }

    /// The raw value, with `null` and absence both reported as nil.
    mutating func value(_ key: String) -> JSONValue? {
        guard let value = take(key), !value.isNull else { return nil }
        return value
    }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let value = value(key) else {
            if required { fail(key, "is required") }
            return nil
        }
        guard case .string(let text) = value else {
            fail(key, "must be a string, not \(value.kindName)")
            return nil
        }
        if required && text.isEmpty { fail(key, "must not be empty") }
        return text
    }

    mutating func int(_ key: String, required: Bool = false, minimum: Int? = nil) -> Int? {
        guard let value = value(key) else {
            if required { fail(key, "is required") }
            return nil
        }
        guard let number = value.intValue else {
            if case .number(let literal) = value {
                fail(key, "must be an integer, not \(literal)")
            } else {
                fail(key, "must be an integer, not \(value.kindName)")
            }
            return nil
        }
        if let minimum, number < minimum {
            fail(key, "must be at least \(minimum), not \(number)")
            return nil
        }
        return number
    }

    /// An id: an integer of at least 1.
    mutating func id<Entity>(_ key: String, required: Bool = false) -> Identifier<Entity>? {
        int(key, required: required, minimum: 1).map { Identifier($0) }
    }

    mutating func object(_ key: String) -> JSONObject? {
        guard let value = value(key) else { return nil }
        guard case .object(let nested) = value else {
            fail(key, "must be a JSON object, not \(value.kindName)")
            return nil
        }
        return nested
    }

    mutating func array(_ key: String) -> [JSONValue]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else {
            fail(key, "must be an array, not \(value.kindName)")
            return nil
        }
        return elements
    }

    mutating func timestamp(_ key: String, required: Bool = false) -> Timestamp? {
        guard let text = string(key, required: required) else { return nil }
        guard let stamp = Timestamp(iso8601: text) else {
            fail(key, "\(quoted(text)) \(Timestamp.problem(text) ?? "is not an ISO 8601 UTC timestamp")")
            return nil
        }
        return stamp
    }

    mutating func enumeration<E: CaseIterable & RawRepresentable>(_ key: String, _ type: E.Type, required: Bool = false) -> E?
    where E.RawValue == String {
        guard let text = string(key, required: required) else { return nil }
        guard let parsed = E(rawValue: text) else {
            fail(key, "\(quoted(text)) is not one of \(E.allowedValues)")
            return nil
        }
        return parsed
    }

    mutating func uuid(_ key: String, required: Bool = false) -> String? {
        guard let text = string(key, required: required) else { return nil }
        guard UUIDText.isValid(text) else {
            fail(key, "\(quoted(text)) is not a UUID")
            return nil
        }
        return text
    }

    /// Marks a key as handled elsewhere (or deliberately dropped).
    mutating func consume(_ key: String) { _ = take(key) }

    /// Members not read by any accessor, in their original order. A repeated
    /// key, known or not, is dropped: the first occurrence is the value, so a
    /// record written back reads back the same. A key was asked for exactly
    /// when a member with that key was read, so no list of asked keys is kept;
    /// the check costs something only for unread members.
    var extras: JSONObject {
        // Most records have no member the schema does not know.
        guard consumed.contains(false) else { return JSONObject() }
        let members = object.members
        // Keys seen once, so a record of many members costs O(members), not O(members²).
        var taken = Set<String>()
        for index in members.indices where consumed[index] { taken.insert(members[index].key) }
        var extras: [JSONObject.Member] = []
        for index in members.indices where !consumed[index] && taken.insert(members[index].key).inserted {
            extras.append(members[index])
        }
        return JSONObject(extras)
    }
}

/// Appends an optional value as JSON, writing `null` for nil so that every
/// record has the same keys in the same order.
extension JSONObject {
    mutating func put(_ key: String, _ value: String?) { append(key, value.map(JSONValue.string) ?? .null) }
    mutating func put(_ key: String, _ value: Int?) { append(key, value.map { JSONValue.int($0) } ?? .null) }
    mutating func put<Entity>(_ key: String, _ value: Identifier<Entity>?) { put(key, value?.rawValue) }
    mutating func put(_ key: String, _ value: Timestamp?) { append(key, value.map { .string($0.iso8601) } ?? .null) }
    mutating func put(_ key: String, _ value: JSONObject?) { append(key, value.map(JSONValue.object) ?? .null) }

    /// Appends preserved unknown members, skipping any that would collide with
    /// a key this record already wrote.
    mutating func appendExtras(_ extras: JSONObject) {
        for member in extras.members where !contains(member.key) { members.append(member) }
    }
}
