import ArgumentParser
import Foundation
import LetterboxCommands
import LetterboxCore
import LetterboxEmail
import LetterboxPhoneNotes
import LetterboxStore
import LetterboxTesting
import Logging
import Testing

/// The adapters' import commands run through a host that is not the executable: the boundary a
/// second store backend plugs into. A real SQLite file and a real PostgreSQL database, real
/// samples.
@Suite("Import commands supplied by adapters")
struct ImportCommandTests {
    /// A host over the store named by `--store` (a SQLite path or a postgres:// URL), with the
    /// email and phone-notes decoders.
    struct TestHost: ImportHost {
        func environment(_ choice: StoreChoice) async throws -> ImportEnvironment {
            let path = try #require(choice.store)
            let settings = ChannelSettings(
                readers: .init(string: { _, _ in nil }, int: { _ in nil }, double: { _ in nil }, bool: { _ in nil }, list: { _ in [] }),
                adapterNames: ["email", "phone"],
                serving: false
            )
            let adapters = try EmailAdapter.adapters(settings) + PhoneNotesAdapter.adapters(settings)
            return ImportEnvironment(settings: settings, logger: Logger(label: "test"), storeName: path) { _ in
                let store = try TestStores.open(path)
                return ImportSession(pipeline: Intake(backend: store, adapters: adapters), checkpoints: store)
            }
        }

        func failure(_ error: any Error) -> CommandFailure {
            if let failure = error as? CommandFailure { return failure }
            return CommandFailure(.software, "\(error)")
        }
    }

    init() { Importing.register(TestHost()) }

    /// Runs a command; its exit status (0 when it returned).
    func run(_ command: any ParsableCommand.Type, _ arguments: [String]) async throws -> Int32 {
        var parsed = try #require(try command.parseAsRoot(arguments) as? any AsyncParsableCommand)
        do {
            try await parsed.run()
            return 0
        } catch let exit as ExitCode {
            return exit.rawValue
        }
    }

    @Test("The adapters list their commands under the names `letterbox ingest` mounts")
    func commandNames() {
        #expect(EmailAdapter.importCommands.map { $0.configuration.commandName } == ["email", "mbox", "maildir"])
        #expect(PhoneNotesAdapter.importCommands.map { $0.configuration.commandName } == ["notes"])
    }

    @Test("`ingest notes`: every sample note stored, the malformed one quarantined (exit 65); a second run records nothing new", arguments: Backend.allCases)
    func notes(_ backend: Backend) async throws {
        let folder = try Fixtures.temporaryFolder()
        let store = try await Fixtures.offPool { try TestStores.makeName(backend, "import") }
        let samples = Fixtures.samples("phone-notes").path
        #expect(try await run(NotesImportCommand.self, ["--store", store, samples]) == 65)
        let records = try TestStores.open(store).records().count
        #expect(records == Fixtures.sampleFiles("phone-notes").count - 1)
        #expect(try await run(NotesImportCommand.self, ["--store", store, samples]) == 65)
        #expect(try TestStores.open(store).records().count == records)
        #expect(try await run(NotesImportCommand.self, ["--store", store, folder.appendingPathComponent("absent").path]) == 66)
    }

    @Test("`ingest mbox`: the messages stored, the checkpoint saved through the host, a second run resumes past them", arguments: Backend.allCases)
    func mbox(_ backend: Backend) async throws {
        let folder = try Fixtures.temporaryFolder()
        let store = try await Fixtures.offPool { try TestStores.makeName(backend, "import") }
        var mbox = Data()
        let messages = Fixtures.sampleFiles("email").filter { $0.pathExtension == "eml" }.prefix(4)
        for file in messages {
            mbox.append(Data("From sender@example.org Mon Jan  5 10:00:00 2026\n".utf8))
            mbox.append(try Data(contentsOf: file))
            mbox.append(Data("\n".utf8))
        }
        let file = folder.appendingPathComponent("box.mbox")
        try mbox.write(to: file)
        #expect(try await run(MboxImportCommand.self, ["--store", store, file.path]) == 0)
        let opened = try TestStores.open(store)
        let checkpoint = try #require(try opened.checkpoint(path: file.standardizedFileURL.path))
        #expect(checkpoint.messages == messages.count)
        #expect(checkpoint.offset == Int64(mbox.count))
        let stored = try opened.records().count
        #expect(stored > 0)
        #expect(try await run(MboxImportCommand.self, ["--store", store, file.path]) == 0)
        #expect(try TestStores.open(store).records().count == stored)
        // Not an mbox: refused before anything is stored.
        let eml = try #require(messages.first)
        #expect(try await run(MboxImportCommand.self, ["--store", store, eml.path]) == 65)
    }
}
