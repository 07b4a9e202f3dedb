import ArgumentParser
import Configuration
import Foundation
import LetterboxCommands
import LetterboxCore
import LetterboxServer
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals
import Logging
import LetterboxStore
import LetterboxPostgres

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the feedback form, its JSON API and SMS gateway callbacks.",
        discussion: """
            Serves, on 127.0.0.1:8080 by default (put a TLS reverse proxy in front; see
            Samples/deploy/nginx-letterbox.conf):
              GET  /feedback            the feedback form (no JavaScript needed)
              POST /feedback            form posts (urlencoded or multipart, up to 5 files)
              POST /api/v1/feedback     the same as JSON; 201 with the reference
              POST /sms/{gateway}       SMS gateway callbacks (kannel, esendex, generic)
              POST /sms/{name}          Twilio inbound messages (profile: twilio)
              GET  /healthz, /readyz    alive; store writable
              GET  /metrics             Prometheus text (submissions, requests, the outbox)

            It also listens on the local delivery socket (server.localSocket; default the
            store's path with .sock added, owner-only), where the mail pipe (ingest email)
            hands its messages over instead of committing them itself.

            Each answer is given only after the submission is committed to the store.
            Gateways, authentication, limits and wording are set in letterbox.yaml (see
            Samples/letterbox.yaml). With watch.notes and watch.maildirs in the config,
            the same process also watches those folders. SIGTERM or SIGINT stops it after
            the requests in flight are answered.

            Examples:
              letterbox serve
              letterbox serve --host 0.0.0.0 --port 8081 --store \\
                  /var/lib/letterbox/letterbox.sqlite
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The address to listen on (server.host; default 127.0.0.1).")
    var host: String?

    @Option(help: "The port to listen on (server.port; default 8080; 0 picks a free one).")
    var port: Int?

    @Option(help: "Write the port actually listened on to this file once the server is ready (for scripts and tests).")
    var portFile: String?

    func run() async throws {
        try await reportingErrors {
            var overrides: [AbsoluteConfigKey: ConfigValue] = [:]
            if let host { overrides[["server", "host"]] = ConfigValue(.string(host), isSecret: false) }
            if let port { overrides[["server", "port"]] = ConfigValue(.int(port), isSecret: false) }
            let settings = try await Settings.load(storeOptions, overrides: overrides)
            let logger = settings.makeLogger()
            let configuration = try settings.serverConfiguration()
            let adapters = try settings.adapters(strict: true, serving: true, logger: logger)
            let store = try settings.openIntakeStore()
            try store.checkWritable()
            // One registry for /metrics: the server's own counters, and everything recorded through
            // swift-metrics (the forwarding worker, the watchers).
            let metrics = ServerMetrics()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
            let server = LetterboxServer(
                configuration: configuration,
                adapters: adapters,
                intake: settings.intake(backend: store, adapters: adapters),
                logger: logger,
                metrics: metrics
            )
            let portFile = self.portFile
            let app = server.application { port in
                logger.info("Listening on \(configuration.host):\(port) (store \(settings.storePath))")
                if let portFile {
                    try? Data("\(port)\n".utf8).write(to: URL(fileURLWithPath: portFile), options: .atomic)
                }
            }
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: app)]
            // The local delivery socket, for the mail pipe (owner-only: main set umask 077).
            var localSocket: String?
            if let socket = settings.localSocket {
                if let reason = Self.unusable(socket) {
                    logger.notice("No local delivery socket: \(reason). The mail pipe commits on its own.")
                } else {
                    localSocket = socket
                    // Optional: if it cannot bind (a folder it may not write in), the network
                    // port and the watchers go on, and the pipe commits on its own.
                    let local = OptionalService(server.localApplication(socketPath: socket), logger: logger) { error in
                        "The local delivery socket \(socket) stopped (\(error)); the network port goes on, and the mail pipe commits on its own."
                    }
                    services.append(.init(service: local, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore))
                }
            }
            services += try Watch.services(adapters: adapters, intake: server.intake, settings: settings, logger: logger)
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            )
            try await group.run()
            if let localSocket { unlink(localSocket) }
            logger.info("Stopped serving")
        }
    }
}

/// A service `serve` can run without: if it fails, a warning, and everything else goes on.
struct OptionalService: Service {
    let base: any Service
    let logger: Logger
    let message: @Sendable (any Error) -> String

    init(_ base: any Service, logger: Logger, message: @escaping @Sendable (any Error) -> String) {
        self.base = base
        self.logger = logger
        self.message = message
    }

    func run() async throws {
        do { try await base.run() } catch { logger.warning("\(message(error))") }
    }
}

extension Serve {
    /// Why the local delivery socket cannot be taken, or nil. A socket left by a server that
    /// stopped is taken over; one another server listens on is not.
    static func unusable(_ path: String) -> String? {
        guard path.utf8.count <= LocalDelivery.maxPathBytes else {
            return "its path is over \(LocalDelivery.maxPathBytes) bytes (\(path)); set server.localSocket to a shorter one"
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        guard info.st_mode & S_IFMT == S_IFSOCK else { return "\(path) exists and is not a socket" }
        return LocalDelivery.isListening(path) ? "another server is listening on \(path)" : nil
    }
}

extension Settings {
    /// The local delivery socket `serve` listens on and the mail pipe hands its messages to
    /// (server.localSocket; by default the SQLite store's path with `.sock` added; none for a
    /// PostgreSQL store unless set; "none" turns it off).
    var localSocket: String? {
        if let value = config.string(forKey: "server.localSocket") {
            let value = value.trimmingWhitespace()
            return value.isEmpty || value.lowercased() == "none" ? nil : value
        }
        return Self.defaultLocalSocket(storePath)
    }

    /// A list setting given as a YAML list or as one comma-separated string (environment variables).
    func list(_ key: String) -> [String] {
        Self.list(config, key)
    }

    static func list(_ config: ConfigReader, _ key: String) -> [String] {
        if let array = config.stringArray(forKey: ConfigKey(key)) { return array.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty } }
        guard let text = config.string(forKey: ConfigKey(key)) else { return [] }
        return text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// `serve`'s own settings: server.* and form.trustForwardedFor (each adapter reads its own
    /// section). Read only by the commands that need them, so a mistake there cannot stop a mail
    /// server's pipe.
    func serverConfiguration() throws -> ServerConfiguration {
        var server = ServerConfiguration()
        server.host = config.string(forKey: "server.host", default: server.host)
        server.port = config.int(forKey: "server.port", default: server.port)
        server.idleTimeout = config.int(forKey: "server.idleTimeoutSeconds", default: server.idleTimeout)
        server.commit.groupCommit = config.bool(forKey: "server.groupCommit", default: true)
        server.commit.maxBatch = max(1, config.int(forKey: "server.maxBatch", default: server.commit.maxBatch))
        server.trustForwardedFor = config.bool(forKey: "form.trustForwardedFor", default: false)
        server.maxBodyMemory = max(1 << 20, config.int(forKey: "server.maxBodyMemoryBytes", default: server.maxBodyMemory))
        return server
    }
}
