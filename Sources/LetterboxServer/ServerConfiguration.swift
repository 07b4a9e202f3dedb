/// What `letterbox serve` itself needs to know (each adapter reads its own section), resolved
/// from the config file, the environment and flags by the command.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Seconds a connection may sit idle (a slow or stalled client) before it is closed.
    public var idleTimeout: Int
    /// Take the client address from X-Forwarded-For (set by the reverse proxy). Only turn on
    /// when every request comes through the proxy (`form.trustForwardedFor`).
    public var trustForwardedFor: Bool
    public var commit: CommitQueue.Options
    /// Bytes of request bodies held in memory at once, across all requests (``BodyBudget``).
    public var maxBodyMemory: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        idleTimeout: Int = 30,
        trustForwardedFor: Bool = false,
        commit: CommitQueue.Options = CommitQueue.Options(),
        maxBodyMemory: Int = 64 << 20
    ) {
        self.maxBodyMemory = maxBodyMemory
        self.host = host
        self.port = port
        self.idleTimeout = idleTimeout
        self.trustForwardedFor = trustForwardedFor
        self.commit = commit
    }
}
