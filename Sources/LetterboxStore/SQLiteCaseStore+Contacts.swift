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
        restriction(SQLRow(row))
    }
}

extension CaseStoreRules {
    static func restriction(_ row: SQLRow) -> Restriction {
        Restriction(
            id: row["id"], contactId: row["contact_id"], reason: row["reason"], approvedBy: row["approved_by"],
            reviewBy: row["review_by"], singlePointOfContact: row["single_point_of_contact"],
            channels: ((row["channels"] as String?) ?? "").split(separator: ",").map(String.init),
            vulnerabilityCheck: row["vulnerability_check"],
            createdAt: Timestamp.date(row["created_at"]) ?? Date(), createdBy: row["created_by"],
            endedAt: (row["ended_at"] as String?).flatMap(Timestamp.date), endedBy: row["ended_by"], endReason: row["end_reason"]
        )
    }
}

extension SQLiteCaseStore {

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

/// The contact a submission resolved to, and what resolving it found.
struct ContactResolution {
    /// The contact the record belongs to (after following merges).
    var contactId: Int64?
    /// The contact whose identifier matched (or that was created): unmerge goes back to it.
    var originId: Int64?
    var flags: [FlagEntry] = []
    /// Weak matches to record once the record exists: (other contact, evidence).
    var weakMatches: [(Int64, String)] = []
    /// Contacts this submission's identifiers joined: (merged, into, reason).
    var merges: [(Int64, Int64, String)] = []
    var created = false
}

extension CaseStoreRules {
    // MARK: Resolving and merging contacts

    /// The contact at the end of a chain of merges.
    func rootContact(_ db: some StoreConnection, _ id: Int64) throws -> Int64 {
        var current = id
        for _ in 0..<64 {
            guard let next = try db.value("SELECT merged_into FROM contacts WHERE id = ?", [current], as: Int64.self) else { return current }
            current = next
        }
        return current
    }

