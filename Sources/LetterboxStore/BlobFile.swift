package import Foundation
import GRDB
import GRDBSQLite
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The SQLite store's file of large blobs: `letterbox.sqlite-blobs` beside the database,
/// owner-only, append-only (issue 15, v14).
///
/// A raw message or a file of ``threshold`` bytes or more is appended here and its blobs row
/// holds no bytes; a `blob_files` row says where they are. In the database, those bytes went
/// to the WAL and then again to the database file at each checkpoint, a page at a time through
/// the page cache: on the 914 MB mbox, nine tenths of all bytes written. Here they are written
/// once.
///
/// Crash safety comes from the order: bytes are appended while the transaction that names them
/// holds SQLite's write lock (so one process appends at a time and the offset is the file's
/// length), and the file is synced (`fdatasync`) when that transaction is about to commit,
/// before SQLite syncs its WAL. A crash or a rollback before the commit leaves bytes at the end
/// that no row names, never a row naming bytes that are not there. Those bytes are wasted
/// space, not damage; `store check` counts them, and the next transaction that appends cuts
/// them off first.
///
/// Reading checks the SHA-256 of what it read, so a damaged or truncated file is a `corrupt`
/// error, never other bytes.
package enum BlobFile {
    /// Blobs of at least this many bytes go to the file. 16 KB: on the 914 MB corpus, the 15% of
    /// messages at or over it hold 93% of the bytes, and the small ones (a text message, a form
    /// post, most mail) stay in the row, where writing them costs no second sync.
    package static let threshold = 16 << 10

    /// The file beside the database at `databasePath`.
    package static func path(forDatabase databasePath: String) -> String {
        databasePath + "-blobs"
    }

    /// The database file of a connection; nil for a database with no file (in memory), whose
    /// blobs stay in their rows.
    static func databasePath(_ db: Database) -> String? {
        guard let name = sqlite3_db_filename(db.sqliteConnection, "main") else { return nil }
        let path = String(cString: name)
        return path.isEmpty ? nil : path
    }

    /// Where the bytes that committed rows name end: the end of the blob with the largest id
    /// (blob ids grow with the file). Past it lie only bytes of transactions that did not commit.
    package static func committedEnd(_ db: some StoreConnection) throws -> Int64 {
        try db.value("SELECT start + length FROM blob_files ORDER BY blob_id DESC LIMIT 1", [], as: Int64.self) ?? 0
    }

    /// Appends `data` to the file of the database `db` writes, inside its write transaction;
    /// returns where it went. The file is synced before that transaction commits.
    static func append(_ data: Data, db: Database, databasePath: String) throws -> Int64 {
        let path = path(forDatabase: databasePath)
        var created = false
        var fd = open(path, O_WRONLY | O_CLOEXEC)
        if fd < 0 && errno == ENOENT {
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            created = fd >= 0
        }
        guard fd >= 0 else { throw failure("open", path) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw failure("read the length of", path) }
        var start = Int64(status.st_size)
        // The first append of a transaction takes back what transactions that did not commit
        // appended (a crash, a rollback, a failed batch): bytes past the end of the last blob a
        // committed row names. This transaction holds the write lock, so no other appends now,
        // and no reader can see a row that names those bytes. Blob ids grow with the file (one
        // writer at a time, each blob's row inserted before its bytes are appended), so the
        // last committed blob is the row with the largest id, found through the primary key.
        let firstOfTransaction = SyncBeforeCommit.waiting.withLock { $0[path] == nil }
        if firstOfTransaction, start > 0 {
            let committedEnd = try committedEnd(db)
            if committedEnd < start {
                guard ftruncate(fd, off_t(committedEnd)) == 0 else { throw failure("cut back", path) }
                start = committedEnd
            }
        }
        try data.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let written = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(start) + off_t(done))
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("write to", path)
                }
                done += written
            }
        }
        // Synced when the transaction commits (and the folder too when the file is new, so
        // that its name survives a power cut with the rows that point into it): one observer a
        // transaction, however many blobs it appends.
        let end = start + Int64(data.count)
        let added = SyncBeforeCommit.waiting.withLock { waiting -> SyncBeforeCommit? in
            if let observer = waiting[path] {
                observer.appended(upTo: end)
                return nil
            }
            let observer = SyncBeforeCommit(path: path, folderToo: created, appendedEnd: end)
            waiting[path] = observer
            return observer
        }
        if let added { db.add(transactionObserver: added, extent: .nextTransaction) }
        return start
    }

    /// Starts syncing, on another thread, what the transaction of `db` has appended so far: an
    /// import's batch appends its messages first and then spends most of its time on their
    /// records, so the sync is done by the commit, which then syncs only what came after it.
    static func syncAppendedSoFar(databasePath: String) {
        let path = path(forDatabase: databasePath)
        SyncBeforeCommit.waiting.withLock { $0[path] }?.startEarlySync()
    }

    /// `length` bytes from `start` of the file beside the database at `databasePath`.
    package static func read(databasePath: String, start: Int64, length: Int64) throws -> Data {
        let path = path(forDatabase: databasePath)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", path) }
        defer { close(fd) }
        guard start >= 0, length >= 0, length <= Int64(Int.max) else { return Data() }
        var data = Data(count: Int(length))
        let got = data.withUnsafeMutableBytes { bytes -> Int in
            var done = 0
            while done < bytes.count {
                let read = pread(fd, bytes.baseAddress! + done, bytes.count - done, off_t(start) + off_t(done))
                if read < 0 && errno == EINTR { continue }
                if read <= 0 { return read < 0 ? -1 : done }
                done += read
            }
            return done
        }
        guard got >= 0 else { throw failure("read", path) }
        // Short: the file ends before the blob does. The caller's SHA-256 check reports it.
        if got < data.count { data.removeSubrange(got...) }
        return data
    }

    /// The file's length in bytes, or 0 when there is none.
    package static func length(databasePath: String) -> Int64 {
        var status = stat()
        return stat(path(forDatabase: databasePath), &status) == 0 ? Int64(status.st_size) : 0
    }

    static func failure(_ what: String, _ path: String) -> StoreError {
        let code = errno
        let reason = String(cString: strerror(code))
        return StoreError(code == ENOSPC || code == EDQUOT ? .full : .io, "Cannot \(what) the store's file of large blobs \(path): \(reason).")
    }

    /// Syncs the file when the transaction that appended to it is about to commit; an error
    /// rolls the transaction back, so no row ever names bytes that are not on the disk.
    final class SyncBeforeCommit: TransactionObserver, Sendable {
        /// The observer of each file whose transaction has not ended. One writer a store at a
        /// time (SQLite's lock), so a path is here for one transaction at most.
        static let waiting = Mutex<[String: SyncBeforeCommit]>([:])
        let path: String
        let folderToo: Bool
        private struct State {
            /// The file's length after this transaction's last append.
            var appendedEnd: Int64
            /// The length that a finished sync, started after it was reached, made durable.
            var syncedEnd: Int64 = -1
            var earlySync: DispatchGroup?
        }
        private let state: Mutex<State>

        init(path: String, folderToo: Bool, appendedEnd: Int64) {
            self.path = path
            self.folderToo = folderToo
            self.state = Mutex(State(appendedEnd: appendedEnd))
        }

        func appended(upTo end: Int64) {
            state.withLock { $0.appendedEnd = max($0.appendedEnd, end) }
        }

        /// A sync of everything appended so far, on another thread, unless one is running.
        func startEarlySync() {
            let group = DispatchGroup()
            let covers: Int64? = state.withLock { state in
                guard state.earlySync == nil, state.syncedEnd < state.appendedEnd else { return nil }
                state.earlySync = group
                return state.appendedEnd
            }
            guard let covers else { return }
            group.enter()
            let path = path
            DispatchQueue.global().async { [self] in
                // A failure here is not reported: the commit then syncs, and reports its own.
                let synced = (try? Self.sync(path)) != nil
                state.withLock { state in
                    if synced { state.syncedEnd = max(state.syncedEnd, covers) }
                    state.earlySync = nil
                }
                group.leave()
            }
        }

        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { ended() }
        func databaseDidRollback(_ db: Database) { ended() }

        func databaseWillCommit() throws {
            if let running = state.withLock({ $0.earlySync }) { running.wait() }
            let covered = state.withLock { $0.syncedEnd >= $0.appendedEnd }
            if !covered { try Self.sync(path) }
            if folderToo {
                let folder = (path as NSString).deletingLastPathComponent
                try Self.sync(folder.isEmpty ? "." : folder)
            }
        }

        private func ended() {
            _ = Self.waiting.withLock { $0.removeValue(forKey: path) }
        }

        static func sync(_ path: String) throws {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw BlobFile.failure("open", path) }
            defer { close(fd) }
            guard fdatasync(fd) == 0 else { throw BlobFile.failure("sync", path) }
        }
    }
}
