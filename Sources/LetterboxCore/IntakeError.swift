/// Why a submission could not be turned into a feedback record.
///
/// Thrown by decoders and readers; the pipeline quarantines the raw bytes with ``message``
/// as the reason, so the message is written for the member of staff who will read it.
public struct IntakeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable kind of failure.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Nothing in it: zero bytes, or only white space.
        public static let empty = Code(rawValue: "empty")
        /// Larger than the configured limit for its channel.
        public static let tooLarge = Code(rawValue: "too_large")
        /// Not text: NUL bytes, control characters, an image, a zip.
        public static let binary = Code(rawValue: "binary")
        /// Text in an encoding that cannot be read, or bytes that break the encoding it declares.
        public static let encoding = Code(rawValue: "encoding")
        /// Text that does not follow the channel's format.
        public static let malformed = Code(rawValue: "malformed")
        /// Refused for safety (a link out of a watched folder, for example).
        public static let refused = Code(rawValue: "refused")
    }

    public var code: Code
    /// Plain-English explanation of what is wrong and, where it helps, how to fix it.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
