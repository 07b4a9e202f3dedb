public import Foundation

/// A labelled evaluation set for triage (Samples/triage/eval.txt) and its scoring: per-kind
/// precision and recall, the confusion matrix, and recall and precision of each flag.
public struct TriageEvaluation: Sendable {
    public struct Item: Sendable {
        public var id: String
        public var channel: String
        public var kind: FeedbackRecord.Kind
        public var flags: Set<Flag>
        public var statedKind: String?
        public var subject: String?
        public var body: String
        /// The labelled service area ("other" for none), when the set labels areas.
        public var area: String?
    }

    /// The flags the set labels (a flag not in this list is not scored).
    public static let scoredFlags: [Flag] = [
        .dampMouldHazard, .urgentSafety, .vulnerability, .representative, .escalationRequest, .possiblyOutOfTime, .expressedDissatisfaction,
    ]

    public var items: [Item]

    /// The set of labelled JSONL items (flags outside ``scoredFlags`` are not scored).
    public init(labelled: [LabelledItem]) {
        items = labelled.map { item in
            Item(id: item.id, channel: item.channel ?? "", kind: FeedbackRecord.Kind(rawValue: item.kind),
                 flags: Set((item.flags ?? []).map(Flag.init(rawValue:)).filter(Self.scoredFlags.contains)),
                 statedKind: nil, subject: item.subject, body: item.textAsRead, area: item.areaClass)
        }
    }

