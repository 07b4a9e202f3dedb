import Foundation
public import LetterboxCore
import LetterboxWatching
import Logging

/// Phone notes: typed-up notes of calls, dropped by staff into a watched folder
/// (`watch.notes`, or `letterbox watch DIR`) or imported once (`letterbox ingest notes`).
///
/// Configuration: `notes.maxBytes`; `watch.settleSeconds` (how long a file must be unchanged
/// before it is read) and `watch.rescanSeconds`.
public struct PhoneNotesAdapter: ChannelAdapter, ChannelAdapterFactory {
    public static let name = "phone"
    public static let channel = Channel.phone
    public static let section = "notes"

    public let maxBytes: Int
    /// The folder to watch, if any.
    public let folder: String?
    public let settleSeconds: Double
    public let rescanSeconds: Double

    public init(maxBytes: Int = 5_000_000, folder: String? = nil, settleSeconds: Double = 2, rescanSeconds: Double = 30) {
        self.maxBytes = maxBytes
        self.folder = folder
        self.settleSeconds = settleSeconds
        self.rescanSeconds = rescanSeconds
    }

    public var name: String { Self.name }
    public var displayName: String { "Phone notes" }
    public var channel: Channel { .phone }
    public var decoder: any SubmissionDecoder { PhoneNoteDecoder(maxBytes: maxBytes) }

    public static func adapters(_ settings: ChannelSettings) throws -> [any ChannelAdapter] {
        [PhoneNotesAdapter(
            maxBytes: settings.int("notes.maxBytes", default: 5_000_000),
            folder: settings.string("watch.notes"),
            settleSeconds: settings.double("watch.settleSeconds", default: 2),
            rescanSeconds: settings.double("watch.rescanSeconds", default: 30)
        )]
    }

    public func services(_ context: ChannelServiceContext) throws -> [any ChannelService] {
        guard let folder else { return [] }
        let noteFolder = try NoteFolder(path: folder)
        try noteFolder.prepareForMoving()
        return [NoteWatchService(folder: noteFolder, context: context, settle: settleSeconds, rescanInterval: rescanSeconds)]
    }
}

/// The watched-folder loop as a service: waits for files to settle, ingests them in batches,
/// and moves each one once its outcome is committed.
struct NoteWatchService: ChannelService {
    let folder: NoteFolder
    let context: ChannelServiceContext
    let settle: Double
    let rescanInterval: Double
    var intake: any SubmissionPipeline { context.pipeline }
    var logger: Logger { context.logger }

    var description: String { "Watching \(folder.path) for phone notes" }

    static let batchSize = 64

    func run() async throws {
        let events = try DirectoryEvents(path: folder.path)
        var tracker = ReadinessTracker(settle: settle)
        var waiting = Set(folder.candidates())
        var lastRescan = Date()
        while !Task.isCancelled {
            let now = Date()
            var ready = tracker.ready(waiting, now: now.timeIntervalSince1970, state: folder.fileState)
            waiting.subtract(ready)
            while !ready.isEmpty && !Task.isCancelled {
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
            let names = await events.next(timeoutMilliseconds: timeout)
            waiting.formUnion(names.filter { !NoteFolder.isIgnored($0) && !$0.contains("/") })
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
        let outcomes = try intake.ingest(submissions.map(\.1), whenKnown: .recordRedelivery)
        for ((name, _), outcome) in zip(submissions, outcomes) {
            finish(name, outcome)
        }
    }

    /// Moves a file whose outcome is committed, and says what happened.
    private func finish(_ name: String, _ outcome: IntakeOutcome) {
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
            context.report("notes", outcome, name)
        } catch {
            logger.error("\(error)")
        }
    }
}

