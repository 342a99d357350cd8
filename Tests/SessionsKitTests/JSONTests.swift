import Foundation
import Testing
@testable import SessionsKit

@Suite("JSON parser and writer")
struct JSONTests {
    @Test("parses every kind of value, keeping member order and number spelling")
    func parsesValues() throws {
        let value = try JSONParser.parse(#"{"z": 1.50, "a": [true, false, null, -0, 2e-3], "m": {"k": "v"}, "z": 2}"#)
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.members.map(\.key) == ["z", "a", "m", "z"])
        #expect(object["z"] == .number("1.50"))
        #expect(object["a"] == .array([.bool(true), .bool(false), .null, .number("-0"), .number("2e-3")]))
        #expect(object["m"]?.objectValue?["k"] == .string("v"))
    }

    @Test("decodes escapes and surrogate pairs; lone surrogates become U+FFFD")
    func decodesEscapes() throws {
        // Long plain runs between escapes are copied whole.
        let long = String(repeating: "ok é ", count: 400)
        #expect(try JSONParser.parse("\"\(long)\\n\(long)\\t\\\"end\"") == .string(long + "\n" + long + "\t\"end"))
        #expect(try JSONParser.parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
        #expect(try JSONParser.parse(#""\u00e9\ud83d\ude00\u4e2d""#) == .string("é😀中"))
        #expect(try JSONParser.parse(#""x\ud800y""#) == .string("x\u{FFFD}y"))
        #expect(try JSONParser.parse(#""\udc00""#) == .string("\u{FFFD}"))
    }

