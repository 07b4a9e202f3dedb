import Crypto
import Foundation
import GRDB
import LetterboxStore
import Logging
import NIOCore
import PostgresNIO

/// `letterbox store copy`: everything in a SQLite store into a PostgreSQL one (raw bytes,
/// records, contacts, cases, links, audit log, outbox positions), then a check of counts and
/// checksums on both sides.
///
/// Re-runnable after an interruption: the blobs (nearly all the bytes) go in batches that each
/// commit, and a re-run starts after the last blob copied; every other table goes in one
/// transaction (rows point both ways, which the deferred foreign keys allow only within one),
/// with rows already there left alone. Copying into a store that has rows of its own (written
/// there, not copied: an id past the source's largest) is refused before anything is written,
/// since ids would collide; any other difference fails the check at the end.
public enum StoreCopy {
    public struct TableReport: Sendable {
        public var table: String
        public var sourceRows: Int
        public var targetRows: Int
        public var copied: Int
        public var checksumsMatch: Bool
    }

    public struct Mismatch: Error, CustomStringConvertible {
        public var tables: [TableReport]
        public var description: String {
            "The copy does not match its source: " + tables.map { "\($0.table) (\($0.sourceRows) rows in SQLite, \($0.targetRows) in PostgreSQL\($0.checksumsMatch ? "" : ", checksums differ"))" }.joined(separator: "; ")
        }
    }

    public struct TargetNotEmpty: Error, CustomStringConvertible {
        public var table: String
        public var targetLargest: Int64
        public var sourceLargest: Int64
        public var description: String {
            "The PostgreSQL store already has rows of its own (\(table) up to id \(targetLargest); the SQLite store's go up to \(sourceLargest)). Copy into an empty database."
        }
    }

