import Foundation
import GRDB

/// Why the case store could not do what was asked.
///
/// The edges map ``code`` to what the outside world needs: the command-line tool to an
/// exit status (``Code/busy`` and ``Code/full`` to 75, so a mail server retries; ``Code/io``
/// to 74), the HTTP server to 503 with Retry-After.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Another process held the store past the busy timeout. Temporary: try again later.
        public static let busy = Code(rawValue: "busy")
        /// The disk is full. Temporary: try again after freeing space.
        public static let full = Code(rawValue: "full")
        /// The file or its folder cannot be opened, read or written.
        public static let io = Code(rawValue: "io")
        /// What was asked for does not exist.
        public static let notFound = Code(rawValue: "not_found")
        /// The request does not make sense for the thing's state (retrying an accepted submission).
        public static let invalid = Code(rawValue: "invalid")
        /// The store is damaged or was written by a newer Letterbox.
        public static let corrupt = Code(rawValue: "corrupt")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// True for failures that a retry later may fix.
    public var isTemporary: Bool { code == .busy || code == .full }

    public var description: String { message }

    /// Translates whatever SQLite or the file system threw into a store error.
    static func wrapping(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return StoreError(.busy, "The store \(path) is locked by another process and stayed locked past the busy timeout.")
            case .SQLITE_FULL:
                return StoreError(.full, "The disk holding the store \(path) is full.")
            case .SQLITE_CANTOPEN, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
                return StoreError(.io, "The store \(path) cannot be opened or written: \(error.message ?? "\(error.resultCode)").")
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                return StoreError(.corrupt, "The file \(path) is not a readable Letterbox store: \(error.message ?? "corrupt").")
            default:
                return StoreError(.io, "The store \(path) reported an error: \(error.message ?? "\(error.resultCode)").")
            }
        }
        return StoreError(.io, "The store \(path) reported an error: \(error)")
    }
}
