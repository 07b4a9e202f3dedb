public import Foundation
import GRDB
public import LetterboxCore

/// The kinds of change the outbox tells case systems about.
public enum OutboxEventType: String, Sendable, CaseIterable, Codable {
    /// A record that opened a case.
    case recordCreated = "record.created"
    /// A record that joined an existing case (follow-up, duplicate, repeat).
    case recordLinked = "record.linked"
    /// An officer corrected a record's kind, category or service area.
    case triageCorrected = "record.triage_corrected"
    case caseClosed = "case.closed"
    case caseReopened = "case.reopened"
    /// A later case found to be the same matter was joined into an earlier one.
    case caseJoined = "case.joined"
    /// Two contacts were found to be one person (by a person, or by identifiers).
    case contactMerged = "contact.merged"
}

/// Where one delivery stands.
public enum DeliveryState: String, Sendable, CaseIterable, Codable {
    /// Not yet attempted (or sent back to the queue by `outbox retry` or `replay`).
    case pending
    /// Failed at least once; waiting for its next attempt.
    case retrying
    /// Every attempt failed: kept, and waiting for an operator (`outbox retry`).
    case dead
    case delivered
}

/// A delivery a worker has claimed: what to send, and to whom.
public struct ClaimedDelivery: Sendable {
    public var deliveryId: Int64
    public var destination: String
    /// The event's public id: `webhook-id`, and the root of an email's Message-ID.
    public var eventId: String
    public var type: OutboxEventType
    public var caseId: Int64
    public var caseReference: String
    public var recordId: Int64?
    public var createdAt: Date
    /// Attempts made before this one.
    public var attempts: Int
    /// Claims of this delivery so far, this one included. More than one means an earlier worker
    /// may have sent it (it died, or its attempt timed out after the receiver got it): a
    /// destination without idempotency keys checks before sending again.
    public var claims: Int
    public var mayHaveBeenSent: Bool { claims > 1 }
    /// Event-specific details, as JSON (an object).
    public var data: String
}

/// What a destination is sent: the event, the record it is about in the export contract, and
/// the record's attachments.
public struct OutboxContent: Sendable {
    public struct File: Sendable {
        public var attachment: Attachment
        /// The bytes, or nil when they were over the limit asked for (metadata only).
        public var data: Data?
    }

    public var delivery: ClaimedDelivery
    /// The record's JSON document (README "Export"), as stored.
    public var recordJSON: String?
    public var record: FeedbackRecord?
    public var files: [File]
    /// True when some attachments' bytes were left out for size.
    public var filesOmitted: Bool
    /// The event-specific details, decoded.
    public var details: [String: any Sendable] {
        (try? JSONSerialization.jsonObject(with: Data(delivery.data.utf8)) as? [String: any Sendable]) ?? [:]
    }
}

/// The result of one attempt, for ``SQLiteCaseStore/settleDeliveries(_:)``.
public struct DeliveryResult: Sendable {
    public enum Outcome: Sendable, Equatable {
        case delivered
        /// Failed; try again at this time (nil: no attempts left, dead-letter it).
        case failed(retryAt: Date?)
        /// The receiver said 410 Gone: the destination is disabled until an operator enables it.
        case gone
    }

    public var deliveryId: Int64
    public var outcome: Outcome
    public var startedAt: Date
    public var seconds: Double
    public var status: Int?
    /// The receiver's answer or the error, trimmed by the store to 500 characters.
    public var answer: String?

    public init(deliveryId: Int64, outcome: Outcome, startedAt: Date, seconds: Double, status: Int?, answer: String?) {
        self.deliveryId = deliveryId
        self.outcome = outcome
        self.startedAt = startedAt
        self.seconds = seconds
        self.status = status
        self.answer = answer
    }
}

/// One row of `letterbox outbox list`.
public struct DeliveryView: Sendable, Codable {
    public var id: Int64
    public var destination: String
    public var eventId: String
    public var type: String
    public var caseReference: String?
    public var recordReference: String?
    public var state: String
    public var attempts: Int
    public var createdAt: String
    public var nextAttemptAt: Date?
    public var deliveredAt: String?
    public var lastError: String?
}

/// One attempt, for `letterbox outbox show`.
public struct AttemptView: Sendable, Codable {
    public var number: Int
    public var startedAt: String
    public var seconds: Double
    public var outcome: String
    public var status: Int?
    public var answer: String?
}

