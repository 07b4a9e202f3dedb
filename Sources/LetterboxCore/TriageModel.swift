public import Foundation
internal import CTriageModel

/// The trained part of triage: linear classifiers (one "head" for the kind, one for the service
/// area) over hashed word, word-pair and character n-gram features of the subject and text.
///
/// Trained by `letterbox triage train` from labelled JSONL (``TriageTraining``); the shipped
/// weights are `Sources/CTriageModel/triage-model.bin`, written by that command and compiled
/// into the binary, so the binary needs no file beside it. A landlord's retrained model (`triage.model` in letterbox.yaml) is read by
/// ``init(data:)``, which checks every length and index before using them.
public struct TriageModel: Sendable {
    /// How text becomes features. Stored in the model so a model and its reader always agree.
    public struct FeatureSpec: Codable, Hashable, Sendable {
        /// log2 of the number of hash buckets.
        public var bits: Int
        public var wordPairs: Bool
        /// Character n-grams of each word, from `charMin` to `charMax` bytes (0 for none).
        public var charMin: Int
        public var charMax: Int
        /// Only the first `maxWords` words are read (long threads repeat themselves).
        public var maxWords: Int
        /// Whether the rules' findings (``Triage/evidence(subject:body:)``) are features too.
        public var signals: Bool?

        public init(bits: Int = 18, wordPairs: Bool = true, charMin: Int = 0, charMax: Int = 0, maxWords: Int = 400, signals: Bool = true) {
            self.signals = signals
            self.bits = bits
            self.wordPairs = wordPairs
            self.charMin = charMin
            self.charMax = charMax
            self.maxWords = maxWords
        }
    }

    /// One classifier: class names, bias per class, and the non-zero weights of the buckets that
    /// carry any, quantised to 8 bits with one scale.
    public struct Head: Sendable {
        public var name: String
        public var classes: [String]
        public var bias: [Float]
        /// `weights[row * classes.count + class]`, a row for each bucket that carries weights
        /// (``buckets``, in order).
        public var weights: [Int8] { table.withUnsafeBufferPointer { Array($0) } }
        let table: WeightTable
        public var scale: Float

        /// Which buckets carry a row: one bit per bucket, and before each 64-bit word the number
        /// of rows in the words before it, so a bucket's row is one popcount away (a rank
        /// bitmap: 40 KB for 2^18 buckets, where a table of rows took 1 MB and a page fault per
        /// 4 KB of it at start-up, paid by every mail-pipe process).
        let present: [UInt64]
        let ranks: [Int32]

        /// `buckets`: sorted bucket numbers, each once, one row of `weights` each.
        public init(name: String, classes: [String], bias: [Float], buckets: [UInt32], weights: [Int8], scale: Float) {
            var present = [UInt64](repeating: 0, count: buckets.isEmpty ? 0 : (Int(buckets.last!) >> 6) + 1)
            for bucket in buckets { present[Int(bucket >> 6)] |= 1 << UInt64(bucket & 63) }
            self.init(name: name, classes: classes, bias: bias, present: present, weights: weights, scale: scale)
        }

        /// From the bitmap of buckets that carry a row (the model file's reader builds it as it
        /// checks the bucket numbers, without a list of them).
        init(name: String, classes: [String], bias: [Float], present: [UInt64], weights: [Int8], scale: Float) {
            self.init(name: name, classes: classes, bias: bias, present: present, table: .owned(weights), scale: scale)
        }

        init(name: String, classes: [String], bias: [Float], present: [UInt64], table: WeightTable, scale: Float) {
            self.name = name
            self.classes = classes
            self.bias = bias
            self.table = table
            self.scale = scale
            var ranks = [Int32](repeating: 0, count: present.count)
            var total: Int32 = 0
            for index in present.indices {
                ranks[index] = total
                total += Int32(present[index].nonzeroBitCount)
            }
            self.present = present
            self.ranks = ranks
        }

        /// The buckets that carry weights, in order (row `i` of `weights` is the `i`-th).
        public var buckets: [UInt32] {
            var list: [UInt32] = []
            list.reserveCapacity(ranks.last.map { Int($0) + present.last!.nonzeroBitCount } ?? 0)
            for (index, word) in present.enumerated() {
                var bits = word
                while bits != 0 {
                    list.append(UInt32(index << 6 + bits.trailingZeroBitCount))
                    bits &= bits &- 1
                }
            }
            return list
        }

