public import Foundation
public import LetterboxCore
public import LetterboxStore
public import Logging

/// Group commit: requests that arrive while a commit is under way wait for the next one, which
/// takes them all in one batch (two durable commits, however many requests). Each request is
/// answered only after its batch has reached the disk.
///
/// One thread owns the store's writes, so SQLite never blocks an event loop and the writer lock
/// is never contended inside this process.
public final class CommitQueue: @unchecked Sendable {
    public struct Options: Sendable {
        /// Off: one batch per request (one request's commits at a time), the baseline group
        /// commit is measured against.
        public var groupCommit: Bool
        public var maxBatch: Int

        public init(groupCommit: Bool = true, maxBatch: Int = 256) {
            self.groupCommit = groupCommit
            self.maxBatch = maxBatch
        }
    }

    struct Work {
        var submission: RawSubmission
        /// Decoded (or refused) by the request handler already; nil to decode on the commit thread.
        var decoded: Result<Decoded, any Error>?
        var continuation: CheckedContinuation<IntakeOutcome, any Error>
    }

    private let condition = NSCondition()
    private var pending: [Work] = []
    private var stopping = false
    private var running = false
    private let finished = DispatchSemaphore(value: 0)
    private var periodic: [(interval: TimeInterval, last: Date, job: @Sendable () -> Void)] = []

    public let intake: Intake
    let options: Options
    let logger: Logger
    /// Runs on the commit thread after each batch, with the batch's submissions and outcomes.
    let afterCommit: @Sendable ([RawSubmission], [IntakeOutcome]) -> Void

    public init(intake: Intake, options: Options = Options(), logger: Logger, afterCommit: @escaping @Sendable ([RawSubmission], [IntakeOutcome]) -> Void = { _, _ in }) {
        self.intake = intake
        self.options = options
        self.logger = logger
        self.afterCommit = afterCommit
    }

    /// Adds a job the commit thread runs every `interval` seconds between batches (the sweep
    /// for long texts whose parts stopped coming). Call before ``start()``.
    public func every(_ interval: TimeInterval, _ job: @escaping @Sendable () -> Void) {
        periodic.append((interval, Date(), job))
    }

    public func start() {
        condition.lock()
        guard !running else {
            condition.unlock()
            return
        }
        running = true
        condition.unlock()
        let thread = Thread { [self] in loop() }
        thread.name = "letterbox-commit"
        thread.start()
    }

    /// Commits what is queued, then stops the thread. Later submissions fail with a busy store error.
    public func stop() {
        condition.lock()
        let wasRunning = running
        stopping = true
        condition.broadcast()
        condition.unlock()
        if wasRunning { finished.wait() }
    }

    /// Stores a submission and answers once it is durable.
    public func submit(_ submission: RawSubmission, decoded: Result<Decoded, any Error>? = nil) async throws -> IntakeOutcome {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            if stopping {
                condition.unlock()
                continuation.resume(throwing: StoreError(.busy, "Letterbox is shutting down; try again shortly."))
                return
            }
            pending.append(Work(submission: submission, decoded: decoded, continuation: continuation))
            condition.signal()
            condition.unlock()
        }
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopping {
                let next = periodic.map { $0.last.addingTimeInterval($0.interval) }.min() ?? Date.distantFuture
                if next <= Date() { break }
                _ = condition.wait(until: min(next, Date().addingTimeInterval(60)))
            }
            let take = options.groupCommit ? min(pending.count, options.maxBatch) : min(pending.count, 1)
            let batch = Array(pending.prefix(take))
            pending.removeFirst(take)
            let done = stopping && pending.isEmpty
            condition.unlock()

            if !batch.isEmpty { commit(batch) }
            runPeriodic()
            if done && batch.isEmpty {
                finished.signal()
                return
            }
        }
    }

    private func runPeriodic() {
        let now = Date()
        for index in periodic.indices where now.timeIntervalSince(periodic[index].last) >= periodic[index].interval {
            periodic[index].last = now
            periodic[index].job()
        }
    }

    private func commit(_ batch: [Work]) {
        let submissions = batch.map(\.submission)
        do {
            let outcomes = try intake.ingest(submissions, decoded: batch.map(\.decoded))
            for (work, outcome) in zip(batch, outcomes) { work.continuation.resume(returning: outcome) }
            afterCommit(submissions, outcomes)
        } catch {
            logger.error("The store could not be written; \(batch.count) request(s) answered 503: \(error)")
            for work in batch { work.continuation.resume(throwing: error) }
        }
    }
}
