/// A session with only its newest interactions: what a timeline draws first,
/// so that a session of 100,000 interactions shows its end at once while
/// the rest is read.
public struct SessionPage: Sendable, Equatable {
    /// The session, its `interactions` only the newest ones.
    public var session: Session
    /// How many interactions come before those in `session`.
    public var earlier: Int

    public init(session: Session, earlier: Int) {
        self.session = session
        self.earlier = earlier
    }

    /// The newest `count` interactions of a session read whole.
    public init(whole: Session, newest count: Int) {
        var session = whole
        let earlier = max(0, whole.interactions.count - max(0, count))
        session.interactions.removeFirst(earlier)
        self.init(session: session, earlier: earlier)
    }

    /// Whether this is the whole session.
    public var isWhole: Bool { earlier == 0 }
}
