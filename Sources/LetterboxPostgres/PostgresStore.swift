import Foundation
public import Logging
import GRDB
import LetterboxStore
import Synchronization
import PostgresNIO

/// A PostgreSQL store as `letterbox store check` and `store copy` use it: an asynchronous
/// connection pool, for its health and for copying tables in bulk. (Intake, linking and every
/// other command use ``PostgresCaseStore``, whose migration this one runs too.)
public final class PostgresStore: Sendable {
    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger

    let lastProblem: LastProblem

    init(location: PostgresLocation, client: PostgresClient, logger: Logger, lastProblem: LastProblem = LastProblem()) {
        self.location = location
        self.client = client
        self.logger = logger
        self.lastProblem = lastProblem
    }

    /// Opens the store for the length of `body`: runs the pool, applies any migrations not yet
    /// applied (one instance at a time, under an advisory lock), and closes the pool after.
    public static func withStore<T: Sendable>(
        _ location: PostgresLocation, logger: Logger = Logger(label: "letterbox.postgres"), migrate: Bool = true,
        _ body: @Sendable (PostgresStore) async throws -> T
    ) async throws -> T {
        // The pool's own messages (a connection that failed, and again, and again) are kept
        // as the last one seen, for the error a command reports, not written out at each retry.
        let lastProblem = LastProblem()
        let background = Logger(label: "letterbox.postgres.pool") { _ in lastProblem }
        let client = PostgresClient(configuration: location.configuration, backgroundLogger: background)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let store = PostgresStore(location: location, client: client, logger: logger, lastProblem: lastProblem)
            // The pool retries a server it cannot reach for as long as it is asked to: a first
            // query with a deadline says at once that the store is not there.
            try await store.reachable(within: .seconds(5))
            if migrate { try await store.migrate() }
            return try await body(store)
        }
    }

    public struct Unreachable: Error, CustomStringConvertible {
        public var description: String
    }

    /// Throws ``Unreachable`` when the server does not answer a query within `limit`.
    func reachable(within limit: Duration) async throws {
        let client = client
        let location = location
        let lastProblem = lastProblem
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await client.query("SELECT 1")
                return true
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return false
            }
            let answered = try await group.next() ?? false
            group.cancelAll()
            if !answered {
                let seen = lastProblem.text.map { " (last: \($0))" } ?? ""
                throw Unreachable(description: "no answer from \(location) within \(limit.components.seconds) s\(seen): is the server running, and do the URL, user and password name it?")
            }
        }
    }

    /// Applies the migrations not yet applied: the case store's own migration
    /// (``PostgresSchema/migrate(_:)``, the one list, under the one advisory lock), run on a
    /// thread of its own because it waits for its answers.
    func migrate() async throws {
        let location = location
        let logger = logger
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                continuation.resume(with: Result { try PostgresCaseStore(location: location, logger: logger).close() })
            }
        }
    }

    /// The statements of a migration: comments dropped, split at semicolons (the schema has
    /// none inside its literals).
    static func statements(_ sql: String) -> [String] {
        let lines = sql.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            guard let comment = line.range(of: "--") else { return line }
            return line[..<comment.lowerBound]
        }
        return lines.joined(separator: "\n").split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// What `letterbox store check` reports.
    public struct Check: Sendable {
        public var server: String
        public var schema: String
        public var writable: Bool
        public var roundTripMilliseconds: Double
        public var maximumConnections: Int
        public var counts: [(table: String, rows: Int)]
        /// The SQLite store's file of large blobs, described; nil for PostgreSQL.
        public var blobFile: String? = nil
        /// Damage found (a blob that lies past the end of the file of large blobs).
        public var problems: [String] = []
    }

    public func check() async throws -> Check {
        let began = ContinuousClock.now
        var server = ""
        for try await (version,) in try await client.query("SHOW server_version", logger: logger).decode(String.self) { server = version }
        let trip = ContinuousClock.now - began
        var schema = "none"
        for try await (identifier,) in try await client.query("SELECT identifier FROM letterbox_migrations ORDER BY applied_at DESC, identifier DESC LIMIT 1", logger: logger).decode(String.self) {
            schema = identifier
        }
        // Writable: not a standby, and a write in a transaction that is rolled back succeeds.
        var writable = false
        do {
            try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                try await connection.query("INSERT INTO reference_counters (prefix, year, last) VALUES ('letterbox-check', -1, 0) ON CONFLICT DO NOTHING", logger: logger)
                try await connection.query("ROLLBACK", logger: logger)
            }
            writable = true
        } catch {
            logger.warning("The PostgreSQL store cannot be written: \(Self.describe(error))")
        }
        var counts: [(String, Int)] = []
        for (table, _) in PostgresSchema.tables {
            for try await (rows,) in try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: logger).decode(Int.self) {
                counts.append((table, rows))
            }
        }
        let seconds = Double(trip.components.seconds) + Double(trip.components.attoseconds) / 1e18
        return Check(server: server, schema: schema, writable: writable, roundTripMilliseconds: seconds * 1000,
                     maximumConnections: PostgresLocation.maximumConnections, counts: counts)
    }

    /// An error in words: PostgreSQL's own message and code when there is one. (`PSQLError`'s
    /// description hides them, so that queries' data cannot leak into logs; the server's
    /// message names no row data here, only what failed.)
    public static func describe(_ error: any Error) -> String {
        if let error = error as? Unreachable { return error.description }
        if let error = error as? PostgresError, case .server(let message) = error {
            return "PostgreSQL: \(message.fields[.message] ?? "error")" + (message.fields[.sqlState].map { " (\($0))" } ?? "")
        }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return "PostgreSQL: \(message)" + (error.serverInfo?[.sqlState].map { " (\($0))" } ?? "")
        }
        return "PostgreSQL: \(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
    }
}

