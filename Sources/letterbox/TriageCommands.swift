import ArgumentParser
import Foundation
import LetterboxCommands
import LetterboxCore
import LetterboxStore

struct TriageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Correct a reading, re-read older records, measure the triage rules.",
        subcommands: [TriageSet.self, TriageBackfill.self, TriageEvalCommand.self, TriageTrainCommand.self]
    )
}

struct TriageSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set a record's kind, category or service area, with the reason.",
        discussion: """
            Letterbox's own reading and the officer's correction are both kept in the
            audit log.

            Kinds: complaint, compliment, suggestion, comment, service_request,
            information_request, asb_report. Categories: delay, failure_to_provide,
            poor_quality, inappropriate_service, service_withdrawn, cost, staff_behaviour,
            policy, discrimination ("" clears it). The due dates follow the new kind.

            Examples:
              letterbox triage set LB-2026-000042 --kind complaint --category delay \\
                  --reason "Second report; the repair was missed" --by "A. Shah"
              letterbox triage set LB-2026-000043 --kind service_request --reason "First \\
                  report of the fault" --by "A. Shah"
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The record's reference.") var reference: String
    @Option(help: "The kind.") var kind: String?
    @Option(help: "The complaint category.") var category: String?
    @Option(help: "The service area.") var serviceArea: String?
    @OptionGroup var decision: DecisionOptions

    func run() async throws {
        try await reportingErrors {
            guard kind != nil || category != nil || serviceArea != nil else {
                throw CLIError(.usage, "Give at least one of --kind, --category, --service-area.")
            }
            if let kind, !Triage.kinds.contains(FeedbackRecord.Kind(rawValue: kind)) {
                throw CLIError(.usage, "--kind \(kind): use one of \(Triage.kinds.map(\.rawValue).joined(separator: ", ")).")
            }
            if let category, !category.isEmpty, !Triage.categoryNames.map(\.1).contains(category) {
                throw CLIError(.usage, "--category \(category): use one of \(Triage.categoryNames.map(\.1).joined(separator: ", ")).")
            }
            if let serviceArea, !(Triage.serviceAreaNames.map(\.1) + ["other"]).contains(serviceArea) {
                throw CLIError(.usage, "--service-area \(serviceArea): use one of \((Triage.serviceAreaNames.map(\.1) + ["other"]).joined(separator: ", ")).")
            }
            guard !decision.reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw CLIError(.usage, "--reason must say why.") }
            let settings = try await Settings.load(storeOptions)
            let store = try settings.openExistingStore()
            let record = try store.correctTriage(
                reference: reference, kind: kind.map(FeedbackRecord.Kind.init(rawValue:)), category: category,
                serviceArea: serviceArea, reason: decision.reason, by: decision.actor
            )
            print("\(record.reference): \(record.kind?.rawValue ?? "-"), category \(record.category ?? "-"), service area \(record.serviceArea ?? "-").")
            if let due = record.dueDates?.basis { print(due) }
        }
    }
}

struct TriageBackfill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Give kinds and due dates to records stored before triage existed.",
        discussion: """
            With --all, every record an officer has not corrected is read again.

            Examples:
              letterbox triage backfill
              letterbox triage backfill --all     # after changing timescales.* or \\
                  calendar.*
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @ArgumentParser.Flag(help: "Every record, not only those without a kind.") var all = false

    func run() async throws {
        try await reportingErrors {
            let settings = try await Settings.load(storeOptions)
            let store = try settings.openExistingStore()
            let count = try store.backfillTriage(all: all)
            print("\(count) record(s) read.")
        }
    }
}

