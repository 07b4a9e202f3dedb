import Foundation
import GRDB
import LetterboxStore
import LetterboxTesting
import Testing

/// `letterbox ingest email|mbox|maildir` and `watch --maildir`, run as the built binary, on a
/// SQLite file and on a PostgreSQL database.
struct EmailCommandTests {
    let folder: URL
    var sqliteStore: String { folder.appendingPathComponent("s.sqlite").path }

    init() throws {
        folder = try Fixtures.temporaryFolder("letterbox-email")
    }

    func sample(_ name: String) throws -> Data {
        try Data(contentsOf: Fixtures.samples("email").appendingPathComponent(name))
    }

    @Test(arguments: Backend.allCases)
    func pipeCommitsThenExitsZeroAndKeepsTheEnvelope(_ backend: Backend) async throws {
        let store = try await TestStores.name(backend, sqlitePath: sqliteStore)
        let result = try await Fixtures.run(
            ["ingest", "email", "--store", store, "--sender", "maria.kowalska@example.net", "--recipient", "complaints@example-housing.org.uk"],
            stdin: Data("From maria.kowalska@example.net Fri Apr  3 10:15:00 2026\n".utf8) + sample("01-complaint-plain.eml")
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("LB-2026-000001") || result.stdout.contains("accepted"))
        let metadata = try await TestStores.value(store, "SELECT metadata FROM raw_submissions", as: String.self) ?? ""
        #expect(metadata.contains("complaints@example-housing.org.uk"))
        #expect(metadata.contains("maria.kowalska@example.net"))
        // The stored bytes are the message, without the mbox From line.
        let bytes = try await TestStores.value(store, "SELECT b.data FROM blobs b JOIN raw_submissions r ON r.sha256 = b.sha256", as: Data.self)
        #expect(bytes == (try sample("01-complaint-plain.eml")))
    }

    @Test(arguments: Backend.allCases)
    func unreadableMailIsQuarantinedAndStillExitsZero(_ backend: Backend) async throws {
        let store = try await TestStores.name(backend, sqlitePath: sqliteStore)
        let result = try await Fixtures.run(["ingest", "email", "--store", store], stdin: Data("no headers here, just words\n".utf8))
        #expect(result.status == 0)
        #expect(result.stdout.contains("quarantined"))
        let list = try await Fixtures.run(["quarantine", "list", "--store", store])
        #expect(list.stdout.contains("not an email"))
    }

    @Test func aStoreThatCannotBeWrittenExitsTempFail() async throws {
        let store = sqliteStore
        // Another connection holds the write lock for longer than the busy timeout.
        _ = try SQLiteCaseStore(path: store)
        let blocker = try DatabaseQueue(path: store)
        let message = try sample("01-complaint-plain.eml")
        let result = try await Fixtures.offPool { try blocker.inDatabase { db -> Fixtures.RunResult in
            try db.execute(sql: "BEGIN EXCLUSIVE")
            defer { try? db.execute(sql: "ROLLBACK") }
            return try Fixtures.runWaiting(["ingest", "email", "--store", store], environment: ["LETTERBOX_BUSY_TIMEOUT": "0.2"], stdin: message)
        } }
        #expect(result.status == 75, "\(result.stderr)")
        // A store in a folder that does not exist: also a temporary failure for the mail server.
        let missing = try await Fixtures.run(["ingest", "email", "--store", "/nonexistent/x.sqlite"], stdin: try sample("01-complaint-plain.eml"))
        #expect(missing.status == 75)
    }


