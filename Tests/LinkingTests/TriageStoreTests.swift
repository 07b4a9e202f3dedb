import Foundation
import GRDB
import LetterboxCore
import LetterboxStore
import LetterboxTesting
import Testing

/// Triage and due dates in the pipeline, on a real store, through the real decoders.
@Suite struct TriageStoreTests {
    @Test(arguments: Backend.allCases)
    func everyRecordGetsAKindFlagsAndDueDates(_ backend: Backend) throws {
        let store = try Channels.store("triage-intake", backend)
        let intake = Channels.intake(store)
        // Monday 2 March 2026, 09:00 UTC.
        let outcomes = try intake.ingest([
            Channels.note([("Caller", "Amira Haddad"), ("Phone", "07700 900123")], text: "Caller reports black mould spreading in the baby's room; the baby is coughing.", at: Channels.at()),
            Channels.email(from: "tom@mail.example", name: "Tom Nowak", subject: "Missed appointment", body: "The engineer never turned up on Tuesday. I waited in all day.", at: Channels.at(hours: 1)),
            Channels.sms(from: "447700900555", text: "Thank you so much to the caretaker, brilliant job on the stairs", at: Channels.at(hours: 2)),
        ])
        let damp = try Channels.record(store, outcomes[0])
        #expect(damp.kind == .serviceRequest)
        #expect(damp.flags.map(\.flag).contains(.dampMouldHazard) && damp.flags.map(\.flag).contains(.vulnerability))
        let clock = try #require(damp.dueDates?.hazardClocks.first)
        #expect(clock.kind == .emergency)
        // The note's call date (09:00 UTC) is when the landlord became aware: 24 hours from then.
        #expect(clock.dueBy == Channels.at().addingTimeInterval(86_400))
        let complaint = try Channels.record(store, outcomes[1])
        #expect(complaint.kind == .complaint && complaint.category == "failure_to_provide")
        let calculator = DueDateCalculator()
        // Received Mon 2 March: acknowledge by Mon 9 March, respond 10 working days later, Mon 23 March.
        #expect(complaint.acknowledgeBy.map { calculator.londonDay($0).day.description } == "2026-03-09")
        #expect(complaint.respondBy.map { calculator.londonDay($0).day.description } == "2026-03-23")
        let compliment = try Channels.record(store, outcomes[2])
        #expect(compliment.kind == .compliment && compliment.respondBy == nil && compliment.acknowledgeBy != nil)
        // Flags are in the flag table too, for reports.
        let counted = try store.reading { db in
            try db.value("SELECT COUNT(*) FROM record_flags WHERE flag IN ('damp_mould_hazard', 'expressed_dissatisfaction')", as: Int.self)
        }
        #expect(counted == 2)

        // Due soonest first; closing a case takes it off the overdue list.
        let due = try store.dueRecords(before: Channels.at(days: 30), openOnly: true)
        #expect(due.first?.reference == damp.reference)
        #expect(Set(due.map(\.reference)) == [damp.reference, complaint.reference, compliment.reference])
        _ = try store.setCaseStatus(reference: damp.reference, open: false, actor: "test", reason: "made safe")
        #expect(!(try store.dueRecords(before: Channels.at(days: 30), openOnly: true).map(\.reference)).contains(damp.reference))
        #expect(try store.dueRecords(before: Channels.at(days: 30), openOnly: false).map(\.reference).contains(damp.reference))
    }

