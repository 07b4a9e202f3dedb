import ArgumentParser
import Configuration
import Foundation
import LetterboxCommands
import LetterboxCore
import LetterboxForward
import LetterboxPostgres
import LetterboxStore
import Logging

struct Forward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Deliver the outbox's due events once, then exit (for cron).",
        discussion: """
            `letterbox serve` and `letterbox watch` deliver continuously; this delivers
            what is due now to every destination in forward.destinations (README
            "Forwarding") and exits. An event that fails waits for its next attempt on the
            retry schedule; it is never lost. Running it while serve runs is safe: each
            event is claimed by one worker at a time.

            Exit status: 0 when every due event was delivered (or none was due); 75 when
            some failed and will be retried; 78 for a configuration error.

            Examples:
              letterbox forward
              letterbox forward --config /etc/letterbox/letterbox.yaml
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        try await reportingErrors {
            let settings = try await Settings.load(storeOptions)
            let logger = settings.makeLogger()
            let forward = try settings.forwardConfiguration()
            guard !forward.destinations.isEmpty else {
                print("No destinations are configured (forward.destinations); nothing to deliver.")
                return
            }
            let store: any OutboxStore = PostgresLocation.isPostgres(settings.storePath) ? try settings.openPostgresStore() : try settings.openStore()
            let worker = try ForwardSetup.worker(forward, store: store, logger: logger)
            let summary = await worker.runOnce()
            print("Delivered \(summary.delivered); failed \(summary.failed) (to be retried); dead \(summary.dead); refused with 410 \(summary.gone).")
            if summary.failed + summary.dead + summary.gone > 0 { throw ExitCode(75) }
        }
    }
}

enum ForwardSetup {
    /// The delivery worker for the configured destinations.
    static func worker(_ forward: ForwardConfiguration, store: any OutboxStore, logger: Logger) throws -> ForwardWorker {
        do {
            let worker = try forward.makeWorker(store: store, logger: logger)
            logger.info("Forwarding to \(forward)")
            return worker
        } catch {
            throw CLIError(.config, error.description)
        }
    }
}

extension Settings {
    /// forward.* (README "Forwarding"). Secrets come from the config, a file named there, or
    /// LETTERBOX_FORWARD_<NAME>_SECRET / _TOKEN, and are never printed.
    func forwardConfiguration() throws -> ForwardConfiguration {
        try Self.forwardConfiguration(config)
    }

    static func forwardConfiguration(_ config: ConfigReader, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> ForwardConfiguration
    {
        var forward = ForwardConfiguration()
        forward.caFile = config.string(forKey: "forward.caFile").flatMap { $0.isEmpty ? nil : $0 }
        forward.timeout = config.double(forKey: "forward.timeoutSeconds", default: 15)
        forward.lease = config.double(forKey: "forward.leaseSeconds", default: 120)
        forward.batch = config.int(forKey: "forward.batch", default: 64)
        let delays = list(config, "forward.retrySchedule")
        if !delays.isEmpty {
            let seconds = delays.compactMap(Double.init)
            guard seconds.count == delays.count, seconds.allSatisfy({ $0 >= 0 }) else {
                throw CLIError(.config, "forward.retrySchedule must be a list of seconds (the delays before the 2nd, 3rd, ... attempt).")
            }
            forward.schedule = RetrySchedule(delays: seconds, jitter: config.double(forKey: "forward.retryJitter", default: 0.1))
        }
        var seen = Set<String>()
        for name in list(config, "forward.destinations") {
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw CLIError(.config, "The destination name \"\(name)\" in forward.destinations may only have letters, digits, - and _.")
            }
            guard seen.insert(name).inserted else { throw CLIError(.config, "forward.destinations names \(name) twice.") }
            forward.destinations.append(try destination(config, name, environment: environment))
        }
        return forward
    }

    static func destination(_ config: ConfigReader, _ name: String, environment: [String: String]) throws -> ForwardConfiguration.DestinationSettings {
        let prefix = "forward.\(name)."
        let envName = "LETTERBOX_FORWARD_" + name.uppercased().replacingOccurrences(of: "-", with: "_") + "_"
        func value(_ key: String, secret: Bool = false) -> String? {
            config.string(forKey: ConfigKey(prefix + key), isSecret: secret).flatMap { $0.isEmpty ? nil : $0 }
        }
        func required(_ key: String) throws -> String {
            guard let found = value(key) else { throw CLIError(.config, "The destination \(name) needs \(prefix)\(key).") }
            return found
        }
        /// A secret from the config or the file named by KEYFile (read as the adapters read
        /// theirs), else the environment.
        func secret(_ key: String, env: String) throws -> String? {
            do {
                if let found = try Settings.channelSettings(config, serving: false).secret(prefix + key) { return found }
            } catch {
                throw CLIError(.config, "\(error)")
            }
            return environment[envName + env].flatMap { $0.isEmpty ? nil : $0 }
        }
        func url(_ key: String) throws -> String {
            let text = try required(key)
            guard let parsed = URL(string: text), let scheme = parsed.scheme?.lowercased(), scheme == "https" || scheme == "http", parsed.host != nil else {
                throw CLIError(.config, "\(prefix)\(key) must be an http:// or https:// URL, not \(text).")
            }
            return text
        }
        var settings: ForwardConfiguration.DestinationSettings
        switch value("type") ?? "" {
        case "webhook":
            guard let current = try secret("secret", env: "SECRET") else {
                throw CLIError(.config, "The webhook \(name) needs \(prefix)secret (or \(prefix)secretFile, or \(envName)SECRET).")
            }
            var secrets = [current]
            if let previous = try secret("previousSecret", env: "PREVIOUS_SECRET") { secrets.append(previous) }
            settings = .init(name: name, kind: .webhook(url: try url("url"), secrets: secrets))
        case "request-tracker":
            let auth: RequestTrackerDestination.Auth
            if let token = try secret("token", env: "TOKEN") {
                auth = .token(token)
            } else if let user = value("user"), let password = try secret("password", env: "PASSWORD") {
                auth = .basic(user: user, password: password)
            } else {
                throw CLIError(.config, "The Request Tracker destination \(name) needs \(prefix)token (or tokenFile, or \(envName)TOKEN), or user and password.")
            }
            var fields = RequestTrackerDestination.CustomFieldNames()
            fields.reference = value("customFields.reference") ?? fields.reference
            fields.channel = value("customFields.channel") ?? fields.channel
            fields.kind = value("customFields.kind") ?? fields.kind
            settings = .init(name: name, kind: .requestTracker(url: try url("url"), queue: try required("queue"), auth: auth, customFields: fields))
        case "email":
            let to = try required("to")
            let from = try required("from")
            for (key, address) in [("to", to), ("from", from)] where Identifiers.email(address) == nil {
                throw CLIError(.config, "\(prefix)\(key) must be one email address, not \(address).")
            }
            settings = .init(name: name, kind: .email(to: to, from: from, sendmail: value("sendmail") ?? "/usr/sbin/sendmail"))
        case let other:
            throw CLIError(.config, "The destination \(name) needs \(prefix)type: webhook, request-tracker or email\(other.isEmpty ? "" : " (not \(other))").")
        }
        settings.attachmentLimit = config.int(forKey: ConfigKey(prefix + "maxAttachmentBytes"), default: 10 * 1024 * 1024)
        if let since = value("since") {
            guard let date = UKDateReader().date(from: since, relativeTo: Date()) else {
                throw CLIError(.config, "\(prefix)since: \(since) is not a date (use 2026-12-01).")
            }
            settings.since = date
        }
        return settings
    }
}

struct Outbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "See and steer the events waiting for, or sent to, the case systems.",
        discussion: """
            Every record, record joining a case, triage correction, case closed or
            reopened, case joined and contact merge is an event, delivered to each
            destination in order per case.

            Examples:
              letterbox outbox list --state dead
              letterbox outbox show 42
              letterbox outbox retry 42
              letterbox outbox retry --dead --destination crm
              letterbox outbox replay --destination crm --since 2026-11-30
              letterbox outbox enable crm
            """,
        subcommands: [OutboxList.self, OutboxShow.self, OutboxRetry.self, OutboxReplay.self, OutboxEnable.self]
    )
}

/// The states `outbox list --state` takes.
enum DeliveryStateOption: String, ExpressibleByArgument, CaseIterable {
    case pending, retrying, dead, delivered
    var state: DeliveryState { DeliveryState(rawValue: rawValue)! }
}

struct OutboxList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Deliveries, newest last, with their state and last error.")
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Only this destination.") var destination: String?
    @Option(help: "pending, retrying, dead or delivered.") var state: DeliveryStateOption?
    @Option(help: "At most this many (the newest).") var limit = 200

    func run() async throws {
        try await reportingErrors {
            let store = try await Settings.load(storeOptions).openExistingStore()
            let rows = try store.deliveries(destination: destination, state: state?.state, limit: limit)
            var out = ""
            for row in rows {
                var line = "#\(row.id)  \(row.destination)  \(row.state)  \(row.type)  \(row.caseReference ?? "-")"
                if let record = row.recordReference, record != row.caseReference { line += " (\(record))" }
                line += "  attempts \(row.attempts)"
                if row.state != "delivered", let next = row.nextAttemptAt { line += "  next \(londonTime(next))" }
                if let error = row.lastError, row.state != "delivered" { line += "  last: \(error.prefix(80).replacingOccurrences(of: "\n", with: " "))" }
                out += line + "\n"
            }
            out += "\(rows.count) deliver\(rows.count == 1 ? "y" : "ies")\n"
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}

struct OutboxShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One delivery: its event, and each attempt with the answer.")
    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The delivery's number (from outbox list).") var id: Int64

    func run() async throws {
        try await reportingErrors {
            let store = try await Settings.load(storeOptions).openExistingStore()
            guard let (row, attempts) = try store.delivery(id: id) else { throw CLIError(.noInput, "There is no delivery #\(id).") }
            var out = "Delivery #\(row.id) to \(row.destination): \(row.state)\n"
            out += "Event \(row.eventId) \(row.type), case \(row.caseReference ?? "-")\(row.recordReference.map { ", record \($0)" } ?? ""), created \(row.createdAt)\n"
            if let delivered = row.deliveredAt { out += "Delivered \(delivered)\n" }
            if row.state != "delivered", let next = row.nextAttemptAt { out += "Next attempt \(londonTime(next))\n" }
            out += "Attempts:\n"
            for attempt in attempts {
                out += "  \(attempt.number). \(attempt.startedAt)  \(attempt.outcome)  \(attempt.status.map { "status \($0)" } ?? "no status")  \(String(format: "%.3f", attempt.seconds)) s\n"
                if let answer = attempt.answer, !answer.isEmpty { out += "     answer: \(answer.replacingOccurrences(of: "\n", with: "\n             "))\n" }
            }
            if attempts.isEmpty { out += "  none yet\n" }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}

struct OutboxRetry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Queue a delivery (or every dead one) again, due now (audited)."
    )
    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The delivery's number.") var id: Int64?
    @ArgumentParser.Flag(help: "Every dead delivery.") var dead = false
    @Option(help: "With --dead: only this destination.") var destination: String?
    @Option(help: "Who decided (default: your login name).") var by: String?

    func validate() throws {
        guard (id != nil) != dead else { throw ValidationError("Give a delivery number or --dead.") }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try await Settings.load(storeOptions).openExistingStore()
            let count = try store.retryDeliveries(id: id, destination: destination, actor: actorName(by))
            print("\(count) deliver\(count == 1 ? "y" : "ies") queued again.")
        }
    }
}

struct OutboxReplay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Send delivered events again with their original ids (audited)."
    )
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "The destination.") var destination: String
    @Option(help: "Events created on or after this date (London time, day first).") var since: String
    @Option(help: "Who decided (default: your login name).") var by: String?

    func run() async throws {
        try await reportingErrors {
            guard let date = UKDateReader().date(from: since, relativeTo: Date()) else {
                throw CLIError(.usage, "--since \(since): not a date. Use 2026-04-01 or 01/04/2026 (day first).")
            }
            let store = try await Settings.load(storeOptions).openExistingStore()
            let count = try store.replayDeliveries(destination: destination, since: date, actor: actorName(by))
            print("\(count) delivered event\(count == 1 ? "" : "s") queued again for \(destination).")
        }
    }
}

struct OutboxEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a destination its receiver disabled with 410 Gone. Audited.")
    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The destination.") var destination: String
    @Option(help: "Who decided (default: your login name).") var by: String?

    func run() async throws {
        try await reportingErrors {
            let store = try await Settings.load(storeOptions).openExistingStore()
            if try store.enableDestination(destination, actor: actorName(by)) {
                print("\(destination) is enabled; its waiting events will be delivered.")
            } else {
                print("\(destination) was not disabled.")
            }
        }
    }
}
