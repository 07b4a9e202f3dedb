public import Foundation
import GRDB
public import LetterboxCore

extension CaseStoreRules {
    /// When the landlord became aware of the contact: when it arrived, or earlier when its
    /// adapter says so from the landlord's own record (a phone call typed up later was heard
    /// when it was taken). Never after arrival.
    func awareAt(_ record: FeedbackRecord) -> Date {
        if let aware = record.awareAt, aware <= record.receivedAt { return aware }
        return record.receivedAt
    }

    /// The triage rules' reading of a draft (pure: the pipeline calls it while decoding).
    package func readTriage(_ draft: FeedbackDraft, received: Date) -> TriageReading {
        options.triage.read(
            subject: draft.subject, body: draft.body, statedKind: draft.statedKind,
            representative: draft.representative, received: received
        )
    }

    /// Puts a triage reading (the one made while decoding, else one made now) and the due dates
    /// on the record.
    func applyTriage(to record: inout FeedbackRecord, reading made: TriageReading? = nil) {
        let reading = made ?? options.triage.read(
            subject: record.subject, body: record.body, statedKind: record.statedKind,
            representative: record.representative, received: record.receivedAt
        )
        for entry in reading.flags where !record.flags.contains(where: { $0.flag == entry.flag }) {
            record.flags.append(entry)
        }
        record.apply(reading, dueDates: dueDates(for: reading.kind, reading: reading, record: record))
    }

    func dueDates(for kind: FeedbackRecord.Kind?, reading: TriageReading?, record: FeedbackRecord) -> DueDates {
        let hazardReason = record.flags.first { $0.flag == .urgentSafety }?.reason ?? record.flags.first { $0.flag == .dampMouldHazard }?.reason ?? ""
        return options.timescales.dueDates(
            kind: kind, stage: reading?.stage ?? 1,
            hazard: reading?.hazard.map { ($0, hazardReason) },
            received: awareAt(record)
        )
    }

    /// kind, category, service_area, acknowledge_by, respond_by, hazard_due, next_due.
    static func triageColumns(_ record: FeedbackRecord) -> SQLArguments {
        let hazard = record.dueDates?.hazardClocks.map(\.dueBy).min()
        return [
            record.kind?.rawValue, record.category, record.serviceArea,
            record.acknowledgeBy.map(Timestamp.string), record.respondBy.map(Timestamp.string),
            hazard.map(Timestamp.string), record.dueDates?.next.map(Timestamp.string),
        ]
    }
}

