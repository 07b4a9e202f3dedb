extension Triage.Signal {
    /// How many signals there are (`allCases` builds its array afresh at each use).
    static let count = allCases.count
    /// The signal's place among the cases, for ``SignalHits`` and ``SignalSet``.
    @inline(__always) var index: Int { Int(unsafeBitCast(self, to: UInt8.self)) }
}

/// The phrase lists' findings in a text, by signal: an array by the signal's case, not a
/// dictionary (triage asks after signals about a hundred times a text, and a dictionary hashes
/// the key each time). Signals are kept in the order of their cases, so whatever reads them all
/// (the model's rule features) reads them in the same order every time.
struct SignalHits: Sendable {
    // Each signal's place in `lists`, or -1: a table of plain integers, which costs nothing to
    // release (a table of optional arrays, one per signal, cost more to destroy than to fill).
    private var slots = [Int32](repeating: -1, count: Triage.Signal.count)
    private var lists: [[String]] = []

    subscript(signal: Triage.Signal) -> [String]? {
        @inline(__always) get {
            let slot = slots[signal.index]
            return slot < 0 ? nil : lists[Int(slot)]
        }
        set {
            if let newValue {
                let slot = slots[signal.index]
                if slot < 0 {
                    slots[signal.index] = Int32(lists.count)
                    lists.append(newValue)
                } else {
                    lists[Int(slot)] = newValue
                }
            } else {
                slots[signal.index] = -1
            }
        }
    }

    /// Adds a phrase to a signal's findings.
    mutating func append(_ phrase: String, to signal: Triage.Signal) {
        let slot = slots[signal.index]
        if slot < 0 {
            slots[signal.index] = Int32(lists.count)
            lists.append([phrase])
        } else {
            lists[Int(slot)].append(phrase)
        }
    }

    /// Drops a signal's phrases that `drop` accepts, and the signal when none is left.
    mutating func remove(from signal: Triage.Signal, where drop: (String) -> Bool) {
        guard let phrases = self[signal] else { return }
        let kept = phrases.filter { !drop($0) }
        self[signal] = kept.isEmpty ? nil : kept
    }

    /// Each signal found with its phrases, in the order of the cases.
    var found: [(signal: Triage.Signal, phrases: [String])] {
        var found: [(signal: Triage.Signal, phrases: [String])] = []
        found.reserveCapacity(lists.count)
        for signal in Self.signals {
            let slot = slots[signal.index]
            if slot >= 0 { found.append((signal, lists[Int(slot)])) }
        }
        return found
    }

    private static let signals = Triage.Signal.allCases
}

/// A fixed set of signals as bits (the cues, the hazards a supposing phrase undoes).
struct SignalSet: Sendable, ExpressibleByArrayLiteral {
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    init(arrayLiteral signals: Triage.Signal...) {
        precondition(Triage.Signal.count <= 128, "SignalSet holds up to 128 signals")
        for signal in signals {
            if signal.index < 64 { low |= 1 << UInt64(signal.index) } else { high |= 1 << UInt64(signal.index - 64) }
        }
    }

    @inline(__always) func contains(_ signal: Triage.Signal) -> Bool {
        signal.index < 64 ? low & (1 << UInt64(signal.index)) != 0 : high & (1 << UInt64(signal.index - 64)) != 0
    }
}
