import Foundation
import LetterboxTesting
import Testing

/// `--help` in an 80-column terminal: the overview and the discussion are shown with the line
/// breaks they were written with, never re-wrapped mid-phrase.
@Suite("Help text fits 80 columns")
struct HelpTextTests {
    static let commands: [[String]] = [
        [], ["ingest"], ["ingest", "notes"], ["ingest", "email"], ["ingest", "mbox"], ["ingest", "maildir"],
        ["watch"], ["serve"], ["list"], ["show"], ["export"], ["stats"],
        ["quarantine"], ["quarantine", "list"], ["quarantine", "show"], ["quarantine", "retry"],
        ["contacts"], ["contacts", "show"], ["contacts", "merge"], ["contacts", "unmerge"],
        ["cases"], ["cases", "close"], ["cases", "reopen"],
        ["restrictions"], ["restrictions", "add"], ["restrictions", "list"], ["restrictions", "end"],
        ["triage"], ["triage", "set"], ["triage", "backfill"], ["triage", "eval"],
        ["forward"], ["outbox"], ["outbox", "list"], ["outbox", "show"], ["outbox", "retry"], ["outbox", "replay"], ["outbox", "enable"],
    ]

    /// The help before the usage line: the overview and the discussion.
    static func prose(_ command: [String], columns: Int) async throws -> String {
        let result = try await Fixtures.run(command + ["--help"], environment: ["COLUMNS": String(columns)])
        let text = result.stdout + result.stderr
        return String(text[..<(text.range(of: "USAGE:")?.lowerBound ?? text.endIndex)])
    }

    @Test("Every command's overview and discussion read the same at 80 columns as on a wide terminal", arguments: commands)
    func notRewrapped(_ command: [String]) async throws {
        let narrow = try await Self.prose(command, columns: 80)
        #expect(!narrow.isEmpty)
        #expect(narrow == (try await Self.prose(command, columns: 250)), "letterbox \(command.joined(separator: " ")) --help is re-wrapped at 80 columns")
        for line in narrow.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
    }
}
