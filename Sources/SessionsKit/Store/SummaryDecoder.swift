import Glibc

/// Decodes one summary line of the index straight from its bytes.
///
/// Opening a store decodes every summary, and the general path (a JSON tree,
/// then `SessionSummary.decode` reading it member by member) spends most of
/// its time building and freeing the tree. This decoder walks the top-level
/// object once and builds the summary directly; only `state` and unknown
/// members become JSON values. It accepts exactly what the general path
/// accepts with the same result, or gives up: for anything unusual (a
/// repeated key, a number with a fraction, a field that breaks a rule, a
/// syntax error) it returns nil and the caller takes the general path, which
/// also produces the error message. Tests hold it to that, on store lines and
/// on mutated ones, against the general path and against `JSONDecoder`.
enum SummaryDecoder {
    static func decode(_ buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>, types: inout TypeNames) -> SessionSummary? {
        var cursor = JSONParser.Cursor(buffer: buffer, options: JSONParser.Options(), start: range.lowerBound, end: range.upperBound)
        cursor.skipWhitespace()
        guard let summary = decode(&cursor, depth: 1, types: &types) else { return nil }
        cursor.skipWhitespace()
        return cursor.index == range.upperBound ? summary : nil
    }

    /// Decodes the object under the cursor, which the general parser would
    /// read at nesting `depth`, and moves past it; nil leaves the cursor
    /// anywhere inside it.
    static func decode(_ cursor: inout JSONParser.Cursor, depth: Int, types: inout TypeNames) -> SessionSummary? {
        var fields = Fields(depth: depth)
        guard (try? fields.read(&cursor, types: &types)) == true else { return nil }
        return fields.summary()
    }

    /// What a list needs of the object under the cursor, checked as `decode`
    /// checks it but without building `state` or unknown members (every
    /// Claude Code summary has one, `external_conversation_id`): nil for
    /// anything `decode` would not take. Where this succeeds, `decode` of the
    /// same bytes does too.
    static func skim(_ cursor: inout JSONParser.Cursor, depth: Int, types: inout TypeNames) -> SummaryKey? {
        var fields = Fields(depth: depth)
        fields.skimming = true
        guard (try? fields.read(&cursor, types: &types)) == true else { return nil }
        return fields.key()
    }

    /// `skim` of one whole line.
    static func skim(_ buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>, types: inout TypeNames) -> SummaryKey? {
        var cursor = JSONParser.Cursor(buffer: buffer, options: JSONParser.Options(), start: range.lowerBound, end: range.upperBound)
        cursor.skipWhitespace()
        guard let key = skim(&cursor, depth: 1, types: &types) else { return nil }
        cursor.skipWhitespace()
        return cursor.index == range.upperBound ? key : nil
    }

    /// The session types met so far. A store holds a handful of types over
    /// thousands of lines: each line finds its type here by its bytes instead
    /// of allocating and checking a new string.
    struct TypeNames {
        private var known: [(raw: [UInt8], type: SessionType)] = []

        init() {}

        /// The type these bytes name; nil unless they are valid, non-empty
        /// string contents the general parser would read as they are.
        mutating func type(_ bytes: UnsafeBufferPointer<UInt8>) -> SessionType? {
            for entry in known where entry.raw.withUnsafeBufferPointer({ SummaryDecoder.sameBytes($0, bytes) }) { return entry.type }
            guard !bytes.isEmpty, !bytes.contains(where: { $0 < 0x20 }), UTF8Validation.firstInvalidByte(bytes) == nil else {
                return nil
            }
            let type = SessionType(normalizing: String(decoding: bytes, as: UTF8.self))
            if known.count < 64 { known.append((Array(bytes), type)) }
            return type
        }
    }

    /// Byte equality without the generic, element-by-element comparison of
    /// collections, which showed as a tenth of the profile.
    /// `SessionLinks.linkedParentKey`, the one member of `state` a key reads.
    static let linkedParentName = Array(SessionLinks.linkedParentKey.utf8)

