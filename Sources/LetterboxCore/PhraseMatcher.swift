/// Finds whole-word phrases in a text in one pass: words are hashed once, and each word looks
/// up the phrases that start with it. Matching is case-insensitive, apostrophes inside words
/// are dropped (`didn't` matches `didnt`), anything that is not a letter or digit separates
/// words. Deterministic and allocation-light, so triage runs at tens of thousands of texts a
/// second on one core.
public struct PhraseMatcher<Tag: Hashable & Sendable>: Sendable {
    // The phrases in flat tables, grouped by their first word's hash and, within a group, by
    // their second word (one-word phrases last), then longest first (so that a caller taking the
    // first match per position takes the longest), then in the order listed. Phrase `i`'s other
    // words are `rest[restStart[i]..<restStart[i + 1]]`.
    // (Flat because every process builds the triage lexicon's two thousand phrases as it
    // starts: an array per phrase and a dictionary entry per phrase were half of that.)
    //
    // A word looks up its group; when many phrases of two words or more start with it ("in",
    // "from", "not": a hundred or more), they are found by their first two words (``byPair``), so
    // the word costs one more lookup, not a hundred comparisons.
    private var phraseTags: [Tag] = []
    private var phrases: [String] = []
    private var restStart: [Int] = [0]
    private var rest: [UInt64] = []
    private var byFirst = WordTable<Group>([])
    /// The phrases of two words or more, by ``pairKey(_:_:)`` of their first two: ranges of
    /// phrases, in order.
    private var byPair = WordTable<Range<Int>>([])
    /// Each phrase's first word (two pairs can share a key).
    private var firsts: [UInt64] = []

    /// What a first word leads to: its longer phrases (compared one by one, unless `paired`:
    /// then found by their first two words) and its one-word phrases.
    private struct Group: Sendable {
        var longer: Range<Int>
        var singles: Range<Int>
        var paired: Bool
    }
    /// How many longer phrases a first word may have before they are found by pairs: below it,
    /// comparing each costs less than the lookup (and building the pairs costs every process).
    public static var pairedFrom: Int { 8 }

    @inline(__always) private static func pairKey(_ first: UInt64, _ second: UInt64) -> UInt64 {
        (first &* 0x9E37_79B9_7F4A_7C15) ^ (second &+ 0x632B_E59B_D9B4_E019)
    }

    /// `droppingG`: each phrase also matches with the final "g" of its longer "-ing" words
    /// dropped, as texts write them ("smoke comin out", "water pourin thru"), and is reported as
    /// listed.
    ///
    /// `pairedFrom`: how many longer phrases a first word needs for them to be found by pairs
    /// (tests set it to read both ways).
    public init(_ lists: [(Tag, [String])], droppingG: Bool = false, pairedFrom: Int = Self.pairedFrom) {
        // Every phrase's words, hashed into one array.
        var listed: [(tag: Tag, phrase: String, words: Range<Int>)] = []
        var words: [UInt64] = []
        for (tag, phrases) in lists {
            for phrase in phrases {
                let start = words.count
                Self.appendWordHashes(phrase, to: &words)
                if words.count > start { listed.append((tag, phrase, start..<words.count)) }
                if droppingG, let dropped = Self.droppedGHashes(phrase) {
                    listed.append((tag, phrase, words.count..<(words.count + dropped.count)))
                    words.append(contentsOf: dropped)
                }
            }
        }
        // By first word; then the longer phrases by their second word, and the one-word phrases
        // last; then longest first, then as listed: sorted as plain numbers. At any one word only
        // phrases of one second word can match, and they keep the longest-first order among
        // themselves, so this order finds what "longest first, then as listed" over the whole
        // group finds, in that order; and each pair's phrases are a range.
        var order = listed.indices.map { index in
            let range = listed[index].words
            return (first: words[range.lowerBound], second: range.count > 1 ? words[range.lowerBound + 1] : 0, length: range.count, index: index)
        }
        order.sort { a, b in
            if a.first != b.first { return a.first < b.first }
            if (a.length > 1) != (b.length > 1) { return a.length > 1 }
            if a.second != b.second { return a.second < b.second }
            return a.length != b.length ? a.length > b.length : a.index < b.index
        }
        phraseTags.reserveCapacity(order.count)
        phrases.reserveCapacity(order.count)
        restStart.reserveCapacity(order.count + 1)
        rest.reserveCapacity(words.count - order.count)
        firsts.reserveCapacity(order.count)
        var groupStart = 0
        var groups: [(UInt64, Range<Int>)] = []
        for (position, key) in order.enumerated() {
            if position > 0, order[position - 1].first != key.first {
                groups.append((order[position - 1].first, groupStart..<position))
                groupStart = position
            }
            let (tag, phrase, range) = listed[key.index]
            phraseTags.append(tag)
            phrases.append(phrase)
            firsts.append(key.first)
            rest.append(contentsOf: words[range.dropFirst()])
            restStart.append(rest.count)
        }
        if let last = order.last { groups.append((last.first, groupStart..<order.count)) }
        // A group with many longer phrases: a range of them per second word.
        var pairs: [(UInt64, Range<Int>)] = []
        var tables: [(UInt64, Group)] = []
        tables.reserveCapacity(groups.count)
        for (first, range) in groups {
            let singles = (range.first { order[$0].length == 1 } ?? range.upperBound)..<range.upperBound
            let paired = singles.lowerBound - range.lowerBound >= pairedFrom
            tables.append((first, Group(longer: range.lowerBound..<singles.lowerBound, singles: singles, paired: paired)))
            guard paired else { continue }
            var start = range.lowerBound
            while start < singles.lowerBound {
                var end = start + 1
                while end < singles.lowerBound, order[end].second == order[start].second { end += 1 }
                pairs.append((Self.pairKey(first, order[start].second), start..<end))
                start = end
            }
        }
        // Two pairs whose keys collide (a chance of about one in 10^13 for the lexicon's few
        // thousand) would lose the earlier pair's phrases, never match a wrong one: the first
        // word and the rest are compared.
        byPair = WordTable(pairs)
        byFirst = WordTable(tables)
    }

