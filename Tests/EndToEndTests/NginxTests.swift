import Foundation
import LetterboxTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Samples/deploy/nginx-letterbox-two-instances.conf, run by a real nginx in front of two real
/// `letterbox serve` processes on one real PostgreSQL: what README "Running several instances"
/// promises of it.
struct NginxTests {
    static let nginx = "/usr/sbin/nginx"

    /// The sample made runnable on this machine: its upstream pointed at the two instances, a
    /// plain listener on 127.0.0.1 instead of TLS on 443 (no certificate here), and the Kannel
    /// host allowed to /sms/ being 127.0.0.1. Everything else (the upstream's failure rule, the
    /// retry of POSTs on the other instance, the locations) is the sample's own text. Each
    /// replacement must find its line, so a sample that changes shape fails here.
    static func config(sample: String, instances: [Int], listen: Int, folder: URL) throws -> String {
        var text = sample
        let replacements: [(String, String)] = [
            ("server 10.0.0.11:8080 ", "server 127.0.0.1:\(instances[0]) "),
            ("server 10.0.0.12:8081 ", "server 127.0.0.1:\(instances[1]) "),
            ("listen 443 ssl;", "listen 127.0.0.1:\(listen);"),
            ("allow 203.0.113.10;", "allow 127.0.0.1;"),
        ]
        for (old, new) in replacements {
            guard text.contains(old) else { throw Failure(description: "the sample has no \(old)") }
            text = text.replacingOccurrences(of: old, with: new)
        }
        text = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("ssl_certificate") && !$0.contains("http2 on;") }
            .joined(separator: "\n")
        let path = folder.path
        return """
            daemon off;
            master_process off;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path \(path)/body;
                proxy_temp_path \(path)/proxy;
                fastcgi_temp_path \(path)/fastcgi;
                uwsgi_temp_path \(path)/uwsgi;
                scgi_temp_path \(path)/scgi;
            \(text)
            }

            """
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    @Test("The sample nginx upstream over two instances: one instance killed mid-load, every post is still answered 200 by the other, and each is stored once")
    func upstreamOverTwoInstances() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.nginx), "apt-get install nginx-light (.ci/run does)")
        try #require(PostgresServer.installed != nil, "apt-get install postgresql (.ci/run does)")
        let server = try await Fixtures.offPool { try PostgresServer() }
        defer { server.stop() }
        try await Fixtures.offPool { try server.createDatabase("behind_nginx") }
        let url = server.url("behind_nginx")
        let root = try Fixtures.temporaryFolder("nginx")
        let first = try await Fixtures.offPool { try ServeProcess(storePath: url, folder: root) }
        let second = try await Fixtures.offPool { try ServeProcess(storePath: url, folder: root) }
        defer { first.stop(); second.stop() }

        let listen = RawConnection.freePort()
        let sample = try String(contentsOf: Fixtures.samples("deploy").appendingPathComponent("nginx-letterbox-two-instances.conf"), encoding: .utf8)
        let configuration = root.appendingPathComponent("nginx.conf")
        try Self.config(sample: sample, instances: [first.port, second.port], listen: listen, folder: root)
            .write(to: configuration, atomically: true, encoding: .utf8)
        let nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: Self.nginx)
        nginx.arguments = ["-p", root.path, "-c", configuration.path, "-e", root.appendingPathComponent("error.log").path]
        nginx.standardOutput = FileHandle.nullDevice
        nginx.standardError = FileHandle.nullDevice
        try nginx.run()
        // SIGKILL, not terminate(): nginx inherits the signal mask of the test thread that
        // started it, with SIGTERM blocked, and in single-process mode never unblocks it (every
        // run left an nginx behind).
        defer { if nginx.isRunning { kill(nginx.processIdentifier, SIGKILL) } }
        try #require(await Fixtures.offPool { RawConnection.waitForPort(listen) }, "nginx did not start: \((try? String(contentsOf: root.appendingPathComponent("error.log"), encoding: .utf8)) ?? "")")

        func post(_ index: Int) async throws -> Int {
            let body = PostgresIntakeTests.kannel(sender: "4477009050\(String(format: "%02d", index))", text: "Text \(index): the bin store door at Ash Court is broken")
            return try await Fixtures.offPool { try RawHTTP.post(port: listen, path: "/sms/kannel?kid=nginx-\(index)", body: body, contentType: "text/xml").status }
        }
        // Both instances up (nginx takes them in turn): every post answered.
        var statuses: [Int] = []
        for index in 0..<10 { statuses.append(try await post(index)) }
        #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
        let psql = { (sql: String) in try await Fixtures.offPool { try server.psql(sql, database: "behind_nginx").trimmingCharacters(in: .whitespacesAndNewlines) } }
        #expect(try await psql("SELECT count(*) FROM records") == "10")

        // One instance killed while posts are under way: nginx sends what failed to the other
        // (POSTs included: intake is idempotent), so every post is still answered 200.
        let answered = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 10..<50 {
                group.addTask { try await post(index) }
                if index == 20 { kill(first.process.processIdentifier, SIGKILL) }
                if index % 4 == 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
            var all: [Int] = []
            for try await status in group { all.append(status) }
            return all
        }
        #expect(answered.count == 40 && answered.allSatisfy { $0 == 200 }, "\(answered.sorted())")
        // Each once, though some were sent to both.
        #expect(try await psql("SELECT count(*) FROM records") == "50")
        #expect(try await psql("SELECT count(DISTINCT idempotency_key) FROM records") == "50")
        // Health and metrics are kept inside (allowed from 127.0.0.1 here, as the sample says).
        #expect(try await Fixtures.offPool { try RawHTTP.get(port: listen, path: "/readyz").status } == 200)
    }
}
