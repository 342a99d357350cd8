import Glibc

/// A UTC instant with microsecond resolution that remembers how many fraction
/// digits it was written with. CodeMySpec writes session times in whole seconds
/// and command times in microseconds; keeping the precision means an imported
/// record is written back exactly as it came in.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microseconds: Int64
    /// Fraction digits to print: 0 (whole seconds) through 6 (microseconds).
    public var fractionDigits: Int

    public init(microseconds: Int64, fractionDigits: Int = 6) {
        self.microseconds = microseconds
        self.fractionDigits = max(0, min(6, fractionDigits))
    }

    public init(seconds: Int64) {
        self.init(microseconds: seconds * 1_000_000, fractionDigits: 0)
    }

    /// The current time at microsecond precision.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
    }

    public var seconds: Int64 { microseconds.floorDivided(by: 1_000_000) }

    /// The first and last instants the store can write: its ISO 8601 form
    /// has four digits of year, in UTC. A time outside them is refused
    /// rather than moved to a year it is not.
    public static let earliest = Timestamp(microseconds: -62_167_219_200_000_000)  // 0000-01-01T00:00:00Z
    public static let latest = Timestamp(microseconds: 253_402_300_799_999_999)  // 9999-12-31T23:59:59.999999Z

    /// Whether the store can write this instant as it is.
    public var isWritable: Bool { self >= .earliest && self <= .latest }

    /// Equality, ordering and hashing are of the instant; the written precision
    /// is presentation only.
    public static func == (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds == rhs.microseconds }
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }
    public func hash(into hasher: inout Hasher) { hasher.combine(microseconds) }

    public func adding(microseconds delta: Int64) -> Timestamp {
        Timestamp(microseconds: microseconds + delta, fractionDigits: fractionDigits)
    }

    public var description: String { iso8601 }

    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`, built byte by byte: lists format tens of
    /// thousands of these. A year outside 0000–9999 (which nothing writes to
    /// the store: see `isWritable`) is shown as it is, signed and as long as
    /// it needs, and no reader takes it back.
    public var iso8601: String {
        let parts = CivilTime(microseconds: microseconds)
        guard (0...9999).contains(parts.year) else {
            var text = (parts.year < 0 ? "-" : "+") + pad(Int(parts.year.magnitude), 4)
            text += "-\(pad(parts.month, 2))-\(pad(parts.day, 2))T\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2))"
            if fractionDigits > 0 {
                var fraction = parts.microsecond
                for _ in 0..<(6 - fractionDigits) { fraction /= 10 }
                text += "." + pad(fraction, fractionDigits)
            }
            return text + "Z"
        }
        return String(unsafeUninitializedCapacity: 27) { buffer in
            var index = 0
            func digits(_ value: Int, _ width: Int) {
                var value = value
                var position = index + width - 1
                while position >= index {
                    buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                    position -= 1
                }
                index += width
            }
            func literal(_ byte: UInt8) {
                buffer[index] = byte
                index += 1
            }
            digits(parts.year, 4); literal(0x2D); digits(parts.month, 2); literal(0x2D); digits(parts.day, 2)
            literal(UInt8(ascii: "T"))
            digits(parts.hour, 2); literal(0x3A); digits(parts.minute, 2); literal(0x3A); digits(parts.second, 2)
            if fractionDigits > 0 {
                var fraction = parts.microsecond
                for _ in 0..<(6 - fractionDigits) { fraction /= 10 }
                literal(0x2E)
                digits(fraction, fractionDigits)
            }
            literal(UInt8(ascii: "Z"))
            return index
        }
    }

    /// Accepts ISO 8601 / RFC 3339 date-times: `Z`, a numeric offset, or no zone
    /// at all (read as UTC, as Elixir's naive datetimes are), with 0 to 9 fraction
    /// digits. Digits beyond microseconds are truncated. A time that falls
    /// outside the years 0000–9999 once in UTC is refused (see `isWritable`).
    public init?(iso8601 text: String) {
        var text = text
        guard let value = text.withUTF8({ Timestamp.parse($0) }) else { return nil }
        self = value
    }

    /// Why `text` is not a time the store takes, worded for `field: …`, or
    /// nil when it is one.
    public static func problem(_ text: String) -> String? {
        var text = text
        guard let value = text.withUTF8({ Timestamp.parseAnyYear($0) }) else { return "is not an ISO 8601 UTC timestamp" }
        guard value.isWritable else { return "is \(value.iso8601) in UTC, outside the years 0000 to 9999 the store can hold" }
        return nil
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard let value = parseAnyYear(b), value.isWritable else { return nil }
        return value
    }

    /// The instant, even where its offset carries it past year 9999 or
    /// before year 0000.
    static func parseAnyYear(_ b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard b.count >= 19 else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for i in start..<(start + count) {
                let d = b[i] &- 0x30
                guard d < 10 else { return nil }
                value = value * 10 + Int(d)
            }
            return value
        }
        guard let year = digits(0, 4), b[4] == 0x2D, let month = digits(5, 2), b[7] == 0x2D,
            let day = digits(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 0x20,
            let hour = digits(11, 2), b[13] == 0x3A, let minute = digits(14, 2), b[16] == 0x3A,
            let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), (1...CivilTime.daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var micro = 0
        var fractionDigits = 0
        if index < b.count && b[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 100_000
            let start = index
            while index < b.count, b[index] &- 0x30 < 10 {
                if scale > 0 {
                    micro += Int(b[index] &- 0x30) * scale
                    scale /= 10
                }
                index += 1
            }
            fractionDigits = min(6, index - start)
            guard fractionDigits > 0 else { return nil }
        }
        var offsetSeconds = 0
        if index < b.count {
            switch b[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = b[index] == UInt8(ascii: "-") ? -1 : 1
                guard b.count - index >= 6, let oh = digits(index + 1, 2), b[index + 3] == 0x3A,
                    let om = digits(index + 4, 2), oh < 24, om < 60
                else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
                index += 6
            default:
                return nil
            }
        }
        guard index == b.count else { return nil }
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        let total = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetSeconds)
        return Timestamp(microseconds: total * 1_000_000 + Int64(micro), fractionDigits: fractionDigits)
    }
}

/// Broken-down UTC (or shifted local) time, via Howard Hinnant's civil-date algorithms.
public struct CivilTime: Sendable, Equatable {
    public var year, month, day, hour, minute, second, microsecond: Int

    public init(microseconds: Int64) {
        let secondsTotal = microseconds.floorDivided(by: 1_000_000)
        microsecond = Int(microseconds - secondsTotal * 1_000_000)
        let days = secondsTotal.floorDivided(by: 86_400)
        let secondOfDay = Int(secondsTotal - days * 86_400)
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60
        (year, month, day) = CivilTime.civilFromDays(Int(days))
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z: Int) -> (Int, Int, Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

@inline(__always)
func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
