import Dispatch
public import Foundation
public import LetterboxCore
import Crypto

/// The pipeline: raw bytes first, then decode, then the record, committed in one transaction.
///
/// ```swift
/// let intake = Intake(store: store, decoders: [PhoneNoteDecoder()])
/// let outcomes = try intake.ingest(submissions)
/// ```
/// A call with submissions not yet read stores all their raw bytes in one transaction (so they
/// are safe before any decoder runs), decodes them, and commits every record, quarantine and
/// ignore verdict in a second transaction. A batch read before the commit (``prepare(_:)``, a
/// server's requests) needs no such guard: its raw bytes and records go in one transaction.
public struct Intake: SubmissionPipeline {
    /// The store the pipeline writes to: SQLite, or PostgreSQL (LetterboxPostgres).
    package let backend: any IntakeStore
    private let byChannel: [Channel: any SubmissionDecoder]
    private let byAdapter: [String: any SubmissionDecoder]
    /// Called after the raw submissions are committed and before decoding: a fault-injection
    /// point for crash tests. While it is set, every batch is committed in two transactions, so
    /// that there is such a moment even for a batch read before the commit.
    public var afterReceive: (@Sendable () -> Void)?
    /// Called with every batch's submissions and outcomes once they are committed, including
    /// the joined submissions of messages that arrived in parts (the server's metrics).
    public var observer: (@Sendable ([RawSubmission], [IntakeOutcome]) -> Void)?

    /// The pipeline with these decoders. The first decoder installed for a channel reads that
    /// channel's submissions that name no adapter.
    public init(store: SQLiteCaseStore, decoders: [any SubmissionDecoder]) {
        self.init(backend: store, decoders: decoders)
    }

    /// The pipeline over any store.
    package init(backend: any IntakeStore, decoders: [any SubmissionDecoder]) {
        self.backend = backend
        var channels: [Channel: any SubmissionDecoder] = [:]
        var adapters: [String: any SubmissionDecoder] = [:]
        for decoder in decoders {
            if channels[decoder.channel] == nil { channels[decoder.channel] = decoder }
            if adapters[decoder.adapterName] == nil { adapters[decoder.adapterName] = decoder }
        }
        self.byChannel = channels
        self.byAdapter = adapters
    }

    /// The pipeline over any store, with every adapter's decoder.
    package init(backend: any IntakeStore, adapters: [any ChannelAdapter]) {
        self.init(backend: backend, decoders: adapters.map(\.decoder))
    }

    /// The pipeline with every adapter's decoder.
    public init(store: SQLiteCaseStore, adapters: [any ChannelAdapter]) {
        self.init(store: store, decoders: adapters.map(\.decoder))
    }

    public func ingest(_ submissions: [RawSubmission], whenKnown: WhenKnown) throws(StoreError) -> [IntakeOutcome] {
        try ingest(submissions.map { Prepared($0) }, whenKnown: whenKnown)
    }

    /// Ingests submissions, returning one outcome per submission in the same order.
    ///
    /// Throws only when the store cannot be written (``StoreError``); bad input is never an
    /// error here, it is an outcome (``Disposition/quarantined``).
    public func ingest(_ submissions: [RawSubmission]) throws(StoreError) -> [IntakeOutcome] {
        try ingest(submissions.map { Prepared($0) }, whenKnown: .recordRedelivery)
    }

    /// Hashes and decodes submissions without touching the store, so that one thread can read
    /// and decode the next batch while another commits this one. Decoding is pure, so doing it
    /// before the raw bytes are stored changes nothing the store keeps: ``commit(_:whenKnown:)``
    /// stores the raw bytes and the records in one transaction. Safe on any thread.
    /// On the calling thread alone: the single writer is an import's limit, and decoding a batch
    /// on two cores took a core from it (the import of 20,000 messages took about 7% longer).
    public func prepare(_ submissions: [RawSubmission]) -> PreparedSubmissions {
        PreparedSubmissions(count: submissions.count, contents: submissions.map { submission in
            Prepared(submission, decoded: decode(submission))
        })
    }

