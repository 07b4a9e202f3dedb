import Foundation
public import LetterboxCore
public import LetterboxStore
public import Logging

/// Group commit: requests that arrive while a commit is under way wait for the next one, which
/// takes them all in one batch (one durable commit, however many requests). Each request is
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
        /// Hashed, keyed and (when the handler read it) decoded in the request handler, so the
        /// commit thread only writes.
        var prepared: PreparedSubmissions
        var continuation: CheckedContinuation<IntakeOutcome, any Error>
    }

    private let condition = NSCondition()
    private var pending: [Work] = []
    private var stopping = false
    private var running = false
    private let finished = DispatchSemaphore(value: 0)

    public let intake: Intake
    let options: Options
    let logger: Logger

    public init(intake: Intake, options: Options = Options(), logger: Logger) {
        self.intake = intake
        self.options = options
        self.logger = logger
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
        // Hashing, keying and the metadata's JSON happen here, on the caller's thread.
        let prepared = intake.prepare(submission, decoded: decoded)
        return try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            if stopping {
                condition.unlock()
                continuation.resume(throwing: StoreError(.busy, "Letterbox is shutting down; try again shortly."))
                return
            }
            pending.append(Work(prepared: prepared, continuation: continuation))
            condition.signal()
            condition.unlock()
        }
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopping { condition.wait() }
            let take = options.groupCommit ? min(pending.count, options.maxBatch) : min(pending.count, 1)
            let batch = Array(pending.prefix(take))
            pending.removeFirst(take)
            let done = stopping && pending.isEmpty
            condition.unlock()

            if !batch.isEmpty { commit(batch) }
            if done && batch.isEmpty {
                finished.signal()
                return
            }
        }
    }

    private func commit(_ batch: [Work]) {
        do {
            let outcomes = try intake.commit(all: batch.map(\.prepared))
            for (work, outcome) in zip(batch, outcomes) { work.continuation.resume(returning: outcome) }
        } catch {
            logger.error("The store could not be written; \(batch.count) request(s) answered 503: \(error)")
            for work in batch { work.continuation.resume(throwing: error) }
        }
    }
}
