public import ArgumentParser
import Foundation
public import LetterboxCommands
import LetterboxCore
import Logging

/// `letterbox ingest maildir`: Maildir folders, marked seen as they are stored.
public struct MaildirImportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "maildir",
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

    public init() {}

    @OptionGroup public var storeOptions: StoreOptions

    @ArgumentParser.Flag(help: "Leave the Maildir untouched (a read-only archive).")
    public var keep = false

    @ArgumentParser.Flag(name: .customLong("list"), help: "Print one line per message.")
    public var listEach = false

    @Argument(help: "Maildir folders.")
    public var folders: [String]

    public func run() async throws {
        try await importing(storeOptions) { environment in
            environment.logger.debug("\(ImportMemory.summary)")
            let pipeline = try environment.open().pipeline
            var tally = Tally()
            for folder in folders {
                let maildir: Maildir
                do { maildir = try Maildir(path: folder) } catch { throw CommandFailure(.noInput, "\(error)") }
                for sub in maildir.folders() {
                    let unreadable = try MaildirIntake.ingest(maildir.messages(in: sub), intake: pipeline, whenKnown: .skip) { entry, outcome in
                        tally.add(outcome)
                        if listEach { print(OutcomeLine.format(outcome, path: entry.path)) }
                        if !keep {
                            do { try Maildir.markSeen(entry) } catch { throw CommandFailure(.ioError, "\(error)") }
                        }
                    }
                    tally.unreadable += unreadable
                }
            }
            tally.printSummary(what: "Maildir", store: environment.storeName)
            if tally.unreadable > 0 { throw ExitStatus.ioError.exit }
            if tally.quarantined > 0 { throw ExitStatus.dataError.exit }
        }
    }
}
