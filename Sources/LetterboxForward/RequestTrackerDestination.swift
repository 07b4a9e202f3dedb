public import AsyncHTTPClient
public import Foundation
package import LetterboxStore
import NIOCore
import NIOHTTP1
import Synchronization
import LetterboxCore

/// Request Tracker 5 through REST 2: a case becomes one ticket; a later record on the case is
/// correspondence on it; a triage correction, a join or a merge is a comment; closing and
/// reopening set the ticket's status.
///
/// RT has no idempotency key, and a custom field set to unique values does not stop a second
/// ticket with the same value, so before creating a ticket Letterbox searches for the case's
/// reference, and keeps the ticket id as soon as it has one.
public struct RequestTrackerDestination: Destination {
    public enum Auth: Sendable {
        case token(String)
        case basic(user: String, password: String)
    }

    /// Custom field names Letterbox fills when the queue has them.
    public struct CustomFieldNames: Sendable {
        public var reference = "Letterbox reference"
        public var channel = "Channel"
        public var kind = "Kind"
        public init() {}
    }

    public var name: String
    /// The RT base URL (REST 2 is under `/REST/2.0`).
    public var url: String
    public var queue: String
    var auth: Auth
    public var customFields: CustomFieldNames
    public var attachmentLimit: Int
    var client: HTTPClient
    var timeout: TimeInterval
    /// The queue's custom fields, by name (read once per process).
    private let queueFields = QueueFieldCache()

    public init(
        name: String, url: String, queue: String, auth: Auth, customFields: CustomFieldNames = CustomFieldNames(), attachmentLimit: Int,
        client: HTTPClient, timeout: TimeInterval = 15
    ) {
        self.name = name
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.queue = queue
        self.auth = auth
        self.customFields = customFields
        self.attachmentLimit = attachmentLimit
        self.client = client
        self.timeout = timeout
    }

    struct Failure: Error {
        var result: AttemptResult
    }

    package func deliver(_ content: OutboxContent, store: any OutboxStore) async -> AttemptResult {
        do {
            let delivery = content.delivery
            switch delivery.type {
            case .recordCreated:
                _ = try await ticket(for: content, store: store, createWith: content)
                return AttemptResult(.delivered, status: 201, answer: "Ticket for \(delivery.caseReference).")
            case .recordLinked:
                // The case's ticket (made now if the case reached RT some other way, or not at all).
                let (id, created) = try await ticket(for: content, store: store, createWith: content)
                if created { return AttemptResult(.delivered, status: 201, answer: "Ticket \(id) created for \(delivery.caseReference).") }
                return try await post(content, to: id, action: "correspond")
            case .triageCorrected, .contactMerged, .caseJoined:
                var last = AttemptResult(.delivered, answer: "No ticket to comment on.")
                for id in try await tickets(commentedOn: content, store: store) {
                    last = try await post(content, to: id, action: "comment")
                }
                return last
            case .caseClosed, .caseReopened:
                guard let id = try await existingTicket(caseId: delivery.caseId, reference: delivery.caseReference, store: store) else {
                    return AttemptResult(.delivered, answer: "No ticket for \(delivery.caseReference) in RT; nothing to change.")
                }
                _ = try await post(content, to: id, action: "comment")
                let status = delivery.type == .caseClosed ? "resolved" : "open"
                let (code, answer) = try await send(.PUT, "/ticket/\(id)", json: ["Status": status])
                guard (200..<300).contains(code) else { throw Failure(result: .failure(answer, status: code)) }
                return AttemptResult(.delivered, status: code, answer: answer)
            }
        } catch let failure as Failure {
            return failure.result
        } catch {
            return .failure("Request Tracker could not be reached: \(error)")
        }
    }

    // MARK: Tickets

