public import Foundation
package import LetterboxStore
package import Logging
import Metrics
public import ServiceLifecycle
import Synchronization

/// Delivers the outbox: one loop per destination, each claiming the due deliveries (the
/// earliest waiting event of each case), sending them concurrently, and recording every
/// attempt. Runs inside `serve` and `watch` (as a service) and as `letterbox forward` (once).
public final class ForwardWorker: Service, Sendable {
    public struct Options: Sendable {
        /// The most deliveries claimed (and sent concurrently) at once per destination.
        public var batch = 64
        /// How long a claim holds: longer than any one attempt (15 s for HTTP), so a claim only
        /// lapses when its worker died. Then another worker takes the event.
        public var lease: TimeInterval = 120
        /// How often an idle loop looks for new events (a read; nothing is written).
        public var pollInterval: TimeInterval = 0.2
        public var schedule = RetrySchedule.standard
        /// Where a destination seen for the first time starts (nil: from the first event).
        public var since: [String: Date] = [:]
        public init() {}
    }

    public struct Summary: Sendable {
        public var delivered = 0
        public var failed = 0
        public var dead = 0
        public var gone = 0
    }

    let store: any OutboxStore
    let destinations: [any Destination]
    let options: Options
    let logger: Logger
    let worker = "letterbox-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    /// Per destination: failing since when, and how many attempts failed since (for one warning
    /// when an outage starts and one when it ends).
    private let outages = Mutex<[String: (since: Date, failures: Int)]>([:])

    let onStop: @Sendable () async -> Void

    package init(
        store: any OutboxStore, destinations: [any Destination], options: Options = Options(), logger: Logger,
        onStop: @escaping @Sendable () async -> Void = {}
    ) {
        self.onStop = onStop
        self.store = store
        self.destinations = destinations
        self.options = options
        self.logger = logger
    }

