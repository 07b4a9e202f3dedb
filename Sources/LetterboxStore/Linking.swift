import Foundation
import GRDB
import Synchronization
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

    /// Bounds on the wording comparison per record, so its cost does not grow with a flood from
    /// one person or one building: the most recent records sharing each band, the contact's most
    /// recent records, and the total compared.
    static let candidatesPerBand = 25
    static let contactCandidates = 40
    static let maxCandidates = 80

    /// Persistence rules count a contact's records up to this many.
    static let countCap = 100

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

    static func storeShingles(_ db: some StoreConnection, recordId: Int64, _ fingerprint: TextFingerprint) throws {
        try db.send(
            """
            INSERT INTO record_shingles (record_id, word_count, shingles) VALUES (?, ?, ?)
            ON CONFLICT (record_id) DO UPDATE SET word_count = excluded.word_count, shingles = excluded.shingles
            """,
            [recordId, fingerprint.wordCount, Data(fingerprint.packedShingles)]
        )
    }

    /// A stored record's fingerprint (every record has one: written with it, or by migration v5).
    static func storedFingerprint(_ db: some StoreConnection, recordId: Int64, textHash: Int64?) throws -> TextFingerprint? {
        try db.row("SELECT word_count, shingles FROM record_shingles WHERE record_id = ?", [recordId]).map { row in
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
            try db.run("""
                    UPDATE records SET case_id = ?, origin_contact_id = contact_id, event_at = ?, text_hash = ?, postcode = ?,
                        address_key = ? WHERE id = ?
                    """, [
                    caseId, at, fingerprint.textHash, postcode,
                    record.contact.address.flatMap { Identifiers.addressKey($0, postcode: postcode) }, id,
                ])
            if caseId == id {
                try db.run("INSERT INTO cases (id, reference, contact_id, opened_at) VALUES (?, ?, ?, ?)", [id, record.reference, row["contact_id"] as Int64?, at])
            }
            let address = record.contact.address.flatMap { Identifiers.addressKey($0, postcode: postcode) }
            for key in placeBandKeys(fingerprint, postcode: postcode, addressKey: address) {
                try db.run("INSERT INTO lsh_bands (period, bucket, day, record_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", [at / day / periodDays, key, at / day, id])
            }
        }
    }
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

extension CaseStoreRules {
    /// Moves every record of case `from` into case `into`, marks `from` merged, links its first
    /// record to the case, and audits it.
    func joinCase(_ db: some StoreConnection, from: Int64, into: Int64, reason: String, rawId: Int64?, now: String, actor: String) throws {
        try db.run("UPDATE records SET case_id = ? WHERE case_id = ?", [into, from])
        try db.run("UPDATE cases SET status = 'merged', merged_into = ?, closed_at = ?, closed_by = ?, close_reason = ? WHERE id = ?", [into, now, actor, reason, from])
        try db.run("INSERT INTO record_links (record_id, kind, target_id, similarity, reason, created_at) VALUES (?, ?, ?, NULL, ?, ?) ON CONFLICT DO NOTHING", [from, RecordLink.Kind.repeatOf.rawValue, into, reason, now])
        try audit(db, action: "case_joined", rawId: rawId, recordId: from, reason: reason, at: now, actor: actor)
        let references = try db.values("SELECT reference FROM cases WHERE id IN (?, ?) ORDER BY id = ?", [from, into, into], as: String.self)
        try enqueueEvent(
            db, .caseJoined, caseId: from, recordId: nil,
            data: ["joinedCase": references.first ?? "", "intoCase": references.last ?? "", "reason": reason, "by": actor], now: now
        )
    }

