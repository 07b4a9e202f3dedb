public import Foundation
public import LetterboxCore
import MultipartKit
import NIOCore

/// The fields and files of one form post, read from `application/x-www-form-urlencoded`,
/// `multipart/form-data` or JSON (`POST /api/v1/feedback`), before any validation.
public struct FormBody: Sendable, Hashable {
    public struct File: Sendable, Hashable {
        public var field: String
        public var name: String
        public var mediaType: String
        public var data: Data

        public init(field: String, name: String, mediaType: String, data: Data) {
            self.field = field
            self.name = name
            self.mediaType = mediaType
            self.data = data
        }
    }

    /// Text fields in the order they came; a name may repeat (check boxes).
    public var fields: [(name: String, value: String)]
    public var files: [File]

    public init(fields: [(name: String, value: String)] = [], files: [File] = []) {
        self.fields = fields
        self.files = files
    }

    public static func == (lhs: FormBody, rhs: FormBody) -> Bool {
        lhs.fields.map { [$0.name, $0.value] } == rhs.fields.map { [$0.name, $0.value] } && lhs.files == rhs.files
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
        hasher.combine(files)
    }

    /// The first value of a field, trimmed; nil when absent or blank.
    public subscript(_ name: String) -> String? {
        guard let value = fields.first(where: { $0.name == name })?.value.trimmingWhitespace(), !value.isEmpty else { return nil }
        return value
    }

    /// Limits on what a post may hold, so a hostile body cannot make the reader do unbounded work.
    public struct Limits: Sendable {
        public var maxParts: Int
        public var maxFieldBytes: Int

        public init(maxParts: Int = 64, maxFieldBytes: Int = 64 * 1024) {
            self.maxParts = maxParts
            self.maxFieldBytes = maxFieldBytes
        }
    }

    /// The kinds of body a form post may have.
    public enum Kind: Sendable {
        case urlEncoded
        case multipart(boundary: String)
        case json

        public var isJSON: Bool {
            if case .json = self { return true }
            return false
        }

        /// Reads a Content-Type header; nil for a type the form does not take (answer 415).
        public init?(contentType: String) {
            let parts = contentType.split(separator: ";").map { $0.trimmingWhitespace() }
            guard let type = parts.first?.lowercased() else { return nil }
            switch type {
            case "application/x-www-form-urlencoded": self = .urlEncoded
            case "application/json": self = .json
            case "multipart/form-data":
                var boundary = ""
                for parameter in parts.dropFirst() {
                    let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
                    if pair.count == 2, pair[0].trimmingWhitespace().lowercased() == "boundary" {
                        boundary = pair[1].trimmingWhitespace()
                        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 {
                            boundary = String(boundary.dropFirst().dropLast())
                        }
                    }
                }
                self = .multipart(boundary: boundary)
            default: return nil
            }
        }
    }

    /// Reads a body. Throws ``IntakeError`` (the bytes are then quarantined) for a body that is
    /// not what its Content-Type says: invalid UTF-8 in a field, a multipart body with no or a
    /// missing final boundary, too many parts, JSON that is not an object.
    public static func parse(_ bytes: Data, contentType: String, limits: Limits = Limits()) throws(IntakeError) -> FormBody {
        guard let kind = Kind(contentType: contentType) else {
            throw IntakeError(.malformed, "A form post must be application/x-www-form-urlencoded, multipart/form-data or application/json, not \(contentType).")
        }
        return try parse(bytes, kind: kind, limits: limits)
    }

    /// Reads a body whose Content-Type has been read already.
    public static func parse(_ bytes: Data, kind: Kind, limits: Limits = Limits()) throws(IntakeError) -> FormBody {
        switch kind {
        case .urlEncoded: return try urlEncoded(bytes, limits: limits)
        case .multipart(let boundary): return try multipart(bytes, boundary: boundary, limits: limits)
        case .json: return try json(bytes)
        }
    }

    static func text(_ bytes: [UInt8], field: String) throws(IntakeError) -> String {
        guard let text = bytes.withUnsafeBufferPointer({ TextDecoding.utf8($0) }) else {
            throw IntakeError(.encoding, "The form field \"\(field)\" is not valid UTF-8 text.")
        }
        return text
    }

