import Foundation
import LetterboxStore
import LetterboxTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The mail pipe handing its message to a running `serve` over the local delivery socket, and
/// committing on its own when no server takes it.
@Suite(.serialized)
struct LocalDeliveryTests {
    func sample(_ name: String) throws -> Data {
        try Data(contentsOf: Fixtures.samples("email").appendingPathComponent(name))
    }

    /// Submissions the server stored itself, from its /metrics.
    func serverStored(_ server: ServeProcess) throws -> Int {
        let text = String(decoding: try RawHTTP.get(port: server.port, path: "/metrics").body, as: UTF8.self)
        return text.split(separator: "\n")
            .filter { $0.hasPrefix("letterbox_submissions_total{") && $0.contains("channel=\"email\"") }
            .compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
            .reduce(0, +)
    }

    func waitForSocket(_ path: String) -> Bool {
        Fixtures.waitUntil(timeout: 20) {
            var info = stat()
            return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK
        }
    }

    @Test("With serve running, the pipe hands its message over the owner-only local socket: the same record, envelope and bytes; the route is not on the network port", arguments: Backend.allCases)
    func handsOverToServe(_ backend: Backend) async throws {
        let root = try Fixtures.temporaryFolder("local-delivery")
        let storePath = try await TestStores.name(backend, sqlitePath: root.appendingPathComponent("letterbox.sqlite").path)
        // A SQLite store's socket is beside it; a PostgreSQL store's is named in the settings.
        let socket = backend == .sqlite ? storePath + ".sock" : root.appendingPathComponent("pg.sock").path
        let environment = backend == .sqlite ? [:] : ["LETTERBOX_SERVER_LOCAL_SOCKET": socket]
        let server = try ServeProcess(storePath: storePath, folder: root, environment: environment)
        defer { server.stop() }
        #expect(waitForSocket(socket))
        var info = stat()
        #expect(lstat(socket, &info) == 0)
        // Owner-only from the bind (umask 077 gives 700; serve's chmod to 600 may come a moment
        // after the socket appears): no bit for the group or others either way.
        #expect(info.st_mode & 0o077 == 0 && info.st_mode & 0o600 == 0o600, "the socket is owner-only")
        #expect(try serverStored(server) == 0)

        let result = try await Fixtures.run(
            ["ingest", "email", "--store", storePath, "--sender", "maria.kowalska@example.net", "--recipient", "complaints@example-housing.org.uk"],
            environment: environment,
            stdin: Data("From maria.kowalska@example.net Fri Apr  3 10:15:00 2026\n".utf8) + sample("01-complaint-plain.eml")
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("accepted    LB-2026-000001 stdin"), "\(result.stdout)")
        #expect(try serverStored(server) == 1, "the server stored it, not the pipe")
        let metadata = try await TestStores.value(storePath, "SELECT metadata FROM raw_submissions", as: String.self) ?? ""
        #expect(metadata.contains("complaints@example-housing.org.uk"))
        #expect(metadata.contains("maria.kowalska@example.net"))
        let source = try await TestStores.value(storePath, "SELECT source FROM raw_submissions", as: String.self)
        #expect(source == "pipe:complaints@example-housing.org.uk")
        let bytes = try await TestStores.value(storePath, "SELECT b.data FROM blobs b JOIN raw_submissions r ON r.sha256 = b.sha256", as: Data.self)
        #expect(bytes == (try sample("01-complaint-plain.eml")))

        // The same message again is a redelivery, answered through the server as the pipe would.
        let again = try await Fixtures.run(["ingest", "email", "--store", storePath], environment: environment, stdin: try sample("01-complaint-plain.eml"))
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("redelivery"), "\(again.stdout)")

