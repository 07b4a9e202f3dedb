package import Foundation
public import Logging
import Dispatch
import NIOCore
import NIOPosix
import Synchronization
import PostgresNIO
public import LetterboxCore
public import LetterboxStore

/// The case store on PostgreSQL, for the intake pipeline: the same rules as the SQLite store
/// (``CaseStoreRules``, written once in LetterboxStore), run on a PostgreSQL connection.
///
/// Synchronous, as the pipeline is: each call takes a connection from a small pool and waits
/// for PostgreSQL's answers on the calling thread (NIO's event loops do the I/O, not Swift's
/// cooperative pool, so waiting cannot starve them).
///
/// **Across instances.** Every transaction that writes intake takes one transaction-scoped
/// advisory lock first, so intake on all instances is one writer at a time, as on SQLite: the
/// idempotency check and the insert of a raw submission, contact resolution, case linking and
/// reference numbers are decided by one transaction at a time and cannot race. The lock is
/// released when the transaction ends, so an instance that dies mid-write holds nothing. A
/// unique index on the idempotency key of every stored submission (v2) is the second guard.
public final class PostgresCaseStore: Sendable {
    public let location: PostgresLocation
    public let options: SQLiteCaseStore.Options
    package let abusiveMatcher: PhraseMatcher<String>
    package let emergencyMatcher: PhraseMatcher<String>
    package let caches = StoreCaches()
    let logger: Logger
    /// Open connections not in use, each with the statements prepared on it.
    private let idle = Mutex<[SyncPostgresConnection]>([])
    private let nextId = Atomic<Int>(1)

    /// The lock every intake write takes (`pg_advisory_xact_lock`): one writer at a time across
    /// instances. (Migrations take another.)
    static let writeLock: Int64 = 7_165_000_216

    /// Opens the store: connects, and applies any migrations not yet applied.
    public init(location: PostgresLocation, options: SQLiteCaseStore.Options = SQLiteCaseStore.Options(), logger: Logger = Logger(label: "letterbox.postgres")) throws(StoreError) {
        self.location = location
        self.options = options
        self.logger = logger
        self.abusiveMatcher = PhraseMatcher(terms: options.linking.abusiveTerms)
        self.emergencyMatcher = PhraseMatcher(terms: options.linking.emergencyTerms)
        try withConnection { connection in
            try PostgresSchema.migrate(connection)
        }
    }

    deinit {
        Self.close(idle.withLock({ $0 }).map(\.connection))
    }

    /// Closes the idle connections.
    public func close() {
        Self.close(idle.withLock({ list in defer { list = [] }; return list }).map(\.connection))
    }

    /// Closes connections, waiting for each unless this thread is an event loop's: the last
    /// reference to a store can go from a request handler (a server released at shutdown), and
    /// waiting there would stop that loop (NIO traps it). The close then finishes on its own.
    private static func close(_ connections: [PostgresConnection]) {
        let onEventLoop = MultiThreadedEventLoopGroup.currentEventLoop != nil
        for connection in connections {
            let closing: EventLoopFuture<Void> = connection.close()
            if onEventLoop {
                // Held until closed: postgres-nio requires a connection to be closed before it goes.
                closing.whenComplete { _ in withExtendedLifetime(connection) {} }
            } else {
                try? closing.wait()
            }
        }
    }

    // MARK: Connections and transactions

    func withConnection<T>(_ body: (SyncPostgresConnection) throws -> T) throws(StoreError) -> T {
        do {
            // A connection the server closed (a restart, a failover) is left behind here: a
            // statement sent on it would wait for ever.
            var reused: SyncPostgresConnection?
            while reused == nil, let next = idle.withLock({ $0.popLast() }) {
                if next.connection.isClosed { continue }
                reused = next
            }
            let sync = try reused ?? SyncPostgresConnection(connection: connect(), logger: logger, observer: options.statementObserver)
            do {
                let result = try body(sync)
                idle.withLock { $0.append(sync) }
                return result
            } catch {
                if sync.connection.isClosed {
                    // Lost with the server: the next call opens a new one.
                } else {
                    idle.withLock { $0.append(sync) }
                }
                throw error
            }
        } catch {
            throw Self.storeError(error, location: location)
        }
    }

