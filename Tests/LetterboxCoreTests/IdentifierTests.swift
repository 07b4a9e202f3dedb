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

    @Test(arguments: [
        ("Ward councillor", Representative.Role.councillor), ("Cllr", .councillor), ("daughter", .relative),
        ("her son", .relative), ("MP's caseworker", .mp), ("Member of Parliament", .mp),
        ("solicitor", .solicitor), ("Citizens Advice adviser", .citizensAdvice), ("support worker", .advocate),
        ("neighbour", .friend), ("landlady", .other),
    ])
    func relationshipsReadAsRoles(text: String, role: Representative.Role) {
        #expect(Representative.Role.reading(text) == role)
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
