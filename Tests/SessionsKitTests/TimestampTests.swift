import Testing
@testable import SessionsKit

@Suite("ISO 8601 timestamps")
struct TimestampTests {
    @Test("accepts whole-second, millisecond and microsecond UTC times and writes them back unchanged", arguments: [
        "2025-09-14T08:03:11Z", "2025-09-14T08:03:11.123Z", "2025-09-14T08:03:11.123456Z", "1970-01-01T00:00:00Z",
        "2024-02-29T23:59:59.999999Z", "2099-12-31T00:00:00.5Z",
    ])
    func roundTrip(text: String) throws {
        let stamp = try #require(Timestamp(iso8601: text))
        #expect(stamp.iso8601 == text)
    }

    @Test("reads whole seconds and microseconds as the same instant when equal")
    func precisionIsPresentation() throws {
        let seconds = try #require(Timestamp(iso8601: "2025-09-14T08:03:11Z"))
        let micros = try #require(Timestamp(iso8601: "2025-09-14T08:03:11.000000Z"))
        #expect(seconds == micros)
        #expect(seconds.fractionDigits == 0 && micros.fractionDigits == 6)
        #expect(seconds.microseconds == 1_757_836_991_000_000)
    }

    @Test("converts offsets and naive times to UTC; truncates digits past microseconds")
    func offsets() throws {
        #expect(Timestamp(iso8601: "2025-09-14T10:03:11+02:00")?.iso8601 == "2025-09-14T08:03:11Z")
        #expect(Timestamp(iso8601: "2025-09-14T03:03:11-05:00")?.iso8601 == "2025-09-14T08:03:11Z")
        #expect(Timestamp(iso8601: "2025-09-14T08:03:11")?.iso8601 == "2025-09-14T08:03:11Z")
        #expect(Timestamp(iso8601: "2025-09-14T08:03:11.123456789Z")?.iso8601 == "2025-09-14T08:03:11.123456Z")
    }

    @Test("rejects what is not a valid date-time", arguments: [
        "", "2025-09-14", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "2025-09-14T24:00:00Z",
        "2025-09-14T08:03:11.Z", "2025-09-14T08:03:11ZZ", "yesterday", "2025-09-14T08:03:11+2",
    ])
    func rejects(text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test("orders by instant and formats negative epochs correctly")
    func ordering() throws {
        let early = try #require(Timestamp(iso8601: "1969-12-31T23:59:59.5Z"))
        #expect(early.microseconds == -500_000)
        #expect(early < Timestamp(microseconds: 0))
    }
}
