public import ArgumentParser
import Foundation
public import LetterboxCommands
import LetterboxCore
import Logging

/// The phone-notes adapter's command, mounted under `letterbox ingest`.
extension PhoneNotesAdapter: ImportingAdapter {
    public static var importCommands: [any ParsableCommand.Type] { [NotesImportCommand.self] }
}

/// `letterbox ingest notes`: note files or folders, once, left where they are.
public struct NotesImportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "notes",
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

    public init() {}

    @OptionGroup public var storeOptions: StoreOptions

    @Argument(help: "Note files or folders of notes.")
    public var paths: [String]

    public func run() async throws {
        try await importing(storeOptions) { environment in
            var readings: [(String, NoteFolder.Reading)] = []
            for path in paths {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                    throw CommandFailure(.noInput, "\(path) does not exist.")
                }
                if isFolder.boolValue {
                    let folder: NoteFolder
                    do { folder = try NoteFolder(path: path) } catch { throw CommandFailure(.ioError, "\(error)") }
                    for name in folder.candidates() {
                        readings.append((folder.path + "/" + name, folder.read(name, receivedAt: Date())))
                    }
                } else {
                    readings.append((path, NoteFolder.readFile(path, receivedAt: Date())))
                }
            }
            let pipeline = try environment.open().pipeline
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
                        let outcome = try pipeline.refuse(submission, because: error)
                        print(OutcomeLine.format(outcome, path: path))
                        tally[outcome.disposition, default: 0] += 1
                        bad += 1
                    case .unreadable(let message):
                        unreadable += 1
                        environment.logger.error("\(message)")
                    }
                }
                let outcomes = try pipeline.ingest(submissions.map(\.1), whenKnown: .recordRedelivery)
                for ((path, _), outcome) in zip(submissions, outcomes) {
                    print(OutcomeLine.format(outcome, path: path))
                    tally[outcome.disposition, default: 0] += 1
                    if outcome.disposition == .quarantined || outcome.errorCode != nil { bad += 1 }
                }
            }
            let summary = Disposition.allCases.compactMap { d in tally[d].map { "\($0) \(d.rawValue)" } }
                + (unreadable > 0 ? ["\(unreadable) unreadable"] : [])
            writeToStandardError("letterbox: \(readings.count) file(s): \(summary.joined(separator: ", ")) (store: \(environment.storeName))\n")
            if unreadable > 0 { throw ExitStatus.ioError.exit }
            if bad > 0 { throw ExitStatus.dataError.exit }
        }
    }
}
