import Foundation
import Hummingbird
import LetterboxCore
import LetterboxStore
import LetterboxWebForm

extension LetterboxServer {
    /// What a form post came to, for the HTML and the JSON answers to render.
    enum FormResult {
        case rateLimited(retryAfter: Int)
        case unsupported(String)
        case tooLarge
        /// Could not be read at all: kept in quarantine.
        case unreadable(String)
        case invalid(FeedbackForm, [FeedbackForm.FieldError], token: String?)
        /// The honeypot was filled: kept as ignored; the sender is thanked and told nothing more.
        case honeypot
        case stored(reference: String, repeated: Bool)
        case storeUnavailable
    }

    func receiveForm(_ request: Request, _ context: LetterboxRequestContext, json: Bool) async throws -> FormResult {
        if let wait = limiter.check(clientAddress(request, context)) { return .rateLimited(retryAfter: wait) }
        let contentType = request.headers[.contentType] ?? ""
        guard let kind = FormBody.Kind(contentType: contentType) else {
            return .unsupported(contentType.isEmpty ? "(none)" : contentType)
        }
        // The JSON API takes JSON only; the HTML form never sends it.
        guard kind.isJSON == json else { return .unsupported(contentType) }
        guard let body = try await Self.body(request, limit: configuration.maxFormBytes) else { return .tooLarge }
        var metadata = metadata(context, [WebFormDecoder.contentTypeKey: contentType])
        metadata["path"] = json ? "/api/v1/feedback" : "/feedback"
        let receivedAt = Date()
        let parsed: FormBody
        do {
            parsed = try FormBody.parse(body, kind: kind)
        } catch {
            let submission = RawSubmission(channel: .webForm, source: "web form", receivedAt: receivedAt, bytes: body, metadata: metadata)
            guard try await commit(submission, refusal: error) != nil else { return .storeUnavailable }
            return .unreadable(error.message)
        }
        let form = FeedbackForm(parsed)
        let token = form["token"].flatMap { tokens.verify($0) }
        if !form.honeypotFilled {
            let errors = form.validate(limits: configuration.formLimits)
            if !errors.isEmpty { return .invalid(form, errors, token: token) }
        }
        var key = token.map { "token:\($0)" }
        if key == nil, let idempotency = request.headers[.init("Idempotency-Key")!], !idempotency.isEmpty, idempotency.utf8.count <= 200 {
            key = "idempotency-key:\(idempotency)"
        }
        let submission = RawSubmission(channel: .webForm, source: "web form", receivedAt: receivedAt, bytes: body, transportKey: key, metadata: metadata)
        let decoded: Decoded? = try? WebFormDecoder.decode(form)
        guard let outcome = try await commit(submission, decoded: decoded) else { return .storeUnavailable }
        switch outcome.disposition {
        case .accepted, .redelivery:
            guard let reference = outcome.reference else {
                // A redelivery of a post that was itself ignored or quarantined.
                return form.honeypotFilled ? .honeypot : .unreadable(outcome.reason ?? "The form could not be read.")
            }
            return .stored(reference: reference, repeated: outcome.disposition == .redelivery)
        case .ignored:
            return .honeypot
        case .quarantined, .pending:
            return .unreadable(outcome.reason ?? "The form could not be read.")
        }
    }

    /// `POST /feedback`: the HTML form.
    func postForm(_ request: Request, _ context: LetterboxRequestContext) async throws -> Response {
        switch try await receiveForm(request, context, json: false) {
        case .rateLimited(let wait):
            return html(.tooManyRequests, page.problem(title: "Too many forms sent", message: "We have had a lot of forms from your connection in a short time. Please wait \(Self.minutes(wait)) and send it again. If you need us urgently, please phone us."), retryAfter: wait)
        case .unsupported(let type):
            return html(.unsupportedMediaType, page.problem(title: "Form not sent", message: "The form was sent in a way we cannot read (\(type)). Please use the form at /feedback."))
        case .tooLarge:
            return html(.contentTooLarge, page.problem(title: "Files too large", message: "The form and its files together are larger than we can take. Each file must be \(configuration.formLimits.maxAttachmentBytes / (1024 * 1024)) MB or smaller, and you can attach up to \(configuration.formLimits.maxAttachments). Please go back and choose smaller files."))
        case .unreadable(let reason):
            return html(.badRequest, page.problem(title: "We could not read your form", message: "Something went wrong with the form your browser sent (\(reason)) We have kept a copy and a member of staff will look at it, but please send it again or phone us so that we do not miss it."))
        case .invalid(let form, let errors, let token):
            return html(.unprocessableContent, page.form(token: token ?? tokens.issue(), answers: form, errors: errors))
        case .honeypot:
            return html(.ok, page.problem(title: "Thank you", message: "Your form has been sent."))
        case .stored(let reference, let repeated):
            return html(.ok, page.confirmation(reference: reference, repeated: repeated))
        case .storeUnavailable:
            return html(.serviceUnavailable, page.problem(title: "Sorry, please try again", message: "We cannot save feedback just now. Nothing has been saved: please go back and send the form again in a few minutes."), retryAfter: Self.storeRetryAfter)
        }
    }

    static func minutes(_ seconds: Int) -> String {
        seconds < 90 ? "a minute" : "\((seconds + 59) / 60) minutes"
    }

    /// `POST /api/v1/feedback`: the same form as JSON, for websites that draw their own.
    func postJSON(_ request: Request, _ context: LetterboxRequestContext) async throws -> Response {
        switch try await receiveForm(request, context, json: true) {
        case .rateLimited(let wait):
            return Self.json(.tooManyRequests, ["error": "Too many posts from this address; retry after \(wait) seconds."], retryAfter: wait)
        case .unsupported(let type):
            return Self.json(.unsupportedMediaType, ["error": "Send application/json, not \(type)."])
        case .tooLarge:
            return Self.json(.contentTooLarge, ["error": "The body is over \(configuration.maxFormBytes) bytes."])
        case .unreadable(let reason):
            return Self.json(.badRequest, ["error": reason, "kept": true])
        case .invalid(_, let errors, _):
            return Self.json(.unprocessableContent, ["errors": errors.map { ["field": $0.field, "message": $0.message] }])
        case .honeypot:
            return Self.json(.accepted, ["status": "received"])
        case .stored(let reference, let repeated):
            return Self.json(repeated ? .ok : .created, [
                "reference": reference,
                "status": repeated ? "already_received" : "received",
                "acknowledgement": configuration.wording.acknowledgement,
            ])
        case .storeUnavailable:
            return Self.json(.serviceUnavailable, ["error": "The store cannot be written just now; retry later."], retryAfter: Self.storeRetryAfter)
        }
    }
}
