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
        case .type: return types.isEmpty ? "—" : types[type].name
        case .agent: return Self.agents[agent]?.rawValue ?? "—"
        case .environment: return Self.environments[environment]?.rawValue ?? "—"
        case .component: return component == 0 ? "—" : components[component - 1].name
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
}