        // Nobody on the network can deliver mail as the mail server.
        let network = try RawHTTP.post(port: server.port, path: "/local/email", body: try sample("08-tenant-reply.eml"), contentType: "message/rfc822")
        #expect(network.status == 404)
        #expect(try TestStores.open(storePath).records().count == 1)
    }

    @Test("A local socket that cannot be bound (its folder is missing) stops nothing else: serve goes on serving, and the pipe commits on its own")
    func unboundSocket() async throws {
        let root = try Fixtures.temporaryFolder("local-delivery-unbound")
        let storePath = root.appendingPathComponent("letterbox.sqlite").path
        let environment = ["LETTERBOX_SERVER_LOCAL_SOCKET": root.appendingPathComponent("missing/x.sock").path]
        let server = try ServeProcess(storePath: storePath, folder: root, environment: environment)
        defer { server.stop() }
        try await Task.sleep(for: .seconds(1))
        #expect(server.process.isRunning)
        #expect(try RawHTTP.get(port: server.port, path: "/healthz").status == 200)
        let direct = try await Fixtures.run(["ingest", "email", "--store", storePath], environment: environment, stdin: try sample("01-complaint-plain.eml"))
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(direct.stdout.hasPrefix("accepted"))
        #expect(try serverStored(server) == 0, "the pipe committed it, not the server")
        #expect(try TestStores.open(storePath).records().count == 1)
    }

    @Test("The pipe reads a config file before it hands over (it could name another socket or none): ./letterbox.yaml turning the socket off makes it commit on its own; without one it hands over")
    func configFileIsReadBeforeHandingOver() async throws {
        let root = try Fixtures.temporaryFolder("local-delivery-config")
        let storePath = root.appendingPathComponent("letterbox.sqlite").path
        let server = try ServeProcess(storePath: storePath, folder: root)
        defer { server.stop() }
        #expect(waitForSocket(storePath + ".sock"))
        let configured = root.appendingPathComponent("configured")
        try FileManager.default.createDirectory(at: configured, withIntermediateDirectories: true)
        try Data("server:\n  localSocket: none\n".utf8).write(to: configured.appendingPathComponent("letterbox.yaml"))

        let direct = try await Fixtures.run(["ingest", "email", "--store", storePath], in: configured, stdin: try sample("01-complaint-plain.eml"))
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(direct.stdout.hasPrefix("accepted"))
        #expect(try serverStored(server) == 0, "the config file turned the socket off: the pipe committed it")

        let handed = try await Fixtures.run(["ingest", "email", "--store", storePath, "-v"], stdin: try sample("08-tenant-reply.eml"))
        #expect(handed.status == 0, "\(handed.stderr)")
        #expect(handed.stdout.hasPrefix("accepted"))
        #expect(handed.stderr.contains("Handed to the running server"), "\(handed.stderr)")
        #expect(try serverStored(server) == 1)
        #expect(try TestStores.open(storePath).records().count == 2)
    }

    @Test("A socket left by a killed server: the pipe commits on its own, and the next serve takes the socket over")
    func staleSocket() async throws {
        let root = try Fixtures.temporaryFolder("local-delivery-stale")
        let storePath = root.appendingPathComponent("letterbox.sqlite").path
        let socket = storePath + ".sock"
        let first = try ServeProcess(storePath: storePath, folder: root)
        #expect(waitForSocket(socket))
        kill(first.process.processIdentifier, SIGKILL)
        try await Fixtures.waitForExit(first.process)
        #expect(FileManager.default.fileExists(atPath: socket), "SIGKILL leaves the socket behind")

        let direct = try await Fixtures.run(["ingest", "email", "--store", storePath], stdin: try sample("01-complaint-plain.eml"))
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(direct.stdout.hasPrefix("accepted"))

        let second = try ServeProcess(storePath: storePath, folder: root)
        defer { second.stop() }
        #expect(waitForSocket(socket))
        let handed = try await Fixtures.run(["ingest", "email", "--store", storePath], stdin: try sample("08-tenant-reply.eml"))
        #expect(handed.status == 0, "\(handed.stderr)")
        #expect(handed.stdout.hasPrefix("accepted"))
        #expect(try serverStored(second) == 1)
        #expect(try TestStores.open(storePath).records().count == 2)
    }
}
