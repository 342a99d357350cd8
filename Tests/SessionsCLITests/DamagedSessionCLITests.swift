import Glibc
import Testing
import SessionsKit
import TestSupport

/// What a user sees of a damaged session file, through the real commands:
/// `doctor` names it and says what to do, `list` keeps it visible and marked,
/// `show` fails with one clear line, `delete` drops it, and restoring the file
/// makes it ordinary again. The other account sees none of it.
@Suite("Command line: damaged sessions")
struct DamagedSessionCLITests {
    static let now = "2026-11-25T11:00:00Z"

    /// 15 demo sessions of alice (account 1); bob (account 2) is added with 5 of his own when asked.
    static func demoStore(bob: Bool = false) throws -> CLIHarness {
        let cli = CLIHarness()
        try cli.ok(["demo", "--sessions", "15", "--interactions", "4", "--seed", "7", "--now", now])
        if bob {
            try cli.ok(["account", "add", "bob"])
            try cli.ok(["demo", "--sessions", "5", "--interactions", "2", "--seed", "8", "--now", now, "--account", "2"])
        }
        return cli
    }

    static func listed(_ cli: CLIHarness, account: Int = 1) throws -> [Int: JSONObject] {
        let array = try #require(try cli.json(["list", "--json", "--account", String(account)]).arrayValue)
        return Dictionary(uniqueKeysWithValues: array.compactMap(\.objectValue).map { ($0["id"]!.intValue!, $0) })
    }

    @Test("doctor --repair on a lost index says what was wrong and what it did, with no advice for the problem it fixed")
    func lostIndexWording() throws {
        let cli = try Self.demoStore()
        unlink(cli.storeRoot + "/index.jsonl")
        let examined = cli.run(["doctor"])
        #expect(examined.status == 1)
        #expect(examined.stdout.contains("problem index.jsonl: it is missing\n"), "\(examined.stdout)")
        let repaired = cli.run(["doctor", "--repair"])
        #expect(repaired.status == 0)
        #expect(repaired.stdout.contains("fixed  index.jsonl: it was missing; rebuilt it from 15 session files\n"), "\(repaired.stdout)")
        #expect(!repaired.stdout.contains("doctor --repair"))
        #expect(!repaired.stdout.contains("Nothing was changed"))
    }

