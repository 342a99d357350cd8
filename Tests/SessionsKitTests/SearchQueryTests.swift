import Testing
@testable import SessionsKit

/// What a search looks for: words and phrases as the shell and the browser
/// hand them over, smart case, how text folds, and where matches lie.
@Suite("Search query")
struct SearchQueryTests {
    /// The terms as (text, is a phrase) pairs, for comparing at a glance.
    static func terms(_ query: SearchQuery) -> [String] {
        query.terms.map { $0.isPhrase ? "\"\($0.text)\"" : $0.text }
    }

    // MARK: - Parsing

    @Test("words split at blanks; a quoted phrase stays whole, its outer spaces trimmed")
    func typedWordsAndPhrases() throws {
        #expect(Self.terms(try SearchQuery(typed: "  connection   refused ")) == ["connection", "refused"])
        #expect(Self.terms(try SearchQuery(typed: "\"connection refused\" port")) == ["\"connection refused\"", "port"])
        #expect(Self.terms(try SearchQuery(typed: "at\"  two  words \"end")) == ["at", "\"two  words\"", "end"])
        #expect(Self.terms(try SearchQuery(typed: "tab\tand\nnewline")) == ["tab", "and", "newline"])
    }

    @Test("a backslash takes the next character literally: \\\" is a quote inside a word or a phrase, \\\\ a backslash")
    func escapes() throws {
        let quoted = try SearchQuery(typed: #"say \"hi\""#)
        #expect(quoted.terms.map(\.text) == ["say", "\"hi\""])
        #expect(quoted.terms.allSatisfy { !$0.isPhrase })
        let phrase = try SearchQuery(typed: #""a \"b\" c""#)
        #expect(phrase.terms.map(\.text) == [#"a "b" c"#])
        #expect(phrase.terms[0].isPhrase)
        #expect(try SearchQuery(typed: #"C:\\Users"#).terms.map(\.text) == [#"C:\Users"#])
        #expect(try SearchQuery(typed: #"trailing\"#).terms.map(\.text) == [#"trailing\"#], "a lone backslash at the end is itself")
    }

    @Test("command-line words: one holding a space is a phrase, quotes inside a word mark one, \\\" is a quote")
    func arguments() throws {
        let spaced = try SearchQuery(arguments: ["connection refused", "port"])
        #expect(Self.terms(spaced) == ["\"connection refused\"", "port"])
        let inner = try SearchQuery(arguments: [#""connection refused" port"#])
        #expect(Self.terms(inner) == ["\"connection refused\"", "port"])
        let literal = try SearchQuery(arguments: [#"\"login\""#])
        #expect(literal.terms.map(\.text) == ["\"login\""])
        #expect(!literal.terms[0].isPhrase)
        #expect(Self.terms(try SearchQuery(arguments: ["  spaced out  "])) == ["\"spaced out\""])
    }

    @Test("a phrase the shell split into several words is joined again: \"connection refused\" typed without the shell's quotes")
    func phraseAcrossArguments() throws {
        let query = try SearchQuery(arguments: ["\"connection", "refused\"", "port"])
        #expect(Self.terms(query) == ["\"connection refused\"", "port"])
        let three = try SearchQuery(arguments: ["before", "\"a", "b", "c\""])
        #expect(Self.terms(three) == ["before", "\"a b c\""])
        #expect(throws: SearchQueryError.unclosedQuote) { try SearchQuery(arguments: ["\"never", "closed"]) }
    }

    @Test("an unclosed quote is an error that says what to add; an empty query is empty")
    func errors() throws {
        #expect(throws: SearchQueryError.unclosedQuote) { try SearchQuery(typed: "\"open phrase") }
        #expect(throws: SearchQueryError.unclosedQuote) { try SearchQuery(arguments: ["ok", "\"open"]) }
        #expect(SearchQueryError.unclosedQuote.description.contains("closing \""))
        #expect(try SearchQuery(typed: "   ").isEmpty)
        #expect(try SearchQuery(typed: "\"\" \"  \"").isEmpty, "empty phrases are dropped")
        #expect(try SearchQuery(arguments: []).isEmpty)
        #expect(throws: SearchQueryError.empty) { try SearchQuery(pattern: "") }
        #expect(throws: SearchQueryError.empty) { try SearchQuery(arguments: [], regex: true) }
        #expect(!(try SearchQuery(typed: "x").isEmpty))
        do {
            _ = try SearchQuery(pattern: "(unclosed")
            Issue.record("a pattern that does not compile must be refused")
        } catch {
            guard case .badPattern = error else { Issue.record("\(error)"); return }
            #expect(error.description.hasPrefix("not a regular expression"))
        }
    }

    @Test("display writes the query so that typing it again gives the same query", arguments: [
        "plain words", "\"a phrase\" word", #"quote\"inside"#, #"back\\slash"#, #""with \"quotes\" in it""#, "Smart Case",
    ])
    func displayRoundTrips(line: String) throws {
        let query = try SearchQuery(typed: line)
        #expect(try SearchQuery(typed: query.display) == query, "\(query.display)")
    }

    // MARK: - Case

    @Test("smart case: lower case ignores case, any capital makes the whole query match case")
    func smartCase() throws {
        let lower = try SearchQuery(typed: "error")
        #expect(!lower.caseSensitive)
        #expect(lower.matches("FATAL ERROR: disk") && lower.matches("an Error") && lower.matches("error"))
        let capital = try SearchQuery(typed: "Error")
        #expect(capital.caseSensitive)
        #expect(capital.matches("an Error") && !capital.matches("an error") && !capital.matches("ERROR"))
        // One capital anywhere makes every word match case.
        let mixed = try SearchQuery(typed: "error Fatal")
        #expect(mixed.caseSensitive)
        #expect(mixed.matches("Fatal error") && !mixed.matches("Fatal ERROR"))
        // A capital outside ASCII counts too.
        #expect(try SearchQuery(typed: "Éte").caseSensitive)
        #expect(!(try SearchQuery(typed: "été 123 _-/").caseSensitive))
    }

    @Test("every term must occur, in any order, phrases as written")
    func allTerms() throws {
        let words = try SearchQuery(typed: "refused connection")
        #expect(words.matches("Connection refused"))
        #expect(!words.matches("connection reset"))
        let phrase = try SearchQuery(typed: "\"refused connection\"")
        #expect(!phrase.matches("Connection refused"))
        #expect(phrase.matches("it refused connection 3"))
    }

    // MARK: - Folding

    @Test("folding lowers letters outside ASCII by Unicode's mapping: É finds é and the reverse only under smart case")
    func unicodeFolding() throws {
        #expect(SearchFold.fold("ÉTÉ") == Array("été".utf8))
        #expect(SearchFold.fold("Straße ẞ ΣΑΣ") == Array("straße ß σασ".utf8))
        let lower = try SearchQuery(typed: "été")
        #expect(lower.matches("L'ÉTÉ") && lower.matches("l'été") && lower.matches("Été"))
        let upper = try SearchQuery(typed: "ÉTÉ")
        #expect(upper.matches("L'ÉTÉ") && !upper.matches("l'été"))
        #expect(try SearchQuery(typed: "ß").matches("GROẞ"))
    }

    @Test("a character outside ASCII never folds into ASCII: the Kelvin sign and İ stay themselves")
    func neverIntoASCII() throws {
        #expect(SearchFold.fold("\u{212A}") == Array("\u{212A}".utf8), "the Kelvin sign's lowercase is k; it stays itself")
        #expect(SearchFold.fold("İ") == Array("İ".utf8), "İ lowers to i and a combining dot; it stays itself")
        #expect(SearchFold.fold("KELVIN") == Array("kelvin".utf8))
        let kelvin = try SearchQuery(typed: "kelvin")
        #expect(!kelvin.matches("\u{212A}elvin"), "k is not the Kelvin sign")
        #expect(kelvin.matches("KELVIN"))
        #expect(try SearchQuery(typed: "elvin").matches("\u{212A}ELVIN"))
        #expect(!(try SearchQuery(typed: "istanbul").matches("İSTANBUL")))
        #expect(try SearchQuery(typed: "stanbul").matches("İSTANBUL"))
        #expect(try SearchQuery(typed: "İstanbul").matches("İstanbul"))
    }

    @Test("no scalar outside ASCII in the Basic Multilingual Plane and the next folds to a byte inside it")
    func foldsStayOutsideASCII() {
        var offenders: [UInt32] = []
        for value in UInt32(0x80)...0x1FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let folded = SearchFold.fold(String(scalar))
            if folded.contains(where: { $0 < 0x80 }) { offenders.append(value) }
            if folded.isEmpty { offenders.append(value) }
        }
        #expect(offenders.isEmpty, "\(offenders.prefix(10).map { String($0, radix: 16) })")
    }

    // MARK: - Match ranges

    @Test("match ranges on text outside ASCII name the original characters, whatever the folded length")
    func rangesOutsideASCII() throws {
        let text = "Crème brûlée — CRÈME fraîche, crème"
        let query = try SearchQuery(typed: "crème")
        let ranges = query.matchRanges(in: text)
        #expect(ranges.map { String(text[$0]) } == ["Crème", "CRÈME", "crème"])
        // ẞ is three bytes and folds to ß, two: the range still covers the capital whole.
        let sharp = "GROẞE straße"
        #expect(try SearchQuery(typed: "ße").matchRanges(in: sharp).map { String(sharp[$0]) } == ["ẞE", "ße"])
        // Wide characters and emoji around a match.
        let wide = "日本語のテキスト 👍 エラー: 失敗 👍"
        #expect(try SearchQuery(typed: "失敗").matchRanges(in: wide).map { String(wide[$0]) } == ["失敗"])
        #expect(try SearchQuery(typed: "👍").matchRanges(in: wide).count == 2)
    }

    @Test("ranges are ascending and apart: overlapping terms merge, repeats are each found")
    func rangesMerge() throws {
        let text = "abcd aaaa"
        let ranges = try SearchQuery(typed: "ab abc aa").matchRanges(in: text)
        #expect(ranges.map { String(text[$0]) } == ["abc", "aa", "aa"])
        for (first, second) in zip(ranges, ranges.dropFirst()) { #expect(first.upperBound <= second.lowerBound) }
        #expect(try SearchQuery(typed: "zzz").matchRanges(in: text).isEmpty)
        #expect(try SearchQuery(typed: "a").matchRanges(in: "").isEmpty)
    }

    // MARK: - Regular expressions

    @Test("a pattern follows smart case too, and its ranges are its matches")
    func regexSmartCase() throws {
        let lower = try SearchQuery(pattern: "fail(ed|ure)")
        #expect(!lower.caseSensitive)
        #expect(lower.matches("Build FAILED") && lower.matches("a failure"))
        let text = "FAILED, then failure"
        #expect(lower.matchRanges(in: text).map { String(text[$0]) } == ["FAILED", "failure"])
        let capital = try SearchQuery(pattern: "Fail(ed)?")
        #expect(capital.caseSensitive)
        #expect(capital.matches("Failed") && !capital.matches("failed") && !capital.matches("FAILED"))
        #expect(try SearchQuery(arguments: ["exit", "code", "[1-9]"], regex: true).pattern == "exit code [1-9]")
        #expect(try SearchQuery(pattern: "x*").matchRanges(in: "abc").isEmpty, "empty matches are no matches")
    }

    @Test("a pattern is matched line by line: anchors hold at each line, and no match spans a line break")
    func regexLineByLine() throws {
        let anchored = try SearchQuery(pattern: "^ok$")
        #expect(anchored.matches("first\nok\nlast"))
        #expect(!anchored.matches("first\nnot ok\nlast"))
        let spanning = try SearchQuery(pattern: "end\\sstart")
        #expect(!spanning.matches("the end\nstart"), "a match across lines would have no line to show")
        #expect(spanning.matches("the end start"))
    }
}
