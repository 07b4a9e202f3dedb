public import Foundation
public import LetterboxCore
import GRDB

/// A contact arrangement (restriction) a person decided on, with its review date.
public struct Restriction: Sendable, Hashable {
    public var id: Int64
    public var contactId: Int64
    public var reason: String
    public var approvedBy: String
    /// `YYYY-MM-DD`.
    public var reviewBy: String
    public var singlePointOfContact: String?
    /// The channels it covers; empty means all.
    public var channels: [String]
    public var vulnerabilityCheck: String?
    public var createdAt: Date
    public var createdBy: String
    public var endedAt: Date?
    public var endedBy: String?
    public var endReason: String?

    /// What the arrangement is, in words.
    public var arrangement: String {
        var parts: [String] = []
        if let singlePointOfContact { parts.append("single point of contact: \(singlePointOfContact)") }
        parts.append(channels.isEmpty ? "applies to every channel" : "applies to \(channels.joined(separator: ", "))")
        return parts.joined(separator: "; ")
    }

    /// True when its review date has passed (London date) and it has not ended.
    public func isOverdue(today: String) -> Bool { endedAt == nil && reviewBy < today }
}

/// One link between two records, seen from one of them.
public struct LinkView: Sendable, Hashable {
    public var kind: RecordLink.Kind
    /// True when this record points at the other; false when the other points here.
    public var outgoing: Bool
    public var otherReference: String
    public var similarity: Double?
    public var reason: String
}

/// A contact with everything known about it, for `letterbox contacts show`.
public struct ContactSummary: Sendable {
    public var id: Int64
    public var name: String?
    public var mergedInto: Int64?
    public var createdAt: Date
    /// The contacts merged into this one (directly or further down).
    public var members: [Int64]
    /// (kind, value, the contact that holds it).
    public var identifiers: [(kind: String, value: String, contactId: Int64)]
    public var records: [(reference: String, channel: String, at: Date, caseReference: String?)]
    public var cases: [(reference: String, status: String)]
    public var possiblySame: [(contactId: Int64, evidence: String)]
    public var restrictions: [Restriction]
    public var audit: [AuditEntry]
}

extension SQLiteCaseStore {
    /// Today's date in London, `YYYY-MM-DD`, for review dates.
    public static func londonToday(_ now: Date = Date()) -> String {
        CivilDay(london: now).description
    }

    static func restriction(_ row: Row) -> Restriction {
        Restriction(
            id: row["id"], contactId: row["contact_id"], reason: row["reason"], approvedBy: row["approved_by"],
            reviewBy: row["review_by"], singlePointOfContact: row["single_point_of_contact"],
            channels: ((row["channels"] as String?) ?? "").split(separator: ",").map(String.init),
            vulnerabilityCheck: row["vulnerability_check"],
            createdAt: Timestamp.date(row["created_at"]) ?? Date(), createdBy: row["created_by"],
            endedAt: (row["ended_at"] as String?).flatMap(Timestamp.date), endedBy: row["ended_by"], endReason: row["end_reason"]
        )
    }

