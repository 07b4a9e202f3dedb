/// The way a submission reached Letterbox.
///
/// An open set: a new channel is a new static member, so adding one breaks no `switch`.
/// The raw value is the stable name used in the store, in exports and on the command line.
public struct Channel: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// Email: the mail-server pipe, mbox files and Maildir folders.
    public static let email = Channel(rawValue: "email")
    /// The public website's feedback form and the JSON API behind it.
    public static let webForm = Channel(rawValue: "web_form")
    /// Inbound text messages posted by an SMS gateway.
    public static let sms = Channel(rawValue: "sms")
    /// Typed-up notes of phone calls, dropped by staff into a watched folder.
    public static let phone = Channel(rawValue: "phone")

    public var description: String { rawValue }

}
