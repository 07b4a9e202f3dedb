import Foundation
import LetterboxCore
import LetterboxEmail
import LetterboxTesting
import LetterboxXML
import Testing

func decode(_ text: String, metadata: [String: String] = [:], domains: Set<String> = []) throws -> Decoded {
    try decode(Data(text.utf8), metadata: metadata, domains: domains)
}

func decode(_ bytes: Data, metadata: [String: String] = [:], domains: Set<String> = []) throws -> Decoded {
    let submission = RawSubmission(channel: .email, source: "test", receivedAt: Date(timeIntervalSince1970: 1_776_675_600), bytes: bytes, metadata: metadata)
    return try EmailDecoder(maxAttachmentBytes: 1024, organisationDomains: domains).decode(submission)
}

func draft(_ text: String, domains: Set<String> = []) throws -> FeedbackDraft {
    guard case .feedback(let draft) = try decode(text, domains: domains) else {
        Issue.record("expected feedback")
        return FeedbackDraft(channel: .email, body: "")
    }
    return draft
}

struct EncodedWordTests {
    @Test("Raw 8-bit bytes inside an encoded word are read in the word's charset, not as mojibake (issue 13, defect 2)")
    func rawEightBitBytesInsideAWord() throws {
        var message = Data("From: =?iso-8859-1?Q?J=FCrgen_M".utf8) + Data([0xFC]) + Data("ller?= <jm@example.de>\r\n".utf8)
        message += Data("Subject: =?iso-8859-1?Q?Fr".utf8) + Data([0xF6]) + Data("sche im Keller?=\r\n".utf8)
        message += Data("Subject-2: =?windows-1252?Q?".utf8) + Data([0x80]) + Data("5 charge?=\r\n\r\nThe frogs are back.\r\n".utf8)
        guard case .feedback(let draft) = try decode(message) else {
            Issue.record("expected feedback")
            return
        }
        #expect(draft.subject == "Frösche im Keller")
        #expect(draft.contact.name == "Jürgen Müller")
        // A UTF-8 word keeps its bytes as they are.
        #expect(EncodedWords.decode("=?utf-8?Q?Fr\u{F6}sche?=") == "Fr\u{F6}sche")
        #expect(EncodedWords.decode("=?windows-1252?Q?\u{20AC}5?=") == "\u{20AC}5")
    }

    @Test(arguments: [
        ("=?utf-8?q?caf=C3=A9?=", "café"),
        ("=?ISO-8859-1?Q?Andr=E9?= Pirard", "André Pirard"),
        // Whitespace between adjacent encoded words is dropped.
        ("=?utf-8?q?a?= =?utf-8?q?b?=", "ab"),
        ("=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab"),
        // ... but not between a word and plain text.
        ("=?utf-8?q?a?= b", "a b"),
        // A character split across two base64 words survives.
        ("=?utf-8?b?w6k=?= =?utf-8?b?w6k=?=", "éé"),
        ("=?UTF-8?B?8J+Ogg?=", "🎂"),
        // Malformed and unterminated words are left as written.
        ("=?utf-8?x?abc?=", "=?utf-8?x?abc?="),
        ("=?utf-8?q?unterminated", "=?utf-8?q?unterminated"),
        // A charset nobody knows: read as Windows-1252.
        ("=?x-nonsense?q?caf=E9?=", "café"),
        ("=?iso-2022-jp?B?GyRCJUYlOSVIGyhC?=", "テスト"),
    ])
    func decodes(input: String, expected: String) {
        #expect(EncodedWords.decode(input) == expected)
    }
}

