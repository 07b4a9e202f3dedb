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
    /// Where the bytes already are in the submission's raw bytes, when the decoder can say
    /// (an email part): the store then keeps that range instead of a second copy. Like
    /// `sha256`, not part of equality or the encoded form.
    public var rawRange: RawRange?

    public init(name: String, mediaType: String, data: Data, rawRange: RawRange? = nil) {
        self.name = name
        self.mediaType = mediaType
        self.data = data
        self.rawRange = rawRange
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

/// A run of a submission's raw bytes that holds a file, and how it is written there. Reading
/// the range and decoding it gives the file's bytes again; only encodings that every correct
/// decoder reads alike are used (canonical base64, or the bytes as they are), so what the
/// store keeps does not depend on this version's leniency with malformed input.
public struct RawRange: Hashable, Sendable {
    public enum Coding: String, Sendable {
        /// The bytes as they are (7bit, 8bit, binary).
        case identity
        /// Base64 as RFC 2045 writes it (``TransferEncoding/base64(_:canonical:)``).
        case base64
    }

    public var offset: Int
    public var length: Int
    public var coding: Coding

    public init(offset: Int, length: Int, coding: Coding) {
        self.offset = offset
        self.length = length
        self.coding = coding
    }

    /// The file's bytes from the encoded range, or nil when base64 that should be canonical is not.
    public func decode(_ encoded: Data) -> Data? {
        switch coding {
        case .identity:
            return encoded
        case .base64:
            var canonical = false
            let bytes = TransferEncoding.base64(ArraySlice(encoded), canonical: &canonical)
            return canonical ? Data(bytes) : nil
        }
    }
}
