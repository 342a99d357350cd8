import SessionsKit

/// The cells `sessions list` and the browser's list both show for a session,
/// with their column titles, so the two say the same of it (the browser may
/// cut a cell to fit its pane). Names are sanitized here.
public enum SessionListText {
    public static let placeTitle = "PROJECT / COMPONENT"

    /// "billing-api / Accounts.Session". A side the session lacks is `—`,
    /// so a lone name still says whether it is a project or a component;
    /// a session with neither is one `—`.
    public static func place(_ summary: SessionSummary, registry: Registry) -> String {
        guard summary.projectID != nil || summary.componentID != nil else { return Labels.none }
        let project = summary.projectID.map { registry.project($0)?.name ?? "project \($0)" } ?? Labels.none
        let component = summary.componentID.map { registry.component($0)?.name ?? "component \($0)" } ?? Labels.none
        return Sanitizer.line(project) + " / " + Sanitizer.line(component)
    }

    public static let titleTitle = "TITLE"

    /// What the session is known by (`SessionTitle`), on one line; `—` when
    /// nothing names it. A subagent's reads `↳ ` first, so it shows as one
    /// under its parent and alone; a compaction agent's says only that, as
    /// its first prompt is the instruction to summarise.
    public static func title(_ summary: SessionSummary, registry: Registry) -> String {
        if SessionLinks.isCompaction(summary.session) { return subagentMark + "compaction" }
        let title = SessionTitle.of(summary.session, registry: registry).map(Sanitizer.line) ?? Labels.none
        return SessionLinks.isSubagent(summary.session) ? subagentMark + title : title
    }

    public static let subagentMark = "↳ "

    public static let branchTitle = "BRANCH"

    /// The branch a Claude Code session ran on (`state.git_branch`); `—`
    /// where none is known.
    public static func branch(_ summary: SessionSummary) -> String {
        guard let branch = summary.state?["git_branch"]?.stringValue, !branch.isEmpty else { return Labels.none }
        return Sanitizer.line(branch)
    }

    public static let tokensTitle = "TOKENS"

    /// "245k↑ 1.3k↓": the tokens a Claude Code session's model read (↑, sent
    /// up to it) and wrote (↓) (`state.tokens`). Input counts what came from
    /// the prompt cache too: the uncached part alone is a few hundred
    /// however long the conversation. `—` where none are known. The arrows
    /// say which is which without colour.
    public static func tokens(_ summary: SessionSummary) -> String {
        guard let tokens = summary.state?["tokens"]?.objectValue else { return Labels.none }
        let input = ["input", "cache_creation_input", "cache_read_input"].reduce(0) { $0 + max(0, tokens[$1]?.intValue ?? 0) }
        let output = max(0, tokens["output"]?.intValue ?? 0)
        guard input > 0 || output > 0 else { return Labels.none }
        return "\(count(input))↑ \(count(output))↓"
    }

    /// "812", "1.3k", "245k", "5.9M": three figures at most.
    public static func count(_ value: Int) -> String {
        func scaled(_ unit: Int, _ suffix: String) -> String {
            let tenths = (value * 10 + unit / 2) / unit
            return tenths < 100 && tenths % 10 != 0 ? "\(tenths / 10).\(tenths % 10)\(suffix)" : "\((value + unit / 2) / unit)\(suffix)"
        }
        if value < 1000 { return String(value) }
        if (value + 500) / 1000 < 1000 { return scaled(1000, "k") }
        return scaled(1_000_000, "M")
    }

    /// The time column shows the time the list is sorted by: creation for
    /// the created sort, the last update for the updated sort, else the
    /// last activity (`SessionSummary.activity`).
    public static func timeTitle(_ sort: SessionSort) -> String {
        switch sort {
        case .created: "CREATED"
        case .updated: "UPDATED"
        case .activity, .id, .type: "ACTIVE"
        }
    }

    public static func time(_ summary: SessionSummary, sort: SessionSort) -> Timestamp {
        switch sort {
        case .created: summary.insertedAt
        case .updated: summary.updatedAt
        case .activity, .id, .type: summary.activityAt
        }
    }

    /// `time(_:sort:)` from a key, for sizing the column without decoding.
    public static func time(_ key: SummaryKey, sort: SessionSort) -> Timestamp {
        switch sort {
        case .created: key.insertedAt
        case .updated: key.updatedAt
        case .activity, .id, .type: key.activityAt
        }
    }

    /// "3d ago" within a week, else the day.
    public static func timeText(_ summary: SessionSummary, sort: SessionSort, now: Timestamp) -> String {
        TimeText.age(time(summary, sort: sort), now: now)
    }
}