/// Per destination: how many events wait, how many are dead, and the age of the oldest waiting.
public struct OutboxCounts: Sendable {
    public var destination: String
    public var pending: Int
    public var retrying: Int
    public var dead: Int
    public var delivered: Int
    public var oldestWaiting: Date?
    public var disabledReason: String?
    /// Events not yet given a delivery row for this destination (its queue position is behind).
    public var unqueued: Int
}

extension CaseStoreRules {
    // MARK: Writing events (inside the transaction of the change)

    /// Adds an event to the outbox. Called inside the transaction that makes the change.
    func enqueueEvent(_ db: some StoreConnection, _ type: OutboxEventType, caseId: Int64, recordId: Int64?, data: [String: Any] = [:], now: String)
        throws
    {
        let json = data.isEmpty ? "{}" : String(decoding: try JSONSerialization.data(withJSONObject: data, options: [.sortedKeys]), as: UTF8.self)
        try insertEvent(db, type, caseId: caseId, recordId: recordId, json: json, now: now)
    }

    /// The same for a record's own event, on intake's hot path: its one detail is a fixed word,
    /// so no JSON encoder is needed.
    func enqueueRecordEvent(_ db: some StoreConnection, linked how: String?, caseId: Int64, recordId: Int64, now: String) throws {
        try insertEvent(
            db, how == nil ? .recordCreated : .recordLinked, caseId: caseId, recordId: recordId,
            json: how.map { #"{"how":""# + $0 + #""}"# } ?? "{}", now: now
        )
    }

    private func insertEvent(_ db: some StoreConnection, _ type: OutboxEventType, caseId: Int64, recordId: Int64?, json: String, now: String) throws {
        try db.send(
            "INSERT INTO outbox_events (event_id, type, case_id, record_id, created_at, data) VALUES (?, ?, ?, ?, ?, ?)",
            [Outbox.newEventId(), type.rawValue, caseId, recordId, now, json]
        )
    }
}

/// Outbox helpers shared by both stores.
enum Outbox {
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func trimmed(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        // A character cut in half becomes U+FFFD: the answer is for reading, not for parsing.
        return String(decoding: text.utf8.prefix(limit), as: UTF8.self) + "…"
    }
    private static let base32: [UInt8] = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    /// `evt_`, the time in milliseconds (10 base-32 characters) and 16 random ones (80 bits),
    /// as a ULID is built: unique, safe in a header, a Message-ID and a URL, and increasing, so
    /// the unique index on it grows at its end instead of taking a write to a random page for
    /// every record (which is what slows intake in a large store).
    static func newEventId(now: Date = Date()) -> String {
        var time = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        var random = SystemRandomNumberGenerator()
        var bits = random.next() as UInt64
        var more = random.next() as UInt64
        return String(unsafeUninitializedCapacity: 30) { buffer in
            for (index, byte) in "evt_".utf8.enumerated() { buffer[index] = byte }
            for index in stride(from: 13, through: 4, by: -1) {
                buffer[index] = base32[Int(time & 31)]
                time >>= 5
            }
            for index in 14..<30 {
                buffer[index] = base32[Int(bits & 31)]
                bits >>= 5
                if index == 25 { bits = more; more = 0 }
            }
            return 30
        }
    }
}

extension StoreTransactions {

    // MARK: Delivery (the worker)

    /// Gives every event after the destination's queue position a delivery row. A destination
    /// seen for the first time starts from the first event (or the first created on or after
    /// `since`). Returns how many rows were added; reads only, when nothing is new.
    @discardableResult
    package func queueEvents(destination: String, since: Date? = nil, limit: Int = 5000) throws(StoreError) -> Int {
        let state = try reading { db -> (position: Int64?, last: Int64) in
            let position = try db.value("SELECT position FROM outbox_destinations WHERE name = ?", [destination], as: Int64.self)
            let last = try db.value("SELECT COALESCE(MAX(id), 0) FROM outbox_events", [], as: Int64.self) ?? 0
            return (position, last)
        }
        if let position = state.position, position >= state.last { return 0 }
        let now = Timestamp.stored(Date())
        return try writing(exclusive: true) { db in
            var position = try db.value("SELECT position FROM outbox_destinations WHERE name = ?", [destination], as: Int64.self)
            if position == nil {
                var start: Int64 = 0
                if let since {
                    start = try db.value("SELECT COALESCE(MIN(id), (SELECT COALESCE(MAX(id), 0) + 1 FROM outbox_events)) - 1 FROM outbox_events WHERE created_at >= ?", [Timestamp.stored(since)], as: Int64.self) ?? 0
                }
                try db.run("INSERT INTO outbox_destinations (name, position, created_at) VALUES (?, ?, ?)", [destination, start, now])
                position = start
            }
            let upTo = try db.value("SELECT MAX(id) FROM (SELECT id FROM outbox_events WHERE id > ? ORDER BY id LIMIT ?) AS next", [position!, limit], as: Int64.self)
            guard let upTo else { return 0 }
            let added = try db.run(
                """
                INSERT INTO outbox_deliveries (event_row, destination, case_id, state, next_attempt_at)
                SELECT id, ?, case_id, 'pending', 0 FROM outbox_events WHERE id > ? AND id <= ? ON CONFLICT DO NOTHING
                """,
                [destination, position!, upTo]
            )
            try db.run("UPDATE outbox_destinations SET position = ? WHERE name = ?", [upTo, destination])
            return added
        }
    }

