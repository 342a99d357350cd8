import Testing
@testable import SessionsDisplay
import SessionsKit

/// How a hit is shown: where it is, and its line cut around the match to a
/// width, sanitized, with the matches marked where they are after sanitizing.
@Suite("Search text")
struct SearchTextTests {
    static func query(_ line: String) -> SearchQuery { try! SearchQuery(typed: line) }

    /// The marked parts of a snippet, as text.
    static func marked(_ snippet: SearchText.Snippet) -> [String] {
        let characters = Array(snippet.text)
        return snippet.matches.map { String(characters[$0]) }
    }

    /// What every snippet must be: within its width, its marks inside its
    /// text, ascending and apart.
    static func check(_ snippet: SearchText.Snippet, width: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(CellWidth.of(snippet.text) <= width, "\(snippet.text) is wider than \(width)", sourceLocation: sourceLocation)
        let count = snippet.text.count
        for range in snippet.matches {
            #expect(range.lowerBound >= 0 && range.upperBound <= count, "\(range) outside \(count)", sourceLocation: sourceLocation)
        }
        for (first, second) in zip(snippet.matches, snippet.matches.dropFirst()) {
            #expect(first.upperBound <= second.lowerBound, "\(snippet.matches)", sourceLocation: sourceLocation)
        }
    }