    /// After two contacts become one: the open cases that are the same matter (by the same
    /// rules as for a new record) are joined, the later into the earlier, so that the order in
    /// which a person's emails and texts arrived does not decide how many cases there are.
    func joinSameMatterCases(_ db: some StoreConnection, keep: Int64, mergedRecords: [Int64], now: String, actor: String) throws {
        let policy = options.linking
        let window = Int64(policy.repeatWindowDays) * Linking.day
        // What the loop reads of a record, kept until a join changes cases (texts never change):
        // each merged record is compared with up to a hundred others, mostly the same ones.
        typealias Row = (at: Int64, caseId: Int64, reference: String, open: Bool, textHash: Int64?)
        var rows: [Int64: Row?] = [:]
        var fingerprints: [Int64: TextFingerprint?] = [:]
        func row(_ id: Int64) throws -> Row? {
            if let known = rows[id] { return known }
            let row = try db.row("""
                    SELECT r.event_at, r.case_id, r.reference, r.text_hash, c.status
                    FROM records r JOIN cases c ON c.id = r.case_id WHERE r.id = ?
                    """, [id]).map { row in
                (at: row["event_at"] as Int64, caseId: row["case_id"] as Int64, reference: row["reference"] as String,
                 open: (row["status"] as String) == "open", textHash: row["text_hash"] as Int64?)
            }
            rows[id] = row
            return row
        }
        func text(_ id: Int64) throws -> (TextFingerprint, Int64, Int64, String)? {
            guard let row = try row(id), row.open else { return nil }
            let fingerprint: TextFingerprint?
            if let known = fingerprints[id] {
                fingerprint = known
            } else {
                fingerprint = try Linking.storedFingerprint(db, recordId: id, textHash: row.textHash)
                fingerprints[id] = fingerprint
            }
            guard let fingerprint else { return nil }
            return (fingerprint, row.at, row.caseId, row.reference)
        }
        for id in mergedRecords {
            guard let (mine, at, _, reference) = try text(id) else { continue }
            let others = try db.values("""
                    SELECT id FROM records INDEXED BY records_by_contact_time
                    WHERE contact_id = ? AND event_at BETWEEN ? AND ? ORDER BY event_at DESC LIMIT 100
                    """, [keep, at - window, at + window], as: Int64.self)
            for other in others where other != id {
                // Both cases as they are now: an earlier join in this loop may have moved them.
                guard let (theirs, theirAt, theirCase, theirReference) = try text(other),
                    let myCase = try row(id)?.caseId,
                    myCase != theirCase,
                    let same = policy.sameMatter(mine, theirs, seconds: abs(at - theirAt))
                else { continue }
                let (into, from) = (min(myCase, theirCase), max(myCase, theirCase))
                let references = try db.values("SELECT reference FROM cases WHERE id IN (?, ?) ORDER BY id", [into, from], as: String.self)
                let reason = "Case \(references.last ?? "?") joined into case \(references.first ?? "?"): once their contacts were found to be one person, \(reference) and \(theirReference) are the same matter (\(same.how))."
                try joinCase(db, from: from, into: into, reason: reason, rawId: nil, now: now, actor: actor)
                rows.removeAll()
            }
        }
    }

    // MARK: Links

    /// Works out the record's case, links and flags: finds the candidates (the queries), lets
    /// ``LinkingRules`` decide (pure), then counts for the persistence rules.
    /// `followUp` is the case email threading found.
    func link(
        _ db: some StoreConnection,
        recordId: Int64,
        draft: FeedbackDraft,
        fingerprint: TextFingerprint? = nil,
        receivedAt: Date,
        contactId: Int64?,
        followUp: CaseLink?
    ) throws -> LinkingOutcome {
        let policy = options.linking
        let subject = LinkingSubject(draft: draft, receivedAt: receivedAt, contactId: contactId, fingerprint: fingerprint)
        var outcome = LinkingOutcome(
            caseId: recordId, caseReference: "", newCase: true, eventAt: subject.at, fingerprint: subject.fingerprint,
            postcode: subject.postcode, addressKey: subject.addressKey
        )
        outcome.bandKeys = subject.bandKeys
        let candidates = try findCandidates(db, subject, bandKeys: outcome.bandKeys, followUp: followUp)
        let decision = LinkingRules.decide(subject, candidates, policy: policy)
        if let caseId = decision.caseId {
            outcome.caseId = caseId
            outcome.newCase = false
            outcome.caseReference = try db.value("SELECT reference FROM cases WHERE id = ?", [caseId], as: String.self) ?? ""
        }
        outcome.links = decision.links.map { ($0.kind, $0.targetId, $0.link) }
        outcome.casesToJoin = decision.casesToJoin
        outcome.flags = decision.flags
        outcome.flags += try persistenceFlags(db, subject, caseId: decision.caseId, caseReference: outcome.caseReference)
        return outcome
    }

