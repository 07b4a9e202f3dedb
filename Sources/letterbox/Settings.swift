import ArgumentParser
import Configuration
import Foundation
import LetterboxCore
import LetterboxEmail
import LetterboxPhoneNotes
import LetterboxStore
import Logging
import SystemPackage

/// Options every command that touches the store accepts.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The store file. Default: ./letterbox.sqlite (or LETTERBOX_STORE, or 'store' in the config).")
    var store: String?

    @Option(name: .long, help: "The config file. Default: ./letterbox.yaml when it exists (or LETTERBOX_CONFIG).")
    var config: String?

    @ArgumentParser.Flag(name: .shortAndLong, help: "Log debug detail to standard error (never message bodies).")
    var verbose = false
}

/// Settings resolved from, in order of precedence: flags, LETTERBOX_* environment variables,
/// the YAML config file, built-in defaults. Key names are documented in README, "Configuration".
struct Settings {
    var storePath: String
    var busyTimeout: Double
    var referencePrefix: String
    var noteMaxBytes: Int
    var watchSettleSeconds: Double
    var watchRescanSeconds: Double
    var emailMaxAttachmentBytes: Int
    var emailOrganisationDomains: Set<String>
    var logLevel: Logger.Level
    var linking: LinkingPolicy
    /// Every layer of settings, for the commands with settings of their own (`serve`).
    var config: ConfigReader

    static func load(_ options: StoreOptions, overrides: [AbsoluteConfigKey: ConfigValue] = [:]) async throws -> Settings {
        let environment = ProcessInfo.processInfo.environment
        var flagValues = overrides
        if let store = options.store { flagValues[["store"]] = ConfigValue(.string(store), isSecret: false) }
        if options.verbose { flagValues[["log", "level"]] = ConfigValue(.string("debug"), isSecret: false) }
        // LETTERBOX_STORE -> "store", LETTERBOX_NOTES_MAX_BYTES -> "notes.maxBytes".
        var stripped: [String: String] = [:]
        for (name, value) in environment where name.hasPrefix("LETTERBOX_") {
            stripped[String(name.dropFirst("LETTERBOX_".count))] = value
        }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: flagValues),
            EnvironmentVariablesProvider(environmentVariables: stripped),
        ]
        let explicitFile = options.config ?? environment["LETTERBOX_CONFIG"]
        let file = explicitFile ?? "letterbox.yaml"
        if explicitFile != nil || FileManager.default.fileExists(atPath: file) {
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
            storePath: config.string(forKey: "store", default: "letterbox.sqlite"),
            busyTimeout: config.double(forKey: "busyTimeout", default: 5),
            referencePrefix: config.string(forKey: "reference.prefix", default: "LB"),
            noteMaxBytes: config.int(forKey: "notes.maxBytes", default: 5_000_000),
            watchSettleSeconds: config.double(forKey: "watch.settleSeconds", default: 2),
            watchRescanSeconds: config.double(forKey: "watch.rescanSeconds", default: 30),
            emailMaxAttachmentBytes: config.int(forKey: "email.maxAttachmentBytes", default: 50 * 1024 * 1024),
            emailOrganisationDomains: Set(
                config.string(forKey: "email.organisationDomains", default: "")
                    .split(whereSeparator: { $0 == "," || $0 == " " }).map { $0.lowercased() }
            ),
            logLevel: Logger.Level(rawValue: level.lowercased()) ?? .info,
            linking: try linkingPolicy(config),
            config: config
        )
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

    func openStore() throws -> SQLiteCaseStore {
        try SQLiteCaseStore(
            path: storePath,
            options: .init(busyTimeout: busyTimeout, referencePrefix: referencePrefix, linking: linking)
        )
    }

    /// The pipeline with every channel's decoder, and the crash-test hook when asked for.
    func intake(store: SQLiteCaseStore, extra: [any SubmissionDecoder] = []) -> Intake {
        var intake = Intake(
            store: store,
            decoders: [
                PhoneNoteDecoder(maxBytes: noteMaxBytes),
                emailDecoder,
            ] + extra
        )
        if ProcessInfo.processInfo.environment["LETTERBOX_FAULT"] == "kill-after-raw" {
            intake.afterReceive = { kill(getpid(), SIGKILL) }
        }
        return intake
    }

    var emailDecoder: EmailDecoder {
        EmailDecoder(maxAttachmentBytes: emailMaxAttachmentBytes, organisationDomains: emailOrganisationDomains)
    }

    func makeLogger(_ label: String = "letterbox") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = logLevel
        return logger
    }
}

enum LogSetup {
    /// Logs go to standard error, so standard output stays clean for data.
    static func bootstrap() {
        LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
    }
}
