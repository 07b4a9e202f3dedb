import Foundation
import GRDB
import LetterboxTesting
import Testing

/// New stores have 4 KB pages; a store made with the old 16 KB pages keeps working, `store
/// check` says so, and the README's conversion gives the same store on 4 KB pages.
struct PageSizeTests {
    @Test("A new store has 4 KB pages; an old 16 KB store works, is named by store check, and converts by the README's steps")
    func oldStoresConvert() async throws {
        try #require(Fixtures.peerAvailable("/usr/bin/sqlite3"), "apt-get install sqlite3 (.ci/run does)")
        let folder = try Fixtures.temporaryFolder("page-size")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fresh = folder.appendingPathComponent("fresh.sqlite").path
        let freshIngest = try await Fixtures.run(["ingest", "notes", Fixtures.samples("phone-notes").path, "--store", fresh])
        #expect(freshIngest.stderr.contains("13 accepted"), "\(freshIngest.stderr)")
        let freshCheck = try await Fixtures.run(["store", "check", "--store", fresh])
        #expect(freshCheck.stdout.contains(", 4 KB pages\n"), "\(freshCheck.stdout)")

        // A store as earlier versions made it: 16 KB pages set before the first table.
        let store = folder.appendingPathComponent("letterbox.sqlite").path
        let old = try DatabaseQueue(path: store)
        try await old.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA page_size = 16384; CREATE TABLE x (y); DROP TABLE x;") }
        try old.close()
        let oldIngest = try await Fixtures.run(["ingest", "notes", Fixtures.samples("phone-notes").path, "--store", store])
        #expect(oldIngest.stderr.contains("13 accepted"), "\(oldIngest.stderr)")
        let before = try await Fixtures.run(["store", "check", "--store", store])
        #expect(before.stdout.contains("16 KB pages (new stores have 4 KB"), "status \(before.status): \(before.stdout)\(before.stderr)")
        let records = try #require(before.stdout.split(separator: "\n").first { $0.contains("records ") })

        // The README's steps 2 and 3, as written there.
        let steps = """
            sqlite3 letterbox.sqlite "PRAGMA page_size = 4096; VACUUM INTO 'letterbox-new.sqlite'"
            chmod 600 letterbox-new.sqlite
            mv letterbox-new.sqlite letterbox.sqlite
            rm -f letterbox.sqlite-wal letterbox.sqlite-shm
            """
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-ec", steps]
        shell.currentDirectoryURL = folder
        try shell.run()
        try await Fixtures.waitForExit(shell)
        #expect(shell.terminationStatus == 0)

        let after = try await Fixtures.run(["store", "check", "--store", store])
        #expect(after.status == 0)
        #expect(after.stdout.contains(", 4 KB pages\n"), "\(after.stdout)")
        #expect(after.stdout.contains(records))
        let list = try await Fixtures.run(["list", "--store", store])
        #expect(list.status == 0 && list.stderr.contains("13 record(s)"), "\(list.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: store)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // And it takes new submissions.
        let note = folder.appendingPathComponent("note.txt")
        try Data("Caller: Ann Lee\nPhone: 07700 900555\n\nThe bin store door is broken.\n".utf8).write(to: note)
        #expect(try await Fixtures.run(["ingest", "notes", note.path, "--store", store]).status == 0)
    }
}