    /// Copies, then checks. `stopAfterBlobBatches` ends the run early, as an interruption would (tests).
    public static func copy(
        from sqlitePath: String, to store: PostgresStore, progress: @Sendable (String) -> Void = { _ in },
        stopAfterBlobBatches: Int? = nil
    ) async throws -> [TableReport] {
        // Opening through the store brings an older file's schema up to date first.
        _ = try SQLiteCaseStore(path: sqlitePath)
        var configuration = Configuration()
        configuration.readonly = true
        let source = try DatabaseQueue(path: sqlitePath, configuration: configuration)
        var copied: [String: Int] = [:]
        let logger = store.logger

        // Each table's columns, read once for the copy and the check.
        let columns = try await source.read { db in
            try Dictionary(uniqueKeysWithValues: PostgresSchema.tables.map { ($0.name, try db.columns(in: $0.name).map(\.name)) })
        }
        // Rows of the target's own would collide with the copied ids: refuse before writing.
        var targetLargest: [String: Int64] = [:]
        for table in PostgresSchema.identityTables.sorted() {
            let theirs = try await maxID(store, table)
            let mine = try await source.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(max(id), 0) FROM \(table)") ?? 0 }
            if theirs > mine { throw TargetNotEmpty(table: table, targetLargest: theirs, sourceLargest: mine) }
            targetLargest[table] = theirs
        }

        // Blobs: in committed batches of up to 8 MB (a batch is held about four times over while
        // it is bound and sent), after the last one already there.
        let blobColumns = columns["blobs"] ?? []
        var after = targetLargest["blobs"] ?? 0
        var batches = 0
        while true {
            let from = after
            let rows = try await source.read { db in
                var rows: [[DatabaseValue]] = []
                var bytes = 0
                let cursor = try Row.fetchCursor(db, sql: "SELECT \(list(blobColumns)) FROM blobs WHERE id > ? ORDER BY id", arguments: [from])
                while bytes < 8 << 20, rows.count < 1000, let row = try cursor.next() {
                    let values = try withBytesOutside(blobColumns.indices.map { row[$0] as DatabaseValue }, columns: blobColumns, db: db, databasePath: sqlitePath)
                    bytes += values.reduce(0) { $0 + size($1) }
                    rows.append(values)
                }
                return rows
            }
            if rows.isEmpty { break }
            try await store.client.withTransaction(logger: logger) { connection in
                try await insert(connection, "blobs", blobColumns, rows, conflict: "ON CONFLICT DO NOTHING", logger: logger)
            }
            copied["blobs", default: 0] += rows.count
            after = rows.last.flatMap { Int64.fromDatabaseValue($0[0]) } ?? after
            progress("blobs: \(copied["blobs"] ?? 0) copied")
            batches += 1
            if let stopAfterBlobBatches, batches >= stopAfterBlobBatches { return [] }
        }

        // The rest: one transaction, foreign keys checked at its end.
        let rest = PostgresSchema.tables.filter { $0.name != "blobs" }
        try await store.client.withTransaction(logger: logger) { connection in
            try await connection.query("SET CONSTRAINTS ALL DEFERRED", logger: logger)
            for (table, key) in rest {
                let names = columns[table] ?? []
                if key.isEmpty {
                    // No key to find rows already there by: the table is written whole again.
                    try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table)"), logger: logger)
                }
                // Pages in key order (the rowid for a table without a key), so memory stays small.
                let order = key.isEmpty ? ["rowid"] : key
                var lastKey: [DatabaseValue]? = nil
                while true {
                    let last = lastKey
                    let page = try await source.read { db -> (rows: [[DatabaseValue]], last: [DatabaseValue]?) in
                        let keyTuple = "(" + list(order) + ")"
                        let condition = last == nil ? "" : "WHERE \(keyTuple) > (\(order.map { _ in "?" }.joined(separator: ", ")))"
                        let sql = "SELECT \(list(names)), \(list(order)) FROM \(table) \(condition) ORDER BY \(list(order)) LIMIT 2000"
                        let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(last ?? []))
                        let values = rows.map { row in names.indices.map { row[$0] as DatabaseValue } }
                        let lastKey = rows.last.map { row in order.indices.map { row[names.count + $0] as DatabaseValue } }
                        return (values, lastKey)
                    }
                    if page.rows.isEmpty { break }
                    try await insert(connection, table, names, page.rows, conflict: key.isEmpty ? "" : "ON CONFLICT DO NOTHING", logger: logger)
                    copied[table, default: 0] += page.rows.count
                    lastKey = page.last
                }
                progress("\(table): \(copied[table] ?? 0) read")
            }
            for table in PostgresSchema.identityTables {
                try await connection.query(PostgresQuery(unsafeSQL:
                    "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE((SELECT max(id) FROM \(table)), 1), (SELECT max(id) FROM \(table)) IS NOT NULL)"),
                    logger: logger)
            }
        }

        // The check: every table's rows, counted and summed as hashes, on both sides.
        var reports: [TableReport] = []
        for (table, _) in PostgresSchema.tables {
            let names = columns[table] ?? []
            let mine = try await source.read { db in
                var sum = RowSum()
                let cursor = try Row.fetchCursor(db, sql: "SELECT \(list(names)) FROM \(table)")
                while let row = try cursor.next() {
                    var values = names.indices.map { row[$0] as DatabaseValue }
                    if table == "blobs" { values = try withBytesOutside(values, columns: names, db: db, databasePath: sqlitePath) }
                    sum.add(values.map { Canonical($0) })
                }
                return sum
            }
            var theirs = RowSum()
            let rows = try await store.client.query(PostgresQuery(unsafeSQL: "SELECT \(list(names)) FROM \(table)"), logger: logger)
            for try await row in rows {
                theirs.add(try row.map { try Canonical($0) })
            }
            reports.append(TableReport(table: table, sourceRows: mine.count, targetRows: theirs.count, copied: copied[table] ?? 0,
                                       checksumsMatch: mine == theirs))
        }
        let wrong = reports.filter { $0.sourceRows != $0.targetRows || !$0.checksumsMatch }
        if !wrong.isEmpty { throw Mismatch(tables: wrong) }
        return reports
    }

    /// A blobs row as PostgreSQL keeps it: with its bytes, read from the SQLite store's file
    /// of large blobs when the row holds none (v14). PostgreSQL has no such file.
    static func withBytesOutside(_ values: [DatabaseValue], columns: [String], db: Database, databasePath: String) throws -> [DatabaseValue] {
        guard let idColumn = columns.firstIndex(of: "id"), let dataColumn = columns.firstIndex(of: "data"),
              let sizeColumn = columns.firstIndex(of: "size"),
              let id = Int64.fromDatabaseValue(values[idColumn]), let size = Int64.fromDatabaseValue(values[sizeColumn]), size > 0,
              case .blob(let data) = values[dataColumn].storage, data.isEmpty,
              let bytes = try db.blobOutside(id: id, start: 0, length: size)
        else { return values }
        guard bytes.count == size else {
            throw StoreError(.corrupt, "Blob \(id) is cut short in the store's file of large blobs \(BlobFile.path(forDatabase: databasePath)).")
        }
        var filled = values
        filled[dataColumn] = bytes.databaseValue
        return filled
    }

    static func list(_ names: [String]) -> String { names.map { "\"\($0)\"" }.joined(separator: ", ") }

    static func size(_ value: DatabaseValue) -> Int {
        switch value.storage {
        case .blob(let data): data.count
        case .string(let text): text.utf8.count
        default: 8
        }
    }

    static func maxID(_ store: PostgresStore, _ table: String) async throws -> Int64 {
        var id: Int64 = 0
        for try await (max,) in try await store.client.query(PostgresQuery(unsafeSQL: "SELECT COALESCE(max(id), 0)::bigint FROM \(table)"), logger: store.logger).decode(Int64.self) {
            id = max
        }
        return id
    }

    /// Multi-row INSERTs, as many rows a statement as PostgreSQL's 65,535 parameters allow.
    static func insert(_ connection: PostgresConnection, _ table: String, _ names: [String], _ rows: [[DatabaseValue]], conflict: String, logger: Logger) async throws {
        let perStatement = max(1, min(500, 60_000 / max(1, names.count)))
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            var binds = PostgresBindings(capacity: chunk.count * names.count)
            var tuples: [String] = []
            tuples.reserveCapacity(chunk.count)
            for row in chunk {
                var placeholders: [String] = []
                for value in row {
                    switch value.storage {
                    case .null: binds.appendNull()
                    case .int64(let number): binds.append(number)
                    case .double(let number): binds.append(number)
                    case .string(let text): binds.append(text)
                    case .blob(let data): binds.append(ByteBuffer(bytes: data))
                    }
                    placeholders.append("$\(binds.count)")
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            let sql = "INSERT INTO \(table) (\(list(names))) VALUES \(tuples.joined(separator: ", ")) \(conflict)"
            try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            start += chunk.count
        }
    }
}

