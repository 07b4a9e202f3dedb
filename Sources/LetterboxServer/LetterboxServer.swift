import Foundation
public import Hummingbird
public import LetterboxCore
import LetterboxSMS
public import LetterboxStore
import LetterboxWebForm
public import Logging
import ServiceLifecycle
import HTTPTypes
import NIOCore

/// The request context: Hummingbird's, plus the client's address for the form's rate limit.
public struct LetterboxRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies are read by each route with its own limit.
    public var maxUploadSize: Int { 256 * 1024 }
}

/// `letterbox serve`: the feedback form, its JSON API, SMS gateway callbacks, and health and
/// metrics endpoints, on Hummingbird. Every submission goes through the same pipeline as the
/// other channels (raw bytes first), by way of the group-commit queue.
///
/// ```swift
/// let server = LetterboxServer(configuration: configuration, store: store, intake: intake, logger: logger)
/// let app = server.application()
/// try await app.runService()
/// ```
public final class LetterboxServer: Sendable {
    public let configuration: ServerConfiguration
    public let store: SQLiteCaseStore
    public let queue: CommitQueue
    public let metrics: ServerMetrics
    let logger: Logger
    let tokens: FormTokens
    let limiter: RateLimiter
    let page: FormPage
    let parts: LongTextParts
    let decoder: SMSDecoder

    public init(configuration: ServerConfiguration, store: SQLiteCaseStore, intake: Intake, logger: Logger, metrics: ServerMetrics = ServerMetrics()) {
        self.metrics = metrics
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.tokens = FormTokens(secret: configuration.tokenSecret)
        self.limiter = RateLimiter(limit: configuration.rateLimit, window: configuration.rateWindow)
        self.page = FormPage(wording: configuration.wording, limits: configuration.formLimits)
        self.decoder = SMSDecoder(gateways: configuration.gateways.mapValues(\.profile))
        let metrics = self.metrics
        let parts = LongTextParts(store: store, intake: intake, timeout: configuration.partTimeout, logger: logger, metrics: metrics)
        self.parts = parts
        self.queue = CommitQueue(intake: intake, options: configuration.commit, logger: logger) { submissions, outcomes in
            for (submission, outcome) in zip(submissions, outcomes) {
                metrics.recordSubmission(channel: submission.channel.rawValue, disposition: outcome.disposition.rawValue)
            }
            parts.afterCommit(submissions, outcomes)
        }
        // Long texts whose parts stopped coming: checked a few times per wait, at most each minute.
        queue.every(min(60, max(0.5, configuration.partTimeout / 4))) { parts.sweep() }
    }

    /// The decoders `serve` installs for its own channels, from the configuration.
    public static func decoders(for configuration: ServerConfiguration) -> [any SubmissionDecoder] {
        [
            SMSDecoder(gateways: configuration.gateways.mapValues(\.profile)),
            WebFormDecoder(),
        ]
    }

    /// The Hummingbird application, ready to run as a service.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: LetterboxRequestContext.self)
        router.middlewares.add(RequestLogMiddleware(metrics: metrics))
        addRoutes(router)
        for (name, gateway) in configuration.gateways.sorted(by: { $0.key < $1.key }) where gateway.auth == .none {
            logger.warning("SMS gateway \(name) has no callback authentication: allow only the gateway's address at the reverse proxy, or set sms.\(name).auth")
        }
        queue.start()
        let queue = self.queue
        return Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.idleTimeout)))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "letterbox"),
            services: [CommitQueueService(queue: queue)],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    func addRoutes(_ router: Router<LetterboxRequestContext>) {
        router.get("/healthz") { _, _ in Self.text(.ok, "ok\n") }
        router.get("/readyz") { _, _ in
            do {
                try await self.checkWritable()
                return Self.text(.ok, "ready\n")
            } catch {
                return Self.text(.serviceUnavailable, "not ready: the store cannot be written\n", retryAfter: 30)
            }
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: self.metrics.prometheusText()))
            )
        }
        router.get("/feedback") { _, _ in self.html(.ok, self.page.form(token: self.tokens.issue())) }
        router.post("/feedback") { request, context in try await self.postForm(request, context) }
        router.post("/api/v1/feedback") { request, context in try await self.postJSON(request, context) }
        router.post("/sms/:gateway") { request, context in try await self.postSMS(request, context) }
    }

    private func checkWritable() async throws {
        let store = self.store
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async {
                do {
                    try store.checkWritable()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    // MARK: Responses

    static func text(_ status: HTTPResponse.Status, _ text: String, retryAfter: Int? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Kannel turns any response body into a text to the tenant, and Esendex wants 200: an
    /// accepted callback gets 200 with nothing in it.
    static func empty(_ status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentLength: "0"])
    }

    func html(_ status: HTTPResponse.Status, _ html: String, retryAfter: Int? = nil) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            .init("X-Content-Type-Options")!: "nosniff",
            .init("Referrer-Policy")!: "no-referrer",
        ]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: any Sendable], retryAfter: Int? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A store that cannot be written: 503 with Retry-After, so a gateway retries and a person
    /// is told to try again, instead of anything being dropped silently.
    static let storeRetryAfter = 30

    /// Reads a body up to a limit: nil (after answering 413) when it is larger. A declared
    /// Content-Length over the limit is refused before anything is read.
    static func body(_ request: Request, limit: Int) async throws -> Data? {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { return nil }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            return nil
        }
    }

    func clientAddress(_ request: Request, _ context: LetterboxRequestContext) -> String {
        if configuration.trustForwardedFor, let forwarded = request.headers[.init("X-Forwarded-For")!] {
            if let last = forwarded.split(separator: ",").last { return last.trimmingCharacters(in: .whitespaces) }
        }
        return context.remoteAddress ?? "unknown"
    }

    static func query(_ request: Request) -> [String: String] {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        return query
    }

    func metadata(_ context: LetterboxRequestContext, _ extra: [String: String]) -> [String: String] {
        var metadata = extra
        metadata["request-id"] = context.id
        return metadata
    }
}

/// Runs the commit queue's thread for the application's lifetime, and on shutdown lets it
/// finish the batch in hand after the server has answered its last request.
struct CommitQueueService: Service {
    let queue: CommitQueue

    func run() async throws {
        try? await gracefulShutdown()
        queue.stop()
    }
}

/// Logs each request at info with its request id, route, status and time (never the URL's
/// query, which can hold a gateway's secret, nor any body), and feeds the latency histogram.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = LetterboxRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let route = context.endpointPath ?? "unmatched"
            metrics.recordRequest(route: route, status: status, seconds: seconds)
            // The context's logger carries the request id (hb.request.id).
            context.logger.info("\(request.method) \(route) \(status) \(Int(seconds * 1000)) ms")
        }
        do {
            var response = try await next(request, context)
            response.headers[.init("X-Request-Id")!] = context.id
            status = response.status.code
            return response
        } catch let error as any HTTPResponseError {
            status = error.status.code
            throw error
        }
    }
}
