import ArgumentParser
import Dispatch
import Foundation
import LetterboxCommands
import LetterboxCore
import LetterboxForward
import Metrics
import Configuration
import LetterboxStore
import Logging
import ServiceLifecycle
import UnixSignals

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch a notes folder and Maildirs; ingest each item as it comes.",
        discussion: """
            Ingests every note already in DIR, then each new one (inotify, with a rescan
            every watch.rescanSeconds as a safety net). A file counts as arrived once it
            has not changed for watch.settleSeconds, so notes still being saved are left
            alone. Hidden files, Office lock files (~$*) and *.tmp files are skipped.

            After a note is stored it moves to DIR/processed/YYYY-MM-DD/. A note that
            cannot be read moves to DIR/failed/ with NAME.error.txt beside it saying why;
            its bytes are in quarantine (`letterbox quarantine list`). A note stored
            before a crash is recognised and moved without a second record. SIGTERM or
            SIGINT stops the watcher after the current batch.

            With --maildir DIR (repeatable), each message delivered to DIR/new/ (and its
            Maildir++ subfolders' new/) is committed and then renamed into cur/ with the S
            flag.

            Examples:
              letterbox watch /srv/letterbox/phone-notes
              letterbox watch --maildir /var/mail/complaints/Maildir
              LETTERBOX_STORE=/var/lib/letterbox/letterbox.sqlite letterbox watch \\
                  /srv/phone-notes
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The folder staff drop notes into.")
    var folder: String?

    @Option(help: "A Maildir to watch: each message in new/ is stored, then renamed into cur/ with the S flag (repeatable).")
    var maildir: [String] = []

    @Option(help: "Seconds a file must be unchanged before it is read (overrides watch.settleSeconds).")
    var settle: Double?

    func validate() throws {
        if folder == nil && maildir.isEmpty {
            throw ValidationError("Give a phone-notes folder, --maildir DIR, or both.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            // The folders named here are the ones watched (not those in the config).
            var overrides: [AbsoluteConfigKey: ConfigValue] = [
                ["watch", "notes"]: ConfigValue(.string(folder ?? ""), isSecret: false),
                ["watch", "maildirs"]: ConfigValue(.stringArray(maildir), isSecret: false),
            ]
            if let settle { overrides[["watch", "settleSeconds"]] = ConfigValue(.double(settle), isSecret: false) }
            let settings = try await Settings.load(storeOptions, overrides: overrides)
            let logger = settings.makeLogger()
            // Lenient: a mistake in a section watch does not use (sms.*, form.*) must not stop the watchers.
            let adapters = try settings.adapters(strict: false, logger: logger)
            let store = try settings.openIntakeStore()
            let services = try Self.services(adapters: adapters, intake: settings.intake(backend: store, adapters: adapters), settings: settings, logger: logger)
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            )
            try await group.run()
            logger.info("Stopped watching")
        }
    }
}

extension Watch {
    /// Every adapter's background services (watched folders, the sweep for long texts), and the
    /// outbox's delivery worker, as services for a ServiceGroup (`watch` and `serve`).
    static func services(
        adapters: [any ChannelAdapter],
        intake: Intake,
        settings: Settings,
        logger: Logger
    ) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        let context = ChannelServiceContext(pipeline: intake, logger: logger) { watcher, outcome, item in
            WatchMetrics.record(watcher: watcher, outcome)
            print(OutcomeLine.format(outcome, path: item))
        }
        for adapter in adapters {
            let found: [any ChannelService]
            do { found = try adapter.services(context) } catch let error as ChannelConfigurationError {
                throw CLIError(.noInput, error.description)
            } catch {
                // A folder that cannot be watched or written.
                throw CLIError(.ioError, "\(error)")
            }
            for service in found {
                logger.info("\(service.description) (store \(settings.storePath))")
                services.append(.init(service: ChannelServiceRunner(service: service)))
            }
        }
        // Submissions an interrupted run left stored but unread are settled: at start-up and every
        // few seconds (intake.pendingAfterSeconds), whether or not their sender retries.
        let after = max(1, settings.config.double(forKey: "intake.pendingAfterSeconds", default: 10))
        let settler = PeriodicWork("Settling submissions an interrupted run left pending", every: after, immediately: true) {
            do {
                let outcomes = try intake.settlePending(receivedBefore: Date().addingTimeInterval(-after))
                guard !outcomes.isEmpty else { return }
                let quarantined = outcomes.filter { $0.disposition == .quarantined }.count
                logger.warning("Settled \(outcomes.count) submission(s) an interrupted run had stored but not read (\(quarantined) to quarantine)")
                for outcome in outcomes { WatchMetrics.record(watcher: "pending", outcome) }
            } catch {
                logger.error("Settling pending submissions failed; trying again shortly: \(error)")
            }
        }
        services.append(.init(service: ChannelServiceRunner(service: settler)))
        // The outbox's delivery worker runs wherever records are made continuously.
        let forward = try settings.forwardConfiguration()
        if !forward.destinations.isEmpty, let store = intake.backend as? any OutboxStore {
            services.append(.init(service: try ForwardSetup.worker(forward, store: store, logger: logger)))
        }
        return services
    }
}

/// Runs an adapter's service in a ServiceGroup: on SIGTERM or SIGINT the service's task is
/// cancelled, and it stops after the batch in hand.
struct ChannelServiceRunner: Service {
    let service: any ChannelService

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await service.run() }
    }
}

/// The watchers' counts, through swift-metrics (on `/metrics` when they run inside `serve`).
enum WatchMetrics {
    static func record(watcher: String, _ outcome: IntakeOutcome) {
        Counter(label: "letterbox_watch_items_total", dimensions: [("watcher", watcher), ("disposition", outcome.disposition.rawValue)]).increment()
    }
}
