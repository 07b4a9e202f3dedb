import Foundation
public import LetterboxCore

/// Reads a stored form post (the request body exactly as it arrived, with its Content-Type in
/// the metadata) into a feedback draft.
public struct WebFormDecoder: SubmissionDecoder {
    public let channel = Channel.webForm
    public var limits: FormBody.Limits

    /// The metadata key holding the post's Content-Type.
    public static let contentTypeKey = "content-type"

    public init(limits: FormBody.Limits = FormBody.Limits()) {
        self.limits = limits
    }

    public func decode(_ submission: RawSubmission) throws -> Decoded {
        let contentType = submission.metadata[Self.contentTypeKey] ?? "application/x-www-form-urlencoded"
        return try Self.decode(FeedbackForm(try FormBody.parse(submission.bytes, contentType: contentType, limits: limits)))
    }

    /// What the pipeline makes of a form already read (the server has, to validate it).
    public static func decode(_ form: FeedbackForm) throws(IntakeError) -> Decoded {
        if form.honeypotFilled {
            return .ignored(
                verdict: "honeypot",
                reason: "The hidden \"\(FeedbackForm.honeypotField)\" field, which people do not see, was filled in: almost certainly an automated form-filler. Kept in case a person's browser filled it in."
            )
        }
        return .feedback(try form.draft())
    }
}