    /// The candidates the rules decide on, found with the store's indexes: the case a follow-up
    /// belongs to; the earliest same text from the same contact in the duplicate window; and
    /// earlier records whose wording may matter (those sharing a band key at the same place,
    /// and the same contact's recent records), with their stored fingerprints. Bounded per
    /// record, so the cost does not grow with a flood from one person or one building.
    func findCandidates(_ db: some StoreConnection, _ subject: LinkingSubject, bandKeys: [Int64], followUp: CaseLink?) throws -> LinkingCandidates {
        let policy = options.linking
        let at = subject.at
        let fingerprint = subject.fingerprint
        var candidates = LinkingCandidates()
        if let followUp {
            let caseId = try db.value("SELECT case_id FROM records WHERE id = ?", [followUp.id], as: Int64.self) ?? followUp.id
            candidates.followUp = .init(recordId: followUp.id, reference: followUp.reference, caseId: caseId, how: followUp.how)
        }

        // 1. The same text from the same contact within the window: a duplicate of the first.
        if let contactId = subject.contactId, let hash = fingerprint.textHash {
            let window = Int64(policy.duplicateWindowDays) * Linking.day
            if let row = try db.row("""
                    SELECT id, reference, case_id FROM records INDEXED BY records_by_text
                    WHERE contact_id = ? AND text_hash = ? AND event_at BETWEEN ? AND ?
                    ORDER BY event_at, id LIMIT 1
                    """, [contactId, hash, at - window, at + window]) {
                candidates.duplicate = .init(recordId: row["id"], reference: row["reference"], caseId: row["case_id"] ?? row["id"])
            }
        }
        // An exact duplicate already decides the case, and its first record was compared when it
        // came: no need to score candidates again (a flood of one text costs the same per text).
        guard candidates.duplicate == nil else { return candidates }

        // 2. Candidates by wording: records sharing a band key within the window, and the same
        //    contact's records within the repeat window.
        var candidateIds: [Int64] = []
        var seen = Set<Int64>()
        if !bandKeys.isEmpty {
            // Bands find near-identical wording from anyone at the same place (for `related`).
            let window = Int64(policy.repeatWindowDays) * Linking.day
            let firstDay = (at - window) / Linking.day
            let lastDay = (at + window) / Linking.day
            let periods = Array((firstDay / Linking.periodDays)...(lastDay / Linking.periodDays))
            // One statement for every band and period: each part is an index range read
            // backwards that stops after a few rows, however full the bucket is. (One statement,
            // not one per band and period: on PostgreSQL each is a round trip, and there are
            // twenty or thirty of them per record.)
            var parts: [String] = []
            var arguments: [SQLValue] = []
            for (index, key) in bandKeys.enumerated() {
                for period in periods {
                    parts.append("""
                        SELECT k, day, record_id FROM (SELECT \(index) AS k, day, record_id FROM lsh_bands
                        WHERE period = ? AND bucket = ? AND day BETWEEN ? AND ? ORDER BY day DESC, record_id DESC LIMIT \(Linking.candidatesPerBand)) AS b\(parts.count)
                        """)
                    arguments += [.integer(period), .integer(key), .integer(firstDay), .integer(lastDay)]
                }
            }
            var byKey = [[(day: Int64, id: Int64)]](repeating: [], count: bandKeys.count)
            for row in try db.rows(parts.joined(separator: " UNION ALL "), SQLArguments(arguments)) {
                byKey[Int(row["k"] as Int64)].append((row["day"], row["record_id"]))
            }
            for rows in byKey {
                // Each band's newest first, as many as it may give (across its periods).
                let newest = rows.sorted { $0.day != $1.day ? $0.day > $1.day : $0.id > $1.id }.prefix(Linking.candidatesPerBand)
                for row in newest where seen.insert(row.id).inserted { candidateIds.append(row.id) }
            }
        }
        if !fingerprint.shingles.isEmpty, let contactId = subject.contactId {
            // The same contact's records in the window, whatever their wording's bands say:
            // a short text can be the same matter as a long one (containment), which bands
            // miss; and a closed case is looked for further back.
            let window = Int64(policy.lookupDays) * Linking.day
            let ids = try db.values("""
                    SELECT id FROM records INDEXED BY records_by_contact_time
                    WHERE contact_id = ? AND event_at BETWEEN ? AND ? ORDER BY event_at DESC LIMIT \(Linking.contactCandidates)
                    """, [contactId, at - window, at + window], as: Int64.self)
            for id in ids where seen.insert(id).inserted { candidateIds.append(id) }
        }

        // 3. What the rules need of each: only the same contact's and the same place's can matter.
        //    Read for all of them in three statements (records, their cases, their shingles: a
        //    few round trips on PostgreSQL, not two per candidate), each a plain key lookup so
        //    that no plan can scan (a join's plan made while a new store's tables were empty
        //    scanned `cases` for as long as the connection lived), taken in the order found.
        let chosen = Array(candidateIds.prefix(Linking.maxCandidates))
        var rowsById: [Int64: SQLRow] = [:]
        var caseById: [Int64: SQLRow] = [:]
        var shinglesById: [Int64: SQLRow] = [:]
        if !chosen.isEmpty {
            for row in try db.rows("""
                    SELECT id, reference, contact_id, case_id, event_at, postcode, address_key, text_hash, service_area
                    FROM records WHERE id IN (\(SQLArguments.placeholders(chosen.count)))
                    """, SQLArguments(chosen.map { .integer($0) })) {
                rowsById[row["id"]] = row
            }
            let caseIds = Array(Set(rowsById.values.compactMap { $0["case_id"] as Int64? })).sorted()
            if !caseIds.isEmpty {
                for row in try db.rows("SELECT id, reference, status, closed_at FROM cases WHERE id IN (\(SQLArguments.placeholders(caseIds.count)))", SQLArguments(caseIds.map { .integer($0) })) {
                    caseById[row["id"]] = row
                }
            }
            for row in try db.rows("SELECT record_id, word_count, shingles FROM record_shingles WHERE record_id IN (\(SQLArguments.placeholders(chosen.count)))", SQLArguments(chosen.map { .integer($0) })) {
                shinglesById[row["record_id"]] = row
            }
        }
        for id in chosen {
            guard let row = rowsById[id] else { continue }
            let caseRow = (row["case_id"] as Int64?).flatMap { caseById[$0] }
            let theirContact: Int64? = row["contact_id"]
            let sameContact = subject.contactId != nil && theirContact == subject.contactId
            let theirPostcode: String? = row["postcode"]
            let samePostcode = subject.postcode != nil && theirPostcode == subject.postcode
            let sameBuilding = LinkingRules.sameBuilding(subject.addressKey, row["address_key"])
            guard sameContact || samePostcode || sameBuilding else { continue }
            guard let stored = shinglesById[id], let shingles: Data = stored["shingles"], let words: Int = stored["word_count"] else { continue }
            let theirs = TextFingerprint(packed: [UInt8](shingles), wordCount: words, textHash: row["text_hash"])
            let caseOpen = (caseRow?["status"] as String?) != "closed"
            // A reworded repeat is looked for in the same contact's open cases only, when the
            // wording tests fail (the rules use content words only then): their text and
            // service area, read from the record.
            var content: ContentWords?
            var area: String?
            let seconds = abs(at - (row["event_at"] ?? at))
            if sameContact, caseOpen, policy.rewordThreshold <= 1, seconds <= Int64(policy.repeatWindowDays) * Linking.day,
               policy.sameMatter(fingerprint, theirs, seconds: seconds) == nil {
                let textHash: Int64? = row["text_hash"]
                let key = textHash.map { StoreCaches.ContentWordsKey(textHash: $0, place: row["address_key"]) }
                // The service area from its column (kept with the document's by every change,
                // `triage set` included): reading it from the document parsed the whole JSON.
                area = row["service_area"]
                if let key, let known = caches.contentWords.withLock({ $0[key] }) {
                    content = known
                } else if let text = try db.row("SELECT json_extract(document, '$.subject') AS subject, json_extract(document, '$.body') AS body FROM records WHERE id = ?", [id]) {
                    let made = ContentWords(Linking.comparedText(body: text["body"] ?? "", subject: text["subject"]), place: row["address_key"])
                    content = made
                    if let key {
                        caches.contentWords.withLock { cache in
                            if cache.count >= StoreCaches.contentWordsKept { cache.removeAll(keepingCapacity: true) }
                            cache[key] = made
                        }
                    }
                }
            }
            candidates.compared.append(.init(
                recordId: id, reference: row["reference"], caseId: row["case_id"] ?? id,
                caseReference: caseRow?["reference"] ?? row["reference"],
                caseOpen: caseOpen, caseClosedAt: caseRow?["closed_at"],
                at: row["event_at"] ?? at, sameContact: sameContact, samePostcode: samePostcode, sameBuilding: sameBuilding,
                fingerprint: theirs, content: content, serviceArea: area, place: row["address_key"]
            ))
        }
        return candidates
    }

