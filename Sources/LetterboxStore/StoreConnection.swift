public import Foundation
import GRDB
import GRDBSQLite
import Crypto
package import LetterboxCore

/// One value a statement binds or a row holds, in the types both stores share: SQLite's five
/// storage classes, which the PostgreSQL schema maps to `bigint`, `double precision`, `text`
/// and `bytea`.
package enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// A Swift value that binds as an ``SQLValue``.
package protocol SQLArgument {
    var sqlValue: SQLValue { get }
}

/// A Swift value read from an ``SQLValue`` (nil when the value has another type).
package protocol SQLColumnValue {
    init?(sqlValue: SQLValue)
}

extension Int64: SQLArgument, SQLColumnValue {
    package var sqlValue: SQLValue { .integer(self) }
    package init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .integer(let value): self = value
        case .real(let value): self.init(exactly: value.rounded(.towardZero))
        default: return nil
        }
    }
}

extension Int: SQLArgument, SQLColumnValue {
    package var sqlValue: SQLValue { .integer(Int64(self)) }
    package init?(sqlValue: SQLValue) {
        guard let value = Int64(sqlValue: sqlValue) else { return nil }
        self.init(value)
    }
}

extension Bool: SQLArgument, SQLColumnValue {
    package var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    package init?(sqlValue: SQLValue) {
        guard let value = Int64(sqlValue: sqlValue) else { return nil }
        self = value != 0
    }
}

extension Double: SQLArgument, SQLColumnValue {
    package var sqlValue: SQLValue { .real(self) }
    package init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .real(let value): self = value
        case .integer(let value): self = Double(value)
        default: return nil
        }
    }
}

extension String: SQLArgument, SQLColumnValue {
    package var sqlValue: SQLValue { .text(self) }
    package init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .text(let value): self = value
        case .blob(let data): self = String(decoding: data, as: UTF8.self)
        default: return nil
        }
    }
}

extension Data: SQLArgument, SQLColumnValue {
    package var sqlValue: SQLValue { .blob(self) }
    package init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .blob(let value): self = value
        case .text(let value): self = Data(value.utf8)
        default: return nil
        }
    }
}

