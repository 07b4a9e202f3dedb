public import Foundation
public import LetterboxCore

#if canImport(Glibc)
import Glibc
#endif

/// A folder that staff drop phone notes into, with `processed/` and `failed/` beside the notes.
///
/// Reads files, never follows a link out of the folder, and moves each file only after its
/// outcome is committed: to `processed/YYYY-MM-DD/`, or to `failed/` with `NAME.error.txt`
/// explaining why in plain English.
public struct NoteFolder: Sendable {
    /// A problem with the folder itself (not with a note): missing, not a folder, not writable.
    public struct FolderError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public let path: String
    /// Files larger than this are not read into memory at all: they are moved to `failed/` and
    /// recorded in quarantine without their bytes. Notes over the decoder's own (smaller) limit
    /// are read and quarantined with their bytes.
    public var hardSizeLimit: Int

    public init(path: String, hardSizeLimit: Int = 256 << 20) throws(FolderError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw FolderError(message: "\(path) does not exist or is not a folder.")
        }
        self.path = (path as NSString).standardizingPath
        self.hardSizeLimit = hardSizeLimit
    }

    /// Creates `processed/` and `failed/` and proves the folder can be written, so that a
    /// permissions problem shows at start-up rather than after the first note.
    public func prepareForMoving() throws(FolderError) {
        for sub in ["processed", "failed"] {
            let folder = path + "/" + sub
            if mkdir(folder, 0o750) != 0, errno != EEXIST {
                throw FolderError(message: "Cannot create \(folder): \(String(cString: strerror(errno))). "
                    + "Letterbox needs write access to \(path) to move notes once they are stored.")
            }
        }
        let probe = path + "/.letterbox-write-test-\(getpid())"
        let fd = open(probe, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw FolderError(message: "The folder \(path) is not writable: \(String(cString: strerror(errno))).")
        }
        close(fd)
        unlink(probe)
    }

    /// Names that are never notes: hidden files, Office lock files, editor and download temporaries.
    public static func isIgnored(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasPrefix("~$") || name.hasSuffix("~") { return true }
        let lower = name.lowercased()
        return [".tmp", ".temp", ".swp", ".part", ".crdownload", ".partial", ".error.txt"].contains { lower.hasSuffix($0) }
    }

    /// The names of the files directly in the folder that may be notes, sorted.
    public func candidates() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        return names.filter { name in
            guard !Self.isIgnored(name) else { return false }
            var info = stat()
            guard lstat(path + "/" + name, &info) == 0 else { return false }
            let type = info.st_mode & S_IFMT
            return type == S_IFREG || type == S_IFLNK
        }.sorted()
    }

    /// Size and modification time, for deciding whether a file is still being written.
    public func fileState(_ name: String) -> FileState? {
        var info = stat()
        guard stat(path + "/" + name, &info) == 0 else { return nil }
        let mtime = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return FileState(size: Int64(info.st_size), modified: mtime)
    }

    /// What reading a file gave.
    public enum Reading: Sendable {
        /// The bytes, ready for the pipeline.
        case submission(RawSubmission)
        /// The file must not be read (a link out of the folder, a huge file): store this
        /// submission straight into quarantine with the error.
        case refused(RawSubmission, IntakeError)
        /// The file disappeared or could not be opened; nothing to store.
        case unreadable(String)
    }

    /// Reads one file of the folder as a phone-note submission.
    public func read(_ name: String, receivedAt: Date) -> Reading {
        let filePath = path + "/" + name
        var metadata = ["file_name": name]
        var info = stat()
        guard lstat(filePath, &info) == 0 else { return .unreadable("\(filePath) vanished before it could be read.") }
        if info.st_mode & S_IFMT == S_IFLNK {
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: filePath)) ?? "?"
            let resolved = realpathString(filePath)
            let root = realpathString(path) ?? path
            metadata["symlink_target"] = target
            guard let resolved, resolved.hasPrefix(root + "/") else {
                let submission = RawSubmission(
                    channel: .phone, source: filePath, receivedAt: receivedAt, bytes: Data(target.utf8), metadata: metadata
                )
                return .refused(
                    submission,
                    IntakeError(
                        .refused,
                        "\(name) is a symbolic link to \(target), which is outside the watched folder. Letterbox does "
                            + "not follow links out of the folder, for safety. Copy the note itself into the folder instead."
                    )
                )
            }
        }
        return readFile(filePath, metadata: metadata, receivedAt: receivedAt)
    }

    /// Reads a file named directly (not through a folder), following links.
    public static func readFile(_ filePath: String, receivedAt: Date, hardSizeLimit: Int = 256 << 20) -> Reading {
        let folder = NoteFolder(unchecked: (filePath as NSString).deletingLastPathComponent, hardSizeLimit: hardSizeLimit)
        return folder.readFile(filePath, metadata: ["file_name": (filePath as NSString).lastPathComponent], receivedAt: receivedAt)
    }

    private init(unchecked path: String, hardSizeLimit: Int) {
        self.path = path
        self.hardSizeLimit = hardSizeLimit
    }

    private func readFile(_ filePath: String, metadata: [String: String], receivedAt: Date) -> Reading {
        var info = stat()
        guard stat(filePath, &info) == 0 else {
            return .unreadable("Cannot read \(filePath): \(String(cString: strerror(errno))).")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return .unreadable("\(filePath) is not a regular file.") }
        if Int(info.st_size) > hardSizeLimit {
            let submission = RawSubmission(channel: .phone, source: filePath, receivedAt: receivedAt, bytes: Data(), metadata: metadata)
            return .refused(
                submission,
                IntakeError(
                    .tooLarge,
                    "The file is \(info.st_size) bytes, far over the size of any phone note, so it was not read. "
                        + "It has been moved to the failed folder untouched."
                )
            )
        }
        guard let handle = FileHandle(forReadingAtPath: filePath) else {
            return .unreadable("Cannot open \(filePath): \(String(cString: strerror(errno))).")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.readToEnd() ?? Data()  // nil means an empty file
        } catch {
            return .unreadable("Cannot read \(filePath): \(error).")
        }
        return .submission(RawSubmission(channel: .phone, source: filePath, receivedAt: receivedAt, bytes: data, metadata: metadata))
    }

    private func realpathString(_ p: String) -> String? {
        guard let resolved = realpath(p, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Moves a stored note to `processed/YYYY-MM-DD/` (London date of `day`); returns the new path.
    @discardableResult
    public func moveToProcessed(_ name: String, day: Date) throws(FolderError) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = UKDateReader.london
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        let folder = String(format: "%@/processed/%04d-%02d-%02d", path, parts.year!, parts.month!, parts.day!)
        if mkdir(path + "/processed", 0o750) != 0, errno != EEXIST { throw moveError(name, folder) }
        if mkdir(folder, 0o750) != 0, errno != EEXIST { throw moveError(name, folder) }
        return try move(name, into: folder)
    }

    /// Moves a note that could not be read to `failed/`, with `NAME.error.txt` beside it.
    @discardableResult
    public func moveToFailed(_ name: String, explanation: String) throws(FolderError) -> String {
        let folder = path + "/failed"
        if mkdir(folder, 0o750) != 0, errno != EEXIST { throw moveError(name, folder) }
        let destination = try move(name, into: folder)
        let errorFile = destination + ".error.txt"
        let text = explanation.hasSuffix("\n") ? explanation : explanation + "\n"
        if !FileManager.default.createFile(atPath: errorFile, contents: Data(text.utf8)) {
            throw FolderError(message: "Moved \(name) to \(folder) but could not write \(errorFile).")
        }
        return destination
    }

    private func move(_ name: String, into folder: String) throws(FolderError) -> String {
        let source = path + "/" + name
        var destination = folder + "/" + name
        var counter = 1
        let stem = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        while access(destination, F_OK) == 0 || isLink(destination) {
            counter += 1
            destination = folder + "/" + stem + "-\(counter)" + (ext.isEmpty ? "" : "." + ext)
        }
        guard rename(source, destination) == 0 else { throw moveError(name, folder) }
        return destination
    }

    private func isLink(_ p: String) -> Bool {
        var info = stat()
        return lstat(p, &info) == 0
    }

    private func moveError(_ name: String, _ folder: String) -> FolderError {
        FolderError(message: "Cannot move \(name) into \(folder): \(String(cString: strerror(errno))).")
    }
}

