package import Foundation
package import Synchronization
package import LetterboxCore

/// A case store as the shared rules see it: its options and word lists, and the caches its
/// writer keeps. Intake, contact resolution, linking, persistence and the outbox events are
/// written once, in extensions of this protocol, against a ``StoreConnection``; the SQLite
/// store and the PostgreSQL store (LetterboxPostgres) each open the transaction and hand the
/// rules their connection.
package protocol CaseStoreRules: Sendable {
    var options: SQLiteCaseStore.Options { get }
    var abusiveMatcher: PhraseMatcher<String> { get }
    var emergencyMatcher: PhraseMatcher<String> { get }
    var caches: StoreCaches { get }
}

/// What a store's writer remembers between transactions.
package final class StoreCaches: Sendable {
    /// Blob bytes written since the last release of the page caches (SQLite).
    package let blobBytesWritten = Mutex(0)

    /// Content words of earlier records, by text hash and place (a pure function of both, so a
    /// rolled-back row cannot leave a wrong entry): an import compares the same open cases'
    /// records with many later ones, and making the words was 4% of it. Emptied when full.
    let contentWords = Mutex<[ContentWordsKey: ContentWords]>([:])
    struct ContentWordsKey: Hashable {
        var textHash: Int64
        var place: String?
    }
    static let contentWordsKept = 20_000

    package init() {}
}

/// What the decoders made of one stored submission, for ``IntakeStore/settle(_:actor:)``: the raw
/// row's id, the reading, and its wording fingerprint when it was made before the commit (off the
/// single writer; the store makes it otherwise).
package typealias Settling = (rawId: Int64, reading: Result<Decoded, any Error>, fingerprint: TextFingerprint?)

/// What the pipeline (``Intake``) needs of a store: receiving raw bytes, settling what the
/// decoders made of them, and finding what was left pending or held in parts.
package protocol IntakeStore: CaseStoreRules {
    func receive(_ batch: [Intake.Prepared], recordRedelivery: Bool) throws(StoreError) -> [Receipt]
    func settle(_ results: [Settling], actor: String) throws(StoreError) -> [IntakeOutcome]
    /// ``receive(_:recordRedelivery:)`` and ``settle(_:actor:)`` in one transaction, for a batch
    /// whose readings are all known before the commit: every receipt comes back settled.
    func receiveAndSettle(_ batch: [Intake.Prepared], recordRedelivery: Bool, actor: String) throws(StoreError) -> [Receipt]
    func rawSubmission(id: Int64) throws(StoreError) -> StoredSubmission?
    func blob(sha256: String) throws(StoreError) -> Data?
    func pendingSubmissionIds(receivedBefore cutoff: Date, limit: Int) throws(StoreError) -> [Int64]
    func waitingParts(groupKey: String) throws(StoreError) -> [HeldPart]
    func markPartsJoined(_ parts: [HeldPart], into joinedSubmissionId: Int64) throws(StoreError)
    func partsWaiting(since cutoff: Date) throws(StoreError) -> [[HeldPart]]
    func releaseMemoryAfterLargeWrites()
    /// The triage rules' reading of a draft. A requirement, not only the extension's method, so
    /// that the pipeline (which holds `any IntakeStore`) calls the store's specialised copy:
    /// through the existential, the extension's generic body copied the whole options value
    /// (the triage model's tables among them) for every record.
    func readTriage(_ draft: FeedbackDraft, received: Date) -> TriageReading
    /// The terms of the abusive-language list in a draft's subject and text (pure: the pipeline
    /// calls it while decoding; a requirement for the same reason as ``readTriage(_:received:)``).
    func abusiveTerms(in draft: FeedbackDraft) -> [String]
    /// Checks that the store can be written now (for health checks and start-up).
    func checkWritable() throws(StoreError)
}

/// Transactions as the shared queries that are not intake's see them (the outbox).
package protocol StoreTransactions: CaseStoreRules {
    func reading<T>(_ body: (any StoreConnection) throws -> T) throws(StoreError) -> T
    /// A write transaction. `exclusive`: under the store's one-writer lock (whatever changes
    /// records, contacts or cases, or adds events); else only the rows it changes are locked
    /// (claiming and settling deliveries on PostgreSQL). SQLite has one writer either way.
    func writing<T>(exclusive: Bool, _ body: (any StoreConnection) throws -> T) throws(StoreError) -> T
    /// The clause that locks the rows a claim selects from `table` and skips rows another
    /// transaction holds: `FOR UPDATE OF d SKIP LOCKED` on PostgreSQL, nothing on SQLite.
    func skipLocked(_ table: String) -> String
}

/// Everything the commands ask of a store: intake, the outbox, and (StoreReading) listing,
/// showing, exporting, counting and correcting. Both stores are one.
package protocol CaseStore: IntakeStore, OutboxStore {}

extension SQLiteCaseStore: CaseStore {}
