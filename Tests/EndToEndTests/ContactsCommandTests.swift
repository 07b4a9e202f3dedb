import Foundation
import GRDB
import LetterboxStore
import LetterboxTesting
import Testing

/// `letterbox contacts`, `cases`, `restrictions`, `show` and `stats`, run as the built binary on
/// phone notes in a real folder, on a SQLite file and on a PostgreSQL database.
struct ContactsCommandTests {
    let folder: URL
    var sqliteStore: String { folder.appendingPathComponent("s.sqlite").path }

    init() throws {
        folder = try Fixtures.temporaryFolder("letterbox-contacts")
    }

    func note(_ name: String, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("Contacts, cases and arrangements from the command line: links and flags explained by show, overdue reviews in list and stats, every change audited", arguments: Backend.allCases)
    func contactsCasesAndRestrictions(_ backend: Backend) async throws {
        let store = try await TestStores.name(backend, sqlitePath: sqliteStore)
        let first = try note("1.txt", "Caller: Joan Whitaker\nPhone: 07700 900555\nPostcode: LS6 2AB\nCall date: 02/03/2026 09:00\n\nThe communal door entry system at Elm Court has not worked for two weeks and anyone can walk in.\n")
        let second = try note("2.txt", "Caller: Joan Whitaker\nPhone: 07700900555\nCall date: 04/03/2026 10:00\n\nStill waiting. The communal door entry system at Elm Court has not worked for two weeks and anyone can walk in.\n")
        let third = try note("3.txt", "Caller: Mrs Joan Whitaker\nPostcode: ls6 2ab\nCall date: 05/03/2026 11:00\n\nAsked for a copy of her tenancy agreement.\n")
        let ingest = try await Fixtures.run(["ingest", "notes", "--store", store, first, second, third])
        #expect(ingest.status == 0, "\(ingest.stderr)")

        let show = try await Fixtures.run(["show", "LB-2026-000002", "--store", store])
        #expect(show.status == 0)
        #expect(show.stdout.contains("Case            LB-2026-000001 (open)"))
        #expect(show.stdout.contains("Repeat of case LB-2026-000001: Raises the same matter as LB-2026-000001"))
        let opened = try await Fixtures.run(["show", "LB-2026-000001", "--store", store])
        #expect(opened.stdout.contains("LB-2026-000002 repeats the case opened by this record"))
        let weak = try await Fixtures.run(["show", "LB-2026-000003", "--store", store])
        #expect(weak.stdout.contains("possible_same_contact: No email, phone number or tenancy reference matched"))
        #expect(weak.stdout.contains("same name and postcode (LS6 2AB)"))

        // A person confirms the weak match; the contact now has all three records.
        let merge = try await Fixtures.run(["contacts", "merge", "1", "2", "--reason", "Same tenant: confirmed by phone", "--by", "J Patel", "--store", store])
        #expect(merge.status == 0, "\(merge.stderr)")
        let contact = try await Fixtures.run(["contacts", "show", "1", "--store", store])
        #expect(contact.stdout.contains("Records (3):"))
        #expect(contact.stdout.contains("contact_merged  by J Patel  Contact #2 merged into #1: Same tenant"))
        let again = try await Fixtures.run(["contacts", "merge", "1", "2", "--reason", "again", "--store", store])
        #expect(again.status == 64)
        #expect(again.stderr.contains("already one contact"))
        let unmerge = try await Fixtures.run(["contacts", "unmerge", "2", "--reason", "Her sister, not her", "--store", store])
        #expect(unmerge.status == 0)
        #expect(try await Fixtures.run(["contacts", "show", "1", "--store", store]).stdout.contains("Records (2):"))

        // Close the case: the same words again open a new case, flagged.
        let close = try await Fixtures.run(["cases", "close", "LB-2026-000002", "--reason", "Door entry repaired", "--store", store])
        #expect(close.stdout.contains("Case LB-2026-000001 is closed."))
        let fourth = try note("4.txt", "Caller: Joan Whitaker\nPhone: 07700 900555\nCall date: 20/03/2026 09:00\n\nThe communal door entry system at Elm Court has not worked for two weeks and anyone can walk in again.\n")
        _ = try await Fixtures.run(["ingest", "notes", "--store", store, fourth])
        let reopened = try await Fixtures.run(["show", "LB-2026-000004", "--store", store])
        #expect(reopened.stdout.contains("Same matter as closed case LB-2026-000001"))
        #expect(reopened.stdout.contains("persistent_contact: Rule \"the same matter raised again within 90 days of its case being closed\""))

        // Arrangements: refused without a future review date; recorded; overdue ones reported.
        let past = try await Fixtures.run(["restrictions", "add", "1", "--reason", "r", "--approved-by", "Head of Housing", "--review-by", "2020-01-01", "--store", store])
        #expect(past.status == 64)
        let add = try await Fixtures.run([
            "restrictions", "add", "1", "--reason", "Daily calls to repairs staff", "--approved-by", "Head of Housing",
            "--review-by", "2099-01-31", "--single-point-of-contact", "J Patel", "--channels", "phone",
            "--vulnerability-check", "Checked: no disclosed needs", "--store", store,
        ])
        #expect(add.status == 0, "\(add.stderr)")
        let overdue = try TestStores.open(store).addRestriction(
            contactId: 2, reason: "Abusive emails", approvedBy: "Director", reviewBy: "2026-01-01", singlePointOfContact: nil,
            channels: [], vulnerabilityCheck: nil, actor: "test"
        )
        let list = try await Fixtures.run(["restrictions", "list", "--store", store])
        #expect(list.stdout.contains("#\(overdue.id) contact #2") && list.stdout.contains("(REVIEW OVERDUE)"))
        #expect(list.stdout.contains("single point of contact: J Patel; applies to phone"))
        #expect(list.stdout.contains("Vulnerability check: NOT RECORDED"))
        let stats = try await Fixtures.run(["stats", "--store", store])
        #expect(stats.stdout.contains("Contact arrangements in force: 2; reviews overdue: 1"))
        #expect(stats.stdout.contains("repeat_of"))
        let fifth = try note("5.txt", "Caller: Joan Whitaker\nPhone: 07700 900555\nCall date: 21/03/2026 09:00\n\nWhen will the fence be replaced?\n")
        _ = try await Fixtures.run(["ingest", "notes", "--store", store, fifth])
        let restricted = try await Fixtures.run(["show", "LB-2026-000005", "--store", store])
        #expect(restricted.stdout.contains("restricted_contact: The contact is under arrangement #1, approved by Head of Housing"))
        let end = try await Fixtures.run(["restrictions", "end", "1", "--reason", "Reviewed", "--store", store])
        #expect(end.status == 0)
        #expect(try await Fixtures.run(["restrictions", "list", "--store", store]).stdout.contains("#1 ") == false)
        let audit = try await Fixtures.offPool {
            try TestStores.open(store).reading { db in
                try db.values("SELECT action FROM audit_log WHERE contact_id IS NOT NULL OR action LIKE 'case_%' ORDER BY id", as: String.self)
            }
        }
        for action in ["contact_merged", "contact_unmerged", "case_closed", "restriction_added", "restriction_ended"] {
            #expect(audit.contains(action), "\(action) in \(audit)")
        }
    }
}

/// Issue 13, defect 7: commands that read a store never create one.
struct MissingStoreTests {
    @Test("Read-only commands on a path with no store say so (exit 66) and create nothing; ingest creates it")
    func readOnlyCommandsDoNotCreateStores() async throws {
        let folder = try Fixtures.temporaryFolder("letterbox-missing-store")
        for arguments in [["list"], ["stats"], ["export", "--format", "jsonl"], ["show", "LB-2026-000001"], ["quarantine", "list"], ["outbox", "list"]] {
            let result = try await Fixtures.run(arguments, in: folder)
            #expect(result.status == 66, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("There is no store at letterbox.sqlite"), "\(arguments)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("letterbox.sqlite").path), "\(arguments) created a store")
        }
        let note = folder.appendingPathComponent("note.txt")
        try "Caller: Joan Whitaker\nPhone: 07700 900555\nCall date: 02/03/2026 09:00\n\nThe door entry at Elm Court is broken.\n"
            .write(to: note, atomically: true, encoding: .utf8)
        #expect(try await Fixtures.run(["ingest", "notes", note.path], in: folder).status == 0)
        #expect(try await Fixtures.run(["list"], in: folder).stdout.contains("LB-2026-000001"))
    }
}

/// Issue 13, defect 3: channel names in options are the names records carry.
struct ChannelOptionTests {
    @Test("restrictions add --channels and list --channel refuse a name that is not a channel, listing the valid ones")
    func unknownChannelNames() async throws {
        let folder = try Fixtures.temporaryFolder("letterbox-channels")
        let note = folder.appendingPathComponent("note.txt")
        try "Caller: Joan Whitaker\nPhone: 07700 900555\nCall date: 02/03/2026 09:00\n\nThe door entry at Elm Court is broken.\n"
            .write(to: note, atomically: true, encoding: .utf8)
        #expect(try await Fixtures.run(["ingest", "notes", note.path], in: folder).status == 0)
        let refused = try await Fixtures.run(
            ["restrictions", "add", "1", "--reason", "r", "--approved-by", "a", "--review-by", "2099-01-01", "--channels", "webform"], in: folder
        )
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("there is no channel \"webform\". The channels are email, web_form, sms, phone."))
        let added = try await Fixtures.run(
            ["restrictions", "add", "1", "--reason", "r", "--approved-by", "a", "--review-by", "2099-01-01", "--channels", "web_form", "--vulnerability-check", "done"],
            in: folder
        )
        #expect(added.status == 0, "\(added.stderr)")
        let list = try await Fixtures.run(["list", "--channel", "webform"], in: folder)
        #expect(list.status == 64 && list.stderr.contains("The channels are"))
        // Only the error: no table header printed before it.
        #expect(list.stdout.isEmpty, "\(list.stdout)")
    }
}

