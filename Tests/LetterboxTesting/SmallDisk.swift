public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small tmpfs, for a store whose disk fills up (mounting needs root, as in CI; otherwise skipped).
public struct SmallDisk: Sendable {
    public let path: URL

    public static func mount(megabytes: Int) -> SmallDisk? {
        guard getuid() == 0, let root = try? Fixtures.temporaryFolder("small-disk") else { return nil }
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", root.path]
        mount.standardError = FileHandle.nullDevice
        guard (try? mount.run()) != nil else { return nil }
        mount.waitUntilExit()
        return mount.terminationStatus == 0 ? SmallDisk(path: root) : nil
    }

    /// Writes zeros until the disk has no byte left.
    public func fill() {
        let file = path.appendingPathComponent("filler").path
        _ = FileManager.default.createFile(atPath: file, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: file) else { return }
        let block = Data(count: 64 * 1024)
        while (try? handle.write(contentsOf: block)) != nil {}
        let byte = Data(count: 1)
        while (try? handle.write(contentsOf: byte)) != nil {}
        try? handle.close()
    }

    public func free() { try? FileManager.default.removeItem(at: path.appendingPathComponent("filler")) }

    public func unmount() {
        let umount = Process()
        umount.executableURL = URL(fileURLWithPath: "/bin/umount")
        umount.arguments = ["-l", path.path]
        try? umount.run()
        umount.waitUntilExit()
    }
}