    @Test(arguments: Backend.allCases)
    func anOfficerCorrectsTheKindAndBothReadingsAreKept(_ backend: Backend) throws {
        let store = try Channels.store("triage-correct", backend)
        let outcomes = try Channels.intake(store).ingest([
            Channels.email(from: "joan@mail.example", name: "Joan Price", subject: "Window", body: "The window handle has snapped off, can someone come and fix it?", at: Channels.at()),
        ])
        let before = try Channels.record(store, outcomes[0])
        #expect(before.kind == .serviceRequest && before.acknowledgeBy == nil)
        let after = try store.correctTriage(
            reference: before.reference, kind: .complaint, category: "delay", serviceArea: nil,
            reason: "Third report of the same handle; she asked to complain on the phone.", by: "A. Shah", at: Channels.at(days: 1)
        )
        #expect(after.kind == .complaint && after.category == "delay")
        #expect(after.triage?.kind == .serviceRequest)  // Letterbox's reading, kept
        #expect(after.triageCorrection?.previousKind == "service_request")
        #expect(after.acknowledgeBy != nil)  // the complaint clock, from arrival
        let stored = try #require(try store.record(reference: before.reference))
        #expect(stored.kind == .complaint && stored.kindReason?.contains("A. Shah") == true)
        let entry = try #require(try store.auditTrail(recordId: before.id).first { $0.action == "triage_corrected" })
        #expect(entry.actor == "A. Shah")
        #expect(entry.reason?.contains("now kind complaint") == true && entry.reason?.contains("was kind service_request") == true)
        #expect(entry.reason?.contains("Letterbox read it as kind service_request") == true)
        #expect(entry.reason?.contains("Third report") == true)
        #expect(throws: StoreError.self) {
            try store.correctTriage(reference: "LB-2026-999999", kind: .comment, category: nil, serviceArea: nil, reason: "x", by: "y")
        }
    }

    @Test(arguments: Backend.allCases)
    func backfillReadsRecordsStoredBeforeTriage(_ backend: Backend) throws {
        let store = try Channels.store("triage-backfill", backend)
        let outcomes = try Channels.intake(store).ingest([
            Channels.sms(from: "447700900777", text: "I can smell gas in the hallway", at: Channels.at()),
        ])
        let record = try Channels.record(store, outcomes[0])
        // As a store from before v6 would have it: no kind, no triage flags.
        try store.writing(exclusive: true) { db in
            try db.run("UPDATE records SET kind = NULL, next_due = NULL WHERE id = ?", [record.id])
            try db.run("DELETE FROM record_flags WHERE record_id = ?", [record.id])
        }
        #expect(try store.dueRecords(before: Channels.at(days: 5), openOnly: false).isEmpty)
        #expect(try store.backfillTriage() == 1)
        #expect(try store.backfillTriage() == 0)
        let due = try store.dueRecords(before: Channels.at(days: 5), openOnly: false)
        #expect(due.map(\.reference) == [record.reference])
        #expect(due.first?.flags.filter { $0.flag == .urgentSafety }.count == 1)
    }
}

/// When the statutory clocks start: the adapter says when the landlord became aware.
@Suite struct AwareAtTests {
    @Test("A phone note's call time starts the clock; an email's Date header (the sender's clock) never does", arguments: Backend.allCases)
    func onlyTheLandlordsOwnRecordStartsTheClockEarly(_ backend: Backend) throws {
        let store = try Channels.store("aware-at", backend)
        let intake = Channels.intake(store)
        let note = Channels.note([("Caller", "Amira Haddad"), ("Phone", "07700 900123")], text: "I want to make a complaint: the repair was never done.", at: Channels.at())
        // An email dated three days before it arrived (a wrong clock, or held in an outbox).
        let sent = Channels.email(from: "tom@mail.example", name: "Tom Nowak", subject: "Complaint", body: "I want to make a formal complaint: nobody came to fix the boiler.", at: Channels.at(days: -3))
        let email = RawSubmission(channel: .email, source: sent.source, receivedAt: Channels.at(), bytes: sent.bytes)
        let outcomes = try intake.ingest([note, email])
        let call = try Channels.record(store, outcomes[0])
        #expect(call.awareAt == Channels.at())
        #expect(call.receivedAt == Channels.at().addingTimeInterval(600))
        let mail = try Channels.record(store, outcomes[1])
        #expect(mail.contactedAt == Channels.at(days: -3))
        #expect(mail.awareAt == nil)
        let calculator = DueDateCalculator()
        // Both became known on Monday 2 March: acknowledge by Monday 9 March, not from the Date header's Friday.
        #expect(mail.acknowledgeBy.map { calculator.londonDay($0).day.description } == "2026-03-09")
        #expect(call.acknowledgeBy.map { calculator.londonDay($0).day.description } == "2026-03-09")
    }

    @Test("Phone records stored before awareAt existed get their call time written in by the v9 migration (SQLite's; PostgreSQL's schema began after it)")
    func migrationWritesTheCallTimeIntoOldPhoneRecords() throws {
        let store = try Channels.sqliteStore("aware-at-migration")
        let path = store.path
        let outcomes = try Channels.intake(store).ingest([
            Channels.note([("Caller", "Amira Haddad")], text: "The lift is broken again.", at: Channels.at()),
            Channels.email(from: "tom@mail.example", name: "Tom Nowak", subject: "Lift", body: "The lift is broken.", at: Channels.at()),
        ])
        // As a store written before the field: no awareAt in any document, v9 not yet run.
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE records SET document = json_remove(document, '$.awareAt')")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v9-aware-at'")
        }
        #expect(try Channels.record(store, outcomes[0]).awareAt == nil)
        let reopened = try SQLiteCaseStore(path: path)
        #expect(try Channels.record(reopened, outcomes[0]).awareAt == Channels.at())
        #expect(try Channels.record(reopened, outcomes[1]).awareAt == nil)
    }
}
