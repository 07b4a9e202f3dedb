import Foundation
import GRDB
import Crypto
import LetterboxCore
import LetterboxPhoneNotes
import LetterboxStore
import LetterboxTesting
import Testing

/// The SQLite store's file of large blobs (v14), on a real file: large blobs are written there
/// once, small ones stay in their rows, nothing a transaction appended is named unless it
/// committed, and damage is reported, never read as other bytes.
struct BlobFileTests {
    let folder: URL
    let path: String
    let store: SQLiteCaseStore

    init() throws {
        folder = try Fixtures.temporaryFolder("blob-file")
        path = folder.appendingPathComponent("letterbox.sqlite").path
        store = try SQLiteCaseStore(path: path)
    }

    var filePath: String { BlobFile.path(forDatabase: path) }

    static func bytes(_ count: Int, seed: Int) -> Data {
        var data = Data(count: count)
        data.withUnsafeMutableBytes { for index in $0.indices { $0[index] = UInt8(truncatingIfNeeded: index &* 31 &+ seed &+ index >> 9) } }
        return data
    }

    func store(_ data: Data) throws -> BlobWrite {
        try store.writing(exclusive: true) { db in try db.storeBlob(sha256: data.sha256Hex, data: data, now: "2026-12-03T12:00:00Z") }
    }

    func count(_ sql: String) throws -> Int? {
        try store.reading { db in try db.value(sql, as: Int.self) }
    }

    @Test func largeBlobsGoOnceToAnOwnerOnlyFileAndSmallOnesStayInTheirRows() throws {
        let small = Self.bytes(BlobFile.threshold - 1, seed: 1)
        let large = Self.bytes(100_000, seed: 2)
        let second = Self.bytes(BlobFile.threshold, seed: 3)
        #expect(try store(small) == .intoPages)
        #expect(!FileManager.default.fileExists(atPath: filePath))
        #expect(try store(large) == .outside)
        #expect(try store(second) == .outside)
        #expect(try store(large) == .alreadyStored)
        #expect(BlobFile.length(databasePath: path) == Int64(large.count + second.count))
        #expect(try count("SELECT length(data) FROM blobs WHERE size = \(small.count)") == small.count)
        #expect(try count("SELECT COUNT(*) FROM blobs WHERE size >= \(BlobFile.threshold) AND length(data) = 0") == 2)
        #expect(try count("SELECT start FROM blob_files ORDER BY blob_id DESC LIMIT 1") == large.count)
        let mode = try FileManager.default.attributesOfItem(atPath: filePath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try store.blob(sha256: small.sha256Hex) == small)
        #expect(try store.blob(sha256: large.sha256Hex) == large)
        #expect(try store.blob(sha256: second.sha256Hex) == second)
    }

