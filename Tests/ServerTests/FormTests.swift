import Foundation
import LetterboxCore
import LetterboxServer
import LetterboxStore
import LetterboxTesting
import Testing
import LetterboxWebForm

@Suite("The feedback form and its JSON API over real HTTP")
struct FormTests {
    @Test("GET /feedback: every input has a label, the token and the hidden honeypot are there")
    func page() async throws {
        let harness = try await ServerHarness.start(.sqlite)
        let reply = try await harness.request("GET", "/feedback")
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"]?.hasPrefix("text/html") == true)
        let html = reply.text
        #expect(ServerHarness.token(in: html) != nil)
        // Each visible input's id has a <label for=...>.
        let ids = html.matches(of: /<(?:input|textarea) type="(?!hidden)[^"]*" id="([^"]+)"|<textarea id="([^"]+)"/).map { String($0.output.1 ?? $0.output.2 ?? "") }
        #expect(ids.count > 15)
        for id in ids where id != "website" {
            #expect(html.contains("<label for=\"\(id)\""), "no label for \(id)")
        }
        #expect(html.contains(#"class="hp" aria-hidden="true""#))
        #expect(html.contains("lang=\"en\""))
        await harness.stop()
    }

    @Test("A post is stored and the confirmation gives the reference; the same token again returns the same reference", arguments: Backend.allCases)
    func postAndResubmit(_ backend: Backend) async throws {
        let harness = try await ServerHarness.start(backend)
        let token = try #require(ServerHarness.token(in: try await harness.request("GET", "/feedback").text))
        let fields = [
            ("token", token), ("kind", "complaint"), ("name", "Ann Smith"), ("email", "Ann@Example.com"),
            ("phone", "07700 900123"), ("postcode", "b1 1aa"), ("subject", "Lift"),
            ("message", "The lift at Elm Court has been broken for three weeks."), ("contact_by", "email"),
            ("access_interpreter", "yes"), ("interpreter_language", "Polish"), ("website", ""),
        ]
        let first = try await harness.postForm(fields)
        #expect(first.status == 200)
        let reference = try #require(ServerHarness.reference(in: first.text))
        #expect(first.text.contains("What happens next"))
        let again = try await harness.postForm(fields)
        #expect(again.status == 200)
        #expect(ServerHarness.reference(in: again.text) == reference)
        #expect(again.text.contains("already received"))
        let records = try harness.store.records()
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.channel == .webForm)
        #expect(record.contact.email == "ann@example.com")
        #expect(record.contact.phone?.e164 == "+447700900123")
        #expect(record.contact.postcode == "B1 1AA")
        #expect(record.statedKind == "complaint")
        #expect(record.extraFields.contains(ExtraField(name: "Accessibility needs", value: "an interpreter (Polish)")))
        await harness.stop()
    }

    @Test("An empty form comes back 422 with an error summary linked to the fields, and the typed text kept", arguments: Backend.allCases)
    func validation(_ backend: Backend) async throws {
        let harness = try await ServerHarness.start(backend)
        let reply = try await harness.postForm([("name", "Bob <Jones>"), ("email", "not-an-email"), ("message", "  ")])
        #expect(reply.status == 422)
        let html = reply.text
        #expect(html.contains("<title>Error: "))
        #expect(html.contains(##"<a href="#message">Enter your message</a>"##))
        #expect(html.contains(##"<a href="#email">"##))
        #expect(html.contains(#"aria-describedby="message-hint message-error" aria-invalid="true""#))
        #expect(html.contains(#"value="Bob &lt;Jones&gt;""#))
        #expect(try harness.store.records().isEmpty)
        await harness.stop()
    }

    @Test("A multipart post with a photo stores the attachment; a filled honeypot is kept as ignored", arguments: Backend.allCases)
    func multipartAndHoneypot(_ backend: Backend) async throws {
        let harness = try await ServerHarness.start(backend)
        let photo = Data([0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0x42, count: 5000))
        let boundary = "----LetterboxTest7MA4YWxkTrZu0gW"
        let body = ServerHarness.multipart(
            boundary: boundary,
            fields: [("message", "Damp in the bedroom, photo attached."), ("name", "Cara Doyle"), ("phone", "+44 (0)7700 900456")],
            files: [("attachments", "C:\\Users\\cara\\damp.jpg", "image/jpeg", photo)]
        )
        let reply = try await harness.request("POST", "/feedback", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(reply.status == 200)
        let record = try #require(try harness.store.records().first)
        #expect(record.attachments.map(\.name) == ["damp.jpg"])
        #expect(record.attachments.first?.size == photo.count)

        let bot = try await harness.postForm([("message", "Buy cheap watches"), ("website", "http://spam.example")])
        #expect(bot.status == 200)
        #expect(ServerHarness.reference(in: bot.text) == nil)
        #expect(try harness.store.submissions(.ignored).first?.errorCode == "honeypot")
        #expect(try harness.store.records().count == 1)
        await harness.stop()
    }

    @Test("Bad posts: 10,000 parts, a missing boundary, invalid UTF-8 are 400 and kept in quarantine; wrong type 415", arguments: Backend.allCases)
    func badPosts(_ backend: Backend) async throws {
        let harness = try await ServerHarness.start(backend)
        let boundary = "xyz"
        let many = ServerHarness.multipart(boundary: boundary, fields: (0..<10_000).map { ("f\($0)", "v") })
        #expect(try await harness.request("POST", "/feedback", body: many, contentType: "multipart/form-data; boundary=\(boundary)").status == 400)
        let noBoundary = ServerHarness.multipart(boundary: boundary, fields: [("message", "hello")])
        #expect(try await harness.request("POST", "/feedback", body: noBoundary, contentType: "multipart/form-data").status == 400)
        let truncated = Data("--xyz\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nThe heating is off and".utf8)
        #expect(try await harness.request("POST", "/feedback", body: truncated, contentType: "multipart/form-data; boundary=xyz").status == 400)
        let invalid = Data("message=caf%E9+broken&name=Zo%C3".utf8)
        let reply = try await harness.request("POST", "/feedback", body: invalid, contentType: "application/x-www-form-urlencoded")
        #expect(reply.status == 400)
        #expect(reply.text.contains("kept a copy"))
        let quarantined = try harness.store.submissions(.quarantined)
        #expect(quarantined.count == 4)
        #expect(quarantined.allSatisfy { $0.channel == .webForm && $0.reason?.isEmpty == false })
        #expect(try await harness.request("POST", "/feedback", body: Data("hi".utf8), contentType: "text/plain").status == 415)
        await harness.stop()
    }

    @Test("A post over the size limit is refused with 413 before it is read in full", arguments: Backend.allCases)
    func tooLarge(_ backend: Backend) async throws {
        let harness = try await ServerHarness.start(backend) { $0.formLimits.maxAttachmentBytes = 100_000 }
        let limit = harness.configuration.form.maxFormBytes
        let boundary = "big"
        let body = ServerHarness.multipart(
            boundary: boundary, fields: [("message", "Photos")],
            files: [("attachments", "huge.jpg", "image/jpeg", Data(count: limit + 1))]
        )
        let reply = try await harness.request("POST", "/feedback", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(reply.status == 413)
        #expect(reply.text.contains("Files too large"))
        #expect(try harness.store.records().isEmpty)
        await harness.stop()
    }

    @Test("The per-address rate limit answers 429 with Retry-After", arguments: Backend.allCases)
    func rateLimit(_ backend: Backend) async throws {
        let harness = try await ServerHarness.start(backend) { $0.rateLimit = 3 }
        for index in 0..<3 {
            #expect(try await harness.postForm([("message", "Message \(index)")]).status == 200)
        }
        let limited = try await harness.postForm([("message", "One too many")])
        #expect(limited.status == 429)
        #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 > 0)
        #expect(try harness.store.records().count == 3)
        await harness.stop()
    }

    @Test("JSON API: 201 with the reference; the same Idempotency-Key returns it again; errors are 422; bad JSON 400", arguments: Backend.allCases)
    func json(_ backend: Backend) async throws {
        let harness = try await ServerHarness.start(backend)
        let body = Data(#"{"kind":"compliment","name":"Dev Patel","email":"dev@example.com","message":"The caretaker was very helpful.","onBehalfOf":{"name":"Mrs Patel","relationship":"son","consent":true}}"#.utf8)
        let first = try await harness.request("POST", "/api/v1/feedback", body: body, contentType: "application/json", headers: ["Idempotency-Key": "abc-123"])
        #expect(first.status == 201)
        let object = try #require(try JSONSerialization.jsonObject(with: first.body) as? [String: Any])
        let reference = try #require(object["reference"] as? String)
        let again = try await harness.request("POST", "/api/v1/feedback", body: body, contentType: "application/json", headers: ["Idempotency-Key": "abc-123"])
        #expect(again.status == 200)
        #expect(again.text.contains(reference))
        let record = try #require(try harness.store.record(reference: reference))
        #expect(record.contact.name == "Mrs Patel")
        #expect(record.representative?.name == "Dev Patel")
        #expect(record.representative?.consentStated == true)
        #expect(!record.flags.contains { $0.flag == .consentRequired })

        let invalid = try await harness.request("POST", "/api/v1/feedback", body: Data(#"{"email":"x"}"#.utf8), contentType: "application/json")
        #expect(invalid.status == 422)
        #expect(invalid.text.contains("\"field\":\"message\""))
        let broken = try await harness.request("POST", "/api/v1/feedback", body: Data("{not json".utf8), contentType: "application/json")
        #expect(broken.status == 400)
        #expect(try harness.store.submissions(.quarantined).count == 1)
        #expect(try await harness.request("POST", "/api/v1/feedback", body: Data("message=x".utf8), contentType: "application/x-www-form-urlencoded").status == 415)
        await harness.stop()
    }
}
