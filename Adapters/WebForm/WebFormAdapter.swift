public import Foundation
public import LetterboxCore

/// The public website's feedback form (`GET` and `POST /feedback`, no JavaScript needed) and
/// the JSON API behind it (`POST /api/v1/feedback`).
///
/// Configuration (`form.*`): attachment limits, the rate limit per client address, the key that
/// signs form tokens, and the wording of the pages (README, "Configuration").
public struct WebFormAdapter: ChannelAdapter, ChannelAdapterFactory {
    public struct Settings: Sendable {
        public var limits = FeedbackForm.Limits()
        public var wording = FormPage.Wording()
        /// Form posts allowed per client address per ``rateWindow`` seconds (0: no limit).
        public var rateLimit = 10
        public var rateWindow: TimeInterval = 600
        /// The key that signs form tokens; random per process when nil (tokens then do not
        /// survive a restart, and a post with a stale token is keyed on its content instead).
        public var tokenSecret: Data?

        public init() {}

        /// The largest JSON API post read (`form.maxJSONBytes`). The API's attachments are
        /// base64 inside the JSON, read whole into memory, so its limit is far below the HTML
        /// form's; files of any size up to the form's limits go as multipart to `/feedback`.
        public var maxJSONBytes = 4 << 20

        /// The largest multipart form post read: every attachment at its limit, plus the text fields.
        public var maxFormBytes: Int { limits.maxAttachments * limits.maxAttachmentBytes + 1024 * 1024 }
        /// The largest urlencoded form post (text only: the message at its limit, every
        /// character percent-encoded, and the other fields); the route keeps it within
        /// ``maxFormBytes``.
        public var maxTextFormBytes: Int { limits.maxMessageCharacters * 12 + 64 * 1024 }
    }

    public static let name = "web_form"
    public static let channel = Channel.webForm
    public static let section = "form"

    public let settings: Settings
    let tokens: FormTokens
    let limiter: RateLimiter
    let page: FormPage

    public init(settings: Settings = Settings()) {
        self.settings = settings
        self.tokens = FormTokens(secret: settings.tokenSecret)
        self.limiter = RateLimiter(limit: settings.rateLimit, window: settings.rateWindow)
        self.page = FormPage(wording: settings.wording, limits: settings.limits)
    }

    public var name: String { Self.name }
    public var displayName: String { "Web form" }
    public var channel: Channel { .webForm }
    public var decoder: any SubmissionDecoder { WebFormDecoder() }

    public static func adapters(_ config: ChannelSettings) throws -> [any ChannelAdapter] {
        var settings = Settings()
        settings.limits.maxAttachments = config.int("form.maxAttachments", default: settings.limits.maxAttachments)
        settings.limits.maxAttachmentBytes = config.int("form.maxAttachmentBytes", default: settings.limits.maxAttachmentBytes)
        settings.maxJSONBytes = max(64 * 1024, config.int("form.maxJSONBytes", default: settings.maxJSONBytes))
        settings.rateLimit = config.int("form.rateLimit", default: settings.rateLimit)
        settings.rateWindow = config.double("form.rateWindowSeconds", default: settings.rateWindow)
        settings.tokenSecret = try config.secret("form.tokenSecret").map { Data($0.utf8) }
        settings.wording.organisation = config.string("form.organisation", default: settings.wording.organisation)
        settings.wording.acknowledgement = config.string("form.acknowledgement", default: settings.wording.acknowledgement)
        settings.wording.nextSteps = config.string("form.nextSteps", default: settings.wording.nextSteps)
        return [WebFormAdapter(settings: settings)]
    }

    public var routes: [ChannelRoute] {
        let max = settings.maxFormBytes
        let megabytes = settings.limits.maxAttachmentBytes / (1024 * 1024)
        let tooLargePage = html(413, page.problem(title: "Files too large", message: "The form and its files together are larger than we can take. Each file must be \(megabytes) MB or smaller, and you can attach up to \(settings.limits.maxAttachments). Please go back and choose smaller files."))
        let unavailablePage = html(503, page.problem(title: "Sorry, please try again", message: "We cannot save feedback just now. Nothing has been saved: please go back and send the form again in a few minutes."), retryAfter: ChannelResponse.storeRetryAfter)
        return [
            ChannelRoute(.get, "/feedback", maxBodyBytes: 0) { _ in .respond(html(200, page.form(token: tokens.issue()))) },
            ChannelRoute(
                .post, "/feedback", maxBodyBytes: max,
                maxBodyBytesByType: ["application/x-www-form-urlencoded": settings.maxTextFormBytes],
                tooLarge: tooLargePage, storeUnavailable: unavailablePage
            ) { request in
                receive(request, json: false)
            },
            ChannelRoute(
                .post, "/api/v1/feedback", maxBodyBytes: settings.maxJSONBytes,
                tooLarge: .json(413, ["error": "The body is over \(settings.maxJSONBytes) bytes (form.maxJSONBytes). Send larger files as multipart/form-data to /feedback."]),
                storeUnavailable: .json(503, ["error": "The store cannot be written just now; retry later."], retryAfter: ChannelResponse.storeRetryAfter)
            ) { request in receive(request, json: true) }
        ]
    }

