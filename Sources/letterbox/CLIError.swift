import ArgumentParser
import Foundation
import LetterboxCore
import LetterboxCommands
import LetterboxStore

/// An error at the command line's edge, with the sysexits.h status it exits with: the same
/// type the adapters' import commands throw.
typealias CLIError = CommandFailure

extension CommandFailure {
    typealias Status = ExitStatus

    /// Maps any error to the status and message the user sees.
    static func from(_ error: any Error) -> CommandFailure {
        switch error {
        case let error as CommandFailure: return error
        case let error as StoreError:
            switch error.code {
            case .busy, .full: return CommandFailure(.tempFail, error.message)
            case .notFound: return CommandFailure(.noInput, error.message)
            case .invalid: return CommandFailure(.usage, error.message)
            default: return CommandFailure(.ioError, error.message)
            }
        default: return CommandFailure(.software, "\(error)")
        }
    }
}

extension AsyncParsableCommand {
    /// Runs the body, printing a failure as one line on standard error and exiting with its status.
    func reportingErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            throw CommandFailure.from(error).reported()
        }
    }
}
