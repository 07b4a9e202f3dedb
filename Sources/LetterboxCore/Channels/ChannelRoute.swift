public import Foundation

/// One HTTP route of an adapter, served by `letterbox serve` through one hook.
///
/// The server reads the body up to ``maxBodyBytes`` (answering ``tooLarge`` beyond it), calls
/// ``handle`` with the request, and carries out the ``ChannelAction`` it returns: it decodes
/// the submission in the request handler (triage included, so the single writer only
/// commits), commits it through the group-commit queue, keeps refusals in quarantine, logs
/// authentication failures, and answers ``storeUnavailable`` (a 503) when the store cannot be
/// written. Those rules are written once, in the server, for every adapter.
public struct ChannelRoute: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    public var method: Method
    /// The path, `/sms/twilio`; a segment `:name` is a parameter (``ChannelRequest/parameters``).
    public var path: String
    /// The largest body the route reads. A declared Content-Length over it is answered
    /// ``tooLarge`` before a byte is read; a body without one is cut off there.
    public var maxBodyBytes: Int
    /// Lower limits for some media types (`application/x-www-form-urlencoded` needs far less
    /// than `multipart/form-data` with photos); the rest get ``maxBodyBytes``.
    public var maxBodyBytesByType: [String: Int]
    public var tooLarge: ChannelResponse
    public var storeUnavailable: ChannelResponse
    /// Served only on `serve`'s local delivery socket (owner-only, on this machine), never on
    /// the network port: the mail pipe hands its message over it.
    public var localOnly: Bool
    public var handle: @Sendable (ChannelRequest) async -> ChannelAction

    public init(
        _ method: Method,
        _ path: String,
        maxBodyBytes: Int,
        maxBodyBytesByType: [String: Int] = [:],
        tooLarge: ChannelResponse? = nil,
        storeUnavailable: ChannelResponse? = nil,
        localOnly: Bool = false,
        handle: @escaping @Sendable (ChannelRequest) async -> ChannelAction
    ) {
        self.localOnly = localOnly
        self.method = method
        self.path = path
        self.maxBodyBytes = maxBodyBytes
        self.maxBodyBytesByType = Dictionary(maxBodyBytesByType.map { ($0.key.lowercased(), min($0.value, maxBodyBytes)) }) { a, _ in a }
        self.tooLarge = tooLarge ?? .text(413, "The body is over \(maxBodyBytes) bytes.\n")
        self.storeUnavailable = storeUnavailable ?? .text(503, "The store cannot be written just now; please retry.\n", retryAfter: ChannelResponse.storeRetryAfter)
        self.handle = handle
    }
}

extension ChannelRoute {
    /// The limit for a body of this Content-Type (parameters ignored).
    public func maxBodyBytes(contentType: String?) -> Int {
        guard let contentType, !maxBodyBytesByType.isEmpty else { return maxBodyBytes }
        return maxBodyBytesByType[ChannelRequest.mediaType(contentType)] ?? maxBodyBytes
    }
}

/// What an adapter's route is given.
public struct ChannelRequest: Sendable {
    public var method: ChannelRoute.Method
    public var path: String
    /// Path parameters (`:gateway`).
    public var parameters: [String: String]
    /// The URL's query, decoded.
    public var query: [String: String]
    /// Header names in lower case; repeated headers joined with ", ".
    public var headers: [String: String]
    public var body: Data
    /// The client's address (from X-Forwarded-For when the server is told to trust it).
    public var clientAddress: String
    /// The server's request id, also in the log line and the X-Request-Id answer.
    public var requestID: String
    public var receivedAt: Date

    public init(
        method: ChannelRoute.Method, path: String, parameters: [String: String] = [:], query: [String: String] = [:],
        headers: [String: String] = [:], body: Data = Data(), clientAddress: String = "unknown", requestID: String = "",
        receivedAt: Date = Date()
    ) {
        self.method = method
        self.path = path
        self.parameters = parameters
        self.query = query
        self.headers = headers
        self.body = body
        self.clientAddress = clientAddress
        self.requestID = requestID
        self.receivedAt = receivedAt
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The Content-Type without its parameters, in lower case (`text/xml`).
    public var mediaType: String? {
        header("content-type").map(Self.mediaType)
    }

    /// A Content-Type's media type: without its parameters, in lower case.
    public static func mediaType(_ contentType: String) -> String {
        // (Foundation's trimmingCharacters(in:) was about 1% of serve's CPU on SMS callbacks.)
        (contentType.split(separator: ";").first ?? "").trimmingWhitespace().lowercased()
    }
}

/// An answer: a status, headers and a body.
public struct ChannelResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Seconds a client is asked to wait when the store cannot be written.
    public static let storeRetryAfter = 30

    public static func text(_ status: Int, _ text: String, retryAfter: Int? = nil) -> ChannelResponse {
        var headers = ["Content-Type": "text/plain; charset=utf-8"]
        if let retryAfter { headers["Retry-After"] = String(retryAfter) }
        return ChannelResponse(status: status, headers: headers, body: Data(text.utf8))
    }

    /// No body at all (Kannel turns any body into a text to the tenant).
    public static func empty(_ status: Int) -> ChannelResponse {
        ChannelResponse(status: status, headers: ["Content-Length": "0"])
    }

    public static func json(_ status: Int, _ object: [String: any Sendable], retryAfter: Int? = nil) -> ChannelResponse {
        var headers = ["Content-Type": "application/json; charset=utf-8"]
        if let retryAfter { headers["Retry-After"] = String(retryAfter) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return ChannelResponse(status: status, headers: headers, body: data)
    }
}

/// What the server is to do with a request.
public enum ChannelAction: Sendable {
    /// Answer now; nothing is stored (a form page, a form with fields to correct).
    case respond(ChannelResponse)
    /// Store the submission, decoding it here unless `decoded` is given (the route has
    /// already read it), then answer from the committed outcome.
    case commit(RawSubmission, decoded: Decoded? = nil, answer: @Sendable (IntakeOutcome) -> ChannelResponse)
    /// Keep the submission in quarantine with the reason, then answer.
    case quarantine(RawSubmission, IntakeError, answer: ChannelResponse)
    /// The request failed authentication: the server logs a warning (without the body), keeps
    /// the submission in quarantine with the reason (so a mistyped secret loses no text), and
    /// answers.
    case unauthenticated(RawSubmission, IntakeError, answer: ChannelResponse)
}
