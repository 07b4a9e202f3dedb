import ArgumentParser
import Foundation
import LetterboxCommands
import LetterboxEmail

@main
struct Letterbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letterbox",
        abstract: "Customer feedback from every channel, committed to one case store.",
        discussion: """
            Every contact becomes one feedback record with a reference such as
            LB-2026-000123. Nothing is lost: what cannot be read is kept in quarantine
            with the reason.

            Examples:
              letterbox ingest notes Samples/phone-notes
              letterbox ingest email --sender "$SENDER" --recipient "$RECIPIENT" < \\
                  message.eml
              letterbox ingest mbox old-complaints.mbox.gz
              letterbox watch /srv/letterbox/phone-notes --maildir \\
                  /var/mail/complaints/Maildir
              letterbox serve --port 8080
              letterbox list --since 2026-04-01
              letterbox show LB-2026-000001
              letterbox quarantine list
              letterbox contacts show 42
              letterbox restrictions list
              letterbox forward
              letterbox outbox list --state dead

            Exit status (sysexits.h): 0 done; 64 usage error; 65 some input was
            quarantined; 66 a named file does not exist; 74 I/O error; 75 temporary
            failure (store busy or disk full: try again); 78 bad configuration.
            """,
        subcommands: [
            Ingest.self, Watch.self, Serve.self, List.self, Show.self, Export.self, Quarantine.self, Stats.self,
            Contacts.self, Cases.self, Restrictions.self, TriageCommand.self, Forward.self, Outbox.self, StoreCommand.self,
        ]
    )

    static func main() async {
        umask(0o077)  // store files, error notes and moved files: owner-only
        LogSetup.bootstrap()
        Importing.register(StoreImportHost())
        // The mail pipe starts one process per message, and a watched folder's helper one per
        // note. Parsing the command line from the root builds every command's arguments by
        // reflection, a fifth of the process's work; for `ingest NAME` parse only that
        // command's own options. Any parse error takes the ordinary path below, so the messages
        // and the usage are the same.
        let arguments = Array(CommandLine.arguments.dropFirst())
        // The mail pipe's plain options need no parser at all (EmailPipeCommand.parsePlain).
        if arguments.count >= 2, arguments[0] == "ingest", arguments[1] == "email",
           let pipe = EmailPipeCommand.parsePlain(Array(arguments.dropFirst(2))) {
            // Run directly: asking whether a command is an AsyncParsableCommand is a search of
            // every protocol conformance in the binary.
            do { try await pipe.run() } catch { exit(withError: error) }
            return
        }
        if arguments.count >= 2, arguments[0] == "ingest",
           let leaf = ChannelRegistry.importCommands.first(where: { $0.configuration.commandName == arguments[1] && $0.configuration.subcommands.isEmpty }),
           let command = try? leaf.parse(Array(arguments.dropFirst(2))) {
            do { try await run(command) } catch { exit(withError: error) }
            return
        }
        do { try await run(try parseAsRoot()) } catch { exit(withError: error) }
    }

    private static func run(_ command: any ParsableCommand) async throws {
        var command = command
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    }
}