    static func sameBytes(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> Bool {
        first.count == second.count && (first.isEmpty || memcmp(first.baseAddress!, second.baseAddress!, first.count) == 0)
    }

    enum Key: Int, CaseIterable {
        case id, type, agent, environment, status, state, accountID, projectID, componentID
        case insertedAt, updatedAt, interactionCount, lastInteractionAt, lastMessageAt, lastResultStatus, damaged, interactions

        var name: StaticString {
            switch self {
            case .id: "id"
            case .type: "type"
            case .agent: "agent"
            case .environment: "environment"
            case .status: "status"
            case .state: "state"
            case .accountID: "account_id"
            case .projectID: "project_id"
            case .componentID: "component_id"
            case .insertedAt: "inserted_at"
            case .updatedAt: "updated_at"
            case .interactionCount: "interaction_count"
            case .lastInteractionAt: "last_interaction_at"
            case .lastMessageAt: "last_message_at"
            case .lastResultStatus: "last_result_status"
            case .damaged: "damaged"
            case .interactions: "interactions"
            }
        }

        /// The key these bytes name. `expected` is tried first: the store
        /// writes keys in one order, so the guess is almost always right.
        static func find(_ bytes: UnsafeBufferPointer<UInt8>, expected: Key?) -> Key? {
            if let expected, expected.matches(bytes) { return expected }
            return allCases.first { $0.matches(bytes) }
        }

        func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            let name = self.name
            return SummaryDecoder.sameBytes(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), bytes)
        }
    }

    struct Fields {
        /// The nesting depth of the object itself, as the general parser counts it.
        let depth: Int
        /// One bit per `Key` already read.
        var seen: UInt32 = 0
        var id: Int?
        var type: SessionType?
        var agent: Agent?
        var environment: SessionEnvironment?
        var status: SessionStatus = .active
        var state: JSONObject?
        var accountID: Int?
        var projectID: Int?
        var componentID: Int?
        var insertedAt: Timestamp?
        var updatedAt: Timestamp?
        var interactionCount: Int?
        var lastInteractionAt: Timestamp?
        var lastMessageAt: Timestamp?
        var lastResult: LastResult?
        /// `SessionLinks.linkedParent` of a skimmed `state`, which is not built.
        var skimmedParent: Int?
        var damaged: String?
        var extras: [JSONObject.Member] = []
        /// Checks `state` and unknown members without building them.
        var skimming = false
        /// The unknown members a skim checked, by name.
        var skimmedNames: [String] = []

        init(depth: Int) { self.depth = depth }

        func key() -> SummaryKey? {
            guard let id, let type, let accountID, let insertedAt, let updatedAt, interactionCount != nil else { return nil }
            return SummaryKey(id: Session.ID(id), accountID: Account.ID(accountID), projectID: projectID.map { Project.ID($0) },
                              componentID: componentID.map { Component.ID($0) }, status: status, type: type,
                              agent: agent, environment: environment, insertedAt: insertedAt, updatedAt: updatedAt,
                              activityAt: SessionSummary.activity(lastInteractionAt: lastInteractionAt, lastMessageAt: lastMessageAt,
                                                                  updatedAt: updatedAt),
                              parentID: skimmedParent.map { Session.ID($0) },
                              // As the summary has it: the conversation is never a summary's.
                              hasExtra: skimmedNames.contains { $0 != Session.conversationKey })
        }

        func summary() -> SessionSummary? {
            guard let id, let type, let accountID, let insertedAt, let updatedAt, let interactionCount else { return nil }
            let header = Session(id: Session.ID(id), type: type, agent: agent, environment: environment,
                                 status: status, state: state, accountID: Account.ID(accountID),
                                 projectID: projectID.map { Project.ID($0) }, componentID: componentID.map { Component.ID($0) },
                                 insertedAt: insertedAt, updatedAt: updatedAt,
                                 extra: JSONObject(extras))
            return SessionSummary(header: header, interactionCount: interactionCount, lastInteractionAt: lastInteractionAt,
                                  lastMessageAt: lastMessageAt,
                                  lastResult: lastResult, damaged: damaged)
        }

        /// Reads the object; false or a throw means "take the general path".
        mutating func read(_ cursor: inout JSONParser.Cursor, types: inout TypeNames) throws -> Bool {
            guard cursor.next == UInt8(ascii: "{") else { return false }
            cursor.index += 1
            cursor.skipWhitespace()
            if cursor.next == UInt8(ascii: "}") {
                cursor.index += 1
                return true
            }
            var expected: Key? = .id
            while true {
                cursor.skipWhitespace()
                guard cursor.next == UInt8(ascii: "\"") else { return false }
                let nameStart = cursor.index + 1
                var nameEnd = nameStart
                // Known names have no escapes; a name with one is unknown and parsed in full.
                while nameEnd < cursor.end, cursor.buffer[nameEnd] != UInt8(ascii: "\""), cursor.buffer[nameEnd] != UInt8(ascii: "\\") {
                    nameEnd += 1
                }
                let plainName = nameEnd < cursor.end && cursor.buffer[nameEnd] == UInt8(ascii: "\"")
                let key = plainName ? Key.find(UnsafeBufferPointer(rebasing: cursor.buffer[nameStart..<nameEnd]), expected: expected) : nil
                if let key { expected = Key(rawValue: key.rawValue + 1) }
                let unknownName: String? = key == nil ? try cursor.parseString() : nil
                // A known name spelled with escapes is still that name: the general path decides.
                if var name = unknownName, name.withUTF8({ Key.find($0, expected: nil) }) != nil { return false }
                if key != nil { cursor.index = nameEnd + 1 }
                cursor.skipWhitespace()
                guard cursor.next == UInt8(ascii: ":") else { return false }
                cursor.index += 1
                cursor.skipWhitespace()
                if let key {
                    let bit: UInt32 = 1 << UInt32(key.rawValue)
                    guard seen & bit == 0 else { return false }
                    seen |= bit
                    guard try readValue(key, &cursor, types: &types) else { return false }
                } else if let unknownName {
                    // A repeated unknown key keeps its first value, and a line of many
                    // unknown keys is no summary the store wrote: the general path decides.
                    if skimming {
                        if skimmedNames.count >= 32 || skimmedNames.contains(unknownName) { return false }
                        skimmedNames.append(unknownName)
                        guard cursor.skipValue(depth: depth) else { return false }
                    } else {
                        if extras.count >= 32 || extras.contains(where: { $0.key == unknownName }) { return false }
                        extras.append(JSONObject.Member(unknownName, try cursor.parseValue(depth: depth)))
                    }
                }
                cursor.skipWhitespace()
                switch cursor.next {
                case UInt8(ascii: ","): cursor.index += 1
                case UInt8(ascii: "}"): cursor.index += 1; return true
                default: return false
                }
            }
        }

        mutating func readValue(_ key: Key, _ cursor: inout JSONParser.Cursor, types: inout TypeNames) throws -> Bool {
            let isNull = cursor.next == UInt8(ascii: "n")
            if isNull { try cursor.expectLiteral("null") }
            switch key {
            case .id:
                id = isNull ? nil : try cursor.plainInteger(minimum: 1)
                return id != nil
            case .type:
                guard !isNull, let value = try cursor.plainType(&types) else { return false }
                type = value
            case .agent:
                return Self.read(&agent, null: isNull) { cursor.plainCase(Agent.self) }
            case .environment:
                return Self.read(&environment, null: isNull) { cursor.plainCase(SessionEnvironment.self) }
            case .status:
                if !isNull {
                    guard let value = cursor.plainCase(SessionStatus.self) else { return false }
                    status = value
                }
            case .state:
                if !isNull {
                    guard cursor.next == UInt8(ascii: "{") else { return false }
                    // The depth the general parser would be at, so its nesting limit holds alike.
                    if skimming { return cursor.skipState(depth: depth + 1, linkedParent: &skimmedParent) }
                    state = try cursor.parseObject(depth: depth + 1)
                }
            case .accountID:
                accountID = isNull ? nil : try cursor.plainInteger(minimum: 1)
                return accountID != nil
            case .projectID:
                return try Self.read(&projectID, null: isNull) { try cursor.plainInteger(minimum: 1) }
            case .componentID:
                return try Self.read(&componentID, null: isNull) { try cursor.plainInteger(minimum: 1) }
            case .insertedAt:
                insertedAt = isNull ? nil : cursor.plainTimestamp()
                return insertedAt != nil
            case .updatedAt:
                updatedAt = isNull ? nil : cursor.plainTimestamp()
                return updatedAt != nil
            case .interactionCount:
                interactionCount = isNull ? nil : try cursor.plainInteger(minimum: 0)
                return interactionCount != nil
            case .lastInteractionAt:
                return Self.read(&lastInteractionAt, null: isNull) { cursor.plainTimestamp() }
            case .lastMessageAt:
                return Self.read(&lastMessageAt, null: isNull) { cursor.plainTimestamp() }
            case .lastResultStatus:
                return Self.read(&lastResult, null: isNull) { cursor.plainCase(LastResult.self) }
            case .damaged:
                // Rare, and its text quotes parser messages: escapes are parsed in full.
                guard !isNull, cursor.next == UInt8(ascii: "\"") else { return isNull }
                damaged = try cursor.parseString()
            case .interactions:
                // A summary never carries interactions; the general path decides what that means.
                return false
            }
            return true
        }

        /// A field that may be null: nil for null, else what `value` reads,
        /// which must be something. Whether the field was well formed.
        @inline(__always)
        static func read<T>(_ field: inout T?, null isNull: Bool, _ value: () throws -> T?) rethrows -> Bool {
            if isNull { return true }
            field = try value()
            return field != nil
        }
    }
}

