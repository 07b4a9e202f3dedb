public import Foundation
public import LetterboxCore
import GRDB

/// A raw submission as the store holds it, without its bytes.
public struct StoredSubmission: Sendable, Hashable {
    public var id: Int64
    public var channel: Channel
    public var source: String
    public var receivedAt: Date
    public var idempotencyKey: String
    public var sha256: String
    public var size: Int
    public var metadata: [String: String]
    public var disposition: Disposition
    public var errorCode: String?
    public var reason: String?
    public var recordId: Int64?
    /// The reference of the record it became (or, for a redelivery, of the original's record).
    public var reference: String?
    public var originalId: Int64?
    public var attempts: Int
    public var updatedAt: Date
}

/// One line of the audit log.
public struct AuditEntry: Sendable, Hashable {
    public var id: Int64
    public var at: Date
    public var actor: String
    public var action: String
    public var rawSubmissionId: Int64?
    public var recordId: Int64?
    public var reason: String?
}

extension SQLiteCaseStore {
    static let submissionColumns = """
        r.*, COALESCE(rec.reference, orig_rec.reference) AS reference
        FROM raw_submissions r
        LEFT JOIN records rec ON rec.id = r.record_id
        LEFT JOIN raw_submissions orig ON orig.id = r.original_id
        LEFT JOIN records orig_rec ON orig_rec.id = orig.record_id
        """

    public func rawSubmission(id: Int64) throws(StoreError) -> StoredSubmission? {
        try read { db in try storedSubmission(db, id: id) }
    }


    /// Submissions stored but never read (`pending`) that arrived before `cutoff`, oldest first:
    /// left by a process that stopped between its two commits.
    public func pendingSubmissionIds(receivedBefore cutoff: Date, limit: Int = 500) throws(StoreError) -> [Int64] {
        try read { db in try pendingIds(db, receivedBefore: cutoff, limit: limit) }
    }





    /// The document, and the columns that change after it was written (merges of contacts and cases).
    static let recordColumns = "document, contact_id, (SELECT reference FROM cases WHERE cases.id = records.case_id) AS case_reference"





    /// Where an earlier import of a mailbox file got to (``ImportCheckpoints``).
    public func checkpoint(path: String) throws(StoreError) -> ImportCheckpoint? {
        try read { db in try checkpoint(db, path: path) }
    }

    /// Records how far an import got. Written after the batch's records are committed, so a
    /// crash between the two only means the next run re-reads (and skips) one batch.
    public func saveCheckpoint(_ checkpoint: ImportCheckpoint) throws(StoreError) {
        try write { db in try saveCheckpoint(db, checkpoint) }
    }

}

extension CaseStoreRules {
    package func storedSubmission(_ db: some StoreConnection, id: Int64) throws -> StoredSubmission? {
        try db.row("SELECT \(SQLiteCaseStore.submissionColumns) WHERE r.id = ?", [id]).map(Self.submission)
    }

    package func pendingIds(_ db: some StoreConnection, receivedBefore cutoff: Date, limit: Int) throws -> [Int64] {
        try db.values(
            "SELECT id FROM raw_submissions WHERE disposition = 'pending' AND received_at < ? ORDER BY id LIMIT ?",
            [Timestamp.stored(cutoff), limit], as: Int64.self
        )
    }

    package func checkpoint(_ db: some StoreConnection, path: String) throws -> ImportCheckpoint? {
        try db.row(#"SELECT path, inode, "offset", messages FROM import_checkpoints WHERE path = ?"#, [path]).map {
            ImportCheckpoint(path: $0["path"], inode: $0["inode"], offset: $0["offset"], messages: $0["messages"])
        }
    }

    package func saveCheckpoint(_ db: some StoreConnection, _ checkpoint: ImportCheckpoint) throws {
        try db.run(
            #"""
            INSERT INTO import_checkpoints (path, inode, "offset", messages, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (path) DO UPDATE SET inode = excluded.inode, "offset" = excluded."offset",
                messages = excluded.messages, updated_at = excluded.updated_at
            """#,
            [checkpoint.path, checkpoint.inode, checkpoint.offset, checkpoint.messages, Timestamp.stored(Date())]
        )
    }

    static func submission(_ row: SQLRow) -> StoredSubmission {
        let metadataText: String = row["metadata"]
        // JSONDecoder, not JSONSerialization: that drops a byte order mark at the start of a value.
        let metadata = (try? JSONDecoder().decode([String: String].self, from: Data(metadataText.utf8))) ?? [:]
        return StoredSubmission(
            id: row["id"],
            channel: Channel(rawValue: row["channel"]),
            source: row["source"],
            receivedAt: Timestamp.date(row["received_at"]) ?? Date(timeIntervalSince1970: 0),
            idempotencyKey: row["idempotency_key"],
            sha256: row["sha256"],
            size: row["size"],
            metadata: metadata,
            disposition: Disposition(rawValue: row["disposition"]) ?? .pending,
            errorCode: row["error_code"],
            reason: row["reason"],
            recordId: row["record_id"],
            reference: row["reference"],
            originalId: row["original_id"],
            attempts: row["attempts"],
            updatedAt: Timestamp.date(row["updated_at"]) ?? Date(timeIntervalSince1970: 0)
        )
    }
}

/// Which records `forEachRecord` lists by due date: those with a due date (acknowledge, respond,
/// hazard clock) on or before `before`, and with `openCasesOnly` only while their case is open.
public struct RecordsDue: Sendable, Hashable {
    public var before: Date
    public var openCasesOnly: Bool

    public init(before: Date, openCasesOnly: Bool) {
        self.before = before
        self.openCasesOnly = openCasesOnly
    }
}


extension SQLiteCaseStore: ImportCheckpoints {}
