public import Foundation

/// A Twilio webhook stored together with the media Letterbox fetched for it (`fetchMedia`).
///
/// The stored bytes must hold everything the decoder reads, so that `quarantine retry` reads
/// the same record again without going back to Twilio. The bundle is Letterbox's own framing:
/// a first line, then each item as one header line and its bytes, lengths given up front:
///
/// ```
/// LETTERBOX-TWILIO-MEDIA 1
/// webhook 312
/// <the urlencoded body exactly as Twilio posted it>
/// media 0 fetched 48213 image/jpeg https://api.twilio.com/.../Media/ME1
/// <the picture's bytes>
/// media 1 failed 41 image/png https://api.twilio.com/.../Media/ME2
/// <why it was not fetched, UTF-8>
/// ```
///
/// Every line ends in CRLF. Lengths framing the items (rather than MIME boundaries) make the
/// reader a few bounds checks: the bytes are written by Letterbox itself, so a general MIME
/// parser would add nothing, and the one available (multipart-kit) traps on some inputs.
public struct TwilioMediaBundle: Sendable, Hashable {
    public struct Item: Sendable, Hashable {
        public var index: Int
        public var url: String
        public var contentType: String
        /// The bytes when fetched; nil with `failure` when not.
        public var data: Data?
        public var failure: String?

        public init(index: Int, url: String, contentType: String, data: Data? = nil, failure: String? = nil) {
            self.index = index
            self.url = url
            self.contentType = contentType
            self.data = data
            self.failure = failure
        }
    }

    /// The webhook body exactly as it arrived (what the signature was checked over).
    public var webhook: Data
    public var items: [Item]

    public init(webhook: Data, items: [Item]) {
        self.webhook = webhook
        self.items = items
    }

    /// The stored submission's `content-type` metadata.
    public static let contentType = "application/x.letterbox-twilio-media"

    static let magic = Array("LETTERBOX-TWILIO-MEDIA 1\r\n".utf8)

    /// True when stored bytes are a bundle rather than a bare webhook body (which is
    /// urlencoded, and so never starts with a space-separated line).
    public static func isBundle(_ bytes: Data) -> Bool { bytes.starts(with: magic) }

    public var bytes: Data {
        var out = Data(Self.magic)
        func line(_ text: String) { out.append(contentsOf: Array((text + "\r\n").utf8)) }
        line("webhook \(webhook.count)")
        out.append(webhook)
        line("")
        for item in items {
            // Header values come from the signed webhook; white space in them would break the line.
            let type = item.contentType.filter { !$0.isWhitespace }
            let url = item.url.filter { !$0.isWhitespace }
            let body = item.data ?? Data((item.failure ?? "").utf8)
            line("media \(item.index) \(item.data == nil ? "failed" : "fetched") \(body.count) \(type.isEmpty ? "application/octet-stream" : type) \(url)")
            out.append(body)
            line("")
        }
        return out
    }

    /// Reads a bundle; throws on anything that does not add up.
    public init(bytes: Data) throws(TwilioError) {
        let all = [UInt8](bytes)
        guard all.starts(with: Self.magic) else { throw TwilioError("The stored Twilio message is not a media bundle.") }
        var at = Self.magic.count
        func headerLine() throws(TwilioError) -> [Substring] {
            var end = at
            while end + 1 < all.count, !(all[end] == 0x0D && all[end + 1] == 0x0A) {
                end += 1
                if end - at > 8192 { throw TwilioError("A line of the media bundle is too long.") }
            }
            guard end + 1 < all.count, let text = String(bytes: all[at..<end], encoding: .utf8) else {
                throw TwilioError("The media bundle is cut off in a header line.")
            }
            at = end + 2
            return text.split(separator: " ", omittingEmptySubsequences: false)
        }
        func content(_ count: Int) throws(TwilioError) -> Data {
            guard count >= 0, count <= all.count - at, all.count - at - count >= 2,
                all[at + count] == 0x0D, all[at + count + 1] == 0x0A
            else { throw TwilioError("The media bundle is cut off in an item's bytes.") }
            let data = Data(all[at..<(at + count)])
            at += count + 2
            return data
        }
        let first = try headerLine()
        guard first.count == 2, first[0] == "webhook", let length = Int(first[1]) else {
            throw TwilioError("The media bundle does not start with the webhook.")
        }
        webhook = try content(length)
        items = []
        while at < all.count {
            let fields = try headerLine()
            guard fields.count == 6, fields[0] == "media", let index = Int(fields[1]), let length = Int(fields[3]),
                fields[2] == "fetched" || fields[2] == "failed"
            else { throw TwilioError("A media item's header in the bundle cannot be read.") }
            let data = try content(length)
            let fetched = fields[2] == "fetched"
            items.append(Item(
                index: index, url: String(fields[5]), contentType: String(fields[4]),
                data: fetched ? data : nil, failure: fetched ? nil : String(decoding: data, as: UTF8.self)
            ))
            guard items.count <= 10 else { throw TwilioError("The media bundle holds more than 10 media.") }
        }
    }
}