/// The values a statement binds, in order: `[id, now, reason]`, nils included.
package struct SQLArguments: ExpressibleByArrayLiteral, Sendable {
    package var values: [SQLValue]

    package init(_ values: [SQLValue]) { self.values = values }

    package init(arrayLiteral elements: (any SQLArgument)?...) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    package static func + (lhs: SQLArguments, rhs: SQLArguments) -> SQLArguments {
        SQLArguments(lhs.values + rhs.values)
    }

    /// `count` placeholders for an `IN (...)` list or a row of a multi-row `VALUES`, separated
    /// by commas: `?, ?, ?`.
    package static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

/// One row a query returned, read by column name as GRDB's rows are: `let id: Int64 = row["id"]`.
package struct SQLRow: Sendable {
    package var names: [String]
    package var values: [SQLValue]

    package init(names: [String], values: [SQLValue]) {
        self.names = names
        self.values = values
    }

    package func value(_ name: String) -> SQLValue {
        // Rows have a handful of columns: a scan beats hashing the name.
        for (index, column) in names.enumerated() where column == name { return values[index] }
        preconditionFailure("no column \(name) in \(names)")
    }

    package subscript<T: SQLColumnValue>(_ name: String) -> T {
        let value = value(name)
        guard let typed = T(sqlValue: value) else { preconditionFailure("column \(name) holds \(value), not \(T.self)") }
        return typed
    }

    package subscript<T: SQLColumnValue>(_ name: String) -> T? {
        let value = value(name)
        if case .null = value { return nil }
        return T(sqlValue: value)
    }

    package subscript<T: SQLColumnValue>(_ index: Int) -> T? {
        if case .null = values[index] { return nil }
        return T(sqlValue: values[index])
    }
}

/// A connection inside a transaction, as the shared store code sees it: the rules of intake,
/// linking and contacts are written once against this, and run on SQLite (GRDB's `Database`)
/// and on PostgreSQL (LetterboxPostgres).
///
/// Statements are written once, in the SQL both understand: `?` placeholders,
/// `INSERT ... ON CONFLICT DO NOTHING`, `RETURNING`, `IS NOT DISTINCT FROM`. Two SQLite forms are
/// kept because SQLite needs them and PostgreSQL's connection rewrites them: `INDEXED BY name`
/// (dropped; PostgreSQL's planner chooses) and `json_extract(document, '$.key')`.
/// What storing a blob did.
package enum BlobWrite: Equatable {
    /// Bytes with this SHA-256 were stored already.
    case alreadyStored
    /// Into the database's own pages (and through its page cache).
    case intoPages
    /// Into the store's file of large blobs, beside the database (SQLite).
    case outside
}

package protocol StoreConnection {
    /// Every row the statement returns.
    func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow]
    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ arguments: SQLArguments) throws -> Int
    /// Runs a statement whose result nothing reads (an insert of a flag, an audit line): a
    /// connection may send it on without waiting for the answer, and report its error at the
    /// next statement that waits (PostgreSQL does; SQLite runs it at once).
    func send(_ sql: String, _ arguments: SQLArguments) throws
    /// Runs an INSERT of one row (written without a RETURNING clause) and gives the new row's
    /// id, or nil when it inserted nothing (`ON CONFLICT DO NOTHING`). PostgreSQL adds
    /// `RETURNING id`; SQLite reads the last rowid, since its RETURNING gathers the rows in a
    /// temporary table first (twice the cost of the insert, measured).
    func insertReturningID(_ sql: String, _ arguments: SQLArguments) throws -> Int64?
    /// Adds one to the reference counter of a prefix and year (made at 1 when the year has none)
    /// and returns it.
    func nextReferenceNumber(prefix: String, year: Int) throws -> Int64
    /// Runs `body` in a savepoint: undone alone when it throws, the transaction going on.
    func savepoint(_ body: () throws -> Void) throws
    /// Stores bytes under their SHA-256 unless stored already.
    func storeBlob(sha256: String, data: Data, now: String) throws -> BlobWrite
    /// `length` bytes from `start` of a blob whose row holds none because they are kept outside
    /// the database (SQLite's file of large blobs); nil when this blob has none there.
    func blobOutside(id: Int64, start: Int64, length: Int64) throws -> Data?
    /// Starts making durable, while the transaction goes on, the bytes it has put outside the
    /// database so far (SQLite's file of large blobs); the commit waits for it. Nothing to do
    /// for a store that keeps every byte in its rows.
    func startSyncingBlobsOutside()
    /// A zero-length byte string in this store's SQL (a bound empty value is not one everywhere).
    var emptyBytesSQL: String { get }
    /// Whether an error is the store refusing a row (a constraint, a value too big), which
    /// quarantines the one submission instead of failing the batch.
    func refusedRow(_ error: any Error) -> String?
}

extension StoreConnection {
    package func insertReturningID(_ sql: String, _ arguments: SQLArguments) throws -> Int64? {
        try value(sql + " RETURNING id", arguments, as: Int64.self)
    }

    package func startSyncingBlobsOutside() {}

    /// One statement (PostgreSQL: instances sharing the store may make the year's row at once).
    package func nextReferenceNumber(prefix: String, year: Int) throws -> Int64 {
        guard let number = try value("""
                INSERT INTO reference_counters (prefix, year, last) VALUES (?, ?, 1)
                ON CONFLICT (prefix, year) DO UPDATE SET last = reference_counters.last + 1
                RETURNING last
                """, [prefix, year], as: Int64.self)
        else { throw StoreError(.io, "The store gave no reference number.") }
        return number
    }

