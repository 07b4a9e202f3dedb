import Foundation

/// One header field: its name as written and its value unfolded (line breaks removed, the
/// folding whitespace kept), as bytes, because header bytes are not always in one charset.
public struct HeaderField: Sendable, Hashable {
    public var name: String
    public var value: [UInt8]

    /// The value as text: UTF-8 when it is valid UTF-8 (raw 8-bit UTF-8 headers are common),
    /// otherwise Windows-1252; encoded words are not decoded (see ``MIMEHeaders/text(_:)``).
    public var rawText: String { Charsets.headerBytes(value[...]) }
}

/// The header block of a message or body part.
public struct MIMEHeaders: Sendable, Hashable {
    public var fields: [HeaderField]

    public init(_ fields: [HeaderField] = []) { self.fields = fields }

    /// The first field with this name (case-insensitive), as raw text.
    public func raw(_ name: String) -> String? {
        fields.first { $0.name.caseInsensitiveEquals(name) }?.rawText
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { $0.name.caseInsensitiveEquals(name) }
    }

    /// The first field with this name as unstructured text: encoded words decoded, runs of
    /// whitespace collapsed, trimmed.
    public func text(_ name: String) -> String? {
        raw(name).map { EncodedWords.decode($0).collapsingWhitespace }
    }
}

/// Reads a header block. Tolerates LF or CRLF, folding, whitespace before the colon, an mbox
/// `From ` line left at the top, and a header block that ends without a blank line.
enum HeaderParser {
    struct Result {
        var headers: MIMEHeaders
        /// Where the body starts.
        var bodyStart: Int
        var defects: [String]
    }

    static let maxFields = 10_000
    static let maxValueBytes = 256 * 1024

    /// `allowLeadingBlankLines` is for the top of a message; a body part's header block may be
    /// empty (a blank line first means no header fields).
    static func parse(_ bytes: ArraySlice<UInt8>, allowLeadingBlankLines: Bool = false) -> Result {
        var fields: [HeaderField] = []
        var defects: [String] = []
        var index = bytes.startIndex
        let end = bytes.endIndex
        var first = true
        var dropped = 0
        var truncated = false
        while index < end {
            let lineEnd = bytes.nextLineEnd(from: index)
            var contentEnd = lineEnd
            if contentEnd > index && bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let next = lineEnd < end ? lineEnd + 1 : end
            // A blank line (or one of only whitespace) ends the header block, except blank lines
            // before any field, which some exporters leave at the top of a file.
            if bytes[index..<contentEnd].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                if fields.isEmpty && allowLeadingBlankLines && index - bytes.startIndex < 4096 {
                    index = next
                    continue
                }
                // A line of only spaces inside a folded field, with the field going on below.
                if contentEnd > index && !fields.isEmpty && next < end && (bytes[next] == 0x20 || bytes[next] == 0x09) {
                    index = next
                    continue
                }
                return Result(headers: MIMEHeaders(fields), bodyStart: next, defects: defects + limits(dropped, truncated))
            }
            if fields.isEmpty && (bytes[index] == 0x20 || bytes[index] == 0x09) {
                // Leading whitespace before the first field: read the field.
                var start = index
                while start < contentEnd && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
                if allowLeadingBlankLines { defects.append("The header block starts with white space.") }
                index = start
                if !allowLeadingBlankLines { return Result(headers: MIMEHeaders(fields), bodyStart: index, defects: defects) }
            }
            let startByte = bytes[index]
            if startByte == 0x20 || startByte == 0x09 {
                if dropped > 0 && fields.count >= maxFields {
                    // A continuation of a dropped field.
                } else if !fields.isEmpty {
                    let room = maxValueBytes - fields[fields.count - 1].value.count
                    if room > 0 {
                        fields[fields.count - 1].value.append(contentsOf: bytes[index..<min(contentEnd, index + room)])
                    } else {
                        truncated = true
                    }
                } else {
                    defects.append("The message starts with a continuation line.")
                }
                index = next
                first = false
                continue
            }
            if first && bytes[index..<contentEnd].starts(with: fromSpace) {
                index = next
                first = false
                continue
            }
            first = false
            guard let colon = bytes[index..<contentEnd].firstIndex(of: 0x3A), colon > index,
                let name = fieldName(bytes[index..<colon])
            else {
                defects.append("The header block ended without a blank line.")
                return Result(headers: MIMEHeaders(fields), bodyStart: index, defects: defects + limits(dropped, truncated))
            }
            if fields.count >= maxFields {
                dropped += 1
            } else {
                var valueStart = colon + 1
                while valueStart < contentEnd && (bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09) { valueStart += 1 }
                let valueEnd = min(contentEnd, valueStart + maxValueBytes)
                if valueEnd < contentEnd { truncated = true }
                fields.append(HeaderField(name: name, value: Array(bytes[valueStart..<valueEnd])))
            }
            index = next
        }
        return Result(headers: MIMEHeaders(fields), bodyStart: end, defects: defects + limits(dropped, truncated))
    }

    private static func limits(_ dropped: Int, _ truncated: Bool) -> [String] {
        var defects: [String] = []
        if dropped > 0 { defects.append("\(dropped) header fields beyond the first \(maxFields) were not read (they are kept in the raw message).") }
        if truncated { defects.append("A header field longer than \(maxValueBytes / 1024) KB was shortened for reading (the raw message keeps it whole).") }
        return defects
    }

    private static let fromSpace: [UInt8] = Array("From ".utf8)

    /// A field name: printable ASCII without spaces, optionally followed by whitespace (obsolete syntax).
    private static func fieldName(_ bytes: ArraySlice<UInt8>) -> String? {
        var end = bytes.endIndex
        while end > bytes.startIndex && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        guard end > bytes.startIndex, end - bytes.startIndex <= 200 else { return nil }
        for byte in bytes[bytes.startIndex..<end] where byte <= 0x20 || byte >= 0x7F { return nil }
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }
}

