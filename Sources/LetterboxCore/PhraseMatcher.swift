/// Finds whole-word phrases in a text in one pass: words are hashed once, and each word looks
/// up the phrases that start with it. Matching is case-insensitive, apostrophes inside words
/// are dropped (`didn't` matches `didnt`), anything that is not a letter or digit separates
/// words. Deterministic and allocation-light, so triage runs at tens of thousands of texts a
/// second on one core.
public struct PhraseMatcher<Tag: Hashable & Sendable>: Sendable {
    // The phrases in flat tables, grouped by their first word's hash and, within a group,
    // longest first (so that a caller taking the first match per position takes the longest),
    // then in the order listed. Phrase `i`'s other words are `rest[restStart[i]..<restStart[i + 1]]`.
    // (Flat because every process builds the triage lexicon's two thousand phrases as it
    // starts: an array per phrase and a dictionary entry per phrase were half of that.)
    private var phraseTags: [Tag] = []
    private var phrases: [String] = []
    private var restStart: [Int] = [0]
    private var rest: [UInt64] = []
    private var byFirst = WordTable<Range<Int>>([])

    /// `droppingG`: each phrase also matches with the final "g" of its longer "-ing" words
    /// dropped, as texts write them ("smoke comin out", "water pourin thru"), and is reported as
    /// listed.
    public init(_ lists: [(Tag, [String])], droppingG: Bool = false) {
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
        // By first word, longest first, then as listed: sorted as plain numbers.
        var order = listed.indices.map { (first: words[listed[$0].words.lowerBound], length: listed[$0].words.count, index: $0) }
        order.sort { a, b in a.first != b.first ? a.first < b.first : a.length != b.length ? a.length > b.length : a.index < b.index }
        phraseTags.reserveCapacity(order.count)
        phrases.reserveCapacity(order.count)
        restStart.reserveCapacity(order.count + 1)
        rest.reserveCapacity(words.count - order.count)
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
            rest.append(contentsOf: words[range.dropFirst()])
            restStart.append(rest.count)
        }
        if let last = order.last { groups.append((last.first, groupStart..<order.count)) }
        byFirst = WordTable(groups)
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
            for phrase in group {
                let others = restStart[phrase]..<restStart[phrase + 1]
                guard index + others.count < words.count else { continue }
                var same = true
                for (offset, hash) in zip(1..., rest[others]) where words[index + offset] != hash {
                    same = false
                    break
                }
                if same { found.append(Match(tag: phraseTags[phrase], phrase: phrases[phrase], word: index, count: others.count + 1)) }
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
