import ArgumentParser
import Foundation
import LetterboxCore
import LetterboxPhoneNotes
import LetterboxStore

/// An error at the command line's edge, with the sysexits.h status it exits with.
struct CLIError: Error, CustomStringConvertible {
    struct Status: Hashable {
        var code: Int32
        static let usage = Status(code: 64)  // EX_USAGE
        static let dataError = Status(code: 65)  // EX_DATAERR: some input was quarantined
        static let noInput = Status(code: 66)  // EX_NOINPUT: a named file does not exist
        static let software = Status(code: 70)  // EX_SOFTWARE
        static let ioError = Status(code: 74)  // EX_IOERR
        static let tempFail = Status(code: 75)  // EX_TEMPFAIL: try again later
        static let config = Status(code: 78)  // EX_CONFIG
    }

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
        case let error as NoteFolder.FolderError: return CLIError(.ioError, error.message)
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

/// Writes to standard error after flushing standard output, so that when both go to one file
/// (`letterbox list > out.txt 2>&1`) a summary never lands inside a table row.
func writeToStandardError(_ text: String) {
    fflush(nil)
    FileHandle.standardError.write(Data(text.utf8))
}