struct TriageEvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure triage on labelled sets (precision, recall, review).",
        discussion: """
            Prints per-kind precision and recall, the confusion matrix, service-area
            accuracy, how many readings went to review (and how many of those were
            wrong), and flag recall and precision.

            By default: the test split of the shipped labelled data (never trained or
            tuned on), then Samples/triage/eval.txt, written separately and never
            trained on. Mistakes are listed for the dev split or other sets, never for
            the shipped test split: tune on dev.

            Examples:
              letterbox triage eval
              letterbox triage eval --split dev --mistakes
              letterbox triage eval --set my-labelled-items.jsonl --model triage-model.bin
              letterbox triage eval --rules-only
            """
    )

    @Option(name: .customLong("set"), help: "A labelled set: .jsonl or the eval.txt format (repeatable).") var sets: [String] = []
    @Option(help: "Split of JSONL sets to score: test, dev, train or all.") var split = "test"
    @Option(help: "A model file to use instead of the shipped one.") var model: String?
    @ArgumentParser.Flag(help: "The rules alone, without the model.") var rulesOnly = false
    @Option(help: "Review below this model probability.") var threshold = Triage.defaultReviewThreshold
    @Option(help: "Read as a complaint from this model probability.") var complaintThreshold = Triage.defaultComplaintThreshold
    @ArgumentParser.Flag(help: "List each item read differently from its label.") var mistakes = false
    @Option(name: .customLong("flag-model"), help: ArgumentHelp("How the model's reading of a flag weighs with the phrase lists' (repeatable): the lists' finding stands from KEEP, the model raises the flag alone from RAISE (above 1: never).", valueName: "FLAG=KEEP/RAISE")) var flagModel: [String] = []

    func run() async throws {
        // The lists as they are in the source, not the shipped table (which a test holds to them).
        Triage.readListsNotTable()
        try await reportingErrors {
            let choice: Triage.ModelChoice
            if rulesOnly {
                choice = .none
            } else if let model {
                guard let data = FileManager.default.contents(atPath: model) else { throw CLIError(.noInput, "Cannot read the model \(model).") }
                do { choice = .custom(try TriageModel(data: data)) } catch { throw CLIError(.dataError, "\(model): \(error)") }
            } else {
                guard TriageModel.shipped != nil else { throw CLIError(.software, "This build has no trained model; use --rules-only or --model.") }
                choice = .shipped
            }
            guard ["test", "dev", "train", "all"].contains(split) else { throw CLIError(.usage, "--split: test, dev, train or all.") }
            var triage = Triage(model: choice, reviewThreshold: threshold, complaintThreshold: complaintThreshold)
            triage.flagModelSettings = try flagModelSettings(flagModel)
            // A fixed arrival date, so that "since 2023" is judged the same on every run.
            let received = Date(timeIntervalSince1970: 1_795_000_000)
            let paths = sets.isEmpty ? shippedLabelledSets + ["Samples/triage/eval.txt"] : sets
            var jsonl: [String] = []
            for path in paths where path.hasSuffix(".jsonl") { jsonl.append(path) }
            let name = rulesOnly ? "The rules alone" : "Triage (\(triage.model?.description ?? "no model"))"
            if !jsonl.isEmpty {
                let items = try readLabelledSets(jsonl).filter { split == "all" || $0.split.rawValue == split }
                let result = TriageEvaluation(labelled: items).score(triage, received: received)
                print(TriageEvaluation.report(result, title: "\(name) on the \(split) split of \(jsonl.joined(separator: ", "))"))
                let own = HandWritten(items, result)
                if own.total != items.count {
                    print("  Hand-written items only (no register variants): \(own.right) of \(own.total) kinds right (\(percent(own.right, own.total))), complaint recall \(own.complaints == 0 ? "-" : percent(own.complaintsFound, own.complaints)).\n")
                }
                if mistakes {
                    let shipped = Set(shippedLabelledSets)
                    if split == "test" || split == "all", jsonl.contains(where: shipped.contains) {
                        print("  Mistakes on the shipped test split are not listed: tune on --split dev.")
                    } else {
                        printMistakes(result)
                    }
                }
            }
            for path in paths where !path.hasSuffix(".jsonl") {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CLIError(.noInput, "Cannot read the labelled set \(path).") }
                let evaluation: TriageEvaluation
                do { evaluation = try TriageEvaluation(text: text) } catch { throw CLIError(.dataError, "\(path): \(error)") }
                let result = evaluation.score(triage, received: received)
                print(TriageEvaluation.report(result, title: "\(name) on \(path)"))
                if mistakes { printMistakes(result) }
            }
        }
    }

}

/// The hand-written items' figures, from a scoring of all the items (their mistakes), so they
/// are not read a second time.
struct HandWritten {
    var right = 0, total = 0, complaints = 0, complaintsFound = 0

    init(_ items: [LabelledItem], _ result: TriageEvaluation.Result) {
        let ids = Set(items.lazy.filter { $0.base == nil }.map(\.id))
        let wrong = result.mistakes.filter { ids.contains($0.id) }
        total = ids.count
        right = total - wrong.count
        complaints = items.count { $0.base == nil && $0.kind == FeedbackRecord.Kind.complaint.rawValue }
        complaintsFound = complaints - wrong.count { $0.expected == .complaint }
    }
}

func percent(_ part: Int, _ whole: Int) -> String { String(format: "%.1f%%", 100 * Double(part) / Double(max(whole, 1))) }

