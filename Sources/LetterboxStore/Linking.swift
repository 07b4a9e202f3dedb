import Foundation
import GRDB
import LetterboxCore

/// What the store works out about a record as it commits it: who the contact is, which case it
/// belongs to, what it duplicates, repeats or relates to, and which rules it trips.
///
/// Everything here runs inside the commit's transaction, so a record and its links and flags
/// are written together or not at all. Every lookup is an index search bounded by the contact,
/// the case or the window (the benchmark in Benchmarks/LetterboxBench prints the query plans).
enum Linking {
    static let day: Int64 = 86_400
    /// The LSH table's time partition, in days.
    static let periodDays: Int64 = 30

    /// When the customer made contact, as Unix seconds: the date the message or note gives when
    /// it is plausible (up to a year before arrival, not after it), else when it arrived.
    static func eventTime(contactedAt: Date?, receivedAt: Date) -> Int64 {
        let received = Int64(receivedAt.timeIntervalSince1970.rounded(.down))
        if let contactedAt {
            let contacted = Int64(contactedAt.timeIntervalSince1970.rounded(.down))
            if contacted <= received + day, contacted >= received - 366 * day { return contacted }
        }
        return received
    }

    /// The band keys a record is filed under: its wording's bands, each combined with the place
    /// the contact gave (postcode, else building), because `related` needs near-identical words
    /// *and* the same place; the same contact's repeats are found through the contact index.
    /// Scoping by place keeps every bucket small however much boilerplate a landlord receives.
    /// No place, no keys.
    static func placeBandKeys(_ fingerprint: TextFingerprint, postcode: String?, addressKey: String?) -> [Int64] {
        guard let place = postcode.map({ "p:" + $0 }) ?? addressKey.map({ "a:" + $0 }) else { return [] }
        let placeHash = place.utf8.reduce(TextFingerprint.fnvOffset, TextFingerprint.fnv)
        return fingerprint.bandKeys.map { Int64(bitPattern: TextFingerprint.mix(UInt64(bitPattern: $0) ^ placeHash)) }
    }

    /// The text compared for duplicates: the body, or the subject when there is no body.
    static func comparedText(body: String, subject: String?) -> String {
        TextFingerprint.hasWords(body) ? body : (subject ?? "")
    }

