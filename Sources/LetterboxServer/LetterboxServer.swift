import Foundation
public import Hummingbird
public import LetterboxCore
public import LetterboxStore
public import Logging
import HTTPTypes
import ServiceLifecycle
import NIOCore
import NIOFoundationCompat

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

/// `letterbox serve`: every adapter's HTTP routes (the feedback form and its JSON API, SMS
/// gateway callbacks, Twilio), and health and metrics endpoints, on Hummingbird. Every
/// submission goes through the same pipeline as the other channels (raw bytes first), by way
/// of the group-commit queue.
///
/// ```swift
/// let server = LetterboxServer(configuration: configuration, adapters: adapters, intake: intake, logger: logger)
/// let app = server.application()
/// try await app.runService()
/// ```
public final class LetterboxServer: Sendable {
    public let configuration: ServerConfiguration
    public let adapters: [any ChannelAdapter]
    let store: any IntakeStore
    public let intake: Intake
    public let queue: CommitQueue
    public let metrics: ServerMetrics
    /// Request bodies in memory, across all requests.
    public let bodies: BodyBudget
    let logger: Logger

    public init(configuration: ServerConfiguration, adapters: [any ChannelAdapter], intake: Intake, logger: Logger, metrics: ServerMetrics = ServerMetrics()) {
        self.metrics = metrics
        self.configuration = configuration
        self.adapters = adapters
        self.store = intake.backend
        self.logger = logger
        var intake = intake
        // Every committed submission is counted, the joined parts of long texts included.
        intake.observer = { submissions, outcomes in
            for (submission, outcome) in zip(submissions, outcomes) {
                metrics.recordSubmission(channel: submission.channel.rawValue, disposition: outcome.disposition.rawValue)
            }
        }
        self.intake = intake
        self.queue = CommitQueue(intake: intake, options: configuration.commit, logger: logger)
        self.bodies = BodyBudget(capacity: configuration.maxBodyMemory)
    }

