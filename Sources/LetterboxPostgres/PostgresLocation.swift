public import Foundation
import PostgresNIO
import NIOSSL

/// Where a PostgreSQL store is: `postgres://user@host:port/db` (or `postgresql://`), or a Unix
/// socket folder with `?host=/run/postgresql`. The password comes from `LETTERBOX_STORE_PASSWORD`,
/// or the file `LETTERBOX_STORE_PASSWORD_FILE` names, or (discouraged) the URL; it never appears
/// in ``description``.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public var user: String
    public var host: String?
    public var socketFolder: String?
    public var port: Int
    public var database: String
    public var tls: TLSMode
    /// `sslrootcert`: the CA certificates (PEM) a server's certificate must chain to under
    /// `verify-ca` and `verify-full`; without it, the system's trusted roots.
    public var rootCertificates: String?
    var password: String?

    /// `sslmode`, as libpq reads it: `disable` never encrypts; `allow` and `prefer` (the default)
    /// encrypt when the server offers it; `require` always encrypts. None of these three checks
    /// the server's certificate (Debian's PostgreSQL encrypts with a self-signed one out of the
    /// box). `verify-ca` also checks that the certificate chains to a trusted root, and
    /// `verify-full` that it names the host too.
    public enum TLSMode: String, Sendable { case disable, prefer, require, verifyCA = "verify-ca", verifyFull = "verify-full" }

    /// Whether a `--store` value names PostgreSQL rather than a SQLite file.
    public static func isPostgres(_ store: String) -> Bool {
        store.hasPrefix("postgres://") || store.hasPrefix("postgresql://")
    }

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(Invalid) {
        guard Self.isPostgres(url), let components = URLComponents(string: url) else {
            throw Invalid(description: "\(Self.redacted(url)) is not a PostgreSQL URL (postgres://user@host:port/database).")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        user = components.user.flatMap { $0.removingPercentEncoding } ?? environment["USER"] ?? "postgres"
        port = components.port ?? query["port"].flatMap { Int($0) } ?? 5432
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.removingPercentEncoding ?? path
        if database.isEmpty { database = user }
        let named = query["host"] ?? components.host.flatMap { $0.isEmpty ? nil : $0 }
        if let named, named.hasPrefix("/") {
            socketFolder = named
            host = nil
        } else {
            host = named ?? "localhost"
            socketFolder = nil
        }
        switch query["sslmode"] ?? "prefer" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer
        case "require": tls = .require
        case "verify-ca": tls = .verifyCA
        case "verify-full": tls = .verifyFull
        case let other: throw Invalid(description: "sslmode=\(other) is not one of disable, allow, prefer, require, verify-ca or verify-full.")
        }
        rootCertificates = query["sslrootcert"].flatMap { $0.isEmpty ? nil : $0 }
        if let file = rootCertificates, !FileManager.default.isReadableFile(atPath: file) {
            throw Invalid(description: "sslrootcert names \(file), which cannot be read.")
        }
        if let secret = environment["LETTERBOX_STORE_PASSWORD"], !secret.isEmpty {
            password = secret
        } else if let file = environment["LETTERBOX_STORE_PASSWORD_FILE"], !file.isEmpty {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw Invalid(description: "LETTERBOX_STORE_PASSWORD_FILE names \(file), which cannot be read.")
            }
            password = text.trimmingCharacters(in: .newlines)
        } else {
            password = components.password.flatMap { $0.removingPercentEncoding }
        }
    }

    /// The URL without any password.
    public var description: String {
        if let socketFolder { return "postgres://\(user)@/\(database)?host=\(socketFolder)&port=\(port)" }
        return "postgres://\(user)@\(host ?? "localhost"):\(port)/\(database)"
    }

    /// A URL as given, with any password replaced, for messages.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "…"
        return components.string ?? "a PostgreSQL URL"
    }

    /// Connections one process keeps to the server at most.
    public static let maximumConnections = 10

    var configuration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketFolder {
            configuration = .init(unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            let mode: PostgresClient.Configuration.TLS = switch tls {
            case .disable: .disable
            case .prefer: .prefer(tlsConfiguration())
            case .require, .verifyCA, .verifyFull: .require(tlsConfiguration())
            }
            configuration = .init(host: host ?? "localhost", port: port, username: user, password: password, database: database, tls: mode)
        }
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = Self.maximumConnections
        return configuration
    }

    /// The same, for one connection of the synchronous store (``PostgresCaseStore``).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socketFolder {
            configuration = .init(unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            let mode: PostgresConnection.Configuration.TLS = switch tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: tlsConfiguration()))
            case .require, .verifyCA, .verifyFull: .require(try NIOSSLContext(configuration: tlsConfiguration()))
            }
            configuration = .init(host: host ?? "localhost", port: port, username: user, password: password, database: database, tls: mode)
        }
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// TLS as `sslmode` asks: the certificate checked only under `verify-ca` (its chain) and
    /// `verify-full` (its chain and the host name), against `sslrootcert` when given.
    func tlsConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable, .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        if let rootCertificates { configuration.trustRoots = .file(rootCertificates) }
        return configuration
    }
}
