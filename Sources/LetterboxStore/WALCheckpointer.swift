import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Copies the WAL back into the database on a connection and a thread of its own, so that the
/// writer does not stop for it.
///
/// SQLite's automatic checkpoint runs inside the commit that takes the WAL over its limit: the
/// writer copies every page the WAL holds into the database file and syncs it before it can go on.
/// On a store of a million records those pages are scattered through the indexes and the
/// checkpoint took 9% of intake's time (2.9% on an empty store, `perf` on `letterbox-bench
/// dedup-scale`). Here the commit only asks (a WAL hook sees the frame count after each commit)
/// and a passive checkpoint runs beside the next batches, on another core.
///
/// A passive checkpoint never waits for the writer or for readers, and the WAL starts again from
/// its beginning at the first commit after a checkpoint copied all of it. If the checkpoints fall
/// behind (or never finish, in a process that exits first), the writer checkpoints itself once
/// the WAL holds ``catchUpFactor`` times the limit, as SQLite would have: the WAL stays bounded.
package final class WALCheckpointer: Sendable {
    let path: String
    /// The WAL's size, in pages, from which a checkpoint is asked for (set by ``install(on:thresholdPages:)``).
    private let threshold = Atomic<Int32>(Int32.max)
    package var thresholdPages: Int32 { threshold.load(ordering: .relaxed) }
    /// The writer checkpoints itself from this many times ``thresholdPages``.
    package static let catchUpFactor: Int32 = 4
    private let queue = DispatchQueue(label: "letterbox.wal-checkpoint", qos: .utility)
    private let requested = Atomic<Bool>(false)
    /// The WAL's size when a checkpoint was last asked for (0: not since it started again).
    private let askedAt = Atomic<Int32>(0)
    /// The checkpointer's own connection, opened on first use (a process that never fills the
    /// WAL never opens it).
    private let connection = Mutex<DatabaseQueue?>(nil)
    /// How many checkpoints ran in the background, and how many the writer ran itself (for tests).
    private let background = Atomic<Int>(0)
    private let byWriter = Atomic<Int>(0)
    package var backgroundRuns: Int { background.load(ordering: .relaxed) }
    package var writerRuns: Int { byWriter.load(ordering: .relaxed) }

    init(path: String) {
        self.path = path
    }

    /// Installs the hook on the writer's connection (it replaces SQLite's automatic checkpoint),
    /// asking for a checkpoint from `thresholdPages` pages in the WAL. The checkpointer must
    /// outlive the connection: the store holds both.
    func install(on db: Database, thresholdPages: Int32) {
        threshold.store(max(1, thresholdPages), ordering: .relaxed)
        sqlite3_wal_hook(db.sqliteConnection, { context, connection, name, frames in
            guard let context else { return SQLITE_OK }
            let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
            checkpointer.committed(frames: frames, connection: connection, name: name)
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// After a commit that left `frames` pages in the WAL. Called on the writer alone.
    private func committed(frames: Int32, connection: OpaquePointer?, name: UnsafePointer<CChar>?) {
        let limit = threshold.load(ordering: .relaxed)
        // The WAL started again from its beginning (a checkpoint had copied all of it).
        if frames < askedAt.load(ordering: .relaxed) { askedAt.store(0, ordering: .relaxed) }
        guard frames >= limit else { return }
        if frames >= limit &* Self.catchUpFactor {
            // Behind: the writer catches up itself, as SQLite's own hook does (busy, and so
            // quick, while a checkpoint beside it runs); the next commit starts the WAL again.
            if sqlite3_wal_checkpoint_v2(connection, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_OK {
                byWriter.add(1, ordering: .relaxed)
            }
            return
        }
        // Once per `limit` pages the WAL grows, as SQLite's hook does: asking at every commit
        // while a busy writer keeps the WAL from starting again ran a checkpoint, with its two
        // syncs, for every few commits (`serve` one commit per request: 1,113 and 1,018 SMS a
        // second against 1,361 and 1,224).
        guard frames >= askedAt.load(ordering: .relaxed) &+ limit else { return }
        askedAt.store(frames, ordering: .relaxed)
        request()
    }

    /// Asks for a checkpoint; one already asked for and not started covers this one.
    private func request() {
        guard requested.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        queue.async { [self] in
            // Cleared first: a commit during this checkpoint asks for the next one.
            requested.store(false, ordering: .releasing)
            guard let database = try? open() else { return }
            if (try? database.writeWithoutTransaction({ db in try db.checkpoint(.passive) })) != nil {
                background.add(1, ordering: .relaxed)
            }
        }
    }

    private func open() throws -> DatabaseQueue {
        try connection.withLock { connection in
            if let connection { return connection }
            var configuration = Configuration()
            // FULL as the writer has it. A checkpoint copies frames from the WAL, not through the
            // page cache: a small cache keeps this connection's memory out of an import's peak.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA cache_size = -256") }
            let opened = try DatabaseQueue(path: path, configuration: configuration)
            connection = opened
            return opened
        }
    }

    /// Waits until the checkpoints asked for so far have run.
    package func waitUntilIdle() {
        queue.sync {}
    }
}
