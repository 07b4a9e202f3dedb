import ArgumentParser
import Foundation
import LetterboxCore
import LetterboxEmail
import LetterboxStore

extension Ingest {
    struct Email: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ingest one email from standard input (for a mail server's pipe).",
            discussion: """
                Reads one RFC 5322 message on standard input, as Postfix's pipe, Exim's pipe
                transport, procmail and .forward "|" deliver it (a leading mbox "From " line
                is fine). Exits 0 only after the message is committed to the store. Exits 75
                (EX_TEMPFAIL) when the store cannot be written, so the mail server keeps the
                message and retries. A message that cannot be read is kept in quarantine and
                still exits 0: a bounce to a tenant is worse than a quarantine. See
                Samples/deploy/ for Postfix, Exim and procmail.

                Examples:
                  letterbox ingest email --sender "$SENDER" --recipient "$RECIPIENT" < \\
                      message.eml
                  (Postfix master.cf) argv=/usr/local/bin/letterbox ingest email \\
                      --sender ${sender} --recipient ${recipient}
                """
        )

        @OptionGroup var storeOptions: StoreOptions

        @Option(help: "The envelope sender (MAIL FROM), as the mail server gives it.")
        var sender: String?

        @Option(help: "The envelope recipient (RCPT TO), as the mail server gives it.")
        var recipient: String?

