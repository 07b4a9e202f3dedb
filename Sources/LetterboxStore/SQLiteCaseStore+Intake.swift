import Foundation
import GRDB
import GRDBSQLite
import Synchronization
package import LetterboxCore
import Crypto

/// The case a follow-up belongs to, as email threading or a mentioned reference found it.
struct CaseLink {
    var id: Int64
    var reference: String
    var how: String
}

package enum Receipt {
    /// Stored (or found pending after a crash): decode it and settle it.
    case fresh(rawId: Int64)
    /// Already known: nothing more to do.
    case settled(IntakeOutcome)
}

/// A record the store refused in a batch run without a savepoint per record: the batch is rolled
/// back and run again with them (``CaseStoreRules/settleRows(_:_:actor:alone:)``).
package struct RecordRefused: Error {}

extension SQLiteCaseStore: IntakeStore {
    /// Stores the raw bytes of each submission, or recognises a redelivery. One transaction.
    package func receive(_ batch: [Intake.Prepared], recordRedelivery: Bool = true) throws(StoreError) -> [Receipt] {
        try write { db in try receiveRows(db, batch, recordRedelivery: recordRedelivery) }
    }

    /// Commits what the decoders made of each stored submission. One transaction; one that the
    /// store rejects is quarantined alone (``writeRecords(_:)``).
    package func settle(_ results: [Settling], actor: String) throws(StoreError) -> [IntakeOutcome] {
        guard !results.isEmpty else { return [] }
        return try writeRecords { db, alone in try settleRows(db, results, actor: actor, alone: alone) }
    }

    /// Stores the raw bytes and commits what they were read as, in one transaction (one sync
    /// of the WAL, and each page the two steps share written once).
    package func receiveAndSettle(_ batch: [Intake.Prepared], recordRedelivery: Bool, actor: String) throws(StoreError) -> [Receipt] {
        try writeRecords { db, alone in try receiveAndSettleRows(db, batch, recordRedelivery: recordRedelivery, actor: actor, alone: alone) }
    }

    /// Runs a batch's transaction with no savepoint per record; if the store refused one of its
    /// records (``RecordRefused``), rolls it all back and runs it again with each record in its
    /// own savepoint, so that the refused one is quarantined alone.
    func writeRecords<T>(_ body: (Database, _ alone: Bool) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write { db in try body(db, false) }
        } catch is RecordRefused {
            return try write { db in try body(db, true) }
        } catch {
            throw StoreError.wrapping(error, path: path)
        }
    }

    /// Stores bytes once per content; says where they went, or that they were there already.
    /// A blob of ``BlobFile/threshold`` bytes or more is appended to the store's file of large
    /// blobs and its row holds none (v14); a smaller one is the row's last column.
    static func storeBlob(_ db: Database, sha256: String, data: Data, now: String) throws -> BlobWrite {
        let outside = data.count >= BlobFile.threshold ? BlobFile.databasePath(db) : nil
        try db.cachedStatement(sql: "INSERT INTO blobs (sha256, size, created_at, data) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .execute(arguments: [sha256, data.count, now, outside == nil ? data : Data()])
        guard db.changesCount > 0 else { return .alreadyStored }
        guard let outside else { return .intoPages }
        let blobId = db.lastInsertedRowID
        // After the insert, so that this transaction holds the write lock while it appends.
        let start = try BlobFile.append(data, db: db, databasePath: outside)
        try db.cachedStatement(sql: "INSERT INTO blob_files (blob_id, start, length) VALUES (?, ?, ?)")
            .execute(arguments: [blobId, start, data.count])
        return .outside
    }
}

