/// What people know a session by, for lists, details, search and scripts:
/// one place, so every front end names a session the same way. Raw text:
/// callers sanitize it for display.
public enum SessionTitle {
    /// A Claude Code conversation: the title it gave itself (custom or
    /// generated), else the summary that names it, else its first prompt,
    /// else its first slash command. A CodeMySpec session: its type's name
    /// and its component, else its project ("Component Coding · Blog.PostCache").
    public static func of(_ session: Session, registry: Registry) -> String? {
        if session.type == .claudeCode {
            for key in claudeCodeKeys {
                if let title = session.state?[key]?.stringValue, !title.isEmpty { return title }
            }
            return nil
        }
        return of(type: session.type, componentID: session.componentID, projectID: session.projectID, registry: registry)
    }

    /// The title of a session that is not a Claude Code conversation, from
    /// the fields a summary's keys hold: nothing of the session need be read.
    public static func of(type: SessionType, componentID: Component.ID?, projectID: Project.ID?, registry: Registry) -> String {
        let place = componentID.flatMap { registry.component($0)?.name } ?? projectID.flatMap { registry.project($0)?.name }
        return place.map { type.displayName + " · " + $0 } ?? type.displayName
    }

    /// Titles made once for each type and place: a search names thousands
    /// of sessions that share a few dozen titles. Each is kept with what a
    /// front end made of it (`Made`: the title itself, or its shown form),
    /// so that is made once too. Kept by the ids of the place, then the
    /// type: ids hash at once, where a type's name would be hashed whole for
    /// every session.
    /// (Inlinable, so each front end's `Made` is specialized: unspecialized,
    /// the lookups cost more than the titles they save.)
    public struct Cache<Made> {
        @usableFromInline struct Place: Hashable {
            @usableFromInline var componentID: Component.ID?
            @usableFromInline var projectID: Project.ID?

            @inlinable init(componentID: Component.ID?, projectID: Project.ID?) {
                self.componentID = componentID
                self.projectID = projectID
            }
        }

        @usableFromInline var made: [Place: [(type: SessionType, made: Made)]] = [:]

        public init() {}

        /// What `make` gives for the title of a session that is not a Claude
        /// Code conversation, from its keys.
        @inlinable public mutating func title(of key: SummaryKey, registry: Registry, _ make: (String) -> Made) -> Made {
            let place = Place(componentID: key.componentID, projectID: key.projectID)
            if let known = made[place]?.first(where: { $0.type == key.type }) { return known.made }
            let title = make(SessionTitle.of(type: key.type, componentID: key.componentID, projectID: key.projectID, registry: registry))
            made[place, default: []].append((key.type, title))
            return title
        }
    }

    /// Where a Claude Code session's title comes from, best first.
    static let claudeCodeKeys = ["title", "summary_title", "first_prompt", "first_command"]
}