        func run() async throws {
            let receivedAt = Date()
            do {
                let settings = try await Settings.load(storeOptions)
                var bytes = FileHandle.standardInput.readDataToEndOfFile()
                // Some pipes (Postfix with the F flag, procmail) put an mbox From line first.
                if bytes.starts(with: Array("From ".utf8)), let newline = bytes.firstIndex(of: 0x0A) {
                    bytes = bytes.subdata(in: bytes.index(after: newline)..<bytes.endIndex)
                }
                let submission = EmailSubmission.make(
                    bytes,
                    source: "pipe" + (recipient.map { ":\($0)" } ?? ""),
                    receivedAt: receivedAt,
                    envelopeSender: sender,
                    envelopeRecipient: recipient
                )
                let store = try settings.openStore()
                let outcome = try settings.intake(store: store).ingest([submission])[0]
                print(OutcomeLine.format(outcome, path: "stdin"))
            } catch let error as CLIError where error.status == .usage || error.status == .config {
                writeToStandardError("letterbox: \(error.message)\n")
                // A configuration mistake must not bounce mail either: the server retries.
                throw ExitCode(CLIError.Status.tempFail.code)
            } catch {
                // Whatever went wrong, the message is not committed: ask the server to retry.
                let failure = CLIError.from(error)
                writeToStandardError("letterbox: \(failure.message) (the mail server will retry)\n")
                throw ExitCode(CLIError.Status.tempFail.code)
            }
        }
    }

    struct Mbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
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

        @OptionGroup var storeOptions: StoreOptions

        @ArgumentParser.Flag(help: "Read each file from the beginning, even if an earlier import got further.")
        var fromStart = false

        @ArgumentParser.Flag(help: "Read and decode every message and print what would happen, without storing anything.")
        var dryRun = false

        @ArgumentParser.Flag(name: .customLong("list"), help: "Print one line per message.")
        var listEach = false

        @Argument(help: "mbox files (.gz is read too).")
        var files: [String]

        func run() async throws {
            try await reportingErrors {
                let settings = try await Settings.load(storeOptions)
                // Every file is checked before anything is stored: a file that is not an mbox would
                // otherwise become one quarantined "message", and a second run would skip it as done.
                for file in files {
                    guard FileManager.default.fileExists(atPath: file) else { throw CLIError(.noInput, "\(file) does not exist.") }
                    let isMbox: Bool
                    do { isMbox = try MboxReader(path: file).startsWithFromLine() } catch { throw CLIError(.ioError, "\(error)") }
                    guard isMbox else {
                        throw CLIError(.dataError, "\(file) is not an mbox file: it does not start with a \"From \" line. Nothing was imported. (One message is `letterbox ingest email < FILE`; a Maildir is `letterbox ingest maildir DIR`.)")
                    }
                }
                if dryRun { return try dryRun(settings) }
                let store = try settings.openStore()
                let intake = settings.intake(store: store)
                var tally = Tally()
                for file in files {
                    var reader: MboxReader
                    do { reader = try MboxReader(path: file) } catch { throw CLIError(.ioError, "\(error)") }
                    let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
                    var messages = 0
                    if !fromStart, let checkpoint = try store.importCheckpoint(path: absolute), checkpoint.inode == reader.inode {
                        do {
                            if try reader.resume(at: checkpoint.offset) {
                                messages = checkpoint.messages
                                tally.resumed += checkpoint.messages
                            } else {
                                // The file changed: read it all again (keys still prevent duplicates).
                                reader = try MboxReader(path: file)
                            }
                        } catch { throw CLIError(.ioError, "\(error)") }
                    }
                    var progress = Progress(total: reader.fileSize, label: (file as NSString).lastPathComponent)
                    // One thread reads and decodes the next batch while this one commits the last.
                    let pipeline = BatchPipeline(reader: reader, intake: intake, source: "mbox:\(absolute)")
                    var bytesRead = reader.fileBytesRead
                    while let batch = try pipeline.next() {
                        let outcomes = try intake.commit(batch.prepared, whenKnown: .skip)
                        for outcome in outcomes {
                            tally.add(outcome)
                            if listEach { print(OutcomeLine.format(outcome, path: file)) }
                        }
                        messages += batch.prepared.count
                        try store.saveImportCheckpoint(ImportCheckpoint(path: absolute, inode: reader.inode, offset: batch.endOffset, messages: messages))
                        bytesRead = batch.fileBytesRead
                        progress.update(bytes: bytesRead, messages: messages)
                    }
                    if let failure = pipeline.failure {
                        throw CLIError(.ioError, "\(failure) (\(messages) messages before it were stored)")
                    }
                    progress.finish(bytes: bytesRead, messages: messages)
                }
                tally.printSummary(what: "mbox", store: settings.storePath)
                if tally.quarantined > 0 { throw ExitCode(CLIError.Status.dataError.code) }
            }
        }

        /// Splits and decodes without a store: what an import would make of the files.
        private func dryRun(_ settings: Settings) throws {
            // The email adapter's own decoder, as its configuration section sets it (only that
            // section is read: a mistake in another cannot stop a dry run).
            let email: [any ChannelAdapter]
            do { email = try EmailAdapter.adapters(settings.channelSettings(serving: false)) } catch {
                throw CLIError(.config, "email.*: \(error)")
            }
            guard let decoder = email.first?.decoder else { throw CLIError(.config, "The email channel is not configured.") }
            var records = 0, refused = 0
            var verdicts: [String: Int] = [:]
            var messages = 0
            for file in files {
                let reader: MboxReader
                do { reader = try MboxReader(path: file) } catch { throw CLIError(.noInput, "\(error)") }
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

    struct Maildir: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import Maildir folders (new/ and cur/, and Maildir++ subfolders).",
            discussion: """
                Stores every message in new/ and cur/ of each folder and its Maildir++
                subfolders (.Name/). After a message is committed it is marked seen: new/NAME
                is renamed to cur/NAME:2,S (a message in cur/ gains the S flag). With --keep
                nothing is renamed, for a read-only archive. Messages stored before are
                recognised and skipped.

                Examples:
                  letterbox ingest maildir /var/mail/complaints/Maildir
                  letterbox ingest maildir --keep /srv/archive/old-complaints-box
                """
        )

        @OptionGroup var storeOptions: StoreOptions

        @ArgumentParser.Flag(help: "Leave the Maildir untouched (a read-only archive).")
        var keep = false

        @ArgumentParser.Flag(name: .customLong("list"), help: "Print one line per message.")
        var listEach = false

        @Argument(help: "Maildir folders.")
        var folders: [String]

        func run() async throws {
            try await reportingErrors {
                let settings = try await Settings.load(storeOptions)
                let store = try settings.openStore()
                let intake = settings.intake(store: store)
                var tally = Tally()
                for folder in folders {
                    let maildir: LetterboxEmail.Maildir
                    do { maildir = try LetterboxEmail.Maildir(path: folder) } catch { throw CLIError(.noInput, "\(error)") }
                    for sub in maildir.folders() {
                        let unreadable = try MaildirIntake.ingest(maildir.messages(in: sub), intake: intake, whenKnown: .skip) { entry, outcome in
                            tally.add(outcome)
                            if listEach { print(OutcomeLine.format(outcome, path: entry.path)) }
                            if !keep {
                                do { try LetterboxEmail.Maildir.markSeen(entry) } catch { throw CLIError(.ioError, "\(error)") }
                            }
                        }
                        tally.unreadable += unreadable
                    }
                }
                tally.printSummary(what: "Maildir", store: settings.storePath)
                if tally.unreadable > 0 { throw ExitCode(CLIError.Status.ioError.code) }
                if tally.quarantined > 0 { throw ExitCode(CLIError.Status.dataError.code) }
            }
        }
    }
}

