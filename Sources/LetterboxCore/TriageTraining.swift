public import Foundation

/// One labelled item of triage data (docs/labelling-guide.md, "How the data is kept").
public struct LabelledItem: Codable, Hashable, Sendable {
    public var id: String
    /// The hand-written item a register variant was made from; the split follows it.
    public var base: String?
    public var source: String?
    public var channel: String?
    public var subject: String?
    public var text: String
    public var kind: String
    public var serviceArea: String?
    public var flags: [String]?
    public var unsure: Bool?
    public var comment: String?

    public init(id: String, base: String? = nil, source: String? = nil, channel: String? = nil, subject: String? = nil, text: String,
                kind: String, serviceArea: String? = nil, flags: [String]? = nil, unsure: Bool? = nil, comment: String? = nil) {
        self.id = id
        self.base = base
        self.source = source
        self.channel = channel
        self.subject = subject
        self.text = text
        self.kind = kind
        self.serviceArea = serviceArea
        self.flags = flags
        self.unsure = unsure
        self.comment = comment
    }

    /// Which part of the data an item belongs to, by a fixed hash of its base id: the same on
    /// every machine and every run, decided before any tuning.
    public enum Split: String, Sendable, CaseIterable {
        case train, dev, test
    }

    /// The fixed hash of the hand-written item's id that the split and the folds come from.
    private var baseHash: UInt64 {
        var hash = TextFingerprint.fnvOffset
        for byte in (base ?? id).utf8 { hash = TextFingerprint.fnv(hash, byte) }
        return TextFingerprint.mix(hash)
    }

    public var split: Split {
        switch baseHash % 10 {
        case 0, 1: return unsure == true ? .dev : .test
        case 2: return .dev
        default: return .train
        }
    }

    /// The item's fold of `count` for cross-validation, by the same fixed hash as ``split`` (its
    /// higher digits), so a register variant stays in its hand-written item's fold.
    public func fold(of count: Int) -> Int {
        Int((baseHash / 10) % UInt64(max(count, 1)))
    }

    /// The text as Letterbox reads it from the item's channel: of an email, what the sender
    /// wrote now, without the earlier messages it quotes (``QuoteSplitter``), as the email
    /// decoder keeps it as the record's body. Training and evaluation read this, so that the
    /// figures are those of the text triage sees in use.
    public var textAsRead: String {
        channel == "email" ? QuoteSplitter.split(text).newText.normalisedForRecord : text
    }

    /// The item's features as training and the dev report read them: its text as read
    /// (``textAsRead``, worked out once) and, when the spec reads them, the rules' findings in it.
    public func features(spec: TriageModel.FeatureSpec, rules: Triage) -> TriageFeatures {
        let body = textAsRead
        return TriageFeatures(subject: subject, body: body, spec: spec, evidence: spec.signals == true ? rules.evidence(subject: subject, body: body) : [], phrases: false)
    }

    /// The area as a class name: "other" when the label leaves it empty.
    public var areaClass: String { (serviceArea?.isEmpty ?? true) ? "other" : serviceArea! }
}

/// Reading labelled JSONL: one item per line, blank lines and `#` lines skipped. Every problem
/// names its line; nothing is guessed.
public enum LabelledSet {
    public struct FormatError: Error, CustomStringConvertible, Equatable {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public static func read(_ data: Data, source: String? = nil) throws(FormatError) -> [LabelledItem] {
        var items: [LabelledItem] = []
        var ids = Set<String>()
        let decoder = JSONDecoder()
        let kinds = Set(Triage.kinds.map(\.rawValue))
        let areas = Set(Triage.serviceAreaNames.map(\.1) + ["other", ""])
        var lineNumber = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { continue }
            var item: LabelledItem
            do { item = try decoder.decode(LabelledItem.self, from: Data(line)) } catch {
                throw FormatError(line: lineNumber, message: "not a labelled item (a JSON object with id, text and kind)")
            }
            guard !item.id.isEmpty, item.id.utf8.count <= 200 else { throw FormatError(line: lineNumber, message: "the id is empty or too long") }
            guard ids.insert(item.id).inserted else { throw FormatError(line: lineNumber, message: "id \(item.id) appears twice") }
            guard kinds.contains(item.kind) else {
                throw FormatError(line: lineNumber, message: "kind \(item.kind) is not one of \(Triage.kinds.map(\.rawValue).joined(separator: ", "))")
            }
            guard areas.contains(item.serviceArea ?? "") else { throw FormatError(line: lineNumber, message: "service area \(item.serviceArea ?? "") is not known") }
            if item.source == nil { item.source = source }
            items.append(item)
        }
        return items
    }
}

/// Training the linear heads of a ``TriageModel``: multinomial logistic regression by AdaGrad
/// (or, for comparison, multinomial naive Bayes), deterministic for given data and settings.
public struct TriageTraining: Sendable {
    public enum Method: String, Sendable, CaseIterable {
        case logistic
        case naiveBayes = "naive-bayes"
    }

    public var spec: TriageModel.FeatureSpec
    public var method: Method
    public var epochs: Int
    public var learningRate: Double
    public var l2: Double
    /// Logistic runs, each with its own shuffle, whose weights are averaged.
    public var runs: Int

    /// The settings the shipped model is trained with (chosen by cross-validation; the
    /// command's options default to these).
    public static let defaultEpochs = 10, defaultLearningRate = 0.5, defaultL2 = 5e-5, defaultRuns = 10

    public init(spec: TriageModel.FeatureSpec = .init(), method: Method = .logistic, epochs: Int = defaultEpochs,
                learningRate: Double = defaultLearningRate, l2: Double = defaultL2, runs: Int = defaultRuns) {
        self.runs = max(runs, 1)
        self.spec = spec
        self.method = method
        self.epochs = epochs
        self.learningRate = learningRate
        self.l2 = l2
    }

