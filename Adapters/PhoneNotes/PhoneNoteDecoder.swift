import Foundation
public import LetterboxCore

/// Reads a typed-up note of a phone call: a block of `Key: value` lines, a blank line, then
/// the notes as free text; or the same fields as a JSON object.
///
/// The format is written for a member of staff typing in Notepad (see README, "Phone notes").
/// Keys are case-insensitive and have common synonyms; unknown keys are kept on the record.
/// Pure: no I/O, no clock ("today" is read relative to the submission's `receivedAt`).
public struct PhoneNoteDecoder: SubmissionDecoder {
    public var channel: Channel { .phone }

    /// Notes larger than this are refused (quarantined), not read.
    public var maxBytes: Int

    public init(maxBytes: Int = 5_000_000) {
        self.maxBytes = maxBytes
    }

    public func decode(_ submission: RawSubmission) throws -> Decoded {
        guard submission.bytes.count <= maxBytes else {
            throw IntakeError(
                .tooLarge,
                "The note is \(submission.bytes.count) bytes, over the \(maxBytes)-byte limit for phone notes. "
                    + "Split it, or raise notes.maxBytes in letterbox.yaml."
            )
        }
        let decoded = try TextDecoding.decode(submission.bytes)
        guard !decoded.text.allSatisfy(\.isWhitespace) else {
            throw IntakeError(.empty, "The note contains only blank lines.")
        }
        let fields: [NoteField]
        let body: String
        if Self.looksLikeJSON(decoded.text, source: submission.source) {
            (fields, body) = try JSONNote.fields(decoded.text)
        } else {
            (fields, body) = try TextNote.fields(decoded.text)
        }
        var draft = NoteFields(fields).draft(body: body, receivedAt: submission.receivedAt)
        guard !draft.body.isEmpty else {
            throw IntakeError(
                .malformed,
                "The note has the caller's details but no notes. Type what the caller said after a blank line "
                    + "below the details, and drop the file in again."
            )
        }
        if decoded.guessed {
            draft.flag(
                .encodingGuessed,
                decoded.encoding == .windows1252
                    ? "The note was not saved as UTF-8, so it was read as Windows-1252 (Windows 'ANSI' text). "
                        + "Check any accented letters or symbols against the original."
                    : "The note had no byte-order mark and was read as \(decoded.encoding.rawValue) from its layout."
            )
        }
        return .feedback(draft)
    }

    static func looksLikeJSON(_ text: String, source: String) -> Bool {
        if source.lowercased().hasSuffix(".json") { return true }
        return text.unicodeScalars.first(where: { !$0.properties.isWhitespace }) == "{"
    }
}

/// One `Key: value` pair as written.
struct NoteField: Hashable {
    var key: String
    var value: String
}

/// The plain-text form: header block, blank line, notes.
enum TextNote {
    static func fields(_ text: String) throws -> ([NoteField], String) {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var index = 0
        while index < lines.count, lines[index].allSatisfy(\.isWhitespace) { index += 1 }
        var fields: [NoteField] = []
        while index < lines.count {
            let line = lines[index]
            if line.allSatisfy(\.isWhitespace) {
                index += 1
                break
            }
            if let field = header(line) {
                fields.append(field)
            } else if let first = line.first, first == " " || first == "\t", !fields.isEmpty {
                fields[fields.count - 1].value += " " + line.trimmingWhitespace()
            } else {
                break  // the notes start without a blank line
            }
            index += 1
        }
        guard !fields.isEmpty else {
            throw IntakeError(
                .malformed,
                "The note does not start with the caller's details as 'Key: value' lines (for example "
                    + "'Caller: Jane Smith'), so Letterbox cannot tell who called or when. Add the details at the "
                    + "top, then a blank line, then the notes, and drop the file in again."
            )
        }
        let body = lines[min(index, lines.count)...].joined(separator: "\n")
        return (fields, body)
    }

    /// `Key: value` where the key is a short phrase starting with a letter.
    static func header(_ line: Substring) -> NoteField? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let key = line[..<colon].trimmingWhitespace()
        guard let first = key.first, first.isLetter, key.count <= 40,
            key.allSatisfy({ $0.isLetter || $0.isNumber || " -'/()._&".contains($0) }),
            key.split(separator: " ").count <= 6
        else { return nil }
        // "http://..." or a time like "Re: 10:30 visit" have a colon too; only the key is checked.
        return NoteField(key: key, value: line[line.index(after: colon)...].trimmingWhitespace())
    }
}

/// The JSON form: one object whose keys are the same as the text form's.
enum JSONNote {
    static func fields(_ text: String) throws -> ([NoteField], String) {
        let object: [String: JSONValue]
        do {
            object = try JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
        } catch DecodingError.typeMismatch {
            throw IntakeError(.malformed, "A JSON note must be one object ({ ... }) with fields such as \"caller\" and \"notes\".")
        } catch {
            throw IntakeError(
                .malformed,
                "The note looks like JSON but is not valid JSON. Check for a missing comma, quote or brace."
            )
        }
        var fields: [NoteField] = []
        var body = ""
        for key in object.keys.sorted() {
            let value = object[key]!.text
            if NoteFields.Field(key: key) == .notes {
                body = value
            } else {
                fields.append(NoteField(key: key, value: value))
            }
        }
        return (fields, body)
    }
}

/// Any JSON value, kept so that unknown fields can be stored as text.
enum JSONValue: Decodable {
    case string(String)
    case bool(Bool)
    case number(Double)
    case null
    case other(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .other("{" + value.keys.sorted().map { "\($0): \(value[$0]!.text)" }.joined(separator: ", ") + "}")
        } else {
            let value = try container.decode([JSONValue].self)
            self = .other(value.map(\.text).joined(separator: ", "))
        }
    }

    var text: String {
        switch self {
        case .string(let value): return value
        case .bool(let value): return value ? "yes" : "no"
        case .number(let value):
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .null: return ""
        case .other(let value): return value
        }
    }
}