    /// The case's ticket: the one kept from before, else one found by searching for the
    /// reference, else a new one. Returns its id and whether it was created now.
    func ticket(for content: OutboxContent, store: any OutboxStore, createWith: OutboxContent) async throws -> (String, Bool) {
        let delivery = content.delivery
        if let id = try await existingTicket(caseId: delivery.caseId, reference: delivery.caseReference, store: store) { return (id, false) }
        let fields = try await queueCustomFields()
        var ticket: [String: Any] = [
            "Queue": queue,
            "Subject": EventText.subject(content),
            "Content": EventText.body(content) + "\nLetterbox event \(delivery.eventId)\n",
            "ContentType": "text/plain",
        ]
        if let email = content.record?.contact.email { ticket["Requestor"] = email }
        // RT has one Due date: a hazard clock (24 hours, 10 working days) comes first, then the response.
        if let record = content.record, let due = record.dueDates?.hazardClocks.map(\.dueBy).min() ?? record.respondBy ?? record.acknowledgeBy {
            ticket["Due"] = Self.rtDate(due)
        }
        var custom: [String: String] = [:]
        if fields.contains(customFields.reference) { custom[customFields.reference] = delivery.caseReference }
        if let record = content.record {
            if fields.contains(customFields.channel) { custom[customFields.channel] = record.channel.rawValue }
            if fields.contains(customFields.kind), let kind = record.kind { custom[customFields.kind] = kind.rawValue }
        }
        if !custom.isEmpty { ticket["CustomFields"] = custom }
        let attachments = Self.attachments(content)
        if !attachments.isEmpty { ticket["Attachments"] = attachments }
        let (code, answer) = try await send(.POST, "/ticket", json: ticket)
        guard code == 201, let id = Self.id(in: answer) else {
            var message = "Request Tracker did not create the ticket for \(delivery.caseReference) (HTTP \(code)): \(answer)"
            if code == 403 || answer.localizedCaseInsensitiveContains("queue") {
                message += " Check that the queue \"\(queue)\" (forward.\(name).queue) exists and that Letterbox's RT user may create tickets in it."
            }
            throw Failure(result: .failure(message, status: code))
        }
        try store.saveRemoteId(id, destination: name, caseId: delivery.caseId)
        return (id, true)
    }

