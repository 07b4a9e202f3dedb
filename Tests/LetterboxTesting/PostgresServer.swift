public import Foundation

/// A throwaway PostgreSQL server for tests, from Debian's `postgresql` package: its own data
/// folder under the temporary folder, listening only on a Unix socket in that folder (no TCP),
/// trust authentication, stopped and removed by ``stop()``. As root, initdb and the server run
/// as the `postgres` user, which PostgreSQL requires.
public final class PostgresServer: Sendable {
    public let folder: URL
    public let port: Int
    let binaries: String
    /// The server's own options (`-c name=value`), kept for ``resume()``.
    let options: String

    /// The newest installed server's programs, if any.
    public static var installed: String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        guard let newest = versions.last else { return nil }
        let folder = "\(root)/\(newest)/bin"
        return FileManager.default.isExecutableFile(atPath: folder + "/initdb") ? folder : nil
    }

    /// `tls`: the server also listens on 127.0.0.1 (TCP), where it takes only TLS connections,
    /// with a certificate for `localhost` from a test CA of its own (``caFile``); the socket
    /// folder stays open as always.
    public init(tls: Bool = false) throws {
        guard let binaries = Self.installed else {
            throw Failure(description: "PostgreSQL is not installed: apt-get install postgresql (.ci/run does)")
        }
        self.binaries = binaries
        let folder = try Fixtures.temporaryFolder("pg")
        self.folder = folder
        port = 20_000 + Int.random(in: 0..<20_000)
        // Room for every suite's stores and serve processes at once (each keeps a few connections).
        var options = "-c listen_addresses='' -c fsync=off -c max_connections=300"
        if tls {
            // A CA, and a server certificate it signed that names localhost (and no address).
            let path = folder.path
            try "subjectAltName=DNS:localhost\n".write(toFile: "\(path)/san.ext", atomically: true, encoding: .utf8)
            try Self.shell("""
                cd \(path) && \
                openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=Letterbox test CA' 2>/dev/null && \
                openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=localhost' 2>/dev/null && \
                openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext 2>/dev/null && \
                chmod 600 server.key
                """)
            options = "-c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 -c ssl=on -c ssl_cert_file=\(path)/server.pem -c ssl_key_file=\(path)/server.key"
        }
        self.options = options
        if getuid() == 0 {
            try Self.shell("chown -R postgres \(folder.path)")
        }
        try run("\(binaries)/initdb -D \(folder.path)/data -U postgres -A trust --no-sync -E UTF8 >\(folder.path)/initdb.log 2>&1")
        if tls {
            // TCP only with TLS: a connection without it is refused, so one that works used it.
            try """
                local all all trust
                hostssl all all 127.0.0.1/32 trust
                hostnossl all all 127.0.0.1/32 reject

                """.write(toFile: "\(folder.path)/data/pg_hba.conf", atomically: true, encoding: .utf8)
            if getuid() == 0 { try Self.shell("chown postgres \(folder.path)/data/pg_hba.conf") }
        }
        try run("\(binaries)/pg_ctl -D \(folder.path)/data -l \(folder.path)/pg.log -w -o \"-k \(folder.path) -p \(port) \(options)\" start >/dev/null")
    }

    /// The test CA's certificate (a server started with `tls`).
    public var caFile: String { folder.appendingPathComponent("ca.pem").path }

    /// A store URL over TCP to 127.0.0.1 or `host` (a server started with `tls`), with the given
    /// query (`sslmode=...`).
    public func tcpURL(_ database: String, host: String = "127.0.0.1", query: String) -> String {
        "postgres://postgres@\(host):\(port)/\(database)?\(query)"
    }

    /// A store URL for a database of this server (created by ``createDatabase(_:)``).
    public func url(_ database: String = "postgres", password: String? = nil) -> String {
        "postgres://postgres\(password.map { ":" + $0 } ?? "")@/\(database)?host=\(folder.path)&port=\(port)"
    }

    /// A new, empty database.
    public func createDatabase(_ name: String) throws {
        try run("\(binaries)/createdb -h \(folder.path) -p \(port) -U postgres \(name)")
    }

    /// Runs SQL with psql and returns its unaligned output.
    public func psql(_ sql: String, database: String) throws -> String {
        let output = folder.appendingPathComponent("psql-\(UUID().uuidString).out")
        let script = folder.appendingPathComponent("psql-\(UUID().uuidString).sql")
        try sql.write(to: script, atomically: true, encoding: .utf8)
        if getuid() == 0 { try Self.shell("chown postgres \(script.path)") }
        try run("/usr/bin/psql -X -q -At -v ON_ERROR_STOP=1 -h \(folder.path) -p \(port) -U postgres -d \(database) -f \(script.path) > \(output.path) 2>&1")
        return try String(contentsOf: output, encoding: .utf8)
    }

    /// Stops the server and keeps its data (a database lost for a while).
    public func pause() throws {
        try run("\(binaries)/pg_ctl -D \(folder.path)/data -m fast -w stop >/dev/null")
    }

    /// Starts it again after ``pause()``.
    public func resume() throws {
        try run("\(binaries)/pg_ctl -D \(folder.path)/data -l \(folder.path)/pg.log -w -o \"-k \(folder.path) -p \(port) \(options)\" start >/dev/null")
    }

    public func stop() {
        try? run("\(binaries)/pg_ctl -D \(folder.path)/data -m immediate -w stop >/dev/null 2>&1")
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs a shell command as the user PostgreSQL runs as.
    func run(_ command: String) throws {
        if getuid() == 0 {
            try Self.shell("cd \(folder.path) && su postgres -s /bin/sh -c '\(command.replacingOccurrences(of: "'", with: "'\\''"))'")
        } else {
            try Self.shell(command)
        }
    }

    /// Runs `sh -c command` and waits for it with waitpid, with no descriptor but the standard
    /// three inherited. Not Foundation's Process: it learns of a child's end from a socket the
    /// child inherits, which the server that `pg_ctl start` leaves running inherits too, so its
    /// wait would never end.
    static func shell(_ command: String) throws {
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", command]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        // Only standard input, output and error are passed on: the server `pg_ctl start` leaves
        // running would otherwise hold the write end of every pipe the test process had open at
        // that moment, and a test reading a child's output to its end would wait for ever.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // (glibc ignores a close of a descriptor that is not open.)
        for descriptor in 3..<min(getdtablesize(), 4096) { posix_spawn_file_actions_addclose(&actions, descriptor) }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, environ)
        guard spawned == 0 else { throw Failure(description: "cannot start /bin/sh: \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exited == 0 else { throw Failure(description: "\(command) exited \(exited)") }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }
}