    /// Claims up to `limit` due deliveries of one destination for `lease` seconds: at most one
    /// per case (the earliest undelivered event of each case), none of a disabled destination,
    /// none claimed by another worker whose lease has not ended.
    /// With `dueBy`, only deliveries due by then (a one-shot run passes its start, so an event
    /// that fails is not tried again in the same run).
    package func claimDeliveries(destination: String, limit: Int, lease: TimeInterval, worker: String, now: Date = Date(), dueBy: Date? = nil)
        throws(StoreError) -> [ClaimedDelivery]
    {
        let nowMs = Outbox.milliseconds(now)
        let dueMs = dueBy.map { min(nowMs, Outbox.milliseconds($0)) } ?? nowMs
        // A read first: an idle worker polling an empty queue costs no write (and no fsync).
        let due = try reading { db in
            try db.value("""
                    SELECT EXISTS (SELECT 1 FROM outbox_deliveries WHERE destination = ? AND state IN ('pending', 'retrying')
                        AND next_attempt_at <= ? AND claimed_until <= ?)
                    AND NOT EXISTS (SELECT 1 FROM outbox_destinations WHERE name = ? AND disabled_at IS NOT NULL)
                    """, [destination, dueMs, nowMs, destination], as: Bool.self) ?? false
        }
        guard due else { return [] }
        // Not under the intake lock: the rows claimed are locked instead, and rows another
        // instance is claiming at this moment are skipped (PostgreSQL's SKIP LOCKED; SQLite
        // has one writer anyway).
        return try writing(exclusive: false) { db in
            let rows = try db.rows("""
                    SELECT d.id, d.attempts, d.claims, e.event_id, e.type, e.case_id, e.record_id, e.created_at, e.data, c.reference AS case_reference
                    FROM outbox_deliveries d INDEXED BY outbox_deliveries_due
                    JOIN outbox_events e ON e.id = d.event_row
                    LEFT JOIN cases c ON c.id = e.case_id
                    WHERE d.destination = ? AND d.state IN ('pending', 'retrying') AND d.next_attempt_at <= ? AND d.claimed_until <= ?
                      AND NOT EXISTS (
                        SELECT 1 FROM outbox_deliveries p INDEXED BY outbox_deliveries_open_by_case
                        WHERE p.destination = d.destination AND p.case_id = d.case_id AND p.state != 'delivered' AND p.event_row < d.event_row)
                    ORDER BY d.event_row LIMIT ? \(skipLocked("d"))
                    """, [destination, dueMs, nowMs, limit])
            guard !rows.isEmpty else { return [] }
            let until = nowMs + Int64(lease * 1000)
            var claimed: [ClaimedDelivery] = []
            for row in rows {
                let id: Int64 = row["id"]
                try db.run("UPDATE outbox_deliveries SET claimed_until = ?, claimed_by = ?, claims = claims + 1 WHERE id = ?", [until, worker, id])
                guard let type = OutboxEventType(rawValue: row["type"]) else { continue }
                claimed.append(
                    ClaimedDelivery(
                        deliveryId: id, destination: destination, eventId: row["event_id"], type: type, caseId: row["case_id"],
                        caseReference: row["case_reference"] ?? "", recordId: row["record_id"],
                        createdAt: Timestamp.date(row["created_at"]) ?? Date(), attempts: row["attempts"],
                        claims: (row["claims"] as Int) + 1, data: row["data"]
                    )
                )
            }
            return claimed
        }
    }

