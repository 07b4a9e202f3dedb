/// Finds whole-word phrases in a text in one pass: words are hashed once, and each word looks
/// up the phrases that start with it. Matching is case-insensitive, apostrophes inside words
/// are dropped (`didn't` matches `didnt`), anything that is not a letter or digit separates
/// words. Deterministic and allocation-light, so triage runs at tens of thousands of texts a
/// second on one core.
public struct PhraseMatcher<Tag: Hashable & Sendable>: Sendable {
    struct Entry: Sendable {
        var rest: [UInt64]
        var tag: Tag
        var phrase: String
    }

    private var byFirst: [UInt64: [Entry]] = [:]

    public init(_ lists: [(Tag, [String])]) {
        for (tag, phrases) in lists {
            for phrase in phrases {
                let words = Self.wordHashes(phrase)
                guard let first = words.first else { continue }
                byFirst[first, default: []].append(Entry(rest: Array(words.dropFirst()), tag: tag, phrase: phrase))
            }
        }
        // Longer phrases first, so that a caller taking the first match per position takes the longest.
        for key in byFirst.keys { byFirst[key]!.sort { $0.rest.count > $1.rest.count } }
    }

    /// A match: the tag, the phrase as listed, and the index of its first word.
    public struct Match: Sendable {
        public var tag: Tag
        public var phrase: String
        public var word: Int
    }

    /// Every phrase occurrence in the words (from ``wordHashes(_:)``).
    public func matches(in words: [UInt64]) -> [Match] {
        var found: [Match] = []
        for index in words.indices {
            guard let entries = byFirst[words[index]] else { continue }
            for entry in entries where index + entry.rest.count < words.count {
                var same = true
                for (offset, hash) in entry.rest.enumerated() where words[index + 1 + offset] != hash {
                    same = false
                    break
                }
                if same { found.append(Match(tag: entry.tag, phrase: entry.phrase, word: index)) }
            }
        }
        return found
    }

    /// The text's words (as ``TextFingerprint/words(_:)`` splits them), each hashed with FNV-1a.
    public static func wordHashes(_ text: String) -> [UInt64] {
        var hashes: [UInt64] = []
        hashes.reserveCapacity(text.utf8.count / 5)
        // ASCII in contiguous storage (most texts, and every listed phrase, of which each process
        // hashes a few thousand as it starts) is hashed as it is split, through a pointer, without
        // a buffer per word: the same words and hashes as the splitter below gives (a test
        // holds the two together).
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
        if hashedInPlace == true { return hashes }
        TextFingerprint.forEachWord(text) { word in
            var hash = TextFingerprint.fnvOffset
            for byte in word { hash = TextFingerprint.fnv(hash, byte) }
            hashes.append(hash)
        }
        return hashes
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