    /// Links the submission to the contact holding any of its strong identifiers (email, phone,
    /// tenancy reference), or creates one. A submission carrying identifiers of two contacts
    /// shows they are one person: the later is merged into the earlier, audited, and can be
    /// undone. A name (and postcode) alone never links: it is a weak match for a person to confirm.
    func resolveContact(_ db: some StoreConnection, _ details: ContactDetails, rawId: Int64, now: String) throws -> ContactResolution {
        var resolution = ContactResolution()
        var identifiers: [(String, String)] = []
        if let email = details.email.flatMap(Identifiers.email) { identifiers.append(("email", email)) }
        if let phone = details.phone?.e164 { identifiers.append(("phone", phone)) }
        if let typed = details.tenancyRef?.trimmingWhitespace(), !typed.isEmpty {
            if let tenancy = Identifiers.tenancy(typed, pattern: options.linking.tenancyPattern) {
                identifiers.append(("tenancy", tenancy))
            } else {
                let shape = options.linking.tenancyPattern.map { " (\($0.pattern))" } ?? ""
                resolution.flags.append(FlagEntry(
                    .invalidTenancyRef,
                    reason: "The tenancy reference \"\(typed)\" does not have this landlord's format\(shape); it is kept as typed and was not used to find the contact."
                ))
            }
        }
        let postcode = details.postcode.flatMap(Identifiers.postcode)
        let nameKey = details.name.flatMap(Identifiers.nameKey)
        guard !identifiers.isEmpty || details.name != nil || details.address != nil else { return resolution }

        // Each identifier's contact, followed to the end of its merges, in the order found.
        var matched: [(kind: String, value: String, direct: Int64, root: Int64)] = []
        for (kind, value) in identifiers {
            if let direct = try db.value("SELECT contact_id FROM contact_identifiers WHERE kind = ? AND value = ?", [kind, value], as: Int64.self) {
                matched.append((kind, value, direct, try rootContact(db, direct)))
            }
        }
        let contactId: Int64
        if let first = matched.first {
            // The oldest contact keeps the others.
            let roots = Array(Set(matched.map(\.root))).sorted()
            contactId = roots[0]
            resolution.originId = first.direct
            for other in roots.dropFirst() {
                let theirs = matched.filter { $0.root == other }.map { "\($0.kind) \($0.value)" }.joined(separator: ", ")
                let ours = matched.filter { $0.root == contactId }.map { "\($0.kind) \($0.value)" }.joined(separator: ", ")
                let reason = "Submission #\(rawId) gave \(ours) (contact #\(contactId)) and \(theirs) (contact #\(other)) as one person's."
                try mergeContacts(db, keep: contactId, merge: other, actor: "letterbox", reason: reason, now: now)
                resolution.merges.append((other, contactId, reason))
            }
            if let name = details.name {
                try db.run("UPDATE contacts SET name = COALESCE(name, ?), name_key = COALESCE(name_key, ?) WHERE id = ?", [name, nameKey, contactId])
            }
            if let postcode {
                try db.run("UPDATE contacts SET postcode = ? WHERE id = ?", [postcode, contactId])
            }
        } else {
            guard let created = try db.value(
                "INSERT INTO contacts (name, name_key, postcode, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                [details.name, nameKey, postcode, now], as: Int64.self
            ) else { throw StoreError(.io, "The store gave no id for a new contact.") }
            contactId = created
            resolution.originId = contactId
            resolution.created = true
            if let nameKey {
                try findWeakMatches(db, contactId: contactId, nameKey: nameKey, postcode: postcode, into: &resolution)
            }
        }
        for (kind, value) in identifiers {
            try db.run("INSERT INTO contact_identifiers (kind, value, contact_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [kind, value, contactId])
        }
        resolution.contactId = contactId
        return resolution
    }

    /// Other contacts with the same name (and, better, the same postcode): possibly the same person.
    private func findWeakMatches(_ db: some StoreConnection, contactId: Int64, nameKey: String, postcode: String?, into resolution: inout ContactResolution) throws {
        let rows = try db.rows("""
                SELECT id, postcode FROM contacts WHERE name_key = ? AND merged_into IS NULL AND id != ?
                ORDER BY (postcode IS NOT DISTINCT FROM ?) DESC, id DESC LIMIT 5
                """, [nameKey, contactId, postcode])
        guard !rows.isEmpty else { return }
        var described: [String] = []
        for row in rows {
            let other: Int64 = row["id"]
            let samePostcode = postcode != nil && (row["postcode"] as String?) == postcode
            let evidence = samePostcode ? "same name and postcode (\(postcode!))" : "same name"
            resolution.weakMatches.append((other, evidence))
            described.append("contact #\(other) (\(evidence))")
        }
        resolution.flags.append(FlagEntry(
            .possibleSameContact,
            reason: "No email, phone number or tenancy reference matched a known contact, so this was recorded as a new contact (#\(contactId)). It may be the same person as \(described.joined(separator: "; ")). A person should check; if they are, run: letterbox contacts merge \(rows.first!["id"] as Int64) \(contactId)."
        ))
    }

    /// Merges contact `merge` into `keep`: its records and cases move with it; its identifiers
    /// stay its own (pointing at `keep` through `merged_into`), so `unmerge` can undo it.
    func mergeContacts(_ db: some StoreConnection, keep: Int64, merge: Int64, actor: String, reason: String, now: String) throws {
        let moved = try db.values("""
                SELECT r.id FROM records r JOIN cases c ON c.id = r.case_id
                WHERE r.contact_id = ? AND c.status = 'open' ORDER BY r.event_at DESC LIMIT 200
                """, [merge], as: Int64.self)
        try db.run("UPDATE contacts SET merged_into = ? WHERE id = ?", [keep, merge])
        try db.run("UPDATE records SET contact_id = ? WHERE contact_id = ?", [keep, merge])
        try db.run("UPDATE cases SET contact_id = ? WHERE contact_id = ?", [keep, merge])
        try db.run("DELETE FROM possible_same_contacts WHERE (contact_id = ? AND other_id = ?) OR (contact_id = ? AND other_id = ?)", [keep, merge, merge, keep])
        try auditContact(db, action: "contact_merged", contactId: merge, reason: "Contact #\(merge) merged into #\(keep): \(reason)", at: now, actor: actor)
        // One event, ordered with the kept contact's latest case; it names every open case of theirs.
        let open = try db.rows("SELECT id, reference FROM cases WHERE contact_id = ? AND status = 'open' ORDER BY id DESC LIMIT 50", [keep])
        if let latest = open.first {
            try enqueueEvent(
                db, .contactMerged, caseId: latest["id"], recordId: nil,
                data: [
                    "keptContact": keep, "mergedContact": merge, "reason": reason, "by": actor,
                    "openCases": open.map { $0["reference"] as String },
                ],
                now: now
            )
        }
        try joinSameMatterCases(db, keep: keep, mergedRecords: moved, now: now, actor: actor)
    }


    func auditContact(_ db: some StoreConnection, action: String, contactId: Int64, recordId: Int64? = nil, reason: String, at: String, actor: String) throws {
        try db.run("INSERT INTO audit_log (at, actor, action, record_id, contact_id, reason) VALUES (?, ?, ?, ?, ?, ?)", [at, actor, action, recordId, contactId, reason])
    }
}
