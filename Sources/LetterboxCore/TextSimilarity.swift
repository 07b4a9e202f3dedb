/// Wording fingerprints for finding duplicates, repeats and related reports.
///
/// A text is read as its words (letters and digits, lower-cased, everything else a separator);
/// its *shingles* are the runs of ``shingleWords`` consecutive words. Two texts' similarity is
/// the Jaccard index of their shingle sets. A MinHash signature (``hashCount`` minimums under
/// independent hash functions) estimates it, and locality-sensitive hashing cuts the signature
/// into ``bands`` bands of ``rowsPerBand`` rows: texts that agree on any whole band are
/// candidates, so a store finds them with an index lookup per band instead of a scan.
///
/// With 20 bands of 4 rows, a pair at Jaccard 0.6 becomes a candidate with probability
/// 1 - (1 - 0.6^4)^20 = 0.94, at 0.7 0.999, and an unrelated pair (0.05) 0.0001. Candidates are
/// then checked against the exact Jaccard index of their texts, so the bands only decide what
/// is looked at, never what is linked.
///
/// Everything here is deterministic across processes and machines (no seeded `Hasher`): the
/// band keys are stored, so they must not change between runs. Changing the constants needs a
/// migration that recomputes them.
public struct TextFingerprint: Sendable, Hashable {
    public static let shingleWords = 2
    public static let bands = 20
    public static let rowsPerBand = 4
    public static let hashCount = bands * rowsPerBand

    /// The text's distinct shingles, hashed to 64 bits, in ascending order: two fingerprints
    /// are compared by walking both lists once (a set intersection hashed every shingle again,
    /// on the single writer, for each candidate).
    public let shingles: [UInt64]
    /// Identical normalised text, identical hash: for exact duplicates. Nil for a text with no words.
    public let textHash: Int64?
    /// How many words the text has.
    public let wordCount: Int

    public init(_ text: String) {
        let words = Self.words(text)
        wordCount = words.count
        guard !words.isEmpty else {
            shingles = []
            textHash = nil
            return
        }
        var hashes: [UInt64] = []
        let width = Swift.min(Self.shingleWords, words.count)
        hashes.reserveCapacity(words.count - width + 1)
        for start in 0...(words.count - width) {
            var hash = Self.fnvOffset
            for (offset, word) in words[start..<(start + width)].enumerated() {
                if offset > 0 { hash = Self.fnv(hash, 0x20) }
                hash = word.reduce(hash, Self.fnv)
            }
            hashes.append(hash)
        }
        shingles = Self.sortedDistinct(hashes)
        var whole = Self.fnvOffset
        for (index, word) in words.enumerated() {
            if index > 0 { whole = Self.fnv(whole, 0x20) }
            whole = word.reduce(whole, Self.fnv)
        }
        textHash = Int64(bitPattern: Self.mix(whole))
    }

    /// A fingerprint read back from the store (``packedShingles`` and the word count), so that a
    /// stored text is not read and split into words again each time it is a candidate.
    public init(packed: [UInt8], wordCount: Int, textHash: Int64?) {
        var hashes: [UInt64] = []
        hashes.reserveCapacity(packed.count / 8)
        var index = 0
        var ascending = true
        while index + 8 <= packed.count {
            var value: UInt64 = 0
            for offset in 0..<8 { value |= UInt64(packed[index + offset]) << (8 * offset) }
            if let last = hashes.last, last >= value { ascending = false }
            hashes.append(value)
            index += 8
        }
        // The store writes them ascending; anything else (a damaged or hand-made row) is sorted.
        shingles = ascending ? hashes : Self.sortedDistinct(hashes)
        self.wordCount = wordCount
        self.textHash = textHash
    }

