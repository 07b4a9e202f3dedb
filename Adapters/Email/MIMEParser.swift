import Foundation
public import LetterboxCore

/// One entity of a message: the message itself, a body part, or an attached message.
public struct MIMEPart: Sendable {
    public var headers: MIMEHeaders
    public var contentType: ContentType
    /// The body as it arrived (still transfer-encoded), sharing the message's storage.
    public var body: ArraySlice<UInt8>
    /// The parts of a multipart.
    public var children: [MIMEPart]
    /// The message inside a message/rfc822 part (zero or one).
    public var attachedMessage: [MIMEPart]
    /// Where this part breaks the rules, in words for staff (the part is still read).
    public var defects: [String]
    /// Content-Transfer-Encoding, lower-cased ("7bit" when absent). Read once, by the parser.
    public var transferEncoding: String
    /// Content-Disposition, if given. Read once, by the parser.
    public var disposition: HeaderParameters?
    /// Whether `body` is a slice of the bytes given to `parse` (its indices are offsets into
    /// them), not of a decoded copy: the parts of a base64 or quoted-printable message/rfc822
    /// part are read from one.
    public var isInParsedBytes = true

    init(headers: MIMEHeaders, contentType: ContentType, body: ArraySlice<UInt8>, defects: [String]) {
        self.headers = headers
        self.contentType = contentType
        self.body = body
        self.children = []
        self.attachedMessage = []
        self.defects = defects
        self.transferEncoding = headers.raw("Content-Transfer-Encoding").map { $0.collapsingWhitespace.lowercased() } ?? "7bit"
        self.disposition = headers.raw("Content-Disposition").map(HeaderParameters.parse)
    }

    /// The file name from Content-Disposition, else the Content-Type `name`, as given (unsafe).
    public var fileName: String? {
        let name = disposition?["filename"] ?? contentType.parameters["name"]
        return name.flatMap { $0.isEmpty ? nil : $0 }
    }

    public var isAttachment: Bool { disposition?.value == "attachment" }

    /// The body with its transfer encoding undone.
    public var decodedBody: [UInt8] { decodedBodyAndRange.bytes }

    /// The body with its transfer encoding undone, and where it lies in the parsed bytes when a
    /// store may keep that range instead of the bytes: the body as it is, or canonical base64,
    /// in the parsed bytes themselves; nil for quoted-printable, irregular base64 and the parts
    /// of a decoded copy.
    public var decodedBodyAndRange: (bytes: [UInt8], range: RawRange?) {
        let coding: RawRange.Coding?
        let bytes: [UInt8]
        switch transferEncoding {
        case "base64":
            var canonical = false
            bytes = TransferEncoding.base64(body, canonical: &canonical)
            coding = canonical ? .base64 : nil
        case "quoted-printable":
            bytes = TransferEncoding.quotedPrintable(body)
            coding = nil
        default:
            bytes = Array(body)
            coding = .identity
        }
        guard isInParsedBytes, let coding else { return (bytes, nil) }
        return (bytes, RawRange(offset: body.startIndex, length: body.count, coding: coding))
    }

    /// The body as text in its declared charset.
    public var text: Charsets.Decoded {
        Charsets.decode(decodedBody[...], label: contentType.charset)
    }

    /// Every part, depth first, this one included (attached messages are not entered).
    public func walk(_ visit: (MIMEPart) -> Void) {
        var stack: [MIMEPart] = [self]
        while let part = stack.popLast() {
            visit(part)
            stack.append(contentsOf: part.children.reversed())
        }
    }
}

/// Reads an RFC 5322 message with MIME, in pure Swift. It never throws: anything malformed
/// is read as well as it can be and reported in `defects`; the raw bytes stay in the store.
///
/// Limits keep hostile input cheap: multiparts nested deeper than `maxDepth` are read as
/// opaque parts, and parts beyond `maxParts` are not split out.
public struct MIMEParser: Sendable {
    public var maxDepth = 32
    public var maxParts = 2_000

    public init() {}

    public func parse(_ bytes: [UInt8]) -> MIMEPart {
        var budget = maxParts
        return entity(bytes[...], depth: 0, defaultType: .textPlain, budget: &budget, isMessage: true)
    }

