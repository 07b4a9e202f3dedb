public import Foundation
import GRDB
import GRDBSQLite
import CSQLiteTuning
import Synchronization
public import LetterboxCore

#if canImport(Glibc)
import Glibc
#endif

/// The case store: one SQLite file in WAL mode, created owner-only, holding raw submissions,
/// records, contacts, blobs and the audit log.
///
/// One writer at a time (SQLite's own lock, waited on up to ``Options/busyTimeout``), many
/// readers; the command-line tool can read while a watcher or the server writes.
public final class SQLiteCaseStore: CaseStoreRules {
    public struct Options: Sendable {
        /// How long to wait for another process's write lock before giving up with ``StoreError/Code/busy``.
        public var busyTimeout: TimeInterval
        /// The letters before the year in a reference: `LB` gives `LB-2026-000123`.
        public var referencePrefix: String
        /// How contacts, duplicates, repeats and persistent contact are recognised.
        public var linking: LinkingPolicy
        /// Called with the text of every SQL statement run (not its values): the benchmark uses
        /// it to print the query plans of what intake actually runs. Nil in normal use.
        public var statementObserver: (@Sendable (String) -> Void)?
        /// Called with the text of every SQL statement run and how long SQLite took to run it:
        /// the benchmark adds them up to find what grows with the store. Nil in normal use.
        public var statementProfiler: (@Sendable (String, TimeInterval) -> Void)?
        /// The triage rules every record is read with.
        public var triage: Triage
        /// Timescales and the working-day calendar for due dates.
        public var timescales: DueDateCalculator
        /// One connection for reading and writing, instead of a writer and a pool of readers:
        /// for a process that takes one message and exits (the mail pipe), which reads and
        /// writes in turn. A pool cost it a second connection (its schema read again) and a
        /// check of the WAL file on every open; other processes still read and write beside it
        /// (the store stays in WAL mode).
        public var singleConnection: Bool
        /// Checkpoint the WAL on a connection and thread of its own instead of inside the commit
        /// that fills it (``WALCheckpointer``). Not with ``singleConnection``: a process that
        /// takes one message and exits checkpoints in its commit, as SQLite does.
        public var checkpointInBackground: Bool = true
        /// The WAL's size that asks for a checkpoint, in bytes (tests set it small).
        package var walCheckpointBytes: Int = SQLiteCaseStore.walCheckpointBytes
        /// How much of the writer's page cache a batch may leave behind, in bytes
        /// (``SQLiteCaseStore/releaseCacheAboveBytes``; the benchmark tries others).
        package var writerCacheBytes: Int = SQLiteCaseStore.releaseCacheAboveBytes

        public init(
            busyTimeout: TimeInterval = 5, referencePrefix: String = "LB", linking: LinkingPolicy = LinkingPolicy(),
            triage: Triage? = nil, timescales: DueDateCalculator = DueDateCalculator(), singleConnection: Bool = false
        ) {
            self.busyTimeout = busyTimeout
            self.referencePrefix = referencePrefix
            self.linking = linking
            self.triage = triage ?? Triage(referencePrefix: referencePrefix)
            self.timescales = timescales
            self.singleConnection = singleConnection
        }
    }

    public let path: String
    public let options: Options
    /// A batch that wrote at least this many bytes of raw submissions and attachments gives
    /// its connections' cached pages back. Measured on a 914 MB mbox (20,000 messages): peak
    /// RSS 160 MB without, 97 MB with (and 3 MB import batches); on 5,000 messages the import
    /// rate moved within the machine's noise (264-267 against 272-286 messages/s,
    /// interleaved). SMS and form batches without files stay under it.
    static let releaseMemoryAfterBytes = 2 << 20
    /// The page cache, in KiB (PRAGMA cache_size).
    static let pageCacheKiB = 65536
    /// The page size of a new store, in bytes (existing stores keep theirs).
    package static let pageSize = 4096
    /// How much the WAL holds before a commit checkpoints it into the database, in bytes
    /// (PRAGMA wal_autocheckpoint counts pages). SQLite's default is 1,000 pages, which was 16 MB
    /// with the 16 KB pages this store used to have and became 4 MB with 4 KB pages: four times
    /// the checkpoints, each syncing the database file and writing again the index pages that
    /// later commits change anyway. Measured on the 914 MB mbox (20,000 messages), two rounds
    /// interleaved: 1,000 pages 24.2 / 23.9 s, 4,000 pages 19.4 / 18.1 s, 16,000 pages
    /// 20.1 / 19.8 s, peak RSS the same; `serve` took 2,641 SMS callbacks a second against
    /// 2,186 and 1,504 realistic form posts against 1,326 (one round). So 16 MB, whatever the
    /// page size.
    static let walCheckpointBytes = 16 << 20
    /// The same for a process that commits one message and exits (``Options/singleConnection``),
    /// which leaves the WAL behind and empties it as it closes once it holds this much (``deinit``):
    /// each such process opens the store by reading the whole WAL (SQLite's rebuilding of its
    /// index), so it is kept small. A message of the README's samples dirties about 35 pages
    /// (140 KB), so about one process in seven copies the WAL in.
    package static let oneMessageWALBytes = 1 << 20
    package let caches = StoreCaches()

