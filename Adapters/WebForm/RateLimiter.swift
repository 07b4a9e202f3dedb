public import Foundation
import Synchronization

/// At most `limit` form posts per client address in any `window` seconds (a sliding window).
/// People send one form, or a few; a bot sends hundreds.
public final class RateLimiter: Sendable {
    public let limit: Int
    public let window: TimeInterval
    private let recent = Mutex<[String: [Date]]>([:])

    public init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Nil when the post may go ahead (and counts it); otherwise the seconds until it may.
    public func check(_ client: String, now: Date = Date()) -> Int? {
        guard limit > 0 else { return nil }
        return recent.withLock { recent in
            let cutoff = now.addingTimeInterval(-window)
            if recent.count > 10_000 {
                // Forget clients that have gone quiet, so the table cannot grow without bound.
                recent = recent.filter { $0.value.last.map { $0 > cutoff } ?? false }
            }
            var times = recent[client, default: []].filter { $0 > cutoff }
            if times.count >= limit {
                let wait = times[0].addingTimeInterval(window).timeIntervalSince(now)
                recent[client] = times
                return max(1, Int(wait.rounded(.up)))
            }
            times.append(now)
            recent[client] = times
            return nil
        }
    }
}
