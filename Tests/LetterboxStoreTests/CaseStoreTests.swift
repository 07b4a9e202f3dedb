import Foundation
import GRDB
import LetterboxCore
import LetterboxPhoneNotes
import LetterboxStore
import LetterboxTesting
import Synchronization
import Testing

/// The store on a real SQLite file in a temporary folder and on a real PostgreSQL database: the
/// tests that take a backend make the same assertions of both; the rest are about SQLite's file.
struct CaseStoreTests {
    let folder: URL

    init() throws {
        folder = try Fixtures.temporaryFolder("store")
    }

    func store(_ backend: Backend, options: SQLiteCaseStore.Options = SQLiteCaseStore.Options()) throws -> any CaseStore {
        try TestStores.make(backend, "store", options: options)
    }

    /// A count of rows, asked of either store.
    func count(_ store: any CaseStore, _ sql: String, _ arguments: SQLArguments = []) throws -> Int? {
        try store.reading { db in try db.value(sql, arguments, as: Int.self) }
    }

    func note(_ text: String, at date: Date = Date(), source: String = "note.txt") -> RawSubmission {
        RawSubmission(channel: .phone, source: source, receivedAt: date, bytes: Data(text.utf8))
    }

    static let good = "Caller: Jane Smith\nPhone: 07700 900123\nTenancy ref: T-1\n\nThe gutter is leaking.\n"

    @Test func storeFileIsOwnerOnlyAndInWALMode() throws {
        let store = try SQLiteCaseStore(path: folder.appendingPathComponent("letterbox.sqlite").path)
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let queue = try DatabaseQueue(path: store.path)
        #expect(try queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
    }

    /// A batch read before the commit (an import's, a server's) is one transaction: its raw
    /// bytes and records reach the disk together, with one sync. Submissions not yet read still
    /// have their raw bytes committed first, before any decoder runs.
    @Test func aBatchReadBeforeTheCommitIsOneTransaction() throws {
        let statements = Mutex<[String]>([])
        var options = SQLiteCaseStore.Options()
        options.statementObserver = { sql in statements.withLock { $0.append(sql) } }
        let store = try SQLiteCaseStore(path: folder.appendingPathComponent("letterbox.sqlite").path, options: options)
        let intake = Intake(store: store, decoders: [PhoneNoteDecoder()])
        func commits(_ body: () throws -> [IntakeOutcome]) throws -> (Int, [Disposition]) {
            statements.withLock { $0 = [] }
            let outcomes = try body()
            return (statements.withLock { $0.filter { $0.hasPrefix("COMMIT") }.count }, outcomes.map(\.disposition))
        }
        let other = "Caller: Ann Lee\nPhone: 07700 900456\n\nThe bins were not collected.\n"
        let broken = "Phone: 07700 900789\n"
        let prepared = try commits { try intake.commit(intake.prepare([note(Self.good), note(other, source: "b.txt"), note(broken, source: "c.txt")])) }
        #expect(prepared.0 == 1)
        #expect(prepared.1 == [.accepted, .accepted, .quarantined])
        let plain = try commits { try intake.ingest([note(Self.good + "Again.\n", source: "d.txt")]) }
        #expect(plain.0 == 2)
        #expect(plain.1 == [.accepted])
        #expect(try store.submissions(.pending).isEmpty)
    }