    /// Megabytes of blobs just written sit in the page caches (64 MB a connection) as clean
    /// pages nobody will read soon. After a batch that wrote ``releaseMemoryAfterBytes`` or
    /// more, they are given back, so an import or a few form posts with photos do not hold the
    /// caches' worth of memory. Called once per batch, outside its transactions.
    ///
    /// Since v14 nearly all the bytes of mail go to the file of large blobs instead, and the
    /// writer's cache fills more slowly, with index and table pages that later batches read
    /// again. Once it holds ``releaseCacheAboveBytes`` it is trimmed to half that
    /// (``trimWriterCache(above:to:)``), so that an import stays under 100 MB whatever the size of
    /// the mbox.
    public func releaseMemoryAfterLargeWrites() {
        let written = caches.blobBytesWritten.withLock { written in
            defer { written = 0 }
            return written
        }
        if written >= Self.releaseMemoryAfterBytes {
            switch pool {
            case let pool as DatabasePool: pool.releaseMemory()
            case let queue as DatabaseQueue: queue.releaseMemory()
            default: break
            }
            return
        }
        trimWriterCache(above: options.writerCacheBytes, to: options.writerCacheBytes / 2)
    }
    /// Measured on the 914 MB mbox (v14, a busy machine): 16 MB gave peak RSS 90 MB and
    /// 18.2-21.6 s against 23-25 s before v14; 32 MB 108 MB; releasing after every batch with
    /// 2 MB of blobs, as before v14, 81 MB and 24.6 s.
    static let releaseCacheAboveBytes = 16 << 20

    /// Trims the writer's page cache to `bytes` when it holds more than `limit` (or `bytes`),
    /// keeping the pages used last.
    ///
    /// It used to be given back whole (and the readers closed), so each batch began with an
    /// empty cache and read again from the file every index page it touched, the interior pages
    /// every lookup passes through included: on a store of a million records a batch of 500
    /// fills more than 16 MB, so that happened after every batch. A smaller `cache_size` evicts
    /// the least recently used pages down to it at once, and the interior pages stay. Measured
    /// against the old build, interleaved (stop 38): `letterbox-bench dedup-scale --trace` on a
    /// million records read 87 KB a record from the file against 93 KB, at the same rate (832
    /// against 820 records a second; two more rounds 991 / 888 against 824 / 1,064: the machine's
    /// noise); `serve` took 3,671 / 3,390 realistic SMS callbacks a second against 3,382 / 3,065
    /// and 2,451 / 2,310 realistic form posts against 2,242 / 2,089, with less CPU a request (the
    /// readers stay open); the 914 MB mbox the same (10.6-12.0 s against 11.3-15.0 s) with peak RSS
    /// 89-91 MB against 85 MB (self-contained builds). Trimmed to 8 MB once over 16 MB rather than
    /// to 16 MB: the import's peak RSS 94.3 MB against 95.5-96.2 (default builds, two rounds).
    /// - Returns: the bytes the cache held before and after.
    @discardableResult
    package func trimWriterCache(above limit: Int? = nil, to bytes: Int) -> (before: Int, after: Int) {
        pool.writeWithoutTransaction { db in
            func used() -> Int {
                var current: Int32 = 0
                var highest: Int32 = 0
                return sqlite3_db_status(db.sqliteConnection, SQLITE_DBSTATUS_CACHE_USED, &current, &highest, 0) == SQLITE_OK ? Int(current) : 0
            }
            let before = used()
            guard before > (limit ?? bytes) else { return (before, before) }
            try? db.execute(sql: "PRAGMA cache_size = -\(max(1, bytes >> 10))")
            // Back to the full size whatever happened above: a batch must not spill into the WAL.
            try? db.execute(sql: "PRAGMA cache_size = -\(Self.pageCacheKiB)")
            return (before, used())
        }
    }

    /// A pool (a writer and readers), or one connection (``Options/singleConnection``).
    let pool: any DatabaseWriter
    /// Checkpoints the WAL beside the writer (``Options/checkpointInBackground``); nil when the
    /// writer's commits checkpoint it.
    package let checkpointer: WALCheckpointer?

