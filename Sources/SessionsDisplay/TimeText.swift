import Glibc
import SessionsKit

/// Times and durations the way people scan them.
public enum TimeText {
    /// "just now", "42s ago", "3m ago", "5h ago", "2d ago", "3mo ago", "1y ago";
    /// a time ahead of `now` (a clock set wrong, an imported record) is
    /// "in 42s", "in 3d", "in 7978y", never "just now".
    public static func relative(_ time: Timestamp, now: Timestamp) -> String {
        let seconds = (now.microseconds - time.microseconds) / 1_000_000
        if seconds > -5 && seconds < 5 { return "just now" }
        return seconds < 0 ? "in " + span(-seconds) : span(seconds) + " ago"
    }

    /// "42s", "3m", "5h", "2d", "3mo", "1y".
    static func span(_ seconds: Int64) -> String {
        if seconds < 60 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 60 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 24 { return "\(hours)h" }
        let days = hours / 24
        if days < 30 { return "\(days)d" }
        if days < 365 { return "\(days / 30)mo" }
        return "\(days / 365)y"
    }

    /// When a session was touched, as the lists show it: how long ago within
    /// the last week ("3d ago"), where that is what one scans for; past that
    /// the day ("Feb 12"), since "9mo ago" cannot tell last month's Tuesday
    /// from its Wednesday. A time ahead of `now` reads the same way forward:
    /// "in 3d" within a week, else its date.
    public static func age(_ time: Timestamp, now: Timestamp) -> String {
        let seconds = (now.microseconds - time.microseconds) / 1_000_000
        return seconds.magnitude < week ? relative(time, now: now) : day(time, now: now)
    }

    static let week: UInt64 = 7 * 86_400

    /// The local day: "Feb 12" within the last year, else "2025-02-12": a
    /// month and day alone would name a day of more than one year. A day
    /// ahead of `now` always has its year.
    public static func day(_ time: Timestamp, now: Timestamp) -> String {
        let t = local(time)
        let seconds = (now.microseconds - time.microseconds) / 1_000_000
        guard seconds >= 0 && seconds < 365 * 86_400 else { return date(t) }
        return "\(monthNames[t.month - 1]) \(t.day)"
    }

    /// "2025-02-12", "0000-12-31": four digits of year always.
    static func date(_ t: CivilTime) -> String { "\(year(t.year))-\(pad2(t.month))-\(pad2(t.day))" }

    /// Four digits, signed before year 0 (which the local clock can reach
    /// from 0000-01-01 in UTC).
    static func year(_ value: Int) -> String {
        let digits = String(value.magnitude)
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "850ms", "4.2s", "1m05s", "2h03m".
    public static func duration(milliseconds ms: Int) -> String {
        if ms < 1000 { return "\(ms)ms" }
        if ms < 60_000 {
            let tenths = ms / 100
            return "\(tenths / 10).\(tenths % 10)s"
        }
        let seconds = ms / 1000
        if seconds < 3600 { return "\(seconds / 60)m\(pad2(seconds % 60))s" }
        return "\(seconds / 3600)h\(pad2(seconds % 3600 / 60))m"
    }

    static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// The wall-clock time in the local zone (`TZ`), broken down.
    public static func local(_ time: Timestamp) -> CivilTime {
        var seconds = time_t(time.seconds)
        var parts = tm()
        localtime_r(&seconds, &parts)
        let offset = Int64(parts.tm_gmtoff)
        return CivilTime(microseconds: time.microseconds + offset * 1_000_000)
    }

    /// "2026-11-25 14:02:11" in local time.
    public static func dateTime(_ time: Timestamp) -> String {
        let t = local(time)
        return date(t) + " " + clock(t)
    }

    /// "14:02:11" in local time.
    public static func clock(_ time: Timestamp) -> String { clock(local(time)) }

    static func clock(_ t: CivilTime) -> String { "\(pad2(t.hour)):\(pad2(t.minute)):\(pad2(t.second))" }
}

extension CivilTime {
    /// The day alone, to compare days by.
    var dayKey: Int { (year * 100 + month) * 100 + day }
}
