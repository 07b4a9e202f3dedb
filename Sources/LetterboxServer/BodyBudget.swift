import Synchronization

/// The bytes of request bodies held in memory at once, across every request.
///
/// Each route has its own limit, but many requests within their limits at once still add up:
/// four 50 MB form posts would hold 200 MB before anything is decoded. A body is read only
/// while the budget has room for it (its declared length up front, or chunk by chunk when it
/// declares none); a request that finds no room waits a little, then is answered 503 with
/// Retry-After, and nothing is read. One body is always admitted when no other is held, so a
/// route's own limit is never made unreachable by a smaller budget.
public final class BodyBudget: Sendable {
    public let capacity: Int
    private let used = Mutex(0)

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// Bytes held now.
    public var inUse: Int { used.withLock { $0 } }

    /// Takes `bytes` if there is room now.
    public func tryReserve(_ bytes: Int) -> Bool {
        used.withLock { used in
            guard used == 0 || used + bytes <= capacity else { return false }
            used += bytes
            return true
        }
    }

    /// Takes `bytes`, waiting up to `patience` seconds for room.
    public func reserve(_ bytes: Int, patience: Double) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(patience * 1000))
        while true {
            if tryReserve(bytes) { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    public func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        used.withLock { $0 = max(0, $0 - bytes) }
    }
}
