import LetterboxCore
/// RFC 2047 encoded words (`=?charset?Q?...?=`, `=?charset?B?...?=`) in header text.
///
/// Whitespace between two adjacent encoded words is dropped, as the RFC says; adjacent words
/// in the same charset are decoded together, so a character split across two words survives.
/// A malformed or unterminated word is left exactly as written. Tolerated beyond the RFC, as
/// mail clients write them: words inside quoted strings, words with no space between them,
/// lower-case `q`/`b`, and spaces inside a Q word.
public enum EncodedWords {
    public static func decode(_ text: String) -> String {
        guard text.utf8.count >= 8, Self.hasWordStart(text) else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        // A run of adjacent words in one charset, not yet decoded.
        var pendingCharset: String?
        var pendingBytes: [UInt8] = []
        // Whitespace seen after a word, dropped if another word follows.
        var pendingSpace: ArraySlice<UInt8> = []

        func flush() {
            if let charset = pendingCharset {
                output.append(contentsOf: Array(Charsets.decode(pendingBytes[...], label: charset).text.utf8))
            }
            pendingCharset = nil
            pendingBytes.removeAll(keepingCapacity: true)
        }

        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x3D, index + 1 < bytes.count, bytes[index + 1] == 0x3F, let word = parseWord(bytes, at: index) {
                let charset = word.charset
                if pendingCharset != nil && pendingCharset != charset { flush() }
                if pendingCharset == nil { output.append(contentsOf: pendingSpace) }
                pendingSpace = []
                pendingCharset = charset
                pendingBytes.append(contentsOf: word.decoded)
                index = word.end
                continue
            }
            if pendingCharset != nil {
                if bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D || bytes[index] == 0x0A {
                    let start = index
                    while index < bytes.count && (bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D || bytes[index] == 0x0A) {
                        index += 1
                    }
                    pendingSpace = bytes[start..<index]
                    // Only dropped if the next thing is an encoded word.
                    if index + 1 < bytes.count, bytes[index] == 0x3D, bytes[index + 1] == 0x3F, parseWord(bytes, at: index) != nil {
                        continue
                    }
                    flush()
                    output.append(contentsOf: pendingSpace)
                    pendingSpace = []
                    continue
                }
                flush()
            }
            output.append(bytes[index])
            index += 1
        }
        flush()
        output.append(contentsOf: pendingSpace)
        return String(decoding: output, as: UTF8.self)
    }

    /// The Windows-1252 bytes of UTF-8 text, or nil when a character has none.
    static func windows1252Bytes(_ utf8: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        for scalar in String(decoding: utf8, as: UTF8.self).unicodeScalars {
            let value = scalar.value
            if value < 0x80 || (0xA0...0xFF).contains(value) {
                out.append(UInt8(value))
            } else if (0x80..<0xA0).contains(value), TextDecoding.cp1252High[Int(value - 0x80)] == 0 {
                out.append(UInt8(value))  // one of the five bytes Windows-1252 leaves undefined, read as a C1 control
            } else if let index = TextDecoding.cp1252High.firstIndex(of: value) {
                out.append(UInt8(0x80 + index))
            } else {
                return nil
            }
        }
        return out
    }

    /// Whether "=?" occurs (a byte scan: cheaper than Foundation's substring search).
    static func hasWordStart(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if previous == 0x3D && byte == 0x3F { return true }
            previous = byte
        }
        return false
    }

    struct Word {
        var charset: String
        var decoded: [UInt8]
        var end: Int
    }

    /// Parses `=?charset?enc?text?=` starting at `start`, or nil.
    static func parseWord(_ bytes: [UInt8], at start: Int) -> Word? {
        var index = start + 2
        let charsetStart = index
        while index < bytes.count && bytes[index] != 0x3F {
            let byte = bytes[index]
            if byte <= 0x20 || byte >= 0x7F || index - charsetStart > 40 { return nil }
            index += 1
        }
        guard index + 3 < bytes.count, index > charsetStart else { return nil }
        let charset = String(decoding: bytes[charsetStart..<index], as: UTF8.self)
        let encoding = bytes[index + 1] | 0x20
        guard encoding == 0x71 || encoding == 0x62, bytes[index + 2] == 0x3F else { return nil }
        let textStart = index + 3
        // The word ends at the first "?=". The search is bounded, so a stray "=?" cannot make
        // decoding a long header quadratic.
        var end = textStart
        var found = false
        while end + 1 < bytes.count && end - textStart < 4096 {
            if bytes[end] == 0x3F && bytes[end + 1] == 0x3D {
                found = true
                break
            }
            if bytes[end] == 0x0A { return nil }
            end += 1
        }
        guard found else { return nil }
        var text = bytes[textStart..<end]
        // Old Outlook and Exchange write unencoded 8-bit bytes inside a word, in the word's
        // charset (`=?iso-8859-1?Q?Fr\u{F6}sche?=`). The header was read as Windows-1252 for
        // them, so those characters are mapped back to the bytes they were and decoded in the
        // word's own charset (a UTF-8 word's bytes are already what was sent).
        if text.contains(where: { $0 >= 0x80 }), !["utf-8", "utf8"].contains(charset.lowercased()),
            let original = Self.windows1252Bytes(text)
        {
            text = original[...]
        }
        let decoded: [UInt8]
        if encoding == 0x62 {
            decoded = TransferEncoding.base64(text)
        } else {
            if text.contains(0x20) && encoding == 0x71 && text.count > 200 { return nil }
            decoded = TransferEncoding.quotedPrintable(text, underscoreIsSpace: true)
        }
        return Word(charset: charset, decoded: decoded, end: end + 2)
    }
}
