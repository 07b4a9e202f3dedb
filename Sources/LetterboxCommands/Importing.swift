public import ArgumentParser
public import LetterboxCore
public import Logging
import Synchronization
import CMallocTuning

/// An adapter with one-shot import commands of its own (`ingest mbox`, `ingest notes`). The
/// executable mounts every registered adapter's commands under `letterbox ingest`; a command
/// reaches the store only through ``ParsableCommand/importing(_:_:)``.
public protocol ImportingAdapter: ChannelAdapterFactory {
    /// The commands, each with its `commandName` (`mbox`), run as `letterbox ingest NAME`.
    static var importCommands: [any ParsableCommand.Type] { get }
}

/// What the executable gives import commands: the configuration, the pipeline and the store's
/// checkpoints, and the words and exit status for any error. Registered once, at start-up,
/// before the command line is parsed (``Importing/register(_:)``).
public protocol ImportHost: Sendable {
    /// Reads the configuration the options name (flags, environment, the YAML file), without
    /// opening the store.
    func environment(_ choice: StoreChoice) async throws -> ImportEnvironment
    /// Any error as the user sees it: one line, and the status to exit with.
    func failure(_ error: any Error) -> CommandFailure
    /// The local delivery socket and logger when the choice alone settles them, without reading
    /// the settings (no config file, no environment variable that could change them); nil when
    /// the settings must be read. The mail pipe then hands its message over without them.
    func localDeliveryWithoutSettings(_ choice: StoreChoice) -> (socket: String, logger: Logger)?
}

extension ImportHost {
    public func localDeliveryWithoutSettings(_ choice: StoreChoice) -> (socket: String, logger: Logger)? { nil }
}

/// The configuration an import runs with.
public struct ImportEnvironment: Sendable {
    /// Every channel's settings (an adapter reads its own section).
    public let settings: ChannelSettings
    public let logger: Logger
    /// The store, as summaries name it (`/var/lib/letterbox/letterbox.sqlite`).
    public let storeName: String
    /// The local delivery socket of a `serve` on this store (``LocalDelivery``), when one is
    /// configured or implied by the store (`server.localSocket`).
    public let localSocket: String?
    private let openSession: @Sendable (_ oneMessage: Bool) throws -> ImportSession
    private let warmUp: @Sendable () -> Void

    /// `open` is given whether the process takes one message and exits (``open(oneMessage:)``);
    /// `warmUp` starts building, on another thread, what reading the first message needs
    /// (``prepareInBackground()``).
    public init(
        settings: ChannelSettings, logger: Logger, storeName: String, localSocket: String? = nil,
        warmUp: @escaping @Sendable () -> Void = {}, open: @escaping @Sendable (_ oneMessage: Bool) throws -> ImportSession
    ) {
        self.warmUp = warmUp
        self.localSocket = localSocket
        self.settings = settings
        self.logger = logger
        self.storeName = storeName
        self.openSession = open
    }

    /// Opens the store (a dry run never does). `oneMessage`: this process takes one message and
    /// exits (the mail pipe), so a SQLite store is opened with one connection, not a pool.
    public func open(oneMessage: Bool = false) throws -> ImportSession { try openSession(oneMessage) }

    /// Starts building what triage needs on another thread, so that it overlaps opening the
    /// store and decoding: for a process that takes one message (the mail pipe), once it knows
    /// it will commit the message itself.
    public func prepareInBackground() { warmUp() }
}

/// An open store, as an import uses it.
public struct ImportSession: Sendable {
    /// The pipeline with every configured adapter's decoder.
    public let pipeline: any SubmissionPipeline
    /// Where earlier runs got to, for imports that resume.
    public let checkpoints: any ImportCheckpoints

    public init(pipeline: any SubmissionPipeline, checkpoints: any ImportCheckpoints) {
        self.pipeline = pipeline
        self.checkpoints = checkpoints
    }
}

/// The registered host.
public enum Importing {
    private static let registered = Mutex<(any ImportHost)?>(nil)

    /// Called once by the executable before it parses the command line.
    public static func register(_ host: any ImportHost) {
        registered.withLock { $0 = host }
    }

    /// The environment the choice names, for a command that reports its own failures (the mail
    /// pipe, which must exit 75 whatever went wrong).
    public static func environment(_ choice: StoreChoice) async throws -> ImportEnvironment {
        try await host.environment(choice)
    }

    /// Any error as the user sees it.
    public static func failure(_ error: any Error) -> CommandFailure {
        host.failure(error)
    }

    /// ``ImportHost/localDeliveryWithoutSettings(_:)`` of the registered host.
    public static func localDeliveryWithoutSettings(_ choice: StoreChoice) -> (socket: String, logger: Logger)? {
        host.localDeliveryWithoutSettings(choice)
    }

    static var host: any ImportHost {
        guard let host = registered.withLock({ $0 }) else {
            preconditionFailure("An import command ran before the executable registered its ImportHost.")
        }
        return host
    }
}

extension ParsableCommand {
    /// Runs an import's body with its environment. A failure is printed as one line on standard
    /// error (`letterbox: ...`) and the command exits with its status; an `ExitCode` thrown by
    /// the body passes through.
    public func importing(_ options: StoreOptions, _ body: (ImportEnvironment) async throws -> Void) async throws {
        let host = Importing.host
        do {
            try await body(try await host.environment(options.choice))
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw host.failure(error).reported()
        }
    }
}

/// Memory settings for long imports.
public enum ImportMemory {
    /// The size from which malloc maps each buffer on its own (and unmaps it when freed), when
    /// fixed: 256 KB in `ingest mbox` and `ingest maildir` on glibc, set before `main`
    /// (CMallocTuning); nil elsewhere. glibc's own threshold rises to 32 MB as large buffers
    /// are freed, and then a batch's message and attachment buffers came from the threads' heaps
    /// and stayed there once freed. On the 914 MB mbox import the peak RSS went from 101-103 MB
    /// to 96 MB, its time within the machine's noise (21.9 and 22.3 s against 22.9 and 20.0 s,
    /// interleaved with the build before).
    public static var mmapThreshold: Int? {
        let threshold = letterbox_malloc_mmap_threshold()
        return threshold > 0 ? threshold : nil
    }

    /// The threshold in words, for an import's debug log.
    public static var summary: String {
        "malloc maps buffers from \(mmapThreshold.map { "\($0 / 1024) KB" } ?? "its own threshold")"
    }
}