/// `letterbox store check` for a SQLite store: the same report, for the embedded backend.
public enum SQLiteCheck {
    public static func check(_ path: String) throws -> PostgresStore.Check {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in
            let schema = try String.fetchOne(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1") ?? "none"
            let version = try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? ""
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            let pages = pageSize == SQLiteCaseStore.pageSize
                ? "\(pageSize / 1024) KB pages"
                : "\(pageSize / 1024) KB pages (new stores have \(SQLiteCaseStore.pageSize / 1024) KB: README, \"Page size\")"
            var counts: [(String, Int)] = []
            for (table, _) in PostgresSchema.tables where try db.tableExists(table) {
                counts.append((table, try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0))
            }
            var check = PostgresStore.Check(server: "SQLite \(version), \(pages)", schema: schema, writable: FileManager.default.isWritableFile(atPath: path),
                                            roundTripMilliseconds: 0, maximumConnections: 1, counts: counts)
            if try db.tableExists("blob_files") {
                // Every blob kept in the file must lie inside it. Bytes no row names are what a
                // transaction appended and then did not commit (a crash, a rollback, a batch that
                // failed): wasted space, not damage.
                let length = BlobFile.length(databasePath: path)
                let row = try Row.fetchOne(db, sql: """
                    SELECT count(*) AS blobs, COALESCE(sum(length), 0) AS bytes, COALESCE(sum(start + length > ?), 0) AS beyond FROM blob_files
                    """, arguments: [length])
                let blobs: Int64 = row?["blobs"] ?? 0
                let bytes: Int64 = row?["bytes"] ?? 0
                let beyond: Int64 = row?["beyond"] ?? 0
                // Those at the end (past the last blob) go when the next transaction appends.
                let atEnd = max(0, length - (try BlobFile.committedEnd(db)))
                let megabytes = { (value: Int64) in String(format: "%.1f MB", Double(value) / 1_048_576) }
                var unnamed = ""
                if length > bytes {
                    unnamed = " (and \(length - bytes) bytes that no row names, appended by transactions that did not commit"
                        + (atEnd > 0 ? "; the \(atEnd) at the end are cut off when a large blob is next stored)" : ")")
                }
                check.blobFile = "\((BlobFile.path(forDatabase: path) as NSString).lastPathComponent): \(blobs) blobs, \(megabytes(bytes))" + unnamed
                if beyond > 0 {
                    check.problems.append("\(beyond) blob(s) lie past the end of \(BlobFile.path(forDatabase: path)) (\(length) bytes): the file was cut short or replaced. Restore it from the backup taken with this database.")
                }
            }
            return check
        }
    }
}

/// A log handler that keeps the last problem the connection pool reported (its error, which
/// names what failed and never a password) and writes nothing.
final class LastProblem: LogHandler, @unchecked Sendable {
    private let last = Mutex<String?>(nil)
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    var text: String? { last.withLock { $0 } }

    func log(event: LogEvent) {
        guard event.level >= .info else { return }
        let error = event.metadata?["psql_error"].map { "\($0)" }
        last.withLock { $0 = error.map { "\(event.message): \($0)" } ?? "\(event.message)" }
    }
}
