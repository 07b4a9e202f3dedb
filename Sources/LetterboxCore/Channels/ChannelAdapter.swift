public import Foundation
import Dispatch
public import Logging

/// A way feedback reaches Letterbox: email, the web form, an SMS gateway, phone notes, Twilio.
///
/// An adapter supplies its decoder and, when it has them, HTTP routes (served through the
/// server's one hook, ``ChannelRoute``), background services (watched folders, a sweep) and
/// anything it must say at start-up. It is built from its configuration section by its
/// ``ChannelAdapterFactory``; the executable keeps one list of factories and hands the adapters
/// to the pipeline, the server and the commands. Nothing outside an adapter names its channel.
///
/// An adapter does no storage of its own: it turns what its transport gives it into
/// ``RawSubmission``s and hands them to a ``SubmissionPipeline`` (or, for a route, to the
/// server, which stores them). So a second store backend needs nothing from any adapter.
public protocol ChannelAdapter: Sendable {
    /// The adapter's stable name (`email`, `sms`, `twilio`): in logs, metadata and metrics.
    var name: String { get }
    /// What people call it (`Twilio SMS`).
    var displayName: String { get }
    /// The channel its records carry.
    var channel: Channel { get }
    /// Reads its submissions (pure; see ``SubmissionDecoder``).
    var decoder: any SubmissionDecoder { get }
    /// HTTP routes, served by `letterbox serve`. Default: none.
    var routes: [ChannelRoute] { get }
    /// Long-running work (a watched folder, a sweep for parts that stopped coming), run by
    /// `letterbox serve` and `letterbox watch`. Default: none.
    func services(_ context: ChannelServiceContext) throws -> [any ChannelService]
    /// Said once at start-up (a gateway with no authentication). Default: nothing.
    var startupWarnings: [String] { get }
}

extension ChannelAdapter {
    public var routes: [ChannelRoute] { [] }
    public func services(_ context: ChannelServiceContext) throws -> [any ChannelService] { [] }
    public var startupWarnings: [String] { [] }
}

/// Builds a kind of adapter from its configuration section: one registration line each in the
/// executable.
public protocol ChannelAdapterFactory: Sendable {
    /// The adapter's name, as in ``ChannelAdapter/name``.
    static var name: String { get }
    /// The channel its records carry: known without reading any settings, so that options
    /// naming channels (`--channel`, `restrictions add --channels`) can be checked even when a
    /// section of the configuration is wrong.
    static var channel: Channel { get }
    /// The configuration section it reads (`sms`, `form`, `notes`, `email`), for the README and errors.
    static var section: String { get }
    /// The adapters these settings ask for: none when the section turns the channel off (for
    /// Twilio: no gateway with `profile: twilio`), several for several gateways.
    static func adapters(_ settings: ChannelSettings) throws -> [any ChannelAdapter]
}

/// Read access to the configuration (flags, environment, the YAML file), as adapters see it.
/// Keys are whole (`sms.kannel.auth`). Values are typed where the file types them.
public struct ChannelSettings: Sendable {
    public struct Readers: Sendable {
        public var string: @Sendable (_ key: String, _ secret: Bool) -> String?
        public var int: @Sendable (String) -> Int?
        public var double: @Sendable (String) -> Double?
        public var bool: @Sendable (String) -> Bool?
        public var list: @Sendable (String) -> [String]

        public init(
            string: @escaping @Sendable (String, Bool) -> String?,
            int: @escaping @Sendable (String) -> Int?,
            double: @escaping @Sendable (String) -> Double?,
            bool: @escaping @Sendable (String) -> Bool?,
            list: @escaping @Sendable (String) -> [String]
        ) {
            self.string = string
            self.int = int
            self.double = double
            self.bool = bool
            self.list = list
        }
    }

    let readers: Readers
    /// The names of every registered adapter, so that one section can be shared: a gateway
    /// under `sms.gateways` whose profile names another adapter (`twilio`) is that adapter's.
    public let adapterNames: Set<String>
    /// True when the process serves HTTP (`letterbox serve`): services that only matter beside
    /// routes (the sweep for long texts) run only then.
    public let serving: Bool

    public init(readers: Readers, adapterNames: Set<String>, serving: Bool) {
        self.readers = readers
        self.adapterNames = adapterNames
        self.serving = serving
    }

    /// A text setting; empty counts as not set.
    public func string(_ key: String) -> String? {
        readers.string(key, false).flatMap { $0.isEmpty ? nil : $0 }
    }

