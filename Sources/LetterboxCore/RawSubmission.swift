public import Foundation

/// One arrival of bytes on one channel, exactly as it came, with what the transport knows.
///
/// The store keeps `bytes` unchanged before anything else happens, so a decoder bug or a
/// crash can never lose what a customer sent.
public struct RawSubmission: Sendable {
    public var channel: Channel
    /// Where it came from: a file path, a mailbox, a gateway name.
    public var source: String
    /// When Letterbox got it. Statutory clocks (acknowledgement, Awaab's Law) start here.
    public var receivedAt: Date
    public var bytes: Data
    /// The transport's own identity for the submission (Message-ID, gateway message id, form
    /// token), if it has one. Without it the store keys the submission on its SHA-256.
    public var transportKey: String?
    /// An identifier the sender chose (an email's Message-ID), which is not trusted alone:
    /// the store keys the submission on this identifier together with the SHA-256, so the same
    /// message twice is a redelivery and a different message reusing it is kept and flagged.
    public var senderAssignedID: String?
    /// Anything else the transport knows: envelope addresses, the file name, a request id.
    public var metadata: [String: String]

    /// The metadata key naming the adapter that took the submission in (`twilio`), when a
    /// channel has more than one; the pipeline gives the submission to that adapter's decoder.
    public static let adapterKey = "adapter"

    public init(
        channel: Channel,
        source: String,
        receivedAt: Date,
        bytes: Data,
        transportKey: String? = nil,
        senderAssignedID: String? = nil,
        metadata: [String: String] = [:]
    ) {
        self.channel = channel
        self.source = source
        self.receivedAt = receivedAt
        self.bytes = bytes
        self.transportKey = transportKey
        self.senderAssignedID = senderAssignedID
        self.metadata = metadata
    }
}
