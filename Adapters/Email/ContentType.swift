import Foundation
import LetterboxCore

/// A `Content-Type` or `Content-Disposition` value: the token before the first `;` and its
/// parameters, with RFC 2231 continuations and charsets decoded and RFC 2047 words in quoted
/// values decoded (Outlook writes file names that way).
public struct HeaderParameters: Sendable, Hashable {
    /// Lower-cased: `text/plain`, `attachment`.
    public var value: String
    /// Parameter names lower-cased.
    public var parameters: [String: String]

    public init(value: String, parameters: [String: String] = [:]) {
        self.value = value
        self.parameters = parameters
    }

    public subscript(_ name: String) -> String? { parameters[name] }

    public static func parse(_ text: String) -> HeaderParameters {
        let chars = Array(text.unicodeScalars)
        var index = 0
        func skipSpaceAndComments() {
            while index < chars.count {
                let c = chars[index]
                if c == " " || c == "\t" || c == "\r" || c == "\n" {
                    index += 1
                } else if c == "(" {
                    var depth = 0
                    while index < chars.count {
                        if chars[index] == "\\" { index += 2; continue }
                        if chars[index] == "(" { depth += 1 }
                        if chars[index] == ")" { depth -= 1; if depth == 0 { index += 1; break } }
                        index += 1
                    }
                } else {
                    break
                }
            }
        }
        skipSpaceAndComments()
        var head = String.UnicodeScalarView()
        while index < chars.count && chars[index] != ";" {
            let c = chars[index]
            if c != " " && c != "\t" && c != "\"" && c != "\r" && c != "\n" { head.append(c) }
            if c == "(" { skipSpaceAndComments(); continue }
            index += 1
        }
        var raw: [(String, String)] = []
        while index < chars.count {
            index += 1  // the ";"
            skipSpaceAndComments()
            var name = String.UnicodeScalarView()
            while index < chars.count && chars[index] != "=" && chars[index] != ";" {
                let c = chars[index]
                if c != " " && c != "\t" && c != "\r" && c != "\n" { name.append(c) }
                index += 1
            }
            guard index < chars.count, chars[index] == "=" else { continue }
            index += 1
            skipSpaceAndComments()
            var value = String.UnicodeScalarView()
            if index < chars.count && chars[index] == "\"" {
                index += 1
                while index < chars.count && chars[index] != "\"" {
                    // A backslash escapes the next character, except before a letter or digit:
                    // Windows paths ("C:\docs\x.pdf") are common in file names.
                    if chars[index] == "\\", index + 1 < chars.count, chars[index + 1] == "\"" || chars[index + 1] == "\\" {
                        index += 1
                    }
                    value.append(chars[index])
                    index += 1
                }
                index += 1
                // Anything after the closing quote up to ";" is junk.
                while index < chars.count && chars[index] != ";" { index += 1 }
            } else {
                while index < chars.count && chars[index] != ";" {
                    value.append(chars[index])
                    index += 1
                }
            }
            let nameText = String(name).lowercased()
            guard !nameText.isEmpty else { continue }
            raw.append((nameText, String(value).trimming { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }))
        }
        return HeaderParameters(value: String(head).lowercased(), parameters: combine(raw))
    }

    /// Joins RFC 2231 sections (`name*0*=`, `name*1=`) and decodes extended values.
    static func combine(_ raw: [(String, String)]) -> [String: String] {
        var plain: [String: String] = [:]
        var sections: [String: [(Int, String, Bool)]] = [:]
        for (name, value) in raw {
            guard name.contains("*") else {
                if plain[name] == nil { plain[name] = EncodedWords.decode(value) }
                continue
            }
            let extended = name.hasSuffix("*")
            let stem = extended ? String(name.dropLast()) : name
            if let star = stem.firstIndex(of: "*") {
                let base = String(stem[..<star])
                let number = Int(stem[stem.index(after: star)...]) ?? 0
                sections[base, default: []].append((number, value, extended))
            } else {
                sections[stem, default: []].append((0, value, extended))
            }
        }
        for (name, parts) in sections {
            let ordered = parts.sorted { $0.0 < $1.0 }
            var charset: String?
            var bytes: [UInt8] = []
            for (offset, part) in ordered.enumerated() {
                var value = Substring(part.1)
                if part.2 {
                    if offset == 0 {
                        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                        if pieces.count == 3 {
                            charset = String(pieces[0])
                            value = pieces[2]
                        }
                    }
                    bytes.append(contentsOf: percentDecoded(value))
                } else {
                    bytes.append(contentsOf: Array(value.utf8))
                }
            }
            let decoded = Charsets.decode(bytes[...], label: (charset?.isEmpty ?? true) ? "utf-8" : charset).text
            // RFC 2231 wins over a plain parameter of the same name.
            plain[name] = decoded
        }
        return plain
    }

    static func percentDecoded(_ text: Substring) -> [UInt8] {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x25, index + 2 < bytes.count, let high = TransferEncoding.hex(bytes[index + 1]),
                let low = TransferEncoding.hex(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }
}

/// The media type of a part, with defaults for what is missing or unreadable.
public struct ContentType: Sendable, Hashable {
    public var type: String
    public var subtype: String
    public var parameters: [String: String]

    public var mimeType: String { "\(type)/\(subtype)" }
    public var charset: String? { parameters["charset"] }
    public var boundary: String? { parameters["boundary"] }

    public init(type: String, subtype: String, parameters: [String: String] = [:]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    public static let textPlain = ContentType(type: "text", subtype: "plain")
    public static let messageRFC822 = ContentType(type: "message", subtype: "rfc822")

    /// Reads a Content-Type value; nil when it has no readable `type/subtype` (the caller
    /// then uses the default for the context, text/plain or message/rfc822).
    public static func parse(_ text: String) -> ContentType? {
        let parsed = HeaderParameters.parse(text)
        let pieces = parsed.value.split(separator: "/", maxSplits: 1)
        guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else {
            // "text" alone is seen from old mailers.
            if parsed.value == "text" { return ContentType(type: "text", subtype: "plain", parameters: parsed.parameters) }
            return nil
        }
        return ContentType(type: String(pieces[0]), subtype: String(pieces[1]), parameters: parsed.parameters)
    }
}