extension SQLiteCaseStore {
    /// An officer corrects the kind, category or service area. The record's reading, due dates
    /// and columns change; Letterbox's own reading stays in the record (`triage`) and the audit
    /// log keeps both, with the officer's reason.
    @discardableResult
    public func correctTriage(
        reference: String,
        kind: FeedbackRecord.Kind?,
        category: String?,
        serviceArea: String?,
        reason: String,
        by: String,
        at now: Date = Date()
    ) throws(StoreError) -> FeedbackRecord {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, case_id, document FROM records WHERE reference = ?", arguments: [reference]) else {
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
            try audit(db, action: "triage_corrected", rawId: nil, recordId: id, reason: text, at: Timestamp.string(now), actor: by)
            var details: [String: Any] = ["by": by, "reason": reason]
            details["kind"] = record.kind?.rawValue ?? NSNull()
            details["category"] = record.category ?? NSNull()
            details["serviceArea"] = record.serviceArea ?? NSNull()
            details["previousKind"] = before.kind ?? NSNull()
            details["previousCategory"] = before.category ?? NSNull()
            details["previousServiceArea"] = before.area ?? NSNull()
            try enqueueEvent(db, .triageCorrected, caseId: row["case_id"] ?? id, recordId: id, data: details, now: Timestamp.string(now))
            return record
        }
    }

    /// The records whose kind an officer set (`triage set`), as labelled items for
    /// `letterbox triage train --include-corrections`: the officer's kind and service area,
    /// with their reason as the comment.
    public func correctedTriageItems() throws(StoreError) -> [LabelledItem] {
        try read { db in
            let decoder = Timestamp.jsonDecoder()
            var items: [LabelledItem] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT document FROM records WHERE json_extract(document, '$.triageCorrection') IS NOT NULL ORDER BY id")
            while let row = try rows.next() {
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
    public func backfillTriage(all: Bool = false, batch: Int = 1000) throws(StoreError) -> Int {
        var done = 0
        var lastId: Int64 = 0
        while true {
            let count: Int = try write { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: "SELECT id, document FROM records WHERE id > ? \(all ? "" : "AND kind IS NULL") ORDER BY id LIMIT ?",
                    arguments: [lastId, batch]
                )
                let decoder = Timestamp.jsonDecoder()
                let encoder = Timestamp.jsonEncoder()
                for row in rows {
                    let id: Int64 = row["id"]
                    lastId = id
                    guard var record = try? decoder.decode(FeedbackRecord.self, from: Data((row["document"] as String).utf8)) else { continue }
                    if record.triageCorrection != nil { continue }  // an officer's reading stands
                    record.flags.removeAll { Self.triageFlags.contains($0.flag) }
                    applyTriage(to: &record)
                    try saveTriage(db, id: id, record, encoder: encoder)
                    try db.execute(sql: "DELETE FROM record_flags WHERE record_id = ? AND flag IN (\(Self.triageFlagList))", arguments: [id])
                    for entry in record.flags where Self.triageFlags.contains(entry.flag) {
                        try db.execute(sql: "INSERT INTO record_flags (record_id, flag, reason) VALUES (?, ?, ?)", arguments: [id, entry.flag.rawValue, entry.reason])
                    }
                }
                return rows.count
            }
            done += count
            if count < batch { return done }
        }
    }

    /// Writes a record whose triage or due dates changed: its document and the columns read from it.
    private func saveTriage(_ db: Database, id: Int64, _ record: FeedbackRecord, encoder: JSONEncoder) throws {
        try db.run(
            """
            UPDATE records SET document = ?, kind = ?, category = ?, service_area = ?, acknowledge_by = ?,
                respond_by = ?, hazard_due = ?, next_due = ? WHERE id = ?
            """,
            [String(decoding: try encoder.encode(record), as: UTF8.self)] + Self.triageColumns(record) + [id]
        )
    }

    static let triageFlags: Set<Flag> = [
        .expressedDissatisfaction, .dampMouldHazard, .urgentSafety, .vulnerability, .representative, .escalationRequest, .possiblyOutOfTime,
    ]
    /// The flags above as an SQL list: `'damp_mould_hazard','escalation_request',...`.
    static let triageFlagList = triageFlags.map { "'\($0.rawValue)'" }.sorted().joined(separator: ",")
    /// A record whose case has not been closed (closing a case stops its clocks).
    static let caseNotClosed = "NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = records.case_id AND c.status = 'closed')"

    /// Records with a due date on or before `before` (and, with `openOnly`, whose case is still
    /// open), soonest first.
    public func dueRecords(before: Date, openOnly: Bool, limit: Int? = nil) throws(StoreError) -> [FeedbackRecord] {
        var result: [FeedbackRecord] = []
        try forEachRecord(limit: limit, due: RecordsDue(before: before, openCasesOnly: openOnly)) { result.append($0) }
        return result
    }

    /// Records by kind, triage flags, and how many have a due date passed on an open case.
    public func triageCounts(now: Date = Date()) throws(StoreError) -> (kinds: [(String, Int)], flags: [(String, Int)], overdue: Int) {
        try read { db in
            let kinds: [(String, Int)] = try Row.fetchAll(db, sql: "SELECT COALESCE(kind, '(not read)') AS kind, COUNT(*) AS n FROM records GROUP BY 1 ORDER BY 2 DESC")
                .map { ($0["kind"], $0["n"]) }
            let flags: [(String, Int)] = try Row.fetchAll(db, sql: "SELECT flag, COUNT(DISTINCT record_id) AS n FROM record_flags WHERE flag IN (\(Self.triageFlagList)) GROUP BY flag ORDER BY flag")
                .map { ($0["flag"], $0["n"]) }
            let overdue = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM records INDEXED BY records_by_next_due WHERE next_due IS NOT NULL AND next_due <= ?
                AND \(Self.caseNotClosed)
                """, arguments: [Timestamp.string(now)]) ?? 0
            return (kinds, flags, overdue)
        }
    }
}