    /// The word hashes of a listed phrase (ASCII, split as ``wordHashes(_:)`` splits it) with
    /// the "g" of each "-ing" word of six letters or more dropped ("coming" hashed as "comin";
    /// not "thing", whose "thin" is a word of its own), or nil if it has none. FNV-1a hashes a word
    /// byte by byte, so the hash without the "g" is the one before it: no string is made (each
    /// process builds the lexicon as it starts).
    public static func droppedGHashes(_ phrase: String) -> [UInt64]? {
        phrase.utf8.withContiguousStorageIfAvailable { bytes -> [UInt64]? in
            // Most phrases have no such word: find that out without hashing or allocating.
            func isLetter(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) || (0x61...0x7A).contains(byte | 0x20) }
            // An "ing" that ends a word, then that word's length (apostrophes not counted).
            var longIng = false
            var index = 2
            while index < bytes.count, !longIng {
                if bytes[index] | 0x20 == UInt8(ascii: "g"), bytes[index - 1] | 0x20 == UInt8(ascii: "n"), bytes[index - 2] | 0x20 == UInt8(ascii: "i"),
                   index + 1 == bytes.count || !isLetter(bytes[index + 1]) {
                    var length = 0
                    var back = index
                    while back >= 0, bytes[back] == 0x27 || isLetter(bytes[back]) {
                        if bytes[back] != 0x27 { length += 1 }
                        back -= 1
                    }
                    longIng = length >= 6
                }
                index += 1
            }
            guard longIng else { return nil }
            var length = 0
            var hashes: [UInt64] = []
            var changed = false
            var hash = TextFingerprint.fnvOffset, beforeLast = hash
            var last: (UInt8, UInt8, UInt8) = (0, 0, 0)
            func endWord() {
                guard length > 0 else { return }
                let dropped = length >= 6 && last == (UInt8(ascii: "i"), UInt8(ascii: "n"), UInt8(ascii: "g"))
                changed = changed || dropped
                hashes.append(dropped ? beforeLast : hash)
                hash = TextFingerprint.fnvOffset
                length = 0
            }
            for byte in bytes {
                switch byte {
                case 0x30...0x39, 0x61...0x7A, 0x41...0x5A:
                    let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                    beforeLast = hash
                    hash = TextFingerprint.fnv(hash, lower)
                    length += 1
                    last = (last.1, last.2, lower)
                case 0x27 where length > 0: continue
                case 0x80...: return nil  // as listed only: the splitter reads other scripts
                default: endWord()
                }
            }
            endWord()
            return changed ? hashes : nil
        } ?? nil
    }

    /// A match: the tag, the phrase as listed, the index of its first word and how many words
    /// it has.
    public struct Match: Sendable {
        public var tag: Tag
        public var phrase: String
        public var word: Int
        public var count: Int
        /// The indexes of its words.
        public var words: Range<Int> { word..<(word + count) }
    }

    /// Every phrase occurrence in the words (from ``wordHashes(_:)``).
    public func matches(in words: [UInt64]) -> [Match] {
        var found: [Match] = []
        for index in words.indices {
            guard let group = byFirst[words[index]] else { continue }
            // A longer phrase matches when its other words follow.
            func follows(_ phrase: Int) {
                let others = restStart[phrase]..<restStart[phrase + 1]
                guard index + others.count < words.count else { return }
                for (offset, hash) in zip(1..., rest[others]) where words[index + offset] != hash { return }
                found.append(Match(tag: phraseTags[phrase], phrase: phrases[phrase], word: index, count: others.count + 1))
            }
            if !group.paired {
                for phrase in group.longer { follows(phrase) }
            } else if index + 1 < words.count, let candidates = byPair[Self.pairKey(words[index], words[index + 1])] {
                for phrase in candidates where firsts[phrase] == words[index] { follows(phrase) }
            }
            for phrase in group.singles {
                found.append(Match(tag: phraseTags[phrase], phrase: phrases[phrase], word: index, count: 1))
            }
        }
        return found
    }

    /// The text's words (as ``TextFingerprint/words(_:)`` splits them), each hashed with FNV-1a.
    public static func wordHashes(_ text: String) -> [UInt64] {
        var hashes: [UInt64] = []
        hashes.reserveCapacity(text.utf8.count / 5)
        appendWordHashes(text, to: &hashes)
        return hashes
    }

    /// ``wordHashes(_:)`` appended to `hashes`.
    static func appendWordHashes(_ text: String, to hashes: inout [UInt64]) {
        // ASCII in contiguous storage (most texts, and every listed phrase, of which each process
        // hashes a few thousand as it starts) is hashed as it is split, through a pointer, without
        // a buffer per word: the same words and hashes as the splitter below gives (a test
        // holds the two together). The ASCII check is a pass of its own, so that a long text
        // with one byte that is not ASCII near its end is not hashed twice.
        let hashedInPlace = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
            var hash = TextFingerprint.fnvOffset
            var inWord = false
            for byte in bytes {
                switch byte {
                case 0x30...0x39, 0x61...0x7A:
                    hash = TextFingerprint.fnv(hash, byte)
                    inWord = true
                case 0x41...0x5A:
                    hash = TextFingerprint.fnv(hash, byte | 0x20)
                    inWord = true
                case 0x27 where inWord: continue
                default:
                    if inWord {
                        hashes.append(hash)
                        hash = TextFingerprint.fnvOffset
                        inWord = false
                    }
                }
            }
            if inWord { hashes.append(hash) }
            return true
        }
        if hashedInPlace == true { return }
        TextFingerprint.forEachWord(text) { word in
            var hash = TextFingerprint.fnvOffset
            for byte in word { hash = TextFingerprint.fnv(hash, byte) }
            hashes.append(hash)
        }
    }

    /// The tags of the phrases found in a text's words (``wordHashes(_:)``), in the order they
    /// first appear, each once.
    public func tags(in words: [UInt64]) -> [Tag] {
        var seen = Set<Tag>()
        return matches(in: words).map(\.tag).filter { seen.insert($0).inserted }
    }
}