struct ParameterTests {
    @Test func rfc2231ContinuationsAndCharsets() {
        let parsed = HeaderParameters.parse("attachment; filename*0*=UTF-8''caf%C3%A9%20; filename*1=\"menu.pdf\"")
        #expect(parsed.value == "attachment")
        #expect(parsed["filename"] == "café menu.pdf")
        let plain = ContentType.parse("Text/Plain; Charset=\"ISO-8859-1\"; format=flowed (comment)")
        #expect(plain?.mimeType == "text/plain")
        #expect(plain?.charset == "ISO-8859-1")
        #expect(ContentType.parse("garbage") == nil)
        let outlook = HeaderParameters.parse("application/pdf; name=\"=?utf-8?q?r=C3=A9sum=C3=A9.pdf?=\"")
        #expect(outlook["name"] == "résumé.pdf")
        // White space around a value is not part of it (nor, as before, inside its quotes);
        // a no-break space is not white space to a header.
        let spaced = HeaderParameters.parse("attachment; filename= \t rent statement.pdf \t ; size=10")
        #expect(spaced["filename"] == "rent statement.pdf")
        #expect(spaced["size"] == "10")
        #expect(HeaderParameters.parse("attachment; filename=\" notes.txt\"")["filename"] == "notes.txt")
        #expect(HeaderParameters.parse("attachment; filename=\u{A0}x\u{A0}")["filename"] == "\u{A0}x\u{A0}")
    }

    @Test("A sender's display name loses its quotes and a list's \"via\" suffix, in any case")
    func displayNames() throws {
        for (from, name) in [
            ("\"'Sian Jones' via Tenants Forum\" <forum@example.org>", "Sian Jones"),
            ("Sian Jones VIA Tenants Forum <forum@example.org>", "Sian Jones"),
            ("\"Olivia Viaduct\" <ov@example.org>", "Olivia Viaduct"),
            ("\"Bob via\" <b@example.org>", "Bob via"),
            ("\"Zoë Vías\" <z@example.org>", "Zoë Vías"),
        ] {
            let message = Data("From: \(from)\r\nSubject: Bins\r\n\r\nThe bins were not emptied.\r\n".utf8)
            guard case .feedback(let draft) = try decode(message) else {
                Issue.record("expected feedback from \(from)")
                continue
            }
            #expect(draft.contact.name == name, "\(from)")
        }
    }

    @Test("A charset label is read through white space and quotes around it")
    func charsetLabels() throws {
        let body = Data([0x43, 0x61, 0x66, 0xE9, 0x0D, 0x0A])  // "Café" in Latin-1
        for label in ["\" iso-8859-1 \"", "'ISO-8859-1'", "\"'iso-8859-1'\"", "\tISO-8859-1*en"] {
            let message = Data("From: a@example.org\r\nSubject: x\r\nContent-Type: text/plain; charset=\(label)\r\n\r\n".utf8) + body
            guard case .feedback(let draft) = try decode(message) else {
                Issue.record("expected feedback with \(label)")
                continue
            }
            #expect(draft.body.hasPrefix("Café"), "\(label): \(draft.body)")
        }
    }

    @Test func fileNamesAreSanitised() {
        #expect(FileNames.sanitised("../../etc/passwd", mediaType: "text/plain", index: 1) == "passwd")
        #expect(FileNames.sanitised("C:\\Users\\me\\photo.jpg", mediaType: "image/jpeg", index: 1) == "photo.jpg")
        #expect(FileNames.sanitised("..hidden\u{0}\u{202E}gpj.exe", mediaType: "x", index: 1) == "hiddengpj.exe")
        #expect(FileNames.sanitised(nil, mediaType: "image/png", contentID: "<img1@x>", index: 2) == "inline-img1-x.png")
        #expect(FileNames.sanitised("   ", mediaType: "application/pdf", index: 3) == "attachment-3.pdf")
        #expect(FileNames.sanitised(String(repeating: "a", count: 400) + ".pdf", mediaType: "x", index: 1).utf8.count <= 200)
    }
}

struct TransferEncodingTests {
    @Test func base64ToleratesGarbageAndMissingPadding() {
        #expect(TransferEncoding.base64(Array("aGVsbG8gd29ybGQ=".utf8)[...]) == Array("hello world".utf8))
        #expect(TransferEncoding.base64(Array("aGVsbG8gd29ybGQ".utf8)[...]) == Array("hello world".utf8))
        #expect(TransferEncoding.base64(Array("aGVs\r\nbG8*gd2!9y bGQ=".utf8)[...]) == Array("hello world".utf8))
        #expect(TransferEncoding.base64(Array("!!!".utf8)[...]).isEmpty)
    }

