import Foundation
public import LetterboxCore

/// One line per submission, as `ingest` and `watch` print them.
public enum OutcomeLine {
    public static func format(_ outcome: IntakeOutcome, path: String) -> String {
        let label = outcome.disposition.rawValue.padded(to: 12)
        let id = (outcome.reference ?? "#\(outcome.rawSubmissionId)").padded(to: 15)
        switch outcome.disposition {
        case .quarantined, .ignored:
            return "\(label)\(id)\(path): \(outcome.reason ?? "")"
        default:
            if let followUp = outcome.followUpOf { return "\(label)\(id)\(path) (follow-up of \(followUp))" }
            return "\(label)\(id)\(path)"
        }
    }
}

/// Counts of outcomes for an import's summary.
public struct Tally {
    public init() {}

    public var accepted = 0, followUps = 0, redelivered = 0, skipped = 0, ignored = 0, quarantined = 0, resumed = 0, unreadable = 0
    public var verdicts: [String: Int] = [:]

    public mutating func add(_ outcome: IntakeOutcome) {
        switch outcome.disposition {
        case .accepted:
            accepted += 1
            if outcome.followUpOf != nil { followUps += 1 }
        case .redelivery: if outcome.skipped { skipped += 1 } else { redelivered += 1 }
        case .ignored:
            ignored += 1
            verdicts[outcome.errorCode ?? "not_feedback", default: 0] += 1
        case .quarantined: quarantined += 1
        case .pending: break
        }
    }

    /// "955 out_of_office, 151 bounce_permanent", most frequent first.
    public static func verdictList(_ verdicts: [String: Int]) -> String {
        verdicts.sorted { $0.value > $1.value }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }

    public func printSummary(what: String, store: String) {
        var parts = ["\(accepted) records" + (followUps > 0 ? " (\(followUps) follow-ups linked to their case)" : "")]
        if ignored > 0 {
            parts.append("\(ignored) ignored (\(Self.verdictList(verdicts)))")
        }
        if redelivered > 0 { parts.append("\(redelivered) duplicates") }
        if skipped > 0 { parts.append("\(skipped) already stored, skipped") }
        if resumed > 0 { parts.append("\(resumed) imported by an earlier run") }
        if quarantined > 0 { parts.append("\(quarantined) quarantined (see `letterbox quarantine list`)") }
        if unreadable > 0 { parts.append("\(unreadable) unreadable files left in place") }
        writeToStandardError("letterbox: \(what): \(parts.joined(separator: ", ")) (store: \(store))\n")
    }
}

/// A one-line progress bar on a terminal; silent otherwise.
public struct Progress {
    let total: Int64
    let label: String
    let enabled = isatty(STDERR_FILENO) != 0
    let started = Date()
    var lastDraw = Date.distantPast

    public init(total: Int64, label: String) {
        self.total = total
        self.label = label
    }

    public mutating func update(bytes: Int64, messages: Int) {
        guard enabled, Date().timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = Date()
        draw(bytes: bytes, messages: messages)
    }

    public func finish(bytes: Int64, messages: Int) {
        guard enabled else { return }
        draw(bytes: bytes, messages: messages)
        writeToStandardError("\n")
    }

    private func draw(bytes: Int64, messages: Int) {
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let fraction = total > 0 ? min(1, Double(bytes) / Double(total)) : 1
        let rate = Double(bytes) / elapsed / 1_048_576
        let remaining = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let eta = String(format: "%d:%02d", Int(remaining) / 60, Int(remaining) % 60)
        let line = String(format: "\r%@ [%@] %3.0f%%  %d messages  %.1f MB/s  %@ left ", label, bar, fraction * 100, messages, rate, eta)
        writeToStandardError(line)
    }
}

