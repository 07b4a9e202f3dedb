public import Foundation

/// Reads bytes typed by a person on any common system as text, detecting (never assuming)
/// the encoding.
///
/// Order of evidence: a byte-order mark (UTF-8, UTF-16 LE/BE); the NUL pattern of UTF-16
/// without a mark; valid UTF-8; then Windows-1252, the encoding Notepad and Outlook on
/// Windows use for "ANSI" text, only if every byte is defined in it and the text has no
/// control characters. Anything else is an ``IntakeError``.
public enum TextDecoding {
    /// The encoding the bytes were read in.
    public enum Encoding: String, Sendable, Codable {
        case utf8 = "utf-8"
        case utf8BOM = "utf-8-bom"
        case utf16LE = "utf-16le"
        case utf16BE = "utf-16be"
        case windows1252 = "windows-1252"
    }

    public struct Result: Sendable, Hashable {
        public var text: String
        public var encoding: Encoding
        /// True when the encoding was a guess (no mark, not UTF-8): worth a flag on the record.
        public var guessed: Bool

        public init(text: String, encoding: Encoding, guessed: Bool) {
            self.text = text
            self.encoding = encoding
            self.guessed = guessed
        }
    }

    public static func decode(_ bytes: Data) throws(IntakeError) -> Result {
        guard !bytes.isEmpty else { throw IntakeError(.empty, "The file is empty (0 bytes).") }
        let outcome: Swift.Result<Result, IntakeError> = bytes.withUnsafeBytes { raw in
            do throws(IntakeError) {
                return .success(try decode(raw.bindMemory(to: UInt8.self)))
            } catch {
                return .failure(error)
            }
        }
        let result = try outcome.get()
        try checkIsText(result.text)
        return result
    }

    private static func decode(_ b: UnsafeBufferPointer<UInt8>) throws(IntakeError) -> Result {
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF {
            guard let text = utf8(UnsafeBufferPointer(rebasing: b[3...])) else {
                throw IntakeError(
                    .encoding,
                    "The file starts with a UTF-8 byte-order mark but contains bytes that are not valid UTF-8 "
                        + "(first at offset \(firstInvalidUTF8Offset(b, from: 3)))."
                )
            }
            return Result(text: text, encoding: .utf8BOM, guessed: false)
        }
        if b.count >= 2, b[0] == 0xFF, b[1] == 0xFE {
            return Result(text: try utf16(UnsafeBufferPointer(rebasing: b[2...]), littleEndian: true), encoding: .utf16LE, guessed: false)
        }
        if b.count >= 2, b[0] == 0xFE, b[1] == 0xFF {
            return Result(text: try utf16(UnsafeBufferPointer(rebasing: b[2...]), littleEndian: false), encoding: .utf16BE, guessed: false)
        }
        if b.contains(0) {
            // UTF-16 without a mark: ASCII-range text puts a NUL in every other byte.
            var evenZeros = 0
            var oddZeros = 0
            for index in b.indices where b[index] == 0 {
                if index % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 }
            }
            let pairs = b.count / 2
            if b.count % 2 == 0, pairs > 0 {
                if oddZeros * 10 >= pairs * 6, evenZeros * 20 < pairs,
                    let text = try? utf16(b, littleEndian: true)
                {
                    return Result(text: text, encoding: .utf16LE, guessed: true)
                }
                if evenZeros * 10 >= pairs * 6, oddZeros * 20 < pairs,
                    let text = try? utf16(b, littleEndian: false)
                {
                    return Result(text: text, encoding: .utf16BE, guessed: true)
                }
            }
            throw IntakeError(
                .binary,
                "The file contains NUL bytes, so it is not a typed note: it looks like a binary file "
                    + "(an image, a Word document or similar). Save notes as plain text (.txt)."
            )
        }
        if let text = utf8(b) { return Result(text: text, encoding: .utf8, guessed: false) }
        if let text = windows1252(b) { return Result(text: text, encoding: .windows1252, guessed: true) }
        throw IntakeError(
            .encoding,
            "The file is not valid UTF-8 (first bad byte at offset \(firstInvalidUTF8Offset(b, from: 0))) "
                + "and not Windows-1252 text either. Save the note as UTF-8 text and drop it in again."
        )
    }

    /// Strict UTF-8: nil on any invalid sequence.
    public static func utf8(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        String(validating: b, as: UTF8.self)
    }

    static func firstInvalidUTF8Offset(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var offset = start
        while offset < b.count {
            let byte = b[offset]
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return offset
            }
            guard offset + length <= b.count else { return offset }
            let slice = UnsafeBufferPointer(rebasing: b[offset..<(offset + length)])
            if utf8(slice) == nil { return offset }
            offset += length
        }
        return offset
    }

    static func utf16(_ b: UnsafeBufferPointer<UInt8>, littleEndian: Bool) throws(IntakeError) -> String {
        guard b.count % 2 == 0 else {
            throw IntakeError(.encoding, "The file is marked as UTF-16 but has an odd number of bytes: it is cut short or damaged.")
        }
        var units: [UInt16] = []
        units.reserveCapacity(b.count / 2)
        var index = 0
        while index < b.count {
            let unit = littleEndian
                ? UInt16(b[index]) | UInt16(b[index + 1]) << 8
                : UInt16(b[index]) << 8 | UInt16(b[index + 1])
            units.append(unit)
            index += 2
        }
        var scalars = String.UnicodeScalarView()
        var iterator = units.makeIterator()
        var decoder = Unicode.UTF16()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: break loop
            case .error:
                throw IntakeError(.encoding, "The file is marked as UTF-16 but contains a broken character (an unpaired surrogate).")
            }
        }
        return String(scalars)
    }

    /// Windows-1252. Strict: nil if a byte is one of the five undefined ones. Not strict: those
    /// bytes read as the C1 controls of the same value (as browsers do), so no byte is lost.
    public static func windows1252(_ b: UnsafeBufferPointer<UInt8>, strict: Bool = true) -> String? {
        var scalars = String.UnicodeScalarView()
        for byte in b {
            if byte < 0x80 || byte >= 0xA0 {
                scalars.append(Unicode.Scalar(byte))
            } else {
                let value = cp1252High[Int(byte - 0x80)]
                if value == 0 && strict { return nil }
                scalars.append(Unicode.Scalar(value == 0 ? UInt32(byte) : value)!)
            }
        }
        return String(scalars)
    }

    /// Code points for bytes 0x80...0x9F in Windows-1252; 0 where the byte is undefined.
    public static let cp1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// Rejects text that is mostly control characters: a binary file that happened to decode.
    static func checkIsText(_ text: String) throws(IntakeError) {
        var controls = 0
        var total = 0
        for scalar in text.unicodeScalars {
            total += 1
            switch scalar.value {
            case 0x09, 0x0A, 0x0C, 0x0D: continue
            case 0x00..<0x20, 0x7F, 0x80..<0xA0: controls += 1
            default: continue
            }
        }
        if controls > 0, controls * 100 > total {
            throw IntakeError(
                .binary,
                "The file has \(controls) control characters in \(total): it is not a typed note but a binary file."
            )
        }
    }
}