/// Counts of outcomes for an import's summary.
struct Tally {
    var accepted = 0, followUps = 0, redelivered = 0, skipped = 0, ignored = 0, quarantined = 0, resumed = 0, unreadable = 0
    var verdicts: [String: Int] = [:]

    mutating func add(_ outcome: IntakeOutcome) {
        switch outcome.disposition {
        case .accepted:
            accepted += 1
            if outcome.followUpOf != nil { followUps += 1 }
        case .redelivery: if outcome.skipped { skipped += 1 } else { redelivered += 1 }
        case .ignored:
            ignored += 1
            verdicts[outcome.errorCode ?? "not_feedback", default: 0] += 1
        case .quarantined: quarantined += 1
        case .pending: break
        }
    }

    /// "955 out_of_office, 151 bounce_permanent", most frequent first.
    static func verdictList(_ verdicts: [String: Int]) -> String {
        verdicts.sorted { $0.value > $1.value }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }

    func printSummary(what: String, store: String) {
        var parts = ["\(accepted) records" + (followUps > 0 ? " (\(followUps) follow-ups linked to their case)" : "")]
        if ignored > 0 {
            parts.append("\(ignored) ignored (\(Self.verdictList(verdicts)))")
        }
        if redelivered > 0 { parts.append("\(redelivered) duplicates") }
        if skipped > 0 { parts.append("\(skipped) already stored, skipped") }
        if resumed > 0 { parts.append("\(resumed) imported by an earlier run") }
        if quarantined > 0 { parts.append("\(quarantined) quarantined (see `letterbox quarantine list`)") }
        if unreadable > 0 { parts.append("\(unreadable) unreadable files left in place") }
        writeToStandardError("letterbox: \(what): \(parts.joined(separator: ", ")) (store: \(store))\n")
    }
}

/// A one-line progress bar on a terminal; silent otherwise.
struct Progress {
    let total: Int64
    let label: String
    let enabled = isatty(STDERR_FILENO) != 0
    let started = Date()
    var lastDraw = Date.distantPast

    init(total: Int64, label: String) {
        self.total = total
        self.label = label
    }

    mutating func update(bytes: Int64, messages: Int) {
        guard enabled, Date().timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = Date()
        draw(bytes: bytes, messages: messages)
    }

    func finish(bytes: Int64, messages: Int) {
        guard enabled else { return }
        draw(bytes: bytes, messages: messages)
        writeToStandardError("\n")
    }

    private func draw(bytes: Int64, messages: Int) {
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let fraction = total > 0 ? min(1, Double(bytes) / Double(total)) : 1
        let rate = Double(bytes) / elapsed / 1_048_576
        let remaining = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let eta = String(format: "%d:%02d", Int(remaining) / 60, Int(remaining) % 60)
        let line = String(format: "\r%@ [%@] %3.0f%%  %d messages  %.1f MB/s  %@ left ", label, bar, fraction * 100, messages, rate, eta)
        writeToStandardError(line)
    }
}

/// Reads and prepares (hashes, decodes) mbox batches on a thread of its own, one batch ahead
/// of the committing thread. At most two batches are in memory at once.
final class BatchPipeline: @unchecked Sendable {
    struct Batch {
        var prepared: Intake.PreparedBatch
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
    static let maxBytes = 6 << 20

    init(reader: MboxReader, intake: Intake, source: String) {
        nonisolated(unsafe) let reader = reader
        Thread.detachNewThread { [self] in
            var endOffset: Int64 = 0
            do {
                while true {
                    var submissions: [RawSubmission] = []
                    var bytes = 0
                    while submissions.count < Self.maxMessages && bytes < Self.maxBytes, let message = try reader.next() {
                        submissions.append(message.submission(source: source, receivedAt: Date()))
                        bytes += message.bytes.count
                        endOffset = message.endOffset
                    }
                    if submissions.isEmpty { break }
                    let batch = Batch(prepared: intake.prepare(submissions), endOffset: endOffset, fileBytesRead: reader.fileBytesRead)
                    lock.lock()
                    while queue.count >= capacity { lock.wait() }
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
    func next() throws -> Batch? {
        lock.lock()
        defer { lock.unlock() }
        while queue.isEmpty && !finished { lock.wait() }
        guard !queue.isEmpty else { return nil }
        let batch = queue.removeFirst()
        lock.broadcast()
        return batch
    }
}
