public import Foundation

/// Reads the dates and times staff and customers write in the UK, in Europe/London time.
///
/// Accepted forms (case-insensitive; commas, "at" and a leading weekday are ignored):
/// - `03/04/2026 14:05`, `3/4/26 2:05pm`, `03-04-2026`, `03.04.2026 14.05` (day first, always)
/// - `3 April 2026 2:05pm`, `3rd Apr 2026 at 14:05`, `Friday 3 April 2026`, `April 3, 2026`
/// - ISO 8601: `2026-04-03`, `2026-04-03 14:05`, `2026-04-03T14:05:00Z`, `2026-04-03T14:05+01:00`
/// - `today 14:05`, `yesterday 9am`, relative to a reference date the caller supplies
///
/// A time without a date, or anything else, is not read: the caller keeps the text and flags it.
/// A date with no time means midnight at the start of that day, London time.
public struct UKDateReader: Sendable {
    public static let london = TimeZone(identifier: "Europe/London")!

    private let calendar: Calendar

    /// A Gregorian calendar in London time, made once: building calendars is not cheap.
    public static let londonCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = london
        return calendar
    }()

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    public init() {
        self.calendar = Self.londonCalendar
    }

    /// The instant the text names, or nil if it cannot be read with confidence.
    /// - Parameter reference: the moment "today" and "yesterday" are relative to.
    public func date(from text: String, relativeTo reference: Date? = nil) -> Date? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.count <= 80 else { return nil }
        if let iso = isoDate(trimmed) { return iso }
        var tokens = tokenize(trimmed.lowercased())
        guard !tokens.isEmpty else { return nil }
        tokens.removeAll { $0 == "at" || $0 == "on" || $0 == "," }
        if let first = tokens.first, Self.weekdays.contains(where: { first.hasPrefix($0) }) && first.count >= 3
            && Self.monthNumber(first) == nil
        {
            tokens.removeFirst()
        }
        guard let (day, month, year, rest) = dayMonthYear(tokens, reference: reference) else { return nil }
        guard let (hour, minute, second) = time(rest) else { return nil }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = second
        guard let date = calendar.date(from: components) else { return nil }
        // Reject dates that Calendar silently rolled over (31/02 becoming 3 March).
        let check = calendar.dateComponents([.year, .month, .day], from: date)
        guard check.year == year, check.month == month, check.day == day else { return nil }
        return date
    }

    // MARK: - Pieces

    private func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        func flush() {
            if !current.isEmpty { tokens.append(current) }
            current = ""
        }
        for character in text {
            if character.isWhitespace || character == "," {
                flush()
            } else {
                current.append(character)
            }
        }
        flush()
        // Split "2:05pm" into "2:05" and "pm", "14:05" stays.
        return tokens.flatMap { token -> [String] in
            for suffix in ["a.m.", "p.m.", "am", "pm"] where token.hasSuffix(suffix) && token.count > suffix.count {
                return [String(token.dropLast(suffix.count)), suffix.replacingOccurrences(of: ".", with: "")]
            }
            if token == "a.m." || token == "p.m." { return [token.replacingOccurrences(of: ".", with: "")] }
            return [token]
        }
    }

    private func dayMonthYear(_ tokens: [String], reference: Date?) -> (Int, Int, Int, [String])? {
        guard let first = tokens.first else { return nil }
        if first == "today" || first == "yesterday" {
            guard let reference else { return nil }
            let day = first == "today" ? reference : reference.addingTimeInterval(-86_400)
            let parts = calendar.dateComponents([.year, .month, .day], from: day)
            return (parts.day!, parts.month!, parts.year!, Array(tokens.dropFirst()))
        }
        // Numeric day/month/year with / - or . separators.
        for separator in ["/", "-", "."] where first.contains(separator) {
            let parts = first.split(separator: Character(separator), omittingEmptySubsequences: false)
            guard parts.count == 3, let day = Int(parts[0]), let month = Int(parts[1]), let rawYear = Int(parts[2]),
                parts[2].count == 2 || parts[2].count == 4
            else { return nil }
            let year = parts[2].count == 2 ? 2000 + rawYear : rawYear
            guard (1...31).contains(day), (1...12).contains(month), (1900...2200).contains(year) else { return nil }
            return (day, month, year, Array(tokens.dropFirst()))
        }
        // "3 April 2026" or "3rd of April 2026"
        if let day = Self.dayNumber(first) {
            var index = 1
            if index < tokens.count, tokens[index] == "of" { index += 1 }
            guard index + 1 < tokens.count, let month = Self.monthNumber(tokens[index]),
                let year = Self.year(tokens[index + 1])
            else { return nil }
            return (day, month, year, Array(tokens[(index + 2)...]))
        }
        // "April 3 2026"
        if let month = Self.monthNumber(first), tokens.count >= 3, let day = Self.dayNumber(tokens[1]),
            let year = Self.year(tokens[2])
        {
            return (day, month, year, Array(tokens.dropFirst(3)))
        }
        return nil
    }

    /// Reads the time from what is left; an empty rest means midnight.
    private func time(_ rest: [String]) -> (Int, Int, Int)? {
        var tokens = rest
        guard !tokens.isEmpty else { return (0, 0, 0) }
        if tokens == ["noon"] || tokens == ["midday"] || tokens == ["12", "noon"] { return (12, 0, 0) }
        if tokens == ["midnight"] { return (0, 0, 0) }
        var meridiem: String?
        if let last = tokens.last, last == "am" || last == "pm" {
            meridiem = last
            tokens.removeLast()
        }
        guard tokens.count == 1 else { return nil }
        let parts = tokens[0].split(whereSeparator: { $0 == ":" || $0 == "." }).map(String.init)
        guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else {
            return nil
        }
        guard var hour = Int(parts[0]) else { return nil }
        let minute = parts.count > 1 ? Int(parts[1])! : 0
        let second = parts.count > 2 ? Int(parts[2])! : 0
        if parts.count == 1, meridiem == nil { return nil }  // "14" alone is not a time
        guard minute < 60, second < 60 else { return nil }
        if let meridiem {
            guard (1...12).contains(hour) else { return nil }
            if meridiem == "am" { hour = hour == 12 ? 0 : hour } else { hour = hour == 12 ? 12 : hour + 12 }
        }
        guard hour < 24 else { return nil }
        return (hour, minute, second)
    }

    private func isoDate(_ text: String) -> Date? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 10, scalars[4] == "-", scalars[7] == "-",
            let year = Int(String(String.UnicodeScalarView(scalars[0..<4]))),
            let month = Int(String(String.UnicodeScalarView(scalars[5..<7]))),
            let day = Int(String(String.UnicodeScalarView(scalars[8..<10])))
        else { return nil }
        var components = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        var zone: TimeZone = Self.london
        var rest = String(String.UnicodeScalarView(scalars[10...]))
        if !rest.isEmpty {
            guard rest.first == "T" || rest.first == " " || rest.first == "t" else { return nil }
            rest.removeFirst()
            rest = rest.trimmingWhitespace()
            // Offset: Z, +hh:mm, -hhmm
            if rest.hasSuffix("Z") || rest.hasSuffix("z") {
                zone = TimeZone(secondsFromGMT: 0)!
                rest.removeLast()
            } else if let signIndex = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
                let offsetText = rest[rest.index(after: signIndex)...].replacingOccurrences(of: ":", with: "")
                guard offsetText.count == 4 || offsetText.count == 2, let value = Int(offsetText) else { return nil }
                let hours = offsetText.count == 4 ? value / 100 : value
                let minutes = offsetText.count == 4 ? value % 100 : 0
                let sign = rest[signIndex] == "-" ? -1 : 1
                guard let offsetZone = TimeZone(secondsFromGMT: sign * (hours * 3600 + minutes * 60)) else { return nil }
                zone = offsetZone
                rest = String(rest[..<signIndex])
            }
            var fraction = 0.0
            if let dot = rest.firstIndex(of: "."), rest.filter({ $0 == ":" }).count == 2 {
                fraction = Double("0" + rest[dot...]) ?? 0
                rest = String(rest[..<dot])
            }
            let parts = rest.split(separator: ":").map { Int($0) }
            guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }) else { return nil }
            components.hour = parts[0]!
            components.minute = parts[1]!
            components.second = parts.count == 3 ? parts[2]! : 0
            guard components.hour! < 24, components.minute! < 60, components.second! < 61 else { return nil }
            components.nanosecond = Int(fraction * 1e9)
        }
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        var cal = zone == Self.london ? Self.londonCalendar : Self.utcCalendar
        if zone.secondsFromGMT() != 0 || zone == Self.london { cal.timeZone = zone }
        guard let date = cal.date(from: components) else { return nil }
        let check = cal.dateComponents([.year, .month, .day], from: date)
        guard check.year == year, check.month == month, check.day == day else { return nil }
        return date
    }

    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    static let months: [String: Int] = [
        "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
        "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
        "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
    ]

    static func monthNumber(_ token: String) -> Int? {
        months[token.hasSuffix(".") ? String(token.dropLast()) : token]
    }

    static func dayNumber(_ token: String) -> Int? {
        var digits = token
        for suffix in ["st", "nd", "rd", "th"] where digits.hasSuffix(suffix) {
            digits = String(digits.dropLast(2))
            break
        }
        guard !digits.isEmpty, digits.count <= 2, digits.allSatisfy(\.isASCIIDigit), let day = Int(digits),
            (1...31).contains(day)
        else { return nil }
        return day
    }

    static func year(_ token: String) -> Int? {
        guard token.count == 4, token.allSatisfy(\.isASCIIDigit), let year = Int(token), (1900...2200).contains(year) else {
            return nil
        }
        return year
    }
}
