import Foundation
import LetterboxCore
import Testing

/// Base64 that the store may keep encoded (``RawRange``) must be the kind every decoder reads
/// alike; anything irregular is read as before but said to be not canonical.
struct TransferEncodingTests {
    /// Deterministic bytes of every length up to 300, and a few large ones.
    static func samples() -> [Data] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        var out = (0...300).map { count in Data((0..<count).map { _ in next() }) }
        out += [70_001, 100_000, 1 << 20].map { count in Data((0..<count).map { _ in next() }) }
        return out
    }

    func decode(_ text: String) -> (bytes: [UInt8], canonical: Bool) {
        var canonical = false
        let bytes = TransferEncoding.base64(ArraySlice(text.utf8), canonical: &canonical)
        return (bytes, canonical)
    }

    @Test func whatEncodersWriteIsCanonicalAndDecodesAsFoundationDoes() throws {
        let layouts: [Data.Base64EncodingOptions] = [
            [], [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed], [.lineLength64Characters, .endLineWithLineFeed],
        ]
        for data in Self.samples() {
            for options in layouts {
                let text = data.base64EncodedString(options: options) + (options.isEmpty ? "" : "\r\n")
                let (bytes, canonical) = decode(text)
                #expect(canonical, "length \(data.count)")
                #expect(Data(bytes) == data)
                if !data.isEmpty { #expect(Data(base64Encoded: text, options: .ignoreUnknownCharacters) == data) }
                #expect(RawRange(offset: 0, length: text.utf8.count, coding: .base64).decode(Data(text.utf8)) == data)
            }
        }
    }

    @Test(arguments: [
        ("aGVsbG8", "a final group without its padding"),
        ("aGVsbA=", "too little padding"),
        ("aGVsbG8==", "too much padding"),
        ("aGVsbG8=\r\nQQ==", "data after the padding"),
        ("aGVsbG9=", "bits left over that are not zero"),
        ("aGV-bG8_", "the URL-safe alphabet"),
        ("aGVs*bG8=", "a character outside the alphabet"),
        ("aGVsbG8=x", "garbage after the padding"),
        ("aGVsbA==\u{0}", "a NUL after the padding"),
        ("=", "padding alone"),
    ])
    func irregularInputIsNotCanonical(_ text: String, _ why: String) {
        let lenient = TransferEncoding.base64(ArraySlice(text.utf8))
        let (bytes, canonical) = decode(text)
        #expect(!canonical, "\(why)")
        // Read exactly as the lenient decoder reads it.
        #expect(bytes == lenient)
        #expect(RawRange(offset: 0, length: text.utf8.count, coding: .base64).decode(Data(text.utf8)) == nil)
    }

    @Test func lineBreaksAndSpacesBetweenGroupsAreCanonical() {
        #expect(decode("aGVs\r\nbG8g\n d29y bGQ=\r\n") == (Array("hello world".utf8), true))
        #expect(decode("") == ([], true))
        #expect(decode("aGVsbA==") == (Array("hell".utf8), true))
        #expect(decode("aGVsbA==  \r\n") == (Array("hell".utf8), true))
    }

    @Test func identityIsTheBytes() {
        let bytes = Data([0, 1, 2, 255, 13, 10])
        #expect(RawRange(offset: 4, length: 6, coding: .identity).decode(bytes) == bytes)
    }
}
