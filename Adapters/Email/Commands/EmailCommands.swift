public import ArgumentParser
import Foundation
public import LetterboxCommands
import LetterboxCore

/// The email adapter's commands, mounted under `letterbox ingest`: the mail server's pipe,
/// mbox files and Maildir folders.
extension EmailAdapter: ImportingAdapter {
    public static var importCommands: [any ParsableCommand.Type] {
        [EmailPipeCommand.self, MboxImportCommand.self, MaildirImportCommand.self]
    }
}

/// `letterbox ingest email`: one message on standard input, from a mail server's pipe.
public struct EmailPipeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "email",
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

    public init() {}

    @OptionGroup public var storeOptions: StoreOptions

    @Option(help: "The envelope sender (MAIL FROM), as the mail server gives it.")
    public var sender: String?

    @Option(help: "The envelope recipient (RCPT TO), as the mail server gives it.")
    public var recipient: String?

    public func run() async throws {
        let receivedAt = Date()
        do {
            let environment = try await importEnvironment(storeOptions)
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
            let outcome = try environment.open().pipeline.ingest([submission], whenKnown: .recordRedelivery)[0]
            print(OutcomeLine.format(outcome, path: "stdin"))
        } catch {
            // Whatever went wrong (a configuration mistake included), the message is not
            // committed: ask the server to keep it and retry. A bounce to a tenant is worse.
            let failure = importFailure(error)
            let retry = failure.status == .usage || failure.status == .config ? "" : " (the mail server will retry)"
            writeToStandardError("letterbox: \(failure.message)\(retry)\n")
            throw ExitStatus.tempFail.exit
        }
    }
}