extension CaseStoreRules {
    /// Stores the raw bytes of each submission, or recognises a redelivery: the body of the
    /// store's receiving transaction.
    package func receiveRows(_ db: some StoreConnection, _ batch: [Intake.Prepared], recordRedelivery: Bool) throws -> [Receipt] {
        let now = Timestamp.stored(Date())
        // The stored submission with this key that is not itself a redelivery: through the
        // record it made, or (pending, in quarantine, ignored: no record) through the index of
        // those alone (SQLite v13). Two plain lookups: as one statement (a union sorted by id)
        // it cost a temporary table each time.
        func stored(_ key: String) throws -> SQLRow? {
            try db.row("""
                SELECT r.id, r.disposition, r.reason, r.error_code, r.received_at, rec.reference
                FROM records rec JOIN raw_submissions r ON r.id = rec.raw_submission_id
                WHERE rec.idempotency_key = ?
                """, [key]) ?? db.row("""
                SELECT r.id, r.disposition, r.reason, r.error_code, r.received_at, NULL AS reference FROM raw_submissions r
                WHERE r.idempotency_key = ? AND r.disposition != 'accepted' AND r.disposition != 'redelivery'
                ORDER BY r.id LIMIT 1
                """, [key])
        }
        return try batch.map { item -> Receipt in
                var key = item.key
                var existing = try stored(key)
                if let found = existing, let days = item.sameContentDays, !Self.withinADay(found, of: item) {
                    // A form or text keyed on its content alone, the same as one stored over a day
                    // ago: the customer wrote again (Intake.Prepared.sameContentDays). It is
                    // stored under the key of its day, unless the same bytes came earlier that
                    // day or within the day before.
                    key = days.today
                    existing = try stored(days.today) ?? stored(days.yesterday).flatMap { Self.withinADay($0, of: item) ? $0 : nil }
                }
                if let existing {
                    let originalId: Int64 = existing["id"]
                    let disposition = Disposition(rawValue: existing["disposition"]) ?? .pending
                    if disposition == .pending {
                        // Stored before a crash and never settled: carry on with the same row.
                        try db.run("UPDATE raw_submissions SET attempts = attempts + 1, updated_at = ? WHERE id = ?", [now, originalId])
                        return .fresh(rawId: originalId)
                    }
                    let reference: String? = existing["reference"]
                    if !recordRedelivery {
                        return .settled(
                            IntakeOutcome(
                                rawSubmissionId: originalId,
                                disposition: .redelivery,
                                reference: reference,
                                reason: "Already stored as submission #\(originalId); skipped.",
                                errorCode: existing["error_code"],
                                originalSubmissionId: originalId,
                                skipped: true
                            )
                        )
                    }
                    let reason: String
                    switch disposition {
                    case .accepted: reason = "Already received as submission #\(originalId), record \(reference ?? "?")."
                    case .quarantined:
                        reason = "Already received as submission #\(originalId), which is in quarantine: "
                            + ((existing["reason"] as String?) ?? "")
                    default:
                        reason = "Already received as submission #\(originalId) (\(disposition.rawValue)): "
                            + ((existing["reason"] as String?) ?? "")
                    }
                    let rawId = try insertRaw(db, item, key: key, disposition: .redelivery, reason: reason, originalId: originalId, now: now)
                    try audit(db, action: "redelivery", rawId: rawId, recordId: nil, reason: reason, at: now)
                    return .settled(
                        IntakeOutcome(
                            rawSubmissionId: rawId,
                            disposition: .redelivery,
                            reference: reference,
                            reason: reason,
                            errorCode: existing["error_code"],
                            originalSubmissionId: originalId
                        )
                    )
                }
                let rawId = try insertRaw(db, item, key: key, disposition: .pending, reason: nil, originalId: nil, now: now)
                return .fresh(rawId: rawId)
        }
    }

    /// Whether a stored submission arrived within a day before this one (a double post, a
    /// gateway's retry), so that the same bytes again are a redelivery of it.
    static func withinADay(_ stored: SQLRow, of item: Intake.Prepared) -> Bool {
        guard let text: String = stored["received_at"], let at = Timestamp.date(text) else { return true }
        return item.submission.receivedAt.timeIntervalSince(at) < Intake.Prepared.sameContentWindow
    }