    /// The shingle hashes as bytes (8 each, little-endian, ascending), for the store.
    public var packedShingles: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(shingles.count * 8)
        for value in shingles {
            for offset in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * offset))) }
        }
        return bytes
    }

    /// The MinHash signature: for each of ``hashCount`` hash functions, the least hash of any shingle.
    public var signature: [UInt64] {
        guard !shingles.isEmpty else { return [] }
        var minimums = [UInt64](repeating: .max, count: Self.hashCount)
        for shingle in shingles {
            for index in 0..<Self.hashCount {
                let value = Self.mix(shingle ^ Self.seeds[index])
                if value < minimums[index] { minimums[index] = value }
            }
        }
        return minimums
    }

    /// One key per band: equal keys in a band mean equal minimums in every row of it.
    /// The band's number is part of the key, so keys of different bands never collide by design.
    public var bandKeys: [Int64] {
        let signature = self.signature
        guard !signature.isEmpty else { return [] }
        return (0..<Self.bands).map { band in
            var hash = Self.mix(UInt64(band) &+ 0x9E37_79B9_7F4A_7C15)
            for row in 0..<Self.rowsPerBand {
                hash = Self.mix(hash ^ signature[band * Self.rowsPerBand + row])
            }
            return Int64(bitPattern: hash)
        }
    }

    /// The Jaccard index of two texts' shingle sets: 1 for the same wording, 0 for nothing shared.
    public func jaccard(_ other: TextFingerprint) -> Double {
        guard !shingles.isEmpty, !other.shingles.isEmpty else { return 0 }
        let shared = sharedCount(other)
        return Double(shared) / Double(shingles.count + other.shingles.count - shared)
    }

    /// How many shingles the two have in common: one walk along both ascending lists.
    func sharedCount(_ other: TextFingerprint) -> Int {
        shingles.withUnsafeBufferPointer { a in
            other.shingles.withUnsafeBufferPointer { b in
                var i = 0, j = 0, shared = 0
                while i < a.count && j < b.count {
                    let x = a[i], y = b[j]
                    if x == y {
                        shared += 1
                        i += 1
                        j += 1
                    } else if x < y {
                        i += 1
                    } else {
                        j += 1
                    }
                }
                return shared
            }
        }
    }

    /// Sorted, each value once.
    static func sortedDistinct(_ values: [UInt64]) -> [UInt64] {
        var sorted = values.sorted()
        var kept = 0
        for index in sorted.indices where index == 0 || sorted[index] != sorted[kept - 1] {
            sorted[kept] = sorted[index]
            kept += 1
        }
        sorted.removeLast(sorted.count - kept)
        return sorted
    }

    /// How much of the shorter text is in the longer one: 1 when one text's wording is wholly
    /// inside the other's (a text message that repeats a line of an email).
    public func containment(_ other: TextFingerprint) -> Double {
        guard !shingles.isEmpty, !other.shingles.isEmpty else { return 0 }
        let shared = sharedCount(other)
        return Double(shared) / Double(Swift.min(shingles.count, other.shingles.count))
    }

    /// The text's words, lower-cased, in order. Apostrophes inside words are dropped (`don't` is
    /// `dont`), so typing differences do not split a word.
    public static func words(_ text: String) -> [[UInt8]] {
        var words: [[UInt8]] = []
        forEachWord(text) { words.append($0) }
        return words
    }

    /// Whether the text has a word at all (a letter or a digit), without splitting it.
    public static func hasWords(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }

    /// Calls `body` with each word of the text as ``words(_:)`` splits it (lower-cased UTF-8),
    /// without building the list: the one word splitter that fingerprints, triage and term lists
    /// share.
    @inline(__always)
    public static func forEachWord(_ text: String, _ body: ([UInt8]) -> Void) {
        var current: [UInt8] = []
        current.reserveCapacity(32)
        // Most texts are ASCII: letters and digits by byte, without Unicode property lookups.
        // (The ASCII step is written out twice on purpose: as a local function shared by both
        // loops it captured the word buffer, and splitting ran at half the speed. A third copy,
        // hashing instead of collecting, is `PhraseMatcher.appendWordHashes`, and a fourth, doing
        // both for triage, `TriageFeatures.Words.readASCII`; tests hold all of them to Unicode's
        // word rule.)
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in text.utf8 {
                switch byte {
                case 0x30...0x39, 0x61...0x7A: current.append(byte)
                case 0x41...0x5A: current.append(byte | 0x20)
                case 0x27 where !current.isEmpty: continue
                default:
                    if !current.isEmpty {
                        body(current)
                        current.removeAll(keepingCapacity: true)
                    }
                }
            }
        } else {
            // One curly quote or pound sign puts a text here: its ASCII is still read by value,
            // and only the other scalars look up their Unicode properties (a table search each).
            for scalar in text.unicodeScalars {
                if scalar.value < 0x80 {
                    let byte = UInt8(truncatingIfNeeded: scalar.value)
                    switch byte {
                    case 0x30...0x39, 0x61...0x7A: current.append(byte)
                    case 0x41...0x5A: current.append(byte | 0x20)
                    case 0x27 where !current.isEmpty: continue
                    default:
                        if !current.isEmpty {
                            body(current)
                            current.removeAll(keepingCapacity: true)
                        }
                    }
                } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                    current.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
                } else if scalar == "\u{2019}", !current.isEmpty {
                    continue
                } else if !current.isEmpty {
                    body(current)
                    current.removeAll(keepingCapacity: true)
                }
            }
        }
        if !current.isEmpty { body(current) }
    }

    // FNV-1a for shingles, then a SplitMix64 finaliser: fast, well mixed, and the same everywhere.
    public static let fnvOffset: UInt64 = 0xCBF2_9CE4_8422_2325
    @inline(__always) public static func fnv(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    @inline(__always) public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One seed per hash function, from a fixed SplitMix64 sequence.
    static let seeds: [UInt64] = {
        var state: UInt64 = 0x4C45_5454_4552_424F  // "LETTERBO"
        return (0..<hashCount).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            return mix(state)
        }
    }()
}

