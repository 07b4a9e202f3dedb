package import Foundation
package import LetterboxCore

/// What the commands that read and correct records ask of a store (list, show, export, stats,
/// quarantine, contacts, cases, restrictions, triage), written once for both stores.
extension StoreTransactions {
    /// Submissions with the given disposition, oldest first.
    package func submissions(_ disposition: Disposition, limit: Int = 1000) throws(StoreError) -> [StoredSubmission] {
        try reading { db in
            try db.rows("SELECT \(SQLiteCaseStore.submissionColumns) WHERE r.disposition = ? ORDER BY r.id LIMIT ?", [disposition.rawValue, limit]).map(Self.submission)
        }
    }

    /// The exact bytes stored under a SHA-256.
    package func blob(sha256: String) throws(StoreError) -> Data? {
        try reading { db in try db.blobData(sha256: sha256) }
    }

    package func record(reference: String) throws(StoreError) -> FeedbackRecord? {
        let decoder = Timestamp.jsonDecoder()
        return try reading { db in
            guard let row = try db.row("SELECT \(SQLiteCaseStore.recordColumns) FROM records WHERE reference = ?", [reference.uppercased()]) else { return nil }
            return try Self.record(row, decoder)
        }
    }

    /// Records in the order received, optionally from one channel and received at or after `since`.
    package func records(channel: Channel? = nil, since: Date? = nil, limit: Int? = nil) throws(StoreError) -> [FeedbackRecord] {
        var result: [FeedbackRecord] = []
        try forEachRecord(channel: channel, since: since, limit: limit) { result.append($0) }
        return result
    }

    /// Streams records without holding them all in memory (for export): in the order received,
    /// or, with `due`, soonest due first.
    package func forEachRecord(
        channel: Channel? = nil,
        since: Date? = nil,
        limit: Int? = nil,
        due: RecordsDue? = nil,
        _ body: (FeedbackRecord) throws -> Void
    ) throws(StoreError) {
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        if let due {
            conditions.append("next_due IS NOT NULL AND next_due <= ?")
            arguments.append(Timestamp.stored(due.before).sqlValue)
            if due.openCasesOnly { conditions.append(SQLiteCaseStore.caseNotClosed) }
        }
        if let channel {
            conditions.append("channel = ?")
            arguments.append(channel.rawValue.sqlValue)
        }
        if let since {
            conditions.append("received_at >= ?")
            arguments.append(Timestamp.stored(since).sqlValue)
        }
        // A page at a time, each after the last one's sort key and id: memory stays bounded
        // however many records an export reads, on either store, without holding a cursor open.
        let sortKey = due == nil ? "received_at" : "next_due"
        let decoder = Timestamp.jsonDecoder()
        var after: (key: String, id: Int64)?
        var left = limit ?? Int.max
        while left > 0 {
            var pageConditions = conditions
            var pageArguments = arguments
            if let after {
                pageConditions.append("(\(sortKey) > ? OR (\(sortKey) = ? AND id > ?))")
                pageArguments += [after.key.sqlValue, after.key.sqlValue, after.id.sqlValue]
            }
            let page = min(left, 500)
            var sql = "SELECT \(SQLiteCaseStore.recordColumns), id, \(sortKey) AS sort_key FROM records"
            if !pageConditions.isEmpty { sql += " WHERE " + pageConditions.joined(separator: " AND ") }
            sql += " ORDER BY \(sortKey), id LIMIT \(page)"
            let statement = sql
            let rows = try reading { db in try db.rows(statement, SQLArguments(pageArguments)) }
            do {
                for row in rows { try body(try Self.record(row, decoder)) }
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(.io, "A record could not be read: \(error)")
            }
            guard rows.count == page, let last = rows.last else { return }
            after = (last["sort_key"], last["id"])
            left -= rows.count
        }
    }

    /// The audit trail of a record and of every submission linked to it, oldest first.
    package func auditTrail(recordId: Int64? = nil, rawSubmissionId: Int64? = nil) throws(StoreError) -> [AuditEntry] {
        try reading { db in
            try db.rows("""
                    SELECT * FROM audit_log
                    WHERE record_id = ? OR raw_submission_id = ?
                       OR raw_submission_id IN (SELECT id FROM raw_submissions WHERE record_id = ?)
                    ORDER BY id
                    """, [recordId, rawSubmissionId, recordId]).map(Self.auditEntry)
        }
    }

