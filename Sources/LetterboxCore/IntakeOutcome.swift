/// What became of one submission.
public enum Disposition: String, Sendable, Codable, CaseIterable {
    /// Stored, not yet decoded (only seen after a crash; the next delivery resumes it).
    case pending
    /// Became a feedback record.
    case accepted
    /// Arrived before (same idempotency key): nothing new was created.
    case redelivery
    /// Could not be read; the bytes are kept with the reason until someone retries them.
    case quarantined
    /// Read, and not feedback (an auto-reply, a delivery report): kept with the reason.
    case ignored
}

/// The answer for one submission: what happened, the record's reference if there is one, and why.
public struct IntakeOutcome: Sendable, Hashable {
    public var rawSubmissionId: Int64
    public var disposition: Disposition
    /// The record's reference: the new one, or for a redelivery the original's.
    public var reference: String?
    /// Why, in words for staff: the quarantine error, the ignore verdict, the original of a redelivery.
    public var reason: String?
    /// The machine-readable error code for a quarantined submission.
    public var errorCode: String?
    /// For a redelivery: the submission it repeats.
    public var originalSubmissionId: Int64?
    /// For an accepted follow-up: the reference of the case it was linked to.
    public var followUpOf: String?
    /// True when a known submission was skipped without a redelivery row (imports, `whenKnown: .skip`).
    public var skipped: Bool
    /// For a part held until the rest of its message arrives: the message's group.
    public var heldIn: String?

    public init(
        rawSubmissionId: Int64,
        disposition: Disposition,
        reference: String? = nil,
        reason: String? = nil,
        errorCode: String? = nil,
        originalSubmissionId: Int64? = nil,
        followUpOf: String? = nil,
        skipped: Bool = false,
        heldIn: String? = nil
    ) {
        self.rawSubmissionId = rawSubmissionId
        self.disposition = disposition
        self.reference = reference
        self.reason = reason
        self.errorCode = errorCode
        self.originalSubmissionId = originalSubmissionId
        self.followUpOf = followUpOf
        self.skipped = skipped
        self.heldIn = heldIn
    }
}

/// What to do with a submission whose idempotency key is already stored.
public enum WhenKnown: Sendable {
    /// Store it as a `redelivery` row (a transport delivered it again: worth knowing).
    case recordRedelivery
    /// Skip it, writing nothing: re-running an import of an mbox or a Maildir.
    case skip
}
