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
    /// nothing names it.
    public static func title(_ summary: SessionSummary, registry: Registry) -> String {
        SessionTitle.of(summary.session, registry: registry).map(Sanitizer.line) ?? Labels.none
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