    /// A pragma's value as the connection that commits sees it (for tests: `synchronous`).
    package func writerPragma(_ name: String) throws -> Int? {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA \(name)") }
    }
    package let abusiveMatcher: PhraseMatcher<String>
    package let emergencyMatcher: PhraseMatcher<String>

    /// Opens the store at `path`, creating it (mode 0600) and bringing its schema up to date.
    public init(path: String, options: Options = Options()) throws(StoreError) {
        self.path = path
        self.options = options
        self.abusiveMatcher = PhraseMatcher(terms: options.linking.abusiveTerms)
        self.emergencyMatcher = PhraseMatcher(terms: options.linking.emergencyTerms)
        let created = try Self.createOwnerOnly(path)
        if created {
            // The page size, fixed before anything is written. 4 KB: each record dirties a leaf
            // page in a dozen indexes (keys, contacts, cases), and every dirty page goes whole
            // to the WAL and the savepoint journal. Measured against the 16 KB this store used
            // to have (which halved the overflow pages of big blobs, before email attachments
            // became ranges of their message): `serve` took 1,868/2,607 SMS callbacks a second
            // against 1,566/1,786 (945/1,021 against 682/675 one commit per request) and 573/505
            // form posts against 486/442; `ingest mbox` on the 914 MB corpus took 26.0/26.7 s
            // against 26.8/26.7 s with 10 MB less RSS. Older stores keep the page size they were
            // made with (README, "Page size").
            do {
                let queue = try DatabaseQueue(path: path)
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA page_size = \(Self.pageSize); CREATE TABLE letterbox_init (x); DROP TABLE letterbox_init;")
                }
                try queue.close()
            } catch {
                throw StoreError.wrapping(error, path: path)
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(options.busyTimeout)
        configuration.prepareDatabase { db in
            // Durable commits: an acknowledgement (exit 0, HTTP 2xx, a file moved) is only given after
            // the commit has reached the disk. (The pool's writer is set again below: GRDB changes
            // it after this.)
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // 64 MB of page cache (SQLite's default is 2 MB). A batch's
            // transaction dirties more pages than that, and a full cache spills them into the WAL
            // mid-transaction, writing the same pages again and again: 70 writes per record.
            try db.execute(sql: "PRAGMA cache_size = -\(SQLiteCaseStore.pageCacheKiB)")
            // Each record is committed in its own savepoint (so one the store rejects is
            // quarantined alone), and a savepoint keeps the original of every page it changes in
            // a statement journal: in memory, not a temporary file written a page at a time.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // One trace function per connection (a second call replaces the first).
            let observer = options.statementObserver
            let profiler = options.statementProfiler
            if observer != nil || profiler != nil {
                db.trace(options: [observer == nil ? [] : .statement, profiler == nil ? [] : .profile]) { event in
                    switch event {
                    case .statement(let statement): observer?(statement.sql)
                    case .profile(let statement, let duration): profiler?(statement.sql, duration)
                    }
                }
            }
        }
        let checkpointer = options.checkpointInBackground && !options.singleConnection
            ? WALCheckpointer(path: path) : nil
        self.checkpointer = checkpointer
        do {
            if options.singleConnection {
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                // WAL mode, as a pool sets it: for a store just made, one made before WAL was
                // set here, or one converted by the README's page-size steps; for a store already
                // in it, this changes nothing.
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA journal_mode = WAL")
                    // The WAL is left as it is when this process closes the store, instead of
                    // copied into it and deleted (SQLite does that when the last connection
                    // closes): that cost each piped message three more syncs (the WAL twice and
                    // the store). The commit itself is synced in the WAL as before. The WAL is
                    // copied into the store and emptied as the store closes once it holds
                    // ``oneMessageWALBytes`` (``deinit``), since the next process to open the
                    // store reads all of it to find its pages.
                    guard let connection = db.sqliteConnection, letterbox_sqlite_keep_wal_on_close(UnsafeMutableRawPointer(connection)) == 0 else {
                        throw StoreError(.io, "SQLite refused to keep the WAL on close.")
                    }
                }
                pool = queue
            } else {
                pool = try DatabasePool(path: path, configuration: configuration)
            }
            let migrator = Migrations.migrator
            // On the writer connection, which every command opens anyway: a reader connection just
            // for this check would cost each one-shot process (a mail server's pipe) another open.
            let upToDate = try pool.writeWithoutTransaction { db in
                // GRDB's pool sets `synchronous = NORMAL` on its writer after `prepareDatabase`
                // has run (SQLite's suggestion for WAL mode), and NORMAL syncs the WAL only at a
                // checkpoint: a commit acknowledged to a sender could be lost to a power cut. So
                // FULL is set again here, on the one connection that commits.
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // A checkpoint once the WAL holds 16 MB (walCheckpointBytes), in this store's
                // pages: set on the writer alone, the connection whose commits checkpoint.
                let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? SQLiteCaseStore.pageSize
                let pages = max(1, options.walCheckpointBytes / max(512, pageSize))
                if let checkpointer {
                    // Beside the writer, in a process that keeps the store open (its hook
                    // replaces SQLite's automatic checkpoint).
                    checkpointer.install(on: db, thresholdPages: Int32(clamping: pages))
                } else {
                    try db.execute(sql: "PRAGMA wal_autocheckpoint = \(pages)")
                }
                return try Self.migrationsAreCurrent(db, migrator.migrations) || migrator.hasCompletedMigrations(db)
            }
            if !upToDate {
                try migrator.migrate(pool)
            }
        } catch {
            throw StoreError.wrapping(error, path: path)
        }
    }