    /// Runs until cancelled or a graceful shutdown: the deliveries under way finish first.
    public func run() async throws {
        guard !destinations.isEmpty else { return }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for destination in destinations {
                    group.addTask { await self.loop(destination) }
                }
            }
        } onGracefulShutdown: {}
        for destination in destinations { await destination.shutdown() }
        await onStop()
    }

    /// Delivers everything due now to every destination, then returns (`letterbox forward`).
    /// A failed event is not tried again in the same run: it waits for its next attempt time.
    public func runOnce() async -> Summary {
        var total = Summary()
        let start = Date()
        await withTaskGroup(of: Summary.self) { group in
            for destination in destinations {
                group.addTask {
                    var summary = Summary()
                    while true {
                        guard let done = try? await self.cycle(destination, dueBy: start), done.claimed > 0 else { break }
                        summary.delivered += done.summary.delivered
                        summary.failed += done.summary.failed
                        summary.dead += done.summary.dead
                        summary.gone += done.summary.gone
                    }
                    return summary
                }
            }
            for await summary in group {
                total.delivered += summary.delivered
                total.failed += summary.failed
                total.dead += summary.dead
                total.gone += summary.gone
            }
        }
        for destination in destinations { await destination.shutdown() }
        await onStop()
        return total
    }

    func loop(_ destination: any Destination) async {
        var storeFailing = false
        var gaugesAt = Date.distantPast
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if Date().timeIntervalSince(gaugesAt) >= 5 {
                updateGauges(destination.name)
                gaugesAt = Date()
            }
            do {
                let done = try await cycle(destination)
                if storeFailing {
                    logger.notice("Forwarding to \(destination.name): the store can be read again.")
                    storeFailing = false
                }
                if done.claimed > 0 { continue }
            } catch {
                if !storeFailing {
                    logger.warning("Forwarding to \(destination.name) paused: \(error). Events stay in the outbox.")
                    storeFailing = true
                }
            }
            try? await Task.sleep(for: .milliseconds(Int(options.pollInterval * 1000)), tolerance: .milliseconds(50))
        }
    }

    /// One round: queue new events, claim what is due, send it, record the attempts.
    func cycle(_ destination: any Destination, dueBy: Date? = nil) async throws -> (claimed: Int, summary: Summary) {
        let name = destination.name
        _ = try await offload { try self.store.queueEvents(destination: name, since: self.options.since[name]) }
        let claimed = try await offload {
            try self.store.claimDeliveries(destination: name, limit: self.options.batch, lease: self.options.lease, worker: self.worker, dueBy: dueBy)
        }
        guard !claimed.isEmpty else { return (0, Summary()) }
        let results = await withTaskGroup(of: DeliveryResult.self) { group in
            for delivery in claimed {
                group.addTask { await self.attempt(delivery, to: destination) }
            }
            var results: [DeliveryResult] = []
            for await result in group { results.append(result) }
            return results
        }
        try await offload { try self.store.settleDeliveries(results, destination: name) }
        var summary = Summary()
        for result in results {
            switch result.outcome {
            case .delivered: summary.delivered += 1
            case .failed(let retryAt): if retryAt == nil { summary.dead += 1 } else { summary.failed += 1 }
            case .gone: summary.gone += 1
            }
        }
        report(destination: name, results: results, claimed: claimed)
        return (claimed.count, summary)
    }

    func attempt(_ delivery: ClaimedDelivery, to destination: any Destination) async -> DeliveryResult {
        let started = Date()
        let clock = ContinuousClock.now
        let result: AttemptResult
        do {
            let content = try await offload { try self.store.content(of: delivery, attachmentLimit: destination.attachmentLimit) }
            result = await destination.deliver(content, store: store)
        } catch {
            result = .failure("The event could not be read from the store: \(error)")
        }
        let elapsed = ContinuousClock.now - clock
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let outcome: DeliveryResult.Outcome
        switch result.outcome {
        case .delivered: outcome = .delivered
        case .gone: outcome = .gone
        case .failed(let retryAfter):
            outcome = .failed(retryAt: options.schedule.nextAttempt(afterFailed: delivery.attempts + 1, retryAfter: retryAfter))
        }
        return DeliveryResult(
            deliveryId: delivery.deliveryId, outcome: outcome, startedAt: started, seconds: seconds, status: result.status, answer: result.answer
        )
    }

    /// Metrics for every attempt; one log line when a destination starts failing and one when
    /// it works again (not one per attempt); dead letters and 410s each get their own line.
    func report(destination name: String, results: [DeliveryResult], claimed: [ClaimedDelivery]) {
        let created = Dictionary(uniqueKeysWithValues: claimed.map { ($0.deliveryId, $0.createdAt) })
        var failures = 0
        var successes = 0
        var lastFailure: DeliveryResult?
        for result in results {
            let outcome: String
            switch result.outcome {
            case .delivered:
                outcome = "delivered"
                successes += 1
                if let at = created[result.deliveryId] {
                    Timer(label: "letterbox_forward_delivery_latency_seconds", dimensions: [("destination", name)], preferredDisplayUnit: .seconds)
                        .recordSeconds(max(0, Date().timeIntervalSince(at)))
                }
            case .failed(let retryAt):
                outcome = retryAt == nil ? "dead" : "failed"
                failures += 1
                lastFailure = result
                if retryAt == nil {
                    logger.error("Delivery #\(result.deliveryId) to \(name) is dead after its last attempt; it is kept (letterbox outbox show \(result.deliveryId); retry with letterbox outbox retry).")
                }
            case .gone:
                outcome = "gone"
                logger.error("The receiver for \(name) answered 410 Gone: \(name) is disabled until `letterbox outbox enable \(name)`. Its events are kept.")
            }
            Counter(label: "letterbox_forward_deliveries_total", dimensions: [("destination", name), ("outcome", outcome)]).increment()
            logger.debug("Delivery #\(result.deliveryId) to \(name): \(outcome) \(result.status.map(String.init) ?? "-") in \(result.seconds) s")
        }
        outages.withLock { outages in
            if failures > 0, outages[name] == nil {
                let status = lastFailure?.status.map { "status \($0): " } ?? ""
                logger.warning("Deliveries to \(name) are failing (\(status)\(lastFailure?.answer ?? "no answer")). Events are kept and retried on schedule; one line will say when it recovers.")
                outages[name] = (Date(), failures)
            } else if var outage = outages[name] {
                outage.failures += failures
                if successes > 0 && failures == 0 {
                    let minutes = Int(Date().timeIntervalSince(outage.since) / 60)
                    logger.notice("Deliveries to \(name) work again, after \(outage.failures) failed attempts over \(minutes) min.")
                    outages[name] = nil
                } else {
                    outages[name] = outage
                }
            }
        }
    }

    /// Gauges for `/metrics`: waiting and dead events per destination, the oldest one's age.
    public func updateGauges(_ name: String) {
        guard let counts = try? store.outboxCounts(destinations: [name], countDelivered: false) else { return }
        for count in counts where count.destination == name {
            let labels = [("destination", count.destination)]
            Gauge(label: "letterbox_outbox_pending", dimensions: labels).record(count.pending + count.retrying + count.unqueued)
            Gauge(label: "letterbox_outbox_dead", dimensions: labels).record(count.dead)
            Gauge(label: "letterbox_outbox_oldest_pending_seconds", dimensions: labels)
                .record(count.oldestWaiting.map { max(0, Date().timeIntervalSince($0)) } ?? 0)
            Gauge(label: "letterbox_outbox_destination_disabled", dimensions: labels).record(count.disabledReason == nil ? 0 : 1)
        }
    }
}

/// Runs blocking store work off the cooperative thread pool (SQLite waits on locks and fsync).
func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}