func printMistakes(_ result: TriageEvaluation.Result) {
    for m in result.mistakes { print("  \(m.id): labelled \(m.expected.rawValue), read \(m.got.rawValue): \(m.reason)") }
    for f in result.flagMisses { print("  \(f.id): \(f.missed ? "missed" : "extra") \(f.flag.rawValue)" + (f.reason.map { ": " + $0 } ?? "")) }
    for a in result.areaMisses { print("  \(a.id): service area labelled \(a.expected), read \(a.got)") }
}

/// The labelled data shipped with Letterbox: hand-written items and their register variants.
let shippedLabelledSets = ["Samples/triage/labelled.jsonl", "Samples/triage/variants.jsonl"]

func readLabelledSets(_ paths: [String]) throws -> [LabelledItem] {
    var items: [LabelledItem] = []
    var seen = Set<String>()
    for path in paths {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError(.noInput, "Cannot read the labelled set \(path).") }
        let read: [LabelledItem]
        do { read = try LabelledSet.read(data, source: (path as NSString).lastPathComponent) } catch {
            throw CLIError(.dataError, "\(path): \(error)")
        }
        for item in read {
            guard seen.insert(item.id).inserted else { throw CLIError(.dataError, "\(path): id \(item.id) is also in an earlier set.") }
            items.append(item)
        }
    }
    return items
}

extension TriageTrainCommand {
    /// Grouped k-fold cross-validation over the training items: a steadier figure to tune on
    /// than the dev split alone (every item is scored once, by a model that never saw it or
    /// its register variants). The test split is never part of it unless `--on all`.
    func crossValidate(_ items: [LabelledItem], folds: Int, training: TriageTraining) throws {
        guard (2...20).contains(folds) else { throw CLIError(.usage, "--folds must be 2 to 20.") }
        let received = Date(timeIntervalSince1970: 1_795_000_000)
        var total = TriageEvaluation.Result()
        for fold in 0..<folds {
            let held = items.filter { $0.fold(of: folds) == fold }
            let model = training.train(items.filter { $0.fold(of: folds) != fold }, description: "fold \(fold + 1) of \(folds)")
            var triage = Triage(model: .custom(model), complaintThreshold: complaintThreshold)
            triage.flagModelSettings = try flagModelSettings(flagModel)
            total.merge(TriageEvaluation(labelled: held).score(triage, received: received))
        }
        print(TriageEvaluation.report(total, title: "Cross-validated triage (\(folds) folds) on \(items.count) training items"))
        if mistakes { printMistakes(total) }
        let own = HandWritten(items, total)
        print("  Hand-written items only: \(own.right) of \(own.total) kinds right (\(percent(own.right, own.total))).\n")
    }
}

