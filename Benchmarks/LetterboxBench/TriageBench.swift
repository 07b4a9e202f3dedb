import ArgumentParser
import Foundation
import LetterboxCore

/// Triage speed on one core: the evaluation set's texts read over and over, single-threaded,
/// beside a baseline pass that only splits the same texts into words (the least any reading
/// of the text costs).
struct TriageSpeed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage-speed",
        abstract: "Records per second through triage on one thread (target: 20,000), with due dates, against a word-split baseline."
    )

    @Option(help: "The evaluation set to take texts from.") var set = "Samples/triage/eval.txt"
    @Option(help: "Records per run.") var records = 200_000
    @Option(help: "Runs (medians reported).") var runs = 5

    func run() throws {
        let evaluation = try TriageEvaluation(text: String(contentsOfFile: set, encoding: .utf8))
        let items = evaluation.items
        let triage = Triage()
        // The same triage with the hazard flags from the phrase lists alone, interleaved with the
        // full one, so the cost of the model's hazard heads is measured side by side.
        var listsOnly = Triage()
        for flag in Triage.modelFlags { listsOnly.flagModelSettings[flag] = .init(keep: 0, raise: 2) }
        let calculator = DueDateCalculator()
        let received = Date(timeIntervalSince1970: 1_795_000_000)
        var triageRates: [Double] = []
        var baseRates: [Double] = []
        var listsRates: [Double] = []
        var sink = 0
        for _ in 0..<runs {
            var began = Date()
            for index in 0..<records {
                let item = items[index % items.count]
                sink &+= PhraseMatcher<Triage.Signal>.wordHashes(item.subject.map { $0 + "\n" + item.body } ?? item.body).count
            }
            baseRates.append(Double(records) / Date().timeIntervalSince(began))
            for (rates, triage) in [(0, listsOnly), (1, triage)] {
            began = Date()
            for index in 0..<records {
                let item = items[index % items.count]
                let reading = triage.read(subject: item.subject, body: item.body, statedKind: item.statedKind, received: received)
                let due = calculator.dueDates(kind: reading.kind, stage: reading.stage, hazard: reading.hazard.map { ($0, "") }, received: received.addingTimeInterval(Double(index % 500) * 3_600))
                sink &+= reading.flags.count + (due.acknowledgeBy == nil ? 0 : 1)
            }
            let rate = Double(records) / Date().timeIntervalSince(began)
            if rates == 0 { listsRates.append(rate) } else { triageRates.append(rate) }
            }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        var loads: [Double] = []
        for _ in 0..<runs {
            let began = Date()
            sink &+= TriageModel.loadShipped()?.heads.count ?? 0
            loads.append(Date().timeIntervalSince(began))
        }
        // The phrase lists' matcher, which every process that triages builds once (the lists
        // themselves are made before the first run, as a process makes them once too).
        var builds: [Double] = []
        sink &+= TriageLexicon.phrases.count
        for _ in 0..<max(runs, 5) {
            let began = Date()
            sink &+= Triage.buildDefaultMatcher().tags(in: []).count
            builds.append(Date().timeIntervalSince(began))
        }
        // What a process does instead: read the shipped table.
        var tableReads: [Double] = []
        for _ in 0..<max(runs, 5) {
            let began = Date()
            sink &+= Triage.loadShippedMatcher()?.tags(in: []).count ?? 0
            tableReads.append(Date().timeIntervalSince(began))
        }
        print(String(format: "Triage + due dates, one thread, %d records per run, median of %d runs:", records, runs))
        print(String(format: "  triage:              %9.0f records/s (target 20000: %.1fx)", median(triageRates), median(triageRates) / 20_000))
        print(String(format: "  hazards by the lists alone: %9.0f records/s (the model's hazard heads cost %.1f%%)", median(listsRates), (median(listsRates) / median(triageRates) - 1) * 100))
        print(String(format: "  word split only:     %9.0f records/s (triage takes %.1fx as long)", median(baseRates), median(baseRates) / median(triageRates)))
        print(String(format: "  loading the shipped model (once per process): %.2f ms", median(loads) * 1000))
        print(String(format: "  building the phrase lists' matcher from the lists: %.2f ms", median(builds) * 1000))
        print(String(format: "  reading the shipped matcher table (once per process): %.2f ms", median(tableReads) * 1000))
        if sink == 42 { print("") }
    }
}

/// Writes the triage lexicon's matcher, built from the lists, as the table the binary ships
/// (Sources/CTriageModel/triage-lexicon.bin). Run it after changing ``TriageLexicon`` or the
/// signals: a test fails until the shipped table matches the lists.
struct LexiconTable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lexicon-table",
        abstract: "Writes the triage lexicon's built matcher (the table the binary ships) from the lists."
    )

    @Option(help: "Where to write it.") var output = "Sources/CTriageModel/triage-lexicon.bin"

    func run() throws {
        let table = Triage.lexiconTable()
        try Data(table).write(to: URL(fileURLWithPath: output), options: .atomic)
        print("Wrote \(output) (\(table.count) bytes).")
    }
}