/// Size and modification time of a file.
public struct FileState: Sendable, Hashable {
    public var size: Int64
    /// Seconds since 1970.
    public var modified: Double
}

/// Decides when a file in a watched folder has finished being written: its size and
/// modification time have not changed since the last look, and it was last modified at
/// least `settle` seconds ago. Writers that copy in place (Notepad, a network share) are
/// covered by the wait; writers that rename into place are ready at once.
public struct ReadinessTracker: Sendable {
    public var settle: Double
    private var lastSeen: [String: FileState] = [:]

    public init(settle: Double) { self.settle = settle }

    /// The names among `names` that are ready now; the others are remembered for the next look.
    public mutating func ready(_ names: some Sequence<String>, now: Double, state: (String) -> FileState?) -> [String] {
        var ready: [String] = []
        for name in Set(names) {
            guard let current = state(name) else {
                lastSeen[name] = nil
                continue
            }
            let previous = lastSeen[name]
            lastSeen[name] = current
            let quiet = now - current.modified >= settle
            let unchanged = previous == nil ? quiet : previous == current
            if quiet && unchanged { ready.append(name) }
        }
        return ready.sorted()
    }

    /// Forgets a file once it has been handled (moved away).
    public mutating func forget(_ name: String) { lastSeen[name] = nil }
}
