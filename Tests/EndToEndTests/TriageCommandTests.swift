import Foundation
import LetterboxTesting
import Testing

/// `letterbox triage`, `list --due-before/--overdue` and `show`, run as the built binary on phone
/// notes in a real folder (on SQLite and on PostgreSQL), with a config choosing the Scottish calendar and a preset.
struct TriageCommandTests {
    let folder: URL
    var sqliteStore: String { folder.appendingPathComponent("s.sqlite").path }

    init() throws {
        folder = try Fixtures.temporaryFolder("letterbox-triage")
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("Kinds, flags and due dates shown; an officer's correction changes the dates and is audited; due and overdue lists", arguments: Backend.allCases)
    func triageFromTheCommandLine(_ backend: Backend) async throws {
        let store = try await TestStores.name(backend, sqlitePath: sqliteStore)
        // Fri 28 Nov 2025 16:00; St Andrew's Day falls on Sunday 30 Nov, so Scotland's holiday is Mon 1 Dec.
        let complaint = try write("1.txt", "Caller: Joan Whitaker\nPhone: 07700 900555\nCall date: 28/11/2025 16:00\n\nThe gas engineer missed the appointment again and nobody phoned. Third time.\n")
        let gas = try write("2.txt", "Caller: Tom Nowak\nPhone: 07700 900666\nCall date: 28/11/2025 16:30\n\nCaller can smell gas in the kitchen.\n")
        let config = try write("letterbox.yaml", "calendar:\n  nation: scotland\ntimescales:\n  preset: spso\n")
        let ingest = try await Fixtures.run(["ingest", "notes", "--store", store, "--config", config, complaint, gas])
        #expect(ingest.status == 0, "\(ingest.stderr)")

        let show = try await Fixtures.run(["show", "LB-2026-000001", "--store", store, "--config", config])
        #expect(show.stdout.contains("Kind            complaint: Read as a complaint"))
        #expect(show.stdout.contains("missed the appointment"))
        #expect(show.stdout.contains("Category        failure to provide"))
        // SPSO frontline: respond within 5 working days; 1 December is not one in Scotland.
        #expect(show.stdout.contains("Respond by      08/12/2025 23:59"))
        #expect(show.stdout.contains("Scotland bank holidays"))
        let urgent = try await Fixtures.run(["show", "LB-2026-000002", "--store", store, "--config", config])
        #expect(urgent.stdout.contains("urgent_safety: Possible emergency: gas"))
        #expect(urgent.stdout.contains("Make safe by    29/11/2025 16:30 (London)"))

        // Due by 1 December: the gas report (29 Nov) only; the complaint is due 8 Dec.
        let due = try await Fixtures.run(["list", "--due-before", "2025-12-01", "--store", store, "--config", config])
        #expect(due.stdout.contains("LB-2026-000002") && !due.stdout.contains("LB-2026-000001"))
        // Both dates are long past now, and both cases open.
        let overdue = try await Fixtures.run(["list", "--overdue", "--store", store, "--config", config])
        #expect(overdue.stdout.contains("LB-2026-000001") && overdue.stdout.contains("LB-2026-000002"))

        // An officer reads the complaint as a service request: its complaint clock goes.
        let bad = try await Fixtures.run(["triage", "set", "LB-2026-000001", "--kind", "grumble", "--reason", "x", "--store", store])
        #expect(bad.status == 64)
        let set = try await Fixtures.run(["triage", "set", "LB-2026-000001", "--kind", "service_request", "--category", "", "--reason", "Rebooking, not a complaint: she said so on the phone", "--by", "A. Shah", "--store", store, "--config", config])
        #expect(set.status == 0, "\(set.stderr)")
        let corrected = try await Fixtures.run(["show", "LB-2026-000001", "--store", store, "--config", config])
        #expect(corrected.stdout.contains("Kind            service request: Set by A. Shah: Rebooking"))
        #expect(corrected.stdout.contains("corrected     by A. Shah"))
        #expect(!corrected.stdout.contains("Respond by"))
        #expect(corrected.stdout.contains("triage_corrected"))
        #expect(corrected.stdout.contains("was kind complaint, category failure_to_provide"))

        let eval = try await Fixtures.run(["triage", "eval", "--set", Fixtures.packageRoot.appendingPathComponent("Samples/triage/eval.txt").path])
        #expect(eval.status == 0)
        #expect(eval.stdout.contains("kinds right"))
        #expect(eval.stdout.contains("confusion (rows: labelled, columns: read as)"))
    }
}