    @Test func quotedPrintable() {
        #expect(TransferEncoding.quotedPrintable(Array("caf=C3=A9 =\r\nau =\nlait=3D=ZZ=".utf8)[...]) == Array("café au lait==ZZ".utf8))
    }
}

struct CharsetTests {
    @Test func everyIconvCharsetAndUnknownOnes() {
        #expect(Charsets.decode(Array("\u{1B}$B%F%9%H\u{1B}(B".utf8)[...], label: "ISO-2022-JP").text == "テスト")
        #expect(Charsets.decode([0xE9][...], label: "iso-8859-1").text == "é")
        #expect(Charsets.decode([0x93, 0x41, 0x94][...], label: "windows-1252").text == "“A”")
        #expect(Charsets.decode([0xC1, 0xF0][...], label: "koi8-r").text == "аП")
        let unknown = Charsets.decode([0x41, 0xE9][...], label: "x-made-up")
        #expect(unknown.text == "Aé")
        #expect(unknown.guess != nil)
        let mislabelled = Charsets.decode([0xE9, 0x41][...], label: "utf-8")
        #expect(mislabelled.text == "éA")
        #expect(mislabelled.guess != nil)
    }
}

struct HTMLTextTests {
    @Test func readableTextFromHTML() {
        let html = """
            <html><head><title>T</title><style>p{}</style><script>alert(1)</script></head><body>
            <p>First   paragraph<br>line two</p><ol><li>one</li><li>two</li></ol>
            <p>See <a href="https://x.example/a">the photo</a>.</p><blockquote>quoted</blockquote></body></html>
            """
        let text = HTMLText.plainText(html)
        #expect(text == "First paragraph\nline two\n\n1. one\n2. two\n\nSee the photo <https://x.example/a>.\n\n> quoted")
    }

    @Test func deeplyNestedTagSoupDoesNotCrash() {
        let html = String(repeating: "<div><span>", count: 20_000) + "x"
        #expect(HTMLText.plainText(html).contains("x"))
    }
}

struct StructureTests {
    @Test func nestedMultipartsMissingBoundaryAndPreamble() throws {
        let d = try draft("""
            From: a@example.com
            Content-Type: multipart/mixed; boundary="outer"

            preamble mentions --outer in passing
            --outer
            Content-Type: multipart/alternative; boundary="inner"

            --inner
            Content-Type: text/html

            <p>html version</p>
            --inner
            Content-Type: text/plain

            plain version
            --outer
            Content-Type: image/png
            Content-Transfer-Encoding: base64
            Content-ID: <pic1>

            iVBORw0KGgo=
            """)
        #expect(d.body == "plain version")
        #expect(d.attachments.map(\.name) == ["inline-pic1.png"])
        #expect(d.flags.contains { $0.flag == .malformedMessage })
    }