    /// Commits what ``prepare(_:)`` made: the same as ``ingest(_:whenKnown:)`` without decoding
    /// again. (What another pipeline prepared is ingested as plain submissions.)
    public func commit(_ prepared: PreparedSubmissions, whenKnown: WhenKnown = .recordRedelivery) throws(StoreError) -> [IntakeOutcome] {
        try commit(all: [prepared], whenKnown: whenKnown)
    }

    /// What to do with a submission whose idempotency key is already stored.
    public typealias WhenKnown = LetterboxCore.WhenKnown

    /// Stores a submission that the transport itself refused to read (a symbolic link out of a
    /// watched folder, say), straight into quarantine with the reason.
    public func refuse(_ submission: RawSubmission, because error: IntakeError) throws(StoreError) -> IntakeOutcome {
        try ingest([Prepared(submission, decoded: .failure(error))])[0]
    }

    /// One submission hashed, keyed and (when `decoded` is given) read, ready for
    /// ``commit(all:whenKnown:)``: a server does this in the request handler, so the single
    /// writer only writes, and commits every waiting request's together.
    public func prepare(_ submission: RawSubmission, decoded: Result<Decoded, any Error>?) -> PreparedSubmissions {
        PreparedSubmissions(count: 1, contents: [Prepared(submission, decoded: decoded)])
    }

    /// Commits several prepared batches as one, in order.
    public func commit(all batches: [PreparedSubmissions], whenKnown: WhenKnown = .recordRedelivery) throws(StoreError) -> [IntakeOutcome] {
        try ingest(batches.flatMap(Self.items), whenKnown: whenKnown)
    }

    /// What a ``PreparedSubmissions`` holds: this pipeline's prepared items, or (from the
    /// protocol's default `prepare`) plain submissions.
    private static func items(_ batch: PreparedSubmissions) -> [Prepared] {
        if let prepared = batch.contents as? [Prepared] { return prepared }
        guard let submissions = batch.contents as? [RawSubmission] else {
            preconditionFailure("PreparedSubmissions holding \(type(of: batch.contents)), not made by a pipeline")
        }
        return submissions.map { Prepared($0) }
    }

    /// Reads one submission with the installed decoders, without touching the store. Pure.
    public func decodeOnly(_ submission: RawSubmission) -> Result<Decoded, any Error> {
        decode(submission)
    }

    /// Decodes a quarantined (or interrupted) submission again with today's decoders.
    public func retry(rawSubmissionId: Int64) throws(StoreError) -> IntakeOutcome {
        guard let stored = try backend.rawSubmission(id: rawSubmissionId) else {
            throw StoreError(.notFound, "There is no submission #\(rawSubmissionId).")
        }
        guard stored.disposition == .quarantined || stored.disposition == .pending else {
            throw StoreError(
                .invalid,
                "Submission #\(rawSubmissionId) is \(stored.disposition.rawValue), not quarantined: there is nothing to retry."
            )
        }
        return try settleStored(stored, actor: "letterbox quarantine retry")
    }

    /// Reads a stored submission again with today's decoders and settles it (joining its
    /// message when it is the part that completes one).
    private func settleStored(_ stored: StoredSubmission, actor: String) throws(StoreError) -> IntakeOutcome {
        let bytes = try backend.blob(sha256: stored.sha256) ?? Data()
        let submission = RawSubmission(
            channel: stored.channel,
            source: stored.source,
            receivedAt: stored.receivedAt,
            bytes: bytes,
            metadata: stored.metadata
        )
        let outcome = try backend.settle([(stored.id, decode(submission), nil)], actor: actor)[0]
        observer?([submission], [outcome])
        if let group = outcome.heldIn { try joinIfComplete(group) }
        return outcome
    }

