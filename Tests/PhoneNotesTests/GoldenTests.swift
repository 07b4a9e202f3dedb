import Foundation
import LetterboxCore
import LetterboxPhoneNotes
import LetterboxTesting
import Testing

/// Every sample note against the expected record beside it in Samples/phone-notes/expected/.
/// Set LETTERBOX_UPDATE_GOLDEN=1 to rewrite them after a deliberate change, and review the diff.
struct GoldenTests {
    struct Golden: Codable, Equatable {
        var draft: FeedbackDraft?
        var ignored: String?
        var errorCode: String?
        var errorMessage: String?
    }

    static let receivedAt = Date(timeIntervalSince1970: 1_776_675_600)  // 2026-04-20T09:00:00Z

    static func golden(for file: URL) throws -> Golden {
        let submission = RawSubmission(
            channel: .phone,
            source: file.lastPathComponent,
            receivedAt: receivedAt,
            bytes: try Data(contentsOf: file)
        )
        do {
            switch try PhoneNoteDecoder().decode(submission) {
            case .feedback(let draft): return Golden(draft: draft)
            case .ignored(_, let reason): return Golden(ignored: reason)
            case .held(let part): return Golden(ignored: part.reason)
            }
        } catch let error as IntakeError {
            return Golden(errorCode: error.code.rawValue, errorMessage: error.message)
        }
    }

    @Test(arguments: Fixtures.sampleFiles("phone-notes"))
    func sampleMatchesGolden(file: URL) throws {
        let actual = try Self.golden(for: file)
        let expectedURL = file.deletingLastPathComponent().appendingPathComponent("expected")
            .appendingPathComponent(file.lastPathComponent + ".json")
        let encoder = Timestamp.jsonEncoder(pretty: true)
        if ProcessInfo.processInfo.environment["LETTERBOX_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: expectedURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try (encoder.encode(actual) + Data("\n".utf8)).write(to: expectedURL)
        }
        let expected = try Timestamp.jsonDecoder().decode(Golden.self, from: Data(contentsOf: expectedURL))
        #expect(actual == expected, "\(file.lastPathComponent) no longer matches \(expectedURL.lastPathComponent)")
    }

    @Test func thereAreAtLeastTwelveSamples() {
        #expect(Fixtures.sampleFiles("phone-notes").count >= 12)
    }
}