    /// The record and attachments an event is about. Attachment bytes are read while their
    /// running total stays within `attachmentLimit`; past it, metadata only.
    package func content(of delivery: ClaimedDelivery, attachmentLimit: Int) throws(StoreError) -> OutboxContent {
        try reading { db in
            var content = OutboxContent(delivery: delivery, recordJSON: nil, record: nil, files: [], filesOmitted: false)
            guard let recordId = delivery.recordId,
                let document = try db.value("SELECT document FROM records WHERE id = ?", [recordId], as: String.self)
            else { return content }
            content.recordJSON = document
            let record = try Timestamp.jsonDecoder().decode(FeedbackRecord.self, from: Data(document.utf8))
            content.record = record
            var total = 0
            for attachment in record.attachments {
                if total + attachment.size <= attachmentLimit,
                    let data = try db.blobData(sha256: attachment.sha256)
                {
                    total += attachment.size
                    content.files.append(.init(attachment: attachment, data: data))
                } else {
                    content.files.append(.init(attachment: attachment, data: nil))
                    content.filesOmitted = true
                }
            }
            return content
        }
    }

    /// Records what became of a batch of attempts, in one transaction, and releases the claims.
    package func settleDeliveries(_ results: [DeliveryResult], destination: String) throws(StoreError) {
        guard !results.isEmpty else { return }
        let now = Timestamp.stored(Date())
        try writing(exclusive: false) { db in
            for result in results {
                let answer = result.answer.map { Outbox.trimmed($0, to: 500) }
                let outcomeName: String
                switch result.outcome {
                case .delivered:
                    outcomeName = "delivered"
                    try db.run("""
                            UPDATE outbox_deliveries SET state = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL,
                                claimed_until = 0, claimed_by = NULL WHERE id = ?
                            """, [now, result.deliveryId])
                case .failed(let retryAt):
                    outcomeName = retryAt == nil ? "dead" : "failed"
                    try db.run("""
                            UPDATE outbox_deliveries SET state = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?,
                                claimed_until = 0, claimed_by = NULL WHERE id = ?
                            """, [
                            retryAt == nil ? DeliveryState.dead.rawValue : DeliveryState.retrying.rawValue,
                            retryAt.map(Outbox.milliseconds) ?? 0, answer, result.deliveryId,
                        ])
                case .gone:
                    outcomeName = "gone"
                    // Not counted as a failed attempt: the event waits, whole, until the destination is enabled again.
                    try db.run("UPDATE outbox_deliveries SET last_error = ?, claimed_until = 0, claimed_by = NULL WHERE id = ?", [answer, result.deliveryId])
                    try db.run("UPDATE outbox_destinations SET disabled_at = ?, disabled_reason = ? WHERE name = ? AND disabled_at IS NULL", [now, "The receiver answered 410 Gone (delivery #\(result.deliveryId)).", destination])
                }
                let number = try db.value("SELECT COALESCE(MAX(number), 0) + 1 FROM outbox_attempts WHERE delivery_id = ?", [result.deliveryId], as: Int.self) ?? 1
                try db.run("INSERT INTO outbox_attempts (delivery_id, number, started_at, seconds, outcome, status, answer) VALUES (?, ?, ?, ?, ?, ?, ?)", [result.deliveryId, number, Timestamp.stored(result.startedAt), result.seconds, outcomeName, result.status, answer])
            }
        }
    }

    /// The id a destination gave a case (an RT ticket, the first Message-ID), if it has one.
    package func remoteId(destination: String, caseId: Int64) throws(StoreError) -> String? {
        try reading { db in
            try db.value("SELECT remote_id FROM forward_remote_ids WHERE destination = ? AND case_id = ?", [destination, caseId], as: String.self)
        }
    }

    /// Keeps the id a destination gave a case, at once (so a crash before the delivery is marked
    /// does not lose it).
    package func saveRemoteId(_ remoteId: String, destination: String, caseId: Int64) throws(StoreError) {
        _ = try writing(exclusive: false) { db in
            try db.run(
                """
                INSERT INTO forward_remote_ids (destination, case_id, remote_id, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (destination, case_id) DO UPDATE SET remote_id = excluded.remote_id
                """,
                [destination, caseId, remoteId, Timestamp.stored(Date())]
            )
        }
    }

    /// The case an event's case was joined into, followed to the end (for a destination that
    /// files later events on the surviving case).
    package func survivingCase(_ caseId: Int64) throws(StoreError) -> (id: Int64, reference: String)? {
        try reading { db in
            var id = caseId
            for _ in 0..<20 {
                guard let row = try db.row("SELECT reference, merged_into FROM cases WHERE id = ?", [id]) else { return nil }
                guard let next: Int64 = row["merged_into"] else { return (id, row["reference"]) }
                id = next
            }
            return nil
        }
    }

