import Foundation
import LetterboxCore
import LetterboxEmail
import LetterboxForward
import LetterboxPostgres
import LetterboxStore
import LetterboxTesting
import Logging
import NIOCore
import NIOPosix
import Testing

/// The outbox on PostgreSQL (issue 16): workers of several instances claim with
/// `FOR UPDATE SKIP LOCKED` and short leases.
@Suite(.serialized)
struct PostgresForwardTests {
    /// Holds a store so that a closure on an event loop can drop the last reference to it.
    final class Holder: @unchecked Sendable {
        var store: PostgresCaseStore?
    }

    @Test("A store whose last reference goes on an event loop (a server released by a request handler) closes its connections without waiting there, which NIO traps")
    func releasedOnAnEventLoop() async throws {
        try #require(PostgresServer.installed != nil, "apt-get install postgresql (.ci/run does)")
        let url = try await Fixtures.offPool { try TestStores.makeName(.postgres, "release") }
        let holder = Holder()
        // Opening migrates, which leaves an idle connection for the store's deinit to close.
        holder.store = try await Fixtures.offPool { try PostgresCaseStore(location: try PostgresLocation(url)) }
        try await MultiThreadedEventLoopGroup.singleton.next().submit { holder.store = nil }.get()
        #expect(holder.store == nil)
    }

    @Test("Two workers on one PostgreSQL at once: every event delivered once, in order per case; a dead worker's claims come back when its lease ends")
    func twoWorkers() async throws {
        try #require(PostgresServer.installed != nil, "apt-get install postgresql (.ci/run does)")
        let server = try await Fixtures.offPool { try PostgresServer() }
        defer { server.stop() }
        try await Fixtures.offPool { try server.createDatabase("outbox") }
        // The store is synchronous: it waits off the cooperative pool, which other suites'
        // in-process servers need.
        let url = server.url("outbox")
        let store = try await Fixtures.offPool { try PostgresCaseStore(location: try PostgresLocation(url)) }
        let intake = Intake(backend: store, decoders: [EmailDecoder()])
        try await Fixtures.offPool {
            for person in 0..<6 {
                let first = UUID().uuidString
                _ = try intake.ingest([Mail.raw(from: "tenant\(person)@tenant.example", subject: "Lift \(person)", body: "The lift at block \(person) is broken again.", id: first)])
                for update in 1...3 {
                    _ = try intake.ingest([Mail.raw(from: "tenant\(person)@tenant.example", subject: "Re: Lift \(person)", body: "Update \(update): still broken.", inReplyTo: first)])
                }
            }
        }
        let events = 24
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        func worker() throws -> ForwardWorker {
            var configuration = ForwardConfiguration()
            configuration.schedule = RetrySchedule(delays: [0.3, 0.3, 0.3], jitter: 0)
            configuration.timeout = 10
            configuration.destinations = [webhook(receiver.url)]
            var logger = Logger(label: "forward-test")
            logger.logLevel = .critical
            return try configuration.makeWorker(store: store, logger: logger)
        }
        let (one, two) = (try worker(), try worker())
        async let first = one.runOnce()
        async let second = two.runOnce()
        let (a, b) = await (first, second)
        #expect(a.delivered + b.delivered == events, "\(a) \(b)")
        let got = receiver.deliveries
        #expect(got.count == events)
        #expect(Set(got.map(\.id)).count == events, "each event once")
        // In order per case: each case's events arrive in the order they were made.
        let rows = try await Fixtures.offPool { try store.deliveries(destination: "crm", state: nil, limit: 1000) }
        let order = Dictionary(uniqueKeysWithValues: rows.map { ($0.eventId, $0.id) })
        for (reference, deliveries) in Dictionary(grouping: got, by: \.caseReference) {
            let positions = deliveries.map { order[$0.id] ?? 0 }
            #expect(positions == positions.sorted(), "case \(reference)")
            #expect(deliveries.map(\.type) == ["record.created", "record.linked", "record.linked", "record.linked"], "case \(reference)")
        }

        // A worker that claims and dies: nobody else may take its events until the lease ends.
        let claimed = try await Fixtures.offPool {
            _ = try intake.ingest([Mail.raw(from: "late@tenant.example", subject: "Door", body: "The front door lock is broken.")])
            _ = try store.queueEvents(destination: "crm", since: nil, limit: 100)
            return try store.claimDeliveries(destination: "crm", limit: 10, lease: 1.5, worker: "died", now: Date(), dueBy: nil)
        }
        #expect(claimed.count == 1)
        #expect(await (try worker()).runOnce().delivered == 0)
        try await Task.sleep(for: .seconds(2))
        #expect(await (try worker()).runOnce().delivered == 1)
        #expect(receiver.deliveries.count == events + 1)
        let state = try await Fixtures.offPool { try store.delivery(id: claimed[0].deliveryId)?.0.state }
        #expect(state == "delivered")
    }
}
