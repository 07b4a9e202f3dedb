import Foundation
import LetterboxCommands
#if canImport(Glibc)
import Glibc
#endif

/// A megabyte kept on the store's disk (`STORE-reserve`, owner-only) by the commands that write.
/// When the disk fills, SQLite cannot even open the store to read it (it needs to create its
/// -shm and -wal files); a reading command then deletes the reserve, so officers can still list,
/// show and export while IT frees space. The next writing command makes the reserve again.
enum StoreReserve {
    static let bytes = 1 << 20

    static func path(beside store: String) -> String { store + "-reserve" }

    /// Makes the reserve if it is missing and there is room. Never fails a command.
    static func ensure(beside store: String) {
        let file = path(beside: store)
        guard !FileManager.default.fileExists(atPath: file) else { return }
        let fd = open(file, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        // Real blocks, not a sparse file: the point is space that exists.
        let complete = posix_fallocate(fd, 0, off_t(bytes)) == 0 && fsync(fd) == 0
        close(fd)
        if !complete { unlink(file) }
    }

    /// Deletes the reserve; true when there was one.
    static func release(beside store: String) -> Bool {
        unlink(path(beside: store)) == 0
    }

    /// Whether the store's disk has less free space than SQLite needs to open it.
    static func diskIsFull(beside store: String) -> Bool {
        let folder = (store as NSString).deletingLastPathComponent
        var info = statvfs()
        guard statvfs(folder.isEmpty ? "." : folder, &info) == 0 else { return false }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize) < UInt64(bytes)
    }
}
