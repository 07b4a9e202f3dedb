/// A fixed table from word hashes (FNV-1a, as ``PhraseMatcher/wordHashes(_:)`` makes them) to
/// values, for the lookups triage makes for every word of every text: the phrase lists' first
/// words, the stop words, the negators. Open addressing on the hash's own bits (Fibonacci
/// hashing: one multiply, the high bits), where Swift's `Dictionary` and `Set` hash each key
/// again with SipHash: those lookups were an eighth of triage's instructions (callgrind,
/// `letterbox-bench triage-speed`).
struct WordTable<Value: Sendable>: Sendable {
    // 0 marks an empty slot; a key of 0 (which FNV-1a all but never gives) is kept aside.
    private var keys: [UInt64]
    private var values: [Value?]
    private var zero: Value?
    private let shift: UInt64
    private let mask: Int

    /// A table of the pairs, sized at least twice their number (a later pair with the same key
    /// replaces an earlier one).
    init(_ pairs: some Sequence<(UInt64, Value)>) {
        let pairs = Array(pairs)
        var bits: UInt64 = 3
        while (1 << bits) < pairs.count * 2 { bits += 1 }
        shift = 64 - bits
        mask = (1 << Int(bits)) - 1
        keys = Array(repeating: 0, count: 1 << Int(bits))
        values = Array(repeating: nil, count: 1 << Int(bits))
        for (key, value) in pairs { insert(key, value) }
    }

    @inline(__always) private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    subscript(key: UInt64) -> Value? {
        @inline(__always) get {
            if key == 0 { return zero }
            return keys.withUnsafeBufferPointer { keys in
                var at = slot(key)
                while true {
                    let found = keys[at]
                    if found == key { return values[at] }
                    if found == 0 { return nil }
                    at = (at + 1) & mask
                }
            }
        }
    }

    /// Every key and its value, by key (for writing the table out: the same pairs give the same
    /// lookups whatever order they are inserted in).
    var entries: [(UInt64, Value)] {
        var all: [(UInt64, Value)] = zero.map { [(UInt64(0), $0)] } ?? []
        for (key, value) in zip(keys, values) where key != 0 {
            if let value { all.append((key, value)) }
        }
        return all.sorted { $0.0 < $1.0 }
    }

    private mutating func insert(_ key: UInt64, _ value: Value) {
        if key == 0 {
            zero = value
            return
        }
        var at = slot(key)
        while keys[at] != 0 && keys[at] != key { at = (at + 1) & mask }
        keys[at] = key
        values[at] = value
    }
}

/// A fixed set of word hashes (``WordTable``): "not", "no", "never" and the like.
struct WordSet: Sendable {
    private let table: WordTable<Bool>
    /// The hashes it was built from, for ``union(_:)``.
    private let hashes: [UInt64]

    /// The words of each string, hashed as ``PhraseMatcher/wordHashes(_:)`` hashes them.
    init(_ words: [String]) {
        self.init(hashes: words.flatMap { PhraseMatcher<Int>.wordHashes($0) })
    }

    init(hashes: [UInt64]) {
        self.hashes = hashes
        table = WordTable(hashes.map { ($0, true) })
    }

    @inline(__always) func contains(_ hash: UInt64) -> Bool { table[hash] != nil }

    func union(_ words: [String]) -> WordSet {
        WordSet(hashes: hashes + words.flatMap { PhraseMatcher<Int>.wordHashes($0) })
    }
}
