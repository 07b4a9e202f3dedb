import ArgumentParser
import Configuration
import Foundation
import LetterboxCommands
import LetterboxCore
import LetterboxPostgres
import LetterboxStore
import Logging
import SystemPackage

/// Settings resolved from, in order of precedence: flags, LETTERBOX_* environment variables,
/// the YAML config file, built-in defaults. Key names are documented in README, "Configuration".
struct Settings {
    var storePath: String
    var busyTimeout: Double
    /// walCheckpoint: `background` (a checkpoint beside the writer, the default) or `commit`
    /// (inside the commit that fills the WAL, as SQLite does; for a machine with one core).
    var checkpointInBackground: Bool
    var referencePrefix: String
    var logLevel: Logger.Level
    var linking: LinkingPolicy
    /// Due dates, made when asked for: the settings are checked at load, but the working calendar
    /// (26 years of bank holidays, about half a millisecond) is worked out only by a command that
    /// dates something. The mail pipe that hands its message to a running server does not.
    var timescales: DueDateCalculator { makeTimescales() }
    let makeTimescales: @Sendable () -> DueDateCalculator
    /// triage.model, triage.reviewThreshold and triage.complaintThreshold, checked at load; the
    /// triage itself is made when asked for (its phrase lists and flag settings are a tenth of
    /// the work of a mail pipe that hands its message to a running server, which never triages).
    var triage: Triage { makeTriage() }
    let makeTriage: @Sendable () -> Triage
    /// Every layer of settings, for the commands with settings of their own (`serve`).
    var config: ConfigReader

    static func load(_ options: StoreOptions, overrides: [AbsoluteConfigKey: ConfigValue] = [:]) async throws -> Settings {
        try await load(options.choice, overrides: overrides)
    }