    private func connect() throws -> PostgresConnection {
        let id = nextId.wrappingAdd(1, ordering: .relaxed).oldValue
        return try PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: try location.connectionConfiguration(), id: id, logger: logger
        ).wait()
    }

    /// A transaction that writes intake: under the write lock, committed when `body` returns,
    /// rolled back when it throws.
    func write<T>(_ body: (SyncPostgresConnection) throws -> T) throws(StoreError) -> T {
        try transaction(exclusive: true, body)
    }

    /// A transaction, under the write lock when `exclusive`.
    func transaction<T>(exclusive: Bool, _ body: (SyncPostgresConnection) throws -> T) throws(StoreError) -> T {
        try withConnection { connection in
            // Sent without waiting: the first statement that reads waits for these too.
            try connection.send("BEGIN", [])
            do {
                if exclusive { try connection.send("SELECT pg_advisory_xact_lock(?)", [Self.writeLock]) }
                let result = try body(connection)
                try connection.run("COMMIT", [])
                return result
            } catch {
                connection.discardPending()
                if !connection.connection.isClosed { _ = try? connection.run("ROLLBACK", []) }
                throw error
            }
        }
    }

    func read<T>(_ body: (SyncPostgresConnection) throws -> T) throws(StoreError) -> T {
        try withConnection(body)
    }

    /// The SQLSTATE of a server error, from either of postgres-nio's error types.
    static func sqlState(_ error: any Error) -> String? {
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] }
        if let error = error as? PostgresError, case .server(let message) = error { return message.fields[.sqlState] }
        return nil
    }

    static func storeError(_ error: any Error, location: PostgresLocation) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PostgresError {
            let described = PostgresStore.describe(error)
            switch error {
            case .server:
                let state = sqlState(error) ?? ""
                if state == "53100" { return StoreError(.full, "The PostgreSQL store \(location) is out of disk space: \(described)") }
                if state.hasPrefix("08") || state.hasPrefix("57") {
                    return StoreError(.busy, "The PostgreSQL store \(location) cannot be reached: \(described)")
                }
                return StoreError(.io, "The PostgreSQL store \(location) reported an error: \(described)")
            default:
                return StoreError(.busy, "The PostgreSQL store \(location) cannot be reached: \(described)")
            }
        }
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState] ?? ""
            let described = PostgresStore.describe(error)
            if state == "53100" { return StoreError(.full, "The PostgreSQL store \(location) is out of disk space: \(described)") }
            if state.hasPrefix("08") || state.hasPrefix("57") || error.serverInfo == nil {
                // The connection, not the statement: the server is down, restarting or
                // unreachable. Temporary, so a mail server retries (exit 75) and HTTP answers 503.
                return StoreError(.busy, "The PostgreSQL store \(location) cannot be reached: \(described)")
            }
            return StoreError(.io, "The PostgreSQL store \(location) reported an error: \(described)")
        }
        if error is ChannelError || error is IOError {
            return StoreError(.busy, "The PostgreSQL store \(location) cannot be reached: \(error)")
        }
        return StoreError(.io, "The PostgreSQL store \(location) reported an error: \(error)")
    }
}

extension PostgresCaseStore: IntakeStore, ImportCheckpoints {
    package func receive(_ batch: [Intake.Prepared], recordRedelivery: Bool) throws(StoreError) -> [Receipt] {
        try write { db in try receiveRows(db, batch, recordRedelivery: recordRedelivery) }
    }

    package func settle(_ results: [Settling], actor: String) throws(StoreError) -> [IntakeOutcome] {
        guard !results.isEmpty else { return [] }
        return try write { db in try settleRows(db, results, actor: actor) }
    }

