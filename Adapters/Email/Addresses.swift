import LetterboxCore

/// A mailbox from an address header: the display name (encoded words decoded) and the address.
public struct Mailbox: Sendable, Hashable {
    public var name: String?
    /// As written, trimmed; `Identifiers.email` normalises it.
    public var address: String

    public var normalisedAddress: String? { Identifiers.email(address) }
    public var domain: String? {
        normalisedAddress.flatMap { $0.split(separator: "@").last.map(String.init) }
    }
    public var localPart: String {
        String(address.split(separator: "@").first ?? "").lowercased()
    }

    /// Reads an address list (From, Reply-To, To), tolerating what real mail has: unquoted
    /// names with commas inside angle-bracket forms, `addr (Name)`, groups, encoded words.
    public static func list(_ text: String) -> [Mailbox] {
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        var inQuote = false, angle = 0, paren = 0
        var escaped = false
        for scalar in text.unicodeScalars {
            if escaped {
                current.append(scalar)
                escaped = false
                continue
            }
            switch scalar {
            case "\\" where inQuote: escaped = true; current.append(scalar); continue
            case "\"" where angle == 0 && paren == 0: inQuote.toggle()
            case "<" where !inQuote: angle += 1
            case ">" where !inQuote: angle = max(0, angle - 1)
            case "(" where !inQuote && angle == 0: paren += 1
            case ")" where !inQuote && angle == 0: paren = max(0, paren - 1)
            case ",", ";":
                if !inQuote && angle == 0 && paren == 0 {
                    pieces.append(String(current))
                    current = String.UnicodeScalarView()
                    continue
                }
            default: break
            }
            current.append(scalar)
        }
        pieces.append(String(current))
        return pieces.compactMap(mailbox)
    }

    static func mailbox(_ raw: String) -> Mailbox? {
        var text = raw.collapsingWhitespace
        // A group: "Name: a@b, c@d;" arrives here as "Name: a@b".
        if let colon = text.firstIndex(of: ":"), !text[..<colon].contains("<"), !text[..<colon].contains("\""),
            !text[..<colon].contains("@")
        {
            text = String(text[text.index(after: colon)...]).collapsingWhitespace
        }
        guard !text.isEmpty else { return nil }
        if let open = text.lastIndex(of: "<") {
            let afterOpen = text.index(after: open)
            let close = text[afterOpen...].firstIndex(of: ">") ?? text.endIndex
            let address = String(text[afterOpen..<close]).collapsingWhitespace
            var name = String(text[..<open]).collapsingWhitespace
            name = unquote(name)
            let decoded = EncodedWords.decode(name).collapsingWhitespace
            guard !address.isEmpty else { return decoded.isEmpty ? nil : Mailbox(name: decoded, address: "") }
            return Mailbox(name: decoded.isEmpty ? nil : decoded, address: stripRoute(address))
        }
        // addr (Name)
        if let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close {
            let address = String(text[..<open]).collapsingWhitespace
            let name = EncodedWords.decode(String(text[text.index(after: open)..<close])).collapsingWhitespace
            if address.contains("@") { return Mailbox(name: name.isEmpty ? nil : name, address: address) }
        }
        if text.contains("@") {
            let token = text.split(separator: " ").first { $0.contains("@") }.map(String.init) ?? text
            return Mailbox(name: nil, address: unquote(token))
        }
        let name = EncodedWords.decode(unquote(text)).collapsingWhitespace
        return name.isEmpty ? nil : Mailbox(name: name, address: "")
    }

    /// Drops an obsolete source route (`@a,@b:user@host`).
    private static func stripRoute(_ address: String) -> String {
        if address.hasPrefix("@"), let colon = address.firstIndex(of: ":") {
            return String(address[address.index(after: colon)...])
        }
        return address
    }

    static func unquote(_ text: String) -> String {
        var t = Substring(text)
        if t.hasPrefix("\"") && t.hasSuffix("\"") && t.count >= 2 { t = t.dropFirst().dropLast() }
        if t.hasPrefix("'") && t.hasSuffix("'") && t.count >= 2 { t = t.dropFirst().dropLast() }
        guard t.contains("\\") else { return String(t) }
        var out = ""
        var escaped = false
        for ch in t {
            if escaped || ch != "\\" { out.append(ch); escaped = false } else { escaped = true }
        }
        return out
    }
}

/// Message-IDs in `Message-ID`, `In-Reply-To` and `References` (angle brackets kept, as the
/// store compares them).
public enum MessageIDs {
    public static func list(_ text: String?) -> [String] {
        guard let text else { return [] }
        var ids: [String] = []
        var index = text.startIndex
        while let open = text[index...].firstIndex(of: "<") {
            guard let close = text[open...].firstIndex(of: ">") else { break }
            let slice = text[open...close]
            // Almost every id is printable ASCII with no space: taken as it is, without
            // breaking it into characters to look for white space.
            let id = slice.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) ? String(slice) : String(slice.filter { !$0.isWhitespace })
            if id.count > 2 && id.count <= 998 { ids.append(id) }
            index = text.index(after: close)
        }
        if ids.isEmpty {
            // Some senders leave out the brackets.
            for token in text.split(whereSeparator: { $0 == " " || $0 == "," }) where token.contains("@") && token.count <= 996 {
                ids.append("<\(token)>")
            }
        }
        return ids
    }
}
