import Crypto
import Foundation

/// Twilio's request signature (its security documentation, "Validating requests"), apart from
/// the parsing so that the parser and the decoder can be fuzzed without swift-crypto.
extension TwilioRequest {
    /// Base64 of HMAC-SHA1 of ``signedText(url:)``, keyed with the account's auth token.
    public func signature(url: String, authToken: String) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(signedText(url: url).utf8), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// True when `given` is the signature for this request at `url` with one of the tokens
    /// (while a token is being rotated, both). Compared in constant time.
    public func isSigned(_ given: String, url: String, authTokens: [String]) -> Bool {
        let givenBytes = Data(given.trimmingCharacters(in: .whitespaces).utf8)
        var matched = false
        for token in authTokens {
            let expected = Data(signature(url: url, authToken: token).utf8)
            // Hash both sides, so the time depends on neither the secret nor where they differ.
            let left = SHA256.hash(data: givenBytes)
            let right = SHA256.hash(data: expected)
            var difference: UInt8 = 0
            for (x, y) in zip(left, right) { difference |= x ^ y }
            matched = matched || difference == 0
        }
        return matched
    }
}
