public import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Paths and helpers every test target shares: the samples, the shared corpora, temporary
/// folders, and the built `letterbox` binary.
public enum Fixtures {
    /// The package's root folder.
    public static let packageRoot: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    public static func samples(_ folder: String) -> URL {
        packageRoot.appendingPathComponent("Samples").appendingPathComponent(folder)
    }

    /// The sample files directly in a Samples folder (not its subfolders), sorted by name.
    public static func sampleFiles(_ folder: String) -> [URL] {
        let url = samples(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.sorted().map { url.appendingPathComponent($0) }.filter { file in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder) && !isFolder.boolValue
        }
    }

    /// A new empty folder under the system's temporary folder, removed when the test process
    /// exits. Runs used to leave every one behind, PostgreSQL clusters among them: 55 GB of /tmp
    /// on a developer's machine, until its disk was full. `LETTERBOX_KEEP_TEST_FOLDERS=1` keeps
    /// them, to look into after a failure.
    public static func temporaryFolder(_ label: String = "letterbox-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        _ = removalAtExit
        madeFolders.withLock { $0.append(url.path) }
        return url
    }

    private static let madeFolders = Mutex<[String]>([])

    /// Registered with the first folder, so it runs after the handlers registered later (the
    /// shared PostgreSQL server's stop, TestStores): atexit runs them last first.
    private static let removalAtExit: Void = {
        atexit {
            guard ProcessInfo.processInfo.environment["LETTERBOX_KEEP_TEST_FOLDERS"] == nil else { return }
            for path in Fixtures.madeFolders.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
        }
    }()

    /// The `letterbox` executable built beside the tests.
    public static let binary: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [
            beside.appendingPathComponent("letterbox"),
            beside.deletingLastPathComponent().appendingPathComponent("letterbox"),
            packageRoot.appendingPathComponent(".build/debug/letterbox"),
        ] where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        return packageRoot.appendingPathComponent(".build/debug/letterbox")
    }()

    /// The result of running a command to completion.
    public struct RunResult: Sendable {
        public var status: Int32
        public var terminatedBySignal: Bool
        public var stdout: String
        public var stderr: String
    }

    /// Runs the built `letterbox` with arguments and extra environment, waiting for it to exit on
    /// a thread of its own: a test that waited on the cooperative pool (two threads on this
    /// machine) would starve the in-process servers and workers of other suites running beside it.
    public static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        in folder: URL? = nil,
        stdin: Data? = nil
    ) async throws -> RunResult {
        try await offPool { try runWaiting(arguments, environment: environment, in: folder, stdin: stdin) }
    }

    /// Runs blocking work (processes, sockets, sleeps) on a thread of its own, off the cooperative
    /// pool, which the receivers' handlers and workers under test also need.
    public static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Waits for a child process to exit, off the cooperative pool.
    public static func waitForExit(_ process: Process) async throws {
        try await offPool { process.waitUntilExit() }
    }

    /// The same run, blocking the calling thread: for code already off the pool.
    public static func runWaiting(
        _ arguments: [String],
        environment: [String: String] = [:],
        in folder: URL? = nil,
        stdin: Data? = nil
    ) throws -> RunResult {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LETTERBOX_") }
        env.merge(environment) { $1 }
        process.environment = env
        if let folder { process.currentDirectoryURL = folder }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            // Written from another thread so a large message cannot deadlock against our reads.
            let writer = input.fileHandleForWriting
            Thread.detachNewThread {
                writer.write(stdin)
                try? writer.close()
            }
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        let ended = exitStatus(process)
        return RunResult(
            status: ended.status,
            terminatedBySignal: ended.bySignal,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }

    /// Waits for a child and says how it ended. Foundation's `Process` sometimes misses a child's
    /// exit when many run at once: the child stays a zombie and `waitUntilExit()` never returns
    /// (a CI run hung so, in a full run). So this also asks the kernel with `waitid(WNOWAIT)`,
    /// which reads how the child ended without reaping it, and leaves the reaping to Foundation.
    public static func exitStatus(_ process: Process) -> (status: Int32, bySignal: Bool) {
        while process.isRunning {
            var info = siginfo_t()
            if waitid(P_PID, id_t(process.processIdentifier), &info, WEXITED | WNOWAIT | WNOHANG) == 0, info._sifields._sigchld.si_pid != 0 {
                let code = Int(info.si_code)
                return (info._sifields._sigchld.si_status, code == CLD_KILLED || code == CLD_DUMPED)
            }
            usleep(5_000)
        }
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    /// Whether a test may use a peer program (Kannel, Chromium, Request Tracker): it is installed,
    /// or this is CI (CI=true), where .ci/run installs it and a missing one must fail, not skip.
    public static func peerAvailable(_ paths: String...) -> Bool {
        ProcessInfo.processInfo.environment["CI"] != nil || paths.contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Polls `condition` until it holds or `timeout` seconds pass.
    public static func waitUntil(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }

    /// The same for async tests, without blocking a thread of the cooperative pool (two on this
    /// machine), which the server's services under test also need.
    public static func eventually(timeout: Double, _ condition: () throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }
}

extension Fixtures {
    /// The shared corpora folder (../shared/corpora), if it is on this machine.
    public static var sharedCorpora: URL? {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}