    public struct FormatError: Error, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "Line \(line): \(message)" }
    }

    public init(text: String) throws(FormatError) {
        items = []
        var current: Item?
        var lines: [String] = []
        func finish() {
            guard var item = current else { return }
            while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
            if let first = lines.first, first.hasPrefix("Subject:") {
                item.subject = String(first.dropFirst("Subject:".count)).trimmingCharacters(in: .whitespaces)
                lines.removeFirst()
            }
            item.body = lines.joined(separator: "\n")
            items.append(item)
        }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("### ") {
                finish()
                lines = []
                let fields = line.dropFirst(4).split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard fields.count >= 3, !fields[0].isEmpty, Triage.kinds.contains(FeedbackRecord.Kind(rawValue: fields[2])) else {
                    throw FormatError(line: index + 1, message: "expected `### ID | CHANNEL | KIND | FLAGS | stated: KIND` with a known kind")
                }
                var flags = Set<Flag>()
                if fields.count > 3 {
                    for name in fields[3].split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                        let flag = Flag(rawValue: name)
                        guard Self.scoredFlags.contains(flag) else { throw FormatError(line: index + 1, message: "unknown flag \(name)") }
                        flags.insert(flag)
                    }
                }
                var stated: String?
                if fields.count > 4, fields[4].hasPrefix("stated:") { stated = fields[4].dropFirst("stated:".count).trimmingCharacters(in: .whitespaces) }
                current = Item(id: fields[0], channel: fields[1], kind: FeedbackRecord.Kind(rawValue: fields[2]), flags: flags, statedKind: stated, body: "")
            } else if current != nil {
                lines.append(String(line))
            } else if !line.hasPrefix("#"), !line.trimmingCharacters(in: .whitespaces).isEmpty {
                throw FormatError(line: index + 1, message: "text before the first item")
            }
        }
        finish()
    }

    public struct Result: Sendable {
        public var total: Int
        public var correct: Int
        /// confusion[expected][predicted]
        public var confusion: [FeedbackRecord.Kind: [FeedbackRecord.Kind: Int]]
        public var flagCounts: [Flag: (truePositive: Int, falsePositive: Int, falseNegative: Int)]
        public var mistakes: [(id: String, expected: FeedbackRecord.Kind, got: FeedbackRecord.Kind, reason: String)]
        /// Flags missed or raised where the label has none; a raised one with the reading's reason.
        public var flagMisses: [(id: String, flag: Flag, missed: Bool, reason: String?)]
        /// Items with a labelled service area, and those read right.
        public var areaTotal = 0
        public var areaCorrect: Int { areaTotal - areaMisses.count }
        /// Items whose service area was read differently from its label ("other" for none).
        public var areaMisses: [(id: String, expected: String, got: String)] = []
        /// Readings flagged needs_review, and how many of them had the kind wrong.
        public var reviewed = 0
        public var reviewedWrong = 0

        public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

        /// Adds another result's counts (the folds of a cross-validation).
        public mutating func merge(_ other: Result) {
            total += other.total
            correct += other.correct
            for (expected, row) in other.confusion {
                for (got, count) in row { confusion[expected, default: [:]][got, default: 0] += count }
            }
            for (flag, c) in other.flagCounts {
                let mine = flagCounts[flag] ?? (0, 0, 0)
                flagCounts[flag] = (mine.truePositive + c.truePositive, mine.falsePositive + c.falsePositive, mine.falseNegative + c.falseNegative)
            }
            mistakes += other.mistakes
            flagMisses += other.flagMisses
            areaTotal += other.areaTotal
            areaMisses += other.areaMisses
            reviewed += other.reviewed
            reviewedWrong += other.reviewedWrong
        }

        public func precision(_ kind: FeedbackRecord.Kind) -> Double? {
            let predicted = confusion.values.reduce(0) { $0 + ($1[kind] ?? 0) }
            return predicted == 0 ? nil : Double(confusion[kind]?[kind] ?? 0) / Double(predicted)
        }

        public func recall(_ kind: FeedbackRecord.Kind) -> Double? {
            let actual = confusion[kind]?.values.reduce(0, +) ?? 0
            return actual == 0 ? nil : Double(confusion[kind]?[kind] ?? 0) / Double(actual)
        }

        public func flagRecall(_ flag: Flag) -> Double? {
            guard let c = flagCounts[flag], c.truePositive + c.falseNegative > 0 else { return nil }
            return Double(c.truePositive) / Double(c.truePositive + c.falseNegative)
        }

        public func flagPrecision(_ flag: Flag) -> Double? {
            guard let c = flagCounts[flag], c.truePositive + c.falsePositive > 0 else { return nil }
            return Double(c.truePositive) / Double(c.truePositive + c.falsePositive)
        }
    }

    /// Scores the triage on the items (all of them, or those `where` selects).
    public func score(_ triage: Triage, received: Date, where include: (Item) -> Bool = { _ in true }) -> Result {
        var result = Result(total: 0, correct: 0, confusion: [:], flagCounts: [:], mistakes: [], flagMisses: [])
        for item in items where include(item) {
            let reading = triage.read(subject: item.subject, body: item.body, statedKind: item.statedKind, received: received)
            result.total += 1
            if reading.kind == item.kind { result.correct += 1 } else {
                result.mistakes.append((item.id, item.kind, reading.kind, reading.kindReason))
            }
            if let area = item.area {
                result.areaTotal += 1
                if reading.serviceArea != area { result.areaMisses.append((item.id, area, reading.serviceArea)) }
            }
            if reading.flags.contains(where: { $0.flag == .needsReview }) {
                result.reviewed += 1
                if reading.kind != item.kind { result.reviewedWrong += 1 }
            }
            result.confusion[item.kind, default: [:]][reading.kind, default: 0] += 1
            let raised = Set(reading.flags.map(\.flag))
            for flag in Self.scoredFlags {
                var counts = result.flagCounts[flag] ?? (0, 0, 0)
                switch (item.flags.contains(flag), raised.contains(flag)) {
                case (true, true): counts.truePositive += 1
                case (false, true):
                    counts.falsePositive += 1
                    result.flagMisses.append((item.id, flag, false, reading.flags.first { $0.flag == flag }?.reason))
                case (true, false):
                    counts.falseNegative += 1
                    result.flagMisses.append((item.id, flag, true, nil))
                case (false, false): break
                }
                result.flagCounts[flag] = counts
            }
        }
        return result
    }

    /// The report `letterbox triage eval` prints.
    public static func report(_ result: Result, title: String) -> String {
        func pct(_ value: Double?) -> String { value.map { String(format: "%5.1f%%", $0 * 100) } ?? "    - " }
        var out = "\(title): \(result.correct) of \(result.total) kinds right (\(pct(result.accuracy)))\n\n"
        out += "  kind                   precision  recall   items\n"
        for kind in Triage.kinds {
            let actual = result.confusion[kind]?.values.reduce(0, +) ?? 0
            out += "  " + kind.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0) + " " + pct(result.precision(kind)) + "     " + pct(result.recall(kind)) + "   \(actual)\n"
        }
        out += "\n  confusion (rows: labelled, columns: read as)\n  " + "".padding(toLength: 22, withPad: " ", startingAt: 0)
        let short = ["compl", "prais", "sugg", "comm", "serv", "info", "asb"]
        for name in short { out += name.padding(toLength: 6, withPad: " ", startingAt: 0) }
        out += "\n"
        for kind in Triage.kinds {
            out += "  " + kind.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0)
            for predicted in Triage.kinds {
                out += String(result.confusion[kind]?[predicted] ?? 0).padding(toLength: 6, withPad: " ", startingAt: 0)
            }
            out += "\n"
        }
        if result.areaTotal > 0 {
            out += "\n  service area: \(result.areaCorrect) of \(result.areaTotal) right (\(pct(Double(result.areaCorrect) / Double(result.areaTotal))))\n"
        }
        let wrong = result.total - result.correct
        out += "\n  needs_review: \(result.reviewed) of \(result.total) readings (\(pct(result.total == 0 ? nil : Double(result.reviewed) / Double(result.total)))) went to review; "
            + "\(result.reviewedWrong) of them had the kind wrong, which is \(result.reviewedWrong) of the \(wrong) wrong readings (\(pct(wrong == 0 ? nil : Double(result.reviewedWrong) / Double(wrong)))).\n"
            + "  The readings not sent to review: \(result.correct - (result.reviewed - result.reviewedWrong)) of \(result.total - result.reviewed) right (\(pct(result.total == result.reviewed ? nil : Double(result.correct - (result.reviewed - result.reviewedWrong)) / Double(result.total - result.reviewed)))).\n"
        out += "\n  flag                       recall  precision  labelled\n"
        for flag in scoredFlags {
            let c = result.flagCounts[flag] ?? (0, 0, 0)
            out += "  " + flag.rawValue.padding(toLength: 26, withPad: " ", startingAt: 0) + pct(result.flagRecall(flag)) + "   " + pct(result.flagPrecision(flag)) + "     \(c.truePositive + c.falseNegative)\n"
        }
        return out
    }
}

extension TriageEvaluation.Result {
    /// No items scored yet (in an extension, so the memberwise initialiser stays).
    public init() {
        self.init(total: 0, correct: 0, confusion: [:], flagCounts: [:], mistakes: [], flagMisses: [])
    }
}