    static func load(_ options: StoreChoice, overrides: [AbsoluteConfigKey: ConfigValue] = [:]) async throws -> Settings {
        var flagValues = overrides
        if let store = options.store { flagValues[["store"]] = ConfigValue(.string(store), isSecret: false) }
        if options.verbose { flagValues[["log", "level"]] = ConfigValue(.string("debug"), isSecret: false) }
        // LETTERBOX_STORE -> "store", LETTERBOX_NOTES_MAX_BYTES -> "notes.maxBytes".
        let stripped = letterboxVariables()
        var providers: [any ConfigProvider] = [InMemoryProvider(name: "flags", values: flagValues)]
        // Only when there is a variable to find: the provider encodes every key it is asked for
        // as a variable's name, a sixteenth of a mail-pipe process's work when none is set.
        if !stripped.isEmpty { providers.append(EnvironmentVariablesProvider(environmentVariables: stripped)) }
        if let file = configFile(options, variables: stripped) {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw CLIError(.noInput, "The config file \(file) does not exist or cannot be read.")
            }
            do {
                providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(file)))
            } catch {
                throw CLIError(.config, "The config file \(file) is not valid YAML: \(error)")
            }
        }
        let config = ConfigReader(providers: providers)
        let level = config.string(forKey: "log.level", default: "info")
        return Settings(
            storePath: config.string(forKey: "store", default: defaultStorePath),
            busyTimeout: config.double(forKey: "busyTimeout", default: 5),
            checkpointInBackground: try walCheckpoint(config),
            referencePrefix: config.string(forKey: "reference.prefix", default: "LB"),
            logLevel: Logger.Level(rawValue: level.lowercased()) ?? .info,
            linking: try linkingPolicy(config),
            makeTimescales: try timescales(config),
            makeTriage: try triage(config, referencePrefix: config.string(forKey: "reference.prefix", default: "LB")),
            config: config
        )
    }

    /// walCheckpoint (README, "Configuration").
    static func walCheckpoint(_ config: ConfigReader) throws -> Bool {
        switch config.string(forKey: "walCheckpoint", default: "background") {
        case "background": return true
        case "commit": return false
        case let other: throw CLIError(.config, "walCheckpoint must be background or commit, not \(other).")
        }
    }

    /// The store when none is named.
    static let defaultStorePath = "letterbox.sqlite"

    /// The config file to read: the one named (--config, else LETTERBOX_CONFIG), which must
    /// exist, or ./letterbox.yaml when it exists; nil for none.
    static func configFile(_ options: StoreChoice, variables: [String: String]) -> String? {
        if let named = options.config ?? variables["CONFIG"] { return named }
        return FileManager.default.fileExists(atPath: "letterbox.yaml") ? "letterbox.yaml" : nil
    }

    /// What the command line alone settles when nothing else could change a setting: no config
    /// file (named, or ./letterbox.yaml) and no LETTERBOX_ variable. Every other setting then has
    /// its default. The mail pipe of Samples/deploy runs so (`--store` on its command line, in
    /// the mail server's queue folder), and hands its message to a running server with only
    /// this: reading the settings through ConfigReader was a third of that process's
    /// instructions. Nil when the settings must be read.
    static func unconfigured(_ options: StoreChoice) -> (storePath: String, localSocket: String?, logLevel: Logger.Level)? {
        let variables = letterboxVariables()
        guard variables.isEmpty, configFile(options, variables: variables) == nil else { return nil }
        let storePath = options.store ?? defaultStorePath
        return (storePath, defaultLocalSocket(storePath), options.verbose ? .debug : .info)
    }

    /// The local delivery socket when server.localSocket is not set: the SQLite store's path with
    /// `.sock` added; none for a PostgreSQL store.
    static func defaultLocalSocket(_ storePath: String) -> String? {
        PostgresLocation.isPostgres(storePath) ? nil : storePath + ".sock"
    }

    /// The LETTERBOX_* environment variables, named without the prefix. Read from `environ`
    /// rather than ProcessInfo's dictionary of every variable (a twentieth of the work of a mail
    /// pipe that hands its message over).
    static func letterboxVariables() -> [String: String] {
        var found: [String: String] = [:]
        var entry = environ
        let prefix = Array("LETTERBOX_".utf8)
        while let pointer = entry.pointee {
            entry += 1
            let length = strlen(pointer)
            guard length > prefix.count else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: length)
            guard bytes.starts(with: prefix), let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = String(decoding: bytes[prefix.count..<equals], as: UTF8.self)
            // The first of two variables of the same name wins, as getenv finds it.
            if found[name] == nil { found[name] = String(decoding: bytes[(equals + 1)...], as: UTF8.self) }
        }
        return found
    }

    /// contacts.*, dedup.*, persistence.* and restrictions.* (README, "Configuration").
    static func linkingPolicy(_ config: ConfigReader) throws -> LinkingPolicy {
        var policy = LinkingPolicy()
        if let pattern = config.string(forKey: "contacts.tenancyPattern"), !pattern.isEmpty {
            do { policy.tenancyPattern = try TenancyPattern(pattern) } catch {
                throw CLIError(.config, "contacts.tenancyPattern is not a valid regular expression: \(pattern)")
            }
        }
        func days(_ key: String, _ value: Int) throws -> Int {
            let read = config.int(forKey: ConfigKey(key), default: value)
            guard (0...3650).contains(read) else { throw CLIError(.config, "\(key) must be a number of days from 0 to 3650, not \(read).") }
            return read
        }
        func share(_ key: String, _ value: Double) throws -> Double {
            let read = config.double(forKey: ConfigKey(key), default: value)
            guard read > 0, read <= 1 else { throw CLIError(.config, "\(key) must be above 0 and at most 1, not \(read).") }
            return read
        }
        policy.duplicateWindowDays = try days("dedup.duplicateWindowDays", policy.duplicateWindowDays)
        policy.repeatWindowDays = try days("dedup.repeatWindowDays", policy.repeatWindowDays)
        policy.repeatThreshold = try share("dedup.repeatThreshold", policy.repeatThreshold)
        policy.relatedThreshold = try share("dedup.relatedThreshold", policy.relatedThreshold)
        policy.containmentThreshold = try share("dedup.containmentThreshold", policy.containmentThreshold)
        policy.rewordThreshold = try share("dedup.rewordThreshold", policy.rewordThreshold)
        policy.rewordMinimumShared = config.int(forKey: "dedup.rewordMinimumShared", default: policy.rewordMinimumShared)
        guard (1...50).contains(policy.rewordMinimumShared) else {
            throw CLIError(.config, "dedup.rewordMinimumShared must be a number of words from 1 to 50, not \(policy.rewordMinimumShared).")
        }
        policy.persistence = [
            PersistenceRule(scope: .sameCase, count: try days("persistence.sameCase.count", 5), days: try days("persistence.sameCase.days", 7)),
            PersistenceRule(scope: .allContacts, count: try days("persistence.allContacts.count", 20), days: try days("persistence.allContacts.days", 30)),
            PersistenceRule(scope: .afterClosed, count: 1, days: try days("persistence.afterClosed.days", 90)),
        ].filter { $0.count > 0 && $0.days > 0 }
        func terms(_ key: String) throws -> [String]? {
            guard let path = config.string(forKey: ConfigKey(key)), !path.isEmpty else { return nil }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CLIError(.config, "\(key): cannot read \(path) as UTF-8 text (one term per line).")
            }
            return text.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace().lowercased() }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        if let abusive = try terms("persistence.abusiveTermsFile") { policy.abusiveTerms = abusive }
        if let emergency = try terms("restrictions.emergencyTermsFile") { policy.emergencyTerms = emergency }
        return policy
    }

    /// A PostgreSQL URL is never taken for a SQLite file name, where a SQLite file is what is
    /// needed.
    func refusePostgres() throws {
        guard PostgresLocation.isPostgres(storePath) else { return }
        throw CLIError(.config, "The store is a PostgreSQL URL, and this needs a SQLite store file.")
    }

    /// The store, for commands that only make sense on one that exists (reading it, or changing
    /// what is in it): a mistyped path says so (exit 66) instead of creating an empty store.
    func openExistingStore() throws -> any CaseStore {
        PostgresLocation.isPostgres(storePath) ? try openPostgresStore() : try openExistingSQLiteStore()
    }

    /// The SQLite store at the path, which must exist.
    func openExistingSQLiteStore() throws -> SQLiteCaseStore {
        try refusePostgres()
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw CLIError(
                .noInput,
                "There is no store at \(storePath). Name one with --store PATH (or LETTERBOX_STORE, or store: in letterbox.yaml); the ingest, watch and serve commands create it."
            )
        }
        do {
            return try openStore(keepReserve: false)
        } catch let error as StoreError where StoreReserve.diskIsFull(beside: storePath) {
            // Opening needs a few kilobytes (SQLite's -shm and -wal files): release the reserve
            // the writing commands keep, so the store can still be read, and say so.
            guard StoreReserve.release(beside: storePath) else { throw error }
            writeToStandardError(
                "letterbox: the disk holding \(storePath) is full. Letterbox released its reserve (\(StoreReserve.path(beside: storePath))) so the store can be read; free space on that disk (README, \"When the disk is full\").\n"
            )
            return try openStore(keepReserve: false)
        }
    }

    /// The PostgreSQL store the settings name, with its schema brought up to date.
    func openPostgresStore() throws -> PostgresCaseStore {
        let location: PostgresLocation
        do { location = try PostgresLocation(storePath) } catch { throw CLIError(.config, error.description) }
        return try PostgresCaseStore(
            location: location,
            options: .init(busyTimeout: busyTimeout, referencePrefix: referencePrefix, linking: linking, triage: triage, timescales: timescales),
            logger: makeLogger()
        )
    }

    /// The store the commands that take submissions in (ingest, watch, serve) write: SQLite
    /// (created when missing), or PostgreSQL.
    func openIntakeStore() throws -> any IntakeStore {
        PostgresLocation.isPostgres(storePath) ? try openPostgresStore() : try openStore()
    }

    /// The store, created (owner-only) when it does not exist yet: for the commands that take
    /// submissions in (ingest, watch, serve) and for forward.
    func openStore(keepReserve: Bool = true, singleConnection: Bool = false) throws -> SQLiteCaseStore {
        try refusePostgres()
        var options = SQLiteCaseStore.Options(
            busyTimeout: busyTimeout, referencePrefix: referencePrefix, linking: linking, triage: triage, timescales: timescales,
            singleConnection: singleConnection
        )
        options.checkpointInBackground = checkpointInBackground
        let store = try SQLiteCaseStore(path: storePath, options: options)
        if keepReserve { StoreReserve.ensure(beside: storePath) }
        return store
    }

    /// triage.model (a model file from `letterbox triage train`, `shipped`, or `none` for the
    /// rules alone) and triage.reviewThreshold (README, "Triage and due dates").
    static func triage(_ config: ConfigReader, referencePrefix: String) throws -> @Sendable () -> Triage {
        let threshold = config.double(forKey: "triage.reviewThreshold", default: Triage.defaultReviewThreshold)
        guard (0...1).contains(threshold) else { throw CLIError(.config, "triage.reviewThreshold must be a probability from 0 to 1, not \(threshold).") }
        let complaintThreshold = config.double(forKey: "triage.complaintThreshold", default: Triage.defaultComplaintThreshold)
        guard (0...1).contains(complaintThreshold) else {
            throw CLIError(.config, "triage.complaintThreshold must be a probability from 0 to 1, not \(complaintThreshold).")
        }
        let choice: Triage.ModelChoice
        switch config.string(forKey: "triage.model", default: "shipped") {
        case "shipped", "": choice = .shipped
        case "none": choice = .none
        case let path:
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError(.config, "triage.model: cannot read \(path).") }
            do { choice = .custom(try TriageModel(data: data)) } catch { throw CLIError(.config, "triage.model \(path): \(error)") }
        }
        return { Triage(referencePrefix: referencePrefix, model: choice, reviewThreshold: threshold, complaintThreshold: complaintThreshold) }
    }

    /// timescales.* and calendar.* (README, "Triage and due dates").
    static func timescales(_ config: ConfigReader) throws -> @Sendable () -> DueDateCalculator {
        let name = config.string(forKey: "timescales.preset", default: "hos-2024")
        guard var policy = TimescalePolicy.preset(name) else {
            throw CLIError(.config, "timescales.preset must be one of \(TimescalePolicy.presetNames.joined(separator: ", ")), not \(name).")
        }
        func days(_ key: String, _ value: Int?) throws -> Int? {
            guard let read = config.int(forKey: ConfigKey(key)) else { return value }
            guard (0...365).contains(read) else { throw CLIError(.config, "\(key) must be a number of working days from 0 to 365 (0 for none), not \(read).") }
            return read == 0 ? nil : read
        }
        policy.stage1.acknowledge = try days("timescales.stage1.acknowledge", policy.stage1.acknowledge)
        policy.stage1.respond = try days("timescales.stage1.respond", policy.stage1.respond)
        policy.stage2.acknowledge = try days("timescales.stage2.acknowledge", policy.stage2.acknowledge)
        policy.stage2.respond = try days("timescales.stage2.respond", policy.stage2.respond)
        if let from = config.string(forKey: "timescales.respondFrom") {
            guard from == "acknowledgement" || from == "receipt" else {
                throw CLIError(.config, "timescales.respondFrom must be acknowledgement or receipt, not \(from).")
            }
            policy.stage1.respondFromAcknowledgement = from == "acknowledgement"
            policy.stage2.respondFromAcknowledgement = from == "acknowledgement"
        }
        policy.complimentAcknowledge = try days("timescales.compliment.acknowledge", policy.complimentAcknowledge)
        policy.suggestionRespond = try days("timescales.suggestion.respond", policy.suggestionRespond)
        policy.significantHazardDays = try days("timescales.significantHazardDays", policy.significantHazardDays) ?? 10
        policy.emergencyHazardHours = config.int(forKey: "timescales.emergencyHazardHours", default: policy.emergencyHazardHours)
        let counting = config.string(forKey: "calendar.counting", default: policy.counting.rawValue)
        guard let readCounting = TimescalePolicy.Counting(rawValue: counting) else {
            throw CLIError(.config, "calendar.counting must be next-working-day or same-day-before-cutoff, not \(counting).")
        }
        policy.counting = readCounting
        let cutoff = config.string(forKey: "calendar.cutoff", default: "17:00")
        let parts = cutoff.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else {
            throw CLIError(.config, "calendar.cutoff must be a time like 17:00, not \(cutoff).")
        }
        policy.cutoffMinutes = parts[0] * 60 + parts[1]
        let nationName = config.string(forKey: "calendar.nation", default: Nation.englandAndWales.rawValue)
        guard let nation = Nation(rawValue: nationName) else {
            throw CLIError(.config, "calendar.nation must be england-and-wales, scotland or northern-ireland, not \(nationName).")
        }
        var addedChanges: [BankHolidays.Change] = []
        if let path = config.string(forKey: "calendar.holidayChangesFile"), !path.isEmpty {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CLIError(.config, "calendar.holidayChangesFile: cannot read \(path).")
            }
            do { addedChanges = try BankHolidays.parseChanges(text) } catch {
                throw CLIError(.config, "calendar.holidayChangesFile \(path): \(error)")
            }
        }
        var closures = Set<CivilDay>()
        for item in config.string(forKey: "calendar.closureDays", default: "").split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let day = CivilDay(iso: item) else { throw CLIError(.config, "calendar.closureDays: \(item) is not a YYYY-MM-DD date.") }
            closures.insert(day)
        }
        return { [policy, addedChanges, closures] in
            let holidays = BankHolidays(changes: BankHolidays.defaultChanges + addedChanges)
            return DueDateCalculator(policy: policy, calendar: WorkingCalendar(nation: nation, holidays: holidays, closureDays: closures))
        }
    }

    func makeLogger(_ label: String = "letterbox") -> Logger {
        Self.makeLogger(label, level: logLevel)
    }

    static func makeLogger(_ label: String = "letterbox", level: Logger.Level) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

enum LogSetup {
    /// Logs go to standard error, so standard output stays clean for data.
    static func bootstrap() {
        LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
    }
}