    /// `inParsedBytes`: `bytes` is a slice of what `parse` was given, not a decoded copy.
    private func entity(
        _ bytes: ArraySlice<UInt8>, depth: Int, defaultType: ContentType, budget: inout Int, isMessage: Bool = false, inParsedBytes: Bool = true
    ) -> MIMEPart {
        let header = HeaderParser.parse(bytes, allowLeadingBlankLines: isMessage)
        var defects = header.defects
        var contentType = defaultType
        if let raw = header.headers.raw("Content-Type") {
            if let parsed = ContentType.parse(raw) {
                contentType = parsed
            } else {
                defects.append("The Content-Type \"\(raw.prefix(80))\" could not be read; the part was read as \(defaultType.mimeType).")
            }
        }
        let body = bytes[header.bodyStart..<bytes.endIndex]
        var part = MIMEPart(headers: header.headers, contentType: contentType, body: body, defects: defects)
        part.isInParsedBytes = inParsedBytes
        budget -= 1
        if contentType.type == "multipart" {
            guard depth < maxDepth, budget > 0 else {
                part.defects.append("Multiparts are nested too deeply (or too many parts); the rest is kept unread in the raw message.")
                part.contentType = ContentType(type: "application", subtype: "octet-stream")
                return part
            }
            guard let boundary = contentType.boundary, !boundary.isEmpty else {
                part.defects.append("A multipart has no boundary; it was read as plain text.")
                part.contentType = .textPlain
                return part
            }
            let split = splitMultipart(body, boundary: Array(boundary.utf8))
            if !split.closed && !split.parts.isEmpty { part.defects.append("A multipart's closing boundary is missing.") }
            if split.parts.isEmpty {
                part.defects.append("A multipart has none of its boundaries; it was read as plain text.")
                part.contentType = .textPlain
                return part
            }
            let childDefault: ContentType = contentType.subtype == "digest" ? .messageRFC822 : .textPlain
            for range in split.parts {
                guard budget > 0 else {
                    part.defects.append("The message has more than \(maxParts) parts; the rest are kept unread in the raw message.")
                    break
                }
                part.children.append(entity(range, depth: depth + 1, defaultType: childDefault, budget: &budget, inParsedBytes: inParsedBytes))
            }
        } else if contentType.type == "message" && (contentType.subtype == "rfc822" || contentType.subtype == "global") {
            guard depth < maxDepth, budget > 0 else {
                part.defects.append("Attached messages are nested too deeply; the rest is kept unread in the raw message.")
                return part
            }
            let inner: ArraySlice<UInt8>
            let decoded: Bool
            switch part.transferEncoding {
            case "base64", "quoted-printable": (inner, decoded) = (part.decodedBody[...], true)
            default: (inner, decoded) = (body, false)
            }
            part.attachedMessage = [entity(inner, depth: depth + 1, defaultType: .textPlain, budget: &budget, isMessage: true, inParsedBytes: inParsedBytes && !decoded)]
        }
        return part
    }

    /// Finds the delimiter lines of a multipart body. A delimiter is `--boundary` at the start
    /// of a line, followed by `--` (the close), optional whitespace, and the line end; a longer
    /// boundary that merely starts with this one does not count.
    func splitMultipart(_ body: ArraySlice<UInt8>, boundary: [UInt8]) -> (parts: [ArraySlice<UInt8>], closed: Bool) {
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var index = body.startIndex
        let end = body.endIndex
        let count = boundary.count
        while index < end {
            let lineEnd = body.nextLineEnd(from: index)
            if lineEnd - index >= count + 2, body[index] == 0x2D, body[index + 1] == 0x2D,
                body[(index + 2)..<(index + 2 + count)].elementsEqual(boundary)
            {
                var after = index + 2 + count
                var closing = false
                if after + 2 <= lineEnd, body[after] == 0x2D, body[after + 1] == 0x2D {
                    closing = true
                    after += 2
                }
                let restIsSpace = body[after..<lineEnd].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
                if restIsSpace {
                    if let start = partStart {
                        parts.append(body[start..<trimLineBreak(body, before: index, floor: start)])
                    }
                    if closing { return (parts, true) }
                    partStart = lineEnd < end ? lineEnd + 1 : end
                }
            }
            index = lineEnd < end ? lineEnd + 1 : end
        }
        if let start = partStart { parts.append(body[start..<end]) }
        return (parts, false)
    }

    /// The CRLF or LF before a delimiter belongs to the delimiter.
    private func trimLineBreak(_ body: ArraySlice<UInt8>, before index: Int, floor: Int) -> Int {
        var end = index
        if end > floor && body[end - 1] == 0x0A { end -= 1 }
        if end > floor && body[end - 1] == 0x0D { end -= 1 }
        return end
    }
}