    /// The persistence rules, counted with this record included (up to a cap, so a flood of
    /// texts costs the same per text however long it goes on) and decided by ``LinkingRules``.
    func persistenceFlags(_ db: some StoreConnection, _ subject: LinkingSubject, caseId: Int64?, caseReference: String) throws -> [FlagEntry] {
        guard let contactId = subject.contactId else { return [] }
        var flags: [FlagEntry] = []
        for rule in options.linking.persistence where rule.count > 0 {
            // The same case's records, or the same person's: the same query on another index.
            let scope: (index: String, column: String, id: Int64, order: String)
            switch rule.scope {
            case .sameCase:
                guard let caseId else { continue }
                scope = ("records_by_case", "case_id", caseId, "event_at, id")
            case .allContacts:
                scope = ("records_by_contact_time", "contact_id", contactId, "event_at")
            case .afterClosed:
                continue
            }
            let cap = max(Linking.countCap, rule.count)
            let window: [SQLValue] = [scope.id.sqlValue, (subject.at - Int64(rule.days) * Linking.day).sqlValue, subject.at.sqlValue]
            let count = try db.value("""
                    SELECT COUNT(*) FROM (SELECT 1 FROM records INDEXED BY \(scope.index)
                    WHERE \(scope.column) = ? AND event_at BETWEEN ? AND ? LIMIT ?) AS capped
                    """, SQLArguments(window + [cap.sqlValue]), as: Int.self) ?? 0
            let references = {
                try db.values("""
                        SELECT reference FROM records INDEXED BY \(scope.index)
                        WHERE \(scope.column) = ? AND event_at BETWEEN ? AND ? ORDER BY \(scope.order) LIMIT 20
                        """, SQLArguments(window), as: String.self)
            }
            if let flag = try LinkingRules.persistence(rule, counted: count, cap: cap, references: try references(), caseReference: caseReference) {
                flags.append(flag)
            }
        }
        return flags
    }


