import Foundation

// libFuzzer target: the whole email decoder (MIME parser, charsets, encoded words, HTML to
// text, quote splitting, machine-mail verdicts) on arbitrary bytes. It must never crash or hang,
// and every attachment it places in the raw message must read back from there as decoded.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMIME(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(bytes: data, count: size)
    let submission = RawSubmission(channel: .email, source: "fuzz", receivedAt: Date(timeIntervalSince1970: 1_775_000_000), bytes: bytes)
    let decoded = try? EmailDecoder(maxAttachmentBytes: 1 << 20, organisationDomains: ["example-housing.org.uk"]).decode(submission)
    // An attachment the store will keep as a range of the raw message reads back from it exactly.
    if case .feedback(let draft)? = decoded {
        for file in draft.attachments {
            guard let range = file.rawRange else { continue }
            precondition(range.offset >= 0 && range.length >= 0 && range.offset + range.length <= size, "a range outside the message")
            precondition(range.decode(bytes.subdata(in: range.offset..<range.offset + range.length)) == file.data, "a range that reads back differently")
        }
    }
    return 0
}