/// One value, the same from either store: its kind and its bytes.
struct Canonical {
    var bytes: [UInt8]

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: bytes = [0]
        case .int64(let number): bytes = [1] + withUnsafeBytes(of: number.littleEndian, Array.init)
        case .double(let number): bytes = [2] + withUnsafeBytes(of: number.bitPattern.littleEndian, Array.init)
        case .string(let text): bytes = [3] + Array(text.utf8)
        case .blob(let data): bytes = [4] + Array(data)
        }
    }

    init(_ cell: PostgresCell) throws {
        guard cell.bytes != nil else { bytes = [0]; return }
        switch cell.dataType {
        case .int8, .int4, .int2: bytes = [1] + withUnsafeBytes(of: try cell.decode(Int64.self).littleEndian, Array.init)
        case .float8: bytes = [2] + withUnsafeBytes(of: try cell.decode(Double.self).bitPattern.littleEndian, Array.init)
        case .bytea: bytes = [4] + Array(buffer: try cell.decode(ByteBuffer.self))
        default: bytes = [3] + Array(try cell.decode(String.self).utf8)
        }
    }
}

/// A table's rows as a count and a sum of row hashes: the same whatever order the rows come in.
struct RowSum: Equatable {
    var count = 0
    var sum: (UInt64, UInt64) = (0, 0)

    mutating func add(_ values: [Canonical]) {
        var hasher = SHA256()
        for value in values {
            withUnsafeBytes(of: UInt64(value.bytes.count).littleEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: value.bytes)
        }
        let digest = Array(hasher.finalize())
        let low = digest[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let high = digest[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        count += 1
        sum = (sum.0 &+ low, sum.1 &+ high)
    }

    static func == (lhs: RowSum, rhs: RowSum) -> Bool { lhs.count == rhs.count && lhs.sum == rhs.sum }
}
