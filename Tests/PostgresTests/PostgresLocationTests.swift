import Foundation
@testable import LetterboxPostgres
import Testing

/// What `--store postgres://...` means, and that a password never shows.
struct PostgresLocationTests {
    @Test("TCP, socket folder, postgresql://, defaults, sslmode")
    func forms() throws {
        let tcp = try PostgresLocation("postgres://letterbox@db.internal:6543/cases", environment: [:])
        #expect(tcp.user == "letterbox" && tcp.host == "db.internal" && tcp.port == 6543 && tcp.database == "cases" && tcp.socketFolder == nil)
        #expect(tcp.tls == .prefer)
        #expect(tcp.description == "postgres://letterbox@db.internal:6543/cases")
        let socket = try PostgresLocation("postgresql://letterbox@/cases?host=/run/postgresql", environment: [:])
        #expect(socket.socketFolder == "/run/postgresql" && socket.host == nil && socket.port == 5432)
        #expect(socket.description == "postgres://letterbox@/cases?host=/run/postgresql&port=5432")
        let bare = try PostgresLocation("postgres://db.internal", environment: ["USER": "housing"])
        #expect(bare.user == "housing" && bare.database == "housing" && bare.port == 5432)
        #expect(try PostgresLocation("postgres://u@h/d?sslmode=require", environment: [:]).tls == .require)
        #expect(try PostgresLocation("postgres://u@h/d?sslmode=verify-ca", environment: [:]).tls == .verifyCA)
        #expect(try PostgresLocation("postgres://u@h/d?sslmode=verify-full", environment: [:]).tls == .verifyFull)
        #expect(try PostgresLocation("postgres://u@h/d?sslmode=allow", environment: [:]).tls == .prefer)
        #expect(throws: PostgresLocation.Invalid.self) { try PostgresLocation("postgres://u@h/d?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem", environment: [:]) }
        #expect(try PostgresLocation("postgres://u@h/d?sslmode=disable", environment: [:]).tls == .disable)
        #expect(throws: PostgresLocation.Invalid.self) { try PostgresLocation("postgres://u@h/d?sslmode=sometimes", environment: [:]) }
        #expect(throws: PostgresLocation.Invalid.self) { try PostgresLocation("letterbox.sqlite", environment: [:]) }
        #expect(PostgresLocation.isPostgres("postgresql://x") && !PostgresLocation.isPostgres("/var/lib/letterbox/postgres.sqlite"))
    }

    @Test("The password: environment first, then a file, then the URL; never in the description or a redacted URL")
    func password() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pg-password-\(UUID().uuidString)")
        try "from-the-file\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let url = "postgres://letterbox:in-the-url@db.internal/cases"
        let fromEnvironment = try PostgresLocation(url, environment: ["LETTERBOX_STORE_PASSWORD": "from-env", "LETTERBOX_STORE_PASSWORD_FILE": file.path])
        let fromFile = try PostgresLocation(url, environment: ["LETTERBOX_STORE_PASSWORD_FILE": file.path])
        let fromURL = try PostgresLocation(url, environment: [:])
        for (location, secret) in [(fromEnvironment, "from-env"), (fromFile, "from-the-file"), (fromURL, "in-the-url")] {
            #expect(location.password == secret)
            #expect(!location.description.contains(secret) && !location.description.contains("in-the-url"))
        }
        #expect(!PostgresLocation.redacted(url).contains("in-the-url"))
        #expect(throws: PostgresLocation.Invalid.self) { try PostgresLocation(url, environment: ["LETTERBOX_STORE_PASSWORD_FILE": "/nonexistent/pw"]) }
    }
}
