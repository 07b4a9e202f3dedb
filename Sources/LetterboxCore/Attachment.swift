public import Foundation

/// A file that came with a submission, as stored: the bytes live in the content-addressed
/// blob store under `sha256`.
public struct Attachment: Hashable, Codable, Sendable {
    /// The file name, sanitised (no folders, no control characters).
    public var name: String
    public var mediaType: String
    public var size: Int
    /// Lower-case hex SHA-256 of the bytes; the key into the blob store.
    public var sha256: String

    public init(name: String, mediaType: String, size: Int, sha256: String) {
        self.name = name
        self.mediaType = mediaType
        self.size = size
        self.sha256 = sha256
    }
}

/// A file a decoder found in a submission, with its bytes, before it is stored.
public struct AttachmentPayload: Hashable, Codable, Sendable {
    public var name: String
    public var mediaType: String
    public var data: Data
    /// The bytes' SHA-256 (lower-case hex) when it was worked out before the commit, off the
    /// store's single writer (the pipeline does it while preparing a batch); the store works it
    /// out when it is nil. Not part of equality or the encoded form: it follows from `data`.
    public var sha256: String?

    public init(name: String, mediaType: String, data: Data) {
        self.name = name
        self.mediaType = mediaType
        self.data = data
    }

    private enum CodingKeys: String, CodingKey { case name, mediaType, data }

    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && a.mediaType == b.mediaType && a.data == b.data
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(mediaType)
        hasher.combine(data)
    }
}
