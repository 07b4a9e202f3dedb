import Foundation
public import LetterboxCore

/// Twilio Programmable Messaging inbound webhooks, at `POST /sms/{name}` for each gateway in
/// `sms.gateways` whose profile is `twilio`:
///
/// ```yaml
/// sms:
///   gateways: [kannel, twilio]
///   twilio:
///     profile: twilio
///     authTokenFile: /etc/letterbox/twilio-token     # or authToken (LETTERBOX_SMS_TWILIO_AUTH_TOKEN)
///     publicURL: https://feedback.example.org/sms/twilio
/// ```
///
/// Every request must carry `X-Twilio-Signature`, checked against `publicURL` (the URL Twilio
/// posts to, which behind a reverse proxy is not the one Letterbox sees). A bad signature is
/// 403, with the body kept in quarantine. An accepted message is answered 200 with an empty
/// TwiML `<Response/>`, so Twilio sends no reply; a retry with the same `MessageSid` is a
/// redelivery, not a second record.
public struct TwilioAdapter: ChannelAdapter, ChannelAdapterFactory {
    public struct Gateway: Sendable {
        /// The gateway's name, the last part of its path.
        public var name: String
        /// The URL Twilio signs (exactly as set in Twilio's console, query included).
        public var publicURL: String
        /// The auth token, and while it is being rotated, the secondary one too.
        public var authTokens: [String]
        /// Set when media are fetched (`fetchMedia: true`); nil records their links only.
        public var media: TwilioMediaFetcher?

        public init(name: String, publicURL: String, authTokens: [String], media: TwilioMediaFetcher? = nil) {
            self.name = name
            self.publicURL = publicURL
            self.authTokens = authTokens
            self.media = media
        }
    }

    public static let name = TwilioDecoder.adapter
    public static let channel = Channel.sms
    public static let section = "sms"
    /// Twilio's limit for a webhook is far below this; a body over it is not Twilio.
    public static let maxBodyBytes = 64 * 1024

    public let gateways: [Gateway]

    public init(gateways: [Gateway]) {
        self.gateways = gateways
    }

    public var name: String { Self.name }
    public var displayName: String { "Twilio SMS" }
    public var channel: Channel { .sms }
    public var decoder: any SubmissionDecoder { TwilioDecoder() }

    public static func adapters(_ settings: ChannelSettings) throws -> [any ChannelAdapter] {
        var gateways: [Gateway] = []
        for name in settings.list("sms.gateways") where (settings.string("sms.\(name).profile") ?? name) == Self.name {
            let prefix = "sms.\(name)."
            let what = "The Twilio gateway \(name)"
            let token = try settings.required(prefix + "authToken", secret: true, for: what)
            let secondary = try settings.secret(prefix + "secondaryAuthToken")
            let url = try settings.required(prefix + "publicURL", for: what)
            guard let parsed = URL(string: url), parsed.scheme == "https" || parsed.scheme == "http", parsed.host != nil else {
                throw ChannelConfigurationError("\(prefix)publicURL must be the full URL Twilio posts to, such as https://feedback.example.org/sms/\(name), not \(url).")
            }
            var media: TwilioMediaFetcher?
            if settings.bool(prefix + "fetchMedia", default: false) {
                let hosts = settings.list(prefix + "mediaHosts")
                let maxBytes = settings.int(prefix + "maxMediaBytes", default: 5 << 20)
                let timeout = settings.double(prefix + "mediaTimeoutSeconds", default: 10)
                guard maxBytes > 0, timeout > 0, timeout <= 14 else {
                    throw ChannelConfigurationError("\(prefix)maxMediaBytes must be above 0, and mediaTimeoutSeconds above 0 and at most 14 (Twilio waits 15 s for the answer).")
                }
                media = TwilioMediaFetcher(hosts: Set(hosts.isEmpty ? ["api.twilio.com"] : hosts), maxBytes: maxBytes, timeout: timeout)
            }
            gateways.append(Gateway(name: name, publicURL: url, authTokens: [token] + (secondary.map { [$0] } ?? []), media: media))
        }
        return gateways.isEmpty ? [] : [TwilioAdapter(gateways: gateways)]
    }

    public var routes: [ChannelRoute] {
        gateways.map { gateway in
            ChannelRoute(.post, "/sms/\(gateway.name)", maxBodyBytes: Self.maxBodyBytes) { request in
                await receive(request, gateway: gateway)
            }
        }
    }

    static let emptyTwiML = ChannelResponse(
        status: 200,
        headers: ["Content-Type": "text/xml; charset=utf-8"],
        body: Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>".utf8)
    )

    func receive(_ request: ChannelRequest, gateway: Gateway) async -> ChannelAction {
        var metadata = [TwilioDecoder.gatewayKey: gateway.name, "request-id": request.requestID]
        if let type = request.header("content-type") { metadata["content-type"] = type }
        let parsed = try? TwilioRequest(body: request.body)
        let sid = parsed?["MessageSid"] ?? parsed?["SmsSid"]
        func submission(key: String?) -> RawSubmission {
            RawSubmission(channel: .sms, source: "sms/\(gateway.name)", receivedAt: request.receivedAt, bytes: request.body, transportKey: key, metadata: metadata)
        }
        guard request.mediaType == "application/x-www-form-urlencoded" else {
            return .quarantine(
                submission(key: nil), IntakeError(.malformed, "A Twilio webhook is urlencoded, not \(request.header("content-type") ?? "(no Content-Type)")."),
                answer: .text(415, "Twilio webhooks are application/x-www-form-urlencoded.\n")
            )
        }
        guard let signature = request.header("x-twilio-signature"), let parsed, parsed.isSigned(signature, url: gateway.publicURL, authTokens: gateway.authTokens) else {
            let why = request.header("x-twilio-signature") == nil
                ? "The request had no X-Twilio-Signature header."
                : "Its X-Twilio-Signature does not match (a wrong auth token, sms.\(gateway.name).publicURL not the URL set in Twilio's console, or not from Twilio)."
            // Keyed on the claimed MessageSid and the bytes together: Twilio's retry of the same
            // post is one submission, and a different body under a claimed id is kept too.
            var kept = submission(key: nil)
            kept.senderAssignedID = "unauthenticated:\(gateway.name):\(sid ?? request.requestID)"
            return .unauthenticated(
                kept,
                IntakeError(.refused, "Twilio signature check failed: \(why) The text is kept; fix the settings, then retry it with `letterbox quarantine retry`."),
                answer: .text(403, "Signature check failed.\n")
            )
        }
        var accepted = submission(key: sid.map { "\(gateway.name):\($0)" })
        if let fetcher = gateway.media, let accountSid = parsed["AccountSid"] {
            let media = TwilioDecoder.media(parsed)
            if !media.isEmpty {
                // The media are fetched now and stored with the webhook, so that the record (and
                // a retry from quarantine) never depends on Twilio keeping them.
                let items = await fetcher.fetch(media, accountSid: accountSid, authToken: gateway.authTokens[0])
                accepted.bytes = TwilioMediaBundle(webhook: request.body, items: items).bytes
                accepted.metadata["content-type"] = TwilioMediaBundle.contentType
            }
        }
        return .commit(accepted) { outcome in
            outcome.disposition == .quarantined ? .text(400, "\(outcome.reason ?? "The webhook could not be read.")\n") : Self.emptyTwiML
        }
    }
}
