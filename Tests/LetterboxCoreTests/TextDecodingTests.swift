import Foundation
import LetterboxCore
import Testing

struct TextDecodingTests {
    let text = "Caller: Zoë\r\nNotes: £20 “quoted”"

    @Test func utf8WithAndWithoutMark() throws {
        #expect(try TextDecoding.decode(Data(text.utf8)).encoding == .utf8)
        let marked = try TextDecoding.decode(Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8))
        #expect(marked.encoding == .utf8BOM)
        #expect(marked.text == text)
        #expect(!marked.guessed)
    }

    @Test func utf16BothWaysWithAndWithoutMark() throws {
        let le = Data(text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let be = Data(text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        #expect(try TextDecoding.decode(Data([0xFF, 0xFE]) + le) == .init(text: text, encoding: .utf16LE, guessed: false))
        #expect(try TextDecoding.decode(Data([0xFE, 0xFF]) + be) == .init(text: text, encoding: .utf16BE, guessed: false))
        #expect(try TextDecoding.decode(le) == .init(text: text, encoding: .utf16LE, guessed: true))
        #expect(try TextDecoding.decode(be) == .init(text: text, encoding: .utf16BE, guessed: true))
    }

    @Test func windows1252IsDetectedNotAssumed() throws {
        // "Zoë £20 “quoted” – done" in Windows-1252.
        let bytes = Data([0x5A, 0x6F, 0xEB, 0x20, 0xA3, 0x32, 0x30, 0x20, 0x93, 0x71, 0x94, 0x20, 0x96, 0x20, 0x64])
        let result = try TextDecoding.decode(bytes)
        #expect(result.encoding == .windows1252)
        #expect(result.guessed)
        #expect(result.text == "Zoë £20 “q” – d")
        // The same letters in UTF-8 are read as UTF-8, not Windows-1252.
        #expect(try TextDecoding.decode(Data("Zoë £20".utf8)).encoding == .utf8)
    }

    @Test func badInputGetsAClearError() {
        #expect(throws: IntakeError.self) { try TextDecoding.decode(Data()) }
        let binary = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x01])
        let binaryError = #expect(throws: IntakeError.self) { try TextDecoding.decode(binary) }
        #expect(binaryError?.code == .binary)
        // 0x81 is undefined in Windows-1252 and invalid in UTF-8.
        let undefinedError = #expect(throws: IntakeError.self) { try TextDecoding.decode(Data([0x41, 0x81, 0x42])) }
        #expect(undefinedError?.code == .encoding)
        #expect(undefinedError?.message.contains("offset 1") == true)
        // A UTF-8 mark followed by invalid UTF-8 is not silently re-read as something else.
        #expect(throws: IntakeError.self) { try TextDecoding.decode(Data([0xEF, 0xBB, 0xBF, 0x41, 0xC3, 0x28])) }
        // UTF-16 with an odd byte count.
        #expect(throws: IntakeError.self) { try TextDecoding.decode(Data([0xFF, 0xFE, 0x41, 0x00, 0x42])) }
    }

    @Test func recordTextIsNFCWithLFAndNoTrailingSpace() {
        let decomposed = "Zoe\u{0308}  \r\n\r\nline two\t\rline three\n\n\n"
        #expect(decomposed.normalisedForRecord == "Zoë\n\nline two\nline three")
        // Text that needs no normalisation is kept as it is without asking Foundation; text that
        // does is normalised, whatever came before the mark.
        for clean in ["café £40 — “quoted” ‘single’ it’s… • ok", "ASCII only", "Ångström ÿ ǅ", ""] {
            #expect(clean.isNFCByQuickCheck, "\(clean)")
            #expect(clean.normalisedForRecord == clean.precomposedStringWithCanonicalMapping)
        }
        for needs in ["cafe\u{301}", "“e\u{301}”", "\u{2000}", "\u{212B}", "한국어", "日本語", "\u{2126}"] {
            #expect(!needs.isNFCByQuickCheck, "\(needs)")
        }
        #expect("“cafe\u{301}”".normalisedForRecord == "“café”")
        #expect("\u{212B}".normalisedForRecord == "\u{C5}")
    }

    @Test func csvCellsAreQuotedAndDefused() {
        #expect(RecordExport.csvField("plain") == "plain")
        #expect(RecordExport.csvField("a,b") == "\"a,b\"")
        #expect(RecordExport.csvField("say \"hi\"\nbye") == "\"say \"\"hi\"\"\nbye\"")
        #expect(RecordExport.csvField("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
    }
}
