import Foundation
import Glibc
import LetterboxCore

/// Bytes in a declared charset to text.
///
/// UTF-8, US-ASCII, ISO-8859-1 and Windows-1252 are read in Swift; everything else goes
/// through glibc's iconv, so every charset iconv knows is read. ISO-8859-1 is read as
/// Windows-1252, as browsers do (mail that says Latin-1 is almost always 1252). A charset
/// nobody knows is read as Windows-1252 and reported, so the record can be flagged.
public enum Charsets {
    public struct Decoded: Sendable {
        public var text: String
        /// Why the text is a best guess, if it is.
        public var guess: String?
    }

    /// Reads bytes declared to be in `label` (nil: undeclared, which means US-ASCII but is in
    /// practice UTF-8 or Windows-1252).
    public static func decode(_ bytes: ArraySlice<UInt8>, label: String?) -> Decoded {
        let name = normalised(label)
        switch name {
        case "", "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "646", "unicode-1-1-utf-8", "utf-8-bom":
            if let text = utf8(bytes) { return Decoded(text: text, guess: nil) }
            let what = name.isEmpty ? "declared no charset" : "claimed \(label ?? name)"
            return Decoded(text: windows1252(bytes), guess: "The text \(what) but was not valid in it; it was read as Windows-1252.")
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp819", "iso_8859-1", "windows-1252", "cp1252", "x-cp1252", "cp-1252":
            if isASCII(bytes) { return Decoded(text: String(decoding: bytes, as: UTF8.self), guess: nil) }
            return Decoded(text: windows1252(bytes), guess: nil)
        case "unknown-8bit", "x-unknown", "unknown", "x-user-defined", "default", "charset", "8bit":
            if let text = utf8(bytes) { return Decoded(text: text, guess: nil) }
            return Decoded(text: windows1252(bytes), guess: "The text's charset was given as \"\(label ?? "")\"; it was read as Windows-1252.")
        default:
            if isASCII(bytes) && !statefulCharsets.contains(name) && !name.hasPrefix("utf-16") && !name.hasPrefix("utf-32")
                && !name.hasPrefix("utf-7") && !name.hasPrefix("ucs")
            {
                return Decoded(text: String(decoding: bytes, as: UTF8.self), guess: nil)
            }
            let iconvName = aliases[name] ?? name
            switch iconv(bytes, from: iconvName) {
            case .unknownCharset:
                if let text = utf8(bytes) {
                    return Decoded(text: text, guess: "The charset \"\(label ?? name)\" is unknown; the text was valid UTF-8 and was read as that.")
                }
                return Decoded(text: windows1252(bytes), guess: "The charset \"\(label ?? name)\" is unknown; the text was read as Windows-1252.")
            case .text(let text, let replaced):
                if replaced > 0 {
                    if let text = utf8(bytes) {
                        return Decoded(text: text, guess: "The text was not valid \(label ?? name) but was valid UTF-8, and was read as that.")
                    }
                    return Decoded(text: text, guess: "\(replaced) byte(s) were not valid \(label ?? name) and were replaced with \u{FFFD}.")
                }
                return Decoded(text: text, guess: nil)
            }
        }
    }

    /// Header bytes: UTF-8 when valid, otherwise Windows-1252.
    static func headerBytes(_ bytes: ArraySlice<UInt8>) -> String {
        if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return utf8(bytes) ?? windows1252(bytes)
    }

    static func normalised(_ label: String?) -> String {
        guard var name = label?.trimmingWhitespace().lowercased() else { return "" }
        if name.hasPrefix("\"") || name.hasPrefix("'") { name = name.trimming { $0 == "\"" || $0 == "'" } }
        if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }  // RFC 2231 language
        return name
    }

    /// Labels that iconv does not know by the name mail uses, or where a superset reads more mail.
    static let aliases: [String: String] = [
        "ks_c_5601-1987": "CP949", "ks_c_5601": "CP949", "euc-kr": "CP949", "gb2312": "GBK", "x-gbk": "GBK", "gb_2312-80": "GBK",
        "iso-8859-8-i": "ISO-8859-8", "iso-8859-6-i": "ISO-8859-6", "x-sjis": "SHIFT_JIS", "shift-jis": "SHIFT_JIS",
        "sjis": "SHIFT_JIS", "x-euc-jp": "EUC-JP", "unicode-1-1-utf-7": "UTF-7", "x-mac-roman": "MACINTOSH",
        "windows-874": "CP874", "tis-620": "TIS-620", "big5-hkscs": "BIG5-HKSCS", "x-mac-cyrillic": "MAC-CYRILLIC",
        "utf-16": "UTF-16", "ucs-2": "UCS-2", "iso-2022-jp-2": "ISO-2022-JP-2", "cp-850": "CP850", "windows-31j": "CP932",
    ]

    static let statefulCharsets: Set<String> = ["iso-2022-jp", "iso-2022-jp-2", "iso-2022-kr", "iso-2022-cn", "hz-gb-2312", "utf-7"]

    static func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            let count = buffer.count
            // Eight bytes at a time.
            buffer.withMemoryRebound(to: UInt8.self) { b in
                guard let base = b.baseAddress else { return }
                let raw = UnsafeRawPointer(base)
                while index + 8 <= count {
                    if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return }
                    index += 8
                }
            }
            while index < count {
                if buffer[index] >= 0x80 { return false }
                index += 1
            }
            return true
        }
    }

    static func utf8(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.withUnsafeBufferPointer(TextDecoding.utf8)
    }

    /// Windows-1252 with no byte lost (the undefined five read as C1 controls).
    static func windows1252(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.withUnsafeBufferPointer { TextDecoding.windows1252($0, strict: false)! }
    }

    enum Conversion {
        case unknownCharset
        case text(String, replaced: Int)
    }

    /// Converts through iconv, replacing each invalid byte with U+FFFD and flushing at the end
    /// (stateful charsets such as ISO-2022-JP need it).
    static func iconv(_ bytes: ArraySlice<UInt8>, from charset: String) -> Conversion {
        let handle = iconv_open("UTF-8", charset)
        guard let handle, handle != iconv_t(bitPattern: -1) else { return .unknownCharset }
        defer { iconv_close(handle) }
        var output = [UInt8]()
        output.reserveCapacity(bytes.count * 2 + 16)
        var replaced = 0
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var input = Array(bytes)
        input.withUnsafeMutableBufferPointer { inBuffer in
            var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress.map {
                UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self)
            }
            var inLeft = inBuffer.count
            while true {
                let flushing = inLeft == 0
                let (result, produced, error) = chunk.withUnsafeMutableBufferPointer { outBuffer -> (Int, Int, Int32) in
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = outBuffer.count
                    let result: Int
                    if flushing {
                        result = Glibc.iconv(handle, nil, nil, &outPointer, &outLeft)
                    } else {
                        result = Glibc.iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
                    }
                    return (result, outBuffer.count - outLeft, result == -1 ? errno : 0)
                }
                output.append(contentsOf: chunk[0..<produced])
                if result != -1 {
                    if flushing { return }
                    continue
                }
                switch error {
                case E2BIG:
                    continue
                case EILSEQ, EINVAL:
                    // An invalid (or, at the end, incomplete) sequence: replace one byte and go on.
                    if flushing { return }
                    output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    replaced += 1
                    inPointer = inPointer.map { $0 + 1 }
                    inLeft -= 1
                default:
                    return
                }
            }
        }
        return .text(String(decoding: output, as: UTF8.self), replaced: replaced)
    }
}
