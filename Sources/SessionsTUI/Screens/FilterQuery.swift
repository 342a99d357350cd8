import SessionsDisplay
import SessionsKit

/// The `/` filter, parsed. Plain words must all appear in a session's text
/// (id, title, type, project, component, agent, environment, state);
/// `type:`, `agent:`, `env:`, `project:` and `title:` terms narrow on one
/// field. Matching ignores case.
public struct FilterQuery: Sendable, Equatable {
    public var words: [String] = []
    public var type: [String] = []
    public var agent: [String] = []
    public var environment: [String] = []
    public var project: [String] = []
    public var title: [String] = []
    /// Prefixes typed as fields that are none (`branch:`), in order. Their
    /// terms are matched as plain words, so `localhost:4000` still finds
    /// itself in a state; the footer says so, so a mistyped field never
    /// empties the list without a word.
    public var unknownFields: [String] = []

    static let fields: [(prefix: String, terms: WritableKeyPath<FilterQuery, [String]> & Sendable)] = [
        ("type:", \.type), ("agent:", \.agent), ("env:", \.environment), ("environment:", \.environment),
        ("project:", \.project), ("title:", \.title),
    ]

    /// The fields, as the footer and help name them.
    public static let fieldNames = "type: agent: env: project: title:"

    public init(_ text: String) {
        terms: for term in text.lowercased().split(separator: " ") {
            for field in Self.fields where term.hasPrefix(field.prefix) {
                // A bare `type:` is a term still being typed: it narrows nothing yet.
                let value = term.dropFirst(field.prefix.count)
                if !value.isEmpty { self[keyPath: field.terms].append(String(value)) }
                continue terms
            }
            if let prefix = Self.fieldLikePrefix(term), !unknownFields.contains(prefix) { unknownFields.append(prefix) }
            words.append(String(term))
        }
    }

    /// `branch:` of `branch:main`: letters (then letters, digits, `_` or
    /// `-`) before the first colon, the way a field is written.
    static func fieldLikePrefix(_ term: Substring) -> String? {
        guard let colon = term.firstIndex(of: ":"), let first = term.first, first.isLetter else { return nil }
        let name = term[..<colon]
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else { return nil }
        return String(name) + ":"
    }

    /// What to say of unknown fields, if any were typed, sanitized, in
    /// `room` cells: with the fields there are where that fits, else
    /// without them, else cut.
    public func unknownFieldsNote(fitting room: Int = .max) -> String? {
        guard !unknownFields.isEmpty, room > 0 else { return nil }
        let names = Sanitizer.line(unknownFields.joined(separator: " "))
        let verb = unknownFields.count == 1 ? "is not a filter field" : "are not filter fields"
        let full = "\(names) \(verb) (\(Self.fieldNames)); matched as text"
        return CellWidth.of(full) <= room ? full : CellWidth.truncate("\(names) \(verb); matched as text", to: room)
    }

    public var isEmpty: Bool {
        words.isEmpty && type.isEmpty && agent.isEmpty && environment.isEmpty && project.isEmpty && title.isEmpty
    }

    /// Whether the session with this key passes. `text` is its lower-cased
    /// search text (only read when there are plain words), `title` its
    /// lower-cased title (only read for `title:` terms): both need the
    /// summary decoded, which the fields before them spare most sessions.
    /// `registry` names projects.
    public func matches(_ summary: SummaryKey, text: () -> [UInt8], title: () -> [UInt8], registry: Registry) -> Bool {
        if !type.isEmpty {
            let name = summary.type.name.lowercased()
            guard type.allSatisfy({ name.contains($0) }) else { return false }
        }
        if !agent.isEmpty {
            let name = summary.agent?.rawValue.lowercased() ?? ""
            guard agent.allSatisfy({ name.contains($0) }) else { return false }
        }
        if !environment.isEmpty {
            let name = summary.environment?.rawValue.lowercased() ?? ""
            guard environment.allSatisfy({ name.contains($0) }) else { return false }
        }
        if !project.isEmpty {
            guard let id = summary.projectID else { return false }
            let name = (registry.project(id)?.name ?? "").lowercased()
            guard project.allSatisfy({ name.contains($0) || id.description == $0 }) else { return false }
        }
        if !self.title.isEmpty {
            let haystack = title()
            guard self.title.allSatisfy({ Self.contains(haystack, Array($0.utf8)) }) else { return false }
        }
        if !words.isEmpty {
            let haystack = text()
            guard words.allSatisfy({ Self.contains(haystack, Array($0.utf8)) }) else { return false }
        }
        return true
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                let last = h.count - n.count
                guard last >= 0 else { return false }
                var i = 0
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < n.count && h[i + j] == n[j] { j += 1 }
                        if j == n.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }

    /// What plain words search in: `#id`, title, type, project, component,
    /// agent, environment and the state map's compact JSON. The title is
    /// there for a CodeMySpec session's, which its state does not hold.
    public static func searchText(_ summary: SessionSummary, registry: Registry) -> String {
        var text = "#\(summary.id) \(titleText(summary, registry: registry)) \(summary.type.name)"
        if let id = summary.projectID, let project = registry.project(id) { text += " " + project.name }
        if let id = summary.componentID, let component = registry.component(id) { text += " " + component.name }
        if let agent = summary.agent { text += " " + agent.rawValue }
        if let environment = summary.environment { text += " " + environment.rawValue }
        if let state = summary.state { text += " " + JSONWriter.string(.object(state), style: .compact) }
        return text.lowercased()
    }

    /// What `title:` terms search in: the title (`SessionTitle`), lower-cased.
    public static func titleText(_ summary: SessionSummary, registry: Registry) -> String {
        (SessionTitle.of(summary.session, registry: registry) ?? "").lowercased()
    }
}
