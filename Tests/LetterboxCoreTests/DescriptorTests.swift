import Foundation
import LetterboxWatching
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A descriptor closed twice closes whatever another thread opened under the same number in
/// between: a pipe to a child, a connection, the store's file. A CI run lost a test's process
/// spawn so (EBADF); these check the types that open descriptors and can fail half way.
@Suite struct DescriptorTests {
    @Test("A folder that cannot be watched closes its descriptor once: descriptors another thread opens meanwhile stay open")
    func failedWatchClosesOnce() throws {
        let stop = Atomic<Bool>(false)
        let lost = Atomic<Int>(0)
        let opened = Atomic<Int>(0)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            while !stop.load(ordering: .relaxed) {
                let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { continue }
                opened.add(1, ordering: .relaxed)
                var closedUnderUs = false
                for _ in 0..<50 where fcntl(fd, F_GETFD) == -1 {
                    closedUnderUs = true
                    break
                }
                // One closed under this thread is not closed again: its number may be another's now.
                if closedUnderUs { lost.add(1, ordering: .relaxed) } else { close(fd) }
            }
            done.signal()
        }
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-folder-\(UUID())").path
        // 20,000 attempts or two seconds, whichever comes first: the other thread spins on a core
        // meanwhile, and the whole suite runs beside it. (Before the fix, every run here lost
        // descriptors within 0.2 s.)
        var attempts = 0
        var failures = 0
        let deadline = Date().addingTimeInterval(2)
        while attempts < 20_000, lost.load(ordering: .relaxed) == 0, attempts % 256 != 0 || Date() < deadline {
            attempts += 1
            do { _ = try DirectoryEvents(path: missing) } catch { failures += 1 }
        }
        stop.store(true, ordering: .relaxed)
        done.wait()
        #expect(failures == attempts && attempts > 0)
        #expect(opened.load(ordering: .relaxed) > 0)
        #expect(lost.load(ordering: .relaxed) == 0, "descriptors closed under another thread")
    }
}
