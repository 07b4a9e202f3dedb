public import Foundation
import LetterboxCore

/// A tolerant reader for the Date header: RFC 5322 with the obsolete forms (two-digit years,
/// named zones, no seconds, no weekday, comments such as "(GMT Daylight Time)"), then ISO 8601,
/// then the UK forms people type.
public enum MailDate {
    public static func parse(_ text: String) -> Date? {
        var cleaned = String.UnicodeScalarView()
        var depth = 0
        for scalar in text.unicodeScalars {
            if scalar == "(" { depth += 1; continue }
            if scalar == ")" { depth = max(0, depth - 1); continue }
            if depth == 0 { cleaned.append(scalar == "," ? " " : scalar) }
        }
        let tokens = String(cleaned).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }).map(String.init)
        if let date = rfc5322(tokens) { return date }
        if let date = Timestamp.date(text.trimmingCharacters(in: .whitespaces)) { return date }
        return UKDateReader().date(from: text)
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360,
        "pst": -480, "pdt": -420, "bst": 60, "cet": 60, "cest": 120, "met": 60, "mest": 120, "eet": 120, "eest": 180,
        "wet": 0, "west": 60, "ist": 60,
    ]

    static func rfc5322(_ tokens: [String]) -> Date? {
        var day: Int?, month: Int?, year: Int?
        var hour = 0, minute = 0, second = 0
        var zoneMinutes: Int?
        var sawTime = false
        for token in tokens {
            let lower = token.lowercased()
            if let index = months.firstIndex(where: { lower.hasPrefix($0) }), month == nil, lower.count <= 9 {
                month = index + 1
            } else if token.contains(":"), !sawTime {
                let parts = token.split(separator: ":").map { Int($0) }
                guard parts.count >= 2, let h = parts[0], let m = parts[1], h < 24, m < 60 else { return nil }
                hour = h
                minute = m
                if parts.count > 2, let s = parts[2] { second = min(s, 60) }
                sawTime = true
            } else if (token.hasPrefix("+") || token.hasPrefix("-")), token.count == 5, let value = Int(token.dropFirst()) {
                let minutes = (value / 100) * 60 + value % 100
                zoneMinutes = token.hasPrefix("-") ? -minutes : minutes
            } else if let number = Int(token), number >= 0 {
                if token.count >= 3 {
                    if year == nil { year = token.count == 3 ? 1900 + number : number }
                } else if day == nil {
                    day = number
                } else if year == nil {
                    year = number < 50 ? 2000 + number : 1900 + number
                }
            } else if let zone = zones[lower], zoneMinutes == nil {
                zoneMinutes = zone
            }
        }
        guard let day, let month, let year, year >= 1970, year < 10_000, day >= 1, day <= 31 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64((zoneMinutes ?? 0) * 60)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
