public import Foundation

/// ISO 8601 timestamps in UTC. The export contract writes `2026-04-03T13:05:00Z`, or
/// `2026-04-03T13:05:00.250Z` when there are milliseconds (``string(_:)``); the store writes
/// every time with its milliseconds, `2026-04-03T13:05:00.000Z` (``stored(_:)``).
///
/// Only the store's form sorts in time order, which its indexes, its pages and its time
/// windows rely on: in the contract's form a whole second, `…:00Z`, sorts after every time
/// within that second (`…:00.250Z`), because "Z" comes after ".".
public enum Timestamp {
    /// The export contract's form: milliseconds only when there are some.
    public static func string(_ date: Date) -> String {
        string(date, alwaysMilliseconds: false)
    }

    /// The store's form: always 24 characters, milliseconds included, so that the strings
    /// sort as the times do. Every time the store compares or orders is written this way.
    public static func stored(_ date: Date) -> String {
        string(date, alwaysMilliseconds: true)
    }

    static func string(_ date: Date, alwaysMilliseconds: Bool) -> String {
        // Whole milliseconds, rounded down; the 10 µs allowance is for a time read back from this
        // form, whose Double can fall a hair below the millisecond written (".054" as
        // 0.05399999...): without it, a time read and written again moved back by 1 ms.
        var milliseconds = Int64((date.timeIntervalSince1970 * 1000 + 0.01).rounded(.down))
        var seconds = milliseconds / 1000
        milliseconds -= seconds * 1000
        if milliseconds < 0 {
            milliseconds += 1000
            seconds -= 1
        }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        // The year as its decimal text (four digits in practice; any other year as it is), then
        // the rest written by bytes: every record's JSON holds several of these.
        let year = String(Int(parts.tm_year) + 1900)
        return String(unsafeUninitializedCapacity: year.utf8.count + 20) { buffer in
            var count = 0
            func digits(_ value: Int, _ width: Int) {
                var divisor = 1
                for _ in 1..<width { divisor *= 10 }
                while divisor > 0 {
                    buffer[count] = UInt8(0x30 + (value / divisor) % 10)
                    count += 1
                    divisor /= 10
                }
            }
            func mark(_ byte: UInt8) {
                buffer[count] = byte
                count += 1
            }
            for byte in year.utf8 { mark(byte) }
            mark(0x2D); digits(Int(parts.tm_mon) + 1, 2); mark(0x2D); digits(Int(parts.tm_mday), 2)
            mark(0x54); digits(Int(parts.tm_hour), 2); mark(0x3A); digits(Int(parts.tm_min), 2); mark(0x3A); digits(Int(parts.tm_sec), 2)
            if milliseconds > 0 || alwaysMilliseconds {
                mark(0x2E)
                digits(Int(milliseconds), 3)
            }
            mark(0x5A)
            return count
        }
    }

    /// Reads the form ``string(_:)`` writes (and any ISO 8601 form `UKDateReader` reads).
    public static func date(_ text: String) -> Date? {
        exactDate(text) ?? UKDateReader().date(from: text)
    }

    /// The form ``string(_:)`` writes, read by bytes: the store reads these back on every
    /// commit. Nil for any other text (then ``UKDateReader`` reads it).
    package static func exactDate(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { b -> Date? in
            guard b.count == 20 || b.count == 24, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A,
                b[b.count - 1] == 0x5A
            else { return nil }
            func number(_ from: Int, _ count: Int) -> Int? {
                var value = 0
                for index in from..<(from + count) {
                    let digit = Int(b[index]) - 0x30
                    guard digit >= 0 && digit <= 9 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
                (1...12).contains(month), hour < 24, minute < 60, second < 60
            else { return nil }
            var milliseconds = 0
            if b.count == 24 {
                guard b[19] == 0x2E, let value = number(20, 3) else { return nil }
                milliseconds = value
            }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            guard day >= 1, day <= monthDays else { return nil }
            // Days from 1970-01-01 to the civil date (Howard Hinnant's days_from_civil).
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            let days = era * 146_097 + dayOfEra - 719_468
            // As Foundation's calendar makes it (the same bits): the day's start in seconds since
            // 2001, plus the time of day with its fraction added first. (Adding the fraction to
            // the whole seconds since 2001 rounded differently for a few times before 2001: 5 in
            // 200,000, for example 2000-12-30T12:41:19.471Z.)
            let dayStart = days * 86_400 - 978_307_200
            let timeOfDay = Double(hour * 3_600 + minute * 60 + second) + Double(milliseconds * 1_000_000) / 1_000_000_000
            return Date(timeIntervalSinceReferenceDate: Double(dayStart) + timeOfDay)
        }
    }

    /// A JSON encoder for records: sorted keys, ISO 8601 UTC dates, no escaped slashes.
    public static func jsonEncoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(string(date))
        }
        return encoder
    }

    public static func jsonDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = date(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date: \(text)")
            }
            return date
        }
        return decoder
    }
}