extension PhraseMatcher where Tag == String {
    /// ``tags(in:)`` for term lists tagged with strings (the store's abusive-language and
    /// emergency lists), compiled here for `String`: called from another module, the generic
    /// method ran unspecialised (its Set and matches through witness tables), about 2% of
    /// serve's CPU on short texts.
    public func terms(in words: [UInt64]) -> [String] {
        tags(in: words)
    }
}

// The matcher as bytes, and back: the triage lexicon's matcher ships built
// (Sources/CTriageModel/triage-lexicon.bin), so that a process that triages one message does not
// build the lists (10 million instructions of string arrays) and hash and sort them (16 million),
// which were two fifths of a mail-pipe process (`Benchmarks/startup.sh`).
extension PhraseMatcher {
    /// What the bytes start with, and their layout's version.
    package static var tableMagic: [UInt8] { Array("LBPM".utf8) + [1, 0, 0, 0] }

    /// The matcher as little-endian bytes: a header (`fingerprint` names what the tags' codes
    /// mean), then the phrases' tags (`code` of each), their words and texts, and the two
    /// lookup tables' entries by key. The same phrases give the same bytes.
    public func serialized(fingerprint: UInt64, code: (Tag) -> UInt16) -> [UInt8] {
        var out = Self.tableMagic
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        let texts = phrases.map { Array($0.utf8) }
        let groups = byFirst.entries
        let pairs = byPair.entries
        put(fingerprint)
        for count in [phrases.count, rest.count, groups.count, pairs.count, texts.reduce(0) { $0 + $1.count }] { put(UInt32(count)) }
        for tag in phraseTags { put(code(tag)) }
        var offset: UInt32 = 0
        put(offset)
        for text in texts { offset += UInt32(text.count); put(offset) }
        for start in restStart { put(UInt32(start)) }
        for hash in rest { put(hash) }
        for hash in firsts { put(hash) }
        for (key, group) in groups {
            put(key)
            for bound in [group.longer.lowerBound, group.longer.upperBound, group.singles.lowerBound, group.singles.upperBound] { put(UInt32(bound)) }
            put(UInt32(group.paired ? 1 : 0))
        }
        for (key, range) in pairs {
            put(key)
            put(UInt32(range.lowerBound))
            put(UInt32(range.upperBound))
        }
        for text in texts { out.append(contentsOf: text) }
        return out
    }

