// libFuzzer target for the phone-note decoder and the text, date and identifier readers
// it uses. Built and run by Fuzz/run.sh; not part of the package build.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func phoneNoteFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let submission = RawSubmission(
        channel: .phone,
        source: size % 2 == 0 ? "fuzz.txt" : "fuzz.json",
        receivedAt: Date(timeIntervalSince1970: 1_776_675_600),
        bytes: bytes
    )
    _ = try? PhoneNoteDecoder(maxBytes: 100_000).decode(submission)
    if let text = String(data: bytes, encoding: .utf8) {
        _ = UKDateReader().date(from: text, relativeTo: submission.receivedAt)
        _ = Identifiers.phone(text)
        _ = Identifiers.postcode(text)
        _ = Identifiers.email(text)
        _ = Representative.Role.reading(text)
        _ = text.normalisedForRecord
    }
    return 0
}
