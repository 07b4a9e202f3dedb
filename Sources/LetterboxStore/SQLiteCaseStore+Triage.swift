package import Foundation
import GRDB
package import LetterboxCore

extension CaseStoreRules {
    /// When the landlord became aware of the contact: when it arrived, or earlier when its
    /// adapter says so from the landlord's own record (a phone call typed up later was heard
    /// when it was taken). Never after arrival.
    func awareAt(_ record: FeedbackRecord) -> Date {
        if let aware = record.awareAt, aware <= record.receivedAt { return aware }
        return record.receivedAt
    }

    /// The triage rules' reading of a draft (pure: the pipeline calls it while decoding).
    package func readTriage(_ draft: FeedbackDraft, received: Date) -> TriageReading {
        options.triage.read(
            subject: draft.subject, body: draft.body, statedKind: draft.statedKind,
            representative: draft.representative, received: received
        )
    }

    /// The terms of the abusive-language list in a draft's subject and text (pure: the pipeline
    /// calls it while decoding, beside ``readTriage(_:received:)``).
    package func abusiveTerms(in draft: FeedbackDraft) -> [String] {
        abusiveMatcher.terms(in: Self.textRuleWords(draft))
    }

    /// Puts a triage reading (the one made while decoding, else one made now) and the due dates
    /// on the record.
    func applyTriage(to record: inout FeedbackRecord, reading made: TriageReading? = nil) {
        let reading = made ?? options.triage.read(
            subject: record.subject, body: record.body, statedKind: record.statedKind,
            representative: record.representative, received: record.receivedAt
        )
        for entry in reading.flags where !record.flags.contains(where: { $0.flag == entry.flag }) {
            record.flags.append(entry)
        }
        record.apply(reading, dueDates: dueDates(for: reading.kind, reading: reading, record: record))
    }

    func dueDates(for kind: FeedbackRecord.Kind?, reading: TriageReading?, record: FeedbackRecord) -> DueDates {
        let hazardReason = record.flags.first { $0.flag == .urgentSafety }?.reason ?? record.flags.first { $0.flag == .dampMouldHazard }?.reason ?? ""
        return options.timescales.dueDates(
            kind: kind, stage: reading?.stage ?? 1,
            hazard: reading?.hazard.map { ($0, hazardReason) },
            received: awareAt(record)
        )
    }

    /// kind, category, service_area, acknowledge_by, respond_by, hazard_due, next_due.
    static func triageColumns(_ record: FeedbackRecord) -> SQLArguments {
        let hazard = record.dueDates?.hazardClocks.map(\.dueBy).min()
        return [
            record.kind?.rawValue, record.category, record.serviceArea,
            record.acknowledgeBy.map(Timestamp.stored), record.respondBy.map(Timestamp.stored),
            hazard.map(Timestamp.stored), record.dueDates?.next.map(Timestamp.stored),
        ]
    }
}

extension SQLiteCaseStore {
    static let triageFlags: Set<Flag> = [
        .expressedDissatisfaction, .dampMouldHazard, .urgentSafety, .vulnerability, .representative, .escalationRequest, .possiblyOutOfTime,
    ]
    /// The flags above as an SQL list: `'damp_mould_hazard','escalation_request',...`.
    static let triageFlagList = triageFlags.map { "'\($0.rawValue)'" }.sorted().joined(separator: ",")
    /// A record whose case has not been closed (closing a case stops its clocks).
    static let caseNotClosed = "NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = records.case_id AND c.status = 'closed')"
}