    /// Settles every submission left `pending` that arrived before `cutoff`: stored by a process
    /// that stopped (a crash, SIGKILL, a full disk) before it committed what the bytes became.
    /// `serve` and `watch` run this at start-up and every few seconds, so nothing stays pending
    /// whether or not its sender retries. A submission that cannot be read goes to quarantine
    /// like any other. Safe beside a process that is settling the same submission: whichever
    /// commits second finds it settled and changes nothing.
    public func settlePending(receivedBefore cutoff: Date, limit: Int = 500) throws(StoreError) -> [IntakeOutcome] {
        var outcomes: [IntakeOutcome] = []
        for id in try backend.pendingSubmissionIds(receivedBefore: cutoff, limit: limit) {
            guard let stored = try backend.rawSubmission(id: id), stored.disposition == .pending else { continue }
            outcomes.append(try settleStored(stored, actor: "letterbox (resumed after an interruption)"))
        }
        return outcomes
    }

    package struct Prepared {
        var submission: RawSubmission
        var sha256: String
        var key: String
        /// The metadata as the store keeps it (JSON, keys sorted): made here, off the writer.
        var metadataJSON: String
        /// The decoder's answer when it is known before the commit: a batch prepared ahead, or
        /// the transport's own refusal. Nil: decode after the raw bytes are stored.
        var decoded: Result<Decoded, any Error>?
        /// The wording fingerprint of a decoded draft, made here rather than on the writer.
        var fingerprint: TextFingerprint?

        init(_ submission: RawSubmission, decoded: Result<Decoded, any Error>? = nil) {
            self.submission = submission
            self.sha256 = SHA256.hash(data: submission.bytes).hexString
            self.metadataJSON = CompactJSON.object(submission.metadata)
            if let transportKey = submission.transportKey {
                self.key = "\(submission.channel.rawValue):\(transportKey)"
            } else if let id = submission.senderAssignedID {
                self.key = "\(submission.channel.rawValue):\(id):sha256:\(sha256)"
            } else {
                self.key = "\(submission.channel.rawValue):sha256:\(sha256)"
            }
            if let decoded {
                (self.decoded, self.fingerprint) = Self.finished(decoded)
            }
        }

        /// A web form or text message keyed on its bytes alone (no form token, Idempotency-Key
        /// or gateway id) carries no time of its own: the same bytes a day later are the
        /// customer writing again, not a double post or a gateway's retry. Such a submission is
        /// a redelivery of the same bytes only within this window; after it, it is stored under
        /// the key of its UTC day (`KEY:day:N`) and linking decides whether it duplicates or
        /// repeats the first. (Mail and phone notes carry their own date, so the same bytes are
        /// the same message however late: a mailbox imported twice makes no new records.) At
        /// most a day: the lookup reads the keys of this day and the day before only.
        package static let sameContentWindow: TimeInterval = 86_400

        /// The keys of this submission's UTC day and the day before, when the window applies.
        var sameContentDays: (today: String, yesterday: String)? {
            guard submission.transportKey == nil, submission.senderAssignedID == nil,
                submission.channel == .webForm || submission.channel == .sms else { return nil }
            let day = Int64((submission.receivedAt.timeIntervalSince1970 / 86_400).rounded(.down))
            return ("\(key):day:\(day)", "\(key):day:\(day - 1)")
        }

        /// What the writer would otherwise work out from a reading: its attachments' SHA-256
        /// and its wording fingerprint, made here so the writer only looks up and stores.
        static func finished(_ decoded: Result<Decoded, any Error>) -> (Result<Decoded, any Error>, TextFingerprint?) {
            guard case .success(.feedback(var draft)) = decoded else { return (decoded, nil) }
            for index in draft.attachments.indices where draft.attachments[index].sha256 == nil {
                draft.attachments[index].sha256 = SHA256.hash(data: draft.attachments[index].data).hexString
            }
            return (.success(.feedback(draft)), LinkingSubject.fingerprint(of: draft))
        }
    }