struct TriageTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the triage model from labelled JSONL.",
        discussion: """
            Trains the kind and service-area classifiers (logistic regression over hashed
            words, word pairs and character n-grams) and writes the model. Deterministic:
            the same data and options give the same bytes.

            By default it trains on the train and dev splits of the shipped data and
            prints its dev figures; the test split is never read. With
            --include-corrections, the kinds officers set with `triage set` in this
            store are added as training items. Point triage.model in letterbox.yaml at
            the written file to use it.

            Examples:
              letterbox triage train --output triage-model.bin --include-corrections
              letterbox triage train --on train --method naive-bayes     # dev figures
              letterbox triage train --output Sources/CTriageModel/triage-model.bin
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @Option(name: .customLong("data"), help: "Labelled JSONL (repeatable; default: the shipped sets).") var data: [String] = []
    @Option(help: "Splits to train on: train, train+dev or all.") var on = "train+dev"
    @Option(help: "logistic or naive-bayes.") var method = "logistic"
    @Option(help: "log2 of the hash buckets.") var bits = 18
    @ArgumentParser.Flag(help: "Add character 3- to 5-grams of each word.") var characters = false
    @ArgumentParser.Flag(help: "No word pairs.") var noPairs = false
    @ArgumentParser.Flag(help: "Without the rules' findings as features.") var noSignals = false
    @Option(help: "Passes over the data.") var epochs = TriageTraining.defaultEpochs
    @Option(help: "AdaGrad learning rate.") var learningRate = TriageTraining.defaultLearningRate
    @Option(help: "L2 penalty.") var l2 = TriageTraining.defaultL2
    @Option(help: "Training runs (each shuffled differently) whose weights are averaged.") var runs = TriageTraining.defaultRuns
    @ArgumentParser.Flag(help: "Add the kinds officers set in this store.") var includeCorrections = false
    @Option(help: "Where to write the model (.swift writes the embedded form).") var output: String?
    @Option(help: ArgumentHelp("Also cross-validate: train on all but one fold and score the whole triage on it, for each of N folds.",
                               valueName: "N")) var folds: Int?
    @ArgumentParser.Flag(help: "With --folds: list each item read differently from its label.") var mistakes = false
    @Option(help: "With --folds: read as a complaint from this model probability.") var complaintThreshold = Triage.defaultComplaintThreshold
    @Option(name: .customLong("flag-model"), help: ArgumentHelp("With --folds: how the model's reading of a flag weighs with the phrase lists' (repeatable, as for eval).", valueName: "FLAG=KEEP/RAISE")) var flagModel: [String] = []

    func run() async throws {
        Triage.readListsNotTable()
        try await reportingErrors {
            guard let method = TriageTraining.Method(rawValue: method) else { throw CLIError(.usage, "--method: logistic or naive-bayes.") }
            guard (10...22).contains(bits) else { throw CLIError(.usage, "--bits must be 10 to 22.") }
            let splits: Set<LabelledItem.Split>
            switch on {
            case "train": splits = [.train]
            case "train+dev": splits = [.train, .dev]
            case "all": splits = [.train, .dev, .test]
            default: throw CLIError(.usage, "--on: train, train+dev or all.")
            }
            var items = try readLabelledSets(data.isEmpty ? shippedLabelledSets : data)
            let dev = items.filter { $0.split == .dev }
            items = items.filter { splits.contains($0.split) }
            var corrections = 0
            if includeCorrections {
                let settings = try await Settings.load(storeOptions)
                let store = try settings.openExistingStore()
                let corrected = try store.correctedTriageItems()
                corrections = corrected.count
                items += corrected
            }
            guard !items.isEmpty else { throw CLIError(.dataError, "No labelled items to train on.") }
            let spec = TriageModel.FeatureSpec(bits: bits, wordPairs: !noPairs, charMin: characters ? 3 : 0, charMax: characters ? 5 : 0, signals: !noSignals)
            let training = TriageTraining(spec: spec, method: method, epochs: epochs, learningRate: learningRate, l2: l2, runs: runs)
            let description = "\(method.rawValue), \(items.count) items (\(on)\(corrections > 0 ? ", \(corrections) corrections" : ""))"
            let model = training.train(items, description: description)
            print("Trained on \(items.count) items: \(model.heads.map { "\($0.name) \($0.buckets.count) weighted buckets" }.joined(separator: ", ")); \(model.encoded().count) bytes.")
            if !splits.contains(.dev), !dev.isEmpty {
                var right = 0, areaRight = 0, complaints = 0, complaintsFound = 0
                let rules = Triage(model: .none)
                for item in dev {
                    let features = item.features(spec: spec, rules: rules)
                    let kind = model.predict("kind", features, explain: false)?.label
                    if kind == item.kind { right += 1 }
                    if model.predict("area", features, explain: false)?.label == item.areaClass { areaRight += 1 }
                    if item.kind == "complaint" {
                        complaints += 1
                        if kind == "complaint" { complaintsFound += 1 }
                    }
                }
                print("Dev split, the model alone: kind \(percent(right, dev.count)), complaint recall \(percent(complaintsFound, complaints)), service area \(percent(areaRight, dev.count)) of \(dev.count) items.")
            }
            if let folds { try crossValidate(items, folds: folds, training: training) }
            if let output {
                do { try model.encoded().write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                    throw CLIError(.ioError, "Cannot write \(output): \(error.localizedDescription)")
                }
                print("Wrote \(output).")
            }
        }
    }
}

/// `urgent_safety=0/0.5`: the settings of ``Triage/flagModelSettings`` given on the command line,
/// over the defaults.
func flagModelSettings(_ arguments: [String]) throws -> [LetterboxCore.Flag: Triage.FlagModelSetting] {
    var settings = Triage.defaultFlagModelSettings
    for argument in arguments {
        let parts = argument.split(separator: "=", maxSplits: 1)
        let values = parts.count == 2 ? parts[1].split(separator: "/").compactMap { Double($0) } : []
        guard parts.count == 2, values.count == 2, let flag = Triage.modelFlags.first(where: { $0.rawValue == parts[0] }) else {
            throw CLIError(.usage, "--flag-model \(argument): FLAG=KEEP/RAISE, FLAG one of \(Triage.modelFlags.map(\.rawValue).joined(separator: ", ")).")
        }
        settings[flag] = .init(keep: values[0], raise: values[1])
    }
    return settings
}
