import Foundation
import GRDB
import LetterboxCore
import LetterboxPostgres
import LetterboxStore

// MARK: - dedup-scale on PostgreSQL

/// The million-record measurement on PostgreSQL. The large store is built once on SQLite (as
/// for SQLite's figure), copied into a database on the server with `letterbox store copy`
/// (kept between runs), and each run measures on a fresh copy of that database made with
/// `CREATE DATABASE ... TEMPLATE`, beside a fresh empty database, in the same run.
extension DedupScale {
    static let largeDatabase = "letterbox_bench_large"
    static let runDatabase = "letterbox_bench_run"
    static let emptyDatabase = "letterbox_bench_empty"

    func runOnPostgres(server: String, people: Int) throws {
        let admin = try PostgresAdmin(server: server)
        let size = try DatabaseQueue(path: store).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records") ?? 0 }
        try prepareLarge(admin, records: size)
        var empty: [Double] = []
        var full: [Double] = []
        for run in 0..<runs {
            let workload = workload(run: run, people: people)
            try admin.run("DROP DATABASE IF EXISTS \(Self.emptyDatabase)", database: "postgres")
            try admin.run("CREATE DATABASE \(Self.emptyDatabase)", database: "postgres")
            let emptyStore = try PostgresCaseStore(location: PostgresLocation(admin.url(database: Self.emptyDatabase)))
            try admin.run("CHECKPOINT", database: "postgres")
            empty.append(try rate(workload, into: emptyStore))
            emptyStore.close()
            try admin.run("DROP DATABASE IF EXISTS \(Self.runDatabase)", database: "postgres")
            try admin.run("CREATE DATABASE \(Self.runDatabase) TEMPLATE \(Self.largeDatabase)", database: "postgres")
            try admin.run("CHECKPOINT", database: "postgres")  // the copy's pages are written before the clock starts
            let big = try PostgresCaseStore(location: PostgresLocation(admin.url(database: Self.runDatabase)))
            full.append(try rate(workload, into: big))
            big.close()
            print(String(format: "run %d: empty store %.0f records/s, large store %.0f records/s", run + 1, empty.last!, full.last!))
        }
        report("PostgreSQL, median", empty: empty, full: full, size: size)
        try printPostgresPlans(admin)
        try admin.run("DROP DATABASE IF EXISTS \(Self.runDatabase)", database: "postgres")
        try admin.run("DROP DATABASE IF EXISTS \(Self.emptyDatabase)", database: "postgres")
    }

    /// The large database: the SQLite store copied in once (a copy that stopped is run again
    /// and goes on), then vacuumed and analysed so the planner knows its sizes.
    func prepareLarge(_ admin: PostgresAdmin, records: Int) throws {
        let exists = try admin.value("SELECT count(*) FROM pg_database WHERE datname = '\(Self.largeDatabase)'", database: "postgres") == "1"
        if exists, try admin.value("SELECT value FROM letterbox_bench WHERE name = 'ready'", database: Self.largeDatabase) == String(records) {
            return
        }
        if !exists { try admin.run("CREATE DATABASE \(Self.largeDatabase)", database: "postgres") }
        print("Copying \(store) (\(records) records) into \(Self.largeDatabase) with `letterbox store copy`; this is done once.")
        let began = Date()
        let letterbox = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("letterbox").path
        let copy = Process()
        copy.executableURL = URL(fileURLWithPath: letterbox)
        copy.arguments = ["store", "copy", "--from", store, "--to", admin.url(database: Self.largeDatabase)]
        try copy.run()
        copy.waitUntilExit()
        guard copy.terminationStatus == 0 else { throw BenchError("letterbox store copy exited \(copy.terminationStatus)") }
        try admin.run("VACUUM ANALYZE", database: Self.largeDatabase)
        try admin.run("CREATE TABLE IF NOT EXISTS letterbox_bench (name text PRIMARY KEY, value text)", database: Self.largeDatabase)
        try admin.run("INSERT INTO letterbox_bench VALUES ('ready', '\(records)') ON CONFLICT (name) DO UPDATE SET value = excluded.value", database: Self.largeDatabase)
        print(String(format: "  copied in %.0f s", Date().timeIntervalSince(began)))
    }