    /// The ticket kept for the case, or found in RT by its reference (and then kept).
    func existingTicket(caseId: Int64, reference: String, store: any OutboxStore) async throws -> String? {
        if let id = try store.remoteId(destination: name, caseId: caseId) { return id }
        guard !reference.isEmpty else { return nil }
        let fields = try await queueCustomFields()
        // The subject always carries the reference; the custom field may not (RT 5 drops a value
        // that fails the field's validation and still answers 201), so both are searched.
        var query = "Queue = '\(Self.quoted(queue))' AND (Subject LIKE '[\(Self.quoted(reference))]'"
        if fields.contains(customFields.reference) { query += " OR 'CF.{\(customFields.reference)}' = '\(Self.quoted(reference))'" }
        query += ")"
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "query", value: query), URLQueryItem(name: "orderby", value: "id")]
        let (code, answer) = try await send(.GET, "/tickets?" + (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B"))
        guard code == 200 else { throw Failure(result: .failure("Searching Request Tracker for \(reference) failed (HTTP \(code)): \(answer)", status: code)) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any],
            let items = object["items"] as? [[String: Any]], let first = items.first, let id = first["id"].map({ "\($0)" })
        else { return nil }
        try store.saveRemoteId(id, destination: name, caseId: caseId)
        return id
    }

    /// The tickets a comment goes on: the event's case, and for a join or a merge the others named.
    func tickets(commentedOn content: OutboxContent, store: any OutboxStore) async throws -> [String] {
        let delivery = content.delivery
        var ids: [String] = []
        if let id = try await existingTicket(caseId: delivery.caseId, reference: delivery.caseReference, store: store) { ids.append(id) }
        let details = content.details
        var others: [String] = []
        if let into = details["intoCase"] as? String { others.append(into) }
        if let cases = details["openCases"] as? [String] { others += cases }
        for reference in others where reference != delivery.caseReference {
            if let caseId = try store.caseId(reference: reference),
                let id = try await existingTicket(caseId: caseId, reference: reference, store: store), !ids.contains(id)
            {
                ids.append(id)
            }
        }
        return ids
    }

    func post(_ content: OutboxContent, to ticket: String, action: String) async throws -> AttemptResult {
        // Every message carries its event id, so a retry after a worker died mid-send can tell
        // whether RT already has it (RT has no idempotency key).
        let marker = "Letterbox event \(content.delivery.eventId)"
        if content.delivery.mayHaveBeenSent, try await ticketHas(ticket, marker: marker) {
            return AttemptResult(.delivered, status: 200, answer: "Already on ticket \(ticket) (\(marker)); not sent again.")
        }
        var message: [String: Any] = [
            "Content": EventText.body(content) + "\n\(marker)\n", "ContentType": "text/plain", "Subject": EventText.subject(content),
        ]
        let attachments = action == "correspond" ? Self.attachments(content) : []
        if !attachments.isEmpty { message["Attachments"] = attachments }
        let (code, answer) = try await send(.POST, "/ticket/\(ticket)/\(action)", json: message)
        guard (200..<300).contains(code) else {
            throw Failure(result: .failure("Request Tracker refused the \(action) on ticket \(ticket) (HTTP \(code)): \(answer)", status: code))
        }
        return AttemptResult(.delivered, status: code, answer: answer)
    }

    /// Whether one of the ticket's latest messages carries the marker.
    func ticketHas(_ ticket: String, marker: String) async throws -> Bool {
        let (code, answer) = try await send(.GET, "/ticket/\(ticket)/attachments?fields=Content&orderby=id&order=DESC&per_page=100")
        guard code == 200 else { throw Failure(result: .failure("Reading ticket \(ticket)'s messages failed (HTTP \(code)): \(answer)", status: code)) }
        return answer.contains(marker)
    }

    /// The names of the queue's ticket custom fields (empty when it has none, or they cannot be read).
    func queueCustomFields() async throws -> Set<String> {
        if let known = queueFields.names.withLock({ $0 }) { return known }
        let (code, answer) = try await send(.GET, "/queue/" + (queue.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? queue))
        guard code == 200 else {
            let message = code == 404 || code == 403
                ? "The queue \"\(queue)\" (forward.\(name).queue) does not exist in Request Tracker, or Letterbox's RT user cannot see it (HTTP \(code))."
                : "Request Tracker did not describe the queue \"\(queue)\" (HTTP \(code)): \(answer)"
            throw Failure(result: .failure(message, status: code))
        }
        var names = Set<String>()
        if let object = try? JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any],
            let fields = object["TicketCustomFields"] as? [[String: Any]]
        {
            for field in fields {
                if let name = field["name"] as? String ?? field["Name"] as? String {
                    names.insert(name)
                } else if let id = field["id"].map({ "\($0)" }) {
                    let (code, answer) = try await send(.GET, "/customfield/\(id)")
                    if code == 200, let object = try? JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any],
                        let name = object["Name"] as? String
                    {
                        names.insert(name)
                    }
                }
            }
        }
        queueFields.names.withLock { $0 = names }
        return names
    }

    // MARK: HTTP

    func send(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url + "/REST/2.0" + path)
        request.method = method
        switch auth {
        case .token(let token): request.headers.add(name: "Authorization", value: "token \(token)")
        case .basic(let user, let password):
            request.headers.add(name: "Authorization", value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        }
        request.headers.add(name: "Accept", value: "application/json")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])))
        }
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            let status = Int(response.status.code)
            let answer = await HTTPAttempt.readAnswer(response)
            if status == 429 || status == 503 {
                throw Failure(result: .failure(answer, status: status, retryAfter: RetryAfter.seconds(response.headers.first(name: "Retry-After"))))
            }
            if status == 401 {
                throw Failure(result: .failure("Request Tracker refused Letterbox's credentials (HTTP 401): check forward.\(name).token or user and password.", status: status))
            }
            return (status, answer)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw Failure(result: .failure("Request Tracker gave no answer within \(Int(timeout)) s."))
        }
    }

    static func attachments(_ content: OutboxContent) -> [[String: String]] {
        content.files.compactMap { file in
            file.data.map { ["FileName": file.attachment.name, "FileType": file.attachment.mediaType, "FileContent": $0.base64EncodedString()] }
        }
    }

    static func id(in answer: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any], let id = object["id"] else { return nil }
        return "\(id)"
    }

    /// TicketSQL string quoting.
    static func quoted(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
    }

    /// RT reads `YYYY-MM-DD HH:MM:SS` as UTC.
    static func rtDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}

/// The queue's custom field names, read once and shared by copies of the destination.
final class QueueFieldCache: Sendable {
    let names = Mutex<Set<String>?>(nil)
}
