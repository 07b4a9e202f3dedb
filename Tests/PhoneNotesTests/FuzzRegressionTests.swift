import Foundation
import LetterboxCore
import LetterboxPhoneNotes
import LetterboxTesting
import Testing

/// Replays the fuzzing seed corpus and every crasher the fuzzer ever found (Fuzz/run.sh keeps
/// them in Fuzz/crashers/phone-notes). Each must decode or fail with an IntakeError, nothing else.
struct FuzzRegressionTests {
    static let inputs: [URL] = ["corpus", "crashers"].flatMap { kind -> [URL] in
        let folder = Fixtures.packageRoot.appendingPathComponent("Fuzz/\(kind)/phone-notes")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test(arguments: inputs)
    func decodesOrFailsCleanly(file: URL) throws {
        let bytes = try Data(contentsOf: file)
        let submission = RawSubmission(channel: .phone, source: file.lastPathComponent, receivedAt: Date(), bytes: bytes)
        do {
            _ = try PhoneNoteDecoder(maxBytes: 100_000).decode(submission)
        } catch is IntakeError {
            // A clear refusal is a correct outcome.
        }
    }

    @Test func decoderIsTheSameWholeAndAfterReencoding() throws {
        // The same note in every encoding the format accepts gives the same record.
        let text = "Caller: Zoë Brontë\r\nPhone: 07700 900357\r\nCall date: 14/04/2026 15:20\r\n\r\n£21.75 “a week”.\r\n"
        let encodings: [Data] = [
            Data(text.utf8),
            Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8),
            Data([0xFF, 0xFE]) + Data(text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
            Data([0xFE, 0xFF]) + Data(text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }),
            Data(text.replacingOccurrences(of: "\r\n", with: "\n").utf8),
        ]
        let drafts = try encodings.map { bytes -> FeedbackDraft in
            let submission = RawSubmission(channel: .phone, source: "n.txt", receivedAt: Date(timeIntervalSince1970: 0), bytes: bytes)
            guard case .feedback(let draft) = try PhoneNoteDecoder().decode(submission) else {
                throw IntakeError(.malformed, "not feedback")
            }
            return draft
        }
        for draft in drafts.dropFirst() { #expect(draft == drafts[0]) }
        #expect(drafts[0].body == "£21.75 “a week”.")
        #expect(drafts[0].contact.name == "Zoë Brontë")
    }
}
