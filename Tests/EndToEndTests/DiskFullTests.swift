import Foundation
import LetterboxTesting
import Testing

/// A full disk must not lock officers out of the records: the reading commands release the
/// reserve the writing commands keep, and say what happened.
@Suite("Reading a store whose disk is full", .serialized)
struct StoreDiskFullTests {
    @Test("With no byte free, stats, list and export still read the store (the reserve is released, and said); the next write makes the reserve again")
    func readsOnAFullDisk() async throws {
        guard let disk = SmallDisk.mount(megabytes: 8) else {
            print("Skipped: mounting a small tmpfs needs root.")
            return
        }
        defer { disk.unmount() }
        let store = disk.path.appendingPathComponent("letterbox.sqlite").path
        let reserve = store + "-reserve"
        let ingest = try await Fixtures.run(["ingest", "notes", Fixtures.samples("phone-notes").path, "--store", store])
        #expect(ingest.status == 65)  // the malformed sample, in quarantine
        #expect(FileManager.default.fileExists(atPath: reserve))
        disk.fill()

        let stats = try await Fixtures.run(["stats", "--store", store])
        #expect(stats.status == 0)
        #expect(stats.stdout.contains("phone"))
        #expect(stats.stderr.contains("is full. Letterbox released its reserve"))
        #expect(!FileManager.default.fileExists(atPath: reserve))
        let list = try await Fixtures.run(["list", "--store", store])
        #expect(list.status == 0)
        #expect(list.stderr.contains("13 record(s)"))
        let export = try await Fixtures.run(["export", "--format", "jsonl", "--store", store])
        #expect(export.status == 0)
        #expect(export.stdout.split(separator: "\n").count == 13)

        disk.free()
        let note = disk.path.appendingPathComponent("call.txt")
        try Data("Caller: Amina Yusuf\nPhone: 07700 900634\n\nThe fire door on the 3rd floor will not close.\n".utf8).write(to: note)
        #expect(try await Fixtures.run(["ingest", "notes", note.path, "--store", store]).status == 0)
        #expect(FileManager.default.fileExists(atPath: reserve))
    }
}
