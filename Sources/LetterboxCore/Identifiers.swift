import Foundation

/// Normalisation of the identifiers that link a person across channels.
///
/// Pure functions: no locale, no clock. UK conventions, since Letterbox serves UK landlords.
public enum Identifiers {
    /// Reads a phone number as typed and gives it in E.164 form where it can.
    ///
    /// `07700 900123`, `447700900123`, `+44 (0)7700 900123` and `0044 7700 900123` all become
    /// `+447700900123`. Numbers with another country code are kept in E.164 when they have a
    /// plausible length (8 to 15 digits). Anything after "ext" or "x" is an extension and ignored.
    ///
    /// `international`: the number comes from a network that writes numbers in international
    /// form without the "+" (SMS gateways: `447700900123`, `38641357777`), so bare digits that
    /// do not start with 0 are read as country code and number.
    public static func phone(_ raw: String, international: Bool = false) -> PhoneNumber {
        let trimmed = raw.trimmingWhitespace()
        if international, !trimmed.hasPrefix("0"), (8...15).contains(trimmed.utf8.count),
            trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        {
            return PhoneNumber(e164: e164("+" + trimmed), raw: trimmed)
        }
        return PhoneNumber(e164: e164(trimmed), raw: trimmed)
    }

    static func e164(_ text: String) -> String? {
        // Digits, a plus and spaces or hyphens (what gateways send) hold no extension and no
        // "(0)": read as they are, without the searches below (a tenth of an SMS callback's
        // decoding went to them).
        let plain = text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2B || $0 == 0x20 || $0 == 0x2D }
        var withoutTrunk = text
        if !plain {
            var chars = Array(text.lowercased().unicodeScalars)
            // Drop an extension.
            if let extIndex = findExtension(chars) { chars = Array(chars[..<extIndex]) }
            let joined = String(String.UnicodeScalarView(chars))
            // "+44 (0)7700..." : the (0) is a common but incorrect trunk prefix.
            withoutTrunk = joined.replacingOccurrences(of: "(0)", with: "")
        }
        var plus = false
        var digits: [UInt8] = []
        for (index, scalar) in withoutTrunk.unicodeScalars.enumerated() {
            switch scalar {
            case "0"..."9": digits.append(UInt8(scalar.value - 48))
            case "+" where digits.isEmpty && !plus && index < 3: plus = true
            case " ", "-", "(", ")", ".", "/", "\u{A0}", "\t": continue
            default: return nil
            }
        }
        if !plus, digits.starts(with: [0, 0]) {
            plus = true
            digits.removeFirst(2)
        }
        if !plus, digits.count == 12, digits.starts(with: [4, 4]) { plus = true }
        if plus {
            if digits.starts(with: [4, 4]) {
                var national = Array(digits.dropFirst(2))
                if national.first == 0 { national.removeFirst() }
                guard (9...10).contains(national.count), national.first != 0 else { return nil }
                return "+44" + digitString(national)
            }
            guard (8...15).contains(digits.count), digits.first != 0 else { return nil }
            return "+" + digitString(digits)
        }
        guard digits.first == 0, (10...11).contains(digits.count), digits.dropFirst().first != 0 else { return nil }
        return "+44" + digitString(digits.dropFirst())
    }

    /// Digit values 0...9 as text.
    private static func digitString(_ digits: some Sequence<UInt8>) -> String {
        String(decoding: digits.map { $0 + 0x30 }, as: UTF8.self)
    }

    private static func findExtension(_ chars: [Unicode.Scalar]) -> Int? {
        let text = String(String.UnicodeScalarView(chars))
        for marker in ["ext.", "ext", "extension", " x", "#"] {
            if let range = text.range(of: marker) {
                return text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: range.lowerBound)
            }
        }
        return nil
    }

    /// Lower-cases an email address and strips `mailto:` and angle brackets; nil if it is not one.
    public static func email(_ raw: String) -> String? {
        asciiEmail(raw) ?? emailByCharacters(raw)
    }

    /// ``email(_:)`` for ASCII text, by bytes (almost every address: the decoders read several per
    /// message). Nil when the text is not ASCII (read it by characters); `.some(nil)` when it is
    /// ASCII but not an address.
    package static func asciiEmail(_ raw: String) -> String?? {
        var bytes = Array(raw.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        @inline(__always) func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        var start = 0
        var end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        for index in start..<end where bytes[index] >= 0x41 && bytes[index] <= 0x5A { bytes[index] |= 0x20 }
        if bytes[start..<end].starts(with: "mailto:".utf8) { start += 7 }
        if start < end, bytes[start] == UInt8(ascii: "<"), bytes[end - 1] == UInt8(ascii: ">"), end - start >= 2 {
            start += 1
            end -= 1
        }
        let text = bytes[start..<end]
        guard let at = text.firstIndex(of: UInt8(ascii: "@")), at > start,
            !text[(at + 1)...].contains(UInt8(ascii: "@"))
        else { return .some(nil) }
        let domain = text[(at + 1)...]
        guard domain.contains(UInt8(ascii: ".")), domain.first != UInt8(ascii: "."), domain.last != UInt8(ascii: "."),
            !text.contains(where: { isSpace($0) || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") })
        else { return .some(nil) }
        return String(decoding: text, as: UTF8.self)
    }

    /// ``email(_:)`` by characters, for any text.
    package static func emailByCharacters(_ raw: String) -> String? {
        var text = raw.trimmingWhitespace()
        if text.lowercased().hasPrefix("mailto:") { text.removeFirst(7) }
        if text.hasPrefix("<"), text.hasSuffix(">") { text = String(text.dropFirst().dropLast()) }
        text = text.lowercased()
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !text.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" })
        else { return nil }
        // An internationalised domain is stored in its ASCII form (`bücher.example` becomes
        // `xn--bcher-kva.example`), so the same address typed either way is one identifier.
        let domain = String(parts[1])
        guard !domain.unicodeScalars.allSatisfy(\.isASCII) else { return text }
        var labels: [String] = []
        for label in domain.precomposedStringWithCanonicalMapping.split(separator: ".", omittingEmptySubsequences: false) {
            guard let ascii = punycodeLabel(String(label)) else { return nil }
            labels.append(ascii)
        }
        return parts[0] + "@" + labels.joined(separator: ".")
    }

    /// One domain label in IDNA ASCII form: itself when it is ASCII, else `xn--` and its
    /// Punycode (RFC 3492). Nil for a label too long for DNS.
    public static func punycodeLabel(_ label: String) -> String? {
        let input = label.unicodeScalars.map { Int($0.value) }
        guard input.contains(where: { $0 >= 0x80 }) else { return label }
        let base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700
        var output = String(String.UnicodeScalarView(label.unicodeScalars.filter(\.isASCII)))
        let basicCount = output.unicodeScalars.count
        var handled = basicCount
        if basicCount > 0 { output += "-" }
        var n = 128
        var delta = 0
        var bias = 72
        func adapt(_ delta: Int, _ points: Int, _ first: Bool) -> Int {
            var delta = first ? delta / damp : delta / 2
            delta += delta / points
            var k = 0
            while delta > ((base - tmin) * tmax) / 2 {
                delta /= base - tmin
                k += base
            }
            return k + (base - tmin + 1) * delta / (delta + skew)
        }
        func digit(_ value: Int) -> Character {
            Character(UnicodeScalar(UInt8(value < 26 ? 97 + value : 22 + value)))
        }
        while handled < input.count {
            guard let next = input.filter({ $0 >= n }).min() else { return nil }
            delta += (next - n) * (handled + 1)
            n = next
            for scalar in input {
                if scalar < n { delta += 1 }
                if scalar == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tmin : (k >= bias + tmax ? tmax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        let ascii = "xn--" + output
        return ascii.utf8.count <= 63 ? ascii : nil
    }

    /// A tenancy (or account) reference: upper-cased, without spaces. Each landlord's housing
    /// system has its own format, so `pattern` (a regular expression the whole reference must
    /// match, from the config) decides what counts; nil when it does not match or is empty.
    public static func tenancy(_ raw: String, pattern: TenancyPattern? = nil) -> String? {
        let compact = String(raw.uppercased().unicodeScalars.filter { !$0.isWhiteSpace })
        guard !compact.isEmpty, compact.utf8.count <= 64 else { return nil }
        if let pattern, !pattern.matches(compact) { return nil }
        return compact
    }

    /// A name reduced for comparison: lower-case letters, titles dropped, one space between
    /// words (`Mrs  J. O'Brien` is `j obrien`). Nil when nothing is left. A weak identifier:
    /// it only ever suggests that two contacts may be one person.
    public static func nameKey(_ raw: String) -> String? {
        let titles: Set<String> = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame", "cllr", "councillor"]
        let words = TextFingerprint.words(raw).map { String(decoding: $0, as: UTF8.self) }.filter { !titles.contains($0) }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    /// The building an address is in, for comparison: lower-case words joined by single spaces,
    /// without flat and house numbers (`Flat 4, Rose Court` and `12 Rose Court` are both
    /// `rose court`) or a postcode, so two neighbours in one block share it. Nil when nothing is left.
    public static func addressKey(_ raw: String, postcode: String? = nil) -> String? {
        var text = raw
        if let postcode, let range = text.range(of: postcode, options: [.caseInsensitive]) { text.removeSubrange(range) }
        let unitWords: Set<String> = ["flat", "apartment", "apt", "unit", "room", "no", "number", "maisonette", "floor"]
        let words = TextFingerprint.words(text).map { String(decoding: $0, as: UTF8.self) }.filter { word in
            !unitWords.contains(word) && !(word.first?.isNumber ?? false) && !(word.count == 1)
        }
        // A postcode typed without its space, or a building with no name left: nothing to compare.
        let kept = words.filter { Identifiers.postcode($0) == nil }
        return kept.isEmpty ? nil : kept.joined(separator: " ")
    }

    /// Upper-cases a UK postcode and puts one space before the inward code; nil if it is not one.
    ///
    /// Accepts the six Royal Mail formats (`A9 9AA` to `AA9A 9AA`), `GIR 0AA` and `BFPO 1234`.
    /// Whether the postcode exists only the Postcode Address File can say.
    public static func postcode(_ raw: String) -> String? {
        let compact = String(raw.uppercased().unicodeScalars.filter { !$0.isWhiteSpace })
        if compact.hasPrefix("BFPO") {
            let number = compact.dropFirst(4)
            guard (1...4).contains(number.count), number.allSatisfy(\.isASCIIDigit) else { return nil }
            return "BFPO " + String(number)
        }
        guard (5...7).contains(compact.count) else { return nil }
        let outward = Array(compact.dropLast(3))
        let inward = Array(compact.suffix(3))
        if compact == "GIR0AA" { return "GIR 0AA" }
        guard inward[0].isASCIIDigit, inward[1].isASCIILetter, inward[2].isASCIILetter else { return nil }
        let shape = String(outward.map { $0.isASCIIDigit ? "9" : ($0.isASCIILetter ? "A" : "?") })
        guard ["A9", "A99", "A9A", "AA9", "AA99", "AA9A"].contains(shape) else { return nil }
        return String(outward) + " " + String(inward)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
}

extension StringProtocol {
    /// The string without leading and trailing white space (including no-break spaces).
    public func trimmingWhitespace() -> String {
        trimming { $0.isWhiteSpace }
    }

    /// The string without the leading and trailing scalars `trim` accepts: what Foundation's
    /// `trimmingCharacters(in:)` does, without its round trip through NSString (which was a
    /// tenth of a handed-over pipe's instructions, and 3.6% of an mbox import's decoding).
    @inlinable
    public func trimming(where trim: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !trim($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !trim($0) })!
        // Scalar-aligned bounds slice exactly those scalars, copied once.
        return String(self[first..<scalars.index(after: last)])
    }

    /// Padded with spaces, or cut, to `width` characters: Foundation's `padding(toLength: width,
    /// withPad: " ", startingAt: 0)` for the ASCII of references and dispositions, without its
    /// round trip through NSString (the two in a mail pipe's one line of output were 1M of its 35M
    /// instructions).
    public func padded(to width: Int) -> String {
        let length = count
        return length >= width ? String(prefix(width)) : String(self) + String(repeating: " ", count: width - length)
    }
}

extension Unicode.Scalar {
    /// Unicode's White_Space property, with ASCII answered without a table search.
    @inline(__always)
    public var isWhiteSpace: Bool {
        value < 0x80 ? (value == 0x20 || (value >= 0x09 && value <= 0x0D)) : properties.isWhitespace
    }
}

/// The configured shape of a tenancy reference: a regular expression the whole reference must
/// match after upper-casing and removing spaces (`T-?[0-9]{6}`, `[A-Z]{3}[0-9]{5}/[0-9]{2}`).
public struct TenancyPattern: Sendable {
    public let pattern: String
    private let regex: RegexBox

    public init(_ pattern: String) throws {
        self.pattern = pattern
        self.regex = RegexBox(try Regex(pattern))
    }

    public func matches(_ text: String) -> Bool {
        (try? regex.value.wholeMatch(in: text)) != nil
    }

    /// `Regex` is immutable once built; the box states that for the compiler.
    private final class RegexBox: @unchecked Sendable {
        let value: Regex<AnyRegexOutput>
        init(_ value: Regex<AnyRegexOutput>) { self.value = value }
    }
}
