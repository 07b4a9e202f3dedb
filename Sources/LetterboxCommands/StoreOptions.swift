public import ArgumentParser

/// Options every command that touches the store accepts.
public struct StoreOptions: ParsableArguments {
    public init() {}

    @Option(name: .long, help: "The store file. Default: ./letterbox.sqlite (or LETTERBOX_STORE, or 'store' in the config).")
    public var store: String?

    @Option(name: .long, help: "The config file. Default: ./letterbox.yaml when it exists (or LETTERBOX_CONFIG).")
    public var config: String?

    @ArgumentParser.Flag(name: .shortAndLong, help: "Log debug detail to standard error (never message bodies).")
    public var verbose = false
}

/// What ``StoreOptions`` chose, as plain values: the host reads its settings from this. The mail
/// pipe builds one without ArgumentParser (a parsed command's property wrappers cost a process
/// that handles one message more than its own work).
public struct StoreChoice: Sendable, Equatable {
    public var store: String?
    public var config: String?
    public var verbose: Bool

    public init(store: String? = nil, config: String? = nil, verbose: Bool = false) {
        self.store = store
        self.config = config
        self.verbose = verbose
    }
}

extension StoreOptions {
    public var choice: StoreChoice { StoreChoice(store: store, config: config, verbose: verbose) }
}
