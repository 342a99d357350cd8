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

    /// The members a session holds beyond the schema's, as both detail views
    /// list them (sanitized): by their own names and values, but for the
    /// store's mark of a status a person set, which reads as what it means.
    public static func extraFields(_ session: Session) -> [(label: String, value: String)] {
        // The conversation has rows of its own in every timeline.
        session.extra.members.filter { $0.key != Session.conversationKey }.map { member in
            if member.key == Session.statusSetKey, let time = session.statusSetAt {
                return ("status set", TimeText.dateTime(time) + ", by hand: imports and hooks keep it")
            }
            return (Sanitizer.line(member.key), Sanitizer.line(JSONWriter.string(member.value, style: .compact)))
        }
    }

    /// The word a list row shows for a session's status, `damaged` for one
    /// whose file cannot be read.
    public static func status(_ summary: SessionSummary) -> String {
        summary.damaged == nil ? summary.status.rawValue : "damaged"
    }

    /// What stands for a module the record does not name (CodeMySpec writes
    /// null for modules it has since renamed).
    public static let unknownModule = "(module unknown)"

    /// What stands for a value a record does not have: an agent, an exit
    /// code, a project. One dash, the same in tables, the pane and the pager.
    public static let none = "—"

    /// The session a call's subagent ran in, when an importer linked one
    /// (`result.data.subagent_session_id`), shown as `→ #N` before the command
    /// so a parent's timeline says where each subagent ran.
    public static func subagentMarker(_ interaction: Interaction) -> String? {
        guard let id = interaction.subagentSessionID else { return nil }
        return "→ #\(id) "
    }
}