/// The content words of a text, lightly stemmed ("leaking", "leaks" and "leaked" are "leak"),
/// without the words every contact uses ("still", "please", "nobody", "flat"): what two
/// wordings of one matter keep when their word pairs differ. For a contact's own open cases
/// (README, "Linking").
public struct ContentWords: Sendable, Hashable {
    /// FNV-1a hashes of the stems, and each stem's first word as written (lower-cased), for
    /// explanations.
    public let hashes: Set<UInt64>
    public let words: [String]

    /// - Parameter place: the writer's building or address (`rose court`): its words are in
    ///   every text they send, so they say nothing about the matter.
    public init(_ text: String, place: String? = nil) {
        var hashes = Set<UInt64>()
        var words: [String] = []
        var placeWords = Set<UInt64>()
        if let place { TextFingerprint.forEachWord(place) { placeWords.insert(Self.key($0)) } }
        TextFingerprint.forEachWord(text) { word in
            guard word.count >= 3, !word.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return }
            let stem = Self.stem(word)
            guard stem.count >= 3 else { return }
            let hash = Self.standard(Self.hash(stem))
            guard !Self.ignored.contains(hash), !placeWords.contains(hash), hashes.insert(hash).inserted else { return }
            words.append(String(decoding: word, as: UTF8.self))
        }
        self.hashes = hashes
        self.words = words
    }

    private init(hashes: Set<UInt64>, words: [String]) {
        self.hashes = hashes
        self.words = words
    }

    /// The same words without those of a place (a building or address both texts name).
    public func without(_ place: String?) -> ContentWords {
        guard let place else { return self }
        var drop = Set<UInt64>()
        TextFingerprint.forEachWord(place) { drop.insert(Self.key($0)) }
        guard !drop.isDisjoint(with: hashes) else { return self }
        return ContentWords(hashes: hashes.subtracting(drop), words: words.filter { !drop.contains(Self.key(Array($0.utf8))) })
    }

    static func hash(_ stem: [UInt8]) -> UInt64 {
        var hash = TextFingerprint.fnvOffset
        for byte in stem { hash = TextFingerprint.fnv(hash, byte) }
        return hash
    }

    /// The words (as this text writes them) whose stems both texts have, in this text's order.
    public func shared(with other: ContentWords) -> [String] {
        words.filter { other.hashes.contains(Self.key(Array($0.utf8))) }
    }

    /// A text message's spellings of a word, read as the word ("thru" is "through", "pls" is
    /// "please"): the same tenant writes "water coming through" in an email and "water still
    /// coming thru" by text, and the two must share their words.
    static let spellings: [UInt64: UInt64] = {
        let pairs = [
            ("thru", "through"), ("pls", "please"), ("plz", "please"), ("plse", "please"), ("cos", "because"), ("coz", "because"),
            ("bcos", "because"), ("becos", "because"), ("tmrw", "tomorrow"), ("tmr", "tomorrow"), ("nite", "night"), ("wat", "what"),
            ("wen", "when"), ("dnt", "dont"), ("cnt", "cant"), ("ppl", "people"), ("msg", "message"), ("wiv", "with"),
            ("ceilin", "ceiling"), ("leakin", "leaking"), ("comin", "coming"), ("kitchin", "kitchen"), ("bathrm", "bathroom"),
        ]
        var table: [UInt64: UInt64] = [:]
        for (written, word) in pairs { table[hash(stem(Array(written.utf8)))] = hash(stem(Array(word.utf8))) }
        return table
    }()

    /// A stem's hash as the standard spelling's (``spellings``).
    static func standard(_ hash: UInt64) -> UInt64 { spellings[hash] ?? hash }

    /// A word's key among the content words: its stem, hashed, in the standard spelling.
    static func key(_ word: [UInt8]) -> UInt64 { standard(hash(stem(word))) }

    /// Light stemming: plural and verb endings off ("leaking" "leak", "ceilings" "ceiling",
    /// "reported" "report", "flies" "fly"), a doubled final consonant undone ("dripping" "drip").
    static func stem(_ word: [UInt8]) -> [UInt8] {
        var w = word
        func ends(_ suffix: String) -> Bool { w.count > suffix.utf8.count + 2 && w.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) }
        if ends("ies") { w.removeLast(3); w.append(UInt8(ascii: "y")) }
        else if ends("ing") { w.removeLast(3) }
        else if ends("ed") { w.removeLast(2) }
        else if ends("es"), [UInt8(ascii: "s"), UInt8(ascii: "x"), UInt8(ascii: "h")].contains(w[w.count - 3]) { w.removeLast(2) }
        else if ends("s"), w[w.count - 2] != UInt8(ascii: "s") { w.removeLast(1) }
        else if ends("ly") { w.removeLast(2) }
        if w.count >= 4, w[w.count - 1] == w[w.count - 2], !"aeiouls".utf8.contains(w[w.count - 1]) { w.removeLast() }
        return w
    }

    /// Function words, and the words of chasing and of housing in general, which say nothing
    /// about which matter a text is about. Stemmed as the text's words are.
    static let ignored: Set<UInt64> = Set("""
        the and for are but not you your yours our ours they them their there this that these those with from have has had was were
        been being will would could should can cant cannot dont doesnt didnt isnt wasnt arent havent hasnt wont about into onto over
        under again still please thank thanks cheers hello dear sir madam regards kind sincerely faithfully just also very really
        some any all every each other what when where which who why how than then now here one two three four five six first second
        third time times day days week weeks month months year years today yesterday tomorrow morning afternoon evening night
        nobody anybody someone anyone somebody everyone nothing something anything everything come came coming back waiting wait
        waited chase chasing chased report reported reporting told tell ring rang call called phone phoned email emailed text texted
        letter said say says asked ask want wanted need needed sort sorted fix fixed get got make made going know let see look
        flat house home property block address repair repairs problem issue job jobs landlord council housing team office
        since until near feel kept keep date work working room thing things way lot bit many much more most same new old last next
        never always already ever yet like well good bad
        my me mine his her him she he its it is am was were be do does did done yes no
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { ContentWords.hash(ContentWords.stem(Array($0.utf8))) })
}