    private func requireContact(_ db: Database, _ id: Int64) throws -> Row {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM contacts WHERE id = ?", arguments: [id]) else {
            throw StoreError(.notFound, "There is no contact #\(id).")
        }
        return row
    }

    /// Everything the store knows about a contact.
    public func contact(id: Int64) throws(StoreError) -> ContactSummary {
        try read { db in
            let row = try requireContact(db, id)
            let members = try Int64.fetchAll(db, sql: """
                WITH RECURSIVE members(id) AS (SELECT ? UNION SELECT c.id FROM contacts c JOIN members m ON c.merged_into = m.id)
                SELECT id FROM members WHERE id != ? ORDER BY id
                """, arguments: [id, id])
            let all = [id] + members
            let placeholders = databaseQuestionMarks(count: all.count)
            let identifiers = try Row.fetchAll(
                db, sql: "SELECT kind, value, contact_id FROM contact_identifiers WHERE contact_id IN (\(placeholders)) ORDER BY kind, value",
                arguments: StatementArguments(all)
            ).map { (kind: $0["kind"] as String, value: $0["value"] as String, contactId: $0["contact_id"] as Int64) }
            let records = try Row.fetchAll(db, sql: """
                SELECT r.reference, r.channel, r.received_at, r.event_at, c.reference AS case_reference
                FROM records r LEFT JOIN cases c ON c.id = r.case_id WHERE r.contact_id = ? ORDER BY r.event_at, r.id
                """, arguments: [id]).map { row in
                (
                    reference: row["reference"] as String, channel: row["channel"] as String,
                    at: (row["event_at"] as Int64?).map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Timestamp.date(row["received_at"]) ?? Date(),
                    caseReference: row["case_reference"] as String?
                )
            }
            let cases = try Row.fetchAll(db, sql: "SELECT reference, status FROM cases WHERE contact_id = ? ORDER BY id", arguments: [id])
                .map { (reference: $0["reference"] as String, status: $0["status"] as String) }
            let possible = try Row.fetchAll(db, sql: """
                SELECT other_id AS other, evidence FROM possible_same_contacts WHERE contact_id = ?
                UNION SELECT contact_id AS other, evidence FROM possible_same_contacts WHERE other_id = ?
                """, arguments: [id, id]).map { (contactId: $0["other"] as Int64, evidence: $0["evidence"] as String) }
            let restrictions = try Row.fetchAll(
                db, sql: "SELECT * FROM restrictions WHERE contact_id IN (\(placeholders)) ORDER BY id", arguments: StatementArguments(all)
            ).map(Self.restriction)
            let audit = try Row.fetchAll(
                db, sql: "SELECT * FROM audit_log WHERE contact_id IN (\(placeholders)) ORDER BY id", arguments: StatementArguments(all)
            ).map(Self.auditEntry)
            return ContactSummary(
                id: id, name: row["name"], mergedInto: row["merged_into"], createdAt: Timestamp.date(row["created_at"]) ?? Date(),
                members: members, identifiers: identifiers, records: records, cases: cases, possiblySame: possible,
                restrictions: restrictions, audit: audit
            )
        }
    }

    /// Merges contact `merge` into `keep`, as a person decided. Audited; `unmergeContact` undoes it.
    public func mergeContacts(keep: Int64, merge: Int64, actor: String, reason: String) throws(StoreError) {
        let now = Timestamp.string(Date())
        try write { db in
            _ = try requireContact(db, keep)
            _ = try requireContact(db, merge)
            let keepRoot = try rootContact(db, keep)
            let mergeRoot = try rootContact(db, merge)
            guard keepRoot != mergeRoot else {
                throw StoreError(.invalid, "Contacts #\(keep) and #\(merge) are already one contact (#\(keepRoot)).")
            }
            try mergeContacts(db, keep: keepRoot, merge: mergeRoot, actor: actor, reason: reason, now: now)
        }
    }

    /// Undoes a merge: the contact (and those merged into it) take back their own records.
    public func unmergeContact(_ id: Int64, actor: String, reason: String) throws(StoreError) {
        let now = Timestamp.string(Date())
        try write { db in
            let row = try requireContact(db, id)
            guard let parent: Int64 = row["merged_into"] else {
                throw StoreError(.invalid, "Contact #\(id) is not merged into another contact.")
            }
            let root = try rootContact(db, parent)
            try db.execute(sql: "UPDATE contacts SET merged_into = NULL WHERE id = ?", arguments: [id])
            try db.execute(sql: """
                WITH RECURSIVE members(id) AS (SELECT ? UNION SELECT c.id FROM contacts c JOIN members m ON c.merged_into = m.id)
                UPDATE records SET contact_id = ? WHERE contact_id = ? AND origin_contact_id IN members
                """, arguments: [id, id, root])
            try db.execute(sql: """
                UPDATE cases SET contact_id = (SELECT contact_id FROM records WHERE records.id = cases.id)
                WHERE contact_id = ?
                """, arguments: [root])
            try auditContact(db, action: "contact_unmerged", contactId: id, reason: "Contact #\(id) separated from #\(parent): \(reason)", at: now, actor: actor)
        }
    }

    /// Records a contact arrangement a person approved. Audited.
    @discardableResult
    public func addRestriction(
        contactId: Int64, reason: String, approvedBy: String, reviewBy: String, singlePointOfContact: String?,
        channels: [String], vulnerabilityCheck: String?, actor: String
    ) throws(StoreError) -> Restriction {
        let now = Timestamp.string(Date())
        return try write { db in
            _ = try requireContact(db, contactId)
            let root = try rootContact(db, contactId)
            try db.execute(
                sql: """
                    INSERT INTO restrictions (contact_id, reason, approved_by, review_by, single_point_of_contact, channels,
                                              vulnerability_check, created_at, created_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [root, reason, approvedBy, reviewBy, singlePointOfContact, channels.joined(separator: ","), vulnerabilityCheck, now, actor]
            )
            let id = db.lastInsertedRowID
            let restriction = Self.restriction(try Row.fetchOne(db, sql: "SELECT * FROM restrictions WHERE id = ?", arguments: [id])!)
            try auditContact(
                db, action: "restriction_added", contactId: root,
                reason: "Arrangement #\(id) approved by \(approvedBy), review by \(reviewBy): \(restriction.arrangement). Reason: \(reason). Vulnerability check: \(vulnerabilityCheck ?? "not recorded").",
                at: now, actor: actor
            )
            return restriction
        }
    }

    /// Arrangements, current ones first; ended ones too when asked.
    public func restrictions(includeEnded: Bool = false) throws(StoreError) -> [Restriction] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM restrictions \(includeEnded ? "" : "WHERE ended_at IS NULL") ORDER BY ended_at IS NOT NULL, review_by, id"
            ).map(Self.restriction)
        }
    }

    /// Ends an arrangement. Audited.
    public func endRestriction(id: Int64, actor: String, reason: String) throws(StoreError) {
        let now = Timestamp.string(Date())
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM restrictions WHERE id = ?", arguments: [id]) else {
                throw StoreError(.notFound, "There is no arrangement #\(id).")
            }
            guard (row["ended_at"] as String?) == nil else { throw StoreError(.invalid, "Arrangement #\(id) has already ended.") }
            try db.execute(sql: "UPDATE restrictions SET ended_at = ?, ended_by = ?, end_reason = ? WHERE id = ?", arguments: [now, actor, reason, id])
            try auditContact(db, action: "restriction_ended", contactId: row["contact_id"], reason: "Arrangement #\(id) ended: \(reason)", at: now, actor: actor)
        }
    }

    /// Closes or reopens a case (named by any of its records' references). Audited.
    public func setCaseStatus(reference: String, open: Bool, actor: String, reason: String) throws(StoreError) -> String {
        let now = Timestamp.string(Date())
        return try write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT c.id, c.reference, c.status FROM records r JOIN cases c ON c.id = r.case_id WHERE r.reference = ?
                """, arguments: [reference]) else {
                throw StoreError(.notFound, "There is no record \(reference).")
            }
            let caseReference: String = row["reference"]
            let status: String = row["status"]
            guard status != (open ? "open" : "closed") else { throw StoreError(.invalid, "Case \(caseReference) is already \(status).") }
            if open {
                try db.execute(sql: "UPDATE cases SET status = 'open', closed_at = NULL, closed_by = NULL, close_reason = NULL WHERE id = ?", arguments: [row["id"] as Int64])
            } else {
                try db.execute(sql: "UPDATE cases SET status = 'closed', closed_at = ?, closed_by = ?, close_reason = ? WHERE id = ?",
                               arguments: [now, actor, reason, row["id"] as Int64])
            }
            try audit(db, action: open ? "case_reopened" : "case_closed", rawId: nil, recordId: row["id"], reason: "Case \(caseReference): \(reason)", at: now, actor: actor)
            try enqueueEvent(db, open ? .caseReopened : .caseClosed, caseId: row["id"], recordId: nil, data: ["reason": reason, "by": actor], now: now)
            return caseReference
        }
    }

    /// Every link to and from a record, with the case it is in and that case's status.
    public func links(reference: String) throws(StoreError) -> (caseReference: String?, caseStatus: String?, links: [LinkView]) {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT r.id, c.reference AS case_reference, c.status FROM records r LEFT JOIN cases c ON c.id = r.case_id WHERE r.reference = ?
                """, arguments: [reference]) else { return (nil, nil, []) }
            let id: Int64 = row["id"]
            var views: [LinkView] = []
            for link in try Row.fetchAll(db, sql: """
                SELECT l.kind, l.similarity, l.reason, t.reference FROM record_links l JOIN records t ON t.id = l.target_id
                WHERE l.record_id = ? ORDER BY l.kind, t.id
                """, arguments: [id]) {
                views.append(LinkView(kind: RecordLink.Kind(rawValue: link["kind"]), outgoing: true, otherReference: link["reference"], similarity: link["similarity"], reason: link["reason"]))
            }
            for link in try Row.fetchAll(db, sql: """
                SELECT l.kind, l.similarity, l.reason, s.reference FROM record_links l JOIN records s ON s.id = l.record_id
                WHERE l.target_id = ? ORDER BY l.kind, s.id
                """, arguments: [id]) {
                views.append(LinkView(kind: RecordLink.Kind(rawValue: link["kind"]), outgoing: false, otherReference: link["reference"], similarity: link["similarity"], reason: link["reason"]))
            }
            return (row["case_reference"], row["status"], views)
        }
    }

    /// The case's records, oldest first: (reference, channel, how it joined).
    public func caseRecords(caseReference: String) throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT r.reference FROM cases c JOIN records r ON r.case_id = c.id WHERE c.reference = ? ORDER BY r.event_at, r.id
                """, arguments: [caseReference])
        }
    }

    /// How many links of each kind and records with each contact flag the store holds.
    public func linkCounts() throws(StoreError) -> [(String, Int)] {
        try read { db in
            var counts: [(String, Int)] = try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM record_links GROUP BY kind ORDER BY kind")
                .map { ($0["kind"], $0["n"]) }
            counts += try Row.fetchAll(db, sql: """
                SELECT flag, COUNT(DISTINCT record_id) AS n FROM record_flags
                WHERE flag IN ('possible_same_contact', 'persistent_contact', 'abusive_language', 'restricted_contact', 'restriction_does_not_apply')
                GROUP BY flag ORDER BY flag
                """).map { ($0["flag"], $0["n"]) }
            return counts
        }
    }
}