    /// Runs one more batch with a statement observer, then prints PostgreSQL's plan for every
    /// distinct statement intake ran that reads (generic plans, as a prepared statement that
    /// has run a few times uses). A sequential scan of a store table would mean a lookup that
    /// grows with the store.
    func printPostgresPlans(_ admin: PostgresAdmin) throws {
        let seen = SQLCollector()
        var options = SQLiteCaseStore.Options()
        options.statementObserver = { seen.add($0) }
        let observed = try PostgresCaseStore(location: PostgresLocation(admin.url(database: Self.runDatabase)), options: options)
        seen.clear()  // opening the store checks its migrations: not intake
        var generator = Generator(seed: 99, people: max(1000, records / 4), start: benchStart.addingTimeInterval(Double(3 * 365 + 60) * 86_400))
        _ = try intake(observed).ingest(generator.labelledSet(count: 200, days: 14).map(\.submission))
        observed.close()
        // Each table's size as the planner knows it: a table of a few rows is read whole, rightly
        // (the arrangements table in a generated store is empty), and is not a lookup that grows.
        var rowsOf: [String: Double] = [:]
        for line in try admin.output("SELECT c.relname || ' ' || c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'", database: Self.runDatabase).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { rowsOf[String(parts[0])] = Double(parts[1]) ?? 0 }
        }
        var scans = 0
        print("\nQuery plans of every query intake ran (EXPLAIN of the generic plan on the large store):")
        for sql in seen.statements {
            let upper = sql.uppercased()
            guard upper.hasPrefix("SELECT") || upper.hasPrefix("WITH") || upper.contains("RETURNING") || upper.hasPrefix("UPDATE") || upper.hasPrefix("DELETE") else { continue }
            guard !upper.hasPrefix("SELECT PG_ADVISORY") else { continue }
            let text = PostgresCaseStore.postgresDialect(sql)
            let parameters = (text.matches(of: /\$(\d+)/).compactMap { Int($0.1) }.max() ?? 0)
            let execute = parameters == 0 ? "EXECUTE q" : "EXECUTE q(" + Array(repeating: "NULL", count: parameters).joined(separator: ", ") + ")"
            let plan = try admin.output(
                "SET plan_cache_mode = force_generic_plan; PREPARE q AS \(text); EXPLAIN (COSTS OFF) \(execute);",
                database: Self.runDatabase
            )
            let flat = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            print("\n  \(flat.prefix(160))")
            for step in plan.split(separator: "\n") {
                let scanned = step.firstMatch(of: /Seq Scan on (\w+)/).map { String($0.1) }
                let rows = scanned.flatMap { rowsOf[$0] }
                let bad = (rows ?? 0) > 1_000
                if bad { scans += 1 }
                let note = scanned != nil && rows != nil && !bad ? "   (a table of \(max(0, Int(rows ?? 0))) rows, read whole)" : ""
                print("  \(bad ? "!!" : "  ")  \(step)\(note)")
            }
        }
        print(scans == 0 ? "\nNo lookup scans a table of more than 1,000 rows: every other step is an index search." : "\n\(scans) step(s) scan a table of more than 1,000 rows (marked !!).")
    }
}

/// psql, for what the store does not do: creating and dropping databases, EXPLAIN.
struct PostgresAdmin {
    let components: URLComponents

    init(server: String) throws {
        guard let components = URLComponents(string: server), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw BenchError("--postgres wants a postgres://user@host/db URL, not \(server)")
        }
        self.components = components
    }

    func url(database: String) -> String {
        var copy = components
        copy.path = "/" + database
        return copy.string ?? ""
    }

    @discardableResult
    func output(_ sql: String, database: String) throws -> String {
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        psql.arguments = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url(database: database), "-c", sql]
        let out = Pipe()
        let err = Pipe()
        psql.standardOutput = out
        psql.standardError = err
        try psql.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let problem = err.fileHandleForReading.readDataToEndOfFile()
        psql.waitUntilExit()
        guard psql.terminationStatus == 0 else {
            throw BenchError("psql failed on \(sql.prefix(200)): \(String(decoding: problem, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    func run(_ sql: String, database: String) throws { try output(sql, database: database) }

    /// The first cell, or nil when the statement fails (a table not there yet) or returns none.
    func value(_ sql: String, database: String) throws -> String? {
        let text = (try? output(sql, database: database))?.trimmingCharacters(in: .whitespacesAndNewlines)
        return text?.isEmpty == false ? text : nil
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
