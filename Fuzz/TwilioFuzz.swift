import Foundation

// libFuzzer target: Twilio's urlencoded webhook body through the parser, the text it signs, and
// the decoder. Anything may be refused with an IntakeError; nothing may crash or hang.
let fuzzDecoder = TwilioDecoder()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTwilio(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let body = Data(bytes: data, count: size)
    if let request = try? TwilioRequest(body: body) {
        let signed = request.signedText(url: "https://feedback.example.org/sms/twilio")
        // Bytes, not characters: a field name that starts with a combining mark joins the URL's
        // last letter into one character, which is right (the signature is over UTF-8 bytes).
        if !signed.utf8.starts(with: "https://feedback.example.org/sms/twilio".utf8) { fatalError("the signed text lost its URL") }
    }
    let submission = RawSubmission(
        channel: .sms, source: "sms/twilio", receivedAt: Date(timeIntervalSince1970: 1_800_000_000), bytes: body,
        metadata: ["gateway": "twilio", "adapter": "twilio"]
    )
    if case .feedback(let draft)? = try? fuzzDecoder.decode(submission) {
        if draft.body != draft.body.normalisedForRecord { fatalError("the Twilio body is not normalised") }
    }
    return 0
}