    @Test("ASCII is cut by arithmetic exactly as any text is cut character by character")
    func asciiCutAsCharacters() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab zZ.-:/x")
        for query in ["zebra", "z", "a b", "\"ab z\"", "Zz", "x.-"].map(Self.query) {
            for _ in 0..<150 {
                let length = Int.random(in: 0...70, using: &generator)
                var line = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
                if Bool.random(using: &generator) {
                    line.insert(contentsOf: "zebra", at: line.index(line.startIndex, offsetBy: Int.random(in: 0...length, using: &generator)))
                }
                for width in [0, 1, 2, 3, 5, 8, 13, 21, 40, 80] {
                    let arithmetic = SearchText.asciiSnippet(line, query: query, width: width)
                    #expect(arithmetic == SearchText.snippet(clean: line, query: query, width: width), "\(line) at \(width)")
                    Self.check(arithmetic, width: width)
                }
            }
        }
    }

    @Test("a line that fits is whole, its matches marked; its indentation is dropped")
    func fits() {
        let snippet = SearchText.snippet("a zebra and a Zebra", query: Self.query("zebra"), width: 40)
        #expect(snippet.text == "a zebra and a Zebra")
        #expect(snippet.matches == [2..<7, 14..<19])
        #expect(SearchText.snippet("    \tzebra", query: Self.query("zebra"), width: 40).text == "␉zebra",
                "spaces go; a tab is shown as what it is")
        #expect(SearchText.snippet("     zebra", query: Self.query("zebra"), width: 40) == .init(text: "zebra", matches: [0..<5]))
        #expect(SearchText.snippet("zebra", query: Self.query("zebra"), width: 0) == .init(text: "", matches: []))
    }

    @Test("a long line is cut around its first match, a quarter of the width before it, with … at the cut ends")
    func cut() {
        let line = String(repeating: "a", count: 100) + " zebra " + String(repeating: "b", count: 100)
        let middle = SearchText.snippet(line, query: Self.query("zebra"), width: 40)
        Self.check(middle, width: 40)
        #expect(middle.text.hasPrefix("…") && middle.text.hasSuffix("…"))
        #expect(CellWidth.of(middle.text) == 40)
        #expect(Self.marked(middle) == ["zebra"])
        #expect(middle.matches.first?.lowerBound == 1 + 10, "the mark, then a quarter of the width")

        let start = SearchText.snippet("zebra " + String(repeating: "b", count: 100), query: Self.query("zebra"), width: 30)
        Self.check(start, width: 30)
        #expect(!start.text.hasPrefix("…") && start.text.hasSuffix("…"))
        #expect(start.matches == [0..<5])

        let end = SearchText.snippet(String(repeating: "a", count: 100) + " zebra", query: Self.query("zebra"), width: 30)
        Self.check(end, width: 30)
        #expect(end.text.hasPrefix("…") && !end.text.hasSuffix("…"))
        #expect(Self.marked(end) == ["zebra"])

        // With no match in the line (the hit's text matched elsewhere), it starts at its start.
        let none = SearchText.snippet(String(repeating: "c", count: 100), query: Self.query("zebra"), width: 30)
        #expect(none.text == String(repeating: "c", count: 29) + "…" && none.matches.isEmpty)
        // A match cut by the end keeps its part that shows.
        let partial = SearchText.snippet("0123456789 zebra", query: Self.query("0123456789"), width: 6)
        #expect(partial.text == "01234…" && partial.matches == [0..<5])
    }

    @Test("wide characters never overflow the width, whatever the width", arguments: Array(1...48))
    func wide(width: Int) {
        let line = String(repeating: "漢", count: 40) + "zebra" + String(repeating: "字", count: 40) + " 😀 done"
        let snippet = SearchText.snippet(line, query: Self.query("zebra"), width: width)
        Self.check(snippet, width: width)
        if width >= 12 {
            #expect(Self.marked(snippet) == ["zebra"], "\(snippet.text)")
            #expect(snippet.text.hasPrefix("…") && snippet.text.hasSuffix("…"))
        }
        let cjk = SearchText.snippet(String(repeating: "日本語", count: 30) + "検索" + String(repeating: "です", count: 30),
                                     query: Self.query("検索"), width: width)
        Self.check(cjk, width: width)
        if width >= 8 { #expect(Self.marked(cjk) == ["検索"], "\(cjk.text)") }
    }

    @Test("marks land on the match in the sanitized text: escapes shown as stand-ins move it")
    func sanitizedMarks() {
        let line = "\u{1B}[31mred zebra\u{1B}[0m \u{202E}evil zebra"
        let snippet = SearchText.snippet(line, query: Self.query("zebra"), width: 80)
        #expect(!snippet.text.unicodeScalars.contains("\u{1B}") && !snippet.text.unicodeScalars.contains("\u{202E}"))
        #expect(Self.marked(snippet) == ["zebra", "zebra"])
        #expect(snippet.text.hasPrefix("␛[31mred zebra"))
        // The stand-in is text: a query for what the escape carried marks it.
        #expect(Self.marked(SearchText.snippet(line, query: Self.query("31m"), width: 80)) == ["31m"])
        // Cut, the marks still fall on the match.
        let long = String(repeating: "\u{1B}[1m", count: 30) + "zebra" + String(repeating: "\u{9B}x", count: 30)
        let cut = SearchText.snippet(long, query: Self.query("zebra"), width: 30)
        Self.check(cut, width: 30)
        #expect(Self.marked(cut) == ["zebra"])
        #expect(!cut.text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B })
    }

    @Test("snippets of random text stay within their width, with marks in bounds, ascending and apart")
    func randomText() {
        var random = SplitMix64(seed: 42)
        let pieces = ["zebra", "ZEBRA", "zé", "é", "e\u{301}", "漢", "😀", "👩‍👩‍👧", "🇫🇷", "\u{1B}[2J", "\u{9B}", "\u{202E}", "\t", " ", "a", "\r\n",
                      "\u{0}", "İ", "\u{212A}", "…"]
        let queries = ["zebra", "é", "e", "漢 😀", "zé", "\"a z\"", "K", "i"].map(Self.query)
        for _ in 0..<400 {
            let line = (0..<Int.random(in: 0...60, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let width = Int.random(in: 1...50, using: &random)
            for query in queries {
                Self.check(SearchText.snippet(line, query: query, width: width), width: width)
            }
        }
    }

    @Test("places name the interaction's number, the part and the line from 1; messages their role")
    func places() {
        func hit(_ place: SearchHit.Place, _ part: SearchHit.Part, line: Int) -> SearchHit {
            SearchHit(place: place, part: part, line: "x", lineNumber: line, at: nil)
        }
        #expect(SearchText.place(hit(.interaction(2, id: "i"), .stdout, line: 3)) == "#3 stdout:4")
        #expect(SearchText.place(hit(.interaction(0, id: "i"), .command, line: 0)) == "#1 command")
        #expect(SearchText.place(hit(.interaction(11, id: "i"), .error, line: 1)) == "#12 error message:2")
        #expect(SearchText.place(hit(.interaction(0, id: "i"), .id, line: 0)) == "#1 id")
        #expect(SearchText.place(hit(.message(4), .prompt, line: 0)) == "› prompt")
        #expect(SearchText.place(hit(.message(5), .reply, line: 2)) == "‹ reply:3")
        #expect(SearchText.place(hit(.title, .title, line: 0)) == "title")
        #expect(SearchText.place(hit(.state, .state, line: 1)) == "state:2")
        let three = SessionHits(sessionID: 1, hits: [hit(.title, .title, line: 0)], total: 5)
        #expect(SearchText.more(three) == "… 4 more in this session")
        #expect(SearchText.more(SessionHits(sessionID: 1, hits: [hit(.title, .title, line: 0)], total: 1)) == nil)
        #expect(SearchText.count(sessions: 1, hits: 1, searched: 3, of: 10, done: false) == "1 session · 1 hit · searching 3/10…")
        #expect(SearchText.count(sessions: 2, hits: 5, searched: 10, of: 10, done: true) == "2 sessions · 5 hits in 10 searched")
    }
}