    /// The id of the case with this reference.
    package func caseId(reference: String) throws(StoreError) -> Int64? {
        try reading { db in try db.value("SELECT id FROM cases WHERE reference = ?", [reference], as: Int64.self) }
    }

    // MARK: Operations (the outbox command, stats, metrics)

    package func deliveries(destination: String? = nil, state: DeliveryState? = nil, limit: Int = 200) throws(StoreError) -> [DeliveryView] {
        try reading { db in
            var conditions: [String] = []
            var arguments: [SQLValue] = []
            if let destination {
                conditions.append("d.destination = ?")
                arguments.append(destination.sqlValue)
            }
            if let state {
                conditions.append("d.state = ?")
                arguments.append(state.rawValue.sqlValue)
            }
            arguments.append(limit.sqlValue)
            let rows = try db.rows("""
                    SELECT d.*, e.event_id, e.type, e.created_at, c.reference AS case_reference, r.reference AS record_reference
                    FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_row
                    LEFT JOIN cases c ON c.id = e.case_id LEFT JOIN records r ON r.id = e.record_id
                    \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                    ORDER BY d.id DESC LIMIT ?
                    """, SQLArguments(arguments))
            return rows.reversed().map(Self.deliveryView)
        }
    }

    package func delivery(id: Int64) throws(StoreError) -> (DeliveryView, [AttemptView])? {
        try reading { db in
            guard let row = try db.row("""
                    SELECT d.*, e.event_id, e.type, e.created_at, c.reference AS case_reference, r.reference AS record_reference
                    FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_row
                    LEFT JOIN cases c ON c.id = e.case_id LEFT JOIN records r ON r.id = e.record_id WHERE d.id = ?
                    """, [id]) else { return nil }
            let attempts = try db.rows("SELECT * FROM outbox_attempts WHERE delivery_id = ? ORDER BY number", [id]).map {
                AttemptView(number: $0["number"], startedAt: $0["started_at"], seconds: $0["seconds"], outcome: $0["outcome"], status: $0["status"], answer: $0["answer"])
            }
            return (Self.deliveryView(row), attempts)
        }
    }

    static func deliveryView(_ row: SQLRow) -> DeliveryView {
        let next: Int64 = row["next_attempt_at"]
        return DeliveryView(
            id: row["id"], destination: row["destination"], eventId: row["event_id"], type: row["type"], caseReference: row["case_reference"],
            recordReference: row["record_reference"], state: row["state"], attempts: row["attempts"], createdAt: row["created_at"],
            nextAttemptAt: next > 0 ? Date(timeIntervalSince1970: Double(next) / 1000) : nil, deliveredAt: row["delivered_at"],
            lastError: row["last_error"]
        )
    }

    /// Sends dead (or waiting) deliveries back to the queue, due now. With `id`, that delivery;
    /// otherwise every dead one (of one destination). Audited. Returns how many.
    @discardableResult
    package func retryDeliveries(id: Int64? = nil, destination: String? = nil, actor: String) throws(StoreError) -> Int {
        let now = Timestamp.stored(Date())
        return try writing(exclusive: true) { db in
            if let id {
                guard let state = try db.value("SELECT state FROM outbox_deliveries WHERE id = ?", [id], as: String.self) else {
                    throw StoreError(.notFound, "There is no delivery #\(id) (see letterbox outbox list).")
                }
                guard state != DeliveryState.delivered.rawValue else {
                    throw StoreError(.invalid, "Delivery #\(id) was delivered; use letterbox outbox replay to send it again.")
                }
            }
            let count: Int
            if let id {
                count = try db.run("UPDATE outbox_deliveries SET state = 'pending', attempts = 0, next_attempt_at = 0, claimed_until = 0 WHERE id = ?", [id])
            } else {
                count = try db.run(
                    "UPDATE outbox_deliveries SET state = 'pending', attempts = 0, next_attempt_at = 0, claimed_until = 0 WHERE state = 'dead'"
                        + (destination == nil ? "" : " AND destination = ?"),
                    destination.map { SQLArguments([$0.sqlValue]) } ?? []
                )
            }
            try audit(db, action: "outbox_retry", rawId: nil, recordId: nil,
                      reason: id.map { "Delivery #\($0) queued again." } ?? "\(count) dead deliveries\(destination.map { " to \($0)" } ?? "") queued again.",
                      at: now, actor: actor)
            return count
        }
    }

