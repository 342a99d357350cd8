import ArgumentParser
import SessionsDisplay
import SessionsKit

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find the sessions where something was said, run or printed.",
        discussion: """
            Searches the active account's sessions, the most recently active first: titles, prompts, replies, \
            commands and pipes, stdout, stderr and error messages, and state, as decoded text. Words match \
            case-insensitively unless the query has a capital letter; all words must appear in the same \
            interaction or message; "a phrase" (quoted inside the shell's quotes, or one argument with a space) \
            matches as written. A query that is a session id, or an interaction id, goes straight to it. \
            Exits 1 when nothing matches.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Words, \"phrases\", or with --regex a regular expression.", valueName: "QUERY"))
    var query: [String] = []

    @Option(help: "Only sessions with this status.")
    var status: SessionStatus?

    @Option(help: ArgumentHelp("Only sessions of this type.", valueName: "TYPE"),
            completion: .list(SessionType.builtIn.map(\.name)))
    var type: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Only sessions last active at or after DATE: 2026-11-30 (local day), 7d, 12h, today, or an ISO 8601 time.",
        valueName: "DATE"))
    var since: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Only sessions last active at or before DATE (a day counts whole).",
                                                        valueName: "DATE"))
    var until: String?

    @Option(name: .customLong("in"), help: ArgumentHelp(
        "Search only these: title, prompt, reply, command, output, state (comma-separated).", valueName: "FIELDS"))
    var fields: String?

    @Flag(help: "Take the query as a regular expression, matched line by line.")
    var regex = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Show at most N sessions.", valueName: "N"))
    var limit: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Show at most N hits of each session; the rest are counted (default 3).",
                                                        valueName: "N"))
    var hits: Int = 3

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        if query.isEmpty { throw ValidationError("give something to search for: a word, a \"phrase\", or with --regex a pattern") }
        if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more, not \(limit)") }
        if hits < 1 { throw ValidationError("--hits must be 1 or more, not \(hits)") }
        // Refused here rather than in `run`, so that the usage shown is this command's.
        _ = try parsedQuery()
        _ = try parsedFields()
        _ = try since.map { try Self.time($0, option: "--since", now: CLIContext.current.now(), upper: false) }
        _ = try until.map { try Self.time($0, option: "--until", now: CLIContext.current.now(), upper: true) }
    }

    func parsedQuery() throws -> SearchQuery {
        let searchQuery: SearchQuery
        do {
            searchQuery = try SearchQuery(arguments: query, regex: regex)
        } catch {
            throw ValidationError(error.description)
        }
        guard !searchQuery.isEmpty else { throw ValidationError(SearchQueryError.empty.description) }
        return searchQuery
    }

    func parsedFields() throws -> Set<SearchField> {
        guard let fields else { return Set(SearchField.allCases) }
        switch SearchField.parseList(fields) {
        case .success(let chosen): return chosen
        case .failure(let error): throw ValidationError(error.description)
        }
    }

    func run() throws {
        let context = CLIContext.current
        let searchQuery = try parsedQuery()
        let searchFields = try parsedFields()
        let now = context.now()
        let sinceTime = try since.map { try Self.time($0, option: "--since", now: now, upper: false) }
        let untilTime = try until.map { try Self.time($0, option: "--until", now: now, upper: true) }

        let workspace = try global.workspace()
        let service = try workspace.service()
        let catalog = try service.catalog()
        let sessionType = try service.typeFilter(type)
        let filter = SessionQuery(status: status, type: sessionType, projectID: global.project == nil ? nil : service.scope.projectID,
                                  sort: .activity, since: sinceTime, until: untilTime)
        let search = SessionSearch(query: searchQuery, fields: searchFields, kept: hits)
        var printer = SearchPrinter(catalog: catalog, query: searchQuery, now: now, json: json,
                                    style: Style(enabled: context.useColor), columns: context.terminalColumns ?? 120)
        // The session the query names by id comes first, whatever it holds.
        let named = service.sessionNamed(by: searchQuery, in: catalog)
        if let named, let position = catalog.table.index(of: named), filter.admits(catalog.table.keys[position]) {
            printer.named = named
        }
        var searched = 0
        var unreadable: [Session.ID] = []
        var found: [SessionHits] = []
        try service.search(search, filter, in: catalog) { batch in
            searched = batch.searched
            for outcome in batch.outcomes {
                switch outcome {
                case .hits(let hits): found.append(hits)
                case .unreadable(let id, _): unreadable.append(id)
                }
            }
            // The named session is printed first: hold the rest until it is known.
            if printer.named == nil || printer.printedNamed || found.contains(where: { $0.sessionID == printer.named }) {
                var ready = printer.ordered(&found)
                if let limit { ready = Array(ready.prefix(max(0, limit - printer.sessionCount))) }
                context.stdout.write(printer.sessions(ready))
            }
            if context.stdout.failure != nil { throw OutputStopped() }
            return limit.map { printer.sessionCount < $0 } ?? true
        }
        var rest = printer.ordered(&found, final: true)
        if let limit { rest = Array(rest.prefix(max(0, limit - printer.sessionCount))) }
        context.stdout.write(printer.sessions(rest))
        context.stdout.write(printer.finish())
        for id in unreadable {
            context.stderr.line("Session \(id) could not be searched: it is damaged (`sessions show \(id)` says what is wrong).")
        }
        if printer.sessionCount == 0 {
            if !json { context.stderr.line("Nothing matches \(Sanitizer.line(searchQuery.display)) in \(searched) session\(searched == 1 ? "" : "s").") }
            throw ExitCode.failure
        }
    }

    static func time(_ text: String, option: String, now: Timestamp, upper: Bool) throws -> Timestamp {
        guard let time = DateBound.parse(text, now: now, upper: upper) else {
            throw ValidationError("\(option) \(text) is not a time: give a day (2026-11-30), an age (7d, 12h, 30m, 2w), today, yesterday, or an ISO 8601 time")
        }
        return time
    }
}

/// How `search` writes its results, as text or JSON, one session at a time.
struct SearchPrinter {
    var registry: Registry { catalog.registry }
    let catalog: Catalog
    let query: SearchQuery
    let now: Timestamp
    let json: Bool
    let style: Style
    let columns: Int
    /// The session the query names by its id.
    var named: Session.ID?
    var printedNamed = false
    private(set) var sessionCount = 0
    /// Each title as written and as a terminal shows it (sanitized, cut to `titleRoom`).
    private var titles = SessionTitle.Cache<(title: String, shown: String)>()

    /// The cells a heading's title may take.
    var titleRoom: Int { max(10, columns - 40) }
    private(set) var hitCount = 0

    init(catalog: Catalog, query: SearchQuery, now: Timestamp, json: Bool, style: Style, columns: Int) {
        self.catalog = catalog
        self.query = query
        self.now = now
        self.json = json
        self.style = style
        self.columns = columns
    }

    /// The sessions of `found` ready to print, taken out of it: the named
    /// one first, once it is known (or once the search is over).
    mutating func ordered(_ found: inout [SessionHits], final: Bool = false) -> [SessionHits] {
        guard let named, !printedNamed else {
            defer { found.removeAll() }
            return found
        }
        if let index = found.firstIndex(where: { $0.sessionID == named }) {
            printedNamed = true
            let first = found.remove(at: index)
            defer { found.removeAll() }
            return [first] + found
        }
        guard final else { return [] }
        printedNamed = true
        defer { found.removeAll() }
        return [SessionHits(sessionID: named, hits: [], total: 0)] + found
    }

    /// What a session's heading says, from the summary's keys: only a
    /// Claude Code session's title needs its summary decoded.
    struct Heading: Sendable {
        var id: Session.ID
        var status: SessionStatus
        var activityAt: Timestamp
        /// The title as written: raw for JSON, else sanitized and cut to `titleRoom`.
        var title: String?
        var isNamed: Bool
        var isFirst: Bool
        /// Where a Claude Code session's summary is, to read its title from.
        var summary: Int?
    }

    /// `list`, formatted on every core, in order.
    mutating func sessions(_ list: [SessionHits]) -> [UInt8] {
        var headings: [(Heading, SessionHits)] = []
        headings.reserveCapacity(list.count)
        let table = catalog.table
        // Found on every core: the rest of this loop is a cache, which one thread keeps.
        let positions = Parallel.map(list.count) { table.index(of: list[$0].sessionID) }
        for (hits, position) in zip(list, positions) {
            guard let position else { continue }
            let key = table.keys[position]
            // A Claude Code session's title is in its summary, decoded with the rest of its heading.
            var title: String?
            if key.type != .claudeCode {
                let room = titleRoom
                let made = titles.title(of: key, registry: registry) { ($0, CellWidth.truncate(Sanitizer.line($0), to: room)) }
                title = json ? made.title : made.shown
            }
            headings.append((Heading(id: key.id, status: key.status, activityAt: key.activityAt, title: title,
                                     isNamed: key.id == named, isFirst: sessionCount == 0, summary: key.type == .claudeCode ? position : nil), hits))
            sessionCount += 1
            hitCount += hits.total
        }
        let printer = self
        let pieces = Parallel.map(headings.count) { index in
            var heading = headings[index].0
            if let position = heading.summary {
                let summary = table[position]
                heading.title = printer.json ? SessionTitle.of(summary.session, registry: printer.registry)
                    : CellWidth.truncate(SessionListText.title(summary, registry: printer.registry), to: printer.titleRoom)
            }
            return printer.json ? printer.jsonSession(heading, headings[index].1) : printer.session(heading, headings[index].1)
        }
        var output: [UInt8] = []
        output.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
        for piece in pieces { output.append(contentsOf: piece) }
        return output
    }

    /// A session's heading and hits, written straight into bytes: thousands
    /// of sessions are printed, and joining their pieces as strings first
    /// cost more than the search of them.
    func session(_ heading: Heading, _ hits: SessionHits) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(128 * (hits.hits.count + 2))
        // One piece a call: a variadic call would make an array of them each time.
        func write(_ piece: String) {
            output.append(contentsOf: piece.utf8)
        }
        if !heading.isFirst { write("\n") }
        write(style.apply("Session \(heading.id)", .bold))
        write("  ")
        write(style.status(heading.status))
        write("  ")
        write(heading.title ?? Labels.none)
        write("  ")
        write(style.apply(TimeText.day(heading.activityAt, now: now), .dim))
        if heading.isNamed {
            write("  ")
            write(style.apply("(its id)", .dim))
        }
        write("\n")
        // The hits are read in place: one copied out retains each of its strings.
        hits.hits.withUnsafeBufferPointer { found in
            let places = found.indices.map { SearchText.place(found[$0]) }
            let placeWidth = min(20, places.map(CellWidth.of).max() ?? 0)
            let room = max(10, columns - 4 - placeWidth)
            for index in found.indices {
                let snippet = SearchText.snippet(found[index].line, query: query, width: room, marking: style.enabled)
                write("  ")
                write(style.apply(CellWidth.fit(places[index], to: placeWidth), .dim))
                write("  ")
                write(highlighted(snippet))
                write("\n")
            }
        }
        if let more = SearchText.more(hits) {
            write("  ")
            write(style.apply(more, .dim))
            write("\n")
        }
        return output
    }

    /// The snippet with its matches in reverse video when colour is on.
    func highlighted(_ snippet: SearchText.Snippet) -> String {
        guard style.enabled, !snippet.matches.isEmpty else { return snippet.text }
        let characters = Array(snippet.text)
        var out = ""
        var at = 0
        for range in snippet.matches {
            out += String(characters[at..<range.lowerBound])
            out += "\u{1B}[7m" + String(characters[range]) + "\u{1B}[27m"
            at = range.upperBound
        }
        return out + String(characters[at...])
    }

    func jsonSession(_ heading: Heading, _ hits: SessionHits) -> [UInt8] {
        var object = JSONObject()
        object.append("id", .int(heading.id.rawValue))
        object.append("title", heading.title.map(JSONValue.string) ?? .null)
        object.append("status", .string(heading.status.rawValue))
        object.append("activity_at", .string(heading.activityAt.iso8601))
        if heading.isNamed { object.append("named_by_query", .bool(true)) }
        object.append("total_hits", .int(hits.total))
        object.append("hits", .array(hits.hits.map { .object(Self.json($0)) }))
        var output = Array((heading.isFirst ? "[\n  " : ",\n  ").utf8)
        JSONWriter.writeObject(object, style: .pretty, into: &output, indent: 1)
        return output
    }

    static func json(_ hit: SearchHit) -> JSONObject {
        var object = JSONObject()
        switch hit.place {
        case .title: object.append("place", .string("title"))
        case .state: object.append("place", .string("state"))
        case .message(let index):
            object.append("place", .string("message"))
            object.append("message", .int(index))
        case .interaction(let position, let id):
            object.append("place", .string("interaction"))
            object.append("position", .int(position))
            object.append("interaction_id", .string(id))
        }
        object.append("part", .string(hit.part.rawValue))
        object.append("line_number", .int(hit.lineNumber + 1))
        object.append("line", .string(hit.line))
        if let at = hit.at { object.append("at", .string(at.iso8601)) }
        return object
    }

    /// What closes the output: JSON's closing bracket, or the count.
    func finish() -> [UInt8] {
        if json { return Array((sessionCount == 0 ? "[]\n" : "\n]\n").utf8) }
        guard sessionCount > 0 else { return [] }
        return Array(("\n" + style.apply("\(sessionCount) session\(sessionCount == 1 ? "" : "s") · \(hitCount) hit\(hitCount == 1 ? "" : "s")", .dim) + "\n").utf8)
    }
}
