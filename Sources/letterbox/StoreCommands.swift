import ArgumentParser
import Foundation
import LetterboxCommands
import LetterboxPostgres
import Logging

/// `letterbox store`: which backend a store is on and how it is, and moving a SQLite store into
/// PostgreSQL (README, "Running several instances").
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Check a store (SQLite or PostgreSQL), or copy a SQLite store into PostgreSQL.",
        subcommands: [StoreCheck.self, StoreCopyCommand.self]
    )
}

struct StoreCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Report the backend, schema version, connections and row counts; exit 75 when the store cannot be written.",
        discussion: """
            Examples:
              letterbox store check
              LETTERBOX_STORE_PASSWORD_FILE=/etc/letterbox/pg-password \\
                letterbox store check --store postgres://letterbox@db.internal:5432/letterbox
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        try await reportingErrors {
            let settings = try await Settings.load(storeOptions)
            let check: PostgresStore.Check
            let name: String
            if PostgresLocation.isPostgres(settings.storePath) {
                let location = try postgresLocation(settings.storePath)
                name = "PostgreSQL store \(location)"
                do {
                    check = try await PostgresStore.withStore(location, logger: Logger(label: "letterbox.store")) { try await $0.check() }
                } catch {
                    throw CLIError(.tempFail, "Cannot use the PostgreSQL store \(location): \(PostgresStore.describe(error))")
                }
            } else {
                _ = try settings.openExistingSQLiteStore()  // missing, or an older schema brought up to date
                name = "SQLite store \(settings.storePath)"
                check = try SQLiteCheck.check(settings.storePath)
            }
            print(name)
            print("  server:       \(check.server)")
            print("  schema:       \(check.schema)")
            print("  writable:     \(check.writable ? "yes" : "NO")")
            if check.roundTripMilliseconds > 0 {
                print(String(format: "  connections:  up to %d (pool), round trip %.1f ms", check.maximumConnections, check.roundTripMilliseconds))
            }
            print("  rows:")
            for (table, rows) in check.counts { print("    " + table.padding(toLength: 24, withPad: " ", startingAt: 0) + String(rows)) }
            if let blobFile = check.blobFile { print("  large blobs:  \(blobFile)") }
            if !check.problems.isEmpty { throw CLIError(.dataError, check.problems.joined(separator: "\n")) }
            if !check.writable { throw CLIError(.tempFail, "The store cannot be written.") }
        }
    }
}

struct StoreCopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy everything in a SQLite store into a PostgreSQL store, then check counts and checksums.",
        discussion: """
            Raw bytes, records, contacts, cases, links, the audit log and the outbox's positions
            are copied with their ids. An interrupted copy can be run again: it goes on after
            the last raw bytes copied and leaves rows already there alone. At the end every
            table's rows are counted and checksummed on both sides; any difference fails the
            command (exit 70) and names the tables. Stop `letterbox serve` and the mail pipe on
            the SQLite store first, or what arrives during the copy stays behind.

            Example:
              LETTERBOX_STORE_PASSWORD_FILE=/etc/letterbox/pg-password \\
                letterbox store copy --from /var/lib/letterbox/letterbox.sqlite \\
                  --to postgres://letterbox@db.internal:5432/letterbox
            """
    )

    @Option(help: "The SQLite store to copy from.") var from: String
    @Option(help: "The PostgreSQL store to copy into (postgres://user@host:port/db).") var to: String
    @Option(help: .hidden) var stopAfterBlobBatches: Int?

    func run() async throws {
        try await reportingErrors {
            guard FileManager.default.fileExists(atPath: from) else { throw CLIError(.noInput, "There is no store at \(from).") }
            let location = try postgresLocation(to)
            let source = from
            let stop = stopAfterBlobBatches
            let began = Date()
            let reports: [StoreCopy.TableReport]
            do {
                reports = try await PostgresStore.withStore(location, logger: Logger(label: "letterbox.store")) { store in
                    try await StoreCopy.copy(from: source, to: store, progress: { line in writeToStandardError("  \(line)\n") }, stopAfterBlobBatches: stop)
                }
            } catch let mismatch as StoreCopy.Mismatch {
                throw CLIError(.software, mismatch.description)
            } catch let notEmpty as StoreCopy.TargetNotEmpty {
                throw CLIError(.dataError, notEmpty.description)
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError(.tempFail, "The copy into \(location) stopped: \(PostgresStore.describe(error)). Run the same command again to go on.")
            }
            if reports.isEmpty {
                print("Stopped early, as asked; run again to go on.")
                return
            }
            print("Copied \(from) into \(location) in \(String(format: "%.1f", Date().timeIntervalSince(began))) s; every table's count and checksum match:")
            for report in reports {
                print("  " + report.table.padding(toLength: 24, withPad: " ", startingAt: 0) + "\(report.targetRows) rows (\(report.copied) read this run)")
            }
        }
    }
}

/// A PostgreSQL URL from --store or --to, or a usage error that does not show its password.
func postgresLocation(_ url: String) throws -> PostgresLocation {
    do {
        return try PostgresLocation(url)
    } catch {
        throw CLIError(.config, error.description)
    }
}
