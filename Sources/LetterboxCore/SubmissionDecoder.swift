/// Turns the bytes of one submission into a draft feedback record.
///
/// Conformers do no I/O and read no clock: everything they need is in the submission
/// (including `receivedAt`, for inputs that say "today"). Throw ``IntakeError`` for input
/// that cannot be read; the pipeline quarantines it with the error's message as the reason.
/// Any other thrown error is treated the same way, so a decoder bug loses nothing either.
public protocol SubmissionDecoder: Sendable {
    /// The channel whose submissions this decoder reads.
    var channel: Channel { get }
    /// Reads one submission.
    func decode(_ submission: RawSubmission) throws -> Decoded
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
}
