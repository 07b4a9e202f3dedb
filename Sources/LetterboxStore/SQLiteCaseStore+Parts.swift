public import Foundation
import LetterboxCore

/// One stored part of a long message that waits for its other parts.
public struct HeldPart: Sendable, Hashable {
    public var groupKey: String
    public var partNumber: Int
    public var total: Int
    public var rawSubmissionId: Int64
    public var receivedAt: Date
}

extension SQLiteCaseStore {
    /// Every part of a message still waiting to be joined, in part order.
    public func waitingParts(groupKey: String) throws(StoreError) -> [HeldPart] {
        try read { db in try waitingParts(db, groupKey: groupKey) }
    }

    /// Marks parts as joined into the submission that holds them together.
    public func markPartsJoined(_ parts: [HeldPart], into joinedSubmissionId: Int64) throws(StoreError) {
        try write { db in try markJoined(db, parts, into: joinedSubmissionId) }
    }

    /// Groups of parts whose first part arrived before `cutoff` and that are still not joined:
    /// the rest will not come, so they are joined as they are.
    public func partsWaiting(since cutoff: Date) throws(StoreError) -> [[HeldPart]] {
        try read { db in try partsWaiting(db, since: cutoff) }
    }
}

extension CaseStoreRules {
    package func waitingParts(_ db: some StoreConnection, groupKey: String) throws -> [HeldPart] {
        try db.rows(
            """
            SELECT group_key, part_number, total, raw_submission_id, received_at FROM message_parts
            WHERE group_key = ? AND joined_submission_id IS NULL
            ORDER BY part_number, raw_submission_id
            """,
            [groupKey]
        ).map { row in
            HeldPart(
                groupKey: row["group_key"],
                partNumber: row["part_number"],
                total: row["total"],
                rawSubmissionId: row["raw_submission_id"],
                receivedAt: Timestamp.date(row["received_at"]) ?? Date(timeIntervalSince1970: 0)
            )
        }
    }

    package func markJoined(_ db: some StoreConnection, _ parts: [HeldPart], into joinedSubmissionId: Int64) throws {
        for part in parts {
            try db.run(
                """
                UPDATE message_parts SET joined_submission_id = ?
                WHERE group_key = ? AND part_number = ? AND raw_submission_id = ?
                """,
                [joinedSubmissionId, part.groupKey, part.partNumber, part.rawSubmissionId]
            )
        }
    }

    package func partsWaiting(_ db: some StoreConnection, since cutoff: Date) throws -> [[HeldPart]] {
        let keys = try db.values(
            "SELECT DISTINCT group_key FROM message_parts WHERE joined_submission_id IS NULL AND received_at < ?",
            [Timestamp.stored(cutoff)], as: String.self
        )
        return try keys.map { try waitingParts(db, groupKey: $0) }
    }
}
