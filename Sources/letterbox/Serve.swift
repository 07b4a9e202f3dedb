import ArgumentParser
import Configuration
import Foundation
import LetterboxCore
import LetterboxServer
import LetterboxSMS
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP service: the feedback form, its JSON API and SMS gateway callbacks.",
        discussion: """
            Serves, on 127.0.0.1:8080 by default (put a TLS reverse proxy in front; see
            Samples/deploy/nginx-letterbox.conf):
              GET  /feedback            the feedback form (no JavaScript needed)
              POST /feedback            form posts (urlencoded or multipart, up to 5 files)
              POST /api/v1/feedback     the same as JSON; 201 with the reference
              POST /sms/{gateway}       SMS gateway callbacks (profiles: kannel, esendex, generic)
              GET  /healthz, /readyz    alive; store writable
              GET  /metrics             Prometheus text (submissions, requests, the outbox)

            Each answer is given only after the submission is committed to the store. Gateways,
            authentication, limits and wording are set in letterbox.yaml (see Samples/letterbox.yaml).
            With watch.notes and watch.maildirs in the config, the same process also watches those
            folders. SIGTERM or SIGINT stops it after the requests in flight are answered.

            Examples:
              letterbox serve
              letterbox serve --host 0.0.0.0 --port 8081 --store /var/lib/letterbox/letterbox.sqlite
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
            let store = try settings.openStore()
            try store.checkWritable()
            // One registry for /metrics: the server's own counters, and everything recorded through
            // swift-metrics (the forwarding worker, the watchers).
            let metrics = ServerMetrics()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
            let server = LetterboxServer(
                configuration: configuration,
                store: store,
                intake: settings.intake(store: store, extra: LetterboxServer.decoders(for: configuration)),
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
            let notes = settings.config.string(forKey: "watch.notes").flatMap { $0.isEmpty ? nil : $0 }
            services += try Watch.services(notes: notes, maildirs: settings.list("watch.maildirs"), settings: settings, store: store, logger: logger)
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            )
            try await group.run()
            logger.info("Stopped serving")
        }
    }
}

extension Settings {
    /// A list setting given as a YAML list or as one comma-separated string (environment variables).
    func list(_ key: String) -> [String] {
        Self.list(config, key)
    }

    static func list(_ config: ConfigReader, _ key: String) -> [String] {
        if let array = config.stringArray(forKey: ConfigKey(key)) { return array.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty } }
        guard let text = config.string(forKey: ConfigKey(key)) else { return [] }
        return text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// `serve`'s settings: server.*, sms.*, form.* (README, "Configuration"). Read only by the
    /// commands that need them, so a mistake there cannot stop a mail server's pipe.
    func serverConfiguration() throws -> ServerConfiguration {
        try Self.serverConfiguration(config)
    }

    static func serverConfiguration(_ config: ConfigReader) throws -> ServerConfiguration {
        var server = ServerConfiguration()
        server.host = config.string(forKey: "server.host", default: server.host)
        server.port = config.int(forKey: "server.port", default: server.port)
        server.idleTimeout = config.int(forKey: "server.idleTimeoutSeconds", default: server.idleTimeout)
        server.commit.groupCommit = config.bool(forKey: "server.groupCommit", default: true)
        server.commit.maxBatch = max(1, config.int(forKey: "server.maxBatch", default: server.commit.maxBatch))

        var gateways: [String: ServerConfiguration.Gateway] = [:]
        let names = list(config, "sms.gateways")
        for name in names.isEmpty ? ["kannel", "esendex"] : names {
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw CLIError(.config, "The SMS gateway name \"\(name)\" may only have letters, digits, - and _ (it is part of the URL).")
            }
            gateways[name] = try gateway(config, name)
        }
        server.gateways = gateways
        server.partTimeout = config.double(forKey: "sms.partTimeoutSeconds", default: server.partTimeout)

        server.formLimits.maxAttachments = config.int(forKey: "form.maxAttachments", default: server.formLimits.maxAttachments)
        server.formLimits.maxAttachmentBytes = config.int(forKey: "form.maxAttachmentBytes", default: server.formLimits.maxAttachmentBytes)
        server.rateLimit = config.int(forKey: "form.rateLimit", default: server.rateLimit)
        server.rateWindow = config.double(forKey: "form.rateWindowSeconds", default: server.rateWindow)
        server.trustForwardedFor = config.bool(forKey: "form.trustForwardedFor", default: false)
        server.tokenSecret = config.string(forKey: "form.tokenSecret", isSecret: true).map { Data($0.utf8) }
        server.wording.organisation = config.string(forKey: "form.organisation", default: server.wording.organisation)
        server.wording.acknowledgement = config.string(forKey: "form.acknowledgement", default: server.wording.acknowledgement)
        server.wording.nextSteps = config.string(forKey: "form.nextSteps", default: server.wording.nextSteps)
        return server
    }

    static func gateway(_ config: ConfigReader, _ name: String) throws -> ServerConfiguration.Gateway {
        let prefix = "sms.\(name)."
        func value(_ key: String, secret: Bool = false) -> String? {
            config.string(forKey: ConfigKey(prefix + key), isSecret: secret).flatMap { $0.isEmpty ? nil : $0 }
        }
        func required(_ key: String, secret: Bool = false) throws -> String {
            guard let found = value(key, secret: secret) else {
                throw CLIError(.config, "The SMS gateway \(name) needs \(prefix)\(key).")
            }
            return found
        }
        let profileName = value("profile") ?? name
        let profile: SMSProfile
        switch profileName {
        case "kannel": profile = .kannel
        case "esendex": profile = .esendex
        case "generic":
            var namespaces: [String: String] = [:]
            for pair in list(config, prefix + "namespaces") {
                let halves = pair.split(separator: "=", maxSplits: 1).map(String.init)
                if halves.count == 2 { namespaces[halves[0]] = halves[1] }
            }
            profile = .generic(
                GenericSMSProfile(
                    messageID: value("xpath.messageId"),
                    from: try required("xpath.from"),
                    to: value("xpath.to"),
                    text: try required("xpath.text"),
                    time: value("xpath.time"),
                    inboundWhen: value("xpath.inboundWhen"),
                    namespaces: namespaces
                )
            )
        default:
            throw CLIError(.config, "The SMS gateway \(name) has profile \"\(profileName)\"; use kannel, esendex or generic.")
        }
        let auth: CallbackAuth
        switch value("auth") ?? "none" {
        case "none": auth = .none
        case "basic": auth = .basic(username: try required("username"), password: try required("password", secret: true))
        case "header": auth = .header(name: value("header") ?? "X-Letterbox-Secret", secret: try required("secret", secret: true))
        case "query": auth = .query(parameter: value("parameter") ?? "key", secret: try required("secret", secret: true))
        case "hmac": auth = .hmacSHA256(header: value("header") ?? "X-Letterbox-Signature", secret: try required("secret", secret: true))
        case let other:
            throw CLIError(.config, "The SMS gateway \(name) has auth \"\(other)\"; use none, basic, header, query or hmac.")
        }
        return ServerConfiguration.Gateway(profile: profile, auth: auth)
    }
}