    /// Reads ``serialized(fingerprint:code:)``'s bytes; nil unless they are whole, consistent
    /// and made with `fingerprint` (every range inside its table, every code a tag).
    public init?(serialized bytes: UnsafeRawBufferPointer, fingerprint: UInt64, tag: (UInt16) -> Tag?) {
        var at = 0
        func take<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count - at >= MemoryLayout<T>.size else { return nil }
            defer { at += MemoryLayout<T>.size }
            return T(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: T.self))
        }
        func count() -> Int? { take(UInt32.self).map(Int.init) }
        let magic = Self.tableMagic
        guard bytes.count >= magic.count, zip(bytes, magic).allSatisfy({ $0 == $1 }) else { return nil }
        at = magic.count
        guard take(UInt64.self) == fingerprint, let phraseCount = count(), let restCount = count(), let groupCount = count(),
              let pairCount = count(), let textBytes = count() else { return nil }
        // Each table's size checked against what is left before anything is reserved for it.
        let fixed = phraseCount * 2 + (phraseCount + 1) * 4 * 2 + restCount * 8 + phraseCount * 8 + groupCount * 28 + pairCount * 16
        guard fixed + textBytes == bytes.count - at else { return nil }
        var tags: [Tag] = []
        tags.reserveCapacity(phraseCount)
        for _ in 0..<phraseCount {
            guard let code = take(UInt16.self), let value = tag(code) else { return nil }
            tags.append(value)
        }
        var textEnds: [Int] = []
        textEnds.reserveCapacity(phraseCount + 1)
        for _ in 0...phraseCount {
            guard let end = count(), end >= (textEnds.last ?? 0), end <= textBytes else { return nil }
            textEnds.append(end)
        }
        var starts: [Int] = []
        starts.reserveCapacity(phraseCount + 1)
        for _ in 0...phraseCount {
            guard let start = count(), start >= (starts.last ?? 0), start <= restCount else { return nil }
            starts.append(start)
        }
        guard textEnds.first == 0, starts.first == 0, starts.last == restCount else { return nil }
        var restHashes: [UInt64] = []
        restHashes.reserveCapacity(restCount)
        for _ in 0..<restCount { guard let hash = take(UInt64.self) else { return nil }; restHashes.append(hash) }
        var firstHashes: [UInt64] = []
        firstHashes.reserveCapacity(phraseCount)
        for _ in 0..<phraseCount { guard let hash = take(UInt64.self) else { return nil }; firstHashes.append(hash) }
        func range() -> Range<Int>? {
            guard let lower = count(), let upper = count(), lower <= upper, upper <= phraseCount else { return nil }
            return lower..<upper
        }
        var groups: [(UInt64, Group)] = []
        groups.reserveCapacity(groupCount)
        for _ in 0..<groupCount {
            guard let key = take(UInt64.self), let longer = range(), let singles = range(), let paired = take(UInt32.self), paired <= 1 else { return nil }
            groups.append((key, Group(longer: longer, singles: singles, paired: paired == 1)))
        }
        var pairs: [(UInt64, Range<Int>)] = []
        pairs.reserveCapacity(pairCount)
        for _ in 0..<pairCount {
            guard let key = take(UInt64.self), let phrases = range() else { return nil }
            pairs.append((key, phrases))
        }
        let texts = UnsafeRawBufferPointer(rebasing: bytes[at...])
        phraseTags = tags
        phrases = (0..<phraseCount).map { String(decoding: texts[textEnds[$0]..<textEnds[$0 + 1]], as: UTF8.self) }
        restStart = starts
        rest = restHashes
        firsts = firstHashes
        byFirst = WordTable(groups)
        byPair = WordTable(pairs)
    }
}
