public import Foundation

/// The fields of one Twilio Programmable Messaging webhook (`application/x-www-form-urlencoded`),
/// in the order they came, and the signature check Twilio documents.
public struct TwilioRequest: Sendable, Hashable {
    public var fields: [(name: String, value: String)]

    public static func == (a: TwilioRequest, b: TwilioRequest) -> Bool {
        a.fields.elementsEqual(b.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }

    public init(fields: [(name: String, value: String)]) {
        self.fields = fields
    }

    /// Parses a urlencoded body: `+` is a space, `%XX` a byte, and the bytes are UTF-8.
    public init(body: Data) throws(TwilioError) {
        guard let text = String(data: body, encoding: .utf8) else { throw TwilioError("The body is not UTF-8 text.") }
        var fields: [(String, String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) throws(TwilioError) -> String {
                guard let value = String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw TwilioError("The body is not valid urlencoded text (a broken %-escape).")
                }
                return value
            }
            fields.append((try decode(halves[0]), halves.count > 1 ? try decode(halves[1]) : ""))
        }
        self.fields = fields
    }

    public subscript(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// What Twilio signs: the URL it posted to, then every POST parameter's name and value,
    /// sorted by name (and by value for a repeated name), with nothing between them.
    public func signedText(url: String) -> String {
        fields.sorted { ($0.name, $0.value) < ($1.name, $1.value) }.reduce(into: url) { $0 += $1.name + $1.value }
    }
}

public struct TwilioError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
