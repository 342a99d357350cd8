import SessionsKit

/// Short names for model values, shared by every front end so the CLI and the
/// TUI call things the same. Results are raw; callers sanitize.
public enum Labels {
    /// The step name, else the last part of the module
    /// (`Elixir.CodeMySpec.….Steps.RunTests` → `RunTests`).
    public static func step(_ interaction: Interaction) -> String {
        if let step = interaction.stepName, !step.isEmpty { return step }
        return interaction.command.module.split(separator: ".").last.map(String.init) ?? interaction.command.module
    }
}