    /// How many submissions each channel has had, by disposition.
    package func dispositionCounts() throws(StoreError) -> [Channel: [Disposition: Int]] {
        try reading { db in
            var counts: [Channel: [Disposition: Int]] = [:]
            for row in try db.rows("SELECT channel, disposition, COUNT(*) AS n FROM raw_submissions GROUP BY 1, 2") {
                let channel = Channel(rawValue: row["channel"])
                guard let disposition = Disposition(rawValue: row["disposition"]) else { continue }
                counts[channel, default: [:]][disposition] = row["n"]
            }
            return counts
        }
    }

    /// Ignored submissions by channel and verdict (auto_reply, bounce_permanent, ...).
    package func ignoredVerdictCounts() throws(StoreError) -> [(channel: Channel, verdict: String, count: Int)] {
        try reading { db in
            try db.rows("""
                    SELECT channel, COALESCE(error_code, 'not_feedback') AS verdict, COUNT(*) AS n FROM raw_submissions
                    WHERE disposition = 'ignored' GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2
                    """).map { (Channel(rawValue: $0["channel"]), $0["verdict"], $0["n"]) }
        }
    }

    /// Records linked as follow-ups, and records flagged as possible follow-ups.
    package func followUpCounts() throws(StoreError) -> (linked: Int, possible: Int) {
        try reading { db in
            let linked = try db.value("SELECT COUNT(*) FROM records WHERE follow_up_of IS NOT NULL", [], as: Int.self) ?? 0
            let possible = try db.value("SELECT COUNT(*) FROM record_flags WHERE flag = 'possible_follow_up'", [], as: Int.self) ?? 0
            return (linked, possible)
        }
    }

    /// Everything the store knows about a contact.
    package func contact(id: Int64) throws(StoreError) -> ContactSummary {
        try reading { db in
            let row = try requireContact(db, id)
            let members = try db.values("""
                WITH RECURSIVE members(id) AS (SELECT CAST(? AS bigint) UNION SELECT c.id FROM contacts c JOIN members m ON c.merged_into = m.id)
                SELECT id FROM members WHERE id != ? ORDER BY id
                """, [id, id], as: Int64.self)
            let all = [id] + members
            let identifiers = try db.rows("SELECT kind, value, contact_id FROM contact_identifiers WHERE contact_id IN (\(SQLArguments.placeholders(all.count))) ORDER BY kind, value", SQLArguments(all.map(\.sqlValue))).map { (kind: $0["kind"] as String, value: $0["value"] as String, contactId: $0["contact_id"] as Int64) }
            let records = try db.rows("""
                SELECT r.reference, r.channel, r.received_at, r.event_at, c.reference AS case_reference
                FROM records r LEFT JOIN cases c ON c.id = r.case_id WHERE r.contact_id = ? ORDER BY r.event_at, r.id
                """, [id]).map { row in
                (
                    reference: row["reference"] as String, channel: row["channel"] as String,
                    at: (row["event_at"] as Int64?).map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Timestamp.date(row["received_at"]) ?? Date(),
                    caseReference: row["case_reference"] as String?
                )
            }
            let cases = try db.rows("SELECT reference, status FROM cases WHERE contact_id = ? ORDER BY id", [id])
                .map { (reference: $0["reference"] as String, status: $0["status"] as String) }
            let possible = try db.rows("""
                SELECT other_id AS other, evidence FROM possible_same_contacts WHERE contact_id = ?
                UNION SELECT contact_id AS other, evidence FROM possible_same_contacts WHERE other_id = ?
                """, [id, id]).map { (contactId: $0["other"] as Int64, evidence: $0["evidence"] as String) }
            let restrictions = try db.rows("SELECT * FROM restrictions WHERE contact_id IN (\(SQLArguments.placeholders(all.count))) ORDER BY id", SQLArguments(all.map(\.sqlValue))).map(Self.restriction)
            let audit = try db.rows("SELECT * FROM audit_log WHERE contact_id IN (\(SQLArguments.placeholders(all.count))) ORDER BY id", SQLArguments(all.map(\.sqlValue))).map(Self.auditEntry)
            return ContactSummary(
                id: id, name: row["name"], mergedInto: row["merged_into"], createdAt: Timestamp.date(row["created_at"]) ?? Date(),
                members: members, identifiers: identifiers, records: records, cases: cases, possiblySame: possible,
                restrictions: restrictions, audit: audit
            )
        }
    }

