import Crypto
public import Foundation
import LetterboxCore

/// How a gateway proves a callback is its own. Secrets are compared in constant time.
public enum CallbackAuth: Sendable, Hashable {
    /// No check (Kannel has none built in): rely on the proxy's allow-list. Logged at start-up.
    case none
    /// HTTP basic authentication.
    case basic(username: String, password: String)
    /// A shared secret in a request header (`X-Letterbox-Secret: ...`).
    case header(name: String, secret: String)
    /// A shared secret in the callback URL's query (`/sms/kannel?key=...`).
    case query(parameter: String, secret: String)
    /// HMAC-SHA256 of the raw body with the shared secret, hex or base64, in a header
    /// (an optional `sha256=` prefix is allowed).
    case hmacSHA256(header: String, secret: String)

    /// The query parameter that carries a secret, which must never be stored or logged.
    public var secretParameter: String? {
        if case .query(let parameter, _) = self { return parameter }
        return nil
    }

    /// Nil when the request is authentic; otherwise why not, in words for staff.
    public func failure(headers: (String) -> String?, query: [String: String], body: Data) -> String? {
        switch self {
        case .none:
            return nil
        case .basic(let username, let password):
            guard let header = headers("authorization"), header.lowercased().hasPrefix("basic "),
                let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces))
            else { return "The callback had no HTTP basic credentials." }
            let expected = Data("\(username):\(password)".utf8)
            return Self.constantTimeEqual(decoded, expected) ? nil : "The callback's HTTP basic credentials are wrong."
        case .header(let name, let secret):
            guard let given = headers(name.lowercased()) else { return "The callback had no \(name) header." }
            return Self.constantTimeEqual(Data(given.utf8), Data(secret.utf8)) ? nil : "The callback's \(name) header does not match the shared secret."
        case .query(let parameter, let secret):
            guard let given = query[parameter] else { return "The callback URL had no \(parameter) parameter." }
            return Self.constantTimeEqual(Data(given.utf8), Data(secret.utf8)) ? nil : "The callback URL's \(parameter) does not match the shared secret."
        case .hmacSHA256(let header, let secret):
            guard var given = headers(header.lowercased())?.trimmingCharacters(in: .whitespaces) else {
                return "The callback had no \(header) signature header."
            }
            if given.lowercased().hasPrefix("sha256=") { given = String(given.dropFirst(7)) }
            let mac = Data(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))))
            guard let signature = Self.hex(given) ?? Data(base64Encoded: given) else {
                return "The callback's \(header) signature is neither hex nor base64."
            }
            return Self.constantTimeEqual(signature, mac) ? nil : "The callback's \(header) signature does not match its body (wrong secret, or the body was changed)."
        }
    }

    /// Compares without stopping at the first difference (both sides are hashed first, so the
    /// time does not depend on the length of the secret either).
    static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        let left = SHA256.hash(data: a)
        let right = SHA256.hash(data: b)
        var difference: UInt8 = 0
        for (x, y) in zip(left, right) { difference |= x ^ y }
        return difference == 0
    }

    static func hex(_ text: String) -> Data? {
        let bytes = Array(text.utf8)
        guard bytes.count % 2 == 0, !bytes.isEmpty else { return nil }
        var out = Data(capacity: bytes.count / 2)
        var index = 0
        while index < bytes.count {
            guard let high = TextDecoding.hexDigit(bytes[index]), let low = TextDecoding.hexDigit(bytes[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
