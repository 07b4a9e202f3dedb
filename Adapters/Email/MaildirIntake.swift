import Foundation
public import LetterboxCore

/// Stores Maildir messages in batches, for the one-off import and the watcher alike.
public enum MaildirIntake {
    /// Reads and commits the entries, calling `each` after each message's commit (that is when
    /// it may be marked seen). Files that can no longer be read (moved away by another reader)
    /// are left where they are and counted in the result.
    public static func ingest(
        _ entries: [Maildir.Entry],
        intake: any SubmissionPipeline,
        whenKnown: WhenKnown,
        batchSize: Int = 128,
        stop: () -> Bool = { false },
        each: (Maildir.Entry, IntakeOutcome) throws -> Void
    ) throws -> Int {
        var unreadable = 0
        var index = 0
        while index < entries.count && !stop() {
            let slice = entries[index..<min(index + batchSize, entries.count)]
            index += slice.count
            var batch: [(Maildir.Entry, RawSubmission)] = []
            for entry in slice {
                guard let data = FileManager.default.contents(atPath: entry.path) else {
                    unreadable += 1
                    continue
                }
                batch.append((entry, EmailSubmission.make(data, source: "maildir:\(entry.folder)", receivedAt: Date())))
            }
            let outcomes = try intake.ingest(batch.map(\.1), whenKnown: whenKnown)
            for ((entry, _), outcome) in zip(batch, outcomes) { try each(entry, outcome) }
        }
        return unreadable
    }
}
