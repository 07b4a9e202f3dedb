import Foundation
import Hummingbird
import LetterboxCore
import LetterboxServer
import LetterboxStore
import LetterboxSMS
import LetterboxTesting
import LetterboxTwilio
import LetterboxWebForm
import Logging


/// What a test may change: the server's own settings and the adapters'.
struct HarnessConfiguration {
    var server = ServerConfiguration(port: 0)
    var gateways: [String: SMSAdapter.Gateway] = ["kannel": .init(profile: .kannel), "esendex": .init(profile: .esendex)]
    var twilio: [TwilioAdapter.Gateway] = []
    var partTimeout: TimeInterval = 1800
    var form = WebFormAdapter.Settings()

    var idleTimeout: Int {
        get { server.idleTimeout }
        set { server.idleTimeout = newValue }
    }
    var formLimits: FeedbackForm.Limits {
        get { form.limits }
        set { form.limits = newValue }
    }
    var rateLimit: Int {
        get { form.rateLimit }
        set { form.rateLimit = newValue }
    }

    var adapters: [any ChannelAdapter] {
        [SMSAdapter(gateways: gateways, partTimeout: partTimeout), WebFormAdapter(settings: form)]
            + (twilio.isEmpty ? [] : [TwilioAdapter(gateways: twilio)])
    }
}

/// A real `LetterboxServer` on 127.0.0.1 (a free port), over a real SQLite file or a real
/// PostgreSQL database, for one test, with the adapters' services (the sweep for long texts)
/// running beside it.
struct ServerHarness {
    let root: URL
    let store: any CaseStore
    let server: LetterboxServer
    let configuration: HarnessConfiguration
    let port: Int
    let task: Task<Void, any Error>
    let services: [Task<Void, any Error>]

    static func start(
        _ backend: Backend,
        _ configure: (inout HarnessConfiguration) -> Void = { _ in },
        storeOptions: SQLiteCaseStore.Options = .init()
    ) async throws -> ServerHarness {
        let root = try Fixtures.temporaryFolder("server")
        let store = try await Fixtures.offPool { try TestStores.make(backend, "server", options: storeOptions) }
        var configuration = HarnessConfiguration()
        configure(&configuration)
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["LETTERBOX_TEST_LOG"] == nil ? .critical : .debug
        let adapters = configuration.adapters
        let server = LetterboxServer(configuration: configuration.server, adapters: adapters, intake: Intake(backend: store, adapters: adapters), logger: logger)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = server.application { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task { try await app.runService() }
        let context = ChannelServiceContext(pipeline: server.intake, logger: logger) { _, _, _ in }
        let services = try adapters.flatMap { try $0.services(context) }.map { service in Task { try await service.run() } }
        var port = 0
        for await value in ports {
            port = value
            break
        }
        return ServerHarness(root: root, store: store, server: server, configuration: configuration, port: port, task: task, services: services)
    }

    func stop() async {
        for service in services { service.cancel() }
        task.cancel()
        _ = await task.result
        for service in services { _ = await service.result }
    }

    typealias Reply = HTTPReply

    /// One HTTP/1.1 exchange over a plain socket (Connection: close). A hand-written client,
    /// so that nothing (a 401 challenge, a redirect, a retry) is handled behind the test's back.
    func request(
        _ method: String,
        _ path: String,
        body: Data? = nil,
        contentType: String? = nil,
        headers: [String: String] = [:]
    ) async throws -> Reply {
        let port = self.port
        let bytes = RawHTTP.request(method, path, port: port, body: body, contentType: contentType, headers: headers)
        // Blocking socket calls on a thread of their own: the cooperative pool (two threads on
        // this machine) also runs the server's handlers.
        let raw = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try RawHTTP.exchange(port: port, bytes: bytes) })
            }
            thread.start()
        }
        return try RawHTTP.parse(raw)
    }

    func postXML(_ path: String, _ body: Data, headers: [String: String] = [:]) async throws -> Reply {
        try await request("POST", path, body: body, contentType: "text/xml", headers: headers)
    }

    func postForm(_ fields: [(String, String)], path: String = "/feedback", headers: [String: String] = [:]) async throws -> Reply {
        try await request("POST", path, body: Data(Self.urlEncoded(fields).utf8), contentType: "application/x-www-form-urlencoded", headers: headers)
    }

    static func urlEncoded(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return fields.map { name, value in
            let encode = { (text: String) in
                (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
            }
            return encode(name) + "=" + encode(value)
        }.joined(separator: "&")
    }

    static func multipart(boundary: String, fields: [(String, String)], files: [(field: String, name: String, type: String, data: Data)] = []) -> Data {
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for file in files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return body
    }

    /// A sample gateway callback from Samples/sms (the captured originals in ../shared/corpora
    /// are tested in SMSTests when that folder is on the machine).
    func corpus(_ name: String) throws -> Data {
        try Data(contentsOf: Fixtures.samples("sms").appendingPathComponent(name))
    }

    /// The token in a form page.
    static func token(in html: String) -> String? {
        guard let range = html.range(of: "name=\"token\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func reference(in html: String) -> String? {
        guard let range = html.range(of: #"LB-\d{4}-\d{6}"#, options: .regularExpression) else { return nil }
        return String(html[range])
    }
}
