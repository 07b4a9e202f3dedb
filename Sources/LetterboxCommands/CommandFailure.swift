public import ArgumentParser
import Foundation

/// The exit statuses of every command (sysexits.h), as the README lists them.
public struct ExitStatus: Hashable, Sendable {
    public var code: Int32
    public init(code: Int32) { self.code = code }

    public static let usage = ExitStatus(code: 64)  // EX_USAGE
    public static let dataError = ExitStatus(code: 65)  // EX_DATAERR: some input was quarantined
    public static let noInput = ExitStatus(code: 66)  // EX_NOINPUT: a named file does not exist
    public static let software = ExitStatus(code: 70)  // EX_SOFTWARE
    public static let ioError = ExitStatus(code: 74)  // EX_IOERR
    public static let tempFail = ExitStatus(code: 75)  // EX_TEMPFAIL: try again later
    public static let config = ExitStatus(code: 78)  // EX_CONFIG

    /// Ends the command with this status.
    public var exit: ExitCode { ExitCode(code) }
}

/// A failure at a command's edge: one line for the user, and the status it exits with.
public struct CommandFailure: Error, CustomStringConvertible, Sendable {
    public var status: ExitStatus
    public var message: String

    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }

    /// Prints the failure as one line on standard error (`letterbox: ...`); the exit to throw.
    public func reported() -> ExitCode {
        writeToStandardError("letterbox: \(message)\n")
        return status.exit
    }
}

/// Writes to standard error after flushing standard output, so that when both go to one file
/// (`letterbox list > out.txt 2>&1`) a summary never lands inside a table row.
public func writeToStandardError(_ text: String) {
    fflush(nil)
    FileHandle.standardError.write(Data(text.utf8))
}