    @Test("reports line and column of a syntax error", arguments: [
        ("{\n  \"a\": 1,\n  \"b\" 2\n}", 3, 7, "expected ':'"),
        ("[1, 2,, 3]", 1, 7, "expected a value"),
        ("{\"a\": tru}", 1, 7, "invalid literal"),
        ("\"abc", 1, 1, "unterminated string"),
        ("{\"a\": 1} x", 1, 10, "after the JSON value"),
        ("[01]", 1, 2, "leading zero"),
        ("", 1, 1, "unexpected end of input"),
        ("{\"a\": [1, 2", 1, 12, "unexpected end of input"),
        ("\"tab\there\"", 1, 5, "control character"),
        ("\"a\\nb\tc\"", 1, 6, "control character"),
        ("\"bad \\x\"", 1, 6, "invalid escape"),
        ("1.", 1, 3, "digit after '.'"),
    ])
    func errorPositions(input: String, line: Int, column: Int, message: String) {
        do {
            _ = try JSONParser.parse(input)
            Issue.record("accepted invalid JSON: \(input)")
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("rejects invalid UTF-8 and names its position")
    func rejectsInvalidUTF8() throws {
        let bytes: [UInt8] = Array("{\"a\": \"ok".utf8) + [0xFF, 0xFE] + Array("\"}".utf8)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
        do {
            _ = try JSONParser.parse(bytes)
        } catch {
            #expect(error.column == 10)
            #expect(error.message.contains("UTF-8"))
        }
        var lenient = JSONParser.Options()
        lenient.repairInvalidUTF8 = true
        #expect(try JSONParser.parse(bytes, options: lenient).objectValue?["a"] == .string("ok\u{FFFD}\u{FFFD}"))
    }

    @Test("overlong encodings and encoded surrogates are invalid UTF-8")
    func strictUTF8() throws {
        for bad: [UInt8] in [[0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82]] {
            #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22] + bad + [0x22]) }
        }
        #expect(try JSONParser.parse([0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22]) == .string("😀"))
    }

    @Test("refuses nesting deeper than the limit instead of overflowing the stack")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(try JSONParser.parse(fine) != .null)
    }

    @Test("writes deterministic, pretty JSON that parses back to the same value")
    func roundTrip() throws {
        let text = #"{"id": 1, "s": "line\nnext \"q\" \\ é 😀", "n": [1.0, -2e10, 0], "o": {}, "a": [], "t": null}"#
        let value = try JSONParser.parse(text)
        let written = JSONWriter.string(value)
        #expect(try JSONParser.parse(written) == value)
        #expect(JSONWriter.string(try JSONParser.parse(written)) == written)
        #expect(written == """
            {
              "id": 1,
              "s": "line\\nnext \\"q\\" \\\\ é 😀",
              "n": [
                1.0,
                -2e10,
                0
              ],
              "o": {},
              "a": [],
              "t": null
            }
            """)
        #expect(JSONWriter.string(value, style: .compact) == #"{"id":1,"s":"line\nnext \"q\" \\ é 😀","n":[1.0,-2e10,0],"o":{},"a":[],"t":null}"#)
    }

    @Test("escapes everything a terminal could act on, and nothing else")
    func terminalSafeEscaping() throws {
        let hostile = "\u{1B}]2;PWNED\u{7}\u{1B}[2J\u{7F}\u{9B}31m\u{202E}evil\u{2028}\u{FEFF}"
        let written = JSONWriter.string(.string(hostile))
        #expect(written == #""\u001b]2;PWNED\u0007\u001b[2J\u007f\u009b31m\u202eevil\u2028\ufeff""#)
        #expect(written.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F })
        #expect(try JSONParser.parse(written) == .string(hostile))
        #expect(JSONWriter.string(.string("中文 ✓ ü")) == "\"中文 ✓ ü\"")
    }

    @Test("agrees with Foundation's JSONSerialization on generated documents")
    func differentialAgainstFoundation() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<300 {
            let value = randomValue(depth: 0, rng: &rng)
            let bytes = JSONWriter.bytes(.array([value]), style: rng.chance(0.5) ? .pretty : .compact)
            let ours = try JSONParser.parse(bytes)
            let theirs = try JSONSerialization.jsonObject(with: Data(bytes))
            #expect(equivalent(ours, theirs), "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test("accepts exactly what Foundation accepts on mutated documents")
    func mutationsAgreeWithFoundation() throws {
        var rng = SplitMix64(seed: 7)
        var disagreements: [String] = []
        for _ in 0..<2_000 {
            var bytes = JSONWriter.bytes(.array([randomValue(depth: 0, rng: &rng)]), style: .compact)
            let position = rng.int(in: 0...(bytes.count - 1))
            switch rng.int(in: 0...2) {
            case 0: bytes.remove(at: position)
            case 1: bytes.insert(rng.pick(Array("{}[],:\"\\0-e.tn ".utf8)), at: position)
            default: bytes[position] = rng.pick(Array("{}[],:\"\\0-e.tn ".utf8))
            }
            let ours = (try? JSONParser.parse(bytes)) != nil
            let theirs = (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
            if ours != theirs { disagreements.append(String(decoding: bytes, as: UTF8.self)) }
        }
        // Foundation on Linux accepts trailing commas, which RFC 8259 does not;
        // anything else would be a bug of ours.
        let unexplained = disagreements.filter { !$0.contains(",]") && !$0.contains(",}") }
        #expect(unexplained.isEmpty, "\(unexplained.prefix(5))")
    }

    func randomValue(depth: Int, rng: inout SplitMix64) -> JSONValue {
        switch rng.int(in: depth > 3 ? 0...4 : 0...6) {
        case 0: return .null
        case 1: return .bool(rng.chance(0.5))
        case 2: return .number(rng.pick(["0", "-1", "42", "3.25", "1e3", "-0.5E-2", "123456789012"]))
        case 3, 4:
            let pieces = ["a", "é", "中", "😀", "\n", "\"", "\\", "\u{1}", "\u{9B}", " ", "\u{202E}", "/"]
            return .string((0..<rng.int(in: 0...6)).map { _ in rng.pick(pieces) }.joined())
        case 5: return .array((0..<rng.int(in: 0...4)).map { _ in randomValue(depth: depth + 1, rng: &rng) })
        default:
            var object = JSONObject()
            for index in 0..<rng.int(in: 0...4) { object.append("k\(index)", randomValue(depth: depth + 1, rng: &rng)) }
            return .object(object)
        }
    }

    func equivalent(_ ours: JSONValue, _ theirs: Any) -> Bool {
        switch ours {
        case .null: return theirs is NSNull
        case .bool(let flag): return (theirs as? Bool) == flag
        case .number(let literal):
            guard let number = theirs as? NSNumber else { return false }
            return abs(number.doubleValue - Double(literal)!) <= abs(Double(literal)!) * 1e-12
        case .string(let text): return (theirs as? String) == text
        case .array(let elements):
            guard let list = theirs as? [Any], list.count == elements.count else { return false }
            return zip(elements, list).allSatisfy { equivalent($0, $1) }
        case .object(let object):
            guard let dictionary = theirs as? [String: Any], dictionary.count == object.count else { return false }
            return object.members.allSatisfy { member in dictionary[member.key].map { equivalent(member.value, $0) } ?? false }
        }
    }
}
