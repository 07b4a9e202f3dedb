import ArgumentParser
import Foundation
import GRDB
import LetterboxCore
import LetterboxEmail
import LetterboxPhoneNotes
import LetterboxSMS
import LetterboxPostgres
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
              swift run -c release letterbox-bench dedup-scale --postgres 'postgres://postgres@/postgres?host=/run/postgresql'
              swift run -c release letterbox-bench triage-speed
              swift run -c release letterbox-bench lexicon-table
            """,
        subcommands: [DedupEval.self, DedupScale.self, TriageSpeed.self, LexiconTable.self]
    )
}

func intake(_ store: any IntakeStore) -> Intake {
    Intake(backend: store, decoders: [PhoneNoteDecoder(), EmailDecoder(), SMSDecoder(gateways: ["kannel": .kannel]), WebFormDecoder()])
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
    @ArgumentParser.Flag(help: "Print each mistake.") var verbose = false
    @Option(help: "dedup.repeatThreshold (Jaccard).") var repeatThreshold = LinkingPolicy().repeatThreshold
    @Option(help: "dedup.containmentThreshold.") var containmentThreshold = LinkingPolicy().containmentThreshold
    @Option(help: "dedup.rewordThreshold (above 1: off).") var rewordThreshold = LinkingPolicy().rewordThreshold
    @ArgumentParser.Flag(inversion: .prefixedNo, help: "Add reworded repeats (synonyms, reordered clauses, texts cut down from emails).") var rewordings = true
    @Option(help: "An empty PostgreSQL database to run on (postgres://...), instead of a new SQLite file: the figures must be the same.") var store: String?

    func run() throws {
        var generator = Generator(seed: seed, people: people, start: benchStart)
        let items = rewordings ? generator.labelledSetWithRewordings(count: submissions, days: days) : generator.labelledSet(count: submissions, days: days)
        // The store sees them in time order, as they would arrive.
        let ordered = items.enumerated().sorted { $0.element.at < $1.element.at }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("letterbox-eval-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var policy = LinkingPolicy()
        policy.repeatThreshold = repeatThreshold
        policy.containmentThreshold = containmentThreshold
        policy.rewordThreshold = rewordThreshold
        let store: any CaseStore
        if let url = self.store {
            store = try PostgresCaseStore(location: try PostgresLocation(url), options: .init(linking: policy))
        } else {
            store = try SQLiteCaseStore(path: folder.appendingPathComponent("eval.sqlite").path, options: .init(linking: policy))
        }
        let pipeline = Intake(backend: store, decoders: [PhoneNoteDecoder(), EmailDecoder(), SMSDecoder(gateways: ["kannel": .kannel]), WebFormDecoder()])
        var referenceToItem: [String: Int] = [:]
        var outcomeOf: [Int: IntakeOutcome] = [:]
        for chunk in stride(from: 0, to: ordered.count, by: 200) {
            let slice = Array(ordered[chunk..<min(chunk + 200, ordered.count)])
            let outcomes = try pipeline.ingest(slice.map(\.element.submission))
            for (entry, outcome) in zip(slice, outcomes) {
                outcomeOf[entry.offset] = outcome
                // The item that made each record (a redelivery names the record another item made).
                if outcome.disposition == .accepted, let reference = outcome.reference { referenceToItem[reference] = entry.offset }
            }
        }
        let accepted = outcomeOf.values.filter { $0.disposition == .accepted }.count
        if verbose {
            for (index, outcome) in outcomeOf where outcome.disposition != .accepted {
                print("item \(index) \(items[index].submission.channel): \(outcome.disposition) \(outcome.reason ?? "")")
            }
        }
        // Which matter each item is about; a case is about its first record's matter.
        func matter(of reference: String) -> Int? { referenceToItem[reference].map { items[$0].matter } }

        var dup = Counts()
        var rep = Counts()
        var any = Counts()
        var relatedCount = 0
        var relatedRight = 0
        var knowable = Counts()
        var byCase = Counts()
        var redeliveries = 0
        // The first record of each matter, to tell whether the store could know who it was from.
        var firstOfMatter: [Int: Int] = [:]
        for (index, item) in items.enumerated() where firstOfMatter[item.matter] == nil && outcomeOf[index]?.disposition == .accepted {
            firstOfMatter[item.matter] = index
        }
        var reworded = Counts()
        var rewordedKnown = Counts()
        var rewordedByCase = Counts()
        var rewordLinks = 0
        var rewordLinksRight = 0
        for (index, item) in items.enumerated() {
            guard let outcome = outcomeOf[index], let reference = outcome.reference, var record = try store.record(reference: reference) else { continue }
            for link in record.links ?? [] where link.kind == .repeatOf && link.reason.contains("reworded, but") {
                rewordLinks += 1
                if item.label != .first, matter(of: link.reference) == item.matter { rewordLinksRight += 1 } else if verbose {
                    print("  wrong reworded link (\(item.label)): \(link.reason)  ||  [\(record.channel.rawValue)] \(record.body.prefix(140))")
                    if let linked = try store.record(reference: link.reference) {
                        print("    linked to: [\(linked.channel.rawValue)] \(linked.body.prefix(140))")
                    }
                }
            }
            if item.label == .reworded {
                // Reworded repeats are scored on their own; the rows below are the set as before.
                let linked = (record.links ?? []).first { $0.kind == .repeatOf || $0.kind == .duplicateOf }
                reworded.add(truth: true, predicted: linked != nil, right: linked.map { matter(of: $0.reference) == item.matter } ?? false)
                // The record of the contact it rewords, read once for the rows below.
                if let first = item.of, let firstReference = outcomeOf[first]?.reference, let firstRecord = try store.record(reference: firstReference) {
                    // In the first one's case at the end (contacts shown later to be one person have
                    // their open cases of one matter joined).
                    rewordedByCase.add(truth: true, predicted: true, right: record.caseReference == firstRecord.caseReference)
                    if firstRecord.contactId == record.contactId {
                        rewordedKnown.add(truth: true, predicted: linked != nil, right: linked.map { matter(of: $0.reference) == item.matter } ?? false)
                    }
                    if verbose, linked == nil {
                        print("  reworded, not linked (\(firstRecord.contactId == record.contactId ? "same" : "other") contact): [\(record.channel.rawValue)] \(record.body.prefix(120))  ||  \(firstRecord.body.prefix(120))")
                        let origins = try store.reading { db in
                            try db.values("SELECT origin_contact_id FROM records WHERE reference IN (?, ?) ORDER BY id", [firstReference, reference], as: Int64.self)
                        }
                        let a = ContentWords(record.body), b = ContentWords(firstRecord.body)
                        print("    contacts when stored \(origins) areas \(firstRecord.triage?.serviceArea ?? "-")/\(record.triage?.serviceArea ?? "-") shared \(a.shared(with: b).count) of \(min(a.hashes.count, b.hashes.count)) days \(String(format: "%.1f", record.receivedAt.timeIntervalSince(firstRecord.receivedAt) / 86_400)) case \(firstRecord.caseReference ?? "-")")
                    }
                }
                continue
            }
            if outcome.disposition == .redelivery {
                // A form posted twice with the same content: answered with the first record's
                // reference, a duplicate recognised before it became a record.
                redeliveries += 1
                record.links = [RecordLink(kind: .duplicateOf, reference: reference, reason: "redelivery")]
            }
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
            if verbose, let predictedDuplicate, !(isDuplicate && dupRight) {
                let target = referenceToItem[predictedDuplicate.reference]
                print("  duplicate_of not in the truth: item \(index) \(item.label) of \(item.of.map(String.init) ?? "-") matter \(item.matter) predicted \(predictedDuplicate.reference) = item \(target.map(String.init) ?? "?") \(target.map { "\(items[$0].label) matter \(items[$0].matter) days \(String(format: "%.1f", item.at.timeIntervalSince(items[$0].at) / 86_400))" } ?? "")")
            }
            if verbose, isDuplicate, predictedDuplicate == nil {
                print("  duplicate missed: item \(index) of \(item.of.map(String.init) ?? "-") channel \(item.submission.channel.rawValue) of-channel \(item.of.map { items[$0].submission.channel.rawValue } ?? "-") predictedRepeat \(predictedRepeat?.reference ?? "none")")
            }
            // Repeats: a rewording within the window linked to the case of the same matter.
            let isRepeat = item.label == .repeat
            let repRight = predictedRepeat.map { matter(of: $0.reference) == item.matter } ?? false
            rep.add(truth: isRepeat, predicted: predictedRepeat != nil, right: repRight && (isRepeat || isDuplicate))
            // Either: the contact was put with its matter's open case.
            let linked = predictedDuplicate ?? predictedRepeat
            let anyRight = linked.map { matter(of: $0.reference) == item.matter } ?? false
            any.add(truth: isDuplicate || isRepeat, predicted: linked != nil, right: anyRight)
            // At the end: is the record in the same case as the earlier contact it repeats? (Cases
            // joined after a later submission showed two contacts to be one person count here.)
            if let of = item.of, let ofReference = outcomeOf[of]?.reference, let ofRecord = try store.record(reference: ofReference) {
                let inOtherCase = record.caseReference != record.reference || outcome.disposition == .redelivery
                byCase.add(truth: true, predicted: inOtherCase, right: record.caseReference == ofRecord.caseReference)
            } else {
                byCase.add(truth: false, predicted: record.caseReference != record.reference && outcome.disposition != .redelivery, right: false)
            }
            // The same, counting only contacts the store could know were from the same person
            // (an email address and a phone number never given together cannot be joined).
            if let first = firstOfMatter[item.matter], let firstReference = outcomeOf[first]?.reference,
                try store.record(reference: firstReference)?.contactId == record.contactId
            {
                knowable.add(truth: isDuplicate || isRepeat, predicted: linked != nil, right: anyRight)
            }
            if verbose, let first = firstOfMatter[item.matter], let firstReference = outcomeOf[first]?.reference,
                let firstRecord = try store.record(reference: firstReference), firstRecord.contactId == record.contactId,
                (isDuplicate || isRepeat) != (linked != nil) || (linked != nil && !anyRight)
            {
                let a = TextFingerprint(record.body), b = TextFingerprint(firstRecord.body)
                print(String(format: "  J=%.2f C=%.2f days=%.1f  [%@] %@  ||  [%@] %@", a.jaccard(b), a.containment(b), record.receivedAt.timeIntervalSince(firstRecord.receivedAt) / 86_400,
                             record.channel.rawValue, String(record.body.prefix(100)), firstRecord.channel.rawValue, String(firstRecord.body.prefix(100))))
            }
            if verbose, (isDuplicate || isRepeat) != (linked != nil) || (linked != nil && !anyRight) {
                print("item \(index) \(item.label) person \(item.person) matter \(item.matter) channel \(record.channel): predicted \(linked.map { "\($0.kind) \($0.reference)" } ?? "none")")
            }
        }
        let labels = Dictionary(grouping: items, by: \.label).mapValues(\.count)
        print("Policy: repeatThreshold \(repeatThreshold), containmentThreshold \(containmentThreshold)")
        print("Labelled set: \(items.count) submissions (\(accepted) accepted) from \(people) people over \(days) days, seed \(seed)")
        print("  truth: \(labels[.first] ?? 0) first contacts, \(labels[.duplicate] ?? 0) duplicates, \(labels[.repeat] ?? 0) repeats, \(labels[.reworded] ?? 0) reworded repeats")
        print("  channels: " + Dictionary(grouping: items, by: { $0.submission.channel.rawValue }).map { "\($0.key) \($0.value.count)" }.sorted().joined(separator: ", "))
        print("")
        print("                       truth  predicted  right  precision  recall")
        print(dup.line("duplicate_of"))
        print(rep.line("repeat_of"))
        print(any.line("either (own case)"))
        print(knowable.line("  known contact only"))
        print(byCase.line("same case at the end"))
        print(String(format: "reworded repeats       %5d  %9d  %5d                 %.3f   (linked to their matter's case by any rule)", reworded.truth, reworded.predicted, reworded.right,
                     reworded.truth == 0 ? 0 : Double(reworded.right) / Double(reworded.truth)))
        print(String(format: "  known contact only   %5d  %9d  %5d                 %.3f", rewordedKnown.truth, rewordedKnown.predicted, rewordedKnown.right,
                     rewordedKnown.truth == 0 ? 0 : Double(rewordedKnown.right) / Double(rewordedKnown.truth)))
        print(String(format: "  same case at the end %5d  %9d  %5d                 %.3f", rewordedByCase.truth, rewordedByCase.predicted, rewordedByCase.right,
                     rewordedByCase.truth == 0 ? 0 : Double(rewordedByCase.right) / Double(rewordedByCase.truth)))
        print(String(format: "reworded rule's links         %9d  %5d      %.3f            (repeat_of links made on content words, on any item)", rewordLinks, rewordLinksRight,
                     rewordLinks == 0 ? 0 : Double(rewordLinksRight) / Double(rewordLinks)))
        print("(\(redeliveries) form posts were byte-identical to an earlier one: answered with its reference as redeliveries, counted as duplicates found)")
        print("")
        print("related links: \(relatedCount), of which between different people: \(relatedRight)")
        let cases = try store.reading { db in
            try db.value("SELECT COUNT(*) FROM cases WHERE status != 'merged'", as: Int.self) ?? 0
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
    @ArgumentParser.Flag(help: "Add up SQLite's time per statement on both stores, and print the statements whose time a record grew most on the large store (the cost that grows with the store, statement by statement). Profiling itself costs time: read the ratios without it.") var profile = false
    @ArgumentParser.Flag(help: "Print each batch's wall and CPU time (is it waiting on the disk or computing?) and the bytes it read and wrote through system calls (the store's page reads that missed its cache, its WAL and checkpoint writes).") var trace = false
    @Option(help: "Megabytes of the writer's page cache a batch may leave behind (trimmed to half once over; the store's default is 16, which keeps an mbox import under 100 MB).") var writerCacheMb: Int?
    @Option(help: "Megabytes of WAL from which a checkpoint is asked for (the store's default is 16).") var walCheckpointMb: Int?
    @ArgumentParser.Flag(help: "Checkpoint the WAL inside the commit that fills it, as SQLite does by default, instead of beside the writer (to compare the two).") var checkpointInCommit = false
    @Option(help: "Measure on this PostgreSQL server instead (postgres://user@host/db, a superuser's): the large store is the SQLite one copied there once with `letterbox store copy`, and each run measures on a fresh copy of it (CREATE DATABASE ... TEMPLATE).") var postgres: String?

    func run() throws {
        let people = max(1000, records / 4)
        try build(people: people)
        if let postgres {
            try runOnPostgres(server: postgres, people: people)
            return
        }
        // Every run measures on a fresh copy of the large store, so runs do not pile their
        // submissions into each other's window and each sees the same history.
        try DatabaseQueue(path: store).writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let copy = store + ".run"
        var empty: [Double] = []
        var full: [Double] = []
        for run in 0..<runs {
            let workload = workload(run: run, people: people)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("letterbox-scale-\(getpid())-\(run)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let emptyProfile = StatementProfile()
            let fullProfile = StatementProfile()
            let emptyStore = try SQLiteCaseStore(path: folder.appendingPathComponent("empty.sqlite").path, options: profiled(emptyProfile))
            empty.append(try rate(workload, into: emptyStore))
            try? FileManager.default.removeItem(at: folder)
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
            try FileManager.default.copyItem(atPath: store, toPath: copy)
            sync()  // the copy's dirty pages are written back before the clock starts, not during the run
            let big = try SQLiteCaseStore(path: copy, options: profiled(fullProfile))
            full.append(try rate(workload, into: big))
            print(String(format: "run %d: empty store %.0f records/s, large store %.0f records/s", run + 1, empty.last!, full.last!))
            if profile { StatementProfile.compare(emptyProfile, fullProfile, records: workload.count) }
        }
        let size = try DatabaseQueue(path: store).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records") ?? 0 }
        report("Median", empty: empty, full: full, size: size)
        try printPlans(path: copy)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
    }

    /// Two weeks of contacts arriving just after everything in the large store, from the same
    /// population (so many are known contacts with a history): the same for both stores of a run.
    func workload(run: Int, people: Int) -> [RawSubmission] {
        var generator = Generator(seed: 1_000 + UInt64(run), people: people, start: benchStart.addingTimeInterval(Double(3 * 365) * 86_400))
        return generator.labelledSet(count: measure, days: 14).map(\.submission)
    }

    /// The store's options, with SQLite's time per statement added to `into` when `--profile`.
    func profiled(_ into: StatementProfile) -> SQLiteCaseStore.Options {
        var options = SQLiteCaseStore.Options()
        options.checkpointInBackground = !checkpointInCommit
        if let writerCacheMb { options.writerCacheBytes = writerCacheMb << 20 }
        if let walCheckpointMb { options.walCheckpointBytes = walCheckpointMb << 20 }
        if profile { options.statementProfiler = { into.add($0, $1) } }
        return options
    }

    /// The medians of the runs and their ratio, under `heading`.
    func report(_ heading: String, empty: [Double], full: [Double], size: Int) {
        let emptyMedian = median(empty)
        let fullMedian = median(full)
        print(String(format: "\n%@ of %d runs, %d submissions each in batches of %d (all four channels):", heading, runs, measure, batch))
        print(String(format: "  empty store:            %8.0f records/s", emptyMedian))
        print(String(format: "  store of %9d:     %8.0f records/s", size, fullMedian))
        print(String(format: "  ratio: %.1f%% of the empty-store rate (target: at least 80%%)", 100 * fullMedian / emptyMedian))
    }

    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    func rate(_ workload: [RawSubmission], into store: any IntakeStore) throws -> Double {
        let pipeline = intake(store)
        let began = Date()
        var accepted = 0
        for start in stride(from: 0, to: workload.count, by: batch) {
            let t0 = Date()
            let cpu0 = cpuSeconds()
            let io0 = ioBytes()
            let outcomes = try pipeline.ingest(Array(workload[start..<min(start + batch, workload.count)]))
            if trace {
                let io = ioBytes()
                let count = Double(min(batch, workload.count - start))
                print(String(format: "    batch %d: %.3f s wall, %.3f s CPU, %.1f KB read and %.1f KB written a record", start / batch, Date().timeIntervalSince(t0), cpuSeconds() - cpu0, Double(io.read - io0.read) / 1024 / count, Double(io.written - io0.written) / 1024 / count))
            }
            accepted += outcomes.filter { $0.disposition == .accepted }.count
        }
        let elapsed = Date().timeIntervalSince(began)
        if accepted != workload.count {
            print("  note: \(workload.count - accepted) of \(workload.count) submissions were not new records (redeliveries in the generated set)")
        }
        return Double(workload.count) / elapsed
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
        // Three years of contacts, in time order as they would have arrived.
        let chunk = 5_000
        let span = 3.0 * 365 * Double(chunk) / Double(records)
        while have < records {
            generator.start = benchStart.addingTimeInterval(Double(have / chunk) * span * 86_400)
            let items = generator.labelledSet(count: min(chunk, records - have), days: max(1, Int(span.rounded(.up))))
            let outcomes = try pipeline.ingest(items.map(\.submission), whenKnown: .skip)
            have += outcomes.filter { $0.disposition == .accepted }.count
            if have % 50_000 < 5_000 {
                print(String(format: "  %d records, %.0f s", have, Date().timeIntervalSince(began)))
            }
        }
    }

    /// Runs one more batch with a statement observer, then prints the plan of every distinct
    /// query intake ran. A "SCAN" of a store table would mean a lookup that grows with the store.
    func printPlans(path store: String) throws {
        let seen = SQLCollector()
        var options = SQLiteCaseStore.Options()
        options.statementObserver = { seen.add($0) }
        let observed = try SQLiteCaseStore(path: store, options: options)
        seen.clear()  // opening the store reads its schema: not intake
        var generator = Generator(seed: 99, people: max(1000, records / 4), start: benchStart.addingTimeInterval(Double(3 * 365 + 60) * 86_400))
        _ = try intake(observed).ingest(generator.labelledSet(count: 200, days: 14).map(\.submission))
        let queue = try DatabaseQueue(path: store)
        var scans = 0
        print("\nQuery plans of every query intake ran (EXPLAIN QUERY PLAN on the large store):")
        try queue.read { db in
            let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
            let partial = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'"))
            for sql in seen.statements where sql.uppercased().hasPrefix("SELECT") || sql.uppercased().hasPrefix("WITH") || sql.uppercased().contains("RETURNING") {
                guard !sql.uppercased().hasPrefix("PRAGMA") else { continue }
                let statement = try db.makeStatement(sql: "EXPLAIN QUERY PLAN " + sql)
                statement.setUncheckedArguments(StatementArguments())  // unbound values: the plan is what is asked for
                let plan = try Row.fetchAll(statement).map { $0["detail"] as String }
                let flat = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
                print("\n  \(flat.prefix(160))")
                for step in plan {
                    // "SCAN m" of a recursive query's own queue is not a store table.
                    let scanned = step.hasPrefix("SCAN ") ? String(step.dropFirst(5).split(separator: " ").first ?? "") : ""
                    // A scan of a partial index (`restrictions_active`: the restrictions in force)
                    // reads only the rows it holds, which do not grow with the store.
                    let index = step.components(separatedBy: " USING INDEX ").dropFirst().first?.split(separator: " ").first.map(String.init)
                    let bounded = !scanned.isEmpty && (index.map(partial.contains) ?? false)
                    let bad = tables.contains(scanned) && !bounded
                    if bad { scans += 1 }
                    print("    \(bad ? "!! " : "")\(step)\(bounded ? " (a partial index: only the rows it holds)" : "")")
                }
            }
        }
        print(scans == 0 ? "\nNo lookup scans a store table: every step is an index or primary-key search." : "\n\(scans) step(s) scan a table (marked !!).")
    }
}

/// SQLite's time and count per statement text (its values left out), added up over a run.
final class StatementProfile: @unchecked Sendable {
    private let lock = NSLock()
    private var totals: [String: (seconds: Double, count: Int)] = [:]

    func add(_ sql: String, _ seconds: TimeInterval) {
        lock.lock()
        defer { lock.unlock() }
        totals[sql, default: (0, 0)].seconds += seconds
        totals[sql, default: (0, 0)].count += 1
    }

    /// The totals, statements that differ only in how many values they list made one.
    var snapshot: [String: (seconds: Double, count: Int)] {
        lock.lock()
        defer { lock.unlock() }
        var merged: [String: (seconds: Double, count: Int)] = [:]
        for (sql, total) in totals {
            let key = sql.replacingOccurrences(of: "?, ", with: "").split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            merged[key, default: (0, 0)].seconds += total.seconds
            merged[key, default: (0, 0)].count += total.count
        }
        return merged
    }

    /// Prints, per record, SQLite's time on each store, for the statements that grew most.
    static func compare(_ empty: StatementProfile, _ full: StatementProfile, records: Int) {
        let a = empty.snapshot
        let b = full.snapshot
        let n = Double(records)
        let total = (a.values.reduce(0) { $0 + $1.seconds }, b.values.reduce(0) { $0 + $1.seconds })
        print(String(format: "    SQLite's time a record: empty store %.1f µs, large store %.1f µs (statements run: %.1f and %.1f a record)",
                     total.0 / n * 1e6, total.1 / n * 1e6, Double(a.values.reduce(0) { $0 + $1.count }) / n, Double(b.values.reduce(0) { $0 + $1.count }) / n))
        let rows = Set(a.keys).union(b.keys).map { key in (key, a[key] ?? (0, 0), b[key] ?? (0, 0)) }
            .sorted { ($0.2.seconds - $0.1.seconds) > ($1.2.seconds - $1.1.seconds) }
        print("    µs a record (empty -> large), runs a record, statement; the 15 that grew most:")
        for (sql, e, f) in rows.prefix(15) {
            print(String(format: "    %7.1f -> %7.1f  %5.2f  %@", e.seconds / n * 1e6, f.seconds / n * 1e6, Double(f.count) / n, String(sql.prefix(150))))
        }
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
    func clear() {
        lock.lock()
        defer { lock.unlock() }
        list.removeAll()
        set.removeAll()
    }

    var statements: [String] {
        lock.lock()
        defer { lock.unlock() }
        return list
    }
}

/// Bytes the process has read and written through system calls so far (`rchar`, `wchar` of
/// /proc/self/io: page-cache hits included, so a store's reads show whether or not the disk
/// served them); zero where there is no such file.
func ioBytes() -> (read: Int, written: Int) {
    guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return (0, 0) }
    var read = 0, written = 0
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: ":")
        guard parts.count == 2, let value = Int(parts[1].trimmingCharacters(in: .whitespaces)) else { continue }
        if parts[0] == "rchar" { read = value } else if parts[0] == "wchar" { written = value }
    }
    return (read, written)
}

/// User and system CPU time of the whole process so far.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
