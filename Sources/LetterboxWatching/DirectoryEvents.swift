#if canImport(Glibc)
import Dispatch
import Glibc

/// Linux inotify on one folder: which names changed (created, written and closed, moved in).
///
/// Used by the adapters' watched folders (phone notes, Maildirs). Events are hints, not a contract: a watcher also rescans the
/// folder periodically, so a lost event (queue overflow) delays a file but never loses it.
public final class DirectoryEvents: @unchecked Sendable {
    private let fd: Int32
    private let watch: Int32

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(path: String) throws {
        // The descriptor is stored only once the watch is set: a class whose properties are all
        // set runs its deinit even when its init throws, and a second close could close a
        // descriptor another thread had opened since.
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw SetupError(description: "inotify_init1 failed: \(String(cString: strerror(errno)))") }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_ATTRIB)
        let watch = inotify_add_watch(fd, path, mask)
        guard watch >= 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw SetupError(description: "Cannot watch \(path): \(message)")
        }
        self.fd = fd
        self.watch = watch
    }

    deinit { close(fd) }

    /// Waits up to `timeoutMilliseconds` for events, on a thread outside the cooperative pool,
    /// and returns the names they concern.
    public func next(timeoutMilliseconds: Int32) async -> [String] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: self.wait(timeoutMilliseconds: timeoutMilliseconds))
            }
        }
    }

    /// Blocks up to `timeoutMilliseconds` for events and returns the names they concern.
    /// Call from a thread that may block.
    public func wait(timeoutMilliseconds: Int32) -> [String] {
        var pollDescriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pollDescriptor, 1, timeoutMilliseconds) > 0 else { return [] }
        var names: [String] = []
        let size = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let count = read(fd, buffer, size)
            guard count > 0 else { break }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                let nameLength = Int(event.len)
                if nameLength > 0 {
                    let namePointer = buffer.advanced(by: offset + MemoryLayout<inotify_event>.size)
                        .assumingMemoryBound(to: CChar.self)
                    names.append(String(cString: namePointer))
                }
                offset += MemoryLayout<inotify_event>.size + nameLength
            }
        }
        return names
    }
}
#endif