extension JSONParser.Cursor {
    /// `skipObject(depth:)` of a summary's `state`, noting its
    /// `SessionLinks.linkedParentKey` member, a key's one need of it. False
    /// (the general path decides) for anything the two could read apart: a
    /// member name with escapes, that member twice, or not in plain digits.
    mutating func skipState(depth: Int, linkedParent: inout Int?) -> Bool {
        if depth > options.maximumDepth { return false }
        index += 1  // {
        skipWhitespace()
        if next == UInt8(ascii: "}") {
            index += 1
            return true
        }
        var found = false
        while true {
            skipWhitespace()
            let nameStart = index + 1
            guard next == UInt8(ascii: "\""), skipString() else { return false }
            let name = UnsafeBufferPointer(rebasing: buffer[nameStart..<(index - 1)])
            guard name.isEmpty || memchr(name.baseAddress!, Int32(UInt8(ascii: "\\")), name.count) == nil else { return false }
            skipWhitespace()
            guard next == UInt8(ascii: ":") else { return false }
            index += 1
            skipWhitespace()
            if name.count == SummaryDecoder.linkedParentName.count,
               SummaryDecoder.linkedParentName.withUnsafeBufferPointer({ SummaryDecoder.sameBytes(name, $0) }) {
                guard !found, let value = try? plainInteger(minimum: 1) else { return false }
                found = true
                linkedParent = value
            } else {
                guard skipValue(depth: depth) else { return false }
            }
            skipWhitespace()
            switch next {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return true
            default: return false
            }
        }
    }

