import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import LetterboxForward
import Logging
import Synchronization
import NIOFoundationEssentialsCompat

/// A webhook receiver on 127.0.0.1 that checks every delivery as the Standard Webhooks
/// specification says (signature over id, timestamp and body; timestamp within 5 minutes),
/// and can be told to fail, stall, answer 429 with Retry-After, or 410.
final class Receiver: Sendable {
    enum Mode: Sendable, Equatable {
        case accept
        case fail(Int)
        case retryAfter(seconds: Int)
        case gone
        case stall(seconds: Double)
    }

    struct Delivery: Sendable {
        var id: String
        var type: String
        var caseReference: String
        var recordReference: String?
        var signatureValid: Bool
        var body: [String: any Sendable]
    }

    let keys: [Data]
    let mode = Mutex<Mode>(.accept)
    let received = Mutex<[Delivery]>([])
    let requests = Mutex(0)
    /// Runs when a delivery has been accepted, before the answer goes back.
    let onAccept = Mutex<(@Sendable () -> Void)?>(nil)
    let port: Int
    private let task: Task<Void, any Error>

    /// With `tls` (a PEM certificate chain and key), the receiver serves HTTPS.
    static func start(secret: String = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", port: Int = 0, tls: (cert: String, key: String)? = nil) async throws -> Receiver {
        let key = try StandardWebhooks.key(fromSecret: secret)
        let box = Mutex<Receiver?>(nil)
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            guard let receiver = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            return try await receiver.handle(request)
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "receiver")
        logger.logLevel = .critical
        var server = HTTPServerBuilder.http1()
        if let tls {
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(tls.cert).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: tls.key, format: .pem))
            )
            server = try .tls(.http1(), tlsConfiguration: configuration)
        }
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        let task = Task { try await app.runService() }
        var bound = 0
        for await value in ports {
            bound = value
            break
        }
        let receiver = Receiver(keys: [key], port: bound, task: task)
        box.withLock { $0 = receiver }
        return receiver
    }

    private init(keys: [Data], port: Int, task: Task<Void, any Error>) {
        self.keys = keys
        self.port = port
        self.task = task
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var httpsURL: String { "https://127.0.0.1:\(port)/hook" }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    func handle(_ request: Request) async throws -> Response {
        requests.withLock { $0 += 1 }
        let body = try await request.body.collect(upTo: 100 * 1024 * 1024)
        let data = Data(buffer: body)
        let id = request.headers[.init("webhook-id")!] ?? ""
        let timestamp = request.headers[.init("webhook-timestamp")!] ?? ""
        let signature = request.headers[.init("webhook-signature")!] ?? ""
        let valid = StandardWebhooks.verify(id: id, timestamp: timestamp, signatures: signature, body: data, keys: keys)
        switch mode.withLock({ $0 }) {
        case .accept: break
        case .fail(let status): return Response(status: .init(code: status))
        case .retryAfter(let seconds):
            return Response(status: .tooManyRequests, headers: [.retryAfter: String(seconds)])
        case .gone: return Response(status: .gone)
        case .stall(let seconds):
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        }
        guard valid else { return Response(status: .unauthorized) }
        let object = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        let payload = object["data"] as? [String: Any] ?? [:]
        let record = payload["record"] as? [String: Any]
        received.withLock {
            $0.append(
                Delivery(
                    id: id, type: object["type"] as? String ?? "", caseReference: payload["caseReference"] as? String ?? "",
                    recordReference: record?["reference"] as? String, signatureValid: valid,
                    body: (try? JSONSerialization.jsonObject(with: data) as? [String: any Sendable]) ?? [:]
                )
            )
        }
        onAccept.withLock { $0 }?()
        return Response(status: .noContent)
    }

    var deliveries: [Delivery] { received.withLock { $0 } }
}

/// A TCP listener that accepts each connection and resets it at once (SO_LINGER 0).
final class ResettingListener: @unchecked Sendable {
    let port: Int
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, 16)
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: bound.sin_port))
        Thread.detachNewThread {
            while true {
                let client = accept(fd, nil, nil)
                // Closed here, by the only thread that uses it: closed by `stop()`, its number
                // could be reused by another test before this loop calls accept again.
                if client < 0 { close(fd); return }
                var linger = Foundation.linger(l_onoff: 1, l_linger: 0)
                setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Foundation.linger>.size))
                close(client)
            }
        }
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
    }
}
