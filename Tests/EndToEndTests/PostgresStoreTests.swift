import Foundation
import GRDB
import LetterboxTesting
import Testing

/// The PostgreSQL store's first commands on a real PostgreSQL (issue 16): `store copy` from a
/// SQLite store made the way the quick start makes one, interrupted and run again, checked by
/// counts and checksums; `store check` on both backends; the other commands refusing a
/// PostgreSQL URL rather than taking it for a file name; no password in any output.
@Suite(.serialized)
struct PostgresStoreTests {
    @Test("store copy: interrupted, run again, run a third time; every row once, counts and checksums match, check reports it")
    func copyAndCheck() async throws {
        try #require(Fixtures.peerAvailable("/usr/lib/postgresql/15/bin/initdb") || PostgresServer.installed != nil, "apt-get install postgresql (.ci/run does)")
        let server = try await Fixtures.offPool { try PostgresServer() }
        defer { server.stop() }
        try await Fixtures.offPool { try server.createDatabase("letterbox") }
        let root = try Fixtures.temporaryFolder("pg-copy")
        let sqlite = root.appendingPathComponent("letterbox.sqlite").path
        _ = try await Fixtures.run(["ingest", "notes", Fixtures.samples("phone-notes").path, "--store", sqlite])
        for name in ["01-complaint-plain.eml", "02-forwarded-complaint.eml", "04-outlook-windows-1252.eml", "08-tenant-reply.eml", "09-councillor.eml"] {
            let mail = try Data(contentsOf: Fixtures.samples("email").appendingPathComponent(name))
            #expect(try await Fixtures.run(["ingest", "email", "--store", sqlite], stdin: mail).status == 0)
        }
        // A message over 16 KB, which SQLite keeps in its file of large blobs (v14) and
        // PostgreSQL in its row: the copy reads it from the file.
        var photo = ""
        for index in 0..<30_000 { photo.append(Character(UnicodeScalar(UInt8(65 + (index * 7 + index / 13) % 26)))) }
        let large = """
            From: Ann Lee <ann.lee@example.org>\r\nTo: complaints@example-housing.org.uk\r\nSubject: Mould photo\r\n\
            Message-ID: <large-1@example.org>\r\nDate: Mon, 02 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n\
            Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
            The mould in the bedroom is back, photo attached.\r\n--b1\r\nContent-Type: text/plain; name="log.txt"\r\n\
            Content-Disposition: attachment; filename="log.txt"\r\n\r\n\(photo)\r\n--b1--\r\n
            """
        #expect(try await Fixtures.run(["ingest", "email", "--store", sqlite], stdin: Data(large.utf8)).status == 0)
        #expect(try await DatabaseQueue(path: sqlite).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM blob_files") } == 1)
        let largeReference = try #require(try await DatabaseQueue(path: sqlite).read { db in
            try String.fetchOne(db, sql: "SELECT rec.reference FROM records rec JOIN raw_submissions r ON r.id = rec.raw_submission_id WHERE r.size > 16384")
        })
        let records = try await DatabaseQueue(path: sqlite).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM records") } ?? 0
        #expect(records >= 10)

        let url = server.url("letterbox")
        // Interrupted after the raw bytes: nothing else is there yet, and nothing is half there.
        let stopped = try await Fixtures.run(["store", "copy", "--from", sqlite, "--to", url, "--stop-after-blob-batches", "1"])
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(try await Fixtures.offPool { try server.psql("SELECT count(*) FROM records", database: "letterbox") }.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let blobs = try await Fixtures.offPool { try server.psql("SELECT count(*) FROM blobs", database: "letterbox") }.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(blobs) ?? 0 > 0)

        let copied = try await Fixtures.run(["store", "copy", "--from", sqlite, "--to", url])
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stdout.contains("every table's count and checksum match"))
        #expect(copied.stdout.contains("records                 \(records) rows"), "\(copied.stdout)")
        let again = try await Fixtures.run(["store", "copy", "--from", sqlite, "--to", url])
        #expect(again.status == 0, "\(again.stderr)")
        // What was copied reads back the same: the export of both stores, byte for byte.
        for format in ["jsonl", "csv"] {
            let fromSQLite = try await Fixtures.run(["export", "--format", format, "--store", sqlite])
            let fromPostgres = try await Fixtures.run(["export", "--format", format, "--store", url])
            #expect(fromSQLite.status == 0 && fromPostgres.status == 0, "\(fromPostgres.stderr)")
            #expect(!fromSQLite.stdout.isEmpty && fromSQLite.stdout == fromPostgres.stdout, "export --format \(format)")
        }
        #expect(try await Fixtures.offPool { try server.psql("SELECT count(*) FROM records", database: "letterbox") }.trimmingCharacters(in: .whitespacesAndNewlines) == String(records))
        // The large message's bytes, the same from both.
        let rawFromSQLite = try await Fixtures.run(["show", largeReference, "--raw", "--store", sqlite])
        let rawFromPostgres = try await Fixtures.run(["show", largeReference, "--raw", "--store", url])
        #expect(rawFromSQLite.status == 0 && rawFromSQLite.stdout == large && rawFromPostgres.stdout == large, "\(rawFromPostgres.stderr)")
        // Attachments kept as ranges of their message go as ranges (04's PDF at least).
        let ranges = try await DatabaseQueue(path: sqlite).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM blob_ranges") } ?? 0
        #expect(ranges >= 1)
        #expect(try await Fixtures.offPool { try server.psql("SELECT count(*) FROM blob_ranges", database: "letterbox") }.trimmingCharacters(in: .whitespacesAndNewlines) == String(ranges))
        // The next id PostgreSQL gives follows the copied ones.
        #expect(try server.psql("SELECT nextval(pg_get_serial_sequence('records', 'id'))", database: "letterbox").trimmingCharacters(in: .whitespacesAndNewlines) == String(records + 1))
        // A row changed behind the copy's back is found by the check.
        _ = try await Fixtures.offPool { try server.psql("UPDATE records SET document = document || ' ' WHERE id = 1", database: "letterbox") }
        let changed = try await Fixtures.run(["store", "copy", "--from", sqlite, "--to", url])
        #expect(changed.status == 70)
        #expect(changed.stderr.contains("records (\(records) rows in SQLite, \(records) in PostgreSQL, checksums differ)"), "\(changed.stderr)")

        // A database with rows of its own is refused before anything is written.
        try await Fixtures.offPool { try server.createDatabase("used") }
        let used = server.url("used")
        #expect(try await Fixtures.run(["store", "check", "--store", used]).status == 0)  // creates the schema
        _ = try await Fixtures.offPool { try server.psql("INSERT INTO contacts (id, name, created_at) VALUES (900000, NULL, '2026-01-01T00:00:00Z')", database: "used") }
        let refused = try await Fixtures.run(["store", "copy", "--from", sqlite, "--to", used])
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("already has rows of its own (contacts up to id 900000"))
        #expect(try await Fixtures.offPool { try server.psql("SELECT count(*) FROM records", database: "used") }.trimmingCharacters(in: .whitespacesAndNewlines) == "0")

        let check = try await Fixtures.run(["store", "check", "--store", url])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("PostgreSQL store postgres://postgres@/letterbox"))
        #expect(check.stdout.contains("schema:       v5-times-with-milliseconds"))
        #expect(check.stdout.contains("writable:     yes"))
        #expect(check.stdout.contains("records                 \(records)"))
        let local = try await Fixtures.run(["store", "check", "--store", sqlite])
        #expect(local.status == 0 && local.stdout.contains("schema:       v15-times-with-milliseconds") && local.stdout.contains("records                 \(records)"))
    }

    @Test("A PostgreSQL URL is never a file name; a password in it is never shown; an unreachable server is a temporary failure")
    func refusedAndRedacted() async throws {
        let root = try Fixtures.temporaryFolder("pg-refuse")
        let url = "postgres://letterbox:s3cret-pw@/letterbox?host=\(root.path)&port=5999"
        // Every command runs on PostgreSQL: with the server not there, each says so, exit 75.
        for arguments in [["list", "--store", url], ["contacts", "show", "1", "--store", url]] {
            let result = try await Fixtures.run(arguments, in: root)
            #expect(result.status == 75, "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr.contains("cannot be reached"))
            #expect(!result.stderr.contains("s3cret"))
        }
        // Intake runs on PostgreSQL: with the server down, the mail pipe says so and exits 75,
        // so the mail server keeps the message and tries again.
        let mail = try Data(contentsOf: Fixtures.samples("email").appendingPathComponent("01-complaint-plain.eml"))
        let pipe = try await Fixtures.run(["ingest", "email", "--store", url], in: root, stdin: mail)
        #expect(pipe.status == 75, "\(pipe.stderr)")
        #expect(pipe.stderr.contains("cannot be reached") && !pipe.stderr.contains("s3cret"), "\(pipe.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty, "no file was created for the URL")
        let down = try await Fixtures.run(["store", "check", "--store", url], environment: ["LETTERBOX_STORE_PASSWORD": "another-secret"])
        #expect(down.status == 75, "\(down.stderr)")
        #expect(down.stderr.contains("postgres://letterbox@/letterbox"))
        #expect(!down.stderr.contains("s3cret") && !down.stderr.contains("another-secret"))
    }

    @Test("TLS as libpq's sslmode says: prefer and require encrypt without checking the certificate (Debian's own is self-signed); verify-ca checks its chain against sslrootcert, verify-full the host name too; the mail pipe stores over it")
    func tls() async throws {
        try #require(PostgresServer.installed != nil, "apt-get install postgresql (.ci/run does)")
        let server = try await Fixtures.offPool { try PostgresServer(tls: true) }
        defer { server.stop() }
        try await Fixtures.offPool { try server.createDatabase("secure") }
        func check(_ url: String) async throws -> Fixtures.RunResult { try await Fixtures.run(["store", "check", "--store", url]) }
        // The server takes TCP connections only with TLS, so each that works used it.
        let required = try await check(server.tcpURL("secure", query: "sslmode=require"))
        #expect(required.status == 0, "\(required.stderr)")
        #expect(try await check(server.tcpURL("secure", query: "")).status == 0, "the default, prefer")
        let full = try await check(server.tcpURL("secure", host: "localhost", query: "sslmode=verify-full&sslrootcert=\(server.caFile)"))
        #expect(full.status == 0, "\(full.stderr)")
        // 127.0.0.1 is not a name the certificate gives: verify-full refuses it, verify-ca does not ask.
        #expect(try await check(server.tcpURL("secure", query: "sslmode=verify-full&sslrootcert=\(server.caFile)")).status != 0)
        #expect(try await check(server.tcpURL("secure", query: "sslmode=verify-ca&sslrootcert=\(server.caFile)")).status == 0)
        // Without sslrootcert the system's roots are asked, and they do not know the test CA.
        let untrusted = try await check(server.tcpURL("secure", host: "localhost", query: "sslmode=verify-full"))
        #expect(untrusted.status != 0)
        #expect(try await check(server.tcpURL("secure", query: "sslmode=disable")).status != 0, "refused: no TLS")

        let mail = try Data(contentsOf: Fixtures.samples("email").appendingPathComponent("01-complaint-plain.eml"))
        let piped = try await Fixtures.run(["ingest", "email", "--store", server.tcpURL("secure", host: "localhost", query: "sslmode=verify-full&sslrootcert=\(server.caFile)")], stdin: mail)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(try await Fixtures.offPool { try server.psql("SELECT count(*) FROM records", database: "secure") }.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }
}
