import Foundation

/// The feedback form page, its error state and the confirmation page: plain HTML that works
/// without JavaScript, written to WCAG 2.2 AA habits (every input has a label; errors are listed
/// in a summary that links to each field and repeated beside it with the word "Error"; a visible
/// focus outline; sizes in rem so the page reflows at 200% and 400% zoom).
public struct FormPage: Sendable {
    /// Words the landlord chooses.
    public struct Wording: Sendable {
        public var organisation: String
        /// "We will acknowledge your complaint within 5 working days."
        public var acknowledgement: String
        /// What happens next, after the acknowledgement.
        public var nextSteps: String

        public init(
            organisation: String = "Your landlord",
            acknowledgement: String = "We will acknowledge a complaint within 5 working days, and a compliment or suggestion within 10 working days.",
            nextSteps: String = "If your message is a complaint, we will then reply in full within 10 working days of the acknowledgement, or tell you why we need longer."
        ) {
            self.organisation = organisation
            self.acknowledgement = acknowledgement
            self.nextSteps = nextSteps
        }
    }

    public var wording: Wording
    public var limits: FeedbackForm.Limits

    public init(wording: Wording = Wording(), limits: FeedbackForm.Limits = FeedbackForm.Limits()) {
        self.wording = wording
        self.limits = limits
    }

    static let style = """
    *,*::before,*::after{box-sizing:border-box}
    body{font-family:Arial,Helvetica,sans-serif;font-size:1.1875rem;line-height:1.5;color:#0b0c0c;background:#fff;margin:0}
    main{max-width:40rem;margin:0 auto;padding:1rem}
    h1{font-size:2rem;line-height:1.2}
    label,legend{display:block;font-weight:bold;margin-bottom:.25rem}
    .hint{color:#505a5f;margin:0 0 .25rem}
    .field{margin-bottom:1.5rem}
    input[type=text],input[type=email],input[type=tel],textarea,select{width:100%;max-width:100%;font:inherit;padding:.4rem;border:2px solid #0b0c0c;border-radius:0}
    textarea{min-height:10rem}
    fieldset{border:0;padding:0;margin:0 0 1.5rem}
    .choice{display:flex;align-items:flex-start;gap:.5rem;margin:.25rem 0}
    .choice input{width:1.5rem;height:1.5rem;margin:0;flex:none}
    .choice label{font-weight:normal;margin:0}
    :focus-visible,:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}
    button{font:inherit;font-weight:bold;background:#00703c;color:#fff;border:2px solid #002d18;padding:.6rem 1.2rem;cursor:pointer}
    .error-summary{border:5px solid #d4351c;padding:1rem;margin-bottom:1.5rem}
    .error-summary a{color:#d4351c;font-weight:bold}
    .error-message{color:#d4351c;font-weight:bold;margin:0 0 .25rem}
    .field-error input,.field-error textarea{border-color:#d4351c;border-width:3px}
    .field-error{border-left:5px solid #d4351c;padding-left:.75rem}
    .visually-hidden{position:absolute!important;width:1px;height:1px;margin:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
    .hp{display:none}
    .panel{border:5px solid #00703c;padding:1rem;margin-bottom:1.5rem}
    .reference{font-size:1.75rem;font-weight:bold}
    """