    /// Stores the wording fingerprint of every record stored before v5.
    static func backfillShingles(_ db: Database) throws {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT id, json_extract(document, '$.body') AS body, json_extract(document, '$.subject') AS subject FROM records ORDER BY id"
        )
        while let row = try rows.next() {
            let fingerprint = TextFingerprint(comparedText(body: row["body"] ?? "", subject: row["subject"]))
            try storeShingles(db, recordId: row["id"], fingerprint)
        }
    }

    static func storeShingles(_ db: Database, recordId: Int64, _ fingerprint: TextFingerprint) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO record_shingles (record_id, word_count, shingles) VALUES (?, ?, ?)")
            .execute(arguments: [recordId, fingerprint.wordCount, Data(fingerprint.packedShingles)])
    }

    /// A stored record's fingerprint (every record has one: written with it, or by migration v5).
    static func storedFingerprint(_ db: Database, recordId: Int64, textHash: Int64?) throws -> TextFingerprint? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT word_count, shingles FROM record_shingles WHERE record_id = ?"), arguments: [recordId]
        ).map { row in
            TextFingerprint(packed: [UInt8](row["shingles"] as Data), wordCount: row["word_count"], textHash: textHash)
        }
    }

    /// Fills the v4 columns for records stored before it, and gives each existing case a row.
    /// Old records take part in later lookups; they are not linked to each other after the fact.
    static func backfill(_ db: Database) throws {
        let decoder = Timestamp.jsonDecoder()
        let rows = try Row.fetchCursor(db, sql: "SELECT id, follow_up_of, contact_id, document FROM records ORDER BY id")
        while let row = try rows.next() {
            let id: Int64 = row["id"]
            let document: String = row["document"]
            guard let record = try? decoder.decode(FeedbackRecord.self, from: Data(document.utf8)) else { continue }
            let caseId: Int64 = row["follow_up_of"] ?? id
            let at = eventTime(contactedAt: record.contactedAt, receivedAt: record.receivedAt)
            let fingerprint = TextFingerprint(comparedText(body: record.body, subject: record.subject))
            let postcode = record.contact.postcode.flatMap(Identifiers.postcode)
            try db.execute(
                sql: """
                    UPDATE records SET case_id = ?, origin_contact_id = contact_id, event_at = ?, text_hash = ?, postcode = ?,
                        address_key = ? WHERE id = ?
                    """,
                arguments: [
                    caseId, at, fingerprint.textHash, postcode,
                    record.contact.address.flatMap { Identifiers.addressKey($0, postcode: postcode) }, id,
                ]
            )
            if caseId == id {
                try db.execute(
                    sql: "INSERT INTO cases (id, reference, contact_id, opened_at) VALUES (?, ?, ?, ?)",
                    arguments: [id, record.reference, row["contact_id"] as Int64?, at]
                )
            }
            let address = record.contact.address.flatMap { Identifiers.addressKey($0, postcode: postcode) }
            for key in placeBandKeys(fingerprint, postcode: postcode, addressKey: address) {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO lsh_bands (period, bucket, day, record_id) VALUES (?, ?, ?, ?)",
                    arguments: [at / day / periodDays, key, at / day, id]
                )
            }
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

/// Links, case and flags for a record about to be written.
struct LinkingOutcome {
    var caseId: Int64
    var caseReference: String
    var newCase: Bool
    var links: [(kind: RecordLink.Kind, targetId: Int64, link: RecordLink)] = []
    /// Other open cases of the same contact this record shows to be the same matter: joined into `caseId`.
    var casesToJoin: [(id: Int64, reference: String, evidence: String)] = []
    var flags: [FlagEntry] = []
    var eventAt: Int64
    var fingerprint: TextFingerprint
    var postcode: String?
    var addressKey: String?
    /// The keys to file the record under in `lsh_bands`.
    var bandKeys: [Int64] = []
}

extension SQLiteCaseStore {
    // MARK: Contacts

    /// The contact at the end of a chain of merges.
    func rootContact(_ db: Database, _ id: Int64) throws -> Int64 {
        var current = id
        for _ in 0..<64 {
            guard let next = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT merged_into FROM contacts WHERE id = ?"), arguments: [current]
            ) else { return current }
            current = next
        }
        return current
    }

    /// Links the submission to the contact holding any of its strong identifiers (email, phone,
    /// tenancy reference), or creates one. A submission carrying identifiers of two contacts
    /// shows they are one person: the later is merged into the earlier, audited, and can be
    /// undone. A name (and postcode) alone never links: it is a weak match for a person to confirm.
    func resolveContact(_ db: Database, _ details: ContactDetails, rawId: Int64, now: String) throws -> ContactResolution {
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
            if let direct = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT contact_id FROM contact_identifiers WHERE kind = ? AND value = ?"),
                arguments: [kind, value]
            ) {
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
                try db.run(sql: "UPDATE contacts SET name = COALESCE(name, ?), name_key = COALESCE(name_key, ?) WHERE id = ?",
                           arguments: [name, nameKey, contactId])
            }
            if let postcode {
                try db.run(sql: "UPDATE contacts SET postcode = ? WHERE id = ?", arguments: [postcode, contactId])
            }
        } else {
            try db.run(
                sql: "INSERT INTO contacts (name, name_key, postcode, created_at) VALUES (?, ?, ?, ?)",
                arguments: [details.name, nameKey, postcode, now]
            )
            contactId = db.lastInsertedRowID
            resolution.originId = contactId
            resolution.created = true
            if let nameKey {
                try findWeakMatches(db, contactId: contactId, nameKey: nameKey, postcode: postcode, into: &resolution)
            }
        }
        for (kind, value) in identifiers {
            try db.run(
                sql: "INSERT INTO contact_identifiers (kind, value, contact_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [kind, value, contactId]
            )
        }
        resolution.contactId = contactId
        return resolution
    }

    /// Other contacts with the same name (and, better, the same postcode): possibly the same person.
    private func findWeakMatches(_ db: Database, contactId: Int64, nameKey: String, postcode: String?, into resolution: inout ContactResolution) throws {
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT id, postcode FROM contacts WHERE name_key = ? AND merged_into IS NULL AND id != ?
                ORDER BY (postcode IS ? ) DESC, id DESC LIMIT 5
                """),
            arguments: [nameKey, contactId, postcode]
        )
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
    func mergeContacts(_ db: Database, keep: Int64, merge: Int64, actor: String, reason: String, now: String) throws {
        let moved = try Int64.fetchAll(
            db.cachedStatement(sql: """
                SELECT r.id FROM records r JOIN cases c ON c.id = r.case_id
                WHERE r.contact_id = ? AND c.status = 'open' ORDER BY r.event_at DESC LIMIT 200
                """),
            arguments: [merge]
        )
        try db.run(sql: "UPDATE contacts SET merged_into = ? WHERE id = ?", arguments: [keep, merge])
        try db.run(sql: "UPDATE records SET contact_id = ? WHERE contact_id = ?", arguments: [keep, merge])
        try db.run(sql: "UPDATE cases SET contact_id = ? WHERE contact_id = ?", arguments: [keep, merge])
        try db.run(sql: "DELETE FROM possible_same_contacts WHERE (contact_id = ? AND other_id = ?) OR (contact_id = ? AND other_id = ?)",
                   arguments: [keep, merge, merge, keep])
        try auditContact(db, action: "contact_merged", contactId: merge, reason: "Contact #\(merge) merged into #\(keep): \(reason)", at: now, actor: actor)
        // One event, ordered with the kept contact's latest case; it names every open case of theirs.
        let open = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, reference FROM cases WHERE contact_id = ? AND status = 'open' ORDER BY id DESC LIMIT 50"),
            arguments: [keep]
        )
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

    /// Moves every record of case `from` into case `into`, marks `from` merged, links its first
    /// record to the case, and audits it.
    func joinCase(_ db: Database, from: Int64, into: Int64, reason: String, rawId: Int64?, now: String, actor: String) throws {
        try db.run(sql: "UPDATE records SET case_id = ? WHERE case_id = ?", arguments: [into, from])
        try db.run(
            sql: "UPDATE cases SET status = 'merged', merged_into = ?, closed_at = ?, closed_by = ?, close_reason = ? WHERE id = ?",
            arguments: [into, now, actor, reason, from]
        )
        try db.run(
            sql: "INSERT OR IGNORE INTO record_links (record_id, kind, target_id, similarity, reason, created_at) VALUES (?, ?, ?, NULL, ?, ?)",
            arguments: [from, RecordLink.Kind.repeatOf.rawValue, into, reason, now]
        )
        try audit(db, action: "case_joined", rawId: rawId, recordId: from, reason: reason, at: now, actor: actor)
        let references = try String.fetchAll(db, sql: "SELECT reference FROM cases WHERE id IN (?, ?) ORDER BY id = ?", arguments: [from, into, into])
        try enqueueEvent(
            db, .caseJoined, caseId: from, recordId: nil,
            data: ["joinedCase": references.first ?? "", "intoCase": references.last ?? "", "reason": reason, "by": actor], now: now
        )
    }

    /// After two contacts become one: the open cases that are the same matter (by the same
    /// rules as for a new record) are joined, the later into the earlier, so that the order in
    /// which a person's emails and texts arrived does not decide how many cases there are.
    func joinSameMatterCases(_ db: Database, keep: Int64, mergedRecords: [Int64], now: String, actor: String) throws {
        let policy = options.linking
        let window = Int64(policy.repeatWindowDays) * Linking.day
        func text(_ id: Int64) throws -> (TextFingerprint, Int64, Int64, String)? {
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: """
                    SELECT r.event_at, r.case_id, r.reference, r.text_hash, c.status
                    FROM records r JOIN cases c ON c.id = r.case_id WHERE r.id = ?
                    """),
                arguments: [id]
            ), (row["status"] as String) == "open",
                let fingerprint = try Linking.storedFingerprint(db, recordId: id, textHash: row["text_hash"])
            else { return nil }
            return (fingerprint, row["event_at"], row["case_id"], row["reference"])
        }
        for id in mergedRecords {
            guard let (mine, at, _, reference) = try text(id) else { continue }
            let others = try Int64.fetchAll(
                db.cachedStatement(sql: """
                    SELECT id FROM records INDEXED BY records_by_contact_time
                    WHERE contact_id = ? AND event_at BETWEEN ? AND ? ORDER BY event_at DESC LIMIT 100
                    """),
                arguments: [keep, at - window, at + window]
            )
            for other in others where other != id {
                // Re-read both cases each time: an earlier join in this loop may have moved them.
                guard let (theirs, theirAt, theirCase, theirReference) = try text(other),
                    let myCase = try Int64.fetchOne(db.cachedStatement(sql: "SELECT case_id FROM records WHERE id = ?"), arguments: [id]),
                    myCase != theirCase,
                    let same = policy.sameMatter(mine, theirs, seconds: abs(at - theirAt))
                else { continue }
                let (into, from) = (min(myCase, theirCase), max(myCase, theirCase))
                let references = try String.fetchAll(db, sql: "SELECT reference FROM cases WHERE id IN (?, ?) ORDER BY id", arguments: [into, from])
                let reason = "Case \(references.last ?? "?") joined into case \(references.first ?? "?"): once their contacts were found to be one person, \(reference) and \(theirReference) are the same matter (\(same.how))."
                try joinCase(db, from: from, into: into, reason: reason, rawId: nil, now: now, actor: actor)
            }
        }
    }

    func auditContact(_ db: Database, action: String, contactId: Int64, recordId: Int64? = nil, reason: String, at: String, actor: String) throws {
        try db.run(
            sql: "INSERT INTO audit_log (at, actor, action, record_id, contact_id, reason) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [at, actor, action, recordId, contactId, reason]
        )
    }

    // MARK: Links

    /// Works out the record's case, links and flags. `followUp` is the case email threading found.
    func link(
        _ db: Database,
        recordId: Int64,
        draft: FeedbackDraft,
        receivedAt: Date,
        contactId: Int64?,
        followUp: CaseLink?
    ) throws -> LinkingOutcome {
        let policy = options.linking
        let at = Linking.eventTime(contactedAt: draft.contactedAt, receivedAt: receivedAt)
        let fingerprint = TextFingerprint(Linking.comparedText(body: draft.body, subject: draft.subject))
        let postcode = draft.contact.postcode.flatMap(Identifiers.postcode)
        let addressKey = draft.contact.address.flatMap { Identifiers.addressKey($0, postcode: postcode) }
        var outcome = LinkingOutcome(
            caseId: recordId, caseReference: "", newCase: true, eventAt: at, fingerprint: fingerprint,
            postcode: postcode, addressKey: addressKey
        )

        // 1. The same text from the same contact within the window: a duplicate of the first.
        var duplicate: (id: Int64, reference: String, caseId: Int64)?
        if let contactId, let hash = fingerprint.textHash {
            let window = Int64(policy.duplicateWindowDays) * Linking.day
            if let row = try Row.fetchOne(
                db.cachedStatement(sql: """
                    SELECT id, reference, case_id FROM records INDEXED BY records_by_text
                    WHERE contact_id = ? AND text_hash = ? AND event_at BETWEEN ? AND ?
                    ORDER BY event_at, id LIMIT 1
                    """),
                arguments: [contactId, hash, at - window, at + window]
            ) {
                duplicate = (row["id"], row["reference"], row["case_id"] ?? row["id"])
            }
        }

        // 2. Candidates by wording: records sharing a band key within the window, and the same
        //    contact's records within the repeat window.
        var candidateIds: [Int64] = []
        var seen = Set<Int64>()
        outcome.bandKeys = Linking.placeBandKeys(fingerprint, postcode: postcode, addressKey: addressKey)
        // An exact duplicate already decides the case, and its first record was compared when it
        // came: no need to score candidates again (a flood of one text costs the same per text).
        if !outcome.bandKeys.isEmpty, duplicate == nil {
            // Bands find near-identical wording from anyone at the same place (for `related`).
            let window = Int64(policy.repeatWindowDays) * Linking.day
            let firstDay = (at - window) / Linking.day
            let lastDay = (at + window) / Linking.day
            let periods = Array((firstDay / Linking.periodDays)...(lastDay / Linking.periodDays))
            for key in outcome.bandKeys {
                // Newest first, one period at a time: each lookup is an index range read
                // backwards that stops after a few rows, however full the bucket is.
                var found = 0
                for period in periods.reversed() where found < Self.candidatesPerBand {
                    let ids = try Int64.fetchAll(
                        db.cachedStatement(sql: """
                            SELECT record_id FROM lsh_bands WHERE period = ? AND bucket = ? AND day BETWEEN ? AND ?
                            ORDER BY day DESC LIMIT ?
                            """),
                        arguments: [period, key, firstDay, lastDay, Self.candidatesPerBand - found]
                    )
                    found += ids.count
                    for id in ids where seen.insert(id).inserted { candidateIds.append(id) }
                }
            }
        }
        if !fingerprint.shingles.isEmpty, duplicate == nil {
            if let contactId {
                // The same contact's records in the window, whatever their wording's bands say:
                // a short text can be the same matter as a long one (containment), which bands
                // miss; and a closed case is looked for further back.
                let window = Int64(policy.lookupDays) * Linking.day
                let ids = try Int64.fetchAll(
                    db.cachedStatement(sql: """
                        SELECT id FROM records INDEXED BY records_by_contact_time
                        WHERE contact_id = ? AND event_at BETWEEN ? AND ? ORDER BY event_at DESC LIMIT \(Self.contactCandidates)
                        """),
                    arguments: [contactId, at - window, at + window]
                )
                for id in ids where seen.insert(id).inserted { candidateIds.append(id) }
            }
        }

        // 3. Score the candidates that can matter: the same contact, or the same postcode or building.
        struct Match {
            var id: Int64
            var reference: String
            var caseId: Int64
            var caseReference: String
            var caseOpen: Bool
            var caseClosedAt: String?
            var similarity: Double
            var how: String
            var days: Int64
        }
        var repeats: [Match] = []
        var closedMatches: [Match] = []
        var related: [Match] = []
        for id in candidateIds.prefix(Self.maxCandidates) where id != duplicate?.id {
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: """
                    SELECT r.id, r.reference, r.contact_id, r.case_id, r.event_at, r.postcode, r.address_key, r.text_hash,
                           c.reference AS case_reference, c.status, c.closed_at
                    FROM records r LEFT JOIN cases c ON c.id = r.case_id WHERE r.id = ?
                    """),
                arguments: [id]
            ) else { continue }
            let theirContact: Int64? = row["contact_id"]
            let sameContact = contactId != nil && theirContact == contactId
            let theirPostcode: String? = row["postcode"]
            let theirAddress: String? = row["address_key"]
            let samePlace = (postcode != nil && theirPostcode == postcode) || Self.sameBuilding(addressKey, theirAddress)
            guard sameContact || samePlace else { continue }
            let theirAt: Int64 = row["event_at"] ?? at
            let days = abs(at - theirAt)
            guard let theirs = try Linking.storedFingerprint(db, recordId: id, textHash: row["text_hash"]) else { continue }
            let jaccard = fingerprint.jaccard(theirs)
            let caseId: Int64 = row["case_id"] ?? id
            let match = Match(
                id: id, reference: row["reference"], caseId: caseId,
                caseReference: row["case_reference"] ?? row["reference"],
                caseOpen: (row["status"] as String?) != "closed", caseClosedAt: row["closed_at"],
                similarity: jaccard, how: "", days: days / Linking.day
            )
            if sameContact {
                if let same = policy.sameMatter(fingerprint, theirs, seconds: days) {
                    var m = match
                    m.how = same.how
                    if m.caseOpen, days <= Int64(policy.repeatWindowDays) * Linking.day { repeats.append(m) } else if !m.caseOpen { closedMatches.append(m) }
                }
            } else if jaccard >= policy.relatedThreshold, days <= Int64(policy.repeatWindowDays) * Linking.day {
                var m = match
                let place = (postcode != nil && theirPostcode == postcode) ? "the same postcode (\(postcode!))" : "the same building (\(addressKey ?? ""))"
                m.how = "a different person at \(place) wrote near-identical words (\(Self.percent(jaccard)) the same)"
                related.append(m)
            }
        }

        // 4. The case: a follow-up's, a duplicate's, a repeat's, or a new one.
        if let followUp {
            let caseId = try Int64.fetchOne(db.cachedStatement(sql: "SELECT case_id FROM records WHERE id = ?"), arguments: [followUp.id]) ?? followUp.id
            outcome.caseId = caseId
            outcome.newCase = false
            outcome.links.append((.followUpOf, followUp.id, RecordLink(
                kind: .followUpOf, reference: followUp.reference,
                reason: "A follow-up of \(followUp.reference): \(followUp.how)."
            )))
        }
        if let duplicate {
            if followUp == nil {
                outcome.caseId = duplicate.caseId
                outcome.newCase = false
            }
            let days = policy.duplicateWindowDays
            outcome.links.append((.duplicateOf, duplicate.id, RecordLink(
                kind: .duplicateOf, reference: duplicate.reference, similarity: 1,
                reason: "The same text from the same contact as \(duplicate.reference), within \(days) days. Kept in full and added to that record's case; it is not a new case."
            )))
        } else if !repeats.isEmpty {
            // The oldest open case the matter is in; the best-matching record in it is the evidence.
            let primary = repeats.map(\.caseId).min()!
            let best = repeats.filter { $0.caseId == primary }.max(by: { ($0.similarity, -$0.id) < ($1.similarity, -$1.id) })!
            if followUp == nil {
                outcome.caseId = best.caseId
                outcome.newCase = false
                var joined = Set<Int64>()
                for other in repeats.sorted(by: { $0.caseId < $1.caseId }) where other.caseId != primary && joined.insert(other.caseId).inserted {
                    outcome.casesToJoin.append((other.caseId, other.caseReference, "\(other.reference): \(other.how)"))
                }
            }
            outcome.links.append((.repeatOf, best.caseId, RecordLink(
                kind: .repeatOf, reference: best.caseReference, similarity: Self.rounded(best.similarity),
                reason: "Raises the same matter as \(best.reference) in open case \(best.caseReference): \(best.how), from the same contact \(best.days == 0 ? "the same day" : "\(best.days) day\(best.days == 1 ? "" : "s") apart"). Added to that case as a new record."
            )))
        }
        if outcome.newCase, let closed = closedMatches.max(by: { $0.similarity < $1.similarity }),
            let rule = policy.persistence.first(where: { $0.scope == .afterClosed }),
            let closedAt = closed.caseClosedAt.flatMap(Timestamp.date),
            at - Int64(closedAt.timeIntervalSince1970) <= Int64(rule.days) * Linking.day
        {
            outcome.links.append((.sameMatterAs, closed.caseId, RecordLink(
                kind: .sameMatterAs, reference: closed.caseReference, similarity: Self.rounded(closed.similarity),
                reason: "Raises the same matter as \(closed.reference) in case \(closed.caseReference), which was closed on \(String(closed.caseClosedAt!.prefix(10))): \(closed.how). Recorded as a new case; whether the matter was already decided is for a person to judge."
            )))
            outcome.flags.append(FlagEntry(
                .persistentContact,
                reason: "Rule \"\(rule.summary)\": this raises the matter of case \(closed.caseReference) again (\(Self.percent(closed.similarity)) the same wording as \(closed.reference)), after that case was closed on \(String(closed.caseClosedAt!.prefix(10))). Nothing has been held back."
            ))
        }
        for match in related.sorted(by: { $0.similarity > $1.similarity }).prefix(20) {
            outcome.links.append((.related, match.id, RecordLink(
                kind: .related, reference: match.reference, similarity: Self.rounded(match.similarity),
                reason: "Related to \(match.reference): \(match.how). Not a duplicate: each person's report is its own case."
            )))
        }
        outcome.caseReference = outcome.newCase
            ? "" : (try String.fetchOne(db.cachedStatement(sql: "SELECT reference FROM cases WHERE id = ?"), arguments: [outcome.caseId]) ?? "")

        // 5. Persistence rules, counted with this record included.
        if let contactId {
            for rule in policy.persistence where rule.count > 0 {
                let cap = max(Self.countCap, rule.count)
                let window = Int64(rule.days) * Linking.day
                switch rule.scope {
                case .sameCase where !outcome.newCase:
                    // Counted up to a cap, so a flood of texts costs the same per text however long it goes on.
                    let count = try Int.fetchOne(
                        db.cachedStatement(sql: """
                            SELECT COUNT(*) FROM (SELECT 1 FROM records INDEXED BY records_by_case
                            WHERE case_id = ? AND event_at BETWEEN ? AND ? LIMIT ?)
                            """),
                        arguments: [outcome.caseId, at - window, at, cap]
                    ) ?? 0
                    if count + 1 >= rule.count {
                        let rows = try String.fetchAll(
                            db.cachedStatement(sql: """
                                SELECT reference FROM records INDEXED BY records_by_case
                                WHERE case_id = ? AND event_at BETWEEN ? AND ? ORDER BY event_at, id LIMIT 20
                                """),
                            arguments: [outcome.caseId, at - window, at]
                        )
                        let counted = count >= cap ? "\(cap) or more" : "\(count + 1)"
                        outcome.flags.append(FlagEntry(.persistentContact, reason: "Rule \"\(rule.summary)\": \(counted) contacts about case \(outcome.caseReference) within \(rule.days) days, this one included (\(Self.list(rows, total: count >= cap ? nil : count))). Nothing has been held back."))
                    }
                case .allContacts:
                    let count = try Int.fetchOne(
                        db.cachedStatement(sql: """
                            SELECT COUNT(*) FROM (SELECT 1 FROM records INDEXED BY records_by_contact_time
                            WHERE contact_id = ? AND event_at BETWEEN ? AND ? LIMIT ?)
                            """),
                        arguments: [contactId, at - window, at, cap]
                    ) ?? 0
                    if count + 1 >= rule.count {
                        let rows = try String.fetchAll(
                            db.cachedStatement(sql: """
                                SELECT reference FROM records INDEXED BY records_by_contact_time
                                WHERE contact_id = ? AND event_at BETWEEN ? AND ? ORDER BY event_at LIMIT 20
                                """),
                            arguments: [contactId, at - window, at]
                        )
                        let counted = count >= cap ? "\(cap) or more" : "\(count + 1)"
                        outcome.flags.append(FlagEntry(.persistentContact, reason: "Rule \"\(rule.summary)\": \(counted) contacts from this person within \(rule.days) days, this one included (\(Self.list(rows, total: count >= cap ? nil : count))). Nothing has been held back."))
                    }
                default:
                    break
                }
            }
        }
        return outcome
    }

    /// Two building keys name the same building when one is the other or starts with it
    /// (`rose court` and `rose court leeds`).
    static func sameBuilding(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b, a.count >= 4, b.count >= 4 else { return false }
        return a == b || a.hasPrefix(b + " ") || b.hasPrefix(a + " ")
    }

    /// Bounds on the wording comparison per record, so its cost does not grow with a flood from
    /// one person or one building: the most recent records sharing each band, the contact's most
    /// recent records, and the total compared.
    static let candidatesPerBand = 25
    static let contactCandidates = 40
    static let maxCandidates = 80

    /// Persistence rules count a contact's records up to this many.
    static let countCap = 100

    static func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }
    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    static func list(_ references: [String], total: Int? = nil) -> String {
        let shown = references.prefix(20)
        let count = (total ?? references.count)
        let more = count - shown.count
        return shown.joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
    }

    // MARK: Text rules and arrangements

    /// `abusive_language`, and `restricted_contact` (or `restriction_does_not_apply` for an emergency).
    func textAndArrangementFlags(_ db: Database, draft: FeedbackDraft, contactId: Int64?) throws -> [FlagEntry] {
        var flags: [FlagEntry] = []
        let text = (draft.subject ?? "") + "\n" + draft.body
        let words = PhraseMatcher<String>.wordHashes(text)
        let abusive = abusiveMatcher.tags(in: words)
        if !abusive.isEmpty {
            flags.append(FlagEntry(
                .abusiveLanguage,
                reason: "Contains \(abusive.count == 1 ? "a term" : "terms") on the abusive-language list (\(abusive.map { "\"\($0)\"" }.joined(separator: ", "))), so staff can prepare. The contact is recorded and handled in full."
            ))
        }
        guard let contactId else { return flags }
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                WITH RECURSIVE members(id) AS (
                    SELECT ? UNION SELECT c.id FROM contacts c JOIN members m ON c.merged_into = m.id
                )
                SELECT * FROM restrictions WHERE ended_at IS NULL AND contact_id IN members ORDER BY id
                """),
            arguments: [contactId]
        )
        for row in rows {
            let restriction = Self.restriction(row)
            guard restriction.channels.isEmpty || restriction.channels.contains(draft.channel.rawValue) else { continue }
            let emergency = emergencyMatcher.tags(in: words)
            if !emergency.isEmpty {
                flags.append(FlagEntry(
                    .restrictionDoesNotApply,
                    reason: "The contact is under arrangement #\(restriction.id) (\(restriction.arrangement)), but this reports an emergency or a health-and-safety matter (\(emergency.prefix(5).map { "\"\($0)\"" }.joined(separator: ", "))). Arrangements never apply to such reports: deal with it in full, as for anyone."
                ))
            } else {
                flags.append(FlagEntry(
                    .restrictedContact,
                    reason: "The contact is under arrangement #\(restriction.id), approved by \(restriction.approvedBy): \(restriction.arrangement). Reason given: \(restriction.reason). Review due \(restriction.reviewBy). This contact is recorded and forwarded in full."
                ))
            }
        }
        return flags
    }
}