extension String {
    /// True when the text is certainly in NFC without asking Foundation (whose normalisation
    /// costs about 90,000 instructions for an email's body): every character is below U+0300,
    /// where no character decomposes or combines with the one before, or is one of the
    /// punctuation marks U+2010-U+203F (dashes, curly quotes, bullets, ellipsis) that neither
    /// do either. Anything else (a combining mark, another script) is normalised.
    package var isNFCByQuickCheck: Bool {
        var utf8 = self.utf8.makeIterator()
        while let byte = utf8.next() {
            // U+0300 is 0xCC 0x80: every lead byte below 0xCC starts a character below it.
            if byte < 0xCC { continue }
            guard byte == 0xE2, utf8.next() == 0x80, let last = utf8.next(), last >= 0x90 else { return false }
        }
        return true
    }

    /// The text as Letterbox stores it: Unicode NFC, LF line endings, no trailing white space
    /// on any line, no blank lines at the start or end.
    public var normalisedForRecord: String {
        var text = isNFCByQuickCheck ? self : precomposedStringWithCanonicalMapping
        return text.withUTF8 { b -> String in
            var out = [UInt8]()
            out.reserveCapacity(b.count)
            var spaceStart = -1
            var spaceEnd = -1
            var pendingNewlines = 0
            var started = false
            var previousCR = false
            var i = 0
            while i < b.count {
                let byte = b[i]
                var length = 1
                // 0: content, 1: a line break, 2: white space within a line.
                var kind = 0
                if byte < 0x80 {
                    if byte == 0x0A && previousCR {
                        previousCR = false
                        i += 1
                        continue
                    }
                    switch byte {
                    case 0x0A, 0x0B, 0x0C, 0x0D: kind = 1
                    case 0x20, 0x09: kind = 2
                    default: kind = 0
                    }
                    previousCR = byte == 0x0D
                } else {
                    previousCR = false
                    length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                    length = min(length, b.count - i)
                    var value = UInt32(byte) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
                    for k in 1..<max(length, 1) { value = value << 6 | UInt32(b[i + k] & 0x3F) }
                    if value == 0x85 || value == 0x2028 || value == 0x2029 {
                        kind = 1
                    } else if let scalar = Unicode.Scalar(value), scalar.properties.isWhitespace {
                        kind = 2
                    }
                }
                switch kind {
                case 1:
                    spaceStart = -1
                    if started { pendingNewlines += 1 }
                case 2:
                    if spaceStart < 0 { spaceStart = i }
                    spaceEnd = i + length
                default:
                    if pendingNewlines > 0 {
                        for _ in 0..<pendingNewlines { out.append(0x0A) }
                        pendingNewlines = 0
                    }
                    if spaceStart >= 0 {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[spaceStart..<spaceEnd]))
                        spaceStart = -1
                    }
                    started = true
                    if length == 1 {
                        out.append(byte)
                    } else {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<(i + length)]))
                    }
                }
                i += length
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

extension TextDecoding {
    /// The value of one hexadecimal digit (`0-9`, `a-f`, `A-F`), or nil.
    @inlinable
    public static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// Form-style URL decoding (application/x-www-form-urlencoded, and Kannel's `<ud>`) to
    /// bytes: `+` is a 0x20 byte, `%XX` a byte; a `%` not followed by two hex digits is kept.
    public static func formURLDecode<Bytes: Collection<UInt8>>(_ input: Bytes) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var index = input.startIndex
        while index != input.endIndex {
            let byte = input[index]
            if byte == UInt8(ascii: "+") {
                out.append(0x20)
            } else if byte == UInt8(ascii: "%") {
                let first = input.index(after: index)
                let second = first == input.endIndex ? first : input.index(after: first)
                if second != input.endIndex, let high = hexDigit(input[first]), let low = hexDigit(input[second]) {
                    out.append(high << 4 | low)
                    index = second
                } else {
                    out.append(byte)
                }
            } else {
                out.append(byte)
            }
            index = input.index(after: index)
        }
        return out
    }
}