        /// Quantises a dense weight table (`dense[bucket * classes + class]`), keeping the
        /// buckets with a weight that survives rounding.
        public init(name: String, classes: [String], bias: [Float], dense: [Float]) {
            let width = classes.count
            let largest = dense.reduce(Float(0)) { Swift.max($0, abs($1)) }
            let scale = largest > 0 ? largest / 127 : 1
            var buckets: [UInt32] = []
            var weights: [Int8] = []
            for bucket in 0..<(dense.count / width) {
                let row = (0..<width).map { Int8(clamping: Int((dense[bucket * width + $0] / scale).rounded())) }
                if row.contains(where: { $0 != 0 }) {
                    buckets.append(UInt32(bucket))
                    weights.append(contentsOf: row)
                }
            }
            self.init(name: name, classes: classes, bias: bias, buckets: buckets, weights: weights, scale: scale)
        }

        @inline(__always) func row(of bucket: UInt32) -> Int? {
            let word = Int(bucket >> 6)
            guard word < present.count else { return nil }
            let bits = present[word]
            let bit = UInt64(1) << UInt64(bucket & 63)
            guard bits & bit != 0 else { return nil }
            return Int(ranks[word]) + (bits & (bit &- 1)).nonzeroBitCount
        }

        /// The probability of each class for the features.
        public func probabilities(_ features: TriageFeatures) -> [Double] {
            let width = classes.count
            // Integer sums of the 8-bit weights (exact), scaled once at the end.
            var sums = [Int32](repeating: 0, count: width)
            table.withUnsafeBufferPointer { weights in
                sums.withUnsafeMutableBufferPointer { sums in
                    for feature in features.buckets {
                        guard let row = row(of: feature) else { continue }
                        let base = row * width
                        for index in 0..<width { sums[index] &+= Int32(weights[base + index]) }
                    }
                }
            }
            let factor = Double(scale) * features.value
            return Self.softmax((0..<width).map { Double(bias[$0]) + Double(sums[$0]) * factor })
        }

        /// The weight one feature gives a class over the others' average: its evidence for it.
        @inline(__always) func evidence(_ bucket: UInt32, for index: Int) -> Float {
            guard let row = row(of: bucket) else { return 0 }
            let base = row * classes.count
            return table.withUnsafeBufferPointer { weights in
                var total: Int32 = 0
                for other in 0..<classes.count { total &+= Int32(weights[base + other]) }
                return (Float(weights[base + index]) - Float(total) / Float(classes.count)) * scale
            }
        }

        static func softmax(_ scores: [Double]) -> [Double] {
            let top = scores.max() ?? 0
            let exps = scores.map { Foundation.exp($0 - top) }
            let sum = exps.reduce(0, +)
            return exps.map { $0 / sum }
        }
    }

    /// What one head read: the likeliest class, its probability, the runner-up, and the words
    /// that weighed most for it.
    public struct Prediction: Sendable {
        public var label: String
        public var probability: Double
        public var runnerUp: String
        public var runnerUpProbability: Double
        /// Up to three words or word pairs of the text with the most weight for `label`.
        public var evidence: [String]
        /// Every class's probability, in the head's order of classes.
        public var probabilities: [(String, Double)]

        public func probability(of label: String) -> Double { probabilities.first { $0.0 == label }?.1 ?? 0 }
    }

    public var spec: FeatureSpec
    public var heads: [Head]
    /// What it was trained on, for `triage eval` and `store check`: "2,313 items, ...".
    public var description: String

    public init(spec: FeatureSpec, heads: [Head], description: String) {
        self.spec = spec
        self.heads = heads
        self.description = description
    }

    public func head(_ name: String) -> Head? { heads.first { $0.name == name } }

    /// Reads one head over the text's features. `explain`: also find the words that weighed
    /// most (``Prediction/evidence``), which costs more than the reading itself.
    public func predict(_ headName: String, _ features: TriageFeatures, explain: Bool = true) -> Prediction? {
        guard let head = head(headName), head.classes.count >= 2 else { return nil }
        let probabilities = head.probabilities(features)
        var best = 0
        var second = 1
        if probabilities[1] > probabilities[0] { (best, second) = (1, 0) }
        for index in 2..<probabilities.count {
            if probabilities[index] > probabilities[best] {
                second = best
                best = index
            } else if probabilities[index] > probabilities[second] {
                second = index
            }
        }
        return Prediction(label: head.classes[best], probability: probabilities[best], runnerUp: head.classes[second],
                          runnerUpProbability: probabilities[second], evidence: explain ? evidence(head, features, for: best) : [],
                          probabilities: Array(zip(head.classes, probabilities)))
    }

