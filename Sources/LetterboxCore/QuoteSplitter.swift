/// Separates what the sender wrote now from the earlier messages quoted below it.
///
/// Recognised: "On ... wrote:" attributions (also split over two lines, and in the languages
/// tenants' phones use), lines quoted with ">", Outlook's "-----Original Message-----" and its
/// "From: / Sent: / To: / Subject:" block (after an optional line of underscores). Inline
/// forwards ("---------- Forwarded message ---------", "Begin forwarded message:") are not
/// quotes: the forwarded text is the feedback, so it is kept.
public enum QuoteSplitter {
    public struct Split: Sendable, Hashable {
        /// The new text. Equal to the whole text when nothing is quoted or nothing new is left.
        public var newText: String
        public var hasQuote: Bool
    }

    public static func split(_ text: String) -> Split {
        guard mayQuote(text) else { return Split(newText: text, hasQuote: false) }
        var lines = Lines(text)
        var kept: [Substring] = []
        var hasQuote = false
        var index = 0
        outer: while index < lines.count {
            if isTopPostingMarker(&lines, at: index) {
                hasQuote = true
                break outer
            }
            if let span = attributionSpan(&lines, at: index) {
                // Skip the attribution and the quoted block after it; keep any text below (bottom posting).
                hasQuote = true
                index += span
                continue
            }
            if lines.firstScalar(index) == ">", lines.trimmed(index).hasPrefix(">") {
                hasQuote = true
                index += 1
                continue
            }
            kept.append(lines.raw[index])
            index += 1
        }
        guard hasQuote else { return Split(newText: text, hasQuote: false) }
        while let last = kept.last, last.trimmingWhitespace().isEmpty { kept.removeLast() }
        while let first = kept.first, first.trimmingWhitespace().isEmpty { kept.removeFirst() }
        let newText = kept.joined(separator: "\n")
        if newText.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return Split(newText: text, hasQuote: true) }
        return Split(newText: newText, hasQuote: true)
    }

    /// The text's lines, each trimmed and lower-cased once, when first asked for: the tests
    /// below look at a line and the few after it, and a long quoted history after the first
    /// marker is never looked at.
    struct Lines {
        let raw: [Substring]
        private var trimmedLines: [String?]
        private var lowerLines: [String?]
        var count: Int { raw.count }

        init(_ text: String) {
            raw = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }
            trimmedLines = Array(repeating: nil, count: raw.count)
            lowerLines = Array(repeating: nil, count: raw.count)
        }

        /// The line's first scalar that is not white space: each test below looks at it before
        /// trimming and lower-casing the line (most lines of a message are neither markers nor
        /// attributions, and lower-casing every line was a third of this splitter's cost).
        func firstScalar(_ index: Int) -> Unicode.Scalar? {
            raw[index].unicodeScalars.first { !$0.isWhiteSpace }
        }

        mutating func trimmed(_ index: Int) -> String {
            if let line = trimmedLines[index] { return line }
            let line = raw[index].trimmingWhitespace()
            trimmedLines[index] = line
            return line
        }

        mutating func lower(_ index: Int) -> String {
            if let line = lowerLines[index] { return line }
            let line = trimmed(index).lowercased()
            lowerLines[index] = line
            return line
        }
    }

    /// Cheap test: no ">" at a line start, no "wrote"-like ending, no "Original Message" or
    /// "From:" line means nothing is quoted.
    static func mayQuote(_ text: String) -> Bool {
        var atLineStart = true
        var sawColonEnd = false
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if atLineStart {
                if byte == 0x3E { return true }
                if byte == 0x2D || byte == 0x5F || byte == 0x46 || byte == 0x66 || byte == 0x2A { return true }  // -, _, F, f, *
            }
            if byte == 0x0A {
                if previous == 0x3A { sawColonEnd = true }
                atLineStart = true
            } else if byte != 0x20 && byte != 0x09 && byte != 0x0D {
                atLineStart = false
            }
            if byte != 0x20 && byte != 0x0D { previous = byte }
        }
        return sawColonEnd || previous == 0x3A
    }

    /// "On <date>, <name> wrote:" on one line or two: returns how many lines it spans.
    static func attributionSpan(_ lines: inout Lines, at index: Int) -> Int? {
        guard let first = lines.firstScalar(index), attributionFirstScalars.contains(first) else { return nil }
        let lower = lines.lower(index)
        // The first word, as splitting on spaces gives it (the line is trimmed).
        guard attributionStarts.contains(String(lower.prefix { $0 != " " })) || lower.hasPrefix("le ") else {
            return nil
        }
        let line = lines.trimmed(index)
        if endsAttribution(line) { return 1 }
        if index + 1 < lines.count, line.count < 200 {
            let joined = line + " " + lines.trimmed(index + 1)
            if endsAttribution(joined) { return 2 }
        }
        return nil
    }

    static let attributionStarts: Set<String> = ["on", "am", "le", "el", "il", "op", "em", "den", "w", "в"]
    static let attributionFirstScalars = firstScalars(of: attributionStarts)

    static let originalMessageMarkers = [
        "-----original message-----", "----- original message -----", "-------- original message --------", "--- original message ---",
    ]
    static let outlookFromPrefixes = ["from:", "*from:*", "von:", "de :"]
    /// A top-posting marker begins with one of these: an "Original Message" rule, a rule of
    /// underscores, or an Outlook "From:" line.
    static let topPostingFirstScalars = firstScalars(of: originalMessageMarkers + ["_"] + outlookFromPrefixes)

    /// The first scalar of each phrase, in either case: a line that begins with none of them
    /// need not be trimmed and lower-cased to be compared with the phrases.
    static func firstScalars(of phrases: some Sequence<String>) -> Set<Unicode.Scalar> {
        Set(phrases.flatMap { [$0.unicodeScalars.first!, $0.uppercased().unicodeScalars.first!] })
    }

    static func endsAttribution(_ line: String) -> Bool {
        let lower = line.lowercased()
        return lower.hasSuffix("wrote:") || lower.hasSuffix("schrieb:") || lower.hasSuffix("a écrit :") || lower.hasSuffix("a écrit:")
            || lower.hasSuffix("escribió:") || lower.hasSuffix("ha scritto:") || lower.hasSuffix("schreef:")
            || lower.hasSuffix("escreveu:") || lower.hasSuffix("skrev:") || lower.hasSuffix("napisał:") || lower.hasSuffix("написал:")
            || lower.hasSuffix("wrote :")
    }

    static func isTopPostingMarker(_ lines: inout Lines, at index: Int) -> Bool {
        guard let first = lines.firstScalar(index), topPostingFirstScalars.contains(first) else { return false }
        let lower = lines.lower(index)
        if originalMessageMarkers.contains(where: { lower.hasPrefix($0) }) { return true }
        // Outlook: an optional rule of underscores, then From: with Sent:/Date: and To:/Subject: close below.
        var start = index
        let line = lines.trimmed(index)
        if line.utf8.count >= 10 && line.utf8.allSatisfy({ $0 == 0x5F }) { start = index + 1 }
        guard start < lines.count else { return false }
        let fromLine = lines.lower(start)
        guard outlookFromPrefixes.contains(where: { fromLine.hasPrefix($0) }) else {
            return false
        }
        var sawSent = false, sawToOrSubject = false
        for offset in 1...5 where start + offset < lines.count {
            let next = lines.lower(start + offset)
            if next.hasPrefix("sent:") || next.hasPrefix("date:") || next.hasPrefix("*sent:*") || next.hasPrefix("gesendet:") { sawSent = true }
            if next.hasPrefix("to:") || next.hasPrefix("subject:") || next.hasPrefix("*to:*") || next.hasPrefix("cc:") { sawToOrSubject = true }
        }
        // An inline forward has the same block under its own marker; that marker is not this line.
        if index > 0 {
            let previous = lines.lower(index - 1)
            if previous.contains("forwarded message") || previous.contains("begin forwarded message") { return false }
        }
        return sawSent && sawToOrSubject
    }
}
