/// The lines two texts share and those that differ, in order: what an edit
/// of a file changed, read as a unified diff. Lines the texts begin and end
/// with alike are matched first; the rest by their longest common
/// subsequence while that table stays small, and past that as all removed,
/// then all added, which is still the whole truth, only less tidy.
public enum LineDiff {
    public enum Change: Sendable, Equatable {
        case same(String)
        case removed(String)
        case added(String)
    }

    /// Cells of the longest-common-subsequence table, at most: 4 bytes each.
    static let largestTable = 2_000_000

    public static func changes(from old: [String], to new: [String]) -> [Change] {
        var start = 0
        while start < old.count && start < new.count && old[start] == new[start] { start += 1 }
        var oldEnd = old.count, newEnd = new.count
        while oldEnd > start && newEnd > start && old[oldEnd - 1] == new[newEnd - 1] {
            oldEnd -= 1
            newEnd -= 1
        }
        var changes = old[..<start].map(Change.same)
        changes += middle(Array(old[start..<oldEnd]), Array(new[start..<newEnd]))
        changes += old[oldEnd...].map(Change.same)
        return changes
    }

    static func middle(_ old: [String], _ new: [String]) -> [Change] {
        let (m, n) = (old.count, new.count)
        guard m > 0, n > 0, m * n <= largestTable else { return old.map(Change.removed) + new.map(Change.added) }
        // lengths[i * (n + 1) + j]: the longest common subsequence of old[i...] and new[j...].
        var lengths = [Int32](repeating: 0, count: (m + 1) * (n + 1))
        for i in stride(from: m - 1, through: 0, by: -1) {
            for j in stride(from: n - 1, through: 0, by: -1) {
                lengths[i * (n + 1) + j] = old[i] == new[j]
                    ? lengths[(i + 1) * (n + 1) + j + 1] + 1
                    : max(lengths[(i + 1) * (n + 1) + j], lengths[i * (n + 1) + j + 1])
            }
        }
        var changes: [Change] = []
        var (i, j) = (0, 0)
        while i < m && j < n {
            if old[i] == new[j] {
                changes.append(.same(old[i]))
                i += 1
                j += 1
            } else if lengths[(i + 1) * (n + 1) + j] >= lengths[i * (n + 1) + j + 1] {
                changes.append(.removed(old[i]))
                i += 1
            } else {
                changes.append(.added(new[j]))
                j += 1
            }
        }
        changes += old[i...].map(Change.removed)
        changes += new[j...].map(Change.added)
        return changes
    }
}