    /// The words that weighed most for one class of a head ("complaint" when another kind was
    /// likelier but complaint was likely enough).
    public func explain(_ headName: String, _ features: TriageFeatures, label: String) -> [String] {
        guard let head = head(headName), let index = head.classes.firstIndex(of: label) else { return [] }
        return evidence(head, features, for: index)
    }

    /// The readable features with the most weight for a class; strings only for those.
    func evidence(_ head: Head, _ features: TriageFeatures, for best: Int) -> [String] {
        // The best few by weight, kept in order as they are found (no sort of them all).
        var top: [(candidate: TriageFeatures.Candidate, weight: Float)] = []
        top.reserveCapacity(9)
        for candidate in features.candidates where !candidate.stop {
            let weight = head.evidence(candidate.bucket, for: best)
            guard weight > 0, top.count < 8 || weight > top[top.count - 1].weight else { continue }
            let at = top.firstIndex { weight > $0.weight } ?? top.count
            top.insert((candidate, weight), at: at)
            if top.count > 8 { top.removeLast() }
        }
        // A word pair says more than its words; drop a word already inside a chosen pair.
        var chosen: [TriageFeatures.Candidate] = []
        var evidence: [String] = []
        for (candidate, _) in top where evidence.count < 3 {
            let phrase = features.phrase(candidate)
            let overlaps = chosen.contains { other in
                candidate.named < 0 && other.named < 0
                    ? candidate.start < other.end && other.start < candidate.end
                    : features.phrase(other) == phrase
            }
            if overlaps { continue }
            chosen.append(candidate)
            evidence.append(phrase)
        }
        return evidence
    }

    /// Words that carry weight in a model but explain nothing to an officer ("at", "the").
    static let stopWords: Set<String> = [
        "a", "an", "the", "at", "by", "in", "on", "of", "to", "for", "and", "or", "so", "my", "me", "i", "im", "is", "it", "its",
        "am", "be", "been", "was", "are", "we", "you", "your", "u", "ur", "this", "that", "with", "from", "as", "but", "he", "she",
        "they", "his", "her", "their", "our", "there", "have", "has", "had", "do", "if", "up", "out", "all", "just", "get",
    ]

    /// The text's features by this model's spec.
    public func features(subject: String?, body: String, evidence: [(UInt64, String?)] = [], phrases: Bool = true) -> TriageFeatures {
        TriageFeatures(subject: subject, body: body, spec: spec, evidence: evidence, phrases: phrases)
    }
}

/// The hashed features of one text: buckets (sorted, each once) with one value,
/// `1/sqrt(count)`, so that long and short texts weigh alike; and for explanations, where the
/// words and word pairs behind the word features are (strings are made only for the few an
/// explanation names).
public struct TriageFeatures: Sendable {
    public var buckets: [UInt32]
    public var value: Double
    /// A feature an officer can read: a word, a word pair, or a rule's finding shown by its
    /// phrase. Stop words ("at", "the") are marked so that explanations skip them.
    struct Candidate: Sendable {
        var bucket: UInt32
        /// A range of `words`, or (when `named >= 0`) an index into `names`.
        var start: Int32
        var end: Int32
        var named: Int32
        var stop: Bool
    }
    var candidates: [Candidate]
    /// The text's words, lower-cased, separated by single spaces.
    var words: [UInt8]
    var names: [String]

    /// The hash of a named feature (a rule's finding), as ``init(subject:body:spec:evidence:phrases:)`` takes it.
    public static func hash(named name: String) -> UInt64 {
        var hash = TextFingerprint.fnv(TextFingerprint.fnvOffset, UInt8(ascii: "x"))
        for byte in name.utf8 { hash = TextFingerprint.fnv(hash, byte) }
        return hash
    }

    static let stopHashes = WordSet(Array(TriageModel.stopWords))

    /// A text split once into words: their hashes (as ``PhraseMatcher/wordHashes(_:)`` makes
    /// them, so the phrase lists can use the same pass) and their bytes, space-separated.
    public struct Words: Sendable {
        public var hashes: [UInt64] = []
        var bytes: [UInt8] = []
        /// Where each word starts in `bytes`.
        var starts: [Int32] = []

        /// How many question marks the text has.
        public var questionMarks = 0

