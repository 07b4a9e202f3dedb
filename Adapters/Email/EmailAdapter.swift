import Foundation
public import LetterboxCore
import LetterboxCommands
import LetterboxWatching
import Logging

/// Email: the mail server's pipe (`letterbox ingest email`), mbox files and Maildir folders
/// (`letterbox ingest mbox|maildir`), and Maildirs watched as mail is delivered
/// (`watch.maildirs`, or `letterbox watch --maildir DIR`).
///
/// Configuration (`email.*`): `email.maxAttachmentBytes`, `email.organisationDomains` (the
/// landlord's own domains: mail forwarded from them is staff passing a customer's message on).
public struct EmailAdapter: ChannelAdapter, ChannelAdapterFactory {
    public static let name = "email"
    public static let channel = Channel.email
    public static let section = "email"

    public let emailDecoder: EmailDecoder
    /// Maildirs to watch, and how often to rescan them when no event comes.
    public let maildirs: [String]
    public let rescanSeconds: Double

    public init(decoder: EmailDecoder = EmailDecoder(), maildirs: [String] = [], rescanSeconds: Double = 30) {
        self.emailDecoder = decoder
        self.maildirs = maildirs
        self.rescanSeconds = rescanSeconds
    }

    public var name: String { Self.name }
    public var displayName: String { "Email" }
    public var channel: Channel { .email }
    public var decoder: any SubmissionDecoder { emailDecoder }

    public static func adapters(_ settings: ChannelSettings) throws -> [any ChannelAdapter] {
        let domains = Set(
            settings.string("email.organisationDomains", default: "")
                .split(whereSeparator: { $0 == "," || $0 == " " }).map { $0.lowercased() }
        )
        let decoder = EmailDecoder(
            maxAttachmentBytes: settings.int("email.maxAttachmentBytes", default: 50 * 1024 * 1024),
            organisationDomains: domains
        )
        return [EmailAdapter(decoder: decoder, maildirs: settings.list("watch.maildirs"), rescanSeconds: settings.double("watch.rescanSeconds", default: 30))]
    }

    /// The path of the mail pipe's hand-over on `serve`'s local delivery socket.
    public static let localDeliveryPath = "/local/email"
    /// Larger messages are not handed over: the pipe commits them itself (it has no limit).
    public static let localDeliveryMaxBytes = 32 << 20

    /// Only the local delivery socket's hand-over from the mail pipe (``LocalDelivery``): the
    /// envelope and the pipe's arrival time come as headers, the message as the body, and the
    /// answer is the line the pipe prints.
    public var routes: [ChannelRoute] {
        [
            ChannelRoute(.post, Self.localDeliveryPath, maxBodyBytes: Self.localDeliveryMaxBytes, localOnly: true) { request in
                let receivedAt = request.headers[LocalDeliveryHeader.receivedAt].flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
                let submission = EmailSubmission.piped(
                    request.body,
                    receivedAt: receivedAt ?? request.receivedAt,
                    envelopeSender: request.headers[LocalDeliveryHeader.sender],
                    envelopeRecipient: request.headers[LocalDeliveryHeader.recipient]
                )
                return .commit(submission) { outcome in .text(200, OutcomeLine.format(outcome, path: "stdin") + "\n") }
            }
        ]
    }

    public func services(_ context: ChannelServiceContext) throws -> [any ChannelService] {
        try maildirs.map { path in
            let box: Maildir
            do { box = try Maildir(path: path) } catch { throw ChannelConfigurationError("\(error)") }
            return MaildirWatchService(maildir: box, context: context, rescanInterval: rescanSeconds)
        }
    }
}

/// The headers the mail pipe sends its envelope in (names in lower case, as routes see them).
enum LocalDeliveryHeader {
    static let sender = "x-envelope-sender"
    static let recipient = "x-envelope-recipient"
    /// When the pipe started, in seconds since 1970: Awaab's Law clocks run from arrival.
    static let receivedAt = "x-received-at"
}

/// Watches a Maildir's new/ folders (its own and its Maildir++ subfolders'): each message is
/// committed, then renamed into cur/ with the S flag. Maildir delivery is atomic (tmp/ then a
/// rename into new/), so there is no settle wait. A crash between the commit and the rename
/// leaves the message in new/; the next pass finds it already stored and only renames it.
struct MaildirWatchService: ChannelService {
    let maildir: Maildir
    let context: ChannelServiceContext
    let rescanInterval: Double

    var description: String { "Watching the Maildir \(maildir.path)" }

    func run() async throws {
        let folders = maildir.folders()
        let watchers = try folders.map { try DirectoryEvents(path: $0 + "/new") }
        var lastRescan = Date.distantPast
        var dirty = true
        while !Task.isCancelled {
            if dirty || Date().timeIntervalSince(lastRescan) >= rescanInterval {
                for folder in folders { try sweep(folder) }
                lastRescan = Date()
                dirty = false
            }
            var events: [String] = []
            for watcher in watchers {
                events += await watcher.next(timeoutMilliseconds: watchers.count > 1 ? 100 : 500)
            }
            if !events.isEmpty { dirty = true }
        }
    }

    private func sweep(_ folder: String) throws {
        let entries = maildir.messages(in: folder, newOnly: true)
        let logger = context.logger
        _ = try MaildirIntake.ingest(entries, intake: context.pipeline, whenKnown: .recordRedelivery, batchSize: 64, stop: { Task.isCancelled }) {
            entry, outcome in
            do {
                try Maildir.markSeen(entry)
            } catch {
                logger.error("\(error)")
            }
            logger.info(
                "Mail \(outcome.disposition.rawValue)",
                metadata: ["file": "\(entry.name)", "reference": "\(outcome.reference ?? "")", "submission": "\(outcome.rawSubmissionId)"]
            )
            context.report("maildir", outcome, entry.path)
        }
    }
}