    public func string(_ key: String, default value: String) -> String { string(key) ?? value }
    public func int(_ key: String, default value: Int) -> Int { readers.int(key) ?? value }
    public func double(_ key: String, default value: Double) -> Double { readers.double(key) ?? value }
    public func bool(_ key: String, default value: Bool) -> Bool { readers.bool(key) ?? value }
    /// A list given as a YAML list or as one comma-separated string (environment variables).
    public func list(_ key: String) -> [String] { readers.list(key) }

    /// A secret: the value of `key`, or the contents of the file named by `keyFile` (white
    /// space around it removed). Never logged. Nil when neither is set.
    public func secret(_ key: String) throws(ChannelConfigurationError) -> String? {
        if let value = readers.string(key, true), !value.isEmpty { return value }
        guard let path = string(key + "File") else { return nil }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ChannelConfigurationError("\(key)File: cannot read \(path).")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ChannelConfigurationError("\(key)File: \(path) is empty.") }
        return trimmed
    }

    /// A setting that must be there.
    public func required(_ key: String, secret: Bool = false, for what: String) throws(ChannelConfigurationError) -> String {
        let found = secret ? try self.secret(key) : string(key)
        guard let found else {
            throw ChannelConfigurationError("\(what) needs \(key)\(secret ? " (or \(key)File)" : "").")
        }
        return found
    }
}

/// A mistake in an adapter's configuration, in words for the IT team.
public struct ChannelConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Where adapters send what they take in: the intake pipeline (raw bytes first, then the
/// record, committed durably before anything is answered or moved).
public protocol SubmissionPipeline: Sendable {
    /// Stores and reads submissions; one outcome per submission, in order. Throws only when
    /// the store cannot be written.
    func ingest(_ submissions: [RawSubmission], whenKnown: WhenKnown) throws -> [IntakeOutcome]
    /// Stores a submission the transport refused to read, straight into quarantine.
    func refuse(_ submission: RawSubmission, because error: IntakeError) throws -> IntakeOutcome
    /// Joins the held parts of messages whose first part arrived before `cutoff` (the rest
    /// will not come) with what has arrived.
    func joinWaitingParts(olderThan cutoff: Date) throws -> [IntakeOutcome]
    /// Hashes and decodes submissions without touching the store; safe on any thread.
    /// Default: nothing is done ahead, and ``commit(_:whenKnown:)`` ingests.
    func prepare(_ submissions: [RawSubmission]) -> PreparedSubmissions
    /// Stores what ``prepare(_:)`` made, exactly as ``ingest(_:whenKnown:)`` would.
    func commit(_ prepared: PreparedSubmissions, whenKnown: WhenKnown) throws -> [IntakeOutcome]
}

extension SubmissionPipeline {
    public func prepare(_ submissions: [RawSubmission]) -> PreparedSubmissions {
        PreparedSubmissions(count: submissions.count, contents: submissions)
    }

    public func commit(_ prepared: PreparedSubmissions, whenKnown: WhenKnown) throws -> [IntakeOutcome] {
        try ingest(prepared.contents as! [RawSubmission], whenKnown: whenKnown)
    }
}

/// What a background service is given.
public struct ChannelServiceContext: Sendable {
    public var pipeline: any SubmissionPipeline
    public var logger: Logger
    /// Says what became of one item (one line on standard output, and the watch metrics).
    public var report: @Sendable (_ service: String, _ outcome: IntakeOutcome, _ item: String) -> Void

    public init(
        pipeline: any SubmissionPipeline,
        logger: Logger,
        report: @escaping @Sendable (String, IntakeOutcome, String) -> Void
    ) {
        self.pipeline = pipeline
        self.logger = logger
        self.report = report
    }
}

/// Long-running work of an adapter. `run` returns when the task is cancelled (the process is
/// shutting down), after finishing the batch in hand.
public protocol ChannelService: Sendable {
    /// For the start-up log: `Watching /srv/notes for phone notes`.
    var description: String { get }
    func run() async throws
}

/// Store work repeated every `interval` seconds (a sweep), each time on a thread outside the
/// cooperative pool, until the task is cancelled. The work reports its own failures.
public struct PeriodicWork: ChannelService {
    public let description: String
    let interval: TimeInterval
    /// Run once at start-up before the first wait.
    let immediately: Bool
    let work: @Sendable () -> Void

    public init(_ description: String, every interval: TimeInterval, immediately: Bool = false, work: @escaping @Sendable () -> Void) {
        self.description = description
        self.interval = interval
        self.immediately = immediately
        self.work = work
    }

    public func run() async throws {
        var first = immediately
        while !Task.isCancelled {
            if !first {
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                if Task.isCancelled { break }
            }
            first = false
            let work = self.work
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    work()
                    continuation.resume()
                }
            }
        }
    }
}