        public init(_ text: String) {
            hashes.reserveCapacity(text.utf8.count / 5)
            starts.reserveCapacity(text.utf8.count / 5)
            bytes.reserveCapacity(text.utf8.count)
            var text = text
            // Most texts are ASCII and contiguous: read in one pass through a pointer, the words
            // split, hashed and copied as they are met, "&" read as the word "and", the question
            // marks counted. (Three scans of the text's UTF-8 view before splitting it, and a
            // buffer per word, were a tenth of triage.) The same words as the splitter below
            // (a test holds the two together).
            if text.withUTF8({ readASCII($0) }) { return }
            questionMarks = text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "?") ? 1 : 0) }
            TextFingerprint.forEachWord(Triage.ampersandAsAnd(text)) { word in
                var hash = TextFingerprint.fnvOffset
                for byte in word { hash = TextFingerprint.fnv(hash, byte) }
                hashes.append(hash)
                if !bytes.isEmpty { bytes.append(0x20) }
                starts.append(Int32(bytes.count))
                bytes.append(contentsOf: word)
            }
        }

        /// Reads an ASCII text; false (having read nothing) if it is not ASCII.
        private mutating func readASCII(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
            var high: UInt8 = 0
            for byte in text { high |= byte }
            guard high < 0x80 else { return false }
            var hash = TextFingerprint.fnvOffset
            var inWord = false
            @inline(__always) func startWord() {
                if !bytes.isEmpty { bytes.append(0x20) }
                starts.append(Int32(bytes.count))
                inWord = true
            }
            @inline(__always) func endWord() {
                hashes.append(hash)
                hash = TextFingerprint.fnvOffset
                inWord = false
            }
            for byte in text {
                switch byte {
                case 0x30...0x39, 0x61...0x7A:
                    if !inWord { startWord() }
                    hash = TextFingerprint.fnv(hash, byte)
                    bytes.append(byte)
                case 0x41...0x5A:
                    if !inWord { startWord() }
                    hash = TextFingerprint.fnv(hash, byte | 0x20)
                    bytes.append(byte | 0x20)
                case 0x27 where inWord: continue
                case 0x26:  // "&": the word "and"
                    if inWord { endWord() }
                    startWord()
                    for letter in "and".utf8 {
                        hash = TextFingerprint.fnv(hash, letter)
                        bytes.append(letter)
                    }
                    endWord()
                default:
                    if byte == 0x3F { questionMarks += 1 }
                    if inWord { endWord() }
                }
            }
            if inWord { endWord() }
            return true
        }

        func end(_ index: Int) -> Int32 { index + 1 < starts.count ? starts[index + 1] - 1 : Int32(bytes.count) }
    }

    public init(subject: String?, body: String, spec: TriageModel.FeatureSpec, evidence: [(UInt64, String?)] = [], phrases keepPhrases: Bool = true) {
        self.init(words: Words(subject.map { $0 + "\n" + body } ?? body), spec: spec, evidence: evidence, phrases: keepPhrases)
    }

    /// - Parameter evidence: further named features (the rules' findings, hashed with
    ///   ``hash(named:)``), each with the phrase that shows it, if any.
    public init(words text: Words, spec: TriageModel.FeatureSpec, evidence: [(UInt64, String?)] = [], phrases keepPhrases: Bool = true) {
        let mask = UInt64((1 << spec.bits) - 1)
        var buckets: [UInt32] = []
        var candidates: [Candidate] = []
        let count = Swift.min(text.hashes.count, spec.maxWords)
        buckets.reserveCapacity(count * (spec.wordPairs ? 2 : 1) + evidence.count)
        if keepPhrases { candidates.reserveCapacity(count * 2 + evidence.count) }
        @inline(__always) func bucket(_ hash: UInt64) -> UInt32 { UInt32(TextFingerprint.mix(hash) & mask) }
        for index in 0..<count {
            let hash = text.hashes[index]
            // Words, pairs and named features are kept apart by a different salt for each.
            let unigram = bucket(hash ^ 0x5757_5757_5757_5757)
            buckets.append(unigram)
            let stop = keepPhrases && Self.stopHashes.contains(hash)
            if keepPhrases {
                candidates.append(Candidate(bucket: unigram, start: text.starts[index], end: text.end(index), named: -1, stop: stop))
            }
            if spec.wordPairs, index > 0 {
                let pair = bucket(TextFingerprint.mix(text.hashes[index - 1] ^ 0x5050_5050_5050_5050) ^ hash)
                buckets.append(pair)
                if keepPhrases {
                    candidates.append(Candidate(bucket: pair, start: text.starts[index - 1], end: text.end(index), named: -1,
                                                stop: stop && Self.stopHashes.contains(text.hashes[index - 1])))
                }
            }
            if spec.charMin > 0, spec.charMax >= spec.charMin {
                // "<word>" so that beginnings and ends count: "<no", "ody>".
                let padded = [UInt8(ascii: "<")] + text.bytes[Int(text.starts[index])..<Int(text.end(index))] + [UInt8(ascii: ">")]
                for length in spec.charMin...spec.charMax where length <= padded.count {
                    for start in 0...(padded.count - length) {
                        var gram = TextFingerprint.fnv(TextFingerprint.fnvOffset, UInt8(truncatingIfNeeded: length))
                        for byte in padded[start..<(start + length)] { gram = TextFingerprint.fnv(gram, byte) }
                        buckets.append(bucket(gram))
                    }
                }
            }
        }
        var names: [String] = []
        for (hash, phrase) in evidence {
            let named = bucket(hash)
            buckets.append(named)
            if keepPhrases, let phrase {
                candidates.append(Candidate(bucket: named, start: 0, end: 0, named: Int32(names.count), stop: false))
                names.append(phrase)
            }
        }
        buckets.sort()
        var unique = 0
        for index in buckets.indices where index == 0 || buckets[index] != buckets[unique - 1] {
            buckets[unique] = buckets[index]
            unique += 1
        }
        buckets.removeLast(buckets.count - unique)
        self.buckets = buckets
        self.value = buckets.isEmpty ? 0 : 1 / Double(buckets.count).squareRoot()
        self.candidates = candidates
        self.words = keepPhrases ? text.bytes : []
        self.names = names
    }

    func phrase(_ candidate: Candidate) -> String {
        candidate.named >= 0 ? names[Int(candidate.named)] : String(decoding: words[Int(candidate.start)..<Int(candidate.end)], as: UTF8.self)
    }
}

