import Foundation

// libFuzzer target: the whole email decoder (MIME parser, charsets, encoded words, HTML to
// text, quote splitting, machine-mail verdicts) on arbitrary bytes. It must never crash or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMIME(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(bytes: data, count: size)
    let submission = RawSubmission(channel: .email, source: "fuzz", receivedAt: Date(timeIntervalSince1970: 1_775_000_000), bytes: bytes)
    _ = try? EmailDecoder(maxAttachmentBytes: 1 << 20, organisationDomains: ["example-housing.org.uk"]).decode(submission)
    return 0
}
