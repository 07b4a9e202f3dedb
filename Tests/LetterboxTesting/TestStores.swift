import Foundation
import Synchronization
package import LetterboxStore
package import LetterboxCore
import LetterboxPostgres

/// The two store backends the store and pipeline suites run on: each such test takes one as
/// its argument (`@Test(arguments: Backend.allCases)`), so every assertion is made of SQLite
/// and of PostgreSQL alike.
public enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }
}

/// New, empty stores for tests: a SQLite file in a temporary folder, or a new database on one
/// throwaway PostgreSQL server the whole test process shares (started on first use, stopped
/// when the process exits).
package enum TestStores {
    private static let server: Result<PostgresServer, any Error> = {
        let started = Result { try PostgresServer() }
        atexit { TestStores.stopServer() }
        return started
    }()

    private static func stopServer() {
        if case .success(let server) = server { server.stop() }
    }

    private static let databases = Atomic<Int>(0)

    /// The shared PostgreSQL server (started now if it was not).
    package static func postgresServer() throws -> PostgresServer { try server.get() }

    /// A new, empty store's name as `--store` takes it: a SQLite file's path (not made yet), or
    /// the URL of a new PostgreSQL database.
    package static func makeName(_ backend: Backend, _ label: String) throws -> String {
        switch backend {
        case .sqlite:
            return try Fixtures.temporaryFolder(label).appendingPathComponent("letterbox.sqlite").path
        case .postgres:
            let server = try postgresServer()
            let name = "t\(databases.wrappingAdd(1, ordering: .relaxed).oldValue)"
            try server.createDatabase(name)
            return server.url(name)
        }
    }

    /// Opens a store by its name (``makeName(_:_:)``), as the commands do.
    package static func open(_ name: String, options: SQLiteCaseStore.Options = SQLiteCaseStore.Options()) throws -> any CaseStore & ImportCheckpoints {
        if PostgresLocation.isPostgres(name) {
            return try PostgresCaseStore(location: PostgresLocation(name), options: options)
        }
        return try SQLiteCaseStore(path: name, options: options)
    }

    /// A new store. `label` names the SQLite store's folder.
    package static func make(_ backend: Backend, _ label: String, options: SQLiteCaseStore.Options = SQLiteCaseStore.Options()) throws -> any CaseStore {
        try open(makeName(backend, label), options: options)
    }
}

extension TestStores {
    /// The first column of the first row of a query, asked of the store named `name` (a path
    /// or a URL, as `--store` takes it) on a thread off the cooperative pool.
    package static func value<T: SQLColumnValue & Sendable>(_ name: String, _ sql: String, as type: T.Type = T.self) async throws -> T? {
        try await Fixtures.offPool { try open(name).reading { db in try db.value(sql, as: T.self) } }
    }

    /// A new store's name for `backend`: `sqlitePath` for SQLite (the test's own file), a new
    /// PostgreSQL database's URL otherwise.
    package static func name(_ backend: Backend, sqlitePath: String) async throws -> String {
        switch backend {
        case .sqlite: sqlitePath
        case .postgres: try await Fixtures.offPool { try makeName(.postgres, "") }
        }
    }
}
