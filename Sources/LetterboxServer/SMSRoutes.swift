import Foundation
import Hummingbird
import LetterboxCore
import LetterboxSMS
import LetterboxStore
import Logging
import HTTPTypes

extension LetterboxServer {
    /// `POST /sms/{gateway}`: one gateway callback.
    ///
    /// 404 for a gateway not in the config; 401 when authentication fails (the body is kept in
    /// quarantine with the reason, so a mistyped secret loses no text); 413 over the size limit;
    /// 415 for a body that is not XML (kept in quarantine too); 400 for XML the gateway's
    /// profile cannot read (kept); 503 when the store cannot be written (the gateway retries);
    /// otherwise 200 with an empty body, once the submission is durable.
    func postSMS(_ request: Request, _ context: LetterboxRequestContext) async throws -> Response {
        let name = context.parameters.get("gateway") ?? ""
        guard let gateway = configuration.gateways[name] else {
            return Self.text(.notFound, "There is no SMS gateway called \"\(name)\" here. Configured: \(configuration.gateways.keys.sorted().joined(separator: ", ")).\n")
        }
        guard let body = try await Self.body(request, limit: SMSProfile.maxBodyBytes) else {
            return Self.text(.contentTooLarge, "An SMS callback is at most \(SMSProfile.maxBodyBytes) bytes.\n")
        }
        let fullQuery = Self.query(request)
        // The secret (query authentication) is checked against the full query and never stored.
        var query = fullQuery
        if let secret = gateway.auth.secretParameter { query[secret] = nil }
        var metadata = metadata(context, [SMSDecoder.gatewayKey: name])
        for (key, value) in query { metadata[SMSDecoder.queryPrefix + key] = value }
        if let type = request.headers[.contentType] { metadata["content-type"] = type }
        let receivedAt = Date()
        func submission(key: String?) -> RawSubmission {
            RawSubmission(channel: .sms, source: "sms/\(name)", receivedAt: receivedAt, bytes: body, transportKey: key, metadata: metadata)
        }
        if let failure = gateway.auth.failure(headers: { request.headers[HTTPField.Name($0)!] }, query: fullQuery, body: body) {
            context.logger.warning("SMS callback for \(name) failed authentication; kept in quarantine")
            let reading = try? gateway.profile.read(Array(body), query: query)
            let key = "unauthenticated:\(name):" + (reading?.messageID ?? "\(receivedAt.timeIntervalSince1970):\(context.id)")
            var response = Self.text(.unauthorized, "Authentication failed.\n")
            if case .basic = gateway.auth { response.headers[.wwwAuthenticate] = "Basic realm=\"letterbox\"" }
            return try await keep(submission(key: key), IntakeError(.refused, "Authentication failed: \(failure) The text is kept; fix the gateway's settings, then retry it with `letterbox quarantine retry`."), answer: response)
        }
        if let type = request.headers[.contentType]?.lowercased(), !Self.isXML(type) {
            return try await keep(
                submission(key: nil), IntakeError(.malformed, "The callback's Content-Type is \(type), not XML."),
                answer: Self.text(.unsupportedMediaType, "SMS callbacks must be XML (text/xml or application/xml).\n")
            )
        }
        // Read once, here (request handlers run in parallel), and hand the result to the commit.
        var item = submission(key: nil)
        let reading: SMSReading
        let decoded: Decoded
        do {
            (reading, decoded) = try decoder.read(item)
        } catch {
            let refusal = error as? IntakeError ?? IntakeError(.malformed, "\(error)")
            return try await keep(item, refusal, answer: Self.text(.badRequest, "\(refusal.message)\n"))
        }
        item.transportKey = reading.messageID.map { "\(name):\($0)" }
        if case .inbound(let inbound) = reading.content, let part = inbound.part {
            item.metadata[LongTextParts.partKey] = LongTextParts.describe(gateway: name, from: inbound.from, part: part)
        }
        guard let outcome = try await commit(item, decoded: decoded) else { return Self.storeUnavailable }
        if outcome.disposition == .quarantined {
            return Self.text(.badRequest, "\(outcome.reason ?? "The callback could not be read.")\n")
        }
        return Self.empty(.ok)
    }

    static let storeUnavailable = text(.serviceUnavailable, "The store cannot be written just now; please retry.\n", retryAfter: storeRetryAfter)

    /// Keeps a refused callback in quarantine, then gives the refusal's answer; 503 instead
    /// when it could not be kept, so the gateway sends it again rather than dropping it.
    func keep(_ submission: RawSubmission, _ refusal: IntakeError, answer: Response) async throws -> Response {
        try await commit(submission, refusal: refusal) == nil ? Self.storeUnavailable : answer
    }

