import ArgumentParser
import Foundation
import GRDB
import LetterboxCore
import LetterboxEmail
import LetterboxPhoneNotes
import LetterboxSMS
import LetterboxStore
import LetterboxWebForm

@main
struct LetterboxBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letterbox-bench",
        abstract: "Benchmarks and evaluations that need a generated store (run with -c release).",
        discussion: """
            Examples:
              swift run -c release letterbox-bench dedup-eval --submissions 2400
              swift run -c release letterbox-bench dedup-scale --records 1000000 --store /var/tmp/big.sqlite
            """,
        subcommands: [DedupEval.self, DedupScale.self]
    )
}

func intake(_ store: SQLiteCaseStore) -> Intake {
    Intake(store: store, decoders: [PhoneNoteDecoder(), EmailDecoder(), SMSDecoder(gateways: ["kannel": .kannel]), WebFormDecoder()])
}

let benchStart = Date(timeIntervalSince1970: 1_735_689_600)  // 1 January 2025

// MARK: - Precision and recall on a labelled set

struct DedupEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup-eval",
        abstract: "Precision and recall of duplicate and repeat detection on a generated labelled set (all four channels)."
    )

    @Option(help: "How many submissions.") var submissions = 2400
    @Option(help: "Random seed.") var seed: UInt64 = 7
    @Option(help: "People writing.") var people = 500
    @Option(help: "Days the submissions span.") var days = 180
    @Option(help: "Print each mistake.") var verbose = false

    func run() throws {
        var generator = Generator(seed: seed, people: people, start: benchStart)
        let items = generator.labelledSet(count: submissions, days: days)
        // The store sees them in time order, as they would arrive.
        let ordered = items.enumerated().sorted { $0.element.at < $1.element.at }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("letterbox-eval-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteCaseStore(path: folder.appendingPathComponent("eval.sqlite").path)
        let pipeline = intake(store)
        var referenceToItem: [String: Int] = [:]
        var outcomeOf: [Int: IntakeOutcome] = [:]
        for chunk in stride(from: 0, to: ordered.count, by: 200) {
            let slice = Array(ordered[chunk..<min(chunk + 200, ordered.count)])
            let outcomes = try pipeline.ingest(slice.map(\.element.submission))
            for (entry, outcome) in zip(slice, outcomes) {
                outcomeOf[entry.offset] = outcome
                if let reference = outcome.reference { referenceToItem[reference] = entry.offset }
            }
        }
        let accepted = outcomeOf.values.filter { $0.disposition == .accepted }.count
        // Which matter each item is about; a case is about its first record's matter.
        func matter(of reference: String) -> Int? { referenceToItem[reference].map { items[$0].matter } }

        var dup = Counts()
        var rep = Counts()
        var any = Counts()
        var relatedCount = 0
        var relatedRight = 0
        for (index, item) in items.enumerated() {
            guard let reference = outcomeOf[index]?.reference, let record = try store.record(reference: reference) else { continue }
            let links = record.links ?? []
            let predictedDuplicate = links.first { $0.kind == .duplicateOf }
            let predictedRepeat = links.first { $0.kind == .repeatOf }
            for link in links where link.kind == .related {
                relatedCount += 1
                if let other = referenceToItem[link.reference], items[other].person != item.person { relatedRight += 1 }
            }
            // Duplicates: strict (the same text, within the window, linked to the same matter).
            let isDuplicate = item.label == .duplicate
            let dupRight = predictedDuplicate.map { matter(of: $0.reference) == item.matter } ?? false
            dup.add(truth: isDuplicate, predicted: predictedDuplicate != nil, right: dupRight)
            // Repeats: a rewording within the window linked to the case of the same matter.
            let isRepeat = item.label == .repeat
            let repRight = predictedRepeat.map { matter(of: $0.reference) == item.matter } ?? false
            rep.add(truth: isRepeat, predicted: predictedRepeat != nil, right: repRight && (isRepeat || isDuplicate))
            // Either: the contact was put with its matter's open case.
            let linked = predictedDuplicate ?? predictedRepeat
            let anyRight = linked.map { matter(of: $0.reference) == item.matter } ?? false
            any.add(truth: isDuplicate || isRepeat, predicted: linked != nil, right: anyRight)
            if verbose, (isDuplicate || isRepeat) != (linked != nil) || (linked != nil && !anyRight) {
                print("item \(index) \(item.label) person \(item.person) matter \(item.matter) channel \(record.channel): predicted \(linked.map { "\($0.kind) \($0.reference)" } ?? "none")")
            }
        }
        let labels = Dictionary(grouping: items, by: \.label).mapValues(\.count)
        print("Labelled set: \(items.count) submissions (\(accepted) accepted) from \(people) people over \(days) days, seed \(seed)")
        print("  truth: \(labels[.first] ?? 0) first contacts, \(labels[.duplicate] ?? 0) duplicates, \(labels[.repeat] ?? 0) repeats")
        print("  channels: " + Dictionary(grouping: items, by: { $0.submission.channel.rawValue }).map { "\($0.key) \($0.value.count)" }.sorted().joined(separator: ", "))
        print("")
        print("                       truth  predicted  right  precision  recall")
        print(dup.line("duplicate_of"))
        print(rep.line("repeat_of"))
        print(any.line("either (own case)"))
        print("")
        print("related links: \(relatedCount), of which between different people: \(relatedRight)")
        let cases = try DatabaseQueue(path: store.path).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases WHERE status != 'merged'") ?? 0
        }
        print("cases: \(cases) (truth: \(labels[.first] ?? 0) first contacts)")
    }

    struct Counts {
        var truth = 0, predicted = 0, right = 0
        mutating func add(truth isTrue: Bool, predicted isPredicted: Bool, right isRight: Bool) {
            if isTrue { truth += 1 }
            if isPredicted { predicted += 1 }
            if isPredicted && isRight && isTrue { right += 1 }
        }
        func line(_ name: String) -> String {
            let precision = predicted == 0 ? 1 : Double(right) / Double(predicted)
            let recall = truth == 0 ? 1 : Double(right) / Double(truth)
            return name.padding(toLength: 21, withPad: " ", startingAt: 0)
                + String(format: "%6d %10d %6d %10.3f %7.3f", truth, predicted, right, precision, recall)
        }
    }
}

