import Foundation

// libFuzzer target: the SMS gateway profiles (Kannel, Esendex, a generic XPath profile) and the
// envelope of a joined long text, on arbitrary bodies. The first byte picks the profile.
// Anything may be refused with an IntakeError; nothing may crash or hang.
let fuzzDecoder = SMSDecoder(gateways: [
    "kannel": .kannel,
    "esendex": .esendex,
    "generic": .generic(GenericSMSProfile(
        messageID: "/clickmo/moMsgId", from: "/clickmo/from", to: "/clickmo/to",
        text: "/clickmo/text", time: "/clickmo/timestamp", inboundWhen: "/clickmo"
    )),
])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSMS(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let selector = data[0] % 4
    let body = Data(bytes: data + 1, count: size - 1)
    let gateway = ["kannel", "esendex", "generic", "kannel"][Int(selector)]
    var metadata = ["gateway": gateway, "query.kid": "fuzz"]
    if selector == 3 { metadata[SMSDecoder.joinedKey] = "true" }
    let submission = RawSubmission(channel: .sms, source: "fuzz", receivedAt: Date(timeIntervalSince1970: 1_800_000_000), bytes: body, metadata: metadata)
    if case .feedback(let draft)? = try? fuzzDecoder.decode(submission) {
        // A record's text is always normalised.
        if draft.body != draft.body.normalisedForRecord { fatalError("the SMS body is not normalised") }
    }
    return 0
}