    @Test func depthLimitAndPartLimitKeepHostileInputCheap() throws {
        var text = "From: a@example.com\nContent-Type: multipart/mixed; boundary=b0\n\n"
        for level in 1...10_000 { text += "--b\(level - 1)\nContent-Type: multipart/mixed; boundary=b\(level)\n\n" }
        let start = Date()
        let d = try draft(text)
        #expect(d.flags.contains { $0.flag == .malformedMessage && $0.reason.contains("nested too deeply") })
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func hundredThousandHeaderLinesAndAOneMegabyteLine() throws {
        var text = "From: a@example.com\nSubject: " + String(repeating: "x", count: 1 << 20) + "\n"
        text += String(repeating: "X-Filler: y\n", count: 100_000)
        text += "\nbody text\n"
        let d = try draft(text)
        #expect(d.body == "body text")
        #expect(d.flags.contains { $0.flag == .malformedMessage })
    }

    @Test func nulBytesTruncationAndInvalidBase64AreReadNotRefused() throws {
        let d = try draft("From: a@example.com\nSubject: nul\nContent-Type: multipart/mixed; boundary=z\n\n--z\nContent-Type: text/plain\n\nbefore\u{0}after\n--z\nContent-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\n!!!!not base64 at all")
        #expect(d.body.contains("before"))
        #expect(d.body.contains("after"))
        #expect(d.attachments.count == 1)
    }

    @Test func oversizedAttachmentIsFlaggedAndLeftInTheRaw() throws {
        let big = Data(repeating: 0x41, count: 4096).base64EncodedString()
        let d = try draft("From: a@example.com\nContent-Type: multipart/mixed; boundary=z\n\n--z\n\nsee attached\n--z\nContent-Type: application/pdf; name=big.pdf\nContent-Transfer-Encoding: base64\n\n\(big)\n--z--\n")
        #expect(d.attachments.isEmpty)
        #expect(d.flags.contains { $0.flag == .attachmentTooLarge && $0.reason.contains("big.pdf") })
    }

    @Test func notAnEmailIsRefusedWithAReason() {
        #expect(throws: IntakeError.self) { try decode("") }
        #expect(throws: IntakeError.self) { try decode("just some words\nwith no headers\n") }
    }
}

struct MachineMailTests {
    @Test(arguments: [
        ("Auto-Submitted: auto-replied\nSubject: Away", "auto_reply"),
        ("Auto-Submitted: auto-generated\nSubject: Automatic reply: x", "out_of_office"),
        ("X-Autoreply: yes\nSubject: hi", "auto_reply"),
        ("X-Autorespond: on\nSubject: hi", "auto_reply"),
        ("X-Auto-Response-Suppress: All\nSubject: hi", "auto_reply"),
        ("Precedence: bulk\nSubject: newsletter", "bulk"),
        ("Precedence: list\nSubject: hi", "mailing_list"),
        ("List-Id: <tenants.example.org>\nSubject: hi", "mailing_list"),
        ("Return-Path: <>\nSubject: hi", "auto_reply"),
        ("Subject: Out of Office: back Monday", "out_of_office"),
        ("Subject: Automatic reply: Your complaint", "out_of_office"),
    ])
    func machineMailIsIgnoredWithItsVerdict(headers: String, verdict: String) throws {
        let decoded = try decode("From: x@example.com\n\(headers)\n\nbody\n")
        guard case .ignored(let actual, let reason) = decoded else {
            Issue.record("not ignored: \(headers)")
            return
        }
        #expect(actual == verdict)
        #expect(!reason.isEmpty)
    }

    @Test(arguments: [
        "Auto-Submitted: no\nSubject: A person wrote this",
        "Subject: Out of office hours repair not done",
        "Subject: Re: my complaint",
    ])
    func peopleAreNotMachines(headers: String) throws {
        guard case .feedback = try decode("From: x@example.com\n\(headers)\n\nbody\n") else {
            Issue.record("a person's mail was ignored: \(headers)")
            return
        }
    }

    @Test func deliveryStatusNotificationIsRead() throws {
        let bounce = try Data(contentsOf: Fixtures.samples("email").appendingPathComponent("07-bounce.eml"))
        guard case .ignored(let verdict, let reason) = try decode(bounce) else {
            Issue.record("bounce not ignored")
            return
        }
        #expect(verdict == "bounce_permanent")
        #expect(reason.contains("5.1.1"))
        #expect(reason.contains("<ack.LB-2026-000007@example-housing.org.uk>"))
    }

