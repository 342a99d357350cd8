import Glibc

/// A time given on the command line as people write one: `2026-11-30`
/// (a day on the local clock), `7d`, `12h`, `30m`, `2w` ago, `today`,
/// `yesterday`, or a full ISO 8601 time. A day as an upper bound means its
/// end, so `--since 2026-11-30 --until 2026-11-30` is that whole day.
public enum DateBound {
    public static func parse(_ text: String, now: Timestamp, upper: Bool) -> Timestamp? {
        let word = text.trimmingSpaces().lowercased()
        if let full = Timestamp(iso8601: text.trimmingSpaces()) { return full }
        let second: Int64 = 1_000_000
        if let unit = word.last, let amount = Int64(word.dropLast()), amount >= 0, amount < 1_000_000 {
            let span: Int64? = switch unit {
            case "m": 60 * second
            case "h": 3_600 * second
            case "d": 86_400 * second
            case "w": 7 * 86_400 * second
            default: nil
            }
            if let span { return Timestamp(microseconds: now.microseconds - amount * span) }
        }
        let day: (Int32, Int32, Int32)?
        switch word {
        case "today": day = localDay(of: now, offset: 0)
        case "yesterday": day = localDay(of: now, offset: -1)
        default:
            let parts = word.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, let year = Int32(parts[0]), let month = Int32(parts[1]),
                  let dayOfMonth = Int32(parts[2]), (1...12).contains(month), (1...31).contains(dayOfMonth) else { return nil }
            day = (year, month, dayOfMonth)
        }
        guard let (year, month, dayOfMonth) = day, let start = localMidnight(year, month, dayOfMonth) else { return nil }
        guard upper else { return start }
        guard let next = localMidnight(year, month, dayOfMonth + 1) else { return nil }
        return Timestamp(microseconds: next.microseconds - 1)
    }

    private static func localDay(of time: Timestamp, offset: Int32) -> (Int32, Int32, Int32)? {
        var seconds = time_t(time.microseconds / 1_000_000)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return nil }
        return (parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday + offset)
    }

    /// The local midnight that starts a day; a day past the month's end rolls over, as `mktime` does.
    private static func localMidnight(_ year: Int32, _ month: Int32, _ day: Int32) -> Timestamp? {
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_isdst = -1
        let seconds = mktime(&parts)
        guard seconds != -1 else { return nil }
        return Timestamp(microseconds: Int64(seconds) * 1_000_000)
    }
}
