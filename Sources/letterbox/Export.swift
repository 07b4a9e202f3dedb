import ArgumentParser
import Foundation
import LetterboxCommands
import LetterboxCore
import LetterboxStore

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export records as JSON Lines or CSV, one record per line.",
        discussion: """
            The field names are a contract (README, "Export"). CSV cells that a
            spreadsheet would treat as a formula get a leading apostrophe.

            Examples:
              letterbox export --format jsonl > records.jsonl
              letterbox export --format csv --since 2026-04-01 > april.csv
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonl, csv
    }

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "jsonl or csv.")
    var format: Format

    @OptionGroup var since: SinceOption

    func run() async throws {
        try await reportingErrors {
            let settings = try await Settings.load(storeOptions)
            let sinceDate = try since.date()
            let store = try settings.openExistingStore()
            let encoder = Timestamp.jsonEncoder()
            var output = BufferedOutput()
            if format == .csv { output.write(RecordExport.csvHeader + "\r\n") }
            try store.forEachRecord(since: sinceDate) { record in
                switch format {
                case .jsonl: output.write(try RecordExport.jsonLine(record, encoder: encoder) + "\n")
                case .csv: output.write(RecordExport.csvRow(record) + "\r\n")
                }
            }
            output.flush()
        }
    }
}

/// Standard output with a buffer, for large exports.
struct BufferedOutput {
    private var buffer = Data()

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