    /// A form post, as HTML (the form) or JSON (the API).
    func receive(_ request: ChannelRequest, json: Bool) -> ChannelAction {
        if let wait = limiter.check(request.clientAddress) {
            return .respond(json
                ? .json(429, ["error": "Too many posts from this address; retry after \(wait) seconds."], retryAfter: wait)
                : html(429, page.problem(title: "Too many forms sent", message: "We have had a lot of forms from your connection in a short time. Please wait \(Self.minutes(wait)) and send it again. If you need us urgently, please phone us."), retryAfter: wait))
        }
        let contentType = request.header("content-type") ?? ""
        // The JSON API takes JSON only; the HTML form never sends it.
        guard let kind = FormBody.Kind(contentType: contentType), kind.isJSON == json else {
            let type = contentType.isEmpty ? "(none)" : contentType
            return .respond(json
                ? .json(415, ["error": "Send application/json, not \(type)."])
                : html(415, page.problem(title: "Form not sent", message: "The form was sent in a way we cannot read (\(type)). Please use the form at /feedback.")))
        }
        let page = self.page
        let metadata = [WebFormDecoder.contentTypeKey: contentType, "path": json ? "/api/v1/feedback" : "/feedback", "request-id": request.requestID]
        @Sendable func unreadable(_ reason: String) -> ChannelResponse {
            json
                ? .json(400, ["error": reason, "kept": true])
                : Self.html(400, page.problem(title: "We could not read your form", message: "Something went wrong with the form your browser sent (\(reason)) We have kept a copy and a member of staff will look at it, but please send it again or phone us so that we do not miss it."))
        }
        let parsed: FormBody
        do {
            parsed = try FormBody.parse(request.body, kind: kind)
        } catch {
            let submission = RawSubmission(channel: .webForm, source: "web form", receivedAt: request.receivedAt, bytes: request.body, metadata: metadata)
            return .quarantine(submission, error, answer: unreadable(error.message))
        }
        let form = FeedbackForm(parsed)
        let token = form["token"].flatMap { tokens.verify($0) }
        if !form.honeypotFilled {
            let errors = form.validate(limits: settings.limits)
            if !errors.isEmpty {
                return .respond(json
                    ? .json(422, ["errors": errors.map { ["field": $0.field, "message": $0.message] }])
                    : html(422, page.form(token: token ?? tokens.issue(), answers: form, errors: errors)))
            }
        }
        var key = token.map { "token:\($0)" }
        if key == nil, let idempotency = request.header("idempotency-key"), !idempotency.isEmpty, idempotency.utf8.count <= 200 {
            key = "idempotency-key:\(idempotency)"
        }
        let submission = RawSubmission(channel: .webForm, source: "web form", receivedAt: request.receivedAt, bytes: request.body, transportKey: key, metadata: metadata)
        let honeypot = form.honeypotFilled
        let acknowledgement = settings.wording.acknowledgement
        return .commit(submission, decoded: try? WebFormDecoder.decode(form)) { outcome in
            let thanks = json ? ChannelResponse.json(202, ["status": "received"]) : Self.html(200, page.problem(title: "Thank you", message: "Your form has been sent."))
            switch outcome.disposition {
            case .accepted, .redelivery:
                guard let reference = outcome.reference else {
                    // A redelivery of a post that was itself ignored or quarantined.
                    return honeypot ? thanks : unreadable(outcome.reason ?? "The form could not be read.")
                }
                let repeated = outcome.disposition == .redelivery
                return json
                    ? .json(repeated ? 200 : 201, ["reference": reference, "status": repeated ? "already_received" : "received", "acknowledgement": acknowledgement])
                    : Self.html(200, page.confirmation(reference: reference, repeated: repeated))
            case .ignored:
                return thanks
            case .quarantined, .pending:
                return unreadable(outcome.reason ?? "The form could not be read.")
            }
        }
    }

    static func minutes(_ seconds: Int) -> String {
        seconds < 90 ? "a minute" : "\((seconds + 59) / 60) minutes"
    }

    func html(_ status: Int, _ html: String, retryAfter: Int? = nil) -> ChannelResponse { Self.html(status, html, retryAfter: retryAfter) }

    static func html(_ status: Int, _ html: String, retryAfter: Int? = nil) -> ChannelResponse {
        var headers = [
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        ]
        if let retryAfter { headers["Retry-After"] = String(retryAfter) }
        return ChannelResponse(status: status, headers: headers, body: Data(html.utf8))
    }
}
