public import AsyncHTTPClient
public import Foundation
package import LetterboxStore
package import Logging
import NIOCore
import NIOSSL

/// The destinations from `forward.*` (README "Forwarding"), resolved by the command line tool.
/// Secrets are held here and never printed: `description` names each destination's type and URL only.
public struct ForwardConfiguration: Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        case webhook(url: String, secrets: [String])
        case requestTracker(url: String, queue: String, auth: RequestTrackerDestination.Auth, customFields: RequestTrackerDestination.CustomFieldNames)
        case email(to: String, from: String, sendmail: String)
    }

    public struct DestinationSettings: Sendable {
        public var name: String
        public var kind: Kind
        /// Most attachment bytes sent with one event (the rest as metadata, flagged).
        public var attachmentLimit: Int
        /// A destination first configured on an existing store starts from events of this date.
        public var since: Date?

        public init(name: String, kind: Kind, attachmentLimit: Int = 10 * 1024 * 1024, since: Date? = nil) {
            self.name = name
            self.kind = kind
            self.attachmentLimit = attachmentLimit
            self.since = since
        }
    }

    public var destinations: [DestinationSettings]
    /// Extra CA certificates (PEM) trusted beside the system's, for a case system with a private CA.
    public var caFile: String?
    public var schedule: RetrySchedule
    /// Seconds an HTTP receiver has to answer.
    public var timeout: TimeInterval
    /// Seconds a worker's claim on an event holds (after a crash, the event waits this long).
    public var lease: TimeInterval = 120
    /// Events sent at once per destination.
    public var batch = 64

    public init(destinations: [DestinationSettings] = [], caFile: String? = nil, schedule: RetrySchedule = .standard, timeout: TimeInterval = 15) {
        self.destinations = destinations
        self.caFile = caFile
        self.schedule = schedule
        self.timeout = timeout
    }

    public var description: String {
        destinations.map { settings in
            switch settings.kind {
            case .webhook(let url, let secrets): "\(settings.name): webhook \(url) (\(secrets.count) signing secret\(secrets.count == 1 ? "" : "s"))"
            case .requestTracker(let url, let queue, _, _): "\(settings.name): Request Tracker \(url), queue \(queue)"
            case .email(let to, _, let sendmail): "\(settings.name): email to \(to) through \(sendmail)"
            }
        }.joined(separator: "; ")
    }

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// The HTTP client every HTTP destination shares: certificates verified against the system's
    /// roots (and `caFile`), no redirects (a destination's URL comes only from the configuration).
    public func makeHTTPClient() throws(Invalid) -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if let caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw Invalid(description: "forward.caFile: cannot read \(caFile).")
            }
            tls.additionalTrustRoots = [.file(caFile)]
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(Int64(timeout)))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// The worker for these destinations; it shuts their HTTP client down when it stops.
    package func makeWorker(store: any OutboxStore, logger: Logger) throws(Invalid) -> ForwardWorker {
        let client = try makeHTTPClient()
        let made: [any Destination]
        do { made = try makeDestinations(client: client) } catch {
            try? client.syncShutdown()
            throw error
        }
        var options = ForwardWorker.Options()
        options.schedule = schedule
        options.lease = max(lease, timeout + 5)
        options.batch = max(1, batch)
        for destination in destinations { options.since[destination.name] = destination.since }
        return ForwardWorker(store: store, destinations: made, options: options, logger: logger, onStop: { try? await client.shutdown() })
    }

    /// The destinations, ready to deliver.
    package func makeDestinations(client: HTTPClient) throws(Invalid) -> [any Destination] {
        var made: [any Destination] = []
        for settings in destinations {
            switch settings.kind {
            case .webhook(let url, let secrets):
                var keys: [Data] = []
                for (index, secret) in secrets.enumerated() {
                    do { keys.append(try StandardWebhooks.key(fromSecret: secret)) } catch {
                        throw Invalid(description: "forward.\(settings.name).\(index == 0 ? "secret" : "previousSecret") \(error).")
                    }
                }
                made.append(WebhookDestination(name: settings.name, url: url, keys: keys, attachmentLimit: settings.attachmentLimit, client: client, timeout: timeout))
            case .requestTracker(let url, let queue, let auth, let fields):
                made.append(
                    RequestTrackerDestination(
                        name: settings.name, url: url, queue: queue, auth: auth, customFields: fields, attachmentLimit: settings.attachmentLimit,
                        client: client, timeout: timeout
                    )
                )
            case .email(let to, let from, let sendmail):
                made.append(EmailDestination(name: settings.name, to: to, from: from, sendmail: sendmail, attachmentLimit: settings.attachmentLimit))
            }
        }
        return made
    }
}
