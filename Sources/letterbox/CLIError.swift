import ArgumentParser
import Foundation
import LetterboxCore
import LetterboxCommands
import LetterboxStore

/// An error at the command line's edge, with the sysexits.h status it exits with.
struct CLIError: Error, CustomStringConvertible {
    typealias Status = ExitStatus

    var status: Status
    var message: String

    init(_ status: Status, _ message: String) {
        self.status = status
        self.message = message
    }

    var description: String { message }

    /// Maps any error to the status and message the user sees.
    static func from(_ error: any Error) -> CLIError {
        switch error {
        case let error as CLIError: return error
        case let error as StoreError:
            switch error.code {
            case .busy, .full: return CLIError(.tempFail, error.message)
            case .notFound: return CLIError(.noInput, error.message)
            case .invalid: return CLIError(.usage, error.message)
            default: return CLIError(.ioError, error.message)
            }
        case let error as CommandFailure: return CLIError(error.status, error.message)
        default: return CLIError(.software, "\(error)")
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
            let failure = CLIError.from(error)
            writeToStandardError("letterbox: \(failure.message)\n")
            throw ExitCode(failure.status.code)
        }
    }
}