    static func escape(_ text: String) -> String {
        // The five characters are ASCII, so UTF-8 bytes are read and copied as they are (a
        // scalar at a time, this was a twelfth of a form post's handling). Text with none of
        // them is returned as it is.
        guard text.utf8.contains(where: { entity($0) != nil }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            if let entity = entity(byte) { entity.withUTF8Buffer { out.append(contentsOf: $0) } } else { out.append(byte) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The entity that stands for a byte in HTML text and attribute values, if it needs one.
    private static func entity(_ byte: UInt8) -> StaticString? {
        switch byte {
        case 0x26: "&amp;"
        case 0x3C: "&lt;"
        case 0x3E: "&gt;"
        case 0x22: "&quot;"
        case 0x27: "&#39;"
        default: nil
        }
    }

    func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Self.escape(title))</title>
        <style>\(Self.style)</style>
        </head>
        <body>
        <main id="main-content">
        \(body)
        </main>
        </body>
        </html>
        """
    }

    /// The form, empty or with the answers and errors of a post that needs fixing.
    public func form(action: String = "/feedback", token: String, answers: FeedbackForm? = nil, errors: [FeedbackForm.FieldError] = []) -> String {
        let title = (errors.isEmpty ? "" : "Error: ") + "Send us feedback - \(wording.organisation)"
        var html = ""
        if !errors.isEmpty {
            html += """
            <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" id="error-summary">
            <h2 id="error-summary-title">There is a problem</h2>
            <ul>
            \(errors.map { "<li><a href=\"#\(Self.escape($0.field))\">\(Self.escape($0.message))</a></li>" }.joined(separator: "\n"))
            </ul>
            </div>

            """
        }
        html += """
        <h1>Send us feedback</h1>
        <p>Tell us about a problem, something we did well, or how we could do better. You do not need JavaScript to use this form.</p>
        <form method="post" action="\(Self.escape(action))" enctype="multipart/form-data" novalidate>
        <input type="hidden" name="token" value="\(Self.escape(token))">
        <div class="hp" aria-hidden="true"><label for="website">Leave this box empty</label><input type="text" id="website" name="website" tabindex="-1" autocomplete="off"></div>

        """
        func value(_ name: String) -> String { answers?.body[name].map(Self.escape) ?? "" }
        func ticked(_ name: String) -> String { answers?.isTicked(name) == true ? " checked" : "" }
        func errorFor(_ ids: [String]) -> FeedbackForm.FieldError? { errors.first { ids.contains($0.field) } }
        func errorLine(_ id: String, _ error: FeedbackForm.FieldError?) -> String {
            guard let error else { return "" }
            return "<p id=\"\(id)-error\" class=\"error-message\"><span class=\"visually-hidden\">Error:</span> \(Self.escape(error.message))</p>\n"
        }
        func describedBy(_ id: String, hint: Bool, error: FeedbackForm.FieldError?) -> String {
            let ids = (hint ? ["\(id)-hint"] : []) + (error != nil ? ["\(id)-error"] : [])
            var out = ids.isEmpty ? "" : " aria-describedby=\"\(ids.joined(separator: " "))\""
            if error != nil { out += " aria-invalid=\"true\"" }
            return out
        }
        func input(_ id: String, _ label: String, type: String = "text", hint: String? = nil, autocomplete: String? = nil, required: Bool = false) -> String {
            let error = errorFor([id])
            var out = "<div class=\"field\(error != nil ? " field-error" : "")\">\n"
            out += "<label for=\"\(id)\">\(Self.escape(label))\(required ? "" : " (optional)")</label>\n"
            if let hint { out += "<p class=\"hint\" id=\"\(id)-hint\">\(Self.escape(hint))</p>\n" }
            out += errorLine(id, error)
            out += "<input type=\"\(type)\" id=\"\(id)\" name=\"\(id)\" value=\"\(value(id))\""
            if let autocomplete { out += " autocomplete=\"\(autocomplete)\"" }
            out += describedBy(id, hint: hint != nil, error: error) + ">\n</div>\n"
            return out
        }
        func radios(_ name: String, _ legend: String, _ options: [(String, String)], hint: String? = nil) -> String {
            let ids = options.map { "\(name)-\($0.0)" }
            let error = errorFor(ids + [name])
            var out = "<fieldset class=\"field\(error != nil ? " field-error" : "")\"\(describedBy(name, hint: hint != nil, error: error))>\n<legend>\(Self.escape(legend))</legend>\n"
            if let hint { out += "<p class=\"hint\" id=\"\(name)-hint\">\(Self.escape(hint))</p>\n" }
            out += errorLine(name, error)
            let chosen = answers?.body[name]?.lowercased()
            for (option, label) in options {
                let id = "\(name)-\(option)"
                out += "<div class=\"choice\"><input type=\"radio\" id=\"\(id)\" name=\"\(name)\" value=\"\(option)\"\(chosen == option ? " checked" : "")><label for=\"\(id)\">\(Self.escape(label))</label></div>\n"
            }
            return out + "</fieldset>\n"
        }
        func checkbox(_ id: String, _ label: String) -> String {
            "<div class=\"choice\"><input type=\"checkbox\" id=\"\(id)\" name=\"\(id)\" value=\"yes\"\(ticked(id))><label for=\"\(id)\">\(Self.escape(label))</label></div>\n"
        }

        html += radios("kind", "What kind of feedback is this? (optional)", [
            ("complaint", "A complaint: something has gone wrong and you are not happy with it"),
            ("compliment", "A compliment: something we did well"),
            ("suggestion", "A suggestion: how we could do better"),
            ("comment", "A comment"),
        ], hint: "If you are not sure, leave this and we will work it out from your message.")
        html += "<h2>About you</h2>\n"
        html += input("name", "Your full name", autocomplete: "name")
        html += input("email", "Email address", type: "email", hint: "We will only use this to reply to you.", autocomplete: "email")
        html += input("phone", "Phone number", type: "tel", hint: "For example, 07700 900123.", autocomplete: "tel")
        do {
            let error = errorFor(["address"])
            html += "<div class=\"field\(error != nil ? " field-error" : "")\">\n<label for=\"address\">Address (optional)</label>\n" + errorLine("address", error)
            html += "<textarea id=\"address\" name=\"address\" rows=\"3\" autocomplete=\"street-address\"\(describedBy("address", hint: false, error: error))>\(value("address"))</textarea>\n</div>\n"
        }
        html += input("postcode", "Postcode", autocomplete: "postal-code")
        html += input("tenancy_ref", "Tenancy reference", hint: "It is on your rent statement or tenancy agreement. Leave it empty if you do not know it.")

        html += "<h2>Writing for someone else</h2>\n<fieldset class=\"field\">\n<legend class=\"visually-hidden\">Writing for someone else</legend>\n"
        html += checkbox("on_behalf", "I am writing on behalf of someone else")
        html += "</fieldset>\n"
        html += input("behalf_name", "Their full name", hint: "Only if you are writing for someone else.")
        html += input("behalf_relationship", "How you know them", hint: "For example: daughter, carer, advocate, councillor, MP.")
        html += "<fieldset class=\"field\">\n<legend class=\"visually-hidden\">Their agreement</legend>\n"
        html += checkbox("behalf_consent", "They have agreed that I can contact you for them")
        html += "</fieldset>\n"

        html += "<h2>Your feedback</h2>\n"
        html += input("subject", "Subject", hint: "A few words, for example: Repair to bathroom window.")
        do {
            let error = errorFor(["message"])
            html += "<div class=\"field\(error != nil ? " field-error" : "")\">\n<label for=\"message\">Your message</label>\n"
            html += "<p class=\"hint\" id=\"message-hint\">Tell us what happened, when, and what you would like us to do. Up to \(limits.maxMessageCharacters) characters.</p>\n"
            html += errorLine("message", error)
            html += "<textarea id=\"message\" name=\"message\" rows=\"10\"\(describedBy("message", hint: true, error: error))>\(value("message"))</textarea>\n</div>\n"
        }
        do {
            let error = errorFor(["attachments"])
            let size = limits.maxAttachmentBytes / (1024 * 1024)
            html += "<div class=\"field\(error != nil ? " field-error" : "")\">\n<label for=\"attachments\">Photos or documents (optional)</label>\n"
            html += "<p class=\"hint\" id=\"attachments-hint\">Up to \(limits.maxAttachments) files: photos (JPG, PNG, GIF, WEBP, HEIC) or PDF, each up to \(size) MB.\(answers != nil && !(answers?.attachments.isEmpty ?? true) ? " Your browser does not keep files after an error: please choose them again." : "")</p>\n"
            html += errorLine("attachments", error)
            html += "<input type=\"file\" id=\"attachments\" name=\"attachments\" multiple accept=\"image/*,application/pdf\"\(describedBy("attachments", hint: true, error: error))>\n</div>\n"
        }

        html += "<h2>How we contact you</h2>\n"
        html += radios("contact_by", "How would you like us to contact you? (optional)", [
            ("email", "Email"), ("phone", "Phone call"), ("text", "Text message"), ("letter", "Letter"),
        ])
        html += "<fieldset class=\"field\" aria-describedby=\"access-hint\">\n<legend>Do you need us to communicate with you in another way? (optional)</legend>\n"
        html += "<p class=\"hint\" id=\"access-hint\">Tick all that apply.</p>\n"
        html += checkbox("access_large_print", "Large print")
        html += checkbox("access_braille", "Braille")
        html += checkbox("access_bsl", "British Sign Language (BSL)")
        html += checkbox("access_interpreter", "An interpreter")
        html += "</fieldset>\n"
        html += input("interpreter_language", "Language for the interpreter", hint: "Only if you need an interpreter.")
        html += input("access_other", "Anything else we should know about how to contact you")
        html += """
        <p>We use what you tell us to deal with your feedback. We keep it safe and only share it with staff who need it.</p>
        <button type="submit">Send feedback</button>
        </form>
        """
        return document(title: title, body: html)
    }

    /// The page after a successful post.
    public func confirmation(reference: String, repeated: Bool) -> String {
        document(title: "Feedback sent - \(wording.organisation)", body: """
        <div class="panel" role="status">
        <h1>Feedback sent</h1>
        <p>Your reference number is</p>
        <p class="reference">\(Self.escape(reference))</p>
        </div>
        \(repeated ? "<p>We had already received this form, so we have not logged it twice. This is the reference from the first time.</p>\n" : "")<h2>What happens next</h2>
        <p>\(Self.escape(wording.acknowledgement))</p>
        <p>\(Self.escape(wording.nextSteps))</p>
        <p>Please quote your reference number if you contact us about this.</p>
        <p><a href="/feedback">Send more feedback</a></p>
        """)
    }

    /// The page for a post that could not be read at all (kept by us, but the sender should know).
    public func problem(title: String, message: String) -> String {
        document(title: "\(title) - \(wording.organisation)", body: """
        <h1>\(Self.escape(title))</h1>
        <p>\(Self.escape(message))</p>
        <p><a href="/feedback">Go back to the feedback form</a></p>
        """)
    }
}
