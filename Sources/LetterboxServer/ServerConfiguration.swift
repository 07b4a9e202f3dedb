public import Foundation
public import LetterboxSMS
public import LetterboxWebForm

/// Everything `letterbox serve` needs to know, resolved from the config file, the environment
/// and flags by the command.
public struct ServerConfiguration: Sendable {
    /// One SMS gateway: the URL's name (`/sms/{name}`), how its XML is read, and how it proves
    /// a callback is its own.
    public struct Gateway: Sendable {
        public var profile: SMSProfile
        public var auth: CallbackAuth

        public init(profile: SMSProfile, auth: CallbackAuth = .none) {
            self.profile = profile
            self.auth = auth
        }
    }

    public var host: String
    public var port: Int
    /// Seconds a connection may sit idle (a slow or stalled client) before it is closed.
    public var idleTimeout: Int
    public var gateways: [String: Gateway]
    /// Seconds to wait for the missing parts of a long text before joining what has arrived.
    public var partTimeout: TimeInterval
    public var formLimits: FeedbackForm.Limits
    public var wording: FormPage.Wording
    /// Form posts allowed per client address per ``rateWindow`` seconds (0: no limit).
    public var rateLimit: Int
    public var rateWindow: TimeInterval
    /// Take the client address from X-Forwarded-For (set by the reverse proxy). Only turn on
    /// when every request comes through the proxy.
    public var trustForwardedFor: Bool
    /// The key that signs form tokens; random per process when nil (tokens then do not survive
    /// a restart, and a post with a stale token is keyed on its content instead).
    public var tokenSecret: Data?
    public var commit: CommitQueue.Options

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        idleTimeout: Int = 30,
        gateways: [String: Gateway] = ["kannel": Gateway(profile: .kannel), "esendex": Gateway(profile: .esendex)],
        partTimeout: TimeInterval = 1800,
        formLimits: FeedbackForm.Limits = FeedbackForm.Limits(),
        wording: FormPage.Wording = FormPage.Wording(),
        rateLimit: Int = 10,
        rateWindow: TimeInterval = 600,
        trustForwardedFor: Bool = false,
        tokenSecret: Data? = nil,
        commit: CommitQueue.Options = CommitQueue.Options()
    ) {
        self.host = host
        self.port = port
        self.idleTimeout = idleTimeout
        self.gateways = gateways
        self.partTimeout = partTimeout
        self.formLimits = formLimits
        self.wording = wording
        self.rateLimit = rateLimit
        self.rateWindow = rateWindow
        self.trustForwardedFor = trustForwardedFor
        self.tokenSecret = tokenSecret
        self.commit = commit
    }

    /// The largest form post read: every attachment at its limit, plus the text fields.
    public var maxFormBytes: Int { formLimits.maxAttachments * formLimits.maxAttachmentBytes + 1024 * 1024 }
}