    public static let kindClasses = Triage.kinds.map(\.rawValue)
    public static let areaClasses = Triage.serviceAreaNames.map(\.1) + ["other"]

    /// Trains the kind and service-area heads on the items.
    public func train(_ items: [LabelledItem], description: String) -> TriageModel {
        let rules = Triage(model: .none)
        let features = items.map { $0.features(spec: spec, rules: rules) }
        let kind = trainHead(name: "kind", classes: Self.kindClasses, labels: items.map(\.kind), features: features)
        let area = trainHead(name: "area", classes: Self.areaClasses, labels: items.map(\.areaClass), features: features)
        // The flag heads learn from items whose flags were labelled (an officer's correction of the
        // kind says nothing about them).
        let flagged = items.indices.filter { items[$0].flags != nil }
        let flagHeads = Triage.modelFlags.map { flag in
            trainHead(name: flag.rawValue, classes: ["no", "yes"], labels: flagged.map { items[$0].flags!.contains(flag.rawValue) ? "yes" : "no" },
                      features: flagged.map { features[$0] })
        }
        return TriageModel(spec: spec, heads: [kind, area] + (flagged.isEmpty ? [] : flagHeads), description: description)
    }

    func trainHead(name: String, classes: [String], labels: [String], features: [TriageFeatures]) -> TriageModel.Head {
        let width = classes.count
        let buckets = 1 << spec.bits
        let targets = labels.map { classes.firstIndex(of: $0) ?? width - 1 }
        switch method {
        case .naiveBayes:
            var counts = [Double](repeating: 0, count: buckets * width)
            var totals = [Double](repeating: 0, count: width)
            var priors = [Double](repeating: 0, count: width)
            for (item, target) in zip(features, targets) {
                priors[target] += 1
                for bucket in item.buckets {
                    counts[Int(bucket) * width + target] += 1
                    totals[target] += 1
                }
            }
            let seen = Set(features.flatMap(\.buckets))
            let used = Double(seen.count)
            var dense = [Float](repeating: 0, count: buckets * width)
            for bucket in seen {
                for c in 0..<width {
                    dense[Int(bucket) * width + c] = Float(log((counts[Int(bucket) * width + c] + 1) / (totals[c] + used)))
                }
            }
            // Features arrive scaled by 1/sqrt(n); undo it for a typical text, so that naive
            // Bayes sums log-probabilities.
            let bias = (0..<width).map { Float(log((priors[$0] + 1) / (Double(features.count) + Double(width)))) }
            let typical = features.map(\.value).sorted()[features.count / 2]
            return TriageModel.Head(name: name, classes: classes, bias: bias, dense: dense.map { $0 / Float(typical) })
        case .logistic:
            var sumWeights = [Double](repeating: 0, count: buckets * width)
            var sumBias = [Double](repeating: 0, count: width)
            for run in 0..<runs {
            // Raw buffers for the whole run: the same arithmetic in the same order as indexing
            // arrays (the shipped model is the same to the byte), but a debug build (the test that
            // retrains the shipped model) no longer checks each access for sharing.
            func buffer(_ count: Int, _ value: Double) -> UnsafeMutableBufferPointer<Double> {
                let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
                buffer.initialize(repeating: value)
                return buffer
            }
            let weights = buffer(buckets * width, 0), squares = buffer(buckets * width, 1e-8)
            let bias = buffer(width, 0), biasSquares = buffer(width, 1e-8), scores = buffer(width, 0)
            defer { for working in [weights, squares, bias, biasSquares, scores] { working.deallocate() } }
            var order = Array(features.indices)
            var random = SplitMix64(seed: 0x5452_4941_4745 &+ UInt64(run))  // "TRIAGE"
            for _ in 0..<epochs {
                for index in stride(from: order.count - 1, to: 0, by: -1) {
                    order.swapAt(index, Int(random.next() % UInt64(index + 1)))
                }
                for item in order {
                    let value = features[item].value, target = targets[item]
                    features[item].buckets.withUnsafeBufferPointer { ids in
                        for c in 0..<width { scores[c] = bias[c] }
                        for k in 0..<ids.count {
                            let base = Int(ids[k]) * width
                            for c in 0..<width { scores[c] += weights[base + c] * value }
                        }
                        var top = scores[0]
                        for c in 1..<width where scores[c] > top { top = scores[c] }
                        var sum = 0.0
                        for c in 0..<width {
                            scores[c] = exp(scores[c] - top)
                            sum += scores[c]
                        }
                        for c in 0..<width {
                            let gradient = scores[c] / sum - (c == target ? 1 : 0)
                            biasSquares[c] += gradient * gradient
                            bias[c] -= learningRate * gradient / biasSquares[c].squareRoot()
                            for k in 0..<ids.count {
                                let at = Int(ids[k]) * width + c
                                let g = gradient * value + l2 * weights[at]
                                squares[at] += g * g
                                weights[at] -= learningRate * g / squares[at].squareRoot()
                            }
                        }
                    }
                }
            }
            for index in sumWeights.indices { sumWeights[index] += weights[index] }
            for index in sumBias.indices { sumBias[index] += bias[index] }
            }
            let share = 1 / Double(runs)
            return TriageModel.Head(name: name, classes: classes, bias: sumBias.map { Float($0 * share) }, dense: sumWeights.map { Float($0 * share) })
        }
    }
}

/// A small, fast, fixed pseudo-random sequence (SplitMix64), for shuffling the same way on
/// every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return TextFingerprint.mix(state)
    }
}