// MARK: - The model file

extension TriageModel {
    /// The first line of a model file.
    public static let magic = "LETTERBOX-TRIAGE-MODEL 1\n"

    public struct FormatError: Error, CustomStringConvertible, Equatable {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { "Not a triage model: \(message)" }
    }

    private struct Header: Codable {
        struct HeadHeader: Codable {
            var name: String
            var classes: [String]
            var bias: [Float]
            var scale: Float
            var rows: Int
        }
        var spec: FeatureSpec
        var heads: [HeadHeader]
        var description: String
    }

    /// The model as bytes: the magic line, a JSON header line, then each head's bucket numbers
    /// (UInt32, little-endian) and weights (Int8). Deterministic.
    public func encoded() -> Data {
        let header = Header(spec: spec, heads: heads.map { .init(name: $0.name, classes: $0.classes, bias: $0.bias, scale: $0.scale, rows: $0.buckets.count) },
                            description: description)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = Data(Self.magic.utf8)
        data.append((try? encoder.encode(header)) ?? Data())
        data.append(0x0A)
        for head in heads {
            for bucket in head.buckets { withUnsafeBytes(of: bucket.littleEndian) { data.append(contentsOf: $0) } }
            head.table.withUnsafeBufferPointer { data.append(contentsOf: UnsafeRawBufferPointer($0)) }
        }
        return data
    }

    /// Reads a model file, checking every count, index and number. The bytes are read where they
    /// are; only the weights are copied, since the data may go (the shipped model's stay where
    /// the binary holds them: ``loadShipped()``).
    public init(data: Data) throws(FormatError) {
        let result = data.withUnsafeBytes { raw -> Result<Parsed, FormatError> in
            do throws(FormatError) { return .success(try Self.parse(raw, inPlace: false)) } catch { return .failure(error) }
        }
        let parsed = try result.get()
        self.init(spec: parsed.spec, heads: parsed.heads, description: parsed.description)
    }

    /// Reads a model from bytes that stay where they are for the life of the process (the
    /// binary's own), keeping its weights there instead of copying them.
    init(immortal bytes: UnsafeRawBufferPointer) throws(FormatError) {
        let parsed = try Self.parse(bytes, inPlace: true)
        self.init(spec: parsed.spec, heads: parsed.heads, description: parsed.description)
    }

    private typealias Parsed = (spec: FeatureSpec, heads: [Head], description: String)