    static func urlEncoded(_ bytes: Data, limits: Limits) throws(IntakeError) -> FormBody {
        var body = FormBody()
        let pairs = bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true)
        guard pairs.count <= limits.maxParts * 4 else {
            throw IntakeError(.malformed, "The form post has \(pairs.count) fields; a feedback form has far fewer.")
        }
        for pair in pairs {
            let halves = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try text(TextDecoding.formURLDecode(halves[0]), field: "(a field name)")
            let value = halves.count > 1 ? try text(TextDecoding.formURLDecode(halves[1]), field: name) : ""
            guard value.utf8.count <= limits.maxFieldBytes else {
                throw IntakeError(.tooLarge, "The form field \"\(name)\" is over \(limits.maxFieldBytes) bytes.")
            }
            body.fields.append((name, value))
        }
        return body
    }

    /// How much of a multipart body the parser is given at a time.
    public static let parseSlice = 1 << 16

    static func multipart(_ bytes: Data, boundary: String, limits: Limits) throws(IntakeError) -> FormBody {
        guard !boundary.isEmpty, boundary.utf8.count <= 200 else {
            throw IntakeError(.malformed, "The multipart form post has no boundary in its Content-Type, so its parts cannot be told apart.")
        }
        // multipart-kit 4.7.1 traps (an array index out of range) on a byte of 128 or more in a
        // part's header name: one crafted post would stop the server. Found by fuzzing; such a
        // body is refused here first.
        if hasNonASCIIHeaderName(bytes, boundary: Array(boundary.utf8)) {
            throw IntakeError(.malformed, "A part of the multipart form post has a header name that is not plain ASCII.")
        }
        let parser = MultipartParser(boundary: boundary)
        // A part's bytes are a slice of the body, not a copy: its data starts after the first
        // blank line past the previous part, and each piece the parser hands over is checked
        // against the body there. A piece that does not match (a preamble with a blank line in
        // it) makes that part a copy instead.
        var parts: [(headers: [(String, String)], body: Data)] = []
        var headers: [(String, String)] = []
        var copied: Data?
        var partStart: Int?
        var position = bytes.startIndex
        var open = false
        var tooMany = false
        parser.onHeader = { name, value in
            open = true
            if headers.count < 100 { headers.append((name, value)) }
        }
        parser.onBody = { buffer in
            open = true
            if copied == nil, partStart == nil {
                partStart = Self.bodyStart(in: bytes, from: position)
                position = partStart ?? position
            }
            if copied == nil, partStart != nil, Self.matches(bytes, at: position, buffer) {
                position += buffer.readableBytes
            } else {
                if copied == nil { copied = partStart.map { bytes[$0..<position] } ?? Data() }
                copied!.append(contentsOf: buffer.readableBytesView)
            }
        }
        parser.onPartComplete = {
            if parts.count < limits.maxParts {
                parts.append((headers, copied ?? partStart.map { bytes[$0..<position] } ?? Data()))
            } else {
                tooMany = true
            }
            headers = []
            copied = nil
            partStart = nil
            open = false
        }
        do {
            // In slices: the parser keeps its place between calls, and a copy of the whole body
            // into one ByteBuffer would hold it twice (four 50 MB posts reached 286 MB).
            var start = bytes.startIndex
            while start < bytes.endIndex {
                let end = bytes.index(start, offsetBy: Self.parseSlice, limitedBy: bytes.endIndex) ?? bytes.endIndex
                try parser.execute(ByteBuffer(bytes: bytes[start..<end]))
                start = end
            }
        } catch {
            throw IntakeError(.malformed, "The multipart form post is malformed (a boundary line is broken).")
        }
        if tooMany {
            throw IntakeError(.malformed, "The multipart form post has more than \(limits.maxParts) parts; a feedback form has far fewer.")
        }
        if open || (parts.isEmpty && !bytes.isEmpty) {
            throw IntakeError(.malformed, "The multipart form post ends before its final boundary: it was cut off, or its boundary does not match the Content-Type.")
        }
        var body = FormBody()
        for part in parts {
            var disposition = ""
            var type = "application/octet-stream"
            for (name, value) in part.headers {
                switch name.lowercased() {
                case "content-disposition": disposition = value
                case "content-type": type = value.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() } ?? type
                default: break
                }
            }
            let parameters = dispositionParameters(disposition)
            guard let name = parameters["name"] else { continue }
            if let filename = parameters["filename"] {
                // An empty file input posts a part with an empty file name and no data.
                if filename.isEmpty && part.body.isEmpty { continue }
                body.files.append(File(field: name, name: filename, mediaType: type, data: part.body))
            } else {
                guard part.body.count <= limits.maxFieldBytes else {
                    throw IntakeError(.tooLarge, "The form field \"\(name)\" is over \(limits.maxFieldBytes) bytes.")
                }
                body.fields.append((name, try text([UInt8](part.body), field: name)))
            }
        }
        return body
    }

    /// Where a part's data starts: after the first blank line (CRLF CRLF) from `from`.
    static func bodyStart(in bytes: Data, from: Int) -> Int? {
        bytes.withUnsafeBytes { raw -> Int? in
            let base = bytes.startIndex
            var index = from - base
            while index + 3 < raw.count {
                if raw[index] == 13, raw[index + 1] == 10, raw[index + 2] == 13, raw[index + 3] == 10 { return base + index + 4 }
                index += 1
            }
            return nil
        }
    }

    /// Whether the parser's piece is the body's bytes at `at`.
    static func matches(_ bytes: Data, at: Int, _ piece: ByteBuffer) -> Bool {
        guard at + piece.readableBytes <= bytes.endIndex else { return false }
        return bytes.withUnsafeBytes { raw in
            piece.withUnsafeReadableBytes { piece in
                piece.isEmpty || memcmp(raw.baseAddress! + (at - bytes.startIndex), piece.baseAddress!, piece.count) == 0
            }
        }
    }

    /// True when, after any `--boundary` line, a header line's name (the bytes before its colon,
    /// or the whole line) has a byte of 128 or more.
    static func hasNonASCIIHeaderName(_ bytes: Data, boundary: [UInt8]) -> Bool {
        let marker = [UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary
        return bytes.withUnsafeBytes { raw -> Bool in
            let b = raw.bindMemory(to: UInt8.self)
            guard b.count >= marker.count else { return false }
            var index = 0
            while index <= b.count - marker.count {
                guard b[index] == marker[0], b[index + 1] == marker[1],
                    memcmp(b.baseAddress! + index, marker, marker.count) == 0
                else {
                    index += 1
                    continue
                }
                // As multipart-kit reads them: a header line ends at CR (then LF); a lone LF is
                // part of the line. Skip the rest of the boundary line, then read header lines
                // up to the empty one.
                var position = index + marker.count
                while position < b.count && b[position] != 0x0D { position += 1 }
                position += 2
                while position < b.count && b[position] != 0x0D {
                    var cursor = position
                    var inName = true
                    while cursor < b.count && b[cursor] != 0x0D {
                        if b[cursor] == UInt8(ascii: ":") { inName = false }
                        if inName && b[cursor] >= 0x80 { return true }
                        cursor += 1
                    }
                    position = cursor + 2
                }
                index += marker.count
            }
            return false
        }
    }

    /// `form-data; name="x"; filename="a b.jpg"`.
    static func dispositionParameters(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        var chars = Substring(header)
        // Skip the disposition type.
        if let semicolon = chars.firstIndex(of: ";") { chars = chars[chars.index(after: semicolon)...] } else { return result }
        while !chars.isEmpty {
            chars = chars.drop(while: { $0 == " " || $0 == "\t" || $0 == ";" })
            guard let equals = chars.firstIndex(of: "=") else { break }
            let key = chars[..<equals].trimmingWhitespace().lowercased()
            chars = chars[chars.index(after: equals)...].drop(while: { $0 == " " })
            var value = ""
            if chars.first == "\"" {
                // Browsers do not backslash-escape here (WHATWG: a quote is sent as %22), and old
                // ones send Windows paths, so a backslash is an ordinary character.
                chars = chars.dropFirst()
                while let c = chars.first {
                    chars = chars.dropFirst()
                    if c == "\"" { break }
                    value.append(c)
                }
                value = value.replacingOccurrences(of: "%22", with: "\"")
                chars = chars.drop(while: { $0 != ";" })
            } else {
                let end = chars.firstIndex(of: ";") ?? chars.endIndex
                value = chars[..<end].trimmingWhitespace()
                chars = chars[end...]
            }
            if result[key] == nil { result[key] = value }
        }
        return result
    }

    /// The JSON API's body, flattened to the same field names as the HTML form.
    static func json(_ bytes: Data) throws(IntakeError) -> FormBody {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: bytes, options: [])
        } catch {
            throw IntakeError(.malformed, "The body is not valid JSON.")
        }
        guard let top = object as? [String: Any] else {
            throw IntakeError(.malformed, "The JSON body must be an object of feedback fields.")
        }
        var body = FormBody()
        func add(_ name: String, _ value: Any?) {
            switch value {
            case let text as String: body.fields.append((name, text))
            case let flag as Bool: if flag { body.fields.append((name, "yes")) }
            case let number as NSNumber: body.fields.append((name, number.stringValue))
            default: break
            }
        }
        let names: [String: String] = [
            "kind": "kind", "name": "name", "email": "email", "phone": "phone", "address": "address",
            "postcode": "postcode", "tenancyRef": "tenancy_ref", "subject": "subject", "message": "message",
            "contactBy": "contact_by", "website": "website", "token": "token",
        ]
        for (key, field) in names { add(field, top[key]) }
        if let behalf = top["onBehalfOf"] as? [String: Any] {
            body.fields.append(("on_behalf", "yes"))
            add("behalf_name", behalf["name"])
            add("behalf_relationship", behalf["relationship"])
            add("behalf_consent", behalf["consent"])
        }
        if let access = top["accessibility"] as? [String: Any] {
            add("access_large_print", access["largePrint"])
            add("access_braille", access["braille"])
            add("access_bsl", access["bsl"])
            if let language = access["interpreter"] as? String, !language.isEmpty {
                body.fields.append(("access_interpreter", "yes"))
                body.fields.append(("interpreter_language", language))
            }
            add("access_other", access["other"])
        }
        if let files = top["attachments"] as? [[String: Any]] {
            for file in files {
                guard let encoded = file["data"] as? String, let data = Data(base64Encoded: encoded) else {
                    throw IntakeError(.malformed, "An attachment in the JSON body has no base64 \"data\".")
                }
                body.files.append(
                    File(
                        field: "attachments",
                        name: file["name"] as? String ?? "attachment",
                        mediaType: (file["mediaType"] as? String)?.lowercased() ?? "application/octet-stream",
                        data: data
                    )
                )
            }
        }
        return body
    }
}
