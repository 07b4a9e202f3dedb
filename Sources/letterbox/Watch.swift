import ArgumentParser
import Dispatch
import Foundation
import LetterboxCore
import LetterboxForward
import Metrics
import LetterboxEmail
import LetterboxPhoneNotes
import LetterboxStore
import Logging
import ServiceLifecycle
import UnixSignals

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch a folder for phone notes, and Maildirs for mail, and ingest each item as it arrives.",
        discussion: """
            Ingests every note already in DIR, then each new one (inotify, with a rescan every
            watch.rescanSeconds as a safety net). A file counts as arrived once it has not changed
            for watch.settleSeconds, so notes still being saved are left alone. Hidden files,
            Office lock files (~$*) and *.tmp files are skipped.

            After a note is stored it moves to DIR/processed/YYYY-MM-DD/. A note that cannot be read
            moves to DIR/failed/ with NAME.error.txt beside it saying why; its bytes are in quarantine
            (`letterbox quarantine list`). A note stored before a crash is recognised and moved
            without a second record. SIGTERM or SIGINT stops the watcher after the current batch.

            With --maildir DIR (repeatable), each message delivered to DIR/new/ (and its Maildir++
            subfolders' new/) is committed and then renamed into cur/ with the S flag.

            Examples:
              letterbox watch /srv/letterbox/phone-notes
              letterbox watch --maildir /var/mail/complaints/Maildir
              LETTERBOX_STORE=/var/lib/letterbox/letterbox.sqlite letterbox watch /srv/phone-notes
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
            var settings = try await Settings.load(storeOptions)
            if let settle { settings.watchSettleSeconds = settle }
            let logger = settings.makeLogger()
            let store = try settings.openStore()
            let services = try Self.services(notes: folder, maildirs: maildir, settings: settings, store: store, logger: logger)
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            )
            try await group.run()
            logger.info("Stopped watching")
        }
    }
}

extension Watch {
    /// The watchers for a phone-notes folder and Maildirs, as services for a ServiceGroup
    /// (`watch`, and `serve` with watch.notes / watch.maildirs in the config).
    static func services(
        notes folder: String?,
        maildirs: [String],
        settings: Settings,
        store: SQLiteCaseStore,
        logger: Logger
    ) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let folder {
            let noteFolder = try NoteFolder(path: folder)
            try noteFolder.prepareForMoving()
            services.append(.init(service: NoteWatchService(
                folder: noteFolder,
                intake: settings.intake(store: store),
                settle: settings.watchSettleSeconds,
                rescanInterval: settings.watchRescanSeconds,
                logger: logger
            )))
            logger.info("Watching \(noteFolder.path) for phone notes (store \(settings.storePath))")
        }
        for path in maildirs {
            let box: LetterboxEmail.Maildir
            do { box = try LetterboxEmail.Maildir(path: path) } catch { throw CLIError(.noInput, "\(error)") }
            services.append(.init(service: MaildirWatchService(
                maildir: box,
                intake: settings.intake(store: store),
                rescanInterval: settings.watchRescanSeconds,
                logger: logger
            )))
            logger.info("Watching the Maildir \(box.path) (store \(settings.storePath))")
        }
        // The outbox's delivery worker runs wherever records are made continuously.
        let forward = try settings.forwardConfiguration()
        if !forward.destinations.isEmpty {
            services.append(.init(service: try ForwardSetup.worker(forward, store: store, logger: logger)))
        }
        return services
    }
}

/// Watches a Maildir's new/ folders (its own and its Maildir++ subfolders'): each message is
/// committed, then renamed into cur/ with the S flag. Maildir delivery is atomic (tmp/ then a
/// rename into new/), so there is no settle wait. A crash between the commit and the rename
/// leaves the message in new/; the next pass finds it already stored and only renames it.
struct MaildirWatchService: Service {
    let maildir: LetterboxEmail.Maildir
    let intake: Intake
    let rescanInterval: Double
    let logger: Logger

    func run() async throws {
        let folders = maildir.folders()
        let watchers = try folders.map { try DirectoryEvents(path: $0 + "/new") }
        var lastRescan = Date.distantPast
        var dirty = true
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if dirty || Date().timeIntervalSince(lastRescan) >= rescanInterval {
                for folder in folders { try sweep(folder) }
                lastRescan = Date()
                dirty = false
            }
            var events: [String] = []
            for watcher in watchers {
                events += await NoteWatchService.wait(watcher, timeoutMilliseconds: watchers.count > 1 ? 100 : 500)
            }
            if !events.isEmpty { dirty = true }
        }
    }

    private func sweep(_ folder: String) throws {
        let entries = maildir.messages(in: folder, newOnly: true)
        _ = try MaildirIntake.ingest(entries, intake: intake, whenKnown: .recordRedelivery, batchSize: 64, stop: { Task.isShuttingDownGracefully }) {
            entry, outcome in
            WatchMetrics.record(watcher: "maildir", outcome)
            do {
                try LetterboxEmail.Maildir.markSeen(entry)
            } catch {
                logger.error("\(error)")
            }
            logger.info(
                "Mail \(outcome.disposition.rawValue)",
                metadata: ["file": "\(entry.name)", "reference": "\(outcome.reference ?? "")", "submission": "\(outcome.rawSubmissionId)"]
            )
            print(OutcomeLine.format(outcome, path: entry.path))
        }
    }
}

/// The watched-folder loop as a service: waits for files to settle, ingests them in batches,
/// and moves each one once its outcome is committed.
struct NoteWatchService: Service {
    let folder: NoteFolder
    let intake: Intake
    let settle: Double
    let rescanInterval: Double
    let logger: Logger

    static let batchSize = 64

    func run() async throws {
        let events = try DirectoryEvents(path: folder.path)
        var tracker = ReadinessTracker(settle: settle)
        var waiting = Set(folder.candidates())
        var lastRescan = Date()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = Date()
            var ready = tracker.ready(waiting, now: now.timeIntervalSince1970, state: folder.fileState)
            waiting.subtract(ready)
            while !ready.isEmpty && !Task.isShuttingDownGracefully {
                let batch = Array(ready.prefix(Self.batchSize))
                ready.removeFirst(batch.count)
                try handle(batch)
                for name in batch { tracker.forget(name) }
            }
            if now.timeIntervalSince(lastRescan) >= rescanInterval {
                waiting.formUnion(folder.candidates())
                lastRescan = now
            }
            let timeout: Int32 = waiting.isEmpty ? 500 : 200
            let names = await Self.wait(events, timeoutMilliseconds: timeout)
            waiting.formUnion(names.filter { !NoteFolder.isIgnored($0) && !$0.contains("/") })
        }
    }

    /// Blocks for inotify events on a thread outside the cooperative pool.
    static func wait(_ events: DirectoryEvents, timeoutMilliseconds: Int32) async -> [String] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: events.wait(timeoutMilliseconds: timeoutMilliseconds))
            }
        }
    }

    private func handle(_ names: [String]) throws {
        let now = Date()
        var submissions: [(String, RawSubmission)] = []
        for name in names {
            switch folder.read(name, receivedAt: now) {
            case .submission(let submission):
                submissions.append((name, submission))
            case .refused(let submission, let error):
                let outcome = try intake.refuse(submission, because: error)
                finish(name, outcome)
            case .unreadable(let message):
                logger.warning("\(message)")
            }
        }
        guard !submissions.isEmpty else { return }
        let outcomes = try intake.ingest(submissions.map(\.1))
        for ((name, _), outcome) in zip(submissions, outcomes) {
            finish(name, outcome)
        }
    }

    /// Moves a file whose outcome is committed, and says what happened.
    private func finish(_ name: String, _ outcome: IntakeOutcome) {
        WatchMetrics.record(watcher: "notes", outcome)
        do {
            let failed = outcome.disposition == .quarantined || (outcome.disposition == .redelivery && outcome.errorCode != nil)
            if failed {
                let explanation = """
                    Letterbox could not read this note, so it has not become a feedback record.

                    Why: \(outcome.reason ?? "unknown")

                    The note is kept in quarantine as submission #\(outcome.originalSubmissionId ?? outcome.rawSubmissionId). \
                    Fix the file and drop it in again, or ask IT to run: letterbox quarantine retry \(outcome.originalSubmissionId ?? outcome.rawSubmissionId)
                    """
                try folder.moveToFailed(name, explanation: explanation)
                logger.warning(
                    "Note quarantined",
                    metadata: ["file": "\(name)", "submission": "\(outcome.rawSubmissionId)", "code": "\(outcome.errorCode ?? "")"]
                )
            } else {
                try folder.moveToProcessed(name, day: Date())
                logger.info(
                    "Note \(outcome.disposition.rawValue)",
                    metadata: ["file": "\(name)", "reference": "\(outcome.reference ?? "")", "submission": "\(outcome.rawSubmissionId)"]
                )
            }
            print(OutcomeLine.format(outcome, path: name))
        } catch {
            logger.error("\(error)")
        }
    }
}

/// The watchers' counts, through swift-metrics (on `/metrics` when they run inside `serve`).
enum WatchMetrics {
    static func record(watcher: String, _ outcome: IntakeOutcome) {
        Counter(label: "letterbox_watch_items_total", dimensions: [("watcher", watcher), ("disposition", outcome.disposition.rawValue)]).increment()
    }
}
