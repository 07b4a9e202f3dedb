import Foundation
import LetterboxCore
import LetterboxWebForm
import Testing

@Suite("Form bodies: urlencoded, multipart and JSON, and what the form makes of them")
struct FormBodyTests {
    @Test("urlencoded: + is a space, %XX a byte, repeated names kept in order")
    func urlEncoded() throws {
        let body = try FormBody.parse(Data("message=Caf%C3%A9+is+shut&access_braille=yes&x=1&x=2".utf8), contentType: "application/x-www-form-urlencoded; charset=UTF-8")
        #expect(body["message"] == "Café is shut")
        #expect(body.fields.filter { $0.name == "x" }.map(\.value) == ["1", "2"])
    }

    @Test("multipart: quoted boundary, file name with a Windows path and %22, empty file inputs skipped")
    func multipart() throws {
        let raw = "--b\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nHello\r\n--b\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"C:\\docs\\a%22b.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--b\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n"
        let body = try FormBody.parse(Data(raw.utf8), contentType: "multipart/form-data; boundary=\"b\"")
        #expect(body["message"] == "Hello")
        #expect(body.files.count == 1)
        #expect(body.files.first?.name == "C:\\docs\\a\"b.pdf")
        // The record's name goes through the same sanitiser as email attachments (no quotes,
        // reserved on Windows, where staff save the files).
        let draft = try FeedbackForm(body).draft()
        #expect(draft.attachments.first?.name == "ab.pdf")
        #expect(draft.attachments.first?.mediaType == "application/pdf")
    }

    /// The parser is given the body in slices; a boundary, a header or a CRLF cut by a slice's
    /// edge reads the same as whole, byte for byte.
    @Test("multipart: parts straddling the parser's slice edges come out whole", arguments: [-70, -41, -2, -1, 0, 1, 3, 40])
    func sliceEdges(shift: Int) throws {
        var file = [UInt8]()
        for index in 0..<(FormBody.parseSlice - 160 + shift) { file.append(UInt8(truncatingIfNeeded: index &* 31 &+ 7)) }
        file[100] = 0x2D; file[101] = 0x2D  // "--" inside the data: not a boundary
        var raw = Data("--bnd\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"a.bin\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
        raw.append(contentsOf: file)
        raw.append(Data("\r\n--bnd\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nMould in the bedroom\r\n--bnd\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"b.bin\"\r\n\r\n".utf8))
        raw.append(contentsOf: file.reversed())
        raw.append(Data("\r\n--bnd--\r\n".utf8))
        let body = try FormBody.parse(raw, contentType: "multipart/form-data; boundary=bnd")
        #expect(body["message"] == "Mould in the bedroom")
        #expect(body.files.map(\.name) == ["a.bin", "b.bin"])
        #expect(body.files.first.map { [UInt8]($0.data) } == file)
        #expect(body.files.last.map { [UInt8]($0.data) } == file.reversed())
    }

    @Test("Unreadable bodies are IntakeErrors with a reason", arguments: [
        ("message=%FF%FE", "application/x-www-form-urlencoded"),
        ("--b\r\nContent-Disposition: form-data; name=\"m\"\r\n\r\nno end", "multipart/form-data; boundary=b"),
        ("--b\r\n", "multipart/form-data"),
        ("[1,2]", "application/json"),
        ("{\"message\": ", "application/json"),
        ("x", "text/plain"),
        // multipart-kit traps on this (a non-ASCII header name); it must be refused, not crash.
        ("--b\r\nContent-Disposition: form-data; name=\"m\"\r\n\u{E9}: x\r\n\r\nhi\r\n--b--\r\n", "multipart/form-data; boundary=b"),
        // The same, hidden behind a lone LF inside the previous header's value.
        ("--b\r\nContent-Type: image/png\n\r\nP\u{FF}\u{FF}: x\r\n\r\nhi\r\n--b--\r\n", "multipart/form-data; boundary=b"),
    ])
    func unreadable(body: String, type: String) {
        #expect(throws: IntakeError.self) { try FormBody.parse(Data(body.utf8), contentType: type) }
    }

    @Test("A non-ASCII file name in a part's header value is fine (browsers send UTF-8 there)")
    func utf8FileName() throws {
        let raw = "--b\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"ffenestr-\u{175}.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nJPEG\r\n--b--\r\n"
        let body = try FormBody.parse(Data(raw.utf8), contentType: "multipart/form-data; boundary=b")
        #expect(body.files.first?.name == "ffenestr-\u{175}.jpg")
    }

    @Test("Writing for someone else: they are the contact, the writer the representative, consent flagged when not stated")
    func behalf() throws {
        let body = try FormBody.parse(Data("message=Help&name=Cllr+Jones&email=jones@council.example&on_behalf=yes&behalf_name=Mr+Ahmed&behalf_relationship=Ward+councillor".utf8), contentType: "application/x-www-form-urlencoded")
        let form = FeedbackForm(body)
        #expect(form.validate().isEmpty)
        let draft = try form.draft()
        #expect(draft.contact.name == "Mr Ahmed")
        #expect(draft.representative?.role == .councillor)
        #expect(draft.representative?.email == "jones@council.example")
        #expect(draft.flags.contains { $0.flag == .consentRequired })
    }

    @Test("Validation names each problem against the field the summary links to")
    func validation() throws {
        let body = try FormBody.parse(Data("email=nope&phone=abc&postcode=ZZZ&contact_by=letter&access_interpreter=yes&kind=rant".utf8), contentType: "application/x-www-form-urlencoded")
        let fields = FeedbackForm(body).validate().map(\.field)
        #expect(fields == ["kind-complaint", "email", "phone", "postcode", "message", "address", "interpreter_language"])
    }
}