    @Test("A failure notice from a mail server's daemon or postmaster, in any case, is a bounce; a person whose name looks like one is not")
    func bounceSenders() throws {
        for from in ["Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>", "mailer-daemon@mx.example.org",
                     "\"Mail Delivery System\" <Mail-Daemon@example.net>", "PostMaster@example.org"] {
            let text = "From: \(from)\nSubject: Undelivered Mail Returned to Sender\n\nYour message could not be delivered.\n"
            guard case .ignored(let verdict, _) = try decode(text) else {
                Issue.record("not read as a bounce: \(from)")
                continue
            }
            #expect(verdict == "bounce_permanent", "\(from)")
        }
        for from in ["Dana Postmaster <dana@example.org>", "daemon.fan@example.org", "Postmasterson <p.m@example.org>"] {
            let text = "From: \(from)\nSubject: Undelivered parcel to my door\n\nThe parcel was left outside.\n"
            guard case .feedback = try decode(text) else {
                Issue.record("a person's mail was ignored: \(from)")
                continue
            }
        }
    }

    @Test func staffRepliesAreCorrespondenceWhenTheDomainIsConfigured() throws {
        let text = "From: Jo <jo@example-housing.org.uk>\nIn-Reply-To: <t1@example.com>\nSubject: RE: repair\n\nWe will visit.\n"
        guard case .ignored(let verdict, _) = try decode(text, domains: ["example-housing.org.uk"]) else {
            Issue.record("staff reply not ignored")
            return
        }
        #expect(verdict == "staff_reply")
        guard case .feedback = try decode(text) else {
            Issue.record("without the setting, nothing is assumed")
            return
        }
    }
}

struct QuoteTests {
    @Test(arguments: [
        ("New text\n\nOn Mon, 3 Apr 2026 at 10:00, Jo <jo@x.org> wrote:\n> old\n> older", "New text"),
        ("New text\nOn Mon, 3 Apr 2026 at 10:00, Jo Bloggs <jo@x.org>\nwrote:\n> old", "New text"),
        ("Top post\n\n-----Original Message-----\nFrom: x\nSent: y\n", "Top post"),
        ("Reply\n________________________________\nFrom: Jo\nSent: Monday\nTo: Us\nSubject: x\n\nold", "Reply"),
        ("> quoted first\nthen my answer", "then my answer"),
        ("See below\n---------- Forwarded message ---------\nFrom: Jo <jo@x.org>\nDate: Mon\nSubject: x\nTo: y\n\nThe forwarded text",
         "See below\n---------- Forwarded message ---------\nFrom: Jo <jo@x.org>\nDate: Mon\nSubject: x\nTo: y\n\nThe forwarded text"),
    ])
    func newTextIsSeparatedFromQuotes(input: String, expected: String) {
        #expect(QuoteSplitter.split(input).newText == expected)
    }
}

struct DateAndAddressTests {
    @Test(arguments: [
        ("Fri, 3 Apr 2026 10:15:00 +0100", "2026-04-03T09:15:00Z"),
        ("3 Apr 26 10:15 GMT", "2026-04-03T10:15:00Z"),
        ("Fri, 03 Apr 2026 10:15:00 +0100 (GMT Daylight Time)", "2026-04-03T09:15:00Z"),
        ("Fri Apr  3 10:15:00 2026", "2026-04-03T10:15:00Z"),
        ("Friday, April 3, 2026 10:15 EST", "2026-04-03T15:15:00Z"),
    ])
    func tolerantDates(text: String, iso: String) {
        #expect(MailDate.parse(text).map(Timestamp.string) == iso)
    }

