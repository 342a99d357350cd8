import SessionsDisplay
import SessionsKit

/// The `n` form: every field is a choice cycled with ←/→, so a session can be
/// started without typing and cannot be started invalid.
public struct NewSessionForm: Sendable, Equatable {
    public enum Field: Int, CaseIterable, Sendable { case type, agent, environment, component }

    public var field: Field = .type
    public var types: [SessionType]
    public var type = 0
    public var agent = 0
    public var environment = 0
    /// Components the active account may use; index 0 is none.
    public var components: [Component]
    public var component = 0

    public init(types: [SessionType], components: [Component]) {
        self.types = types
        self.components = components
    }

    public static let agents: [Agent?] = [nil] + Agent.allCases.map { $0 }
    public static let environments: [SessionEnvironment?] = [nil] + SessionEnvironment.allCases.map { $0 }

    public func value(of field: Field) -> String {
        switch field {
        case .type: return types.isEmpty ? Labels.none : types[type].name
        case .agent: return Self.agents[agent]?.rawValue ?? Labels.none
        case .environment: return Self.environments[environment]?.rawValue ?? Labels.none
        case .component: return component == 0 ? Labels.none : components[component - 1].name
        }
    }

    public static func label(_ field: Field) -> String {
        switch field {
        case .type: return "type"
        case .agent: return "agent"
        case .environment: return "environment"
        case .component: return "component"
        }
    }

    public mutating func cycle(by delta: Int) {
        func step(_ value: inout Int, count: Int) {
            guard count > 0 else { return }
            value = ((value + delta) % count + count) % count
        }
        switch field {
        case .type: step(&type, count: types.count)
        case .agent: step(&agent, count: Self.agents.count)
        case .environment: step(&environment, count: Self.environments.count)
        case .component: step(&component, count: components.count + 1)
        }
    }

    public mutating func moveField(by delta: Int) {
        let count = Field.allCases.count
        field = Field(rawValue: ((field.rawValue + delta) % count + count) % count) ?? .type
    }

    public var draft: SessionDraft? {
        guard !types.isEmpty else { return nil }
        return SessionDraft(type: types[type].name, agent: Self.agents[agent]?.rawValue,
                            environment: Self.environments[environment]?.rawValue,
                            componentID: component == 0 ? nil : components[component - 1].id)
    }

    /// nil while the form stays open; a reply once it closes.
    mutating func handle(_ intent: Intent) -> Reply? {
        switch intent {
        case .moveDown: moveField(by: 1)
        case .moveUp: moveField(by: -1)
        case .nextChoice: cycle(by: 1)
        case .previousChoice: cycle(by: -1)
        case .accept: return draft.map { .perform(.store(.createSession($0))) } ?? Reply.none
        case .cancel: return Reply.none
        default: break
        }
        return nil
    }

    func draw(into frame: inout Frame, in area: Rect) {
        var lines: [[Span]] = Field.allCases.map { field in
            let selected = field == self.field
            return [Span(selected ? "▸ " : "  ", .dialog), Span(CellWidth.fit(Self.label(field), to: 12), .label),
                    Span("‹ " + Sanitizer.line(value(of: field)) + " ›", selected ? .selection : .dialog)]
        }
        lines.append([])
        lines.append([Span("↑↓", .footerKey), Span(" field  ", .dialog), Span("←→", .footerKey), Span(" choose  ", .dialog),
                      Span("Enter", .footerKey), Span(" create  ", .dialog), Span("Esc", .footerKey), Span(" cancel", .dialog)])
        let box = DialogBox(title: "New session", contentWidth: DialogBox.width(of: lines), lineCount: lines.count,
                            fillWidth: false, in: area)
        box.draw(into: &frame, title: "New session", lines: lines)
    }
}
