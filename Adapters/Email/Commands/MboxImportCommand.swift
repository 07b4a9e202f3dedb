public import ArgumentParser
import Foundation
public import LetterboxCommands
import LetterboxCore
import Logging

/// `letterbox ingest mbox`: old mailboxes, streamed, resumable.
public struct MboxImportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mbox",
        abstract: "Import mbox files (plain or .gz), streaming.",
        discussion: """
            Splits each file on its "From " lines (mboxo and mboxrd quoting undone, LF or
            CRLF, Content-Length ignored) and stores every message. Memory does not grow
            with the file. A re-run after an interruption resumes where the last run
            committed (and anything read twice is recognised and skipped): nothing is
            created twice.

            On a terminal it shows progress (messages, MB/s, time left); otherwise it
            prints a summary only. Exits 0 when everything was stored (records, ignored
            machine mail, duplicates), 65 when some messages went to quarantine (they are
            kept: `letterbox quarantine list`).

            Examples:
              letterbox ingest mbox complaints-2025.mbox archive.mbox.gz
              letterbox ingest mbox --from-start complaints-2025.mbox
            """
    )

    public init() {}

    @OptionGroup public var storeOptions: StoreOptions

    @ArgumentParser.Flag(help: "Read each file from the beginning, even if an earlier import got further.")
    public var fromStart = false

    @ArgumentParser.Flag(help: "Read and decode every message and print what would happen, without storing anything.")
    public var dryRun = false

    @ArgumentParser.Flag(name: .customLong("list"), help: "Print one line per message.")
    public var listEach = false

    @Argument(help: "mbox files (.gz is read too).")
    public var files: [String]

    public func run() async throws {
        try await importing(storeOptions) { environment in
            // Every file is checked before anything is stored: a file that is not an mbox would
            // otherwise become one quarantined "message", and a second run would skip it as done.
            for file in files {
                guard FileManager.default.fileExists(atPath: file) else { throw CommandFailure(.noInput, "\(file) does not exist.") }
                let isMbox: Bool
                do { isMbox = try MboxReader(path: file).startsWithFromLine() } catch { throw CommandFailure(.ioError, "\(error)") }
                guard isMbox else {
                    throw CommandFailure(.dataError, "\(file) is not an mbox file: it does not start with a \"From \" line. Nothing was imported. (One message is `letterbox ingest email < FILE`; a Maildir is `letterbox ingest maildir DIR`.)")
                }
            }
            if dryRun { return try dryRun(environment) }
            environment.logger.debug("\(ImportMemory.summary)")
            let session = try environment.open()
            let pipeline = session.pipeline
            var tally = Tally()
            for file in files {
                var reader: MboxReader
                do { reader = try MboxReader(path: file) } catch { throw CommandFailure(.ioError, "\(error)") }
                let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
                var messages = 0
                if !fromStart, let checkpoint = try session.checkpoints.checkpoint(path: absolute), checkpoint.inode == reader.inode {
                    do {
                        if try reader.resume(at: checkpoint.offset) {
                            messages = checkpoint.messages
                            tally.resumed += checkpoint.messages
                        } else {
                            // The file changed: read it all again (keys still prevent duplicates).
                            reader = try MboxReader(path: file)
                        }
                    } catch { throw CommandFailure(.ioError, "\(error)") }
                }
                var progress = Progress(total: reader.fileSize, label: (file as NSString).lastPathComponent)
                // One thread reads and decodes the next batch while this one commits the last.
                let batches = MboxBatches(reader: reader, pipeline: pipeline, source: "mbox:\(absolute)")
                var bytesRead = reader.fileBytesRead
                while let batch = batches.next() {
                    let outcomes = try pipeline.commit(batch.prepared, whenKnown: .skip)
                    for outcome in outcomes {
                        tally.add(outcome)
                        if listEach { print(OutcomeLine.format(outcome, path: file)) }
                    }
                    messages += batch.prepared.count
                    try session.checkpoints.saveCheckpoint(ImportCheckpoint(path: absolute, inode: reader.inode, offset: batch.endOffset, messages: messages))
                    bytesRead = batch.fileBytesRead
                    progress.update(bytes: bytesRead, messages: messages)
                }
                if let failure = batches.failure {
                    throw CommandFailure(.ioError, "\(failure) (\(messages) messages before it were stored)")
                }
                progress.finish(bytes: bytesRead, messages: messages)
            }
            tally.printSummary(what: "mbox", store: environment.storeName)
            if tally.quarantined > 0 { throw ExitStatus.dataError.exit }
        }
    }

    /// Splits and decodes without a store: what an import would make of the files.
    private func dryRun(_ environment: ImportEnvironment) throws {
        // The email adapter's own decoder, as its configuration section sets it (only that
        // section is read: a mistake in another cannot stop a dry run).
        let email: [any ChannelAdapter]
        do { email = try EmailAdapter.adapters(environment.settings) } catch {
            throw CommandFailure(.config, "email.*: \(error)")
        }
        guard let decoder = email.first?.decoder else { throw CommandFailure(.config, "The email channel is not configured.") }
        var records = 0, refused = 0
        var verdicts: [String: Int] = [:]
        var messages = 0
        for file in files {
            let reader: MboxReader
            do { reader = try MboxReader(path: file) } catch { throw CommandFailure(.noInput, "\(error)") }
            while let message = try reader.next() {
                messages += 1
                do {
                    switch try decoder.decode(message.submission(source: file, receivedAt: Date())) {
                    case .feedback: records += 1
                    case .ignored(let verdict, _): verdicts[verdict, default: 0] += 1
                    case .held(let part): verdicts[part.verdict, default: 0] += 1
                    }
                } catch {
                    refused += 1
                }
            }
        }
        let ignored = Tally.verdictList(verdicts)
        writeToStandardError(
            "letterbox: mbox (dry run, nothing stored): \(messages) messages: \(records) would be records, \(ignored.isEmpty ? "0 ignored" : ignored), \(refused) would be quarantined\n")
    }
}