    private func ingest(_ batch: [Prepared], whenKnown: WhenKnown = .recordRedelivery) throws(StoreError) -> [IntakeOutcome] {
        guard !batch.isEmpty else { return [] }
        // A key twice in one batch: the later ones wait for a second pass, so they are seen
        // as redeliveries of the first instead of racing it.
        var seen = Set<String>()
        var first: [Int] = []
        var later: [Int] = []
        for (index, item) in batch.enumerated() {
            if seen.insert(item.key).inserted { first.append(index) } else { later.append(index) }
        }
        var outcomes = [IntakeOutcome?](repeating: nil, count: batch.count)
        let firstItems = first.map { batch[$0] }
        let recordRedelivery = whenKnown == .recordRedelivery
        // Outcomes committed by this pass (not redeliveries), for the parts to join.
        var settled: [IntakeOutcome] = []
        if afterReceive == nil, firstItems.allSatisfy({ $0.decoded != nil }) {
            // Read before the commit (an import's prepared batch, a server's requests): the raw
            // bytes and what they became go in one transaction, so nothing is left pending and
            // the batch costs one sync of the store, not two. If that transaction fails, neither
            // is kept and nothing has been acknowledged.
            let receipts = try backend.receiveAndSettle(firstItems, recordRedelivery: recordRedelivery, actor: "letterbox")
            for (offset, receipt) in receipts.enumerated() {
                guard case .settled(let outcome) = receipt else { preconditionFailure("receiveAndSettle left a submission unsettled") }
                outcomes[first[offset]] = outcome
                if outcome.heldIn != nil { settled.append(outcome) }
            }
        } else {
            let receipts = try backend.receive(firstItems, recordRedelivery: recordRedelivery)
            afterReceive?()
            var fresh: [(rawId: Int64, offset: Int)] = []
            for (offset, receipt) in receipts.enumerated() {
                switch receipt {
                case .settled(let outcome):
                    outcomes[first[offset]] = outcome
                case .fresh(let rawId):
                    fresh.append((rawId, offset))
                }
            }
            // Decoders are pure, so a large batch is decoded on every core.
            let transform: @Sendable ((rawId: Int64, offset: Int)) -> (Result<Decoded, any Error>, TextFingerprint?) = { item in
                let prepared = firstItems[item.offset]
                if let decoded = prepared.decoded { return (decoded, prepared.fingerprint) }
                return Prepared.finished(decode(prepared.submission))
            }
            let needsDecoding = fresh.contains { firstItems[$0.offset].decoded == nil }
            let results = needsDecoding ? Self.concurrentMap(fresh, transform) : fresh.map(transform)
            let toSettle: [Settling] = zip(fresh, results).map { ($0.rawId, $1.0, $1.1) }
            let settleIndexes = fresh.map { first[$0.offset] }
            settled = try backend.settle(toSettle, actor: "letterbox")
            for (index, outcome) in zip(settleIndexes, settled) { outcomes[index] = outcome }
        }
        if !later.isEmpty {
            let again = try ingest(later.map { batch[$0] }, whenKnown: whenKnown)
            for (index, outcome) in zip(later, again) { outcomes[index] = outcome }
        }
        let settledOutcomes = outcomes.map { $0! }
        backend.releaseMemoryAfterLargeWrites()
        // The later ones were observed by their own pass.
        observer?(first.map { batch[$0].submission }, first.map { settledOutcomes[$0] })
        // A part that completes its message: join the message now.
        for group in Set(settled.compactMap(\.heldIn)) { try joinIfComplete(group) }
        return settledOutcomes
    }

    /// Joins a message held in parts once every part has arrived.
    private func joinIfComplete(_ group: String) throws(StoreError) {
        let waiting = try backend.waitingParts(groupKey: group)
        guard let total = waiting.first?.total, Set(waiting.map(\.partNumber)).count >= total else { return }
        try join(waiting)
    }

