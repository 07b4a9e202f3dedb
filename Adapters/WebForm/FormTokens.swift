import Crypto
public import Foundation

/// One-time tokens for the form page: a random id signed with the server's key. The token
/// becomes the post's idempotency key, so a double click or a resubmit after Back returns the
/// first post's reference instead of a second record. A token the server did not sign (or a
/// stale one) is ignored and the post is keyed on its content.
public struct FormTokens: Sendable {
    let key: SymmetricKey
    /// How long a page's token is honoured.
    public var lifetime: TimeInterval

    public init(secret: Data?, lifetime: TimeInterval = 7 * 24 * 3600) {
        self.key = secret.map { SymmetricKey(data: $0) } ?? SymmetricKey(size: .bits256)
        self.lifetime = lifetime
    }

    public func issue(now: Date = Date()) -> String {
        var random = [UInt8](repeating: 0, count: 16)
        for index in random.indices { random[index] = UInt8.random(in: 0...255) }
        let payload = Self.base64url(Data(random)) + "." + String(Int(now.timeIntervalSince1970))
        return payload + "." + signature(payload)
    }

    /// The token when it is one this server issued and it has not expired.
    public func verify(_ token: String, now: Date = Date()) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 22, let issued = Double(parts[1]) else { return nil }
        let payload = parts[0] + "." + parts[1]
        guard let given = Self.decodeBase64url(String(parts[2])),
            HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Data(payload.utf8), using: key)
        else { return nil }
        let age = now.timeIntervalSince1970 - issued
        guard age >= -300, age <= lifetime else { return nil }
        return token
    }

    func signature(_ payload: String) -> String {
        Self.base64url(Data(HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key)))
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64url(_ text: String) -> Data? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base)
    }
}