    /// A record the store refuses (here a trigger's ABORT, as a constraint would) is undone
    /// alone, in its savepoint: the batch's other records commit, nothing the refused one had
    /// written stays (its contact, its audit line, its record), its submission goes to quarantine
    /// with the store's reason, and the next batch commits as usual.
    @Test func aRecordTheStoreRefusesIsUndoneAlone() throws {
        let path = folder.appendingPathComponent("letterbox.sqlite").path
        let savepoints = Mutex(0)
        var options = SQLiteCaseStore.Options()
        options.statementObserver = { sql in if sql.hasPrefix("SAVEPOINT letterbox_record") { savepoints.withLock { $0 += 1 } } }
        let store = try SQLiteCaseStore(path: path, options: options)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse_for_test BEFORE INSERT ON records WHEN NEW.document LIKE '%cellar door%'
                BEGIN SELECT RAISE(ABORT, 'refused for the test'); END
                """)
        }
        let intake = Intake(store: store, decoders: [PhoneNoteDecoder()])
        let refused = "Caller: Rhys Owen\nPhone: 07700 900777\n\nThe cellar door is stuck.\n"
        let other = "Caller: Ann Lee\nPhone: 07700 900456\n\nThe bins were not collected.\n"
        let outcomes = try intake.commit(intake.prepare([note(Self.good), note(refused, source: "b.txt"), note(other, source: "c.txt")]))
        #expect(outcomes.map(\.disposition) == [.accepted, .quarantined, .accepted])
        #expect(outcomes[1].reason?.contains("refused for the test") == true, "\(outcomes[1])")
        // Run first with no savepoint per record, then again with one for each of the three.
        #expect(savepoints.withLock { $0 } == 3)
        #expect(try count(store, "SELECT count(*) FROM records") == 2)
        #expect(try count(store, "SELECT count(*) FROM contacts") == 2)
        #expect(try count(store, "SELECT count(*) FROM contacts WHERE name LIKE '%Rhys%'") == 0)
        #expect(try count(store, "SELECT count(*) FROM audit_log WHERE raw_submission_id = ? AND action <> 'quarantined'", [outcomes[1].rawSubmissionId]) == 0)
        let later = try intake.commit(intake.prepare([note("Caller: Mo Khan\nPhone: 07700 900321\n\nThe lift is out.\n", source: "d.txt")]))
        #expect(later.map(\.disposition) == [.accepted])
        #expect(savepoints.withLock { $0 } == 3, "a batch nothing refuses needs no savepoint per record")
        #expect(try count(store, "SELECT count(*) FROM records") == 3)
    }

    /// A known key is found through the record it made or, when it made none (pending, in
    /// quarantine, ignored), through an index of those alone: no index of every submission's key
    /// (v13), and the lookup reads no table through.
    @Test func knownKeysAreFoundWithoutAnIndexOfEveryKey() throws {
        let statements = Mutex<[String]>([])
        var options = SQLiteCaseStore.Options()
        options.statementObserver = { sql in statements.withLock { $0.append(sql) } }
        let path = folder.appendingPathComponent("letterbox.sqlite").path
        let store = try SQLiteCaseStore(path: path, options: options)
        let intake = Intake(store: store, decoders: [PhoneNoteDecoder()])
        let broken = "Phone: 07700 900789\n"
        let first = try intake.ingest([note(Self.good), note(broken, source: "c.txt")])
        #expect(first.map(\.disposition) == [.accepted, .quarantined])
        let again = try intake.ingest([note(Self.good, source: "copy.txt"), note(broken, source: "copy-c.txt")])
        #expect(again.map(\.disposition) == [.redelivery, .redelivery])
        #expect(again.map(\.originalSubmissionId) == first.map(\.rawSubmissionId))
        let queue = try DatabaseQueue(path: path)
        let indexes = try queue.read { try String.fetchAll($0, sql: "SELECT name FROM pragma_index_list('raw_submissions')") }
        #expect(!indexes.contains("raw_submissions_by_key") && indexes.contains("raw_submissions_unsettled_by_key"))
        let lookups = statements.withLock { $0.filter { $0.contains("idempotency_key = ?") && $0.hasPrefix("SELECT") } }
        #expect(lookups.count >= 2)
        let plan = try queue.read { db in
            try lookups.flatMap { try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + $0, arguments: ["key"]).map { $0["detail"] as String } }
        }
        #expect(plan.contains { $0.contains("USING INDEX raw_submissions_unsettled_by_key (idempotency_key=?)") }, "\(plan)")
        #expect(plan.contains { $0.contains("USING INDEX sqlite_autoindex_records_") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN r") }, "\(plan)")
    }

    /// Every commit reaches the disk before it is acknowledged: the writer syncs the WAL at each
    /// commit (`synchronous = FULL`, 2), not only at checkpoints (NORMAL, 1, GRDB's choice for a
    /// pool in WAL mode, which once overrode the store's own setting).
    @Test func theWriterSyncsEveryCommit() throws {
        let store = try SQLiteCaseStore(path: folder.appendingPathComponent("letterbox.sqlite").path)
        #expect(try store.writerPragma("synchronous") == 2)
        _ = try Intake(backend: store, decoders: [PhoneNoteDecoder()]).ingest([note(Self.good)])
        #expect(try store.writerPragma("synchronous") == 2)
    }

    /// After a batch the writer's page cache is trimmed, not emptied: the pages used last (the
    /// indexes' interior pages, which every lookup passes through) stay for the next batch.
    @Test func theWritersCacheIsTrimmedNotEmptied() throws {
        let store = try SQLiteCaseStore(path: folder.appendingPathComponent("letterbox.sqlite").path)
        let intake = Intake(backend: store, decoders: [PhoneNoteDecoder()])
        let notes = (0..<300).map { n in
            note("Phone: 07700 9\(String(format: "%05d", n))\nName: Caller \(n)\n\nCaller said the light on floor \(n % 9) of block \(n) is out again.\n", source: "n\(n).txt")
        }
        #expect(try intake.ingest(notes).allSatisfy { $0.disposition == .accepted })
        let trimmed = store.trimWriterCache(to: 64 << 10)
        #expect(trimmed.before > 256 << 10, "\(trimmed)")
        #expect(trimmed.after <= 80 << 10 && trimmed.after > 16 << 10, "\(trimmed)")
        // The cache may grow again to its full size within a batch.
        #expect(try store.writerPragma("cache_size") == -65536)
        #expect(store.trimWriterCache(to: 64 << 20).after == trimmed.after)
    }

    /// The WAL is checkpointed once it holds 16 MB, in the store's own pages: 4,096 of a new
    /// store's 4 KB pages (SQLite's default of 1,000 would checkpoint every 4 MB), 1,024 of an
    /// older store's 16 KB pages.
    /// (With the store open in a long-running process the checkpoint runs beside the writer, at
    /// the same size; a one-message process's commit runs it, as SQLite's own hook does.)
    @Test func theWALIsCheckpointedEvery16MB() throws {
        let store = try SQLiteCaseStore(path: folder.appendingPathComponent("letterbox.sqlite").path)
        #expect(try store.writerPragma("page_size") == 4096)
        #expect(store.checkpointer?.thresholdPages == 4096)
        // The hook that asks the checkpointer replaced SQLite's automatic one.
        #expect(try store.writerPragma("wal_autocheckpoint") == 0)
        var oneMessage = SQLiteCaseStore.Options()
        oneMessage.singleConnection = true
        let pipe = try SQLiteCaseStore(path: folder.appendingPathComponent("pipe.sqlite").path, options: oneMessage)
        #expect(pipe.checkpointer == nil)
        #expect(try pipe.writerPragma("wal_autocheckpoint") == 4096)
        let olderPath = folder.appendingPathComponent("older.sqlite").path
        let queue = try DatabaseQueue(path: olderPath)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA page_size = 16384; CREATE TABLE t (x); DROP TABLE t;") }
        try queue.close()
        let older = try SQLiteCaseStore(path: olderPath)
        #expect(try older.writerPragma("page_size") == 16384)
        #expect(older.checkpointer?.thresholdPages == 1024)
    }

    /// The checkpoints run beside the writer: the commit that fills the WAL only asks, another
    /// connection copies it back, and the WAL starts again from its beginning at the next commit
    /// after a checkpoint that copied all of it. A checkpoint that a later commit overtook copies
    /// less than all, and the WAL goes on growing until the next one (on a slow machine several in
    /// a row: CI saw 438 pages with a limit of 128); the writer catches up itself at four times the
    /// limit. So the bound the design promises is that, and a batch: compared here with the same
    /// batches in a store whose WAL nothing checkpoints.
    @Test func theWALIsCheckpointedBesideTheWriter() throws {
        func run(_ name: String, checkpointBytes: Int) throws -> (largestWAL: Int, checkpointer: WALCheckpointer) {
            var options = SQLiteCaseStore.Options()
            options.walCheckpointBytes = checkpointBytes
            let store = try SQLiteCaseStore(path: folder.appendingPathComponent(name).path, options: options)
            let checkpointer = try #require(store.checkpointer)
            let intake = Intake(backend: store, decoders: [PhoneNoteDecoder()])
            var largestWAL = 0
            for batch in 0..<100 {
                let notes = (0..<10).map { n in
                    note("Phone: 07700 9\(String(format: "%05d", batch * 10 + n))\nName: Caller \(batch) \(n)\n\nCaller said the light on floor \(n) of block \(batch) is out.\n", source: "b\(batch)-\(n).txt")
                }
                #expect(try intake.ingest(notes).allSatisfy { $0.disposition == .accepted })
                checkpointer.waitUntilIdle()
                let wal = (try? FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int) ?? 0
                largestWAL = max(largestWAL, wal)
            }
            let queue = try DatabaseQueue(path: store.path)
            #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM records") } == 1000)
            return (largestWAL, checkpointer)
        }
        let frame = 4096 + 24
        let (checkpointed, checkpointer) = try run("letterbox.sqlite", checkpointBytes: 512 << 10)
        #expect(checkpointer.thresholdPages == 128)
        #expect(checkpointer.backgroundRuns >= 3, "\(checkpointer.backgroundRuns)")
        let (unchecked, none) = try run("unchecked.sqlite", checkpointBytes: 1 << 30)
        #expect(none.backgroundRuns == 0 && none.writerRuns == 0)
        // Nothing checkpointed: the WAL holds every page the batches dirtied, far past the bound.
        let bound = (Int(WALCheckpointer.catchUpFactor) + 1) * 128 * frame
        #expect(unchecked > 2 * bound, "\(unchecked)")
        // Checkpointed beside the writer: within the bound, the WAL reused.
        #expect(checkpointed <= bound, "\(checkpointed)")
    }

    /// A one-message store closes its connection as it goes (its queue is kept, closed, so that
    /// GRDB's deinit does not start Foundation's NotificationCenter in a process about to exit):
    /// no file of the store stays open, and the next store opens it as usual.
    @Test func aOneMessageStoreClosesItsFilesAsItGoes() throws {
        let path = folder.appendingPathComponent("closing.sqlite").path
        var oneMessage = SQLiteCaseStore.Options()
        oneMessage.singleConnection = true
        func openFiles() -> Int {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            return fds.filter { fd in
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd)) ?? ""
                return target == path || target == path + "-wal" || target == path + "-shm"
            }.count
        }
        for n in 0..<3 {
            do {
                let store = try SQLiteCaseStore(path: path, options: oneMessage)
                let intake = Intake(backend: store, decoders: [PhoneNoteDecoder()])
                #expect(try intake.ingest([note("Phone: 07700 90000\(n)\nName: Caller\n\nCaller said the hall light is out.\n", source: "c\(n).txt")])[0].disposition == .accepted)
                #expect(openFiles() >= 2)
            }
            #expect(openFiles() == 0)
        }
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM records") } == 3)
    }

    /// A process that commits one message (the mail pipe) leaves the WAL behind when it closes
    /// the store, instead of copying it into the store with three more syncs; whoever opens the
    /// store next reads the records there. Once the WAL holds ``SQLiteCaseStore/oneMessageWALBytes``
    /// the store that closes copies it in and empties it, so it stays within that and a message.
    @Test func aOneMessageStoreKeepsItsWALUntilItIsFull() throws {
        let path = folder.appendingPathComponent("pipe.sqlite").path
        var oneMessage = SQLiteCaseStore.Options()
        oneMessage.singleConnection = true
        func walBytes() -> Int { (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? -1 }
        // A store per message, as the pipe opens one per process, closed before the next.
        func commitOne(_ n: Int, _ text: String) throws {
            let store = try SQLiteCaseStore(path: path, options: oneMessage)
            let intake = Intake(backend: store, decoders: [PhoneNoteDecoder()])
            #expect(try intake.ingest([note("Phone: 07700 9\(String(format: "%05d", n))\n" + text, source: "n\(n).txt")])[0].disposition == .accepted)
        }
        var sizes: [Int] = []
        for n in 0..<40 {
            try commitOne(n, "Name: Caller \(n)\n\nCaller said the bath panel in flat \(n) has come off.\n")
            sizes.append(walBytes())
        }
        // Kept after the first close, never past the limit and a message, emptied at least once.
        #expect(sizes[0] > 0, "\(sizes)")
        #expect(sizes.allSatisfy { $0 >= 0 && $0 < SQLiteCaseStore.oneMessageWALBytes + (256 << 10) }, "\(sizes)")
        #expect(sizes.contains(0), "\(sizes)")
        // Every record is there for a reader that opens the store afterwards, WAL and all.
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM records") } == 40)

        // While another process reads (as a `serve` beside the pipe would), a full WAL is left to
        // it: the closing store does not wait out its busy timeout (20 s here) for the reader.
        oneMessage.busyTimeout = 20
        var holding = Configuration()
        holding.allowsUnsafeTransactions = true
        let reader = try DatabaseQueue(path: path, configuration: holding)
        try reader.inDatabase { db in try db.execute(sql: "BEGIN; SELECT COUNT(*) FROM records;") }
        let started = Date()
        for n in 40..<60 { try commitOne(n, "\nThe gate is broken at \(n).\n") }
        #expect(walBytes() >= SQLiteCaseStore.oneMessageWALBytes)
        #expect(Date().timeIntervalSince(started) < 10)
        try reader.inDatabase { db in try db.execute(sql: "ROLLBACK") }
    }

    @Test(arguments: Backend.allCases)
    func acceptedThenRedeliveredKeepsOneRecord(_ backend: Backend) throws {
        let store = try store(backend)
        let intake = Intake(backend: store, decoders: [PhoneNoteDecoder()])
        let first = try intake.ingest([note(Self.good)])[0]
        #expect(first.disposition == .accepted)
        let reference = try #require(first.reference)
        #expect(reference.hasPrefix("LB-"))
        let again = try intake.ingest([note(Self.good, source: "copy.txt")])[0]
        #expect(again.disposition == .redelivery)
        #expect(again.reference == reference)
        #expect(again.originalSubmissionId == first.rawSubmissionId)
        #expect(try store.records().count == 1)
        let record = try #require(try store.record(reference: reference))
        #expect(record.contact.phone?.e164 == "+447700900123")
        #expect(record.body == "The gutter is leaking.")
        let actions = try store.auditTrail(recordId: record.id).map(\.action)
        #expect(actions == ["contact_created", "accepted"])
        #expect(try store.auditTrail(rawSubmissionId: again.rawSubmissionId).map(\.action) == ["redelivery"])
    }

    @Test(arguments: Backend.allCases)
    func sameKeyTwiceInOneBatchIsOneRecord(_ backend: Backend) throws {
        let store = try store(backend)
        let intake = Intake(backend: store, decoders: [PhoneNoteDecoder()])
        let outcomes = try intake.ingest([note(Self.good), note(Self.good)])
        #expect(outcomes.map(\.disposition) == [.accepted, .redelivery])
        #expect(outcomes[1].reference == outcomes[0].reference)
        #expect(try store.records().count == 1)
    }

    /// A record that arrives on a whole second is listed before those that arrive later in that
    /// second, and a time window that starts on that second holds them all. (Written `…:00Z`
    /// beside `…:00.250Z`, it sorted after them: "Z" comes after ".".)
    @Test(arguments: Backend.allCases)
    func recordsOnAWholeSecondSortInTimeOrder(_ backend: Backend) throws {
        let store = try store(backend)
        let intake = Intake(backend: store, decoders: [PhoneNoteDecoder()])
        let second = try #require(Timestamp.date("2026-12-04T09:30:00Z"))
        let arrivals: [(offset: Double, name: String, phone: String)] = [
            (0, "Ann Lee", "07700 900101"), (0.25, "Bob Hall", "07700 900102"), (1, "Cat Rowe", "07700 900103"), (0.999, "Dan Shaw", "07700 900104"),
        ]
        for arrival in arrivals {
            let text = "Caller: \(arrival.name)\nPhone: \(arrival.phone)\n\nThe gutter at \(arrival.name)'s is leaking.\n"
            #expect(try intake.ingest([note(text, at: second.addingTimeInterval(arrival.offset), source: "\(arrival.name).txt")])[0].disposition == .accepted)
        }
        #expect(try store.records().map(\.contact.name) == ["Ann Lee", "Bob Hall", "Dan Shaw", "Cat Rowe"])
        #expect(try store.records(since: second).count == 4)
        #expect(try store.records(since: second.addingTimeInterval(0.5)).map(\.contact.name) == ["Dan Shaw", "Cat Rowe"])
        let stored = try store.reading { db in try db.values("SELECT received_at FROM records ORDER BY received_at", [], as: String.self) }
        #expect(stored == ["2026-12-04T09:30:00.000Z", "2026-12-04T09:30:00.250Z", "2026-12-04T09:30:00.999Z", "2026-12-04T09:30:01.000Z"])
        // The export contract keeps its form: no milliseconds on a whole second.
        #expect(try store.records().first.map { Timestamp.string($0.receivedAt) } == "2026-12-04T09:30:00Z")
    }

    /// A store written before v15 has its whole seconds in the short form; opening it rewrites
    /// them, so that they sort among the rest.
    @Test func wholeSecondsStoredBeforeV15AreRewritten() throws {
        let path = folder.appendingPathComponent("letterbox.sqlite").path
        do {
            let store = try SQLiteCaseStore(path: path)
            let intake = Intake(store: store, decoders: [PhoneNoteDecoder()])
            _ = try intake.ingest([note(Self.good, at: try #require(Timestamp.date("2026-12-04T09:30:00Z")))])
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "UPDATE records SET received_at = '2026-12-04T09:30:00Z', acknowledge_by = '2026-12-11T23:59:59Z', contacted_at = '2026-12-04T09:00:00Z'")
            try db.execute(sql: "UPDATE raw_submissions SET received_at = '2026-12-04T09:30:00Z'")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v15-times-with-milliseconds'")
        }
        try queue.close()
        let store = try SQLiteCaseStore(path: path)
        let row = try store.reading { db in try db.row("SELECT r.received_at, r.acknowledge_by, r.contacted_at, s.received_at AS raw FROM records r JOIN raw_submissions s ON s.id = r.raw_submission_id", []) }
        #expect(row?["received_at"] == "2026-12-04T09:30:00.000Z")
        #expect(row?["acknowledge_by"] == "2026-12-11T23:59:59Z", "a due date: read at most a second late, left as it was")
        #expect(row?["raw"] == "2026-12-04T09:30:00.000Z")
        #expect(row?["contacted_at"] == "2026-12-04T09:00:00Z", "no query reads it: left as it was")
    }

    /// A decoder that cannot read anything: stands in for a decoder bug fixed in a later release.
    struct BrokenDecoder: SubmissionDecoder {
        var channel: Channel { .phone }
        func decode(_ submission: RawSubmission) throws -> Decoded {
            throw IntakeError(.malformed, "This build cannot read phone notes.")
        }
    }

    @Test(arguments: Backend.allCases)
    func quarantinedBytesAreKeptAndRetriedAfterAFix(_ backend: Backend) throws {
        let store = try store(backend)
        let broken = Intake(backend: store, decoders: [BrokenDecoder()])
        let outcome = try broken.ingest([note(Self.good)])[0]
        #expect(outcome.disposition == .quarantined)
        #expect(outcome.reason == "This build cannot read phone notes.")
        let stored = try #require(try store.rawSubmission(id: outcome.rawSubmissionId))
        #expect(try store.blob(sha256: stored.sha256) == Data(Self.good.utf8))
        #expect(try store.submissions(.quarantined).map(\.id) == [outcome.rawSubmissionId])
        // The same bytes again are a redelivery of the quarantined submission, still not a record.
        let again = try broken.ingest([note(Self.good)])[0]
        #expect(again.disposition == .redelivery)
        #expect(again.errorCode == "malformed")
        // Retrying with a decoder that works turns it into a record on the same submission.
        let fixed = Intake(backend: store, decoders: [PhoneNoteDecoder()])
        let retried = try fixed.retry(rawSubmissionId: outcome.rawSubmissionId)
        #expect(retried.disposition == .accepted)
        #expect(try store.submissions(.quarantined).isEmpty)
        #expect(try store.records().count == 1)
        let actions = try store.auditTrail(rawSubmissionId: outcome.rawSubmissionId).map(\.action)
        #expect(actions == ["quarantined", "accepted"])
        #expect(throws: StoreError.self) { try fixed.retry(rawSubmissionId: outcome.rawSubmissionId) }
    }

    @Test(arguments: Backend.allCases)
    func referencesAreSequentialWithinALondonYear(_ backend: Backend) throws {
        let store = try store(backend)
        let intake = Intake(backend: store, decoders: [PhoneNoteDecoder()])
        let reader = UKDateReader()
        let dates = ["2026-12-31T23:30:00Z", "2026-06-30T12:00:00+01:00", "2027-01-01T00:00:01Z", "2027-01-02T09:00:00Z"]
        let outcomes = try intake.ingest(dates.enumerated().map { index, text in
            note(Self.good + "\(index)", at: reader.date(from: text)!)
        })
        #expect(outcomes.map(\.reference) == ["LB-2026-000001", "LB-2026-000002", "LB-2027-000001", "LB-2027-000002"])
    }

    @Test(arguments: Backend.allCases)
    func referencePrefixIsConfigurable(_ backend: Backend) throws {
        let custom = try store(backend, options: .init(referencePrefix: "HX"))
        let outcome = try Intake(backend: custom, decoders: [PhoneNoteDecoder()]).ingest([note(Self.good)])[0]
        #expect(outcome.reference?.hasPrefix("HX-") == true)
    }

    @Test(arguments: Backend.allCases)
    func contactsLinkOnStrongIdentifiersOnly(_ backend: Backend) throws {
        let store = try store(backend)
        let intake = Intake(backend: store, decoders: [PhoneNoteDecoder()])
        let outcomes = try intake.ingest([
            note("Caller: Jane Smith\nPhone: 07700 900123\n\nOne."),
            note("Caller: J Smith\nPhone: +44 7700 900123\nEmail: jane@example.org\n\nTwo."),
            note("Caller: Jane Smith\n\nThree: same name, no identifier."),
        ])
        let records = try outcomes.map { try #require(try store.record(reference: $0.reference!)) }
        #expect(records[0].contactId == records[1].contactId)
        #expect(records[2].contactId != records[0].contactId)
    }

    @Test(arguments: Backend.allCases)
    func attachmentsAreStoredOnceByContent(_ backend: Backend) throws {
        let store = try store(backend)
        struct WithAttachment: SubmissionDecoder {
            var channel: Channel { .phone }
            func decode(_ submission: RawSubmission) throws -> Decoded {
                var draft = FeedbackDraft(channel: .phone, body: String(decoding: submission.bytes, as: UTF8.self))
                draft.attachments = [AttachmentPayload(name: "photo.jpg", mediaType: "image/jpeg", data: Data(repeating: 7, count: 1000))]
                return .feedback(draft)
            }
        }
        let intake = Intake(backend: store, decoders: [WithAttachment()])
        let outcomes = try intake.ingest([note("first"), note("second")])
        let records = try outcomes.map { try #require(try store.record(reference: $0.reference!)) }
        #expect(records[0].attachments.first?.sha256 == records[1].attachments.first?.sha256)
        #expect(records[0].attachments.first?.size == 1000)
        #expect(try count(store, "SELECT COUNT(*) FROM blobs WHERE size = 1000") == 1)
    }

    /// Large bytes (in SQLite's file of large blobs, in PostgreSQL's rows) read back exactly,
    /// once per content, raw or attachment.
    @Test(arguments: Backend.allCases)
    func largeBlobsReadBackExactly(_ backend: Backend) throws {
        let store = try store(backend)
        struct WithAttachment: SubmissionDecoder {
            var channel: Channel { .phone }
            func decode(_ submission: RawSubmission) throws -> Decoded {
                var draft = FeedbackDraft(channel: .phone, body: "Photos of the mould attached.")
                draft.attachments = [AttachmentPayload(name: "mould.jpg", mediaType: "image/jpeg", data: CaseStoreTests.photo)]
                return .feedback(draft)
            }
        }
        let intake = Intake(backend: store, decoders: [WithAttachment()])
        var raw = Data("Caller: Jane Smith\n\n".utf8)
        raw.append(Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }))
        let outcomes = try intake.ingest([note("a"), RawSubmission(channel: .phone, source: "big.txt", receivedAt: Date(), bytes: raw)])
        let stored = try #require(try store.rawSubmission(id: outcomes[1].rawSubmissionId))
        #expect(try store.blob(sha256: stored.sha256) == raw)
        let reference = try #require(outcomes[0].reference)
        let record = try #require(try store.record(reference: reference))
        let attachment = try #require(record.attachments.first)
        #expect(try store.blob(sha256: attachment.sha256) == Self.photo)
        // The same photo again is the same blob, not a second.
        _ = try intake.ingest([note("b")])
        #expect(try count(store, "SELECT COUNT(*) FROM blobs WHERE size = ?", [Self.photo.count]) == 1)
        // Four blobs in all: three raw submissions and the one photo.
        #expect(try count(store, "SELECT COUNT(*) FROM blobs") == 4)
    }
    /// A file that is inside the raw bytes (as an email's attachment is) is kept as its range
    /// there: its blobs row holds no bytes, and it reads back exactly, once per content, from
    /// either store. A damaged message reads as an error, never as other bytes.
    @Test(arguments: Backend.allCases)
    func filesInsideTheRawBytesAreKeptAsRanges(_ backend: Backend) throws {
        let store = try store(backend)
        /// "B64:" then the photo in base64 lines, then "RAW:" and a file as it is.
        struct InRaw: SubmissionDecoder {
            var channel: Channel { .phone }
            func decode(_ submission: RawSubmission) throws -> Decoded {
                let bytes = [UInt8](submission.bytes)
                guard let b64 = bytes.firstRange(of: Array("B64:".utf8)), let raw = bytes.firstRange(of: Array("RAW:".utf8)) else {
                    throw IntakeError(.malformed, "no markers")
                }
                var draft = FeedbackDraft(channel: .phone, body: "Photos of the mould attached.")
                let photo = RawRange(offset: b64.upperBound, length: raw.lowerBound - b64.upperBound, coding: .base64)
                let plain = RawRange(offset: raw.upperBound, length: bytes.count - raw.upperBound, coding: .identity)
                guard let photoBytes = photo.decode(Data(bytes[b64.upperBound..<raw.lowerBound])) else { throw IntakeError(.malformed, "not base64") }
                draft.attachments = [
                    AttachmentPayload(name: "mould.jpg", mediaType: "image/jpeg", data: photoBytes, rawRange: photo),
                    AttachmentPayload(name: "notes.txt", mediaType: "text/plain", data: Data(bytes[raw.upperBound...]), rawRange: plain),
                ]
                return .feedback(draft)
            }
        }
        func message(_ caller: String, plain: String) -> RawSubmission {
            let text = "Caller: \(caller)\n\nB64:\r\n" + Self.photo.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]) + "\r\nRAW:" + plain
            return RawSubmission(channel: .phone, source: "\(caller).txt", receivedAt: Date(), bytes: Data(text.utf8))
        }
        let intake = Intake(backend: store, decoders: [InRaw()])
        let first = try intake.ingest([message("Jane Smith", plain: "Kitchen wall, left of the window.")])[0]
        let reference = try #require(first.reference)
        let record = try #require(try store.record(reference: reference))
        #expect(record.attachments.map(\.size) == [Self.photo.count, 33])
        #expect(try store.blob(sha256: record.attachments[0].sha256) == Self.photo)
        #expect(try store.blob(sha256: record.attachments[1].sha256) == Data("Kitchen wall, left of the window.".utf8))
        // No second copy: the files' rows hold no bytes; all the bytes are the raw message's.
        #expect(try count(store, "SELECT COUNT(*) FROM blobs WHERE length(data) = 0 AND id IN (SELECT blob_id FROM blob_ranges)") == 2)
        #expect(try count(store, "SELECT COUNT(*) FROM blob_ranges") == 2)
        let raw = try #require(try store.rawSubmission(id: first.rawSubmissionId))
        // SQLite keeps the 4 MB message in its file of large blobs (v14), PostgreSQL in its row.
        let sqlite = store as? SQLiteCaseStore
        if let sqlite {
            #expect(try count(store, "SELECT COALESCE(SUM(length(data)), 0) FROM blobs") == 0)
            #expect(BlobFile.length(databasePath: sqlite.path) == Int64(raw.size))
        } else {
            #expect(try count(store, "SELECT SUM(length(data)) FROM blobs") == raw.size)
        }
        // The same photo in another message: still one blob for it, read from the first message.
        _ = try intake.ingest([message("John Smith", plain: "Bathroom ceiling.")])
        #expect(try count(store, "SELECT COUNT(*) FROM blobs WHERE size = ?", [Self.photo.count]) == 1)
        #expect(try store.blob(sha256: record.attachments[0].sha256) == Self.photo)
        // A damaged message (one base64 character changed) is an error naming the damage.
        var damaged = try #require(try store.blob(sha256: raw.sha256))
        let at = try #require(damaged.firstRange(of: Data("B64:\r\n".utf8))).upperBound + 100
        damaged[at] = damaged[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        if let sqlite {
            // The message is the file's only blob, from its first byte.
            try damaged.write(to: URL(fileURLWithPath: BlobFile.path(forDatabase: sqlite.path)))
        } else {
            _ = try store.writing(exclusive: false) { db in try db.run("UPDATE blobs SET data = ? WHERE sha256 = ?", [damaged, raw.sha256]) }
        }
        #expect {
            _ = try store.blob(sha256: record.attachments[0].sha256)
        } throws: { error in
            (error as? StoreError)?.code == .corrupt && "\(error)".contains("does not match its SHA-256")
        }
        #expect(try store.blob(sha256: record.attachments[1].sha256) == Data("Kitchen wall, left of the window.".utf8))
    }

    static let photo: Data = {
        var photo = Data(count: 3 << 20 + 17)
        photo.withUnsafeMutableBytes { for index in $0.indices { $0[index] = UInt8(truncatingIfNeeded: index &* 131 &+ index >> 20) } }
        return photo
    }()

    @Test func aLockedStoreWaitsThenReportsBusy() throws {
        let path = folder.appendingPathComponent("locked.sqlite").path
        _ = try SQLiteCaseStore(path: path)
        let blocker = try DatabaseQueue(path: path)
        let impatient = try SQLiteCaseStore(path: path, options: .init(busyTimeout: 0.3))
        try blocker.inDatabase { db in
            try db.execute(sql: "BEGIN EXCLUSIVE")
            let started = Date()
            do {
                _ = try Intake(store: impatient, decoders: [PhoneNoteDecoder()]).ingest([note(Self.good)])
                Issue.record("a write went through an exclusive lock")
            } catch let error as StoreError {
                #expect(error.code == .busy)
                #expect(error.isTemporary)
                #expect(Date().timeIntervalSince(started) >= 0.25)
            }
            try db.execute(sql: "ROLLBACK")
        }
    }

    @Test func aMissingFolderIsAnIOError() {
        do {
            _ = try SQLiteCaseStore(path: folder.appendingPathComponent("no/such/folder/x.sqlite").path)
            Issue.record("opened a store in a missing folder")
        } catch {
            #expect(error.code == .io)
        }
    }

    @Test(arguments: Backend.allCases)
    func ignoredSubmissionsAreKeptWithTheirReason(_ backend: Backend) throws {
        let store = try store(backend)
        struct AutoReply: SubmissionDecoder {
            var channel: Channel { .phone }
            func decode(_ submission: RawSubmission) throws -> Decoded { .ignored(verdict: "auto_reply", reason: "auto-reply (test)") }
        }
        let outcome = try Intake(backend: store, decoders: [AutoReply()]).ingest([note("out of office")])[0]
        #expect(outcome.disposition == .ignored)
        #expect(outcome.errorCode == "auto_reply")
        #expect(try store.dispositionCounts()[.phone]?[.ignored] == 1)
        #expect(try store.ignoredVerdictCounts().map(\.verdict) == ["auto_reply"])
        #expect(try store.records().isEmpty)
    }
}
