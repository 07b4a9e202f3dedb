public import Foundation

/// Turns the bytes of one submission into a draft feedback record.
///
/// Conformers do no I/O and read no clock: everything they need is in the submission
/// (including `receivedAt`, for inputs that say "today"). Throw ``IntakeError`` for input
/// that cannot be read; the pipeline quarantines it with the error's message as the reason.
/// Any other thrown error is treated the same way, so a decoder bug loses nothing either.
public protocol SubmissionDecoder: Sendable {
    /// The channel whose submissions this decoder reads.
    var channel: Channel { get }
    /// The adapter the decoder belongs to. A submission whose metadata names an adapter
    /// (``RawSubmission/adapterKey``) is read by that adapter's decoder; any other by the first
    /// decoder installed for its channel. Default: the channel's name.
    var adapterName: String { get }
    /// Reads one submission.
    func decode(_ submission: RawSubmission) throws -> Decoded
    /// Joins the held parts of a message that arrived in pieces (``Decoded/held(_:)``) into
    /// one submission, whose bytes hold every part so that it decodes again on its own.
    /// `parts` are in part order and may have gaps (the rest never came). Only adapters
    /// whose decoders hold parts implement it.
    func join(_ parts: [HeldSubmission], total: Int) throws -> RawSubmission
}

extension SubmissionDecoder {
    public var adapterName: String { channel.rawValue }

    public func join(_ parts: [HeldSubmission], total: Int) throws -> RawSubmission {
        throw IntakeError(.malformed, "The \(adapterName) channel does not join parts.")
    }
}

/// What a decoder made of a submission that it could read.
///
/// Expected outcomes are values, not errors: machine mail (an out-of-office, a bounce) is
/// read perfectly well and is simply not feedback.
public enum Decoded: Sendable, Hashable {
    /// Feedback from a person: becomes a record.
    case feedback(FeedbackDraft)
    /// Not feedback (an auto-reply, a delivery report): stored as `ignored` with the verdict
    /// (`auto_reply`, `bounce_permanent`, ...) and the reason.
    case ignored(verdict: String, reason: String)
    /// One part of a message that arrives in pieces (a long text whose gateway does not join
    /// it): stored as `ignored` with the part's verdict, and held, in the same commit, until
    /// the other parts arrive or the wait runs out; then the decoder's ``SubmissionDecoder/join(_:total:)``
    /// makes one submission of them, which becomes the record.
    case held(SubmissionPart)
}

/// Which part of which message a held submission is.
public struct SubmissionPart: Sendable, Hashable {
    /// Names the message: the same for every part of it, different for any other message
    /// (for a long text: the gateway, the sender, the concatenation reference and the count).
    public var group: String
    public var number: Int
    public var total: Int
    /// The verdict it is stored under (`sms_part`), and why, in words for staff.
    public var verdict: String
    public var reason: String

    public init(group: String, number: Int, total: Int, verdict: String, reason: String) {
        self.group = group
        self.number = number
        self.total = total
        self.verdict = verdict
        self.reason = reason
    }
}

/// A held part, as the store gives it back for joining.
public struct HeldSubmission: Sendable {
    public var number: Int
    public var rawSubmissionId: Int64
    public var receivedAt: Date
    public var submission: RawSubmission

    public init(number: Int, rawSubmissionId: Int64, receivedAt: Date, submission: RawSubmission) {
        self.number = number
        self.rawSubmissionId = rawSubmissionId
        self.receivedAt = receivedAt
        self.submission = submission
    }
}