    /// Merges contact `merge` into `keep`, as a person decided. Audited; `unmergeContact` undoes it.
    package func mergeContacts(keep: Int64, merge: Int64, actor: String, reason: String) throws(StoreError) {
        let now = Timestamp.stored(Date())
        try writing(exclusive: true) { db in
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
    package func unmergeContact(_ id: Int64, actor: String, reason: String) throws(StoreError) {
        let now = Timestamp.stored(Date())
        try writing(exclusive: true) { db in
            let row = try requireContact(db, id)
            guard let parent: Int64 = row["merged_into"] else {
                throw StoreError(.invalid, "Contact #\(id) is not merged into another contact.")
            }
            let root = try rootContact(db, parent)
            try db.run("UPDATE contacts SET merged_into = NULL WHERE id = ?", [id])
            try db.run("""
                WITH RECURSIVE members(id) AS (SELECT CAST(? AS bigint) UNION SELECT c.id FROM contacts c JOIN members m ON c.merged_into = m.id)
                UPDATE records SET contact_id = ? WHERE contact_id = ? AND origin_contact_id IN (SELECT id FROM members)
                """, [id, id, root])
            try db.run("""
                UPDATE cases SET contact_id = (SELECT contact_id FROM records WHERE records.id = cases.id)
                WHERE contact_id = ?
                """, [root])
            try auditContact(db, action: "contact_unmerged", contactId: id, reason: "Contact #\(id) separated from #\(parent): \(reason)", at: now, actor: actor)
        }
    }

    /// Records a contact arrangement a person approved. Audited.
    @discardableResult
    package func addRestriction(
        contactId: Int64, reason: String, approvedBy: String, reviewBy: String, singlePointOfContact: String?,
        channels: [String], vulnerabilityCheck: String?, actor: String
    ) throws(StoreError) -> Restriction {
        let now = Timestamp.stored(Date())
        return try writing(exclusive: true) { db in
            _ = try requireContact(db, contactId)
            let root = try rootContact(db, contactId)
            guard let id = try db.value("""
                    INSERT INTO restrictions (contact_id, reason, approved_by, review_by, single_point_of_contact, channels,
                                              vulnerability_check, created_at, created_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                    """, [root, reason, approvedBy, reviewBy, singlePointOfContact, channels.joined(separator: ","), vulnerabilityCheck, now, actor], as: Int64.self)
            else { throw StoreError(.io, "The store gave no id for the arrangement.") }
            let restriction = Self.restriction(try db.row("SELECT * FROM restrictions WHERE id = ?", [id])!)
            try auditContact(
                db, action: "restriction_added", contactId: root,
                reason: "Arrangement #\(id) approved by \(approvedBy), review by \(reviewBy): \(restriction.arrangement). Reason: \(reason). Vulnerability check: \(vulnerabilityCheck ?? "not recorded").",
                at: now, actor: actor
            )
            return restriction
        }
    }

    /// Arrangements, current ones first; ended ones too when asked.
    package func restrictions(includeEnded: Bool = false) throws(StoreError) -> [Restriction] {
        try reading { db in
            try db.rows("SELECT * FROM restrictions \(includeEnded ? "" : "WHERE ended_at IS NULL") ORDER BY ended_at IS NOT NULL, review_by, id").map(Self.restriction)
        }
    }

    /// Ends an arrangement. Audited.
    package func endRestriction(id: Int64, actor: String, reason: String) throws(StoreError) {
        let now = Timestamp.stored(Date())
        try writing(exclusive: true) { db in
            guard let row = try db.row("SELECT * FROM restrictions WHERE id = ?", [id]) else {
                throw StoreError(.notFound, "There is no arrangement #\(id).")
            }
            guard (row["ended_at"] as String?) == nil else { throw StoreError(.invalid, "Arrangement #\(id) has already ended.") }
            try db.run("UPDATE restrictions SET ended_at = ?, ended_by = ?, end_reason = ? WHERE id = ?", [now, actor, reason, id])
            try auditContact(db, action: "restriction_ended", contactId: row["contact_id"], reason: "Arrangement #\(id) ended: \(reason)", at: now, actor: actor)
        }
    }

    /// Closes or reopens a case (named by any of its records' references). Audited.
    package func setCaseStatus(reference: String, open: Bool, actor: String, reason: String) throws(StoreError) -> String {
        let now = Timestamp.stored(Date())
        return try writing(exclusive: true) { db in
            guard let row = try db.row("""
                SELECT c.id, c.reference, c.status FROM records r JOIN cases c ON c.id = r.case_id WHERE r.reference = ?
                """, [reference]) else {
                throw StoreError(.notFound, "There is no record \(reference).")
            }
            let caseReference: String = row["reference"]
            let status: String = row["status"]
            guard status != (open ? "open" : "closed") else { throw StoreError(.invalid, "Case \(caseReference) is already \(status).") }
            if open {
                try db.run("UPDATE cases SET status = 'open', closed_at = NULL, closed_by = NULL, close_reason = NULL WHERE id = ?", [row["id"] as Int64])
            } else {
                try db.run("UPDATE cases SET status = 'closed', closed_at = ?, closed_by = ?, close_reason = ? WHERE id = ?", [now, actor, reason, row["id"] as Int64])
            }
            try audit(db, action: open ? "case_reopened" : "case_closed", rawId: nil, recordId: row["id"], reason: "Case \(caseReference): \(reason)", at: now, actor: actor)
            try enqueueEvent(db, open ? .caseReopened : .caseClosed, caseId: row["id"], recordId: nil, data: ["reason": reason, "by": actor], now: now)
            return caseReference
        }
    }

    /// Every link to and from a record, with the case it is in and that case's status.
    package func links(reference: String) throws(StoreError) -> (caseReference: String?, caseStatus: String?, links: [LinkView]) {
        try reading { db in
            guard let row = try db.row("""
                SELECT r.id, c.reference AS case_reference, c.status FROM records r LEFT JOIN cases c ON c.id = r.case_id WHERE r.reference = ?
                """, [reference]) else { return (nil, nil, []) }
            let id: Int64 = row["id"]
            var views: [LinkView] = []
            for link in try db.rows("""
                SELECT l.kind, l.similarity, l.reason, t.reference FROM record_links l JOIN records t ON t.id = l.target_id
                WHERE l.record_id = ? ORDER BY l.kind, t.id
                """, [id]) {
                views.append(LinkView(kind: RecordLink.Kind(rawValue: link["kind"]), outgoing: true, otherReference: link["reference"], similarity: link["similarity"], reason: link["reason"]))
            }
            for link in try db.rows("""
                SELECT l.kind, l.similarity, l.reason, s.reference FROM record_links l JOIN records s ON s.id = l.record_id
                WHERE l.target_id = ? ORDER BY l.kind, s.id
                """, [id]) {
                views.append(LinkView(kind: RecordLink.Kind(rawValue: link["kind"]), outgoing: false, otherReference: link["reference"], similarity: link["similarity"], reason: link["reason"]))
            }
            return (row["case_reference"], row["status"], views)
        }
    }

    /// The case's records, oldest first: (reference, channel, how it joined).
    package func caseRecords(caseReference: String) throws(StoreError) -> [String] {
        try reading { db in
            try db.values("""
                SELECT r.reference FROM cases c JOIN records r ON r.case_id = c.id WHERE c.reference = ? ORDER BY r.event_at, r.id
                """, [caseReference], as: String.self)
        }
    }

    /// How many links of each kind and records with each contact flag the store holds.
    package func linkCounts() throws(StoreError) -> [(String, Int)] {
        try reading { db in
            var counts: [(String, Int)] = try db.rows("SELECT kind, COUNT(*) AS n FROM record_links GROUP BY kind ORDER BY kind")
                .map { ($0["kind"], $0["n"]) }
            counts += try db.rows("""
                SELECT flag, COUNT(DISTINCT record_id) AS n FROM record_flags
                WHERE flag IN ('possible_same_contact', 'persistent_contact', 'abusive_language', 'restricted_contact', 'restriction_does_not_apply')
                GROUP BY flag ORDER BY flag
                """).map { ($0["flag"], $0["n"]) }
            return counts
        }
    }

    /// An officer corrects the kind, category or service area. The record's reading, due dates
    /// and columns change; Letterbox's own reading stays in the record (`triage`) and the audit
    /// log keeps both, with the officer's reason.
    @discardableResult
    package func correctTriage(
        reference: String,
        kind: FeedbackRecord.Kind?,
        category: String?,
        serviceArea: String?,
        reason: String,
        by: String,
        at now: Date = Date()
    ) throws(StoreError) -> FeedbackRecord {
        try writing(exclusive: true) { db in
            guard let row = try db.row("SELECT id, case_id, document FROM records WHERE reference = ?", [reference]) else {
                throw StoreError(.notFound, "No record \(reference).")
            }
            let id: Int64 = row["id"]
            var record = try Timestamp.jsonDecoder().decode(FeedbackRecord.self, from: Data((row["document"] as String).utf8))
            let before = (kind: record.kind?.rawValue, category: record.category, area: record.serviceArea)
            let original = record.triage
            if let kind { record.kind = kind }
            if let category { record.category = category.isEmpty ? nil : category }
            if let serviceArea { record.serviceArea = serviceArea }
            record.kindReason = "Set by \(by): \(reason)"
            if category != nil { record.categoryReason = "Set by \(by): \(reason)" }
            record.triageCorrection = TriageCorrection(
                by: by, at: now, reason: reason, previousKind: before.kind, previousCategory: before.category, previousServiceArea: before.area
            )
            // Due dates follow the kind: a service request re-read as a complaint gets the complaint clock from its arrival.
            var reading = original
            reading?.kind = record.kind ?? .comment
            record.setDueDates(dueDates(for: record.kind, reading: reading, record: record))
            try saveTriage(db, id: id, record, encoder: Timestamp.jsonEncoder())
            func describe(_ kind: String?, _ category: String?, _ area: String?) -> String {
                "kind \(kind ?? "none"), category \(category ?? "none"), service area \(area ?? "none")"
            }
            let letterbox = original.map { "Letterbox read it as \(describe($0.kind.rawValue, $0.category, $0.serviceArea)); its evidence: \($0.kindReason)" } ?? "Letterbox had not read it."
            let text = "Triage corrected by \(by): now \(describe(record.kind?.rawValue, record.category, record.serviceArea)); was \(describe(before.kind, before.category, before.area)). \(letterbox) Reason: \(reason)"
                + (record.acknowledgeBy.map { " Acknowledge by \(Timestamp.string($0))." } ?? "") + (record.respondBy.map { " Respond by \(Timestamp.string($0))." } ?? "")
            try audit(db, action: "triage_corrected", rawId: nil, recordId: id, reason: text, at: Timestamp.stored(now), actor: by)
            var details: [String: Any] = ["by": by, "reason": reason]
            details["kind"] = record.kind?.rawValue ?? NSNull()
            details["category"] = record.category ?? NSNull()
            details["serviceArea"] = record.serviceArea ?? NSNull()
            details["previousKind"] = before.kind ?? NSNull()
            details["previousCategory"] = before.category ?? NSNull()
            details["previousServiceArea"] = before.area ?? NSNull()
            try enqueueEvent(db, .triageCorrected, caseId: row["case_id"] ?? id, recordId: id, data: details, now: Timestamp.stored(now))
            return record
        }
    }

    /// The records whose kind an officer set (`triage set`), as labelled items for
    /// `letterbox triage train --include-corrections`: the officer's kind and service area,
    /// with their reason as the comment.
    package func correctedTriageItems() throws(StoreError) -> [LabelledItem] {
        try reading { db in
            let decoder = Timestamp.jsonDecoder()
            var items: [LabelledItem] = []
            for row in try db.rows("SELECT document FROM records WHERE json_extract(document, '$.triageCorrection') IS NOT NULL ORDER BY id") {
                let record = try decoder.decode(FeedbackRecord.self, from: Data((row["document"] as String).utf8))
                guard let kind = record.kind, let correction = record.triageCorrection else { continue }
                items.append(LabelledItem(
                    id: "correction-" + record.reference, source: "corrections", channel: record.channel.rawValue, subject: record.subject,
                    text: record.body, kind: kind.rawValue, serviceArea: record.serviceArea, comment: correction.reason
                ))
            }
            return items
        }
    }

    /// Reads records stored before triage existed (or all of them, after the rules or the
    /// timescales change), in batches; returns how many were read.
    package func backfillTriage(all: Bool = false, batch: Int = 1000) throws(StoreError) -> Int {
        var done = 0
        var lastId: Int64 = 0
        while true {
            let count: Int = try writing(exclusive: true) { db in
                let rows = try db.rows("SELECT id, document FROM records WHERE id > ? \(all ? "" : "AND kind IS NULL") ORDER BY id LIMIT ?", [lastId, batch])
                let decoder = Timestamp.jsonDecoder()
                let encoder = Timestamp.jsonEncoder()
                for row in rows {
                    let id: Int64 = row["id"]
                    lastId = id
                    guard var record = try? decoder.decode(FeedbackRecord.self, from: Data((row["document"] as String).utf8)) else { continue }
                    if record.triageCorrection != nil { continue }  // an officer's reading stands
                    record.flags.removeAll { SQLiteCaseStore.triageFlags.contains($0.flag) }
                    applyTriage(to: &record)
                    try saveTriage(db, id: id, record, encoder: encoder)
                    try db.run("DELETE FROM record_flags WHERE record_id = ? AND flag IN (\(SQLiteCaseStore.triageFlagList))", [id])
                    for entry in record.flags where SQLiteCaseStore.triageFlags.contains(entry.flag) {
                        try db.run("INSERT INTO record_flags (record_id, flag, reason) VALUES (?, ?, ?)", [id, entry.flag.rawValue, entry.reason])
                    }
                }
                return rows.count
            }
            done += count
            if count < batch { return done }
        }
    }

    /// Writes a record whose triage or due dates changed: its document and the columns read from it.
    private func saveTriage(_ db: some StoreConnection, id: Int64, _ record: FeedbackRecord, encoder: JSONEncoder) throws {
        try db.run(
            """
            UPDATE records SET document = ?, kind = ?, category = ?, service_area = ?, acknowledge_by = ?,
                respond_by = ?, hazard_due = ?, next_due = ? WHERE id = ?
            """,
            [String(decoding: try encoder.encode(record), as: UTF8.self)] + Self.triageColumns(record) + [id]
        )
    }

    /// Records with a due date on or before `before` (and, with `openOnly`, whose case is still
    /// open), soonest first.
    package func dueRecords(before: Date, openOnly: Bool, limit: Int? = nil) throws(StoreError) -> [FeedbackRecord] {
        var result: [FeedbackRecord] = []
        try forEachRecord(limit: limit, due: RecordsDue(before: before, openCasesOnly: openOnly)) { result.append($0) }
        return result
    }

    /// Records by kind, triage flags, and how many have a due date passed on an open case.
    package func triageCounts(now: Date = Date()) throws(StoreError) -> (kinds: [(String, Int)], flags: [(String, Int)], overdue: Int) {
        try reading { db in
            let kinds: [(String, Int)] = try db.rows("SELECT COALESCE(kind, '(not read)') AS kind, COUNT(*) AS n FROM records GROUP BY 1 ORDER BY 2 DESC, 1")
                .map { ($0["kind"], $0["n"]) }
            let flags: [(String, Int)] = try db.rows("SELECT flag, COUNT(DISTINCT record_id) AS n FROM record_flags WHERE flag IN (\(SQLiteCaseStore.triageFlagList)) GROUP BY flag ORDER BY flag")
                .map { ($0["flag"], $0["n"]) }
            let overdue = try db.value("""
                SELECT COUNT(*) FROM records INDEXED BY records_by_next_due WHERE next_due IS NOT NULL AND next_due <= ?
                AND \(SQLiteCaseStore.caseNotClosed)
                """, [Timestamp.stored(now)], as: Int.self) ?? 0
            return (kinds, flags, overdue)
        }
    }

    /// A record as stored, with its current contact and case (a merge moves them; the document
    /// keeps what was known when it arrived, and the audit log says what changed).
    static func record(_ row: SQLRow, _ decoder: JSONDecoder) throws -> FeedbackRecord {
        let document: String = row["document"]
        var record = try decoder.decode(FeedbackRecord.self, from: Data(document.utf8))
        record.contactId = row["contact_id"]
        if let caseReference: String = row["case_reference"] { record.caseReference = caseReference }
        return record
    }

    func requireContact(_ db: some StoreConnection, _ id: Int64) throws -> SQLRow {
        guard let row = try db.row("SELECT * FROM contacts WHERE id = ?", [id]) else {
            throw StoreError(.notFound, "There is no contact #\(id).")
        }
        return row
    }

    static func auditEntry(_ row: SQLRow) -> AuditEntry {
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
}
