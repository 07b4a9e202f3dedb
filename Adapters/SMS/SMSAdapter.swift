public import Foundation
import Logging
public import LetterboxCore

/// Text messages posted as XML by an SMS gateway (Kannel, Esendex, or any gateway described
/// by XPath: the `generic` profile), at `POST /sms/{gateway}`. Long texts whose gateway posts
/// them part by part are held and joined here.
///
/// Configuration (`sms.*`): `sms.gateways` lists the gateways by the name in their URL; each has
/// `sms.NAME.profile` (default: its name) and `sms.NAME.auth` (none, basic, header, query, hmac)
/// with its secret; `sms.partTimeoutSeconds` is how long the parts of a long text are waited for.
/// A gateway whose profile names another adapter (`profile: twilio`) is that adapter's.
public struct SMSAdapter: ChannelAdapter, ChannelAdapterFactory {
    /// One gateway: how its XML is read, and how it proves a callback is its own.
    public struct Gateway: Sendable {
        public var profile: SMSProfile
        public var auth: CallbackAuth

        public init(profile: SMSProfile, auth: CallbackAuth = .none) {
            self.profile = profile
            self.auth = auth
        }
    }

    public static let name = "sms"
    public static let channel = Channel.sms
    public static let section = "sms"
    public static let profiles = ["kannel", "esendex", "generic"]

    public let gateways: [String: Gateway]
    /// Seconds to wait for the missing parts of a long text before joining what has arrived.
    public let partTimeout: TimeInterval
    let serving: Bool
    let smsDecoder: SMSDecoder

    public init(gateways: [String: Gateway] = ["kannel": Gateway(profile: .kannel), "esendex": Gateway(profile: .esendex)], partTimeout: TimeInterval = 1800, serving: Bool = true) {
        self.gateways = gateways
        self.partTimeout = partTimeout
        self.serving = serving
        self.smsDecoder = SMSDecoder(gateways: gateways.mapValues(\.profile))
    }

    public var name: String { Self.name }
    public var displayName: String { "SMS gateways (\(gateways.keys.sorted().joined(separator: ", ")))" }
    public var channel: Channel { .sms }
    public var decoder: any SubmissionDecoder { smsDecoder }

    public var startupWarnings: [String] {
        gateways.sorted(by: { $0.key < $1.key }).filter { $0.value.auth == .none }.map {
            "SMS gateway \($0.key) has no callback authentication: allow only the gateway's address at the reverse proxy, or set sms.\($0.key).auth"
        }
    }

    public var routes: [ChannelRoute] {
        gateways.sorted(by: { $0.key < $1.key }).map { name, gateway in
            ChannelRoute(
                .post, "/sms/\(name)",
                maxBodyBytes: SMSProfile.maxBodyBytes,
                tooLarge: .text(413, "An SMS callback is at most \(SMSProfile.maxBodyBytes) bytes.\n")
            ) { request in receive(request, name: name, gateway: gateway) }
        }
    }

    /// One gateway callback. 401 when authentication fails (kept in quarantine); 415 for a body
    /// that is not XML and 400 for XML the profile cannot read (both kept); otherwise 200 with
    /// an empty body once the submission is durable.
    func receive(_ request: ChannelRequest, name: String, gateway: Gateway) -> ChannelAction {
        // The secret (query authentication) is checked against the full query and never stored.
        var query = request.query
        if let secret = gateway.auth.secretParameter { query[secret] = nil }
        var metadata = [SMSDecoder.gatewayKey: name, "request-id": request.requestID]
        for (key, value) in query { metadata[SMSDecoder.queryPrefix + key] = value }
        if let type = request.header("content-type") { metadata["content-type"] = type }
        func submission(key: String?) -> RawSubmission {
            RawSubmission(channel: .sms, source: "sms/\(name)", receivedAt: request.receivedAt, bytes: request.body, transportKey: key, metadata: metadata)
        }
        if let failure = gateway.auth.failure(headers: { request.header($0) }, query: request.query, body: request.body) {
            let reading = try? gateway.profile.read(Array(request.body), query: query)
            let key = "unauthenticated:\(name):" + (reading?.messageID ?? "\(request.receivedAt.timeIntervalSince1970):\(request.requestID)")
            var answer = ChannelResponse.text(401, "Authentication failed.\n")
            if case .basic = gateway.auth { answer.headers["WWW-Authenticate"] = "Basic realm=\"letterbox\"" }
            return .unauthenticated(
                submission(key: key),
                IntakeError(.refused, "Authentication failed: \(failure) The text is kept; fix the gateway's settings, then retry it with `letterbox quarantine retry`."),
                answer: answer
            )
        }
        if let type = request.mediaType, !Self.isXML(type) {
            return .quarantine(
                submission(key: nil), IntakeError(.malformed, "The callback's Content-Type is \(request.header("content-type") ?? type), not XML."),
                answer: .text(415, "SMS callbacks must be XML (text/xml or application/xml).\n")
            )
        }
        var item = submission(key: nil)
        let reading: SMSReading
        let decoded: Decoded
        do {
            (reading, decoded) = try smsDecoder.read(item)
        } catch {
            let refusal = error as? IntakeError ?? IntakeError(.malformed, "\(error)")
            return .quarantine(item, refusal, answer: .text(400, "\(refusal.message)\n"))
        }
        item.transportKey = reading.messageID.map { "\(name):\($0)" }
        return .commit(item, decoded: decoded) { outcome in
            outcome.disposition == .quarantined ? .text(400, "\(outcome.reason ?? "The callback could not be read.")\n") : .empty(200)
        }
    }

