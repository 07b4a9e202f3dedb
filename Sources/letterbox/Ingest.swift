import ArgumentParser
import Foundation
import LetterboxCore
import LetterboxPhoneNotes
import LetterboxStore
import Logging

struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest submissions once, from files or standard input.",
        subcommands: [Notes.self, Email.self, Mbox.self, Maildir.self]
    )

    struct Notes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ingest phone notes from files or folders, once.",
            discussion: """
                Each file is stored exactly as it is, then read as a phone note (README,
                "Phone notes"). A folder's files are read (not its subfolders); hidden and
                temporary files are skipped. Files are left where they are: use `letterbox
                watch` to move them once stored. A file that was ingested before is recognised
                (same SHA-256) and not recorded twice.

                Prints one line per file: the outcome, the reference or quarantine number, the
                file. Exits 0 when every file was stored as a record or a redelivery, 65 when
                any went to quarantine.

                Examples:
                  letterbox ingest notes Samples/phone-notes
                  letterbox ingest notes call-0412.txt --store \\
                      /var/lib/letterbox/letterbox.sqlite
                """
        )

        @OptionGroup var storeOptions: StoreOptions

        @Argument(help: "Note files or folders of notes.")
        var paths: [String]

        func run() async throws {
            try await reportingErrors {
                let settings = try await Settings.load(storeOptions)
                let logger = settings.makeLogger()
                var readings: [(String, NoteFolder.Reading)] = []
                for path in paths {
                    var isFolder: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                        throw CLIError(.noInput, "\(path) does not exist.")
                    }
                    if isFolder.boolValue {
                        let folder = try NoteFolder(path: path)
                        for name in folder.candidates() {
                            readings.append((folder.path + "/" + name, folder.read(name, receivedAt: Date())))
                        }
                    } else {
                        readings.append((path, NoteFolder.readFile(path, receivedAt: Date())))
                    }
                }
                let store = try settings.openStore()
                let intake = settings.intake(store: store)
                var tally: [Disposition: Int] = [:]
                var unreadable = 0
                var bad = 0
                let batchSize = 256
                var index = 0
                while index < readings.count {
                    let batch = readings[index..<min(index + batchSize, readings.count)]
                    index += batch.count
                    var submissions: [(String, RawSubmission)] = []
                    for (path, reading) in batch {
                        switch reading {
                        case .submission(let submission): submissions.append((path, submission))
                        case .refused(let submission, let error):
                            let outcome = try intake.refuse(submission, because: error)
                            report(outcome, path: path)
                            tally[outcome.disposition, default: 0] += 1
                            bad += 1
                        case .unreadable(let message):
                            unreadable += 1
                            logger.error("\(message)")
                        }
                    }
                    let outcomes = try intake.ingest(submissions.map(\.1))
                    for ((path, _), outcome) in zip(submissions, outcomes) {
                        report(outcome, path: path)
                        tally[outcome.disposition, default: 0] += 1
                        if outcome.disposition == .quarantined || outcome.errorCode != nil { bad += 1 }
                    }
                }
                let summary = Disposition.allCases.compactMap { d in tally[d].map { "\($0) \(d.rawValue)" } }
                    + (unreadable > 0 ? ["\(unreadable) unreadable"] : [])
                writeToStandardError("letterbox: \(readings.count) file(s): \(summary.joined(separator: ", ")) (store: \(settings.storePath))\n")
                if unreadable > 0 { throw ExitCode(CLIError.Status.ioError.code) }
                if bad > 0 { throw ExitCode(CLIError.Status.dataError.code) }
            }
        }

        private func report(_ outcome: IntakeOutcome, path: String) {
            print(OutcomeLine.format(outcome, path: path))
        }
    }
}

/// One line per submission, as `ingest` and `watch` print them.
enum OutcomeLine {
    static func format(_ outcome: IntakeOutcome, path: String) -> String {
        let label = outcome.disposition.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
        let id = (outcome.reference ?? "#\(outcome.rawSubmissionId)").padding(toLength: 15, withPad: " ", startingAt: 0)
        switch outcome.disposition {
        case .quarantined, .ignored:
            return "\(label)\(id)\(path): \(outcome.reason ?? "")"
        default:
            if let followUp = outcome.followUpOf { return "\(label)\(id)\(path) (follow-up of \(followUp))" }
            return "\(label)\(id)\(path)"
        }
    }
}