// MARK: - Ingest rate on an empty store and on a store of a million records

struct DedupScale: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup-scale",
        abstract: "Ingest rate into an empty store and into a store of --records generated records, side by side; and the query plans of every lookup intake runs."
    )

    @Option(help: "Records in the large store (built once, then reused).") var records = 1_000_000
    @Option(help: "The large store's path (kept between runs: building it takes a while).") var store = "/var/tmp/letterbox-bench-1m.sqlite"
    @Option(help: "Submissions ingested per measurement.") var measure = 20_000
    @Option(help: "Submissions per batch (per transaction pair).") var batch = 500
    @Option(help: "Measurement runs (medians reported).") var runs = 3

    func run() throws {
        let people = max(1000, records / 4)
        try build(people: people)
        var empty: [Double] = []
        var full: [Double] = []
        for run in 0..<runs {
            var generator = Generator(seed: 1_000 + UInt64(run), people: people, start: benchStart)
            let workload = generator.labelledSet(count: measure, days: 3 * 365).map(\.submission)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("letterbox-scale-\(getpid())-\(run)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let emptyStore = try SQLiteCaseStore(path: folder.appendingPathComponent("empty.sqlite").path)
            empty.append(try rate(workload, into: emptyStore))
            try? FileManager.default.removeItem(at: folder)
            let big = try SQLiteCaseStore(path: store)
            full.append(try rate(workload, into: big))
            print(String(format: "run %d: empty store %.0f records/s, large store %.0f records/s", run + 1, empty.last!, full.last!))
        }
        let size = try DatabaseQueue(path: store).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records") ?? 0 }
        let emptyMedian = median(empty)
        let fullMedian = median(full)
        print(String(format: "\nMedian of %d runs, %d submissions each in batches of %d (all four channels):", runs, measure, batch))
        print(String(format: "  empty store:            %8.0f records/s", emptyMedian))
        print(String(format: "  store of %9d:     %8.0f records/s", size, fullMedian))
        print(String(format: "  ratio: %.1f%% of the empty-store rate (target: at least 80%%)", 100 * fullMedian / emptyMedian))
        try printPlans()
    }

    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    func rate(_ workload: [RawSubmission], into store: SQLiteCaseStore) throws -> Double {
        let pipeline = intake(store)
        let began = Date()
        for start in stride(from: 0, to: workload.count, by: batch) {
            _ = try pipeline.ingest(Array(workload[start..<min(start + batch, workload.count)]))
        }
        return Double(workload.count) / Date().timeIntervalSince(began)
    }

    /// Builds the large store up to `records`, in big batches, resuming where it got to.
    func build(people: Int) throws {
        let big = try SQLiteCaseStore(path: store)
        var have = try DatabaseQueue(path: store).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records") ?? 0 }
        guard have < records else { return }
        print("Building \(store) up to \(records) records (have \(have)); this is done once.")
        let pipeline = intake(big)
        var generator = Generator(seed: 42 &+ UInt64(have), people: people, start: benchStart)
        let began = Date()
        while have < records {
            let items = generator.labelledSet(count: min(5_000, records - have), days: 3 * 365)
            let outcomes = try pipeline.ingest(items.map(\.submission), whenKnown: .skip)
            have += outcomes.filter { $0.disposition == .accepted }.count
            if have % 50_000 < 5_000 {
                print(String(format: "  %d records, %.0f s", have, Date().timeIntervalSince(began)))
            }
        }
    }

    /// Runs one more batch with a statement observer, then prints the plan of every distinct
    /// query intake ran. A "SCAN" of a store table would mean a lookup that grows with the store.
    func printPlans() throws {
        let seen = SQLCollector()
        var options = SQLiteCaseStore.Options()
        options.statementObserver = { seen.add($0) }
        let observed = try SQLiteCaseStore(path: store, options: options)
        var generator = Generator(seed: 99, people: max(1000, records / 4), start: benchStart)
        _ = try intake(observed).ingest(generator.labelledSet(count: 200, days: 3 * 365).map(\.submission))
        let queue = try DatabaseQueue(path: store)
        var scans = 0
        print("\nQuery plans of every query intake ran (EXPLAIN QUERY PLAN on the large store):")
        try queue.read { db in
            for sql in seen.statements where sql.uppercased().hasPrefix("SELECT") || sql.uppercased().hasPrefix("WITH") || sql.uppercased().contains("RETURNING") {
                guard !sql.uppercased().hasPrefix("PRAGMA") else { continue }
                let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
                let flat = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
                print("\n  \(flat.prefix(160))")
                for step in plan {
                    let bad = step.hasPrefix("SCAN ") && !step.contains("members") && !step.contains("CONSTANT ROW")
                    if bad { scans += 1 }
                    print("    \(bad ? "!! " : "")\(step)")
                }
            }
        }
        print(scans == 0 ? "\nNo lookup scans a store table: every step is an index or primary-key search." : "\n\(scans) step(s) scan a table (marked !!).")
    }
}

final class SQLCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    private var set = Set<String>()
    func add(_ sql: String) {
        lock.lock()
        defer { lock.unlock() }
        if set.insert(sql).inserted { list.append(sql) }
    }
    var statements: [String] {
        lock.lock()
        defer { lock.unlock() }
        return list
    }
}