    /// Stores a file that is inside a stored raw message (`source`, its SHA-256) as its range
    /// there, unless content with this SHA-256 is stored already; true when stored now. The
    /// blobs row holds no bytes (``blobData(sha256:)`` reads them from the range).
    package func storeBlobRange(sha256: String, size: Int, source: String, range: RawRange, now: String) throws -> Bool {
        guard let id = try insertReturningID(
            "INSERT INTO blobs (sha256, size, created_at, data) VALUES (?, ?, ?, \(emptyBytesSQL)) ON CONFLICT DO NOTHING",
            [sha256, size, now]
        ) else { return false }
        try send(
            "INSERT INTO blob_ranges (blob_id, source_sha256, start, length, coding) VALUES (?, ?, ?, ?, ?)",
            [id, source, range.offset, range.length, range.coding.rawValue]
        )
        return true
    }

    /// The bytes stored under a SHA-256: the blob's own (in its row, or in the store's file of
    /// large blobs), or, for a file kept as a range of a stored message, that range decoded
    /// again. Bytes read from outside a row are checked against the SHA-256.
    package func blobData(sha256: String) throws -> Data? {
        guard let row = try row("""
                SELECT b.id, b.data, b.size, r.source_sha256, r.start, r.length, r.coding
                FROM blobs b LEFT JOIN blob_ranges r ON r.blob_id = b.id WHERE b.sha256 = ?
                """, [sha256]) else { return nil }
        let size: Int64 = row["size"]
        guard let source = row["source_sha256"] as String? else {
            let data: Data = row["data"]
            guard data.isEmpty, size > 0 else { return data }
            guard let bytes = try blobOutside(id: row["id"], start: 0, length: size) else {
                throw StoreError(.corrupt, "The blob \(sha256) has no bytes in the store: the store is damaged.")
            }
            guard bytes.count == size, SHA256.hash(data: bytes).hexString == sha256 else {
                throw StoreError(.corrupt, "The blob \(sha256), read from the store's file of large blobs, does not match its SHA-256: the file is damaged or was cut short.")
            }
            return bytes
        }
        let start: Int64 = row["start"]
        let length: Int64 = row["length"]
        let codingName: String = row["coding"]
        guard let coding = RawRange.Coding(rawValue: codingName) else {
            throw StoreError(.corrupt, "The file \(sha256) is kept as a range in an encoding this version does not know (\(codingName)).")
        }
        // The range as the row holds it, with the message's id and size: a message kept in the
        // file of large blobs has an empty row, and only the range is read from the file.
        // (The arguments go as 64-bit integers; PostgreSQL's substr takes 32-bit ones.)
        guard let message = try self.row("""
                SELECT id, size, substr(data, CAST(CAST(? AS bigint) AS integer), CAST(CAST(? AS bigint) AS integer)) AS encoded
                FROM blobs WHERE sha256 = ?
                """, [start + 1, length, source]) else {
            throw StoreError(.corrupt, "The message that holds the file \(sha256) (blob \(source)) is missing from the store.")
        }
        var encoded = (message["encoded"] as Data?) ?? Data()
        if encoded.isEmpty, (message["size"] as Int64) > 0, let outside = try blobOutside(id: message["id"], start: start, length: length) {
            encoded = outside
        }
        let range = RawRange(offset: Int(start), length: Int(length), coding: coding)
        guard let data = range.decode(encoded), data.count == size, SHA256.hash(data: data).hexString == sha256 else {
            throw StoreError(.corrupt, "The file \(sha256), read from its range of message \(source), does not match its SHA-256: the store is damaged.")
        }
        return data
    }

    package func rows(_ sql: String) throws -> [SQLRow] {
        try rows(sql, [])
    }

    package func row(_ sql: String, _ arguments: SQLArguments = []) throws -> SQLRow? {
        try rows(sql, arguments).first
    }

    /// The first column of the first row, or nil.
    package func value<T: SQLColumnValue>(_ sql: String, _ arguments: SQLArguments = [], as type: T.Type = T.self) throws -> T? {
        guard let row = try rows(sql, arguments).first, !row.values.isEmpty else { return nil }
        return row[0]
    }