    /// The body of ``IntakeStore/receiveAndSettle(_:recordRedelivery:actor:)``: the raw rows,
    /// then every fresh one settled with the reading it came with.
    package func receiveAndSettleRows(_ db: some StoreConnection, _ batch: [Intake.Prepared], recordRedelivery: Bool, actor: String, alone: Bool = true) throws -> [Receipt] {
        var receipts = try receiveRows(db, batch, recordRedelivery: recordRedelivery)
        // The raw bytes are all written: their sync runs while the records are made.
        db.startSyncingBlobsOutside()
        var fresh: [(index: Int, settling: Settling)] = []
        for (index, receipt) in receipts.enumerated() {
            guard case .fresh(let rawId) = receipt else { continue }
            guard let reading = batch[index].decoded else {
                preconditionFailure("receiveAndSettle needs every submission read before the commit")
            }
            fresh.append((index, (rawId, reading, batch[index].fingerprint)))
        }
        let outcomes = try settleRows(db, fresh.map(\.settling), actor: actor, alone: alone)
        for (item, outcome) in zip(fresh, outcomes) { receipts[item.index] = .settled(outcome) }
        return receipts
    }

    private func insertRaw(
        _ db: some StoreConnection,
        _ item: Intake.Prepared,
        key: String,
        disposition: Disposition,
        reason: String?,
        originalId: Int64?,
        now: String
    ) throws -> Int64 {
        try storeBlob(db, sha256: item.sha256, data: item.submission.bytes, now: now)
        let metadata = item.metadataJSON
        let id = try db.insertReturningID("""
                INSERT INTO raw_submissions
                    (channel, source, received_at, idempotency_key, sha256, size, metadata, disposition, reason,
                     original_id, attempts, updated_at, sender_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                """, [
                item.submission.channel.rawValue, item.submission.source, Timestamp.stored(item.submission.receivedAt),
                key, item.sha256, item.submission.bytes.count, metadata, disposition.rawValue, reason,
                originalId, now, item.submission.senderAssignedID,
            ])
        guard let id else { throw StoreError(.io, "The store gave no id for a stored submission.") }
        return id
    }

    /// Stores bytes once per content (the store's own way), counting what was written.
    func storeBlob(_ db: some StoreConnection, sha256: String, data: Data, now: String) throws {
        if try db.storeBlob(sha256: sha256, data: data, now: now) == .intoPages {
            caches.blobBytesWritten.withLock { $0 += data.count }
        }
    }

    func audit(_ db: some StoreConnection, action: String, rawId: Int64?, recordId: Int64?, reason: String?, at: String, actor: String = "letterbox")
        throws
    {
        try db.send("INSERT INTO audit_log (at, actor, action, raw_submission_id, record_id, reason) VALUES (?, ?, ?, ?, ?, ?)", [at, actor, action, rawId, recordId, reason])
    }

