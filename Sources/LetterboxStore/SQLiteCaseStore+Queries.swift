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

    /// Submissions with the given disposition, oldest first.
    public func submissions(_ disposition: Disposition, limit: Int = 1000) throws(StoreError) -> [StoredSubmission] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.submissionColumns) WHERE r.disposition = ? ORDER BY r.id LIMIT ?",
                arguments: [disposition.rawValue, limit]
            ).map(Self.submission)
        }
    }

    /// Submissions stored but never read (`pending`) that arrived before `cutoff`, oldest first:
    /// left by a process that stopped between its two commits.
    public func pendingSubmissionIds(receivedBefore cutoff: Date, limit: Int = 500) throws(StoreError) -> [Int64] {
        try read { db in try pendingIds(db, receivedBefore: cutoff, limit: limit) }
    }

    /// The exact bytes stored under a SHA-256.
    public func blob(sha256: String) throws(StoreError) -> Data? {
        try read { db in try Data.fetchOne(db, sql: "SELECT data FROM blobs WHERE sha256 = ?", arguments: [sha256]) }
    }

    public func record(reference: String) throws(StoreError) -> FeedbackRecord? {
        let decoder = Timestamp.jsonDecoder()
        return try read { db in
            guard let row = try Row.fetchOne(
                db,
                sql: "SELECT \(Self.recordColumns) FROM records WHERE reference = ?",
                arguments: [reference.uppercased()]
            ) else { return nil }
            return try Self.record(row, decoder)
        }
    }

    /// Records in the order received, optionally from one channel and received at or after `since`.
    public func records(channel: Channel? = nil, since: Date? = nil, limit: Int? = nil) throws(StoreError) -> [FeedbackRecord] {
        var result: [FeedbackRecord] = []
        try forEachRecord(channel: channel, since: since, limit: limit) { result.append($0) }
        return result
    }

    /// Streams records without holding them all in memory (for export): in the order received,
    /// or, with `due`, soonest due first.
    public func forEachRecord(
        channel: Channel? = nil,
        since: Date? = nil,
        limit: Int? = nil,
        due: RecordsDue? = nil,
        _ body: (FeedbackRecord) throws -> Void
    ) throws(StoreError) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let due {
            conditions.append("next_due IS NOT NULL AND next_due <= ?")
            _ = arguments.append(contentsOf: [Timestamp.string(due.before)])
            if due.openCasesOnly { conditions.append(Self.caseNotClosed) }
        }
        if let channel {
            conditions.append("channel = ?")
            _ = arguments.append(contentsOf: [channel.rawValue])
        }
        if let since {
            conditions.append("received_at >= ?")
            _ = arguments.append(contentsOf: [Timestamp.string(since)])
        }
        var sql = "SELECT \(Self.recordColumns) FROM records"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += due == nil ? " ORDER BY received_at, id" : " ORDER BY next_due, id"
        if let limit { sql += " LIMIT \(limit)" }
        let decoder = Timestamp.jsonDecoder()
        let finalSQL = sql
        let finalArguments = arguments
        try read { db in
            let cursor = try Row.fetchCursor(db, sql: finalSQL, arguments: finalArguments)
            while let row = try cursor.next() {
                try body(try Self.record(row, decoder))
            }
        }
    }

    /// The document, and the columns that change after it was written (merges of contacts and cases).
    static let recordColumns = "document, contact_id, (SELECT reference FROM cases WHERE cases.id = records.case_id) AS case_reference"

    /// A record as stored, with its current contact and case (a merge moves them; the document
    /// keeps what was known when it arrived, and the audit log says what changed).
    static func record(_ row: Row, _ decoder: JSONDecoder) throws -> FeedbackRecord {
        let document: String = row["document"]
        var record = try decoder.decode(FeedbackRecord.self, from: Data(document.utf8))
        record.contactId = row["contact_id"]
        if let caseReference: String = row["case_reference"] { record.caseReference = caseReference }
        return record
    }

    /// The audit trail of a record and of every submission linked to it, oldest first.
    public func auditTrail(recordId: Int64? = nil, rawSubmissionId: Int64? = nil) throws(StoreError) -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM audit_log
                    WHERE record_id = ? OR raw_submission_id = ?
                       OR raw_submission_id IN (SELECT id FROM raw_submissions WHERE record_id = ?)
                    ORDER BY id
                    """,
                arguments: [recordId, rawSubmissionId, recordId]
            ).map(Self.auditEntry)
        }
    }

    static func auditEntry(_ row: Row) -> AuditEntry {
        AuditEntry(
            id: row["id"],
            at: Timestamp.date(row["at"]) ?? Date(timeIntervalSince1970: 0),
            actor: row["actor"],
            action: row["action"],
            rawSubmissionId: row["raw_submission_id"],
            recordId: row["record_id"],
            reason: row["reason"]
        )
    }

    /// How many submissions each channel has had, by disposition.
    public func dispositionCounts() throws(StoreError) -> [Channel: [Disposition: Int]] {
        try read { db in
            var counts: [Channel: [Disposition: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT channel, disposition, COUNT(*) AS n FROM raw_submissions GROUP BY 1, 2") {
                let channel = Channel(rawValue: row["channel"])
                guard let disposition = Disposition(rawValue: row["disposition"]) else { continue }
                counts[channel, default: [:]][disposition] = row["n"]
            }
            return counts
        }
    }

    /// Ignored submissions by channel and verdict (auto_reply, bounce_permanent, ...).
    public func ignoredVerdictCounts() throws(StoreError) -> [(channel: Channel, verdict: String, count: Int)] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT channel, COALESCE(error_code, 'not_feedback') AS verdict, COUNT(*) AS n FROM raw_submissions
                    WHERE disposition = 'ignored' GROUP BY 1, 2 ORDER BY 1, 3 DESC
                    """
            ).map { (Channel(rawValue: $0["channel"]), $0["verdict"], $0["n"]) }
        }
    }

    /// Records linked as follow-ups, and records flagged as possible follow-ups.
    public func followUpCounts() throws(StoreError) -> (linked: Int, possible: Int) {
        try read { db in
            let linked = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records WHERE follow_up_of IS NOT NULL") ?? 0
            let possible = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record_flags WHERE flag = 'possible_follow_up'") ?? 0
            return (linked, possible)
        }
    }

    /// Where an earlier import of a mailbox file got to (``ImportCheckpoints``).
    public func checkpoint(path: String) throws(StoreError) -> ImportCheckpoint? {
        try read { db in try checkpoint(db, path: path) }
    }

    /// Records how far an import got. Written after the batch's records are committed, so a
    /// crash between the two only means the next run re-reads (and skips) one batch.
    public func saveCheckpoint(_ checkpoint: ImportCheckpoint) throws(StoreError) {
        try write { db in try saveCheckpoint(db, checkpoint) }
    }

    static func submission(_ row: Row) -> StoredSubmission {
        submission(SQLRow(row))
    }
}

extension CaseStoreRules {
    package func storedSubmission(_ db: some StoreConnection, id: Int64) throws -> StoredSubmission? {
        try db.row("SELECT \(SQLiteCaseStore.submissionColumns) WHERE r.id = ?", [id]).map(Self.submission)
    }

    package func pendingIds(_ db: some StoreConnection, receivedBefore cutoff: Date, limit: Int) throws -> [Int64] {
        try db.values(
            "SELECT id FROM raw_submissions WHERE disposition = 'pending' AND received_at < ? ORDER BY id LIMIT ?",
            [Timestamp.string(cutoff), limit], as: Int64.self
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
            [checkpoint.path, checkpoint.inode, checkpoint.offset, checkpoint.messages, Timestamp.string(Date())]
        )
    }

    static func submission(_ row: SQLRow) -> StoredSubmission {
        let metadataText: String = row["metadata"]
        let metadata = (try? JSONSerialization.jsonObject(with: Data(metadataText.utf8))) as? [String: String] ?? [:]
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
