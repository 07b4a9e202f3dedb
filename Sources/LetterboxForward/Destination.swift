public import Foundation
package import LetterboxStore

/// What one attempt at one event came to, as a destination sees it.
public struct AttemptResult: Sendable {
    public enum Outcome: Sendable, Equatable {
        case delivered
        /// Failed; `retryAfter` is what the receiver asked for (429 and 503 with Retry-After).
        case failed(retryAfter: TimeInterval?)
        /// 410 Gone: the receiver does not want these any more.
        case gone
    }

    public var outcome: Outcome
    /// The HTTP status, or sendmail's exit status.
    public var status: Int?
    /// The receiver's answer (or the error), for `outbox show`. Never holds a secret.
    public var answer: String?

    public init(_ outcome: Outcome, status: Int? = nil, answer: String? = nil) {
        self.outcome = outcome
        self.status = status
        self.answer = answer
    }

    public static func failure(_ answer: String, status: Int? = nil, retryAfter: TimeInterval? = nil) -> AttemptResult {
        AttemptResult(.failed(retryAfter: retryAfter), status: status, answer: answer)
    }
}

/// A case system Letterbox forwards to. Each is named in `forward.destinations` and has its
/// own queue position; `deliver` is called for one event at a time per case, in order.
package protocol Destination: Sendable {
    /// The name from the configuration (`crm`, `rt`, `officers`).
    var name: String { get }
    /// The most attachment bytes to read for one event (the rest is sent as metadata).
    var attachmentLimit: Int { get }
    /// Sends one event. Never throws: every failure is an attempt result, kept with the event.
    func deliver(_ content: OutboxContent, store: any OutboxStore) async -> AttemptResult
    /// Releases connections (called once, when the worker stops).
    func shutdown() async
}

extension Destination {
    package var attachmentLimit: Int { 10 * 1024 * 1024 }
    public func shutdown() async {}
}

/// The Standard Webhooks retry schedule (the delays after each failed attempt), with jitter.
public struct RetrySchedule: Sendable {
    /// Seconds before attempt 2, 3, ...: after the last one fails, the event is dead-lettered.
    public var delays: [TimeInterval]
    /// Up to this share of each delay is added at random, so a receiver coming back is not hit
    /// by every waiting event in the same second.
    public var jitter: Double

    /// Immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: ten attempts.
    public static let standard = RetrySchedule(
        delays: [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400], jitter: 0.1
    )

    public init(delays: [TimeInterval], jitter: Double = 0.1) {
        self.delays = delays
        self.jitter = jitter
    }

    /// When to try again after `attempts` attempts have failed (nil: no attempts left).
    /// A receiver's Retry-After is honoured (up to a day) in place of the schedule's delay.
    public func nextAttempt(afterFailed attempts: Int, retryAfter: TimeInterval?, now: Date = Date()) -> Date? {
        guard attempts >= 1, attempts <= delays.count else { return nil }
        if let retryAfter { return now.addingTimeInterval(min(max(retryAfter, 0), 86400)) }
        let delay = delays[attempts - 1]
        return now.addingTimeInterval(delay + Double.random(in: 0...(delay * jitter)))
    }
}

/// Reads a Retry-After value: seconds, or an HTTP date.
enum RetryAfter {
    static func seconds(_ value: String?, now: Date = Date()) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