    /// Joins the held parts of one message with its decoder, stores the joined submission
    /// (which becomes the record), and marks the parts joined. Nil when the parts' decoder is gone.
    @discardableResult
    func join(_ held: [HeldPart]) throws(StoreError) -> IntakeOutcome? {
        guard let first = held.first else { return nil }
        var parts: [HeldSubmission] = []
        var seen = Set<Int>()
        for part in held where seen.insert(part.partNumber).inserted {
            guard let stored = try backend.rawSubmission(id: part.rawSubmissionId) else { continue }
            let bytes = try backend.blob(sha256: stored.sha256) ?? Data()
            let submission = RawSubmission(channel: stored.channel, source: stored.source, receivedAt: stored.receivedAt, bytes: bytes, metadata: stored.metadata)
            parts.append(HeldSubmission(number: part.partNumber, rawSubmissionId: part.rawSubmissionId, receivedAt: part.receivedAt, submission: submission))
        }
        guard let sample = parts.first?.submission, let decoder = decoder(for: sample) else { return nil }
        let key = "parts:\(first.groupKey):\(held.map(\.rawSubmissionId).min() ?? 0)"
        var joined: RawSubmission
        do {
            joined = try decoder.join(parts, total: first.total)
        } catch {
            // Cannot happen with a decoder that holds parts; keep the first part's bytes in
            // quarantine with the reason rather than lose track of the message.
            joined = sample
            joined.transportKey = key
            let outcome = try refuse(joined, because: IntakeError(.malformed, "The parts of this message could not be joined: \(error)"))
            try backend.markPartsJoined(held, into: outcome.rawSubmissionId)
            return outcome
        }
        joined.transportKey = key
        joined.receivedAt = held.map(\.receivedAt).min() ?? joined.receivedAt
        if let adapter = sample.metadata[RawSubmission.adapterKey] { joined.metadata[RawSubmission.adapterKey] = adapter }
        let outcome = try ingest([joined])[0]
        try backend.markPartsJoined(held, into: outcome.rawSubmissionId)
        return outcome
    }

    /// Joins the messages whose first part arrived before `cutoff` with the parts that came.
    public func joinWaitingParts(olderThan cutoff: Date) throws(StoreError) -> [IntakeOutcome] {
        var outcomes: [IntakeOutcome] = []
        for group in try backend.partsWaiting(since: cutoff) {
            if let outcome = try join(group) { outcomes.append(outcome) }
        }
        return outcomes
    }

    static func concurrentMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
        // Asking for the processor count reads cgroup files: not worth it for a single message.
        guard items.count > 4 else { return items.map(transform) }
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, 4)
        guard workers > 1 else { return items.map(transform) }
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: items.count)
        results.initialize(repeating: nil)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let shared = results
        // One strided slice per worker thread.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < items.count {
                shared[index] = transform(items[index])
                index += workers
            }
        }
        return results.map { $0! }
    }

    /// The decoder of the adapter that took the submission in; for a submission that names none
    /// (stored before adapters were stamped), the adapter named after its channel, else the first
    /// installed for its channel.
    private func decoder(for submission: RawSubmission) -> (any SubmissionDecoder)? {
        if let adapter = submission.metadata[RawSubmission.adapterKey] { return byAdapter[adapter] }
        return byAdapter[submission.channel.rawValue] ?? byChannel[submission.channel]
    }

    private func decode(_ submission: RawSubmission) -> Result<Decoded, any Error> {
        guard let decoder = decoder(for: submission) else {
            let which = submission.metadata[RawSubmission.adapterKey].map { "the \($0) adapter" } ?? "the \(submission.channel) channel"
            return .failure(IntakeError(.malformed, "No decoder is installed for \(which); configure it, then retry this submission."))
        }
        return Result { completed(try decoder.decode(submission), receivedAt: submission.receivedAt) }
    }

    /// A transport's own reading, completed as the pipeline completes every reading: triage
    /// and the abusive-language terms (pure, so read on the caller's thread, never on the
    /// single writer).
    public func completed(_ decoded: Decoded, receivedAt: Date) -> Decoded {
        guard case .feedback(var draft) = decoded else { return decoded }
        draft.triage = backend.readTriage(draft, received: receivedAt)
        draft.abusiveTerms = backend.abusiveTerms(in: draft)
        return .feedback(draft)
    }
}

extension Sequence where Element == UInt8 {
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Digest {
    var hexString: String { self.withUnsafeBytes { Array($0).hexString } }
}
