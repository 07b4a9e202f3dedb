import Foundation
import LetterboxCore
import Testing

struct IdentifierTests {
    @Test(arguments: [
        ("07700 900123", "+447700900123"),
        ("447700900123", "+447700900123"),
        ("+44 (0)7700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("0044 7700 900123", "+447700900123"),
        ("(0113) 496 0321", "+441134960321"),
        ("0113-496-0555", "+441134960555"),
        ("07700 900123 ext 45", "+447700900123"),
        ("+353 1 234 5678", "+35312345678"),
    ])
    func phoneNumbersBecomeE164(raw: String, expected: String) {
        let phone = Identifiers.phone(raw)
        #expect(phone.e164 == expected)
        #expect(phone.raw == raw)
    }

    @Test("Numbers of digits, plus, spaces and hyphens (read without searching for extensions) read as the general path reads them")
    func plainNumbersReadAsTheGeneralPathReadsThem() {
        // A trailing full stop is skipped by the reading (and not trimmed) but sends the number
        // down the general path.
        var generator = SystemRandomNumberGenerator()
        var cases = ["07700 900123", "+447700900123", "447700900123", "0044-7700-900123", "+44 07700 900123", "+353 1 234 5678",
                     "0113-496-0555", "+", "++44", "0", "", " ", "4+4", "00", "+1 202 555 0100", "+44 0", "07700 9001234567", "---+353 1 234 5678", "- -+1 202 555 0100"]
        for _ in 0..<2_000 {
            let alphabet = Array("0123456789+ -")
            cases.append(String((0..<Int.random(in: 0...16, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for raw in cases {
            #expect(Identifiers.phone(raw).e164 == Identifiers.phone(raw + ".").e164, "\(raw)")
        }
    }

    @Test(arguments: ["", "call me", "12345", "077009001234567", "+44 0", "0000 000000"])
    func unreadablePhoneNumbersKeepTheirText(raw: String) {
        let phone = Identifiers.phone(raw)
        #expect(phone.e164 == nil)
        #expect(phone.raw == raw.trimmingWhitespace())
    }

    @Test(arguments: [
        ("ls6 2ab", "LS6 2AB"), ("LS62AB", "LS6 2AB"), (" sw1a 1aa ", "SW1A 1AA"), ("W1A0AX", "W1A 0AX"),
        ("M1 1AE", "M1 1AE"), ("CR2 6XH", "CR2 6XH"), ("DN55 1PT", "DN55 1PT"), ("EC1A 1BB", "EC1A 1BB"),
        ("gir 0aa", "GIR 0AA"), ("BFPO 801", "BFPO 801"),
    ])
    func postcodesAreNormalised(raw: String, expected: String) {
        #expect(Identifiers.postcode(raw) == expected)
    }

    @Test(arguments: ["LS6", "12345", "LS6 2A", "LS6 AAB", "AAAA 1AA", "1S6 2AB"])
    func notPostcodes(raw: String) {
        #expect(Identifiers.postcode(raw) == nil)
    }

    @Test func emailsAreLowerCasedAndUnwrapped() {
        #expect(Identifiers.email(" Dan.Price@Example.ORG ") == "dan.price@example.org")
        #expect(Identifiers.email("<a@b.co.uk>") == "a@b.co.uk")
        #expect(Identifiers.email("mailto:A@B.com") == "a@b.com")
        #expect(Identifiers.email("not an email") == nil)
        #expect(Identifiers.email("a@b") == nil)
        #expect(Identifiers.email("a@@b.com") == nil)
    }

    /// ASCII addresses are read by bytes; they must read exactly as by characters, on generated
    /// text with every awkward piece (brackets, mailto, spaces, controls, separators, dots).
    @Test func asciiAddressesReadAsByCharacters() {
        let pieces = ["a", "Dan.Price", "@", "@@", ".", "Example", "ORG", "co.uk", "<", ">", "<>", "mailto:", "MAILTO:", " ", "\t", "\r\n", "\n",
                      ",", ";", "\u{1}", "\u{1c}", "\u{1f}", "\u{7f}", "x+tag", "-", "_", "1"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...7, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let bytes = Identifiers.asciiEmail(text)
            #expect(bytes != nil)
            #expect(bytes.flatMap { $0 } == Identifiers.emailByCharacters(text), "\(text.debugDescription)")
        }
        #expect(Identifiers.asciiEmail("zoë@example.org") == nil)
        #expect(Identifiers.email("Zoë@Bücher.example") == "zoë@xn--bcher-kva.example")
    }

    @Test(arguments: [
        ("Ward councillor", Representative.Role.councillor), ("Cllr", .councillor), ("daughter", .relative),
        ("her son", .relative), ("MP's caseworker", .mp), ("Member of Parliament", .mp),
        ("solicitor", .solicitor), ("Citizens Advice adviser", .citizensAdvice), ("support worker", .advocate),
        ("neighbour", .friend), ("landlady", .other),
    ])
    func relationshipsReadAsRoles(text: String, role: Representative.Role) {
        #expect(Representative.Role.reading(text) == role)
    }

    /// The word-set reading the table replaced, kept here as the reference the table must match.
    static func roleByWordSet(_ relationship: String) -> Representative.Role {
        let words = Set(relationship.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
        func any(_ candidates: [String]) -> Bool { candidates.contains { words.contains($0) } }
        if any(["councillor", "cllr", "councilor", "alderman"]) { return .councillor }
        if words.contains("mp") || (words.contains("member") && words.contains("parliament")) { return .mp }
        if any(["solicitor", "lawyer", "barrister", "legal"]) { return .solicitor }
        if words.contains("citizens") || words.contains("cab") || words.contains("citizen") { return .citizensAdvice }
        if any(["advocate", "advocacy", "worker", "carer", "caseworker", "social", "keyworker", "support"]) { return .advocate }
        if any([
            "daughter", "son", "mother", "father", "mum", "mom", "dad", "wife", "husband", "partner",
            "sister", "brother", "aunt", "uncle", "niece", "nephew", "grandson", "granddaughter",
            "grandmother", "grandfather", "gran", "grandma", "grandad", "cousin", "relative", "family",
            "stepson", "stepdaughter", "parent", "child", "spouse", "sibling", "inlaw", "law",
        ]) {
            return .relative
        }
        if any(["friend", "neighbour", "neighbor"]) { return .friend }
        return .other
    }

    @Test("A relationship's role is the first in the order of roles among its words, however the words are written")
    func rolesMatchTheWordSetReading() {
        let pieces = [
            "Cllr", "MP", "member", "Parliament", "solicitor", "CAB", "citizens", "support", "worker", "son", "Mum",
            "husband", "grandad", "family", "in-law", "neighbour", "friend", "Siân", "Zoë", "e\u{301}", "jones", "mps",
            "sonia", "councillors", " ", "  ", ".", "'s", "-", "_", "1", "\u{A0}", "ß", "İ", "\u{301}",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(Representative.Role.reading(text) == Self.roleByWordSet(text), "\(text.debugDescription)")
        }
    }

    @Test("Internationalised email domains are stored in their ASCII (Punycode) form", arguments: [
        ("Anna@Bücher.example", "anna@xn--bcher-kva.example"),
        ("info@münchen.de", "info@xn--mnchen-3ya.de"),
        ("post@例え.テスト", "post@xn--r8jz45g.xn--zckzah"),
        ("Tenant@Example.COM", "tenant@example.com"),
        // Decomposed ü (u + combining diaeresis) is the same address.
        ("anna@bu\u{308}cher.example", "anna@xn--bcher-kva.example"),
    ])
    func idnEmail(raw: String, expected: String) {
        #expect(Identifiers.email(raw) == expected)
    }

    @Test("Punycode of RFC 3492's own sample labels")
    func punycodeSamples() {
        #expect(Identifiers.punycodeLabel("ليهمابتكلموشعربي؟") == "xn--egbpdaj6bu4bxfgehfvwxn")
        #expect(Identifiers.punycodeLabel("他们为什么不说中文") == "xn--ihqwcrb4cv8a8dqg056pqjye")
        #expect(Identifiers.punycodeLabel("example") == "example")
    }
}

struct LinkingIdentifierTests {
    @Test func tenancyReferencesAreUpperCasedWithoutSpacesAndCheckedAgainstThePattern() throws {
        #expect(Identifiers.tenancy(" t-100 311 ") == "T-100311")
        #expect(Identifiers.tenancy("   ") == nil)
        let pattern = try TenancyPattern("T-?[0-9]{6}")
        #expect(Identifiers.tenancy("t100311", pattern: pattern) == "T100311")
        #expect(Identifiers.tenancy("12345", pattern: pattern) == nil)
        #expect(Identifiers.tenancy("T-1003111", pattern: pattern) == nil)  // whole match only
    }

    @Test func namesAndBuildingsAreReducedForWeakMatching() {
        #expect(Identifiers.nameKey("Mrs  J. O'Brien") == "j obrien")
        #expect(Identifiers.nameKey("Cllr Margaret Ellis") == "margaret ellis")
        #expect(Identifiers.nameKey("Mr") == nil)
        #expect(Identifiers.addressKey("Flat 4, Rose Court, LS6 2AB", postcode: "LS6 2AB") == "rose court")
        #expect(Identifiers.addressKey("12 Rose Court") == "rose court")
        #expect(Identifiers.addressKey("Flat 4") == nil)
    }

    @Test func ukPhoneFormsAllBecomeOneNumber() {
        for raw in ["07700 900123", "447700900123", "+44 (0)7700 900123", "0044 7700 900123", "+44 7700-900-123"] {
            #expect(Identifiers.phone(raw).e164 == "+447700900123", "\(raw)")
        }
        #expect(Identifiers.phone("07700 900123").raw == "07700 900123")
    }
}

struct TextFingerprintTests {
    @Test func sameWordingIsOneAndTheHashIgnoresCaseAndPunctuation() {
        let a = TextFingerprint("The lift is broken again!")
        let b = TextFingerprint("the LIFT is broken, again")
        #expect(a.jaccard(b) == 1)
        #expect(a.textHash == b.textHash)
        #expect(a.textHash != TextFingerprint("The lift is broken").textHash)
        #expect(TextFingerprint("   ").textHash == nil)
    }

    @Test func jaccardAndContainmentOfWordPairs() {
        let long = TextFingerprint("water is leaking through my kitchen ceiling from the flat above please send someone")
        let short = TextFingerprint("water is leaking through my kitchen ceiling")
        // 6 of the short text's 6 pairs are in the long text's 13.
        #expect(short.containment(long) == 1)
        #expect(abs(short.jaccard(long) - 6.0 / 13.0) < 1e-9)
        #expect(TextFingerprint("rent statement wrong").jaccard(TextFingerprint("boiler broken again")) == 0)
    }

    @Test("Shingles are kept ascending and distinct, read back from the store the same, and compared as sets")
    func shinglesAreSortedSets() {
        // Repeated pairs ("the lift", "lift is") count once.
        let text = TextFingerprint("the lift is broken the lift is broken again and the lift is slow")
        #expect(text.shingles == Array(Set(text.shingles)).sorted())
        #expect(text.shingles.count == 8)
        let stored = TextFingerprint(packed: text.packedShingles, wordCount: text.wordCount, textHash: text.textHash)
        #expect(stored == text)
        // A packed list out of order or with repeats (not written by the store) reads as the same set.
        let reversed = stride(from: text.packedShingles.count - 8, through: 0, by: -8).flatMap { text.packedShingles[$0..<($0 + 8)] }
        #expect(TextFingerprint(packed: reversed + reversed, wordCount: text.wordCount, textHash: text.textHash) == text)
        let other = TextFingerprint("the lift is slow and the stairs are dirty")
        let shared = Set(text.shingles).intersection(other.shingles).count
        #expect(shared == 4)  // "the lift", "lift is", "is slow", "and the"
        #expect(abs(text.jaccard(other) - Double(shared) / Double(text.shingles.count + other.shingles.count - shared)) < 1e-12)
        #expect(abs(other.containment(text) - Double(shared) / Double(other.shingles.count)) < 1e-12)
    }

    @Test func bandKeysAreStableAcrossRunsAndAgreeForEqualTexts() {
        let a = TextFingerprint("Nobody came to fix my boiler on Tuesday and nobody rang")
        #expect(a.bandKeys.count == TextFingerprint.bands)
        #expect(a.bandKeys == TextFingerprint("nobody came to fix my boiler on tuesday, and nobody rang.").bandKeys)
        // The keys are stored: they must never change between builds. This pins the first one.
        #expect(TextFingerprint("the lift is broken").bandKeys.first == 7_571_114_537_008_926_231)
        let near = TextFingerprint("Nobody came to fix my boiler on Tuesday and nobody rang me")
        let shared = zip(a.bandKeys, near.bandKeys).filter { $0 == $1 }.count
        #expect(shared >= 1)  // Jaccard 0.9: sharing a band is near-certain (1 - (1 - 0.9^4)^20)
        #expect(TextFingerprint("").bandKeys.isEmpty)
    }

    @Test func nonASCIITextSplitsIntoTheSameWordsAsASCII() {
        #expect(TextFingerprint.words("Zoë's flat — it's cold").map { String(decoding: $0, as: UTF8.self) } == ["zoës", "flat", "its", "cold"])
        #expect(TextFingerprint.words("don't STOP").map { String(decoding: $0, as: UTF8.self) } == ["dont", "stop"])
    }

    /// The splitter reads ASCII by value, even in a text with other scalars; it must split every
    /// text exactly as Unicode's properties say (stored fingerprints and the trained model's
    /// features depend on it). Compared with the plain rule on generated mixed texts.
    @Test func wordsAreUnicodeWordsWhateverTheMix() {
        func reference(_ text: String) -> [[UInt8]] {
            var words: [[UInt8]] = []
            var current: [UInt8] = []
            for scalar in text.unicodeScalars {
                if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                    current.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
                } else if (scalar == "'" || scalar == "\u{2019}"), !current.isEmpty {
                    continue
                } else if !current.isEmpty {
                    words.append(current)
                    current = []
                }
            }
            if !current.isEmpty { words.append(current) }
            return words
        }
        let pieces = ["The", "LIFT", "is", "broken", "don't", "it\u{2019}s", "£40", "Zoë", "ÉCOLE", "naïve", "—", "–", "½", "²", "٣",
                      "日本", "Ωmega", "ǅ", "ß", "İ", "'quoted'", "x'", "\u{A0}", "\t", "\n", ",", ".", "12:30", "A1", "\u{301}", "🙂", "'"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let count = Int.random(in: 1...12, using: &generator)
            let text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }
                .joined(separator: [" ", "", "\n", "  "].randomElement(using: &generator)!)
            #expect(TextFingerprint.words(text) == reference(text), "\(text.debugDescription)")
            // The phrase matcher's word hashes (hashed in place when the text is ASCII) are the
            // FNV-1a hashes of the same words.
            let hashes = reference(text).map { $0.reduce(TextFingerprint.fnvOffset, TextFingerprint.fnv) }
            #expect(PhraseMatcher<Int>.wordHashes(text) == hashes, "\(text.debugDescription)")
            let ascii = String(text.unicodeScalars.filter(\.isASCII))
            #expect(PhraseMatcher<Int>.wordHashes(ascii) == reference(ascii).map { $0.reduce(TextFingerprint.fnvOffset, TextFingerprint.fnv) })
        }
    }

    /// Triage's one-pass reader of ASCII texts ("&" read as "and", question marks counted) gives
    /// the words and count that splitting the text with "&" replaced gives, on generated texts
    /// with and without other scalars.
    @Test func triageWordsAreTheSplittersWordsWithAmpersandAsAnd() {
        let pieces = ["The", "LIFT", "is", "broken", "don't", "B&Q", "&", "&&", "'&'", "R&D's", "?", "why?", "??", "Zoë", "it\u{2019}s",
                      "—", "\n", " ", ",", "12:30", "A1", "'", "x'", "&amp;", "?&?"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
                .joined(separator: [" ", "", "\n"].randomElement(using: &generator)!)
            for variant in [text, String(text.unicodeScalars.filter(\.isASCII))] {
                let replaced = variant.replacingOccurrences(of: "&", with: " and ")
                let words = TriageFeatures.Words(variant)
                #expect(words.hashes == PhraseMatcher<Int>.wordHashes(replaced), "\(variant.debugDescription)")
                #expect(words.questionMarks == variant.filter { $0 == "?" }.count, "\(variant.debugDescription)")
            }
        }
        #expect(TriageFeatures.Words("Fix it?? B&Q's").hashes == PhraseMatcher<Int>.wordHashes("fix it b and qs"))
    }

    /// The matcher finds every listed phrase at every place it occurs, longest first at each
    /// word, then in the order listed: compared with a plain search on generated lists and texts.
    @Test func phraseMatcherFindsWhatAPlainSearchFinds() {
        let vocabulary = ["the", "lift", "is", "broken", "not", "a", "complaint", "Don't", "damp", "mould", "mold", "in", "my", "flat", "again"]
        var generator = SystemRandomNumberGenerator()
        func phrase() -> String { (0..<Int.random(in: 1...4, using: &generator)).map { _ in vocabulary.randomElement(using: &generator)! }.joined(separator: " ") }
        for _ in 0..<600 {
            let lists = (0..<Int.random(in: 1...4, using: &generator)).map { tag in (tag, (0..<Int.random(in: 0...6, using: &generator)).map { _ in phrase() } + ["", "—"]) }
            // Each first word's longer phrases compared one by one, found by their first two
            // words, and as the matcher chooses.
            let pairedFrom = [1, 1_000, PhraseMatcher<Int>.pairedFrom].randomElement(using: &generator)!
            let matcher = PhraseMatcher(lists, pairedFrom: pairedFrom)
            let text = (0..<Int.random(in: 0...14, using: &generator)).map { _ in vocabulary.randomElement(using: &generator)! }.joined(separator: " ")
            let words = PhraseMatcher<Int>.wordHashes(text)
            // Plain: at each word, each phrase (longest first, then as listed) whose words follow.
            var listed: [(tag: Int, phrase: String, words: [UInt64], order: Int)] = []
            for (tag, phrases) in lists {
                for phrase in phrases where !PhraseMatcher<Int>.wordHashes(phrase).isEmpty {
                    listed.append((tag, phrase, PhraseMatcher<Int>.wordHashes(phrase), listed.count))
                }
            }
            listed.sort { $0.words.count != $1.words.count ? $0.words.count > $1.words.count : $0.order < $1.order }
            var expected: [String] = []
            for index in words.indices {
                for item in listed where index + item.words.count <= words.count && Array(words[index..<index + item.words.count]) == item.words {
                    expected.append("\(index) \(item.tag) \(item.phrase)")
                }
            }
            #expect(matcher.matches(in: words).map { "\($0.word) \($0.tag) \($0.phrase)" } == expected, "\(lists) in \(text), paired from \(pairedFrom)")
            // Written out as a table and read back (as the triage lexicon ships), the same.
            let table = matcher.serialized(fingerprint: 42) { UInt16($0) }
            let read = table.withUnsafeBytes { PhraseMatcher<Int>(serialized: $0, fingerprint: 42) { Int($0) } }
            #expect(read?.matches(in: words).map { "\($0.word) \($0.tag) \($0.phrase)" } == expected, "\(lists) read back")
            #expect(read?.serialized(fingerprint: 42) { UInt16($0) } == table)
        }
    }

    /// A matcher table is read only whole, made for the same tags and consistent: cut short, with
    /// another fingerprint, a tag code unknown or any byte changed, it is refused or reads as a
    /// matcher whose ranges all lie inside its tables (matching with it never traps).
    @Test func aMatcherTableThatIsNotOneIsRefused() {
        let matcher = PhraseMatcher([(0, ["the lift", "the lift is broken", "lift", "not working", "is not working"]), (1, ["the", "leaking", "a leak"])],
                                    droppingG: true, pairedFrom: 1)
        let table = matcher.serialized(fingerprint: 7) { UInt16($0) }
        func read(_ bytes: [UInt8], fingerprint: UInt64 = 7, tags: Int = 2) -> PhraseMatcher<Int>? {
            bytes.withUnsafeBytes { PhraseMatcher<Int>(serialized: $0, fingerprint: fingerprint) { Int($0) < tags ? Int($0) : nil } }
        }
        #expect(read(table) != nil)
        #expect(read(table, fingerprint: 8) == nil)
        #expect(read(table, tags: 1) == nil)
        for length in 0..<table.count { #expect(read(Array(table.prefix(length))) == nil, "cut to \(length)") }
        #expect(read(table + [0]) == nil)
        let words = PhraseMatcher<Int>.wordHashes("the lift is not working and the lift is leakin, a leak")
        var readAnyway = 0
        for index in table.indices {
            for change: UInt8 in [0x01, 0x80, 0xFF] {
                var changed = table
                changed[index] ^= change
                if let matcher = read(changed) {
                    readAnyway += 1
                    _ = matcher.matches(in: words)
                }
            }
        }
        // A changed hash or text still reads; a changed count, range or tag does not.
        #expect(readAnyway > 0 && readAnyway < table.count * 3)
    }

    /// At one word, the longest phrase first, then as listed, whether a first word's longer
    /// phrases are compared one by one or found by their first two words.
    @Test func phraseMatcherOrdersMatchesAtAWordTheSameWayPairedOrNot() {
        let lists = [(1, ["the lift", "the lift is broken", "lift", "the lift is", "the stairs are"]), (2, ["the lift", "the"])]
        let words = PhraseMatcher<Int>.wordHashes("The lift is broken, the stairs are not")
        let expected = ["0 1 the lift is broken", "0 1 the lift is", "0 1 the lift", "0 2 the lift", "0 2 the", "1 1 lift",
                        "4 1 the stairs are", "4 2 the"]
        for pairedFrom in [1, 2, 1_000] {
            #expect(PhraseMatcher(lists, pairedFrom: pairedFrom).matches(in: words).map { "\($0.word) \($0.tag) \($0.phrase)" } == expected)
        }
    }

    /// Dropping the "g": "smoke comin out" finds "smoke coming out", reported as listed; a short
    /// "-ing" word keeps its "g" ("thing" is not "thin"), and a matcher without it finds neither.
    @Test func phraseMatcherReadsADroppedG() {
        let lists = [(1, ["smoke coming out", "water pouring through"]), (2, ["the thing"])]
        let matcher = PhraseMatcher(lists, droppingG: true)
        func found(_ matcher: PhraseMatcher<Int>, _ text: String) -> [String] {
            matcher.matches(in: PhraseMatcher<Int>.wordHashes(text)).map { "\($0.tag) \($0.phrase)" }
        }
        #expect(found(matcher, "smoke comin out the door, water pourin through") == ["1 smoke coming out", "1 water pouring through"])
        #expect(found(matcher, "smoke coming out") == ["1 smoke coming out"])
        #expect(found(matcher, "the thin wall").isEmpty && found(matcher, "the thing") == ["2 the thing"])
        #expect(found(PhraseMatcher(lists), "smoke comin out").isEmpty)
        // The hashes without the "g" are those of the words written without it.
        #expect(PhraseMatcher<Int>.droppedGHashes("Smoke COMING out, pouring") == PhraseMatcher<Int>.wordHashes("smoke comin out pourin"))
        #expect(PhraseMatcher<Int>.droppedGHashes("the thing") == nil && PhraseMatcher<Int>.droppedGHashes("café pouring") == nil)
    }

    @Test func paddingFillsWithSpacesOrCuts() {
        #expect("accepted".padded(to: 12) == "accepted    ")
        #expect("LB-2026-000123".padded(to: 15) == "LB-2026-000123 ")
        #expect("quarantined-for-ever".padded(to: 12) == "quarantined-")
        #expect("".padded(to: 3) == "   " && "abc".padded(to: 3) == "abc" && "abc".padded(to: 0) == "")
        #expect(FileNames.sanitised(" \u{2003}report. . ", mediaType: "x", index: 1) == "report")
        #expect(FileNames.sanitised("\tnotes.txt\u{3000}", mediaType: "x", index: 1) == "notes.txt")
    }

    @Test func trimmingRemovesUnicodeWhiteSpaceOnly() {
        #expect(" \t\r\n a b \u{A0}\u{2003}\n".trimmingWhitespace() == "a b")
        #expect("\u{85}x\u{3000}".trimmingWhitespace() == "x")
        #expect(" \u{1C}x\u{1F} ".trimmingWhitespace() == "\u{1C}x\u{1F}")
        #expect(" e\u{301} ".trimmingWhitespace() == "e\u{301}")
        #expect("\u{200B}x".trimmingWhitespace() == "\u{200B}x")
        #expect(" \n ".trimmingWhitespace() == "")
        #expect("".trimmingWhitespace() == "")
        let line: Substring = "  Dear Sir,  "[...]
        #expect(line.trimmingWhitespace() == "Dear Sir,")
    }
}
