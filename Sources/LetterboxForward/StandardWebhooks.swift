public import Foundation
import Crypto

/// Signing as the Standard Webhooks specification describes it: `v1,` and the base64
/// HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed with the base64-decoded part of a `whsec_`
/// secret. During a rotation the header carries one signature per secret, space-separated.
public enum StandardWebhooks {
    public struct SecretError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The key bytes of a `whsec_...` secret (the prefix is optional, as the specification's
    /// libraries accept). The secret itself never appears in the error.
    public static func key(fromSecret secret: String) throws(SecretError) -> Data {
        var text = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("whsec_") { text.removeFirst("whsec_".count) }
        guard let key = Data(base64Encoded: text), key.count >= 16 else {
            throw SecretError(description: "is not a Standard Webhooks secret (whsec_ followed by at least 16 bytes in base64)")
        }
        return key
    }

    /// The `webhook-signature` header for one message, signed with each key in turn.
    public static func signature(id: String, timestamp: Int64, body: Data, keys: [Data]) -> String {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        return keys.map { key in
            let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
            return "v1," + Data(mac).base64EncodedString()
        }.joined(separator: " ")
    }

    /// Checks a delivery as a receiver must: one of the header's `v1` signatures matches one of
    /// the keys (compared in constant time), and the timestamp is within `tolerance` of `now`.
    public static func verify(
        id: String, timestamp: String, signatures header: String, body: Data, keys: [Data], now: Date = Date(), tolerance: TimeInterval = 300
    ) -> Bool {
        guard let seconds = Int64(timestamp), abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else { return false }
        var content = Data("\(id).\(seconds).".utf8)
        content.append(body)
        for entry in header.split(separator: " ") {
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let given = Data(base64Encoded: String(parts[1])) else { continue }
            for key in keys where HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: content, using: SymmetricKey(data: key)) {
                return true
            }
        }
        return false
    }
}
