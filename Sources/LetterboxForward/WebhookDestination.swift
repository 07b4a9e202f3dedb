public import AsyncHTTPClient
public import Foundation
public import LetterboxStore
import LetterboxCore
import NIOCore
import NIOHTTP1

/// One signed POST per event (Standard Webhooks), to a URL from the configuration.
public struct WebhookDestination: Destination {
    public var name: String
    public var url: String
    /// The keys to sign with: the current secret, and during a rotation the previous one too.
    var keys: [Data]
    public var attachmentLimit: Int
    var client: HTTPClient
    var timeout: TimeInterval

    public init(name: String, url: String, keys: [Data], attachmentLimit: Int, client: HTTPClient, timeout: TimeInterval = 15) {
        self.name = name
        self.url = url
        self.keys = keys
        self.attachmentLimit = attachmentLimit
        self.client = client
        self.timeout = timeout
    }

    package func deliver(_ content: OutboxContent, store: any OutboxStore) async -> AttemptResult {
        let body = Self.body(content)
        let timestamp = Int64(Date().timeIntervalSince1970)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Letterbox")
        request.headers.add(name: "webhook-id", value: content.delivery.eventId)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(
            name: "webhook-signature", value: StandardWebhooks.signature(id: content.delivery.eventId, timestamp: timestamp, body: body, keys: keys)
        )
        request.body = .bytes(ByteBuffer(bytes: body))
        return await HTTPAttempt.send(request, client: client, timeout: timeout) { status, _ in
            status == 410 ? AttemptResult(.gone, status: status) : nil
        }
    }

    /// `{"type": ..., "timestamp": ..., "data": {"caseReference": ..., "record": {...}, "attachments": [...]}}`.
    /// The record is the stored document, as `letterbox export --format jsonl` writes it.
    public static func body(_ content: OutboxContent) -> Data {
        let delivery = content.delivery
        var data: [String: Any] = ["caseReference": delivery.caseReference, "eventId": delivery.eventId]
        for (key, value) in content.details { data[key] = value }
        if content.recordJSON != nil {
            data["attachments"] = content.files.map { file -> [String: Any] in
                var item: [String: Any] = [
                    "name": file.attachment.name, "mediaType": file.attachment.mediaType, "size": file.attachment.size,
                    "sha256": file.attachment.sha256,
                ]
                if let bytes = file.data { item["content"] = bytes.base64EncodedString() } else { item["contentOmitted"] = true }
                return item
            }
            data["attachmentsOmitted"] = content.filesOmitted
        }
        var envelope: [String: Any] = ["type": delivery.type.rawValue, "timestamp": Timestamp.string(delivery.createdAt)]
        envelope["data"] = data
        var json = (try? JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        // The record goes in as stored (already JSON), spliced into `data` rather than parsed and
        // re-encoded. Keys are sorted, so the envelope starts with `{"data":{`.
        if let record = content.recordJSON, let start = json.range(of: Data("\"data\":{".utf8)), start.lowerBound == json.startIndex + 1 {
            json.insert(contentsOf: Data("\"record\":".utf8) + Data(record.utf8) + Data(",".utf8), at: start.upperBound)
        }
        return json
    }
}

/// One HTTP request with the rules every HTTP destination shares: 2xx within the timeout is
/// success; 429 and 503 honour Retry-After; the answer is kept (trimmed) for `outbox show`.
enum HTTPAttempt {
    static func send(
        _ request: HTTPClientRequest, client: HTTPClient, timeout: TimeInterval,
        special: (Int, HTTPClientResponse) -> AttemptResult? = { _, _ in nil }
    ) async -> AttemptResult {
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            let status = Int(response.status.code)
            let answer = await readAnswer(response)
            if (200..<300).contains(status) { return AttemptResult(.delivered, status: status, answer: answer) }
            if let result = special(status, response) { return AttemptResult(result.outcome, status: status, answer: result.answer ?? answer) }
            let retryAfter = status == 429 || status == 503 ? RetryAfter.seconds(response.headers.first(name: "Retry-After")) : nil
            return .failure(answer.isEmpty ? "HTTP \(status)" : answer, status: status, retryAfter: retryAfter)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .failure("No answer within \(Int(timeout)) s.")
        } catch {
            return .failure("Could not deliver: \(error)")
        }
    }

    static func readAnswer(_ response: HTTPClientResponse) async -> String {
        var collected = ByteBuffer()
        do {
            for try await var chunk in response.body {
                if collected.readableBytes < 4096 { collected.writeBuffer(&chunk) }
            }
        } catch {}
        return String(buffer: collected)
    }
}