    @Test("a damaged session stays in list, marked, with its last known fields; show fails with one line; delete drops it")
    func damagedThroughTheCommands() throws {
        let cli = try Self.demoStore(bob: true)
        let before = try #require(try Self.listed(cli)[12])
        let path = cli.storeRoot + "/sessions/12.json"
        let original = try #require(TestFiles.readText(path))
        TestFiles.write(path, original.replacing("\"status\":", with: "x\"status\":"))

        let doctor = cli.run(["doctor"])
        #expect(doctor.status == 1)
        let problem = "problem sessions/12.json: line 8, column 5: unexpected 'x', expected a member name in quotes. "
            + "Session 12 is damaged: restore the file from a backup, or drop the session with `sessions delete 12`.\n"
        #expect(doctor.stdout.contains(problem), "\(doctor.stdout)")
        #expect(doctor.stdout.contains("problem index.jsonl: it is out of date: 1 damaged session not marked damaged\n"))
        let repair = cli.run(["doctor", "--repair"])
        #expect(repair.status == 1, "the file still needs its owner")
        #expect(repair.stdout.contains(problem))
        #expect(repair.stdout.contains("fixed  index.jsonl: it was out of date: 1 damaged session not marked damaged; "
            + "rebuilt it from 19 session files, keeping damaged session 12 with the last known summary, marked damaged\n"),
                "\(repair.stdout)")

        // list --json: the last known summary, with what is wrong.
        var marked = before
        let title = marked["title"]
        marked["title"] = nil
        marked.append("damaged", .string("sessions/12.json: line 8, column 5: unexpected 'x', expected a member name in quotes"))
        marked.append("title", title ?? .null)
        #expect(try Self.listed(cli)[12] == marked)
        let status = try #require(before["status"]?.stringValue)
        #expect(try cli.json(["list", "--json", "--status", status]).arrayValue?.contains { $0.objectValue?["id"] == .int(12) } == true,
                "counted in the section of its last known status")
        // list: the row, marked, and a word on stderr.
        let table = cli.run(["list"])
        let row = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("12  ") })
        #expect(row.hasPrefix("12  ! damaged  "), "\(row)")
        #expect(table.stderr == "Session 12 is damaged: `sessions show 12` says what is wrong and what to do.\n")

        // show: one line, exit 2, naming the file, the problem and the remedy.
        for arguments in [["show", "12"], ["show", "12", "--json"], ["set-status", "12", "failed"]] {
            let shown = cli.run(arguments)
            #expect(shown.status == 2, "\(arguments)")
            #expect(shown.stdout.isEmpty)
            #expect(shown.stderr == "error: \(path): line 8, column 5: unexpected 'x', expected a member name in quotes. "
                + "Nothing was changed. Session 12 is damaged: restore the file from a backup, or drop the session with "
                + "`sessions delete 12`.\n", "\(arguments)")
        }
        // Another account: as absent as an id nothing has.
        let other = cli.run(["show", "12", "--account", "2"]), free = cli.run(["show", "999", "--account", "2"])
        #expect(other.status == 1 && other.stderr == "error: session 12 not found\n" && free.status == 1)
        #expect(try Self.listed(cli, account: 2)[12] == nil)
        #expect(!cli.run(["list", "--account", "2"]).stderr.contains("damaged"))

        // export: every readable session, in a whole document; the damaged one named, and the exit says so.
        let exported = cli.run(["export"])
        #expect(exported.status == 1)
        #expect(exported.stderr == "error: left out of the export: \(path): line 8, column 5: unexpected 'x', expected a member name "
            + "in quotes. Nothing was changed. Session 12 is damaged: restore the file from a backup, or drop the session with "
            + "`sessions delete 12`.\n", "\(exported.stderr)")
        let records = try #require(try JSONParser.parse(exported.stdout).objectValue?["data"]?.arrayValue)
        #expect(records.count == 14 && !records.contains { $0.objectValue?["id"] == .int(12) })
        let toFile = cli.run(["export", "-o", cli.directory.path + "/backup.json"])
        #expect(toFile.status == 1 && toFile.stderr == exported.stderr)
        #expect(try JSONParser.parse(TestFiles.read(cli.directory.path + "/backup.json") ?? []) == JSONParser.parse(exported.stdout))

        try cli.ok(["delete", "12"])
        #expect(try Self.listed(cli)[12] == nil)
        #expect(!TestFiles.exists(path))
        #expect(cli.run(["doctor"]).status == 0)
    }

    @Test("with the index lost too, doctor names the file, and the session is listed to its owner only if its file says whose it is")
    func indexLostToo() throws {
        let cli = try Self.demoStore(bob: true)
        let path = cli.storeRoot + "/sessions/17.json"  // bob's
        let original = try #require(TestFiles.readText(path))
        let cut = try #require(original.firstRange(of: "\"interactions\": {")).upperBound
        TestFiles.write(path, String(original[..<cut]))
        unlink(cli.storeRoot + "/index.jsonl")
        let doctor = cli.run(["doctor"])
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("problem sessions/17.json: line "))
        #expect(doctor.stdout.contains("Session 17 is damaged: restore the file from a backup, or drop the session with `sessions delete 17`."))
        #expect(try Self.listed(cli)[17] == nil, "alice never sees it")
        let bobs = try Self.listed(cli, account: 2)
        #expect(bobs[17]?["damaged"]?.stringValue?.hasPrefix("sessions/17.json: line ") == true)
        #expect(bobs[17]?["account_id"] == .int(2))
        // Restored, it is an ordinary session again after a repair.
        TestFiles.write(path, original)
        #expect(cli.run(["show", "17", "--account", "2"]).status == 0)
        #expect(cli.run(["doctor", "--repair"]).status == 0)
        #expect(try Self.listed(cli, account: 2)[17]?["damaged"] == nil)
        #expect(cli.run(["doctor"]).status == 0)
    }

    /// The figures of RELIABILITY.md's "damaged session file" row.
    @Test("damage injected at random into session files: every one is named by doctor, kept visible to its owner only, and recoverable")
    func injectedDamage() throws {
        let cli = try Self.demoStore(bob: true)
        var random = SplitMix64(seed: 20_261_206)
        var owners: [Int: Int] = [:]
        for account in [1, 2] { for id in try Self.listed(cli, account: account).keys { owners[id] = account } }
        let schemaBreaks: [(from: String, to: String, field: String)] = [
            (#""status": "#, #""status": "paused", "was_status": "#, "status"),
            (#""account_id": "#, #""account_id": "x", "was_account": "#, "account_id"),
            (#""inserted_at": "#, #""inserted_at": "yesterday", "was_inserted_at": "#, "inserted_at"),
            (#""id": "#, #""id": 9999, "was_id": "#, "id"),
            (#""status": "ok""#, #""status": "maybe""#, "interactions["),
        ]
        var counts: [String: Int] = [:]
        var hit = Set<Int>()
        let total = owners.count
        let rounds = 60
        for round in 0..<rounds {
            let kind = ["byte", "cut", "schema"][round % 3]
            let id = random.pick(owners.keys.sorted()), owner = owners[id]!, other = 3 - owner
            hit.insert(id)
            let path = cli.storeRoot + "/sessions/\(id).json"
            let original = try #require(TestFiles.read(path))
            let before = try #require(try Self.listed(cli, account: owner)[id])
            // Inject, and work out what doctor must say about it.
            var damaged = original
            var expected: String
            switch kind {
            case "byte":
                // A control byte is invalid anywhere in JSON; the parser stops on its line.
                let position = random.pick(original.indices.filter { original[$0] < 0x80 && original[$0] != 0x0A })
                damaged[position] = 0x01
                expected = "line \(original[..<position].count { $0 == 0x0A } + 1), column "
            case "cut":
                // Short of the closing brace, whatever the cut, it is no longer JSON.
                damaged = Array(original[..<random.int(in: 0...(original.count - 2))])
                expected = "line "
            default:
                let text = String(decoding: original, as: UTF8.self)
                var rule = random.pick(schemaBreaks)
                if text.firstRange(of: rule.from) == nil { rule = schemaBreaks[0] }  // no finished interaction to break
                let range = try #require(text.firstRange(of: rule.from))
                var broken = text
                broken.replaceSubrange(range, with: rule.to)
                damaged = Array(broken.utf8)
                expected = rule.field
            }
            counts[kind, default: 0] += 1
            TestFiles.write(path, damaged)

            // With the index: doctor names it, repair keeps it, marked, for its owner alone.
            let doctor = cli.run(["doctor"])
            let finding = doctor.stdout.split(separator: "\n").first { $0.hasPrefix("problem sessions/\(id).json: ") }
            if doctor.status == 1, let finding, finding.contains(expected), finding.contains("Session \(id) is damaged") {
                counts["named", default: 0] += 1
            } else {
                Issue.record("round \(round) (\(kind), #\(id)): doctor said \(doctor.stdout)")
            }
            let repair = cli.run(["doctor", "--repair"])
            let fixed = repair.stdout.split(separator: "\n").filter { $0.hasPrefix("fixed") }
            #expect(fixed.allSatisfy { !$0.contains("doctor") && !$0.contains("Nothing was changed") }, "\(fixed)")
            var marked = try #require(try Self.listed(cli, account: owner)[id], "round \(round): #\(id) dropped from the list")
            #expect(marked["damaged"]?.stringValue?.hasPrefix("sessions/\(id).json: ") == true)
            marked["damaged"] = nil
            if marked == before { counts["kept", default: 0] += 1 } else { Issue.record("round \(round): \(marked) is not \(before)") }
            let row = cli.run(["list", "--account", String(owner)]).stdout.split(separator: "\n")
                .first { $0.drop { $0 == " " }.hasPrefix("\(id) ") }
            #expect(row?.contains("! damaged") == true, "round \(round): \(row ?? "no row")")
            let shown = cli.run(["show", String(id), "--account", String(owner)])
            if shown.status == 2, shown.stderr.hasPrefix("error: \(path): "), shown.stderr.hasSuffix("`sessions delete \(id)`.\n"),
               shown.stderr.count(where: { $0 == "\n" }) == 1 {
                counts["show exit 2", default: 0] += 1
            } else {
                Issue.record("round \(round): show said \(shown.status) \(shown.stderr)")
            }
            let seen = cli.run(["show", String(id), "--account", String(other)])
            let leaked = try Self.listed(cli, account: other)[id] != nil || seen.stderr != "error: session \(id) not found\n"
            if leaked { counts["leaked", default: 0] += 1 }

            if round % 3 == 2 {
                // Dropped by its owner.
                try cli.ok(["delete", String(id), "--account", String(owner)])
                owners[id] = nil
                #expect(!TestFiles.exists(path))
                #expect(try Self.listed(cli, account: owner)[id] == nil)
                counts["deleted", default: 0] += 1
            } else {
                // The index lost as well: doctor still names it, and its owner
                // alone sees it if its file still says whose it is.
                unlink(cli.storeRoot + "/index.jsonl")
                let lost = cli.run(["doctor"])
                #expect(lost.status == 1 && lost.stdout.contains("problem sessions/\(id).json: "), "round \(round): \(lost.stdout)")
                if let salvaged = try Self.listed(cli, account: owner)[id] {
                    #expect(salvaged["damaged"] != nil && salvaged["type"] == before["type"])
                    counts["listed from its file", default: 0] += 1
                } else {
                    counts["doctor only", default: 0] += 1
                }
                if try Self.listed(cli, account: other)[id] != nil { counts["leaked", default: 0] += 1 }
                // Restored from a backup: ordinary again after a repair.
                TestFiles.write(path, original)
                #expect(cli.run(["doctor", "--repair"]).status == 0)
                if try Self.listed(cli, account: owner)[id] == before { counts["restored", default: 0] += 1 }
            }
            #expect(cli.run(["doctor"]).status == 0, "round \(round)")
        }
        #expect(counts["named"] == rounds && counts["kept"] == rounds && counts["show exit 2"] == rounds)
        #expect(counts["leaked"] == nil)
        #expect(counts["restored", default: 0] + counts["deleted", default: 0] == rounds)
        #expect(counts["listed from its file", default: 0] > 0 && counts["doctor only", default: 0] > 0)
        print("damaged sessions: \(rounds) injections (\(counts["byte"] ?? 0) bytes, \(counts["cut"] ?? 0) cuts, "
            + "\(counts["schema"] ?? 0) schema breaks) into \(hit.count) of the \(total) sessions of 2 accounts: "
            + "doctor named file, position and remedy \(counts["named"] ?? 0); kept with the last known summary, marked, after repair "
            + "\(counts["kept"] ?? 0); show exit 2 with one line \(counts["show exit 2"] ?? 0); with the index lost too, "
            + "listed from the file \(counts["listed from its file"] ?? 0), doctor only \(counts["doctor only"] ?? 0); "
            + "restored \(counts["restored"] ?? 0), deleted \(counts["deleted"] ?? 0); shown to the other account \(counts["leaked"] ?? 0)")
    }
}
