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
        var mailboxes: [Mailbox] = []
        forEachPiece(of: text) { piece in
            if let mailbox = mailbox(piece) { mailboxes.append(mailbox) }
            return true
        }
        return mailboxes
    }

    /// The first mailbox of an address list, without reading the rest of it.
    public static func first(_ text: String?) -> Mailbox? {
        guard let text else { return nil }
        var found: Mailbox?
        forEachPiece(of: text) { piece in
            found = mailbox(piece)
            return found == nil
        }
        return found
    }

    /// Calls `body` with each comma- or semicolon-separated piece of an address list (separators
    /// inside quotes, angle brackets or comments do not count) until it returns false. Every
    /// character that matters is ASCII, and no byte of a multi-byte UTF-8 character is ASCII, so
    /// the bytes are read as they are and each piece is a slice of the text.
    private static func forEachPiece(of text: String, _ body: (Substring) -> Bool) {
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = start
        var inQuote = false, escaped = false
        var angle = 0, paren = 0
        while index != utf8.endIndex {
            let byte = utf8[index]
            if escaped {
                escaped = false
            } else {
                switch byte {
                case UInt8(ascii: "\\") where inQuote: escaped = true
                case UInt8(ascii: "\"") where angle == 0 && paren == 0: inQuote.toggle()
                case UInt8(ascii: "<") where !inQuote: angle += 1
                case UInt8(ascii: ">") where !inQuote: angle = max(0, angle - 1)
                case UInt8(ascii: "(") where !inQuote && angle == 0: paren += 1
                case UInt8(ascii: ")") where !inQuote && angle == 0: paren = max(0, paren - 1)
                case UInt8(ascii: ","), UInt8(ascii: ";"):
                    if !inQuote && angle == 0 && paren == 0 {
                        guard body(text[start..<index]) else { return }
                        start = utf8.index(after: index)
                    }
                default: break
                }
            }
            utf8.formIndex(after: &index)
        }
        _ = body(text[start..<utf8.endIndex])
    }

    static func mailbox(_ raw: Substring) -> Mailbox? {
        // Every delimiter looked for is ASCII: found among the bytes, each index is also a
        // character boundary.
        func find(_ ascii: Unicode.Scalar, in text: Substring) -> String.Index? { text.utf8.firstIndex(of: UInt8(ascii: ascii)) }
        func has(_ ascii: Unicode.Scalar, in text: Substring) -> Bool { text.utf8.contains(UInt8(ascii: ascii)) }
        var text = raw.collapsingWhitespace
        // A group: "Name: a@b, c@d;" arrives here as "Name: a@b".
        if let colon = find(":", in: text[...]), !has("<", in: text[..<colon]), !has("\"", in: text[..<colon]),
            !has("@", in: text[..<colon])
        {
            text = text[text.index(after: colon)...].collapsingWhitespace
        }
        guard !text.isEmpty else { return nil }
        if let open = text.utf8.lastIndex(of: UInt8(ascii: "<")) {
            let afterOpen = text.utf8.index(after: open)
            let close = find(">", in: text[afterOpen...]) ?? text.endIndex
            let address = text[afterOpen..<close].collapsingWhitespace
            let name = unquote(text[..<open].collapsingWhitespace)
            let decoded = EncodedWords.decode(name).collapsingWhitespace
            guard !address.isEmpty else { return decoded.isEmpty ? nil : Mailbox(name: decoded, address: "") }
            return Mailbox(name: decoded.isEmpty ? nil : decoded, address: stripRoute(address))
        }
        // addr (Name)
        if let open = find("(", in: text[...]), let close = text.utf8.lastIndex(of: UInt8(ascii: ")")), open < close {
            let address = text[..<open].collapsingWhitespace
            let name = EncodedWords.decode(String(text[text.utf8.index(after: open)..<close])).collapsingWhitespace
            if has("@", in: address[...]) { return Mailbox(name: name.isEmpty ? nil : name, address: address) }
        }
        if has("@", in: text[...]) {
            let token = text.split(separator: " ").first { has("@", in: $0) }.map(String.init) ?? text
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