    /// The byte reader of the common form reads what it reads exactly as the general reading,
    /// on generated dates with every awkward piece, and reads the common form itself.
    @Test func commonDatesReadAsByTheGeneralReading() {
        // Each part of the form in turn, right (the first choice, more often than not) or a
        // little wrong, between separators.
        let parts: [[String]] = [
            ["Fri,", "", "fri,", "Mar,", "Fri", "Friday,", "é,"],
            ["3", "03", "31", "32", "0", "003", "x"],
            ["Apr", "APR", "apr", "April", "xyz", "Dec"],
            ["2026", "1969", "26", "20266", "1970"],
            ["10:15:00", "10:15", "9:15", "10:15:61", "24:00", "10:60", "10:", "10:15:0"],
            ["+0100", "-0500", "+01", "+0a00", "GMT", "", "+01000"],
            ["", "(GMT Daylight Time)", "(UTC)", "(a(b))", "(x", ")", "GMT"],
        ]
        let separators = [" ", "  ", "", "\t", ",", "\r\n"]
        var generator = SystemRandomNumberGenerator()
        func pick(_ choices: [String]) -> String {
            Int.random(in: 0..<10, using: &generator) < 6 ? choices[0] : choices.randomElement(using: &generator)!
        }
        var readByBytes = 0
        for _ in 0..<5_000 {
            var text = pick(separators)
            for choices in parts { text += pick(choices) + pick(separators) }
            guard let date = MailDate.common(text) else { continue }
            readByBytes += 1
            #expect(date == MailDate.general(text), "\(text.debugDescription)")
        }
        #expect(readByBytes > 0)
        for text in ["Fri, 3 Apr 2026 10:15:00 +0100", "3 Apr 2026 10:15 -0500", "Fri, 03 Apr 2026 10:15:00 +0100 (GMT Daylight Time)",
                     "Sat, 31 Jan 1970 23:59:60 +0000 (UTC) "] {
            #expect(MailDate.common(text) != nil, "\(text)")
            #expect(MailDate.common(text) == MailDate.general(text), "\(text)")
        }
    }

    @Test(
        "format=flowed text is joined where a line ends in a space (RFC 3676), CRLF or LF, with DelSp, space-stuffing and the signature line",
        arguments: [
            ("Hello \r\nworld\r\n-- \r\nSig", false, "Hello world\n-- \nSig"),
            ("Hello \nworld\n-- \nSig", false, "Hello world\n-- \nSig"),
            ("Hel \r\nlo there\r\n", true, "Hello there\n"),
            (" >not a quote\r\n  two spaces", false, ">not a quote\n two spaces"),
            ("a\rb \r\nc\r\n\r\nd", false, "a\rb c\n\nd"),
            ("ends flowed ", false, "ends flowed "),
            ("Zoë \r\ncafé\r\n", false, "Zoë café\n"),
            ("", false, ""),
        ])
    func flowedText(text: String, delsp: Bool, expected: String) {
        #expect(EmailDecoder.unflow(text, delsp: delsp) == expected)
    }

    @Test func addressLists() {
        let boxes = Mailbox.list("\"Smith, John\" <John@Example.COM>, =?utf-8?q?Zo=C3=AB?= <zoe@x.org>, bare@y.org (Bare Name), Group: g@h.org;")
        #expect(boxes.map(\.address) == ["John@Example.COM", "zoe@x.org", "bare@y.org", "g@h.org"])
        #expect(boxes.map(\.name) == ["Smith, John", "Zoë", "Bare Name", nil])
        #expect(boxes[0].normalisedAddress == "john@example.com")
    }

    @Test("Address lists read by bytes: escaped quotes, comments with commas, non-ASCII names, folded lines, empty pieces")
    func addressListsByBytes() {
        let boxes = Mailbox.list(
            "\"O\\\"Brien, Seán\" <sean@x.org>,,\r\n\t Zoë   Ångström\t<zoe@x.org> ; c@d.org (Comment, with comma)"
        )
        #expect(boxes.map(\.address) == ["sean@x.org", "zoe@x.org", "c@d.org"])
        #expect(boxes.map(\.name) == ["O\"Brien, Seán", "Zoë Ångström", "Comment, with comma"])
        // The first mailbox, as a list's first: empty pieces and groups' names skipped.
        let first = Mailbox.first(" , Team:; \"Ann\" <ann@x.org>, bob@y.org")
        #expect(first?.name == "Ann" && first?.address == "ann@x.org")
        #expect(Mailbox.first(nil) == nil && Mailbox.first("  ") == nil)
        #expect(Mailbox.first("<@route.example:user@host.example>")?.address == "user@host.example")
    }

    @Test func referencesAreFoundInText() {
        #expect(ThreadHints.references(in: "Re: LB-2026-000123 and lb-2025-000001, not XLB-2026-1234 or LB-2026-000123") == ["LB-2026-000123", "LB-2025-000001"])
    }
}