    package func receiveAndSettle(_ batch: [Intake.Prepared], recordRedelivery: Bool, actor: String) throws(StoreError) -> [Receipt] {
        try write { db in try receiveAndSettleRows(db, batch, recordRedelivery: recordRedelivery, actor: actor) }
    }

    package func rawSubmission(id: Int64) throws(StoreError) -> StoredSubmission? {
        try read { db in try storedSubmission(db, id: id) }
    }

    package func blob(sha256: String) throws(StoreError) -> Data? {
        try read { db in try db.blobData(sha256: sha256) }
    }

    package func pendingSubmissionIds(receivedBefore cutoff: Date, limit: Int) throws(StoreError) -> [Int64] {
        try read { db in try pendingIds(db, receivedBefore: cutoff, limit: limit) }
    }

    package func waitingParts(groupKey: String) throws(StoreError) -> [HeldPart] {
        try read { db in try waitingParts(db, groupKey: groupKey) }
    }

    package func markPartsJoined(_ parts: [HeldPart], into joinedSubmissionId: Int64) throws(StoreError) {
        try write { db in try markJoined(db, parts, into: joinedSubmissionId) }
    }

    package func partsWaiting(since cutoff: Date) throws(StoreError) -> [[HeldPart]] {
        try read { db in try partsWaiting(db, since: cutoff) }
    }

    public func checkpoint(path: String) throws(StoreError) -> ImportCheckpoint? {
        try read { db in try checkpoint(db, path: path) }
    }

    public func saveCheckpoint(_ checkpoint: ImportCheckpoint) throws(StoreError) {
        try write { db in try saveCheckpoint(db, checkpoint) }
    }

    /// Checks that a write succeeds now (not a standby, not out of space, the server there): a
    /// row written and rolled back.
    public func checkWritable() throws(StoreError) {
        try withConnection { db in
            try db.run("BEGIN", [])
            defer { _ = try? db.run("ROLLBACK", []) }
            try db.run("INSERT INTO reference_counters (prefix, year, last) VALUES ('letterbox-check', -1, 0) ON CONFLICT DO NOTHING", [])
        }
    }

    package func releaseMemoryAfterLargeWrites() {
        caches.blobBytesWritten.withLock { $0 = 0 }
    }
}

/// One PostgreSQL connection as the shared store code sees it: statements in the shared
/// dialect are rewritten once each (`?` to `$n`, `INDEXED BY` dropped, `json_extract` to
/// `->>`) and run synchronously.
struct SyncPostgresConnection: StoreConnection, Sendable {
    let connection: PostgresConnection
    let logger: Logger
    /// Statements sent (``send(_:_:)``) whose answers have not been read yet, in order. The
    /// connection runs its statements in the order given, so waiting for these before any
    /// statement that waits keeps every error in its place; an intake commit waits once per
    /// read instead of once per insert.
    private let pending = Pending()

    /// The statements this connection has prepared, by their text (PostgresCaseStore keeps one
    /// per connection).
    let prepared: PreparedStatements

    /// Used by one thread at a time, as its connection is.
    final class Pending: @unchecked Sendable {
        var futures: [EventLoopFuture<Void>] = []
    }

    /// Statements prepared on one connection: intake runs the same few dozen for every record,
    /// and preparing each once saves PostgreSQL parsing and planning it every time (its CPU per
    /// record was most of the cost).
    final class PreparedStatements: @unchecked Sendable {
        /// By the statement's shared text. Used by one thread at a time (the connection is taken
        /// from the pool by one caller).
        var byText: [String: PreparedQuery] = [:]
    }

    /// Told the shared text of every statement run (benchmarks collect intake's queries with
    /// it, to print their plans).
    let observer: (@Sendable (String) -> Void)?

    init(connection: PostgresConnection, logger: Logger, prepared: PreparedStatements = PreparedStatements(), observer: (@Sendable (String) -> Void)? = nil) {
        self.connection = connection
        self.logger = logger
        self.prepared = prepared
        self.observer = observer
    }

    func send(_ sql: String, _ arguments: SQLArguments) throws {
        pending.futures.append(try execute(sql, arguments).map { _ in })
    }

