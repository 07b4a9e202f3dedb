public import Foundation
import LetterboxCore

/// A tolerant reader for the Date header: RFC 5322 with the obsolete forms (two-digit years,
/// named zones, no seconds, no weekday, comments such as "(GMT Daylight Time)"), then ISO 8601,
/// then the UK forms people type.
public enum MailDate {
    public static func parse(_ text: String) -> Date? {
        common(text) ?? general(text)
    }

    /// Any form ``parse(_:)`` reads, token by token.
    package static func general(_ text: String) -> Date? {
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

    /// The form nearly every mail program writes ("Wed, 2 Dec 2026 10:15:00 +0000", the weekday
    /// and seconds optional), read from the bytes; anything else is nil, for ``parse(_:)``'s
    /// general reading (which reads this form the same way).
    package static func common(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            var i = 0
            let n = bytes.count
            func spaces() -> Bool {
                let start = i
                while i < n, bytes[i] == 0x20 { i += 1 }
                return i > start
            }
            func digits(_ least: Int, _ most: Int) -> Int? {
                var value = 0, count = 0
                while i < n, count < most, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                    value = value * 10 + Int(bytes[i] - 0x30)
                    i += 1
                    count += 1
                }
                return count >= least && (i == n || bytes[i] < 0x30 || bytes[i] > 0x39) ? value : nil
            }
            func letters3() -> UInt32? {
                guard i + 3 <= n else { return nil }
                var key: UInt32 = 0
                for offset in 0..<3 {
                    let byte = bytes[i + offset] | 0x20
                    guard byte >= 0x61, byte <= 0x7A else { return nil }
                    key = key << 8 | UInt32(byte)
                }
                i += 3
                return key
            }
            _ = spaces()
            // The weekday, if written, is not checked against the date (as in the general reading).
            if i < n, bytes[i] > 0x39 {
                guard let weekday = letters3(), weekdayKeys.contains(weekday), i < n, bytes[i] == 0x2C else { return nil }
                i += 1
                _ = spaces()
            }
            guard let day = digits(1, 2), (1...31).contains(day), spaces(), let name = letters3(),
                let month = monthKeys.firstIndex(of: name), spaces(), let year = digits(4, 4), year >= 1970, spaces(),
                let hour = digits(2, 2), hour < 24, i < n, bytes[i] == 0x3A
            else { return nil }
            i += 1
            guard let minute = digits(2, 2), minute < 60 else { return nil }
            var second = 0
            if i < n, bytes[i] == 0x3A {
                i += 1
                guard let value = digits(2, 2) else { return nil }
                second = min(value, 60)
            }
            guard spaces(), i < n, bytes[i] == 0x2B || bytes[i] == 0x2D else { return nil }
            let negative = bytes[i] == 0x2D
            i += 1
            guard let zone = digits(4, 4) else { return nil }
            // Then nothing but white space and one comment, such as "(UTC)" or "(GMT Daylight Time)".
            _ = spaces()
            if i < n {
                guard bytes[i] == 0x28 else { return nil }
                i += 1
                while i < n, bytes[i] != 0x29 {
                    guard bytes[i] != 0x28, bytes[i] != 0x5C else { return nil }
                    i += 1
                }
                guard i < n else { return nil }
                i += 1
                _ = spaces()
                guard i == n else { return nil }
            }
            let zoneMinutes = (zone / 100) * 60 + zone % 100
            let days = daysFromCivil(year: year, month: month + 1, day: day)
            let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64((negative ? -zoneMinutes : zoneMinutes) * 60)
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
    }

    private static let monthKeys: [UInt32] = months.map(key)
    private static let weekdayKeys: [UInt32] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map(key)
    private static func key(_ name: String) -> UInt32 { name.utf8.reduce(0) { $0 << 8 | UInt32($1) } }

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
