import Foundation
import GRDB
import LetterboxCore
import LetterboxStore
import LetterboxTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `letterbox` on real files, a real watched folder and a real SQLite file (or, for
/// the tests that take a backend, a real PostgreSQL database).
@Suite(.serialized)
struct WatchTests {
    let root: URL
    let inbox: URL
    let sqlitePath: String

    init() throws {
        root = try Fixtures.temporaryFolder("watch")
        inbox = root.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        sqlitePath = root.appendingPathComponent("letterbox.sqlite").path
    }

    func files(in sub: String) -> [String] {
        let url = inbox.appendingPathComponent(sub)
        guard let enumerator = FileManager.default.enumerator(atPath: url.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { name in
                var isFolder: ObjCBool = false
                return FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isFolder) && !isFolder.boolValue
            }.sorted()
    }

    func sample(_ name: String) throws -> Data {
        try Data(contentsOf: Fixtures.samples("phone-notes").appendingPathComponent(name))
    }

    @Test(arguments: Backend.allCases)
    func watchIngestsMovesAndStopsCleanlyOnSIGTERM(_ backend: Backend) async throws {
        let storePath = try await TestStores.name(backend, sqlitePath: sqlitePath)
        // Before the watcher starts: one note already there, and one that was stored by an earlier
        // run that crashed before moving it.
        try sample("01-repair-delay-complaint.txt").write(to: inbox.appendingPathComponent("01.txt"))
        try sample("03-compliment-caretaker.txt").write(to: inbox.appendingPathComponent("already-stored.txt"))
        let earlier = try await Fixtures.run(["ingest", "notes", inbox.appendingPathComponent("already-stored.txt").path, "--store", storePath])
        #expect(earlier.status == 0)

        let process = Process()
        process.executableURL = Fixtures.binary
        process.arguments = ["watch", inbox.path, "--store", storePath, "--settle", "1"]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LETTERBOX_") }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // Notes arrive: a normal one, a malformed one, one in UTF-16, things to skip, a link out.
        try sample("05-councillor-for-tenant.txt").write(to: inbox.appendingPathComponent("05.txt"))
        try sample("13-malformed-no-details.txt").write(to: inbox.appendingPathComponent("13.txt"))
        try sample("07-utf16le-welsh.txt").write(to: inbox.appendingPathComponent("07.txt"))
        try Data("hidden".utf8).write(to: inbox.appendingPathComponent(".hidden.txt"))
        try Data("lock".utf8).write(to: inbox.appendingPathComponent("~$note.docx"))
        try Data("partial".utf8).write(to: inbox.appendingPathComponent("saving.tmp"))
        try FileManager.default.createSymbolicLink(atPath: inbox.appendingPathComponent("link.txt").path, withDestinationPath: "/etc/hostname")

        // A note written slowly in pieces: it must not be read half-written.
        let slow = inbox.appendingPathComponent("slow.txt")
        let slowText = Array(try sample("02-damp-mould-crlf.txt"))
        #expect(FileManager.default.createFile(atPath: slow.path, contents: nil))
        let handle = try FileHandle(forWritingTo: slow)
        let pieces = stride(from: 0, to: slowText.count, by: 120).map { Array(slowText[$0..<min($0 + 120, slowText.count)]) }
        // On a thread of its own, so the pauses are 0.3 s of wall time however busy the pool is.
        let takenEarly = try await Fixtures.offPool {
            var taken = false
            for piece in pieces {
                try handle.write(contentsOf: Data(piece))
                usleep(300_000)
                if !FileManager.default.fileExists(atPath: slow.path) { taken = true }
            }
            try handle.close()
            return taken
        }
        #expect(!takenEarly, "the watcher took a note that was still being written")

        let done = await Fixtures.eventually(timeout: 30) {
            files(in: "processed").count == 5 && files(in: "failed").count == 4
        }
        #expect(done, "processed: \(files(in: "processed")), failed: \(files(in: "failed"))")
        #expect(kill(process.processIdentifier, SIGTERM) == 0)
        try await Fixtures.waitForExit(process)
        #expect(process.terminationStatus == 0)

        // Skipped files are untouched; the folder holds nothing else.
        let left = try FileManager.default.contentsOfDirectory(atPath: inbox.path).sorted()
        #expect(left == [".hidden.txt", "failed", "processed", "saving.tmp", "~$note.docx"])

        let store = try TestStores.open(storePath)
        let records = try store.records()
        #expect(records.count == 5, "01, 03 (once, though it arrived twice), 05, 07, slow")
        #expect(Set(records.map(\.subject)).contains("Black mould in baby's bedroom"))
        let slowRecord = try #require(records.first { $0.subject == "Black mould in baby's bedroom" })
        #expect(slowRecord.body.hasSuffix("damp and mould team as urgent."))
        #expect(try store.submissions(.quarantined).count == 2)
        let failedText = try String(contentsOf: inbox.appendingPathComponent("failed/13.txt.error.txt"), encoding: .utf8)
        #expect(failedText.contains("does not start with the caller's details"))
        let linkText = try String(contentsOf: inbox.appendingPathComponent("failed/link.txt.error.txt"), encoding: .utf8)
        #expect(linkText.contains("outside the watched folder"))
        // The link itself was moved, not the file it points to.
        #expect(FileManager.default.fileExists(atPath: "/etc/hostname"))
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stdout.contains("redelivery"))
    }

    @Test(arguments: Backend.allCases)
    func aCrashBetweenRawAndRecordLosesNothingAndDuplicatesNothing(_ backend: Backend) async throws {
        let storePath = try await TestStores.name(backend, sqlitePath: sqlitePath)
        let file = inbox.appendingPathComponent("note.txt")
        try sample("04-suggestion-bike-storage.txt").write(to: file)
        let crashed = try await Fixtures.run(["ingest", "notes", file.path, "--store", storePath], environment: ["LETTERBOX_FAULT": "kill-after-raw"])
        #expect(crashed.terminatedBySignal)
        #expect(crashed.status == SIGKILL)
        do {
            let store = try TestStores.open(storePath)
            #expect(try store.records().isEmpty)
            #expect(try store.submissions(.pending).count == 1, "the raw bytes were committed before the crash")
        }
        let again = try await Fixtures.run(["ingest", "notes", file.path, "--store", storePath])
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("accepted"))
        let third = try await Fixtures.run(["ingest", "notes", file.path, "--store", storePath])
        #expect(third.stdout.hasPrefix("redelivery"))
        let store = try TestStores.open(storePath)
        #expect(try store.records().count == 1)
        #expect(try store.submissions(.pending).isEmpty)
        #expect(try await TestStores.value(storePath, "SELECT COUNT(*) FROM raw_submissions", as: Int.self) == 2)
    }

    @Test func aLockedStoreExitsTempFail() async throws {
        let storePath = sqlitePath
        try sample("01-repair-delay-complaint.txt").write(to: inbox.appendingPathComponent("01.txt"))
        _ = try TestStores.open(storePath)
        let blocker = try DatabaseQueue(path: storePath)
        let result = try await Fixtures.offPool { try blocker.inDatabase { db -> Fixtures.RunResult in
            try db.execute(sql: "BEGIN EXCLUSIVE")
            defer { try? db.execute(sql: "ROLLBACK") }
            return try Fixtures.runWaiting(
                ["ingest", "notes", inbox.appendingPathComponent("01.txt").path, "--store", storePath],
                environment: ["LETTERBOX_BUSY_TIMEOUT": "0.5"]
            )
        } }
        #expect(result.status == 75)
        #expect(result.stderr.contains("locked"))
    }

    @Test func aFolderThatCannotBeWrittenExitsIOError() async throws {
        let storePath = sqlitePath
        let locked = root.appendingPathComponent("readonly")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        // Root ignores file modes, so make the folder immutable instead.
        let immutable = getuid() == 0
        if immutable {
            let chattr = Process()
            chattr.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
            chattr.arguments = ["+i", locked.path]
            try chattr.run()
            try await Fixtures.waitForExit(chattr)
            try #require(chattr.terminationStatus == 0, "chattr +i is needed to make a folder unwritable for root")
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked.path)
        }
        defer {
            if immutable {
                let chattr = Process()
                chattr.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
                chattr.arguments = ["-i", locked.path]
                try? chattr.run()
                chattr.waitUntilExit()
            }
        }
        let result = try await Fixtures.run(["watch", locked.path, "--store", storePath])
        #expect(result.status == 74)
        #expect(result.stderr.contains(locked.path))
    }

    @Test(arguments: Backend.allCases)
    func oneShotIngestReportsEachFileAndExitsDataErrorOnQuarantine(_ backend: Backend) async throws {
        let storePath = try await TestStores.name(backend, sqlitePath: sqlitePath)
        let result = try await Fixtures.run(["ingest", "notes", Fixtures.samples("phone-notes").path, "--store", storePath])
        #expect(result.status == 65, "the malformed sample is quarantined")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == Fixtures.sampleFiles("phone-notes").count)
        #expect(lines.filter { $0.hasPrefix("quarantined") }.count == 1)
        // Files named on the command line are left where they are.
        #expect(FileManager.default.fileExists(atPath: Fixtures.samples("phone-notes").appendingPathComponent("01-repair-delay-complaint.txt").path))

        let list = try await Fixtures.run(["list", "--store", storePath, "--json"])
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").count == lines.count - 1)
        let csv = try await Fixtures.run(["export", "--format", "csv", "--store", storePath])
        #expect(csv.stdout.hasPrefix(RecordExport.csvHeader + "\r\n"))
        let jsonl = try await Fixtures.run(["export", "--format", "jsonl", "--store", storePath])
        let first = try Timestamp.jsonDecoder().decode(FeedbackRecord.self, from: Data(jsonl.stdout.split(separator: "\n")[0].utf8))
        #expect(first.reference == "LB-\(Calendar(identifier: .gregorian).component(.year, from: Date()))-000001")
        let raw = try await Fixtures.run(["show", first.reference, "--raw", "--store", storePath])
        #expect(raw.stdout == String(decoding: try sample("01-repair-delay-complaint.txt"), as: UTF8.self))
        let quarantine = try await Fixtures.run(["quarantine", "list", "--store", storePath])
        #expect(quarantine.stdout.contains("13-malformed-no-details.txt"))
        let missing = try await Fixtures.run(["show", "LB-1999-000001", "--store", storePath])
        #expect(missing.status == 66)
        let usage = try await Fixtures.run(["list", "--since", "not a date", "--store", storePath])
        #expect(usage.status == 64)
    }

    @Test func storeLocationComesFromFlagEnvironmentOrConfigFile() async throws {
        let note = inbox.appendingPathComponent("n.txt")
        try sample("03-compliment-caretaker.txt").write(to: note)
        try "store: from-config.sqlite\nreference:\n  prefix: CFG\n".write(
            to: root.appendingPathComponent("letterbox.yaml"), atomically: true, encoding: .utf8)
        let viaConfig = try await Fixtures.run(["ingest", "notes", note.path], in: root)
        #expect(viaConfig.status == 0)
        #expect(viaConfig.stdout.contains("CFG-"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("from-config.sqlite").path))
        let viaEnvironment = try await Fixtures.run(["ingest", "notes", note.path], environment: ["LETTERBOX_STORE": "from-env.sqlite"], in: root)
        #expect(viaEnvironment.status == 0)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("from-env.sqlite").path))
        let viaFlag = try await Fixtures.run(
            ["ingest", "notes", note.path, "--store", "from-flag.sqlite"], environment: ["LETTERBOX_STORE": "from-env.sqlite"], in: root)
        #expect(viaFlag.status == 0)
        #expect(viaFlag.stdout.hasPrefix("accepted"), "a different store, so not a redelivery")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("from-flag.sqlite").path))
    }

    @Test(arguments: Backend.allCases)
    func oversizedAndEmptyAndBinaryNotesAreQuarantinedWithReasons(_ backend: Backend) async throws {
        let storePath = try await TestStores.name(backend, sqlitePath: sqlitePath)
        try Data().write(to: inbox.appendingPathComponent("empty.txt"))
        try Data([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]).write(to: inbox.appendingPathComponent("photo.txt"))
        try Data(("Caller: A\n\n" + String(repeating: "x", count: 2_000)).utf8).write(to: inbox.appendingPathComponent("big.txt"))
        try Data("Caller: B\nPhone: 07700 900111\n\n   \n".utf8).write(to: inbox.appendingPathComponent("nobody.txt"))
        let result = try await Fixtures.run(["ingest", "notes", inbox.path, "--store", storePath], environment: ["LETTERBOX_NOTES_MAX_BYTES": "1000"])
        #expect(result.status == 65)
        let reasons = try TestStores.open(storePath).submissions(.quarantined).map { ($0.source as NSString).lastPathComponent + " " + ($0.errorCode ?? "") }
        #expect(reasons.sorted() == ["big.txt too_large", "empty.txt empty", "nobody.txt malformed", "photo.txt binary"])
    }
}