extension ArraySlice<UInt8> {
    /// The index of the next LF at or after `from`, or `endIndex`.
    func nextLineEnd(from: Int) -> Int {
        withUnsafeBufferPointer { buffer -> Int in
            let offset = from - startIndex
            guard offset < buffer.count, let base = buffer.baseAddress else { return endIndex }
            guard let found = memchr(base + offset, 0x0A, buffer.count - offset) else { return endIndex }
            return startIndex + (UnsafeRawPointer(found) - UnsafeRawPointer(base))
        }
    }
}

extension String {
    /// Where the text first holds `needle` (lower-case ASCII) in any ASCII case, found in the
    /// bytes (Foundation's case-insensitive search goes through NSString). The index is at an
    /// ASCII byte, so it is a scalar boundary.
    func firstIndexIgnoringASCIICase(_ needle: StaticString) -> String.Index? {
        let offset = needle.withUTF8Buffer { pattern -> Int? in
            var utf8 = self
            return utf8.withUTF8 { text -> Int? in
                guard text.count >= pattern.count else { return nil }
                outer: for start in 0...(text.count - pattern.count) {
                    for offset in 0..<pattern.count {
                        let byte = text[start + offset]
                        if ((byte >= 0x41 && byte <= 0x5A) ? byte + 32 : byte) != pattern[offset] { continue outer }
                    }
                    return start
                }
                return nil
            }
        }
        return offset.map { utf8.index(startIndex, offsetBy: $0) }
    }

    func containsIgnoringASCIICase(_ needle: StaticString) -> Bool {
        firstIndexIgnoringASCIICase(needle) != nil
    }

    func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            let lx = (x >= 0x41 && x <= 0x5A) ? x + 32 : x
            let ly = (y >= 0x41 && y <= 0x5A) ? y + 32 : y
            if lx != ly { return false }
        }
        return true
    }
}

extension StringProtocol {
    /// Runs of whitespace (including line breaks) become one space; trimmed. The four
    /// whitespace characters are ASCII, never part of a multi-byte character, so the bytes are
    /// read as they are; text that is already collapsed is returned as it is.
    var collapsingWhitespace: String {
        @inline(__always) func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
        }
        var collapsed = true
        var afterSpace = true  // a leading space is trimmed
        for byte in utf8 {
            if isSpace(byte) {
                if afterSpace || byte != 0x20 { collapsed = false; break }
                afterSpace = true
            } else {
                afterSpace = false
            }
        }
        if collapsed && !afterSpace { return String(self) }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var space = false
        for byte in utf8 {
            if isSpace(byte) {
                space = true
            } else {
                if space && !out.isEmpty { out.append(0x20) }
                space = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