    /// The byte under the cursor, or 0 at the end.
    var next: UInt8 { index < end ? buffer[index] : 0 }

    /// A non-negative integer written as plain digits, at least `minimum`;
    /// nil for anything else (a sign, a fraction, an exponent, too many digits).
    mutating func plainInteger(minimum: Int) throws -> Int? {
        let start = index
        var value = 0
        while index < end, buffer[index] &- UInt8(ascii: "0") < 10, index - start < 18 {
            value = value * 10 + Int(buffer[index] &- UInt8(ascii: "0"))
            index += 1
        }
        let digits = index - start
        guard digits > 0, !(digits > 1 && buffer[start] == UInt8(ascii: "0")) else { return nil }
        switch next {
        case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "0")...UInt8(ascii: "9"): return nil
        default: return value >= minimum ? value : nil
        }
    }

    /// The contents of a string value without escapes, and moves past it; nil
    /// (and the cursor unmoved) for anything else.
    mutating func plainStringBytes() -> UnsafeBufferPointer<UInt8>? {
        guard next == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        var close = start
        while close < end, buffer[close] != UInt8(ascii: "\""), buffer[close] != UInt8(ascii: "\\") { close += 1 }
        guard close < end, buffer[close] == UInt8(ascii: "\"") else { return nil }
        index = close + 1
        return UnsafeBufferPointer(rebasing: buffer[start..<close])
    }

    /// A string naming one of `E`'s cases, matched on its bytes.
    mutating func plainCase<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> E? where E.RawValue == String {
        guard let bytes = plainStringBytes() else { return nil }
        return E.allCases.first { candidate in
            var name = candidate.rawValue
            return name.withUTF8 { SummaryDecoder.sameBytes($0, bytes) }
        }
    }

    /// A session type name, through the cache of names already met; a name
    /// with escapes is parsed in full.
    mutating func plainType(_ types: inout SummaryDecoder.TypeNames) throws -> SessionType? {
        guard next == UInt8(ascii: "\"") else { return nil }
        if let bytes = plainStringBytes() { return types.type(bytes) }
        let text = try parseString()
        return text.isEmpty ? nil : SessionType(normalizing: text)
    }

    /// A timestamp string without escapes; nil for anything else.
    mutating func plainTimestamp() -> Timestamp? {
        plainStringBytes().flatMap { Timestamp.parse($0) }
    }
}