    /// The Hummingbird application, ready to run as a service.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: LetterboxRequestContext.self)
        router.middlewares.add(RequestLogMiddleware(metrics: metrics))
        addRoutes(router, local: false)
        for adapter in adapters {
            for warning in adapter.startupWarnings { logger.warning("\(warning)") }
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

    /// The local delivery socket's application: the adapters' local-only routes (the mail
    /// pipe's hand-over) and /healthz, on a Unix socket, committing through the same queue as
    /// ``application(onServerRunning:)``, which must run beside it. The socket is created
    /// owner-only (`umask` 077 for the bind, then `chmod` 600): whoever may write the store may
    /// deliver, and nobody else.
    public func localApplication(socketPath: String) -> some ApplicationProtocol {
        let router = Router(context: LetterboxRequestContext.self)
        router.middlewares.add(RequestLogMiddleware(metrics: metrics))
        addRoutes(router, local: true)
        let logger = self.logger
        return Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.idleTimeout)))),
            configuration: .init(address: .unixDomainSocket(path: socketPath), serverName: "letterbox"),
            onServerRunning: { _ in
                if chmod(socketPath, 0o600) != 0 { logger.warning("Could not make the local delivery socket \(socketPath) owner-only") }
                logger.info("Local delivery on \(socketPath) (the mail pipe hands its messages here)")
            },
            logger: logger
        )
    }

    /// The routes of the network port (`local` false) or of the local delivery socket.
    func addRoutes(_ router: Router<LetterboxRequestContext>, local: Bool) {
        router.get("/healthz") { _, _ in Self.text(.ok, "ok\n") }
        if local {
            for adapter in adapters {
                for route in adapter.routes where route.localOnly { add(route, adapter: adapter.name, to: router) }
            }
            return
        }
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
        for adapter in adapters {
            for route in adapter.routes where !route.localOnly { add(route, adapter: adapter.name, to: router) }
        }
    }

    private func add(_ route: ChannelRoute, adapter name: String, to router: Router<LetterboxRequestContext>) {
        let handler: @Sendable (Request, LetterboxRequestContext) async throws -> Response = { request, context in
            try await self.serve(route, adapter: name, request, context)
        }
        switch route.method {
        case .get: router.get(RouterPath(route.path), use: handler)
        case .post: router.post(RouterPath(route.path), use: handler)
        }
    }

    /// The one hook every adapter's routes go through: the body limit, then the adapter's
    /// reading, then (written once, here) decoding and triage in the request handler, the
    /// commit, quarantine for refusals, and 503 when the store cannot be written.
    func serve(_ route: ChannelRoute, adapter: String, _ request: Request, _ context: LetterboxRequestContext) async throws -> Response {
        var body = Data()
        var held = 0
        defer { bodies.release(held) }
        if route.maxBodyBytes > 0 {
            let limit = route.maxBodyBytes(contentType: request.headers[.contentType])
            switch try await Self.body(request, limit: limit, budget: bodies) {
            case .read(let data, let reserved):
                body = data
                held = reserved
            case .tooLarge:
                return Self.closing(route.tooLarge)
            case .busy:
                context.logger.warning("Request bodies in memory are at server.maxBodyMemoryBytes (\(bodies.capacity)); answered 503")
                return Self.closing(route.storeUnavailable)
            }
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        var parameters: [String: String] = [:]
        for (key, value) in context.parameters { parameters[String(key)] = String(value) }
        let channelRequest = ChannelRequest(
            method: route.method, path: request.uri.path, parameters: parameters, query: Self.query(request), headers: headers, body: body,
            clientAddress: clientAddress(request, context), requestID: context.id, receivedAt: Date()
        )
        func stamped(_ submission: RawSubmission) -> RawSubmission {
            var submission = submission
            if submission.metadata[RawSubmission.adapterKey] == nil { submission.metadata[RawSubmission.adapterKey] = adapter }
            return submission
        }
        switch await route.handle(channelRequest) {
        case .respond(let response):
            return Self.response(response)
        case .commit(let submission, let decoded, let answer):
            let submission = stamped(submission)
            // Decoded here, on the request's own thread: the commit thread only writes.
            let reading = decoded.map { .success(intake.completed($0, receivedAt: submission.receivedAt)) } ?? intake.decodeOnly(submission)
            guard let outcome = try await commit(submission, reading) else { return Self.response(route.storeUnavailable) }
            return Self.response(answer(outcome))
        case .quarantine(let submission, let refusal, let answer):
            guard try await commit(stamped(submission), .failure(refusal)) != nil else { return Self.response(route.storeUnavailable) }
            return Self.response(answer)
        case .unauthenticated(let submission, let refusal, let answer):
            context.logger.warning("A request to \(route.path) (\(adapter)) failed authentication; kept in quarantine")
            guard try await commit(stamped(submission), .failure(refusal)) != nil else { return Self.response(route.storeUnavailable) }
            return Self.response(answer)
        }
    }

    /// Commits through the queue; nil when the store cannot be written (answer 503).
    func commit(_ submission: RawSubmission, _ decoded: Result<Decoded, any Error>) async throws -> IntakeOutcome? {
        do {
            return try await queue.submit(submission, decoded: decoded)
        } catch let error as StoreError {
            logger.error("Store write failed: \(error.code)")
            return nil
        }
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
        response(.text(status.code, text, retryAfter: retryAfter))
    }

    /// An answer given before the body was read: the connection is closed after it, so the
    /// client stops sending instead of waiting for the server to read what it refused.
    static func closing(_ answer: ChannelResponse) -> Response {
        var answer = answer
        answer.headers["Connection"] = "close"
        return response(answer)
    }

    static func response(_ response: ChannelResponse) -> Response {
        var headers = HTTPFields()
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .init(code: response.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: response.body)))
    }

    enum BodyRead {
        /// The body, and the bytes of the budget it holds until the request is answered.
        case read(Data, reserved: Int)
        case tooLarge
        /// No room in the budget: nothing was read.
        case busy
    }

    /// Reads a body up to a limit, within the server's budget of bodies in memory. A declared
    /// Content-Length over the limit is refused before anything is read; its bytes are reserved
    /// up front, and a body without one reserves chunk by chunk.
    static func body(_ request: Request, limit: Int, budget: BodyBudget) async throws -> BodyRead {
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared, declared > limit { return .tooLarge }
        var reserved = 0
        var kept = false
        // Whatever is not handed on with the body goes back to the budget.
        defer { if !kept { budget.release(reserved) } }
        if let declared, declared > 0 {
            guard await budget.reserve(declared, patience: 2) else { return .busy }
            reserved = declared
        }
        var buffer = ByteBuffer()
        if let declared { buffer.reserveCapacity(declared) }
        for try await var chunk in request.body {
            guard buffer.readableBytes + chunk.readableBytes <= limit else { return .tooLarge }
            let needed = buffer.readableBytes + chunk.readableBytes - reserved
            if needed > 0 {
                guard await budget.reserve(needed, patience: 2) else { return .busy }
                reserved += needed
            }
            buffer.writeBuffer(&chunk)
        }
        kept = true
        // The Data shares the buffer's storage: the body is in memory once.
        return .read(Data(buffer: buffer, byteTransferStrategy: .noCopy), reserved: reserved)
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