    /// Runs a statement as a prepared statement (prepared on first use on this connection).
    private func execute(_ sql: String, _ arguments: SQLArguments) throws -> EventLoopFuture<[PostgresRow]> {
        observer?(sql)
        // Keyed by the shared text: a statement prepared before is run without rewriting it
        // again or taking the rewrite cache's lock.
        let statement: PreparedQuery
        if let known = prepared.byText[sql] {
            statement = known
        } else {
            statement = try wait(connection.prepare(query: Self.postgresText(sql)))
            prepared.byText[sql] = statement
        }
        return statement.execute(arguments.values.map(Self.data))
    }

    static func data(_ value: SQLValue) -> PostgresData {
        switch value {
        case .null: .null
        case .integer(let number): PostgresData(int64: number)
        case .real(let number): PostgresData(double: number)
        case .text(let string): PostgresData(string: string)
        case .blob(let bytes): PostgresData(type: .bytea, value: ByteBuffer(bytes: bytes))
        }
    }

    /// Waits for every statement sent; throws the first one's error (after waiting for the rest,
    /// which then fail too, the transaction being aborted).
    private func flush() throws {
        let futures = pending.futures
        guard !futures.isEmpty else { return }
        pending.futures = []
        var first: (any Error)?
        for future in futures {
            do { _ = try wait(future) } catch { if first == nil { first = error } }
        }
        if let first { throw first }
    }

    /// Rewritten statements, by their shared text.
    private static let rewritten = Mutex<[String: String]>([:])

    /// How long one statement may take before the connection is given up as dead (a network
    /// gone quiet, not a closed socket): closed, and the call fails as temporary.
    static let statementDeadline: DispatchTimeInterval = .seconds(60)

    /// Waits for PostgreSQL's answer, up to ``statementDeadline``, after the answers of any
    /// statements sent before it.
    private func answer(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQueryResult {
        observer?(sql)
        let future = connection.query(try query(sql, arguments), logger: logger)
        return try afterPending(future)
    }

    /// Waits for the statements sent before `future`, then for it.
    private func afterPending<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
        do {
            try flush()
        } catch {
            _ = try? wait(future)
            throw error
        }
        return try wait(future)
    }

    private func wait<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<T, any Error>?>(nil)
        future.whenComplete { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        guard done.wait(timeout: .now() + Self.statementDeadline) == .success, let result = outcome.withLock({ $0 }) else {
            let closing: EventLoopFuture<Void> = connection.close(); _ = closing
            throw StoreError(.busy, "PostgreSQL did not answer within \(Self.statementDeadline); the connection was closed.")
        }
        return try result.get()
    }