/// Issue 13, defects 8 and 11: what `list` shows, and where its summary goes.
struct ListOutputTests {
    @Test("list shows when the customer made contact (a note's call time), and with output in one file the summary comes last")
    func contactTimeAndOrderedOutput() async throws {
        let folder = try Fixtures.temporaryFolder("letterbox-list")
        for index in 1...30 {
            try "Caller: Person \(index)\nPhone: 07700 900\(100 + index)\nCall date: 02/03/2026 09:\(10 + index)\n\nThe door entry at block \(index) is broken.\n"
                .write(to: folder.appendingPathComponent("note-\(index).txt"), atomically: true, encoding: .utf8)
        }
        #expect(try await Fixtures.run(["ingest", "notes", folder.path], in: folder).status == 0)
        let list = try await Fixtures.run(["list"], in: folder)
        #expect(list.stdout.contains("CONTACTED"))
        #expect(list.stdout.contains("02/03/2026 09:11"))
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "'\(Fixtures.binary.path)' list > out.txt 2>&1"]
        shell.currentDirectoryURL = folder
        try shell.run()
        try await Fixtures.waitForExit(shell)
        let lines = try String(contentsOf: folder.appendingPathComponent("out.txt"), encoding: .utf8).split(separator: "\n")
        #expect(lines.last == "30 record(s)")
        #expect(lines.dropLast().allSatisfy { !$0.contains("record(s)") })
    }
}
