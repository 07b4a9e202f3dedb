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
            // Only a row that changes is written: an update that sets the same values still
            // rewrites its page, and a known contact writes again on almost every submission
            // (on a store of a million records, a page of `contacts` read and written each time).
            if let name = details.name {
                let missing = nameKey == nil ? "name IS NULL" : "(name IS NULL OR name_key IS NULL)"
                try db.run("UPDATE contacts SET name = COALESCE(name, ?), name_key = COALESCE(name_key, ?) WHERE id = ? AND \(missing)", [name, nameKey, contactId])
            }
            if let postcode {
                try db.run("UPDATE contacts SET postcode = ? WHERE id = ? AND (postcode IS NULL OR postcode <> ?)", [postcode, contactId, postcode])
            }
        } else {
            guard let created = try db.insertReturningID(
                "INSERT INTO contacts (name, name_key, postcode, created_at) VALUES (?, ?, ?, ?)",
                [details.name, nameKey, postcode, now]
            ) else { throw StoreError(.io, "The store gave no id for a new contact.") }
            contactId = created
            resolution.originId = contactId
            resolution.created = true
            if let nameKey {
                try findWeakMatches(db, contactId: contactId, nameKey: nameKey, postcode: postcode, into: &resolution)
            }
        }
        // An identifier that matched has its row already (naming its own contact, which the
        // merge above followed): the insert would change nothing, and costs a statement on
        // almost every submission from a known contact.
        for (kind, value) in identifiers where !matched.contains(where: { $0.kind == kind && $0.value == value }) {
            try db.run("INSERT INTO contact_identifiers (kind, value, contact_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [kind, value, contactId])
        }
        resolution.contactId = contactId
        return resolution
    }

    /// Other contacts with the same name (and, better, the same postcode): possibly the same person.
    private func findWeakMatches(_ db: some StoreConnection, contactId: Int64, nameKey: String, postcode: String?, into resolution: inout ContactResolution) throws {
        // Those with the same postcode (or, without one, none) first, then the others, newest
        // first, five at most. Two queries, so that each walks its index in order and stops at
        // five: one query ordered by "same postcode" read and sorted every contact of that name,
        // which grows with the store (a common name is shared by hundreds of tenants).
        let samePlace = postcode == nil ? "postcode IS NULL" : "postcode = ?"
        let otherPlace = postcode == nil ? "postcode IS NOT NULL" : "(postcode IS NULL OR postcode != ?)"
        let place: SQLArguments = postcode.map { [$0] } ?? []
        var rows = try db.rows(
            "SELECT id, postcode FROM contacts WHERE name_key = ? AND \(samePlace) AND merged_into IS NULL AND id != ? ORDER BY id DESC LIMIT 5",
            [nameKey] + place + [contactId]
        )
        if rows.count < 5 {
            rows += try db.rows(
                "SELECT id, postcode FROM contacts WHERE name_key = ? AND \(otherPlace) AND merged_into IS NULL AND id != ? ORDER BY id DESC LIMIT ?",
                [nameKey] + place + [contactId, 5 - rows.count]
            )
        }
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
        try db.send("INSERT INTO audit_log (at, actor, action, record_id, contact_id, reason) VALUES (?, ?, ?, ?, ?, ?)", [at, actor, action, recordId, contactId, reason])
    }
}