    /// The first column of every row (nulls left out).
    package func values<T: SQLColumnValue>(_ sql: String, _ arguments: SQLArguments = [], as type: T.Type = T.self) throws -> [T] {
        try rows(sql, arguments).compactMap { $0.values.isEmpty ? nil : $0[0] }
    }
}

// MARK: SQLite

/// Steps a statement that ``Database/bound(_:_:)`` reset and bound, through GRDB (which keeps
/// its transaction and observation bookkeeping), yielding nothing: the columns are read from the
/// handle. GRDB's `Row.fetchCursor` built a `Row` for every query, and with it a dictionary of
/// its lowercased column names that nothing here reads (about 90,000 instructions a message on
/// an mbox import's writer, `Benchmarks/instructions.sh`).
private final class StepCursor: DatabaseCursor {
    typealias Element = Void
    let _statement: Statement
    var _isDone = false

    init(_ statement: Statement) { _statement = statement }

    func _element(sqliteStatement: SQLiteStatement) {}
}

extension Database: StoreConnection {
    package func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        let statement = try bound(sql, arguments)
        let names = statement.columnNames
        let handle = statement.sqliteStatement
        let cursor = StepCursor(statement)
        var result: [SQLRow] = []
        while try cursor.next() != nil {
            var values: [SQLValue] = []
            values.reserveCapacity(names.count)
            for index in 0..<Int32(names.count) { values.append(SQLValue(handle, column: index)) }
            result.append(SQLRow(names: names, values: values))
        }
        return result
    }

    @discardableResult
    package func run(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        try bound(sql, arguments).execute()
        return changesCount
    }

    package func send(_ sql: String, _ arguments: SQLArguments) throws {
        try bound(sql, arguments).execute()
    }

    package func insertReturningID(_ sql: String, _ arguments: SQLArguments) throws -> Int64? {
        try bound(sql, arguments).execute()
        return changesCount > 0 ? lastInsertedRowID : nil
    }

    package func startSyncingBlobsOutside() {
        guard let path = BlobFile.databasePath(self) else { return }
        BlobFile.syncAppendedSoFar(databasePath: path)
    }

    /// An update, then a read: the upsert's RETURNING gathered its row in a temporary table
    /// each time. The writer holds SQLite's write lock, so nothing comes between the two.
    package func nextReferenceNumber(prefix: String, year: Int) throws -> Int64 {
        try bound("UPDATE reference_counters SET last = last + 1 WHERE prefix = ? AND year = ?", [prefix, year]).execute()
        if changesCount > 0, let number = try value("SELECT last FROM reference_counters WHERE prefix = ? AND year = ?", [prefix, year], as: Int64.self) {
            return number
        }
        try bound("INSERT INTO reference_counters (prefix, year, last) VALUES (?, ?, 1)", [prefix, year]).execute()
        return 1
    }

    /// The cached statement for `sql` with `arguments` bound through SQLite's own calls. GRDB's
    /// `StatementArguments`, made through its generic initialisers (not specialised across
    /// modules), then checked and bound one closure per value, cost about 8,000 instructions a
    /// statement: a tenth of the single writer's work on an mbox import. Run through GRDB as
    /// before (`execute()`, a cursor), which keeps its bookkeeping of transactions and observers.
    private func bound(_ sql: String, _ arguments: SQLArguments) throws -> Statement {
        let statement = try cachedStatement(sql: sql)
        let handle = statement.sqliteStatement
        // A statement whose last step failed (a refused row) reports that error on its next
        // reset, which GRDB's own reset below would take for a bug: cleared here first.
        sqlite3_reset(handle)
        // Resets, clears the bindings, and records that the statement's arguments are set, so
        // that GRDB runs it with the values bound here.
        statement.setUncheckedArguments(StatementArguments())
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard arguments.values.count == expected else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "wrong number of statement arguments: \(arguments.values.count) for \(expected)", sql: sql)
        }
        for (offset, value) in arguments.values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let number): code = sqlite3_bind_int64(handle, index, number)
            case .real(let number): code = sqlite3_bind_double(handle, index, number)
            case .text(var text):
                code = text.withUTF8 { bytes in
                    bytes.isEmpty
                        ? sqlite3_bind_text(handle, index, "", 0, SQLITE_STATIC_BINDING)
                        : sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), SQLITE_TRANSIENT_BINDING)
                }
            case .blob(let data):
                code = data.withUnsafeBytes { bytes in
                    bytes.isEmpty
                        ? sqlite3_bind_zeroblob(handle, index, 0)
                        : sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), SQLITE_TRANSIENT_BINDING)
                }
            }
            guard code == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqliteConnection)), sql: sql)
            }
        }
        return statement
    }

    /// Inside a transaction (each record of a batch) the savepoint's three statements are cached
    /// ones: GRDB's `inSavepoint` compiles `SAVEPOINT` and `RELEASE` afresh each time, about
    /// 80,000 instructions a record on the single writer of an mbox import
    /// (`Benchmarks/instructions.sh`). GRDB still sees them (it follows savepoints by what a
    /// statement does, cached or not), so its transaction observers, the large blobs' sync
    /// among them, see the same as before.
    package func savepoint(_ body: () throws -> Void) throws {
        guard isInsideTransaction else {
            try inSavepoint {
                try body()
                return .commit
            }
            return
        }
        try cachedStatement(sql: "SAVEPOINT letterbox_record").execute()
        do {
            try body()
        } catch {
            // The error that undid the work is the one to report; if SQLite has already rolled
            // the whole transaction back (a full disk), there is no savepoint left to undo.
            if sqlite3_get_autocommit(sqliteConnection) == 0 {
                try? cachedStatement(sql: "ROLLBACK TO SAVEPOINT letterbox_record").execute()
                try? cachedStatement(sql: "RELEASE SAVEPOINT letterbox_record").execute()
            }
            throw error
        }
        try cachedStatement(sql: "RELEASE SAVEPOINT letterbox_record").execute()
    }

    package func storeBlob(sha256: String, data: Data, now: String) throws -> BlobWrite {
        try SQLiteCaseStore.storeBlob(self, sha256: sha256, data: data, now: now)
    }

    package func blobOutside(id: Int64, start: Int64, length: Int64) throws -> Data? {
        guard let place = try Row.fetchOne(cachedStatement(sql: "SELECT start, length FROM blob_files WHERE blob_id = ?"), arguments: [id]),
              let path = BlobFile.databasePath(self) else { return nil }
        let blobStart: Int64 = place["start"]
        let blobLength: Int64 = place["length"]
        guard start >= 0, length >= 0, start + length <= blobLength else {
            throw StoreError(.corrupt, "A range (\(start), \(length)) lies outside its blob of \(blobLength) bytes: the store is damaged.")
        }
        return try BlobFile.read(databasePath: path, start: blobStart + start, length: length)
    }

    package var emptyBytesSQL: String { "zeroblob(0)" }

    package func refusedRow(_ error: any Error) -> String? {
        guard let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT || error.resultCode == .SQLITE_TOOBIG else {
            return nil
        }
        return error.message ?? "\(error)"
    }
}

/// SQLite copies the value before the bind call returns (SQLITE_TRANSIENT), or the value is
/// a constant that outlives the statement (SQLITE_STATIC).
private let SQLITE_TRANSIENT_BINDING = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
private let SQLITE_STATIC_BINDING: sqlite3_destructor_type? = nil

extension SQLValue {
    /// The value in column `column` of the row `statement` is on.
    init(_ statement: OpaquePointer, column: Int32) {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: self = .null
        case SQLITE_INTEGER: self = .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: self = .real(sqlite3_column_double(statement, column))
        // The pointer first, then its length (SQLite's advice: the length is of the form last asked for).
        case SQLITE_TEXT:
            let bytes = sqlite3_column_text(statement, column)
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let bytes else { self = .text(""); return }
            self = .text(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self))
        default:
            let bytes = sqlite3_column_blob(statement, column)
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let bytes else { self = .blob(Data()); return }
            self = .blob(Data(bytes: bytes, count: count))
        }
    }
}