    /// What the decoders made of each stored submission, committed: the body of the store's
    /// settling transaction.
    ///
    /// `alone`: each record in its own savepoint, so that one the store refuses (a constraint, a
    /// trigger) is undone and quarantined while the others commit. Without (the first attempt
    /// at a batch, ``SQLiteCaseStore/writeRecords(_:)``), a refusal throws ``RecordRefused`` and
    /// the caller runs the batch again alone: refusals are rare, and a savepoint per record kept
    /// a copy of every page the record changed (8-12% of `serve`'s form posts a second).
    package func settleRows(_ db: some StoreConnection, _ results: [Settling], actor: String, alone: Bool = true) throws -> [IntakeOutcome] {
        let now = Timestamp.stored(Date())
        return try results.map { rawId, result, fingerprint -> IntakeOutcome in
                // The columns settling reads, not `r.*`: each row read is built column by column
                // (16,000 instructions a record for the ones nobody read, `Benchmarks/instructions.sh`).
                guard let row = try db.row("""
                        SELECT r.id, r.channel, r.source, r.received_at, r.idempotency_key, r.sha256, r.sender_id,
                               r.disposition, r.reason, rec.reference
                        FROM raw_submissions r LEFT JOIN records rec ON rec.id = r.record_id
                        WHERE r.id = ?
                        """, [rawId]) else {
                    throw StoreError(.notFound, "Submission #\(rawId) vanished from the store.")
                }
                let disposition = Disposition(rawValue: row["disposition"]) ?? .pending
                guard disposition == .pending || disposition == .quarantined else {
                    return IntakeOutcome(rawSubmissionId: rawId, disposition: disposition, reference: row["reference"], reason: row["reason"])
                }
                switch result {
                case .failure(let error):
                    return try quarantine(db, rawId: rawId, error: error, now: now, actor: actor)
                case .success(.ignored(let verdict, let reason)):
                    // The verdict (auto_reply, bounce_permanent, ...) goes where a quarantine's code goes.
                    try db.send("UPDATE raw_submissions SET disposition = 'ignored', error_code = ?, reason = ?, updated_at = ? WHERE id = ?", [verdict, reason, now, rawId])
                    try audit(db, action: "ignored", rawId: rawId, recordId: nil, reason: "\(verdict): \(reason)", at: now, actor: actor)
                    return IntakeOutcome(rawSubmissionId: rawId, disposition: .ignored, reason: reason, errorCode: verdict)
                case .success(.held(let part)):
                    // Held in the same commit as its verdict, so a part that was answered is never
                    // left out of the joining (the sweep reads message_parts).
                    try db.send("UPDATE raw_submissions SET disposition = 'ignored', error_code = ?, reason = ?, updated_at = ? WHERE id = ?", [part.verdict, part.reason, now, rawId])
                    try db.send("""
                            INSERT INTO message_parts (group_key, part_number, total, raw_submission_id, received_at)
                            VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                            """, [part.group, part.number, part.total, rawId, row["received_at"] as String])
                    try audit(db, action: "ignored", rawId: rawId, recordId: nil, reason: "\(part.verdict): \(part.reason)", at: now, actor: actor)
                    return IntakeOutcome(rawSubmissionId: rawId, disposition: .ignored, reason: part.reason, errorCode: part.verdict, heldIn: part.group)
                case .success(.feedback(let draft)):
                    let commit = { try commitRecord(db, draft: draft, fingerprint: fingerprint, raw: row, now: now, actor: actor) }
                    guard alone else {
                        do {
                            return try commit()
                        } catch let error where db.refusedRow(error) != nil {
                            throw RecordRefused()
                        }
                    }
                    do {
                        var outcome: IntakeOutcome?
                        try db.savepoint { outcome = try commit() }
                        return outcome!
                    } catch {
                        guard let refusal = db.refusedRow(error) else { throw error }
                        let reason = IntakeError(.malformed, "The store could not hold the record read from it: \(refusal).")
                        return try quarantine(db, rawId: rawId, error: reason, now: now, actor: actor)
                    }
                }
        }
    }

    private func quarantine(_ db: some StoreConnection, rawId: Int64, error: any Error, now: String, actor: String) throws -> IntakeOutcome {
        let code: String
        let reason: String
        if let error = error as? IntakeError {
            code = error.code.rawValue
            reason = error.message
        } else {
            code = "decoder_failure"
            reason = "The decoder failed unexpectedly (\(error)). The submission is kept; retry it after an update."
        }
        try db.send("""
                UPDATE raw_submissions SET disposition = 'quarantined', error_code = ?, reason = ?, updated_at = ?,
                    attempts = attempts + (CASE WHEN disposition = 'quarantined' THEN 1 ELSE 0 END)
                WHERE id = ?
                """, [code, reason, now, rawId])
        try audit(db, action: "quarantined", rawId: rawId, recordId: nil, reason: reason, at: now, actor: actor)
        return IntakeOutcome(rawSubmissionId: rawId, disposition: .quarantined, reason: reason, errorCode: code)
    }

