public import ArgumentParser
import Foundation
public import LetterboxCommands
import LetterboxCore
import Logging

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
        try await EmailPipe(choice: storeOptions.choice, sender: sender, recipient: recipient).run()
    }

    /// The pipe's options read without ArgumentParser. A mail server starts this command once
    /// per message, and ArgumentParser's parse reads the command's options by reflection (and
    /// even a command made without parsing builds its options' names), which costs a sixth of
    /// the process's CPU when the message is handed to a running server. Only the plain forms
    /// are read here (`--store PATH`, `--store=PATH`, `--config`, `--sender`, `--recipient`,
    /// `-v`, `--verbose`, each at most once, no value starting with a dash); anything else, help
    /// and mistakes included, gives nil, and the caller parses with ArgumentParser as usual. A
    /// test checks both read the same.
    public static func parsePlain(_ arguments: [String]) -> EmailPipe? {
        var store, config, sender, recipient: String?
        var verbose = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "-v" || argument == "--verbose" {
                guard !verbose else { return nil }
                verbose = true
                continue
            }
            var name = Substring(argument)
            var value: String?
            if let equals = argument.firstIndex(of: "=") {
                name = argument[..<equals]
                value = String(argument[argument.index(after: equals)...])
            }
            if value == nil {
                guard index < arguments.count else { return nil }
                value = arguments[index]
                index += 1
            }
            guard let value, !value.hasPrefix("-") else { return nil }
            switch name {
            case "--store" where store == nil: store = value
            case "--config" where config == nil: config = value
            case "--sender" where sender == nil: sender = value
            case "--recipient" where recipient == nil: recipient = value
            default: return nil
            }
        }
        return EmailPipe(choice: StoreChoice(store: store, config: config, verbose: verbose), sender: sender, recipient: recipient)
    }
}

/// The mail pipe's work, with its options as plain values (``EmailPipeCommand`` when parsed by
/// ArgumentParser, ``EmailPipeCommand/parsePlain(_:)`` when not).
public struct EmailPipe: Sendable, Equatable {
    public var choice: StoreChoice
    public var sender: String?
    public var recipient: String?

    public init(choice: StoreChoice, sender: String?, recipient: String?) {
        self.choice = choice
        self.sender = sender
        self.recipient = recipient
    }

    public func run() async throws {
        let receivedAt = Date()
        do {
            let bytes = FileHandle.standardInput.readDataToEndOfFile()
            // When the command line alone settles where a server listens (no config file, no
            // LETTERBOX_ variable: Samples/deploy), the message is handed over before the
            // settings are read; they are read only if this process must commit it itself.
            let quick = Importing.localDeliveryWithoutSettings(choice)
            if let quick, let line = handOver(bytes, receivedAt: receivedAt, socket: quick.socket, logger: quick.logger) {
                print(line)
                return
            }
            let environment = try await Importing.environment(choice)
            if quick == nil, let line = handOver(bytes, receivedAt: receivedAt, socket: environment.localSocket, logger: environment.logger) {
                print(line)
                return
            }
            environment.prepareInBackground()
            let submission = EmailSubmission.piped(bytes, receivedAt: receivedAt, envelopeSender: sender, envelopeRecipient: recipient)
            // Decoded before anything is written, then the raw bytes and the record go in one
            // transaction: one sync of the store, not two. Nothing can be lost by it: the mail
            // server keeps the message until this process exits 0, so if it dies while decoding
            // the server still has it and tries again (the raw-first commit guards submissions
            // that nobody else keeps, such as a web form's).
            let pipeline = try environment.open(oneMessage: true).pipeline
            let outcome = try pipeline.commit(pipeline.prepare([submission]), whenKnown: .recordRedelivery)[0]
            print(OutcomeLine.format(outcome, path: "stdin"))
        } catch {
            // Whatever went wrong (a configuration mistake included), the message is not
            // committed: ask the server to keep it and retry. A bounce to a tenant is worse.
            let failure = Importing.failure(error)
            let retry = failure.status == .usage || failure.status == .config ? "" : " (the mail server will retry)"
            writeToStandardError("letterbox: \(failure.message)\(retry)\n")
            throw ExitStatus.tempFail.exit
        }
    }

    /// Hands the message to a running `serve` over its local delivery socket (``LocalDelivery``)
    /// and returns the line to print once the server has committed it; nil when no server
    /// takes it, and the pipe commits it itself.
    func handOver(_ bytes: Data, receivedAt: Date, socket: String?, logger: Logger) -> String? {
        guard let socket, bytes.count <= EmailAdapter.localDeliveryMaxBytes else { return nil }
        var headers = [(LocalDeliveryHeader.receivedAt, String(receivedAt.timeIntervalSince1970))]
        if let sender { headers.append((LocalDeliveryHeader.sender, sender)) }
        if let recipient { headers.append((LocalDeliveryHeader.recipient, recipient)) }
        switch LocalDelivery.post(socket: socket, target: EmailAdapter.localDeliveryPath, headers: headers, body: bytes) {
        case .success(let answer) where answer.status == 200:
            logger.debug("Handed to the running server over \(socket)")
            return answer.body.hasSuffix("\n") ? String(answer.body.dropLast()) : answer.body
        case .success(let answer):
            logger.notice("The server on \(socket) answered \(answer.status); committing here instead")
        case .failure(.noServer):
            break
        case .failure(let failure):
            logger.notice("Could not hand the message to the server on \(socket) (\(failure)); committing here instead")
        }
        return nil
    }
}
