import Foundation
import LetterboxCore
import LetterboxStore
import LetterboxTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real Kannel (bearerbox, smsbox and its fake SMSC, from the Debian packages kannel and
/// kannel-extras) posting inbound texts to the built `letterbox serve`.
@Suite(
    .serialized,
    .enabled(if: Fixtures.peerAvailable("/usr/sbin/bearerbox"), "Kannel is not installed: .ci/run installs it (apt-get install kannel kannel-extras)")
)
struct KannelTests {
    static let bearerbox = "/usr/sbin/bearerbox"
    static let smsbox = "/usr/sbin/smsbox"
    static let fakesmsc = "/usr/lib/kannel/test/fakesmsc"

    @Test("Kannel posts plain, £ and €, UCS-2 Welsh and a two-part text; each is one record; a redelivered post creates nothing")
    func kannelToLetterbox() async throws {
        for tool in [Self.bearerbox, Self.smsbox, Self.fakesmsc] {
            try #require(FileManager.default.isExecutableFile(atPath: tool), "\(tool) is missing: apt-get install kannel kannel-extras (.ci/run does)")
        }
        let root = try Fixtures.temporaryFolder("kannel")
        let storePath = root.appendingPathComponent("letterbox.sqlite").path
        let server = try ServeProcess(storePath: storePath, folder: root)
        defer { server.stop() }

        let ports = (0..<4).map { _ in RawConnection.freePort() }
        let config = """
            group = core
            admin-port = \(ports[0])
            admin-interface = 127.0.0.1
            admin-password = letterbox-test
            smsbox-port = \(ports[1])
            smsbox-interface = 127.0.0.1
            box-deny-ip = "*.*.*.*"
            box-allow-ip = "127.0.0.1"
            log-file = "\(root.path)/bearerbox.log"
            log-level = 1
            sms-combine-concatenated-mo = false

            group = smsc
            smsc = fake
            smsc-id = FAKE
            our-host = 127.0.0.1
            port = \(ports[2])
            connect-allow-ip = 127.0.0.1

            group = smsbox
            bearerbox-host = 127.0.0.1
            bearerbox-port = \(ports[1])
            sendsms-port = \(ports[3])
            sendsms-interface = 127.0.0.1
            log-file = "\(root.path)/smsbox.log"
            log-level = 1
            http-request-retry = 2
            http-queue-delay = 2

            group = sms-service
            keyword = default
            post-xml = "http://127.0.0.1:\(server.port)/sms/kannel?kid=%I"
            send-sender = true
            max-messages = 0
            """
        let configPath = root.appendingPathComponent("kannel.conf").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let bearerbox = try Self.start(Self.bearerbox, ["-v", "4", configPath], in: root)
        defer { Self.stop(bearerbox) }
        try #require(RawConnection.waitForPort(ports[1]), "bearerbox did not start: \(Self.tail(root.appendingPathComponent("bearerbox.log")))")
        let smsbox = try Self.start(Self.smsbox, ["-v", "4", configPath], in: root)
        defer { Self.stop(smsbox) }
        try #require(RawConnection.waitForPort(ports[3]), "smsbox did not start: \(Self.tail(root.appendingPathComponent("smsbox.log")))")

        let messages = [
            "447700900123 447700900456 text Hi, the boiler at 12 Elm Close is broken & it's cold <urgent>",
            "+447700900124 60777 text Rent £450 paid, café €5 ok",
            "447700900125 447700900456 ucs2 %00D%00i%00o%00l%00c%00h%00+%00y%00n%00+%00f%00a%00w%00r%00+%01u",
            "447700900126 447700900456 udh-text %05%00%03%AB%02%01 Part one of a long complaint about damp, ",
            "447700900126 447700900456 udh-text %05%00%03%AB%02%02 part two: please send someone this week.",
        ]
        for message in messages {
            let fake = try Self.start(Self.fakesmsc, ["-H", "127.0.0.1", "-r", String(ports[2]), "-m", "1", message], in: root)
            try await Task.sleep(for: .milliseconds(1500))
            Self.stop(fake)
        }
        let store = try SQLiteCaseStore(path: storePath)
        let arrived = try await Fixtures.eventually(timeout: 30) { try store.records().count >= 4 }
        let count = try store.records().count
        try #require(arrived, "only \(count) records arrived; smsbox log: \(Self.tail(root.appendingPathComponent("smsbox.log")))")
        let records = try store.records().sorted { $0.id < $1.id }
        #expect(records.count == 4)
        let bodies = records.map(\.body)
        #expect(bodies.contains("Hi, the boiler at 12 Elm Close is broken & it's cold <urgent>"))
        #expect(bodies.contains("Rent £450 paid, café €5 ok"))
        #expect(bodies.contains("Diolch yn fawr ŵ"))
        #expect(bodies.contains("Part one of a long complaint about damp, part two: please send someone this week."))
        #expect(records.allSatisfy { $0.contact.phone?.e164?.hasPrefix("+4477009001") == true })
        #expect(records.allSatisfy { $0.idempotencyKey.hasPrefix("sms:kannel:") || $0.idempotencyKey.hasPrefix("sms:parts:") })

        // Kannel's retry is the same bytes to the same URL (same kid): it must create nothing.
        let first = try #require(try store.submissions(.accepted).first { $0.metadata["query.kid"] != nil })
        let kid = try #require(first.metadata["query.kid"])
        let bytes = try #require(try store.blob(sha256: first.sha256))
        let reply = try RawHTTP.post(port: server.port, path: "/sms/kannel?kid=\(kid)", body: bytes, contentType: "text/xml")
        #expect(reply.status == 200)
        #expect(try store.records().count == 4)
        #expect(try store.dispositionCounts()[.sms]?[.redelivery] == 1)
    }

    // MARK: Helpers

    static func start(_ tool: String, _ arguments: [String], in folder: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    static func tail(_ file: URL) -> String {
        String((try? String(contentsOf: file, encoding: .utf8))?.suffix(1500) ?? "(no log)")
    }
}

/// `letterbox serve` as a child process on a free port, over a store in a test folder.
struct ServeProcess {
    let process: Process
    let port: Int

    init(storePath: String, folder: URL, environment: [String: String] = [:]) throws {
        let portFile = folder.appendingPathComponent("port-\(UUID().uuidString)")
        process = Process()
        process.executableURL = Fixtures.binary
        process.arguments = ["serve", "--port", "0", "--port-file", portFile.path, "--store", storePath]
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LETTERBOX_") }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var found = 0
        _ = Fixtures.waitUntil(timeout: 20) {
            found = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
            return found > 0
        }
        port = found
        if port == 0 {
            process.terminate()
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "letterbox serve did not start"])
        }
    }

    func stop() {
        KannelTests.stop(process)
    }
}