    /// Sends delivered events of one destination again, with their original ids, from `since`.
    /// Audited. Returns how many.
    @discardableResult
    package func replayDeliveries(destination: String, since: Date, actor: String) throws(StoreError) -> Int {
        let now = Timestamp.stored(Date())
        return try writing(exclusive: true) { db in
            let count = try db.run("""
                    UPDATE outbox_deliveries SET state = 'pending', attempts = 0, next_attempt_at = 0, claimed_until = 0
                    WHERE destination = ? AND state = 'delivered'
                      AND event_row IN (SELECT id FROM outbox_events WHERE created_at >= ?)
                    """, [destination, Timestamp.stored(since)])
            try audit(db, action: "outbox_replay", rawId: nil, recordId: nil,
                      reason: "\(count) delivered events to \(destination) since \(Timestamp.string(since)) queued again with their original ids.",
                      at: now, actor: actor)
            return count
        }
    }

    /// Enables a destination a receiver's 410 disabled. Audited. False if it was not disabled.
    @discardableResult
    package func enableDestination(_ name: String, actor: String) throws(StoreError) -> Bool {
        let now = Timestamp.stored(Date())
        return try writing(exclusive: true) { db in
            guard try db.run("UPDATE outbox_destinations SET disabled_at = NULL, disabled_reason = NULL WHERE name = ? AND disabled_at IS NOT NULL", [name]) > 0 else {
                return false
            }
            try audit(db, action: "outbox_enabled", rawId: nil, recordId: nil, reason: "Destination \(name) enabled again.", at: now, actor: actor)
            return true
        }
    }

    /// Counts per destination, for `stats` and `/metrics`. `destinations` adds configured ones
    /// that have not been seen yet (everything is unqueued for them).
    package func outboxCounts(destinations: [String] = [], countDelivered: Bool = true) throws(StoreError) -> [OutboxCounts] {
        try reading { db in
            let last = try db.value("SELECT COALESCE(MAX(id), 0) FROM outbox_events", [], as: Int64.self) ?? 0
            var result: [String: OutboxCounts] = [:]
            for name in destinations {
                result[name] = OutboxCounts(destination: name, pending: 0, retrying: 0, dead: 0, delivered: 0, unqueued: Int(last))
            }
            for row in try db.rows("SELECT name, position, disabled_reason FROM outbox_destinations") {
                let name: String = row["name"]
                var counts = result[name] ?? OutboxCounts(destination: name, pending: 0, retrying: 0, dead: 0, delivered: 0, unqueued: 0)
                counts.unqueued = Int(last - (row["position"] as Int64))
                counts.disabledReason = row["disabled_reason"]
                result[name] = counts
            }
            // Delivered rows only grow; /metrics leaves them out so a scrape costs the same in a year.
            let filter = countDelivered ? "" : "WHERE state != 'delivered'"
            for row in try db.rows("SELECT destination, state, COUNT(*) AS n FROM outbox_deliveries \(filter) GROUP BY destination, state") {
                let name: String = row["destination"]
                var counts = result[name] ?? OutboxCounts(destination: name, pending: 0, retrying: 0, dead: 0, delivered: 0, unqueued: 0)
                let n: Int = row["n"]
                switch DeliveryState(rawValue: row["state"]) {
                case .pending: counts.pending = n
                case .retrying: counts.retrying = n
                case .dead: counts.dead = n
                case .delivered: counts.delivered = n
                case nil: break
                }
                result[name] = counts
            }
            for (name, var counts) in result {
                if let oldest = try db.value("""
                        SELECT MIN(e.created_at) FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_row
                        WHERE d.destination = ? AND d.state IN ('pending', 'retrying', 'dead')
                        """, [name], as: String.self) {
                    counts.oldestWaiting = Timestamp.date(oldest)
                }
                result[name] = counts
            }
            return result.values.sorted { $0.destination < $1.destination }
        }
    }

}

/// The outbox as the forwarding worker, its destinations and the outbox command use it: the
/// queries above, on either store.
package protocol OutboxStore: StoreTransactions {}

extension SQLiteCaseStore: StoreTransactions, OutboxStore {
    package func reading<T>(_ body: (any StoreConnection) throws -> T) throws(StoreError) -> T { try read { db in try body(db) } }
    package func writing<T>(exclusive: Bool, _ body: (any StoreConnection) throws -> T) throws(StoreError) -> T { try write { db in try body(db) } }
    package func skipLocked(_ table: String) -> String { "" }
}