/// Reads and prepares (hashes, decodes) mbox batches on a thread of its own, one batch ahead
/// of the committing thread. At most two batches are in memory at once: the one being committed
/// and the next. (The reader starts a batch only when the last one it made has been taken:
/// preparing is quicker than committing, so it does not hold the writer up, and a third batch in
/// memory was 6 MB of a large import's peak.)
final class MboxBatches: @unchecked Sendable {
    struct Batch {
        var prepared: PreparedSubmissions
        /// Offset after the batch's last message, for the checkpoint.
        var endOffset: Int64
        var fileBytesRead: Int64
    }

    private let lock = NSCondition()
    private var queue: [Batch] = []
    private var finished = false
    private(set) var failure: (any Error)?
    private let capacity = 1

    static let maxMessages = 128
    static let maxBytes = 3 << 20

    init(reader: MboxReader, pipeline: any SubmissionPipeline, source: String) {
        nonisolated(unsafe) let reader = reader
        Thread.detachNewThread { [self] in
            var endOffset: Int64 = 0
            do {
                while true {
                    lock.lock()
                    while queue.count >= capacity { lock.wait() }
                    lock.unlock()
                    var submissions: [RawSubmission] = []
                    var bytes = 0
                    while submissions.count < Self.maxMessages && bytes < Self.maxBytes, let message = try reader.next() {
                        submissions.append(message.submission(source: source, receivedAt: Date()))
                        bytes += message.bytes.count
                        endOffset = message.endOffset
                    }
                    if submissions.isEmpty { break }
                    let batch = Batch(prepared: pipeline.prepare(submissions), endOffset: endOffset, fileBytesRead: reader.fileBytesRead)
                    lock.lock()
                    queue.append(batch)
                    lock.signal()
                    lock.unlock()
                }
            } catch {
                lock.lock()
                failure = error
                lock.unlock()
            }
            lock.lock()
            finished = true
            lock.broadcast()
            lock.unlock()
        }
    }

    /// The next prepared batch, or nil when the file is done (check `failure`).
    func next() -> Batch? {
        lock.lock()
        defer { lock.unlock() }
        while queue.isEmpty && !finished { lock.wait() }
        guard !queue.isEmpty else { return nil }
        let batch = queue.removeFirst()
        lock.broadcast()
        return batch
    }
}