    @Test func bytesATransactionAppendedAndDidNotCommitAreNamedByNoRow() throws {
        struct Abandoned: Error {}
        let lost = Self.bytes(40_000, seed: 4)
        #expect {
            try store.writing(exclusive: true) { db in
                #expect(try db.storeBlob(sha256: lost.sha256Hex, data: lost, now: "2026-12-03T12:00:00Z") == .outside)
                throw Abandoned()
            }
        } throws: { error in
            "\(error)".contains("Abandoned")
        }
        #expect(BlobFile.length(databasePath: path) == Int64(lost.count))
        #expect(try count("SELECT COUNT(*) FROM blobs") == 0)
        #expect(try store.blob(sha256: lost.sha256Hex) == nil)
        // The next transaction that appends cuts them off first, and the same bytes again are
        // stored for real.
        let kept = Self.bytes(50_000, seed: 5)
        #expect(try store(kept) == .outside)
        #expect(try count("SELECT start FROM blob_files ORDER BY blob_id LIMIT 1") == 0)
        #expect(BlobFile.length(databasePath: path) == Int64(kept.count))
        #expect(try store(lost) == .outside)
        #expect(try store.blob(sha256: kept.sha256Hex) == kept)
        #expect(try store.blob(sha256: lost.sha256Hex) == lost)
        #expect(BlobFile.length(databasePath: path) == Int64(kept.count + lost.count))
    }

    @Test func onlyBytesNoCommittedRowNamesAreCutOffAndATransactionKeepsItsOwn() throws {
        struct Abandoned: Error {}
        let first = Self.bytes(30_000, seed: 11)
        let second = Self.bytes(20_000, seed: 12)
        #expect(try store(first) == .outside)
        #expect(try store(second) == .outside)
        // Two failed transactions: the second cuts off the first's bytes before it appends, so
        // what no row names is never more than one transaction's appends.
        for seed in [13, 14] {
            let lost = Self.bytes(35_000, seed: seed)
            _ = try? store.writing(exclusive: true) { db in
                _ = try db.storeBlob(sha256: lost.sha256Hex, data: lost, now: "2026-12-03T12:00:00Z")
                throw Abandoned()
            }
        }
        #expect(BlobFile.length(databasePath: path) == Int64(first.count + second.count + 35_000))
        // One transaction appending three blobs: the first append cuts back to the committed
        // end, the later ones keep what this transaction appended before them.
        let three = (15...17).map { Self.bytes(18_000 + $0, seed: $0) }
        let writes = try store.writing(exclusive: true) { db in
            try three.map { data in try db.storeBlob(sha256: data.sha256Hex, data: data, now: "2026-12-03T12:00:00Z") }
        }
        #expect(writes == [.outside, .outside, .outside])
        let total = first.count + second.count + three.reduce(0) { $0 + $1.count }
        #expect(BlobFile.length(databasePath: path) == Int64(total))
        for data in [first, second] + three { #expect(try store.blob(sha256: data.sha256Hex) == data) }
    }

    /// The file is synced when the transaction commits, and a failure there rolls the
    /// transaction back: here the file is gone by then, so the sync cannot open it.
    @Test func theFileIsSyncedAtCommitAndAFailedSyncCommitsNothing() throws {
        let large = Self.bytes(30_000, seed: 6)
        #expect {
            try store.writing(exclusive: true) { db in
                _ = try db.storeBlob(sha256: large.sha256Hex, data: large, now: "2026-12-03T12:00:00Z")
                try FileManager.default.removeItem(atPath: filePath)
            }
        } throws: { error in
            (error as? StoreError)?.code == .io && "\(error)".contains("large blobs")
        }
        #expect(try count("SELECT COUNT(*) FROM blobs") == 0)
        #expect(try count("SELECT COUNT(*) FROM blob_files") == 0)
    }

    /// A sync started early (an import's batch, once its messages are written) does not stand
    /// for bytes appended after it started: the commit syncs those, and fails when it cannot.
    @Test func anEarlySyncDoesNotCoverLaterAppends() throws {
        let first = Self.bytes(30_000, seed: 9)
        let second = Self.bytes(30_000, seed: 10)
        #expect {
            try store.writing(exclusive: true) { db in
                _ = try db.storeBlob(sha256: first.sha256Hex, data: first, now: "2026-12-03T12:00:00Z")
                db.startSyncingBlobsOutside()
                _ = try db.storeBlob(sha256: second.sha256Hex, data: second, now: "2026-12-03T12:00:00Z")
                try FileManager.default.removeItem(atPath: filePath)
            }
        } throws: { error in
            (error as? StoreError)?.code == .io && "\(error)".contains("large blobs")
        }
        #expect(try count("SELECT COUNT(*) FROM blob_files") == 0)
        // With nothing appended after it, the early sync's transaction commits as any other.
        try store.writing(exclusive: true) { db in
            _ = try db.storeBlob(sha256: first.sha256Hex, data: first, now: "2026-12-03T12:00:00Z")
            db.startSyncingBlobsOutside()
        }
        #expect(try store.blob(sha256: first.sha256Hex) == first)
    }

    /// A file that cannot be written (here its name is taken by a folder) fails the batch with
    /// an error and stores none of it: the sender still holds the bytes and tries again.
    @Test func aFileThatCannotBeWrittenStoresNothing() throws {
        try FileManager.default.createDirectory(atPath: filePath, withIntermediateDirectories: false)
        let intake = Intake(store: store, decoders: [PhoneNoteDecoder()])
        let long = "Caller: Jane Smith\nPhone: 07700 900123\n\n" + String(repeating: "The gutter is leaking onto the path again. ", count: 500)
        #expect(Data(long.utf8).count >= BlobFile.threshold)
        #expect {
            _ = try intake.ingest([RawSubmission(channel: .phone, source: "note.txt", receivedAt: Date(), bytes: Data(long.utf8))])
        } throws: { error in
            (error as? StoreError)?.code == .io
        }
        #expect(try count("SELECT COUNT(*) FROM raw_submissions") == 0)
        #expect(try count("SELECT COUNT(*) FROM blobs") == 0)
        try FileManager.default.removeItem(atPath: filePath)
        let outcome = try intake.ingest([RawSubmission(channel: .phone, source: "note.txt", receivedAt: Date(), bytes: Data(long.utf8))])
        #expect(outcome.first?.reference != nil)
        #expect(try count("SELECT COUNT(*) FROM blob_files") == 1)
    }

    @Test func aDamagedOrShortenedFileIsReportedNeverReadAsOtherBytes() async throws {
        let first = Self.bytes(20_000, seed: 7)
        let last = Self.bytes(20_000, seed: 8)
        _ = try store(first)
        _ = try store(last)
        let handle = try #require(FileHandle(forUpdatingAtPath: filePath))
        try handle.seek(toOffset: 10)
        try handle.write(contentsOf: Data([0xFF, 0x00]))
        try handle.truncate(atOffset: UInt64(first.count + last.count - 1))
        try handle.close()
        for blob in [first, last] {
            #expect {
                _ = try store.blob(sha256: blob.sha256Hex)
            } throws: { error in
                (error as? StoreError)?.code == .corrupt && "\(error)".contains("does not match its SHA-256")
            }
        }
        let check = try await Fixtures.run(["store", "check", "--store", path])
        #expect(check.status == 65, "\(check.stdout)")
        #expect(check.stderr.contains("1 blob(s) lie past the end of"), "\(check.stderr)")
    }

    /// The mail pipe killed after the raw bytes' commit (they are in the file, synced) and
    /// before the record's: the same message delivered again is read from the file and settled,
    /// once, byte for byte.
    @Test func aPipeKilledBetweenTheRawBytesAndTheRecordLosesNothing() async throws {
        var lines = ""
        for index in 0..<600 { lines += "Line \(index) of the damp survey: reading \(index * 37 % 1000).\r\n" }
        let message = Data("""
            From: Ann Lee <ann.lee@example.org>\r\nTo: complaints@example-housing.org.uk\r\nSubject: Damp survey\r\n\
            Message-ID: <crash-large-1@example.org>\r\nDate: Mon, 02 Nov 2026 09:00:00 +0000\r\n\r\n\
            The damp in the bedroom is back. My readings are below.\r\n\(lines)
            """.utf8)
        #expect(message.count >= BlobFile.threshold)
        let crashed = try await Fixtures.run(["ingest", "email", "--store", path], environment: ["LETTERBOX_FAULT": "kill-after-raw"], stdin: message)
        #expect(crashed.terminatedBySignal && crashed.status == SIGKILL)
        #expect(try count("SELECT COUNT(*) FROM raw_submissions WHERE disposition = 'pending'") == 1)
        #expect(try count("SELECT COUNT(*) FROM records") == 0)
        #expect(BlobFile.length(databasePath: path) == Int64(message.count))
        let again = try await Fixtures.run(["ingest", "email", "--store", path], stdin: message)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try count("SELECT COUNT(*) FROM raw_submissions WHERE disposition = 'pending'") == 0)
        #expect(try count("SELECT COUNT(*) FROM records") == 1)
        // Written once: the second delivery carried on with the stored row and its bytes.
        #expect(BlobFile.length(databasePath: path) == Int64(message.count))
        let reference = try #require(try store.reading { db in try db.value("SELECT reference FROM records", as: String.self) })
        let raw = try await Fixtures.run(["show", reference, "--raw", "--store", path])
        #expect(raw.status == 0 && Data(raw.stdout.utf8) == message)
    }

    @Test func storeCheckCountsTheFileAndBytesNoRowNames() async throws {
        _ = try store(Self.bytes(20_000, seed: 9))
        struct Abandoned: Error {}
        _ = try? store.writing(exclusive: true) { db in
            _ = try db.storeBlob(sha256: Self.bytes(17_000, seed: 10).sha256Hex, data: Self.bytes(17_000, seed: 10), now: "2026-12-03T12:00:00Z")
            throw Abandoned()
        }
        let check = try await Fixtures.run(["store", "check", "--store", path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("large blobs:  letterbox.sqlite-blobs: 1 blobs, 0.0 MB (and 17000 bytes that no row names"), "\(check.stdout)")
        #expect(check.stdout.contains("the 17000 at the end are cut off when a large blob is next stored"), "\(check.stdout)")
        // The next blob stored takes them back.
        _ = try store(Self.bytes(21_000, seed: 18))
        let again = try await Fixtures.run(["store", "check", "--store", path])
        #expect(again.stdout.contains("large blobs:  letterbox.sqlite-blobs: 2 blobs, 0.0 MB\n"), "\(again.stdout)")
    }
}

extension Data {
    var sha256Hex: String { SHA256.hash(data: self).map { String(format: "%02x", $0) }.joined() }
}