    /// The pipe opens the store with one connection, not a pool (which used to put a store in WAL
    /// mode as it opened): a store it creates is in WAL mode from the start, one left in rollback
    /// mode (an old store, or a copy made by hand) is put back, and a pool beside it still reads
    /// and writes while the pipe commits.
    @Test func thePipeKeepsTheStoreInWALMode() async throws {
        let store = sqliteStore
        func journalMode() throws -> String? {
            try DatabaseQueue(path: store).read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        }
        let first = try await Fixtures.run(["ingest", "email", "--store", store], stdin: try sample("01-complaint-plain.eml"))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try journalMode() == "wal")
        func rollbackMode() throws {
            try DatabaseQueue(path: store).writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        }
        try rollbackMode()
        #expect(try journalMode() == "delete")
        let second = try await Fixtures.run(["ingest", "email", "--store", store], stdin: try sample("04-outlook-windows-1252.eml"))
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try journalMode() == "wal")
        // A server's pool holds the store open (a reader and the writer) while the pipe commits.
        let server = try SQLiteCaseStore(path: store)
        #expect(try server.records().count == 2)
        let third = try await Fixtures.run(["ingest", "email", "--store", store], stdin: try sample("03-html-only-webmail.eml"))
        #expect(third.status == 0, "\(third.stderr)")
        #expect(try server.records().count == 3)
    }
    @Test("A file that is not an mbox is refused (exit 65), the first time and every time, and nothing is stored (issue 13, defect 6)", arguments: Backend.allCases)
    func notAnMbox(_ backend: Backend) async throws {
        let store = try await TestStores.name(backend, sqlitePath: sqliteStore)
        let file = folder.appendingPathComponent("message.eml")
        try sample("01-complaint-plain.eml").write(to: file)
        for _ in 0..<2 {
            let result = try await Fixtures.run(["ingest", "mbox", "--store", store, file.path])
            #expect(result.status == 65)
            #expect(result.stderr.contains("is not an mbox file: it does not start with a \"From \" line"))
            #expect(!result.stdout.contains("imported by an earlier run"))
        }
        if backend == .sqlite {
            #expect(!FileManager.default.fileExists(atPath: store))
        } else {
            #expect(try await TestStores.value(store, "SELECT COUNT(*) FROM raw_submissions", as: Int.self) == 0)
        }
        // An empty file is an empty mailbox, not an error.
        let empty = folder.appendingPathComponent("empty.mbox")
        try Data().write(to: empty)
        #expect(try await Fixtures.run(["ingest", "mbox", "--store", store, empty.path]).status == 0)
    }

    @Test(arguments: Backend.allCases)
    func mboxGzipResumeAndNoDuplicates(_ backend: Backend) async throws {
        let store = try await TestStores.name(backend, sqlitePath: sqliteStore)
        // Three messages, mboxrd-quoted, CRLF in one, gzip-compressed.
        var mbox = Data()
        for (index, name) in ["01-complaint-plain.eml", "03-html-only-webmail.eml", "09-councillor.eml"].enumerated() {
            mbox += Data("From sender\(index)@example.com Mon Apr  6 10:00:0\(index) 2026\n".utf8)
            var text = String(decoding: try sample(name), as: UTF8.self)
            if index == 2 { text += "\n>From the ward office\n" }
            mbox += Data(text.utf8) + Data("\n".utf8)
        }
        let plain = folder.appendingPathComponent("box.mbox")
        try mbox.write(to: plain)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", plain.path]
        try gzip.run()
        try await Fixtures.waitForExit(gzip)
        let first = try await Fixtures.run(["ingest", "mbox", "--store", store, "--verbose", plain.path + ".gz"])
        #expect(first.status == 0, "\(first.stderr)")
        // A long import maps large buffers on their own (peak RSS; CMallocTuning).
        #expect(first.stderr.contains("malloc maps buffers from 256 KB"))
        #expect(first.stderr.contains("3 records"))
        // The plain file holds the same messages: all recognised, nothing created twice.
        let second = try await Fixtures.run(["ingest", "mbox", "--store", store, plain.path])
        #expect(second.stderr.contains("0 records"))
        #expect(second.stderr.contains("3 already stored"))
        // Running the plain file again resumes at its end without reading anything.
        let third = try await Fixtures.run(["ingest", "mbox", "--store", store, plain.path])
        #expect(third.stderr.contains("3 imported by an earlier run"))
        #expect(try await TestStores.value(store, "SELECT COUNT(*) FROM records", as: Int.self) == 3)
        #expect(try await TestStores.value(store, "SELECT COUNT(*) FROM raw_submissions", as: Int.self) == 3)
        let unquoted = try await TestStores.value(store, "SELECT document FROM records WHERE document LIKE '%ward office%'", as: String.self)
        #expect(unquoted?.contains("From the ward office") == true)
        #expect(unquoted?.contains(">From the ward office") == false)
    }

    func makeMaildir() throws -> URL {
        let box = folder.appendingPathComponent("Maildir")
        for sub in ["new", "cur", "tmp", ".Archive/new", ".Archive/cur", ".Archive/tmp"] {
            try FileManager.default.createDirectory(at: box.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try sample("01-complaint-plain.eml").write(to: box.appendingPathComponent("new/1712000000.M1P1.host"))
        try sample("04-outlook-windows-1252.eml").write(to: box.appendingPathComponent("cur/1712000001.M2P1.host:2,F"))
        try sample("06-out-of-office.eml").write(to: box.appendingPathComponent(".Archive/new/1712000002.M3P1.host"))
        return box
    }

    @Test(arguments: Backend.allCases)
    func maildirImportMarksSeenOnlyAfterTheCommitAndKeepLeavesItAlone(_ backend: Backend) async throws {
        let store = try await TestStores.name(backend, sqlitePath: sqliteStore)
        let box = try makeMaildir()
        let kept = try await Fixtures.run(["ingest", "maildir", "--keep", "--store", store, box.path])
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(kept.stderr.contains("2 records"))
        #expect(kept.stderr.contains("1 ignored"))
        #expect(FileManager.default.fileExists(atPath: box.appendingPathComponent("new/1712000000.M1P1.host").path))
        let moved = try await Fixtures.run(["ingest", "maildir", "--store", store, box.path])
        #expect(moved.stderr.contains("3 already stored"))
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: box.appendingPathComponent("cur").path))
        #expect(names == ["1712000000.M1P1.host:2,S", "1712000001.M2P1.host:2,FS"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.appendingPathComponent(".Archive/cur").path) == ["1712000002.M3P1.host:2,S"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.appendingPathComponent("new").path).isEmpty)
    }

    @Test(arguments: Backend.allCases)
    func watchTakesEachNewMessageIntoCur(_ backend: Backend) async throws {
        let store = try await TestStores.name(backend, sqlitePath: sqliteStore)
        let box = try makeMaildir()
        let process = Process()
        process.executableURL = Fixtures.binary
        process.arguments = ["watch", "--maildir", box.path, "--store", store]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        #expect(await Fixtures.eventually(timeout: 10) {
            ((try? FileManager.default.contentsOfDirectory(atPath: box.appendingPathComponent("new").path)) ?? ["x"]).isEmpty
        })
        // Delivered the Maildir way: written in tmp/, renamed into new/.
        let tmp = box.appendingPathComponent("tmp/1712000009.M9P1.host")
        try sample("02-forwarded-complaint.eml").write(to: tmp)
        try FileManager.default.moveItem(at: tmp, to: box.appendingPathComponent("new/1712000009.M9P1.host"))
        #expect(await Fixtures.eventually(timeout: 10) {
            FileManager.default.fileExists(atPath: box.appendingPathComponent("cur/1712000009.M9P1.host:2,S").path)
        })
        process.terminate()
        try await Fixtures.waitForExit(process)
        #expect(process.terminationStatus == 0)
        #expect(try await TestStores.value(store, "SELECT COUNT(*) FROM records", as: Int.self) == 2)
    }
}
