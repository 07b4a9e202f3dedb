import Foundation
import LetterboxCore
import Testing

struct UKDateTests {
    let reader = UKDateReader()

    @Test(arguments: [
        // Day first, always; British Summer Time from 29 March 2026 (UTC+1).
        ("03/04/2026 14:05", "2026-04-03T13:05:00Z"),
        ("3/4/26 2:05pm", "2026-04-03T13:05:00Z"),
        ("03-04-2026", "2026-04-02T23:00:00Z"),
        ("03.04.2026 14.05", "2026-04-03T13:05:00Z"),
        ("3 April 2026 2:05pm", "2026-04-03T13:05:00Z"),
        ("3rd Apr 2026 at 14:05", "2026-04-03T13:05:00Z"),
        ("Friday, 3 April 2026 2.05 p.m.", "2026-04-03T13:05:00Z"),
        ("April 3, 2026 12 noon", "2026-04-03T11:00:00Z"),
        ("2026-04-03 14:05", "2026-04-03T13:05:00Z"),
        ("2026-04-03T14:05:00Z", "2026-04-03T14:05:00Z"),
        ("2026-04-03T14:05:00+01:00", "2026-04-03T13:05:00Z"),
        ("2026-04-03T14:05:30.250Z", "2026-04-03T14:05:30.250Z"),
        // Greenwich Mean Time in winter.
        ("15/01/2026 09:00", "2026-01-15T09:00:00Z"),
        ("12 December 2025 12am", "2025-12-12T00:00:00Z"),
        ("12/12/2025 12:30am", "2025-12-12T00:30:00Z"),
        // The hour that happens twice when the clocks go back (25 October 2026): the first.
        ("25/10/2026 01:30", "2026-10-25T00:30:00Z"),
    ])
    func readsUKForms(text: String, expected: String) throws {
        let date = try #require(reader.date(from: text))
        #expect(Timestamp.string(date) == expected)
    }

    @Test(arguments: [
        "last Tuesday afternoon", "31/02/2026", "13/13/2026", "03/04/2026 25:00", "14:05", "tomorrow",
        "2026-02-30", "03/04/2026 14", "3 Smarch 2026", "", "03/04/2026 14:05 and some more words",
    ])
    func refusesWhatItCannotReadWithConfidence(text: String) {
        #expect(reader.date(from: text) == nil)
    }

    @Test func todayAndYesterdayAreRelativeToTheReference() throws {
        let reference = try #require(reader.date(from: "2026-04-20T08:00:00Z"))
        #expect(reader.date(from: "today 2pm", relativeTo: reference).map(Timestamp.string) == "2026-04-20T13:00:00Z")
        #expect(reader.date(from: "yesterday 09:15", relativeTo: reference).map(Timestamp.string) == "2026-04-19T08:15:00Z")
        #expect(reader.date(from: "today 2pm") == nil)
    }

    @Test func timestampsRoundTrip() throws {
        let date = Date(timeIntervalSince1970: 1_776_675_600.125)
        let text = Timestamp.string(date)
        #expect(text == "2026-04-20T09:00:00.125Z")
        #expect(Timestamp.date(text) == date)
    }
}

/// The store reads its own timestamps back by bytes (`Timestamp.exactDate`); that must give the
/// very Date the general reader gives, to the last bit, or a time written again would move.
struct TimestampReadingTests {
    @Test func theStoresOwnFormReadsAsTheGeneralReaderReadsIt() {
        var generator = SystemRandomNumberGenerator()
        let reader = UKDateReader()
        for index in 0..<20_000 {
            // Whole seconds, and milliseconds (every value 0-999 among them), from 1900 to 2200.
            let seconds = Double(Int64.random(in: -2_208_988_800...7_258_118_400, using: &generator))
            let date = Date(timeIntervalSince1970: index % 2 == 0 ? seconds : seconds + Double(index % 1000) / 1000)
            let text = Timestamp.string(date)
            let exact = Timestamp.exactDate(text)
            #expect(exact != nil)
            #expect(exact == reader.date(from: text), "\(text)")
            #expect(exact.map(Timestamp.string) == text)
        }
        for text in ["2026-02-29T10:00:00Z", "2024-02-30T10:00:00Z", "2026-13-01T10:00:00Z", "2026-04-03T24:00:00Z", "2026-04-03T13:05:60Z",
                     "2026-04-03T13:05:00.25Z", "2026-04-03 13:05:00Z", "2026-04-03T13:05:00+01:00", "2026-04-3T13:05:00Z", "２０２６-04-03T13:05:00Z"] {
            #expect(Timestamp.exactDate(text) == nil, "\(text)")
        }
        // Times the random draw found that an earlier sum rounded differently.
        for text in ["2024-02-29T23:59:59.999Z", "2000-12-30T12:41:19.471Z"] {
            #expect(Timestamp.exactDate(text) == reader.date(from: text), "\(text)")
        }
    }
}

extension TimestampReadingTests {
    /// The writer puts the bytes together itself, whatever the year; it must write what the
    /// plain formatting writes (kept here as the reference), whole seconds and milliseconds.
    @Test func timestampsAreWrittenAsThePlainFormattingWritesThem() {
        func reference(_ date: Date) -> String {
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
            func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
            var text = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
            text += "T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
            if milliseconds > 0 {
                let ms = String(milliseconds)
                text += "." + String(repeating: "0", count: 3 - ms.count) + ms
            }
            return text + "Z"
        }
        var generator = SystemRandomNumberGenerator()
        for index in 0..<20_000 {
            // From the year 500 to 12000, with and without milliseconds and microseconds.
            let seconds = Double(Int64.random(in: -46_000_000_000...316_000_000_000, using: &generator))
            let fraction = [0, Double(index % 1000) / 1000, Double.random(in: 0..<1, using: &generator)][index % 3]
            let date = Date(timeIntervalSince1970: seconds + fraction)
            #expect(Timestamp.string(date) == reference(date))
        }
        #expect(Timestamp.string(Date(timeIntervalSince1970: 1_775_221_500.25)) == "2026-04-03T13:05:00.250Z")
    }
}