    /// Whether every migration this build knows is applied, asked in one query: GRDB's own check
    /// reads every applied identifier into a set, about a million instructions of the 45 million
    /// a one-message process (the mail pipe) spends. False whenever it cannot tell (a store just
    /// made has no migrations table), and GRDB's check decides.
    static func migrationsAreCurrent(_ db: Database, _ identifiers: [String]) -> Bool {
        // The identifiers as arguments, not quoted into the SQL: Foundation's string replacing
        // cost the pipe's one process about half a million instructions (the check 1.50M to 0.97M).
        // The placeholders are repeated, not GRDB's `databaseQuestionMarks(count:)`, whose generic
        // `joined(separator:)` met its collection's types for the first time here (0.55M more).
        guard !identifiers.isEmpty,
              let count = try? Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations WHERE identifier IN (\(String(repeating: "?, ", count: identifiers.count - 1))?)",
                                            arguments: StatementArguments(identifiers))
        else {
            return false
        }
        return count == identifiers.count
    }

    /// Creates the file with mode 0600 if it does not exist, so that no other user can read it.
    /// SQLite gives the -wal and -shm files the same mode.
    @discardableResult
    private static func createOwnerOnly(_ path: String) throws(StoreError) -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) || !isFolder.boolValue {
            throw StoreError(.io, "The folder for the store, \(folder), does not exist.")
        }
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd >= 0 {
            close(fd)
            return true
        }
        let code = errno
        if code == EEXIST { return false }
        throw StoreError(.io, "Cannot create the store \(path): \(String(cString: strerror(code))).")
    }

    /// A store opened for one message (``Options/singleConnection``) keeps its WAL when it closes
    /// (see ``init(path:options:)``) unless the WAL holds ``oneMessageWALBytes`` or more: then it
    /// is copied into the store and cut to nothing first. (SQLite's own automatic checkpoint
    /// cannot do it for such a process: the next one to open the store rebuilds the WAL's index
    /// without knowing what was copied, so the WAL would never start again from its beginning.)
    ///
    /// Its connection is then closed here and the closed queue is kept, not freed: GRDB's
    /// `DatabaseQueue.deinit` removes itself from Foundation's `NotificationCenter` (an observer
    /// it only adds on iOS), and on Linux that first use of `NotificationCenter` costs a
    /// one-message process 1.4M instructions of its 40M (a bridging cast that starts
    /// Foundation's value boxing and searches the conformance records), as it is about to exit.
    /// A closed queue holds no file, lock or statement: a few kilobytes, once per process.
    deinit {
        guard options.singleConnection else { return }
        var status = stat()
        if stat(path + "-wal", &status) == 0, Int(status.st_size) >= Self.oneMessageWALBytes {
            // Without waiting: while another process has the store open (a `serve`, a watcher)
            // its connections keep the WAL's index and its own checkpoints empty the WAL; a pipe
            // beside it should not wait for its readers. Nothing is lost if it fails (that, or a
            // full disk): the WAL keeps every commit, and the next store to close tries again.
            try? pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA busy_timeout = 0; PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        if let queue = pool as? DatabaseQueue, (try? queue.close()) != nil {
            _ = Unmanaged.passRetained(queue)
        }
    }

    /// Runs a write transaction, translating SQLite errors.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw StoreError.wrapping(error, path: path)
        }
    }

    /// Runs a read, translating SQLite errors.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError.wrapping(error, path: path)
        }
    }

    /// Checks that the store can be written now (for health checks and start-up).
    public func checkWritable() throws(StoreError) {
        try write { db in try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS _probe(x); DROP TABLE _probe") }
    }
}