    // MARK: Text rules and arrangements

    /// The words of a draft's subject and text, as the text rules read them.
    static func textRuleWords(_ draft: FeedbackDraft) -> [UInt64] {
        PhraseMatcher<String>.wordHashes((draft.subject ?? "") + "\n" + draft.body)
    }

    /// `abusive_language`, and `restricted_contact` (or `restriction_does_not_apply` for an emergency).
    /// The abusive terms are the pipeline's when it read them while decoding (``Intake``), so
    /// the writer reads the text only for a contact under an arrangement.
    func textAndArrangementFlags(_ db: some StoreConnection, draft: FeedbackDraft, contactId: Int64?) throws -> [FlagEntry] {
        var flags: [FlagEntry] = []
        let abusive = draft.abusiveTerms ?? abusiveTerms(in: draft)
        if !abusive.isEmpty {
            flags.append(FlagEntry(
                .abusiveLanguage,
                reason: "Contains \(abusive.count == 1 ? "a term" : "terms") on the abusive-language list (\(abusive.map { "\"\($0)\"" }.joined(separator: ", "))), so staff can prepare. The contact is recorded and handled in full."
            ))
        }
        // Arrangements are rare (a handful in a landlord's store, often none): one look at the
        // index of active ones, before the recursive query through merged contacts, which cost
        // a twentieth of the writer's instructions for every record of an mbox import.
        guard let contactId, try db.value("SELECT 1 FROM restrictions WHERE ended_at IS NULL LIMIT 1", as: Int.self) != nil else {
            return flags
        }
        let rows = try db.rows("""
                WITH RECURSIVE members(id) AS (
                    SELECT CAST(? AS bigint) UNION SELECT c.id FROM contacts c JOIN members m ON c.merged_into = m.id
                )
                SELECT * FROM restrictions WHERE ended_at IS NULL AND contact_id IN (SELECT id FROM members) ORDER BY id
                """, [contactId])
        let applicable = rows.map(Self.restriction).filter { $0.channels.isEmpty || $0.channels.contains(draft.channel.rawValue) }
        // The emergency terms are the text's, whichever arrangement: read once, if any applies.
        let emergency = applicable.isEmpty ? [] : emergencyMatcher.terms(in: Self.textRuleWords(draft))
        for restriction in applicable {
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