    static func isXML(_ type: String) -> Bool {
        type == "text/xml" || type == "application/xml" || type.hasSuffix("+xml")
    }

    /// The sweep for long texts whose parts stopped coming, beside the routes.
    public func services(_ context: ChannelServiceContext) throws -> [any ChannelService] {
        guard serving else { return [] }
        // Long texts whose parts stopped coming are joined with what has arrived: checked a few
        // times per wait, at most each minute.
        let (pipeline, logger, timeout) = (context.pipeline, context.logger, partTimeout)
        return [PeriodicWork("Joining long texts whose parts stop coming after \(Int(timeout)) s", every: min(60, max(0.5, timeout / 4))) {
            do { _ = try pipeline.joinWaitingParts(olderThan: Date().addingTimeInterval(-timeout)) } catch {
                logger.error("The sweep for long texts failed; it runs again shortly: \(error)")
            }
        }]
    }

    // MARK: Configuration

    public static func adapters(_ settings: ChannelSettings) throws -> [any ChannelAdapter] {
        var gateways: [String: Gateway] = [:]
        let names = settings.list("sms.gateways")
        for name in names.isEmpty ? ["kannel", "esendex"] : names {
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw ChannelConfigurationError("The SMS gateway name \"\(name)\" may only have letters, digits, - and _ (it is part of the URL).")
            }
            let profileName = settings.string("sms.\(name).profile") ?? name
            if !profiles.contains(profileName) && settings.adapterNames.contains(profileName) && profileName != Self.name { continue }
            gateways[name] = try gateway(settings, name, profile: profileName)
        }
        guard !gateways.isEmpty else { return [] }
        let timeout = settings.double("sms.partTimeoutSeconds", default: 1800)
        return [SMSAdapter(gateways: gateways, partTimeout: timeout, serving: settings.serving)]
    }

    static func gateway(_ settings: ChannelSettings, _ name: String, profile profileName: String) throws -> Gateway {
        let prefix = "sms.\(name)."
        let what = "The SMS gateway \(name)"
        let profile: SMSProfile
        switch profileName {
        case "kannel": profile = .kannel
        case "esendex": profile = .esendex
        case "generic":
            var namespaces: [String: String] = [:]
            for pair in settings.list(prefix + "namespaces") {
                let halves = pair.split(separator: "=", maxSplits: 1).map(String.init)
                if halves.count == 2 { namespaces[halves[0]] = halves[1] }
            }
            profile = .generic(
                GenericSMSProfile(
                    messageID: settings.string(prefix + "xpath.messageId"),
                    from: try settings.required(prefix + "xpath.from", for: what),
                    to: settings.string(prefix + "xpath.to"),
                    text: try settings.required(prefix + "xpath.text", for: what),
                    time: settings.string(prefix + "xpath.time"),
                    inboundWhen: settings.string(prefix + "xpath.inboundWhen"),
                    namespaces: namespaces
                )
            )
        default:
            let others = settings.adapterNames.subtracting([Self.name]).sorted()
            throw ChannelConfigurationError(
                "\(what) has profile \"\(profileName)\"; use \((profiles + others).joined(separator: ", "))."
            )
        }
        let auth: CallbackAuth
        switch settings.string(prefix + "auth") ?? "none" {
        case "none": auth = .none
        case "basic":
            auth = .basic(username: try settings.required(prefix + "username", for: what), password: try settings.required(prefix + "password", secret: true, for: what))
        case "header":
            auth = .header(name: settings.string(prefix + "header") ?? "X-Letterbox-Secret", secret: try settings.required(prefix + "secret", secret: true, for: what))
        case "query":
            auth = .query(parameter: settings.string(prefix + "parameter") ?? "key", secret: try settings.required(prefix + "secret", secret: true, for: what))
        case "hmac":
            auth = .hmacSHA256(header: settings.string(prefix + "header") ?? "X-Letterbox-Signature", secret: try settings.required(prefix + "secret", secret: true, for: what))
        case let other:
            throw ChannelConfigurationError("\(what) has auth \"\(other)\"; use none, basic, header, query or hmac.")
        }
        return Gateway(profile: profile, auth: auth)
    }
}