    static func isXML(_ type: String) -> Bool {
        let base = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return base == "text/xml" || base == "application/xml" || base.hasSuffix("+xml")
    }

    /// Commits through the queue; nil when the store cannot be written (answer 503).
    func commit(_ submission: RawSubmission, refusal: IntakeError? = nil, decoded: Decoded? = nil) async throws -> IntakeOutcome? {
        let result: Result<Decoded, any Error>? = refusal.map { .failure($0) } ?? decoded.map { .success($0) }
        do {
            return try await queue.submit(submission, decoded: result)
        } catch let error as StoreError {
            logger.error("Store write failed: \(error.code)")
            return nil
        }
    }
}

/// Long texts whose parts the gateway posts one by one: each part is stored as it comes (as
/// `ignored`, verdict `sms_part`), and when the last arrives (or after the wait runs out) the
/// parts are joined into one submission that becomes the record. Runs on the commit thread.
final class LongTextParts: Sendable {
    static let partKey = "sms.part"
    let store: SQLiteCaseStore
    let intake: Intake
    let timeout: TimeInterval
    let logger: Logger
    let metrics: ServerMetrics

    init(store: SQLiteCaseStore, intake: Intake, timeout: TimeInterval, logger: Logger, metrics: ServerMetrics) {
        self.store = store
        self.intake = intake
        self.timeout = timeout
        self.logger = logger
        self.metrics = metrics
    }

    /// `gateway|sender|reference|total|number`
    static func describe(gateway: String, from: String?, part: InboundText.Part) -> String {
        "\(gateway)|\(from ?? "")|\(part.reference)|\(part.total)|\(part.number)"
    }

    func afterCommit(_ submissions: [RawSubmission], _ outcomes: [IntakeOutcome]) {
        for (submission, outcome) in zip(submissions, outcomes) {
            guard let description = submission.metadata[Self.partKey], outcome.disposition == .ignored else { continue }
            let fields = description.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 5, let total = Int(fields[3]), let number = Int(fields[4]) else { continue }
            let groupKey = fields[0..<4].joined(separator: "|")
            do {
                let held = try store.holdPart(
                    groupKey: groupKey, partNumber: number, total: total,
                    rawSubmissionId: outcome.rawSubmissionId, receivedAt: submission.receivedAt
                )
                if Set(held.map(\.partNumber)).count >= total { try join(held, gateway: fields[0], total: total) }
            } catch {
                logger.error("Could not hold a part of a long text (submission #\(outcome.rawSubmissionId)); the sweep will try again: \(error)")
            }
        }
    }

    /// Joins the groups that have waited longer than the timeout, with what has arrived.
    func sweep() {
        do {
            for group in try store.partsWaiting(since: Date().addingTimeInterval(-timeout)) {
                guard let first = group.first else { continue }
                let gateway = first.groupKey.split(separator: "|", omittingEmptySubsequences: false).first.map(String.init) ?? ""
                try join(group, gateway: gateway, total: first.total)
            }
        } catch {
            logger.error("The sweep for long texts failed: \(error)")
        }
    }

    func join(_ held: [HeldPart], gateway: String, total: Int) throws {
        var parts: [SMSDecoder.JoinedParts.Part] = []
        var seen = Set<Int>()
        var metadata: [String: String] = [SMSDecoder.gatewayKey: gateway, SMSDecoder.joinedKey: "true"]
        for part in held where seen.insert(part.partNumber).inserted {
            guard let stored = try store.rawSubmission(id: part.rawSubmissionId) else { continue }
            let body = try store.blob(sha256: stored.sha256) ?? Data()
            parts.append(.init(number: part.partNumber, rawSubmissionId: part.rawSubmissionId, query: SMSDecoder.query(from: stored.metadata), body: body))
        }
        metadata["sms.parts"] = parts.map { String($0.rawSubmissionId) }.joined(separator: ",")
        let envelope = SMSDecoder.JoinedParts(gateway: gateway, total: total, parts: parts)
        let joined = RawSubmission(
            channel: .sms,
            source: "sms/\(gateway)",
            receivedAt: held.map(\.receivedAt).min() ?? Date(),
            bytes: envelope.encoded(),
            transportKey: "parts:\(held[0].groupKey):\(held.map(\.rawSubmissionId).min() ?? 0)",
            metadata: metadata
        )
        let outcome = try intake.ingest([joined])[0]
        metrics.recordSubmission(channel: Channel.sms.rawValue, disposition: outcome.disposition.rawValue)
        try store.markPartsJoined(held, into: outcome.rawSubmissionId)
    }
}
