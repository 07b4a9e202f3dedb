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

