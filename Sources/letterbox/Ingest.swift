import ArgumentParser
import Foundation
import LetterboxCommands
import LetterboxCore
import LetterboxStore
import LetterboxPostgres
import Logging

/// `letterbox ingest`: every adapter's one-shot import commands (the mail pipe, mbox files,
/// Maildir folders, phone notes), as the adapters supply them.
struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest submissions once, from files or standard input.",
        subcommands: ChannelRegistry.importCommands
    )
}

/// What the import commands get from the executable: the settings, the pipeline with every
/// configured adapter's decoder, and the store's checkpoints.
struct StoreImportHost: ImportHost {
    func environment(_ choice: StoreChoice) async throws -> ImportEnvironment {
        let settings = try await Settings.load(choice)
        let logger = settings.makeLogger()
        return ImportEnvironment(
            settings: settings.channelSettings(serving: false),
            logger: logger,
            storeName: settings.storePath,
            localSocket: settings.localSocket,
            warmUp: { settings.triage.prepareInBackground() }
        ) { oneMessage in
            if PostgresLocation.isPostgres(settings.storePath) {
                let store = try settings.openPostgresStore()
                return ImportSession(pipeline: settings.intake(backend: store), checkpoints: store)
            }
            let store = try settings.openStore(singleConnection: oneMessage)
            return ImportSession(pipeline: settings.intake(store: store), checkpoints: store)
        }
    }

    func failure(_ error: any Error) -> CommandFailure {
        CommandFailure.from(error)
    }

    func localDeliveryWithoutSettings(_ choice: StoreChoice) -> (socket: String, logger: Logger)? {
        guard let unconfigured = Settings.unconfigured(choice), let socket = unconfigured.localSocket else { return nil }
        return (socket, Settings.makeLogger(level: unconfigured.logLevel))
    }
}