    func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        let result = try afterPending(try execute(sql, arguments))
        var names: [String]?
        return result.map { row in
            let columns = names ?? row.map { $0.columnName }
            names = columns
            return SQLRow(names: columns, values: row.map(Self.value))
        }
    }

    @discardableResult
    func run(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        return try answer(sql, arguments).metadata.rows ?? 0
    }

    func savepoint(_ body: () throws -> Void) throws {
        try send("SAVEPOINT letterbox", [])
        do {
            try body()
            try run("RELEASE SAVEPOINT letterbox", [])
        } catch {
            discardPending()
            if !connection.isClosed { _ = try? run("ROLLBACK TO SAVEPOINT letterbox", []) }
            throw error
        }
    }

    /// Waits for the statements sent and forgets their errors (before a rollback).
    func discardPending() {
        _ = try? flush()
    }

    func storeBlob(sha256: String, data: Data, now: String) throws -> BlobWrite {
        try run(
            "INSERT INTO blobs (sha256, size, created_at, data) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [sha256, data.count, now, data]
        ) > 0 ? .intoPages : .alreadyStored
    }

    /// Every blob's bytes are in its row here.
    func blobOutside(id: Int64, start: Int64, length: Int64) throws -> Data? { nil }

    var emptyBytesSQL: String { "''::bytea" }

    func refusedRow(_ error: any Error) -> String? {
        guard let state = PostgresCaseStore.sqlState(error) else { return nil }
        // Integrity (23), data (22: text PostgreSQL cannot hold, a value out of range) and
        // limits (54): the row, not the store.
        guard state.hasPrefix("23") || state.hasPrefix("22") || state.hasPrefix("54") else { return nil }
        return PostgresStore.describe(error)
    }

    static func postgresText(_ sql: String) -> String {
        rewritten.withLock { $0[sql] } ?? {
            let made = rewrite(sql)
            rewritten.withLock { $0[sql] = made }
            return made
        }()
    }

    private func query(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQuery {
        let text = Self.postgresText(sql)
        var binds = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value {
            case .null: binds.appendNull()
            case .integer(let number): binds.append(number)
            case .real(let number): binds.append(number)
            case .text(let string): binds.append(string)
            case .blob(let data): binds.append(ByteBuffer(bytes: data))
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: binds)
    }

    /// A statement in the shared dialect, in PostgreSQL's.
    static func rewrite(_ sql: String) -> String {
        var out = ""
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                out.append(character)
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
                out.append(character)
            } else if character == "?" {
                number += 1
                out += "$\(number)"
            } else {
                out.append(character)
            }
        }
        out = out.replacing(/\s+INDEXED BY\s+\w+/, with: "")
        out = out.replacing(/json_extract\(([\w.]+), '\$\.(\w+)'\)/) { match in "(\(match.1)::jsonb ->> '\(match.2)')" }
        // A nested key, '$.contact.email': a path.
        out = out.replacing(/json_extract\(([\w.]+), '\$\.(\w+(?:\.\w+)+)'\)/) { match in
            "(\(match.1)::jsonb #>> '{\(match.2.split(separator: ".").joined(separator: ","))}')"
        }
        return out
    }

    /// A cell's value. The bytes are always in PostgreSQL's binary format (what postgres-nio
    /// asks for), whatever the cell says: a prepared statement's row description is taken
    /// before it runs, when PostgreSQL still reports the text format.
    static func value(_ cell: PostgresCell) -> SQLValue {
        guard var bytes = cell.bytes else { return .null }
        switch cell.dataType {
        case .int8:
            return bytes.readInteger(as: Int64.self).map(SQLValue.integer) ?? .null
        case .int4, .oid:
            return bytes.readInteger(as: Int32.self).map { .integer(Int64($0)) } ?? .null
        case .int2:
            return bytes.readInteger(as: Int16.self).map { .integer(Int64($0)) } ?? .null
        case .bool:
            return bytes.readInteger(as: UInt8.self).map { .integer($0 == 0 ? 0 : 1) } ?? .null
        case .float8:
            return bytes.readInteger(as: UInt64.self).map { .real(Double(bitPattern: $0)) } ?? .null
        case .float4:
            return bytes.readInteger(as: UInt32.self).map { .real(Double(Float(bitPattern: $0))) } ?? .null
        case .bytea:
            return .blob(Data(bytes.readableBytesView))
        case .void:
            return .null
        default:
            // text, varchar, name, json: UTF-8 in both formats. (No query here returns numeric.)
            return .text(String(decoding: bytes.readableBytesView, as: UTF8.self))
        }
    }
}

extension PostgresCaseStore: StoreTransactions, OutboxStore {
    package func reading<T>(_ body: (any StoreConnection) throws -> T) throws(StoreError) -> T { try read { db in try body(db) } }
    package func writing<T>(exclusive: Bool, _ body: (any StoreConnection) throws -> T) throws(StoreError) -> T {
        try transaction(exclusive: exclusive) { db in try body(db) }
    }
    package func skipLocked(_ table: String) -> String { "FOR UPDATE OF \(table) SKIP LOCKED" }
}

extension PostgresCaseStore: CaseStore {
    /// A statement in the shared dialect as PostgreSQL is given it (for EXPLAIN in benchmarks).
    public static func postgresDialect(_ sql: String) -> String { SyncPostgresConnection.postgresText(sql) }
}
