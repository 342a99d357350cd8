import SessionsKit

/// Short names for model values, shared by every front end so the CLI and the
/// TUI call things the same. Results are raw; callers sanitize.
public enum Labels {
    /// The step name, else the last part of the module
    /// (`Elixir.CodeMySpec.….Steps.RunTests` → `RunTests`).
    public static func step(_ interaction: Interaction) -> String {
        if let step = interaction.stepName, !step.isEmpty { return step }
        return interaction.command.module.map { $0.split(separator: ".").last.map(String.init) ?? $0 } ?? unknownModule
    }

    /// What stands for a module the record does not name (CodeMySpec writes
    /// null for modules it has since renamed).
    public static let unknownModule = "(module unknown)"

}