    /// `inPlace`: the bytes outlive every model made from them, and the weights are read where
    /// they are.
    private static func parse(_ bytes: UnsafeRawBufferPointer, inPlace: Bool) throws(FormatError) -> Parsed {
        let magic = Array(Self.magic.utf8)
        guard bytes.count > magic.count, bytes.starts(with: magic) else { throw FormatError("it does not start with \(Self.magic.dropLast())") }
        guard let newline = bytes[magic.count...].firstIndex(of: 0x0A) else { throw FormatError("the header line has no end") }
        guard newline - magic.count <= 1 << 20 else { throw FormatError("the header line is too long") }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(bytes[magic.count..<newline])) } catch {
            throw FormatError("the header is not the expected JSON")
        }
        let spec = header.spec
        guard (8...24).contains(spec.bits), (0...16).contains(spec.charMin), (0...16).contains(spec.charMax), (1...100_000).contains(spec.maxWords) else {
            throw FormatError("the feature settings are out of range")
        }
        guard !header.heads.isEmpty, header.heads.count <= 8 else { throw FormatError("it has \(header.heads.count) heads") }
        var offset = newline + 1
        var heads: [Head] = []
        for item in header.heads {
            let width = item.classes.count
            guard (2...64).contains(width), item.bias.count == width, Set(item.classes).count == width else {
                throw FormatError("head \(item.name) has \(width) classes and \(item.bias.count) biases")
            }
            guard item.scale.isFinite, item.scale > 0, item.bias.allSatisfy(\.isFinite) else { throw FormatError("head \(item.name) has a number that is not finite") }
            guard item.rows >= 0, item.rows <= 1 << spec.bits else { throw FormatError("head \(item.name) has \(item.rows) rows") }
            let size = item.rows * 4 + item.rows * width
            guard bytes.count - offset >= size else { throw FormatError("head \(item.name) is cut short") }
            // Checked and filed in the bitmap in one pass of raw loads: the shipped model is read
            // by every process that triages (the mail pipe included), once per message piped in.
            let start = offset
            let bucket = { (row: Int) in UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: start + row * 4, as: UInt32.self)) }
            let last = item.rows > 0 ? bucket(item.rows - 1) : 0
            guard last < UInt32(1) << spec.bits else { throw FormatError("head \(item.name) has bucket numbers out of order or range") }
            var present = [UInt64](repeating: 0, count: item.rows > 0 ? Int(last >> 6) + 1 : 0)
            let inOrder = present.withUnsafeMutableBufferPointer { present in
                var previous: Int64 = -1
                for row in 0..<item.rows {
                    let number = bucket(row)
                    // Rising, so each is at most the last (which is in range).
                    guard Int64(number) > previous, number <= last else { return false }
                    present[Int(number >> 6)] |= 1 << UInt64(number & 63)
                    previous = Int64(number)
                }
                return true
            }
            guard inOrder else { throw FormatError("head \(item.name) has bucket numbers out of order or range") }
            offset += item.rows * 4
            let count = item.rows * width
            let stored = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]).assumingMemoryBound(to: Int8.self)
            let table: WeightTable = inPlace ? .borrowed(stored) : .owned(Array(stored))
            offset += count
            heads.append(Head(name: item.name, classes: item.classes, bias: item.bias, present: present, table: table, scale: item.scale))
        }
        guard offset == bytes.count else { throw FormatError("\(bytes.count - offset) bytes follow the last head") }
        return (spec, heads, header.description)
    }

    /// The model shipped with Letterbox (Sources/CTriageModel/triage-model.bin, compiled in),
    /// read once per process.
    public static let shipped: TriageModel? = loadShipped()

    /// Reads the model compiled into the binary (what ``shipped`` holds; the benchmark times it,
    /// since each mail-pipe process pays it once). The bytes are read in place, the weights
    /// included: no copy.
    public static func loadShipped() -> TriageModel? {
        guard let bytes = letterbox_triage_model_bytes() else { return nil }
        return try? TriageModel(immortal: UnsafeRawBufferPointer(start: bytes, count: letterbox_triage_model_size()))
    }
}

/// A head's 8-bit weights: an array of their own (a model trained, or read from a file), or the
/// shipped model's, read where the binary holds them. Copying those 800 KB cost every process
/// that triages (a mail pipe, once per message) about 200 page faults, a tenth of all it took.
enum WeightTable: @unchecked Sendable {
    case owned([Int8])
    /// Memory that is never freed or written (the binary's read-only data).
    case borrowed(UnsafeBufferPointer<Int8>)

    @inline(__always) func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Int8>) throws -> R) rethrows -> R {
        switch self {
        case .owned(let array): return try array.withUnsafeBufferPointer(body)
        case .borrowed(let buffer): return try body(buffer)
        }
    }
}