    private func commitRecord(
        _ db: some StoreConnection,
        draft original: FeedbackDraft,
        fingerprint: TextFingerprint?,
        raw: SQLRow,
        now: String,
        actor: String
    ) throws -> IntakeOutcome {
        let rawId: Int64 = raw["id"]
        let receivedText: String = raw["received_at"]
        let receivedAt = Timestamp.date(receivedText) ?? Date()
        var draft = original
        let reference = try nextReference(db, for: receivedAt)
        let resolution = try resolveContact(db, draft.contact, rawId: rawId, now: now)
        let contactId = resolution.contactId
        draft.flags.append(contentsOf: resolution.flags)
        if let senderId: String = raw["sender_id"] {
            try flagReusedSenderID(db, &draft, senderId: senderId, channel: raw["channel"], key: raw["idempotency_key"])
        }
        let followUp = try findCase(db, for: &draft, contactId: contactId)
        var attachments: [Attachment] = []
        for payload in draft.attachments {
            let sha = payload.sha256 ?? SHA256.hash(data: payload.data).hexString
            if let range = payload.rawRange {
                // Inside the raw message just stored: kept as its range there, written once.
                _ = try db.storeBlobRange(sha256: sha, size: payload.data.count, source: raw["sha256"], range: range, now: now)
            } else {
                try storeBlob(db, sha256: sha, data: payload.data, now: now)
            }
            attachments.append(Attachment(name: payload.name, mediaType: payload.mediaType, size: payload.data.count, sha256: sha))
        }
        let key: String = raw["idempotency_key"]
        // The store has one writer at a time and this runs inside its transaction, so the next
        // row id is known before the insert and the document is written once.
        let recordId = try db.value("SELECT COALESCE(MAX(id), 0) + 1 FROM records", [], as: Int64.self) ?? 1
        let linked = try link(db, recordId: recordId, draft: draft, fingerprint: fingerprint, receivedAt: receivedAt, contactId: contactId, followUp: followUp)
        draft.flags.append(contentsOf: linked.flags)
        draft.flags.append(contentsOf: try textAndArrangementFlags(db, draft: draft, contactId: contactId))
        var record = FeedbackRecord(
            id: recordId,
            reference: reference,
            draft: draft,
            source: raw["source"],
            receivedAt: receivedAt,
            contactId: contactId,
            attachments: attachments,
            idempotencyKey: key,
            rawSubmissionId: rawId
        )
        record.followUpOf = followUp?.reference
        record.caseReference = linked.newCase ? reference : linked.caseReference
        applyTriage(to: &record, reading: draft.triage)
        let links = linked.links.map(\.link).filter { $0.kind != .followUpOf }
        record.links = links.isEmpty ? nil : links
        let document = try record.documentJSON()
        if linked.newCase {
            try db.send("INSERT INTO cases (id, reference, contact_id, opened_at) VALUES (?, ?, ?, ?)", [recordId, reference, contactId, linked.eventAt])
        }
        try db.send("""
                INSERT INTO records (id, reference, channel, received_at, contacted_at, contact_id, idempotency_key,
                                     raw_submission_id, follow_up_of, document, case_id, origin_contact_id, event_at,
                                     text_hash, postcode, address_key, kind, category, service_area, acknowledge_by,
                                     respond_by, hazard_due, next_due)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                recordId, reference, draft.channel.rawValue, receivedText, draft.contactedAt.map(Timestamp.stored), contactId, key,
                rawId, followUp?.id, document, linked.caseId, resolution.originId, linked.eventAt,
                linked.fingerprint.textHash, linked.postcode, linked.addressKey,
            ] + Self.triageColumns(record))
        try Linking.storeShingles(db, recordId: recordId, linked.fingerprint)
        let day = linked.eventAt / Linking.day
        if !linked.bandKeys.isEmpty {
            // One statement for the record's bands (a round trip less per band on PostgreSQL).
            let rows = Array(repeating: "(\(SQLArguments.placeholders(4)))", count: linked.bandKeys.count).joined(separator: ", ")
            let values = linked.bandKeys.flatMap { bucket -> [SQLValue] in [.integer(day / Linking.periodDays), .integer(bucket), .integer(day), .integer(recordId)] }
            try db.send("INSERT INTO lsh_bands (period, bucket, day, record_id) VALUES \(rows) ON CONFLICT DO NOTHING", SQLArguments(values))
        }
        for (kind, targetId, link) in linked.links where kind != .followUpOf {
            try db.send("INSERT INTO record_links (record_id, kind, target_id, similarity, reason, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", [recordId, kind.rawValue, targetId, link.similarity, link.reason, now])
        }
        for joined in linked.casesToJoin {
            let reason = "Case \(joined.reference) joined into case \(record.caseReference ?? ""): \(reference) is the same matter as both (in \(joined.evidence)), from the same contact."
            try joinCase(db, from: joined.id, into: linked.caseId, reason: reason, rawId: rawId, now: now, actor: actor)
        }
        for (other, evidence) in resolution.weakMatches {
            try db.send("INSERT INTO possible_same_contacts (contact_id, other_id, evidence, record_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", [contactId, other, evidence, recordId, now])
        }
        if resolution.created, let contactId {
            try auditContact(db, action: "contact_created", contactId: contactId, recordId: recordId, reason: "New contact #\(contactId) from \(reference).", at: now, actor: actor)
        }
        for entry in record.flags {
            try db.send("INSERT INTO record_flags (record_id, flag, reason) VALUES (?, ?, ?)", [recordId, entry.flag.rawValue, entry.reason])
        }
        for attachment in attachments {
            try db.send("INSERT INTO attachments (record_id, name, media_type, size, sha256) VALUES (?, ?, ?, ?, ?)", [recordId, attachment.name, attachment.mediaType, attachment.size, attachment.sha256])
        }
        try db.send("UPDATE raw_submissions SET disposition = 'accepted', record_id = ?, error_code = NULL, reason = NULL, updated_at = ? WHERE id = ?", [recordId, now, rawId])
        for messageId in draft.thread?.messageIDs ?? [] {
            try db.send("INSERT INTO thread_ids (channel, message_id, record_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [draft.channel.rawValue, messageId, recordId])
        }
        // The case system hears of it in the same transaction: a new case, or a record joining one.
        try enqueueRecordEvent(
            db, linked: linked.newCase ? nil : (followUp != nil ? "follow_up_of" : (links.first?.kind.rawValue ?? "same_case")),
            caseId: linked.caseId, recordId: recordId, now: now
        )
        var reason = followUp.map { "Recorded as \(reference), a follow-up of \($0.reference) (\($0.how))." } ?? "Recorded as \(reference)."
        for link in links { reason += " \(link.kind.rawValue) \(link.reference)." }
        try audit(db, action: "accepted", rawId: rawId, recordId: recordId, reason: reason, at: now, actor: actor)
        return IntakeOutcome(rawSubmissionId: rawId, disposition: .accepted, reference: reference, followUpOf: followUp?.reference)
    }

    /// Flags a record whose sender-assigned id (Message-ID) another, different submission used.
    private func flagReusedSenderID(_ db: some StoreConnection, _ draft: inout FeedbackDraft, senderId: String, channel: String, key: String) throws {
        guard let other = try db.row("""
                SELECT r.id, rec.reference FROM raw_submissions r LEFT JOIN records rec ON rec.id = r.record_id
                WHERE r.channel = ? AND r.sender_id = ? AND r.idempotency_key != ? AND r.disposition != 'redelivery'
                ORDER BY r.id LIMIT 1
                """, [channel, senderId, key]) else { return }
        let otherId: Int64 = other["id"]
        let otherReference: String? = other["reference"]
        draft.flag(
            .messageIDReused,
            "Submission #\(otherId)\(otherReference.map { " (\($0))" } ?? "") has the same Message-ID \(senderId) but different content; both are kept."
        )
    }


    /// Finds the case a submission follows up: one whose message it replies to, or whose
    /// reference it mentions, and only when the sender is that case's contact or representative.
    /// A match with anyone else adds `possible_follow_up` for a person to decide.
    private func findCase(_ db: some StoreConnection, for draft: inout FeedbackDraft, contactId: Int64?) throws -> CaseLink? {
        guard let thread = draft.thread, !thread.isEmpty else { return nil }
        var candidates: [(Int64, String)] = []
        for id in thread.repliesTo.prefix(50) {
            if let recordId = try db.value("SELECT record_id FROM thread_ids WHERE channel = ? AND message_id = ? LIMIT 1", [draft.channel.rawValue, id], as: Int64.self) {
                candidates.append((recordId, "it replies to message \(id)"))
            }
        }
        for mentioned in thread.mentionedReferences.prefix(20) {
            if let recordId = try db.value("SELECT id FROM records WHERE reference = ?", [mentioned], as: Int64.self) {
                candidates.append((recordId, "it mentions \(mentioned)"))
            }
        }
        guard !candidates.isEmpty else { return nil }
        let senderEmails = Set([draft.contact.email, draft.representative?.email].compactMap { $0?.lowercased() })
        var refused: [String] = []
        var checked = Set<Int64>()
        for (recordId, how) in candidates {
            // The case's two addresses from its document, not the document decoded whole (a
            // JSONDecoder pass over every field, 46,000 instructions a message on an mbox import).
            guard let row = try db.row("""
                    SELECT root.id, root.reference, root.contact_id,
                           json_extract(root.document, '$.contact.email') AS contact_email,
                           json_extract(root.document, '$.representative.email') AS representative_email
                    FROM records r
                    JOIN records root ON root.id = COALESCE(r.case_id, r.follow_up_of, r.id) WHERE r.id = ?
                    """, [recordId]) else { continue }
            let rootId: Int64 = row["id"]
            let rootReference: String = row["reference"]
            guard checked.insert(rootId).inserted else { continue }
            let rootContact: Int64? = row["contact_id"]
            var allowed = contactId != nil && contactId == rootContact
            if !allowed {
                let caseEmails = Set([row["contact_email"] as String?, row["representative_email"] as String?].compactMap { $0?.lowercased() })
                allowed = !senderEmails.isDisjoint(with: caseEmails)
            }
            if allowed { return CaseLink(id: rootId, reference: rootReference, how: how) }
            refused.append("\(how), case \(rootReference)")
        }
        let sender = draft.contact.email ?? draft.representative?.email ?? "an unknown sender"
        draft.flag(
            .possibleFollowUp,
            "This may follow up an existing case (\(refused.joined(separator: "; "))), but it is from \(sender), who is not that case's contact or representative. A person should decide; it was not linked."
        )
        return nil
    }

    /// The next reference for the year (London time) the submission was received in.
    private func nextReference(_ db: some StoreConnection, for receivedAt: Date) throws -> String {
        let year = UKDateReader.londonCalendar.component(.year, from: receivedAt)
        let prefix = options.referencePrefix
        let number = try db.nextReferenceNumber(prefix: prefix, year: year)
        let digits = String(number)
        return "\(prefix)-\(year)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

}

extension Database {
    /// Executes one statement through the statement cache: the hot paths of intake run the
    /// same few statements for every submission, so each is parsed once per connection.
    func run(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
