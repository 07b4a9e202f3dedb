import Foundation
import LetterboxCore
import Testing

/// Bank holidays against GOV.UK's published dates (docs/domain.md 3.2), checked by hand.
@Suite struct BankHolidayTests {
    func days(_ year: Int, _ nation: Nation) -> [String] {
        BankHolidays().holidays(year: year, nation: nation).map(\.day.description)
    }

    @Test func englandAndWales2024to2027() {
        #expect(days(2024, .englandAndWales) == ["2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26"])
        #expect(days(2025, .englandAndWales) == ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"])
        #expect(days(2026, .englandAndWales) == ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"])
        #expect(days(2027, .englandAndWales) == ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"])
    }

    @Test func scotland2024to2027() {
        #expect(days(2024, .scotland) == ["2024-01-01", "2024-01-02", "2024-03-29", "2024-05-06", "2024-05-27", "2024-08-05", "2024-12-02", "2024-12-25", "2024-12-26"])
        #expect(days(2025, .scotland) == ["2025-01-01", "2025-01-02", "2025-04-18", "2025-05-05", "2025-05-26", "2025-08-04", "2025-12-01", "2025-12-25", "2025-12-26"])
        #expect(days(2026, .scotland) == ["2026-01-01", "2026-01-02", "2026-04-03", "2026-05-04", "2026-05-25", "2026-06-15", "2026-08-03", "2026-11-30", "2026-12-25", "2026-12-28"])
        #expect(days(2027, .scotland) == ["2027-01-01", "2027-01-04", "2027-03-26", "2027-05-03", "2027-05-31", "2027-08-02", "2027-11-30", "2027-12-27", "2027-12-28"])
    }

    @Test func northernIreland2024to2027() {
        #expect(days(2024, .northernIreland) == ["2024-01-01", "2024-03-18", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-07-12", "2024-08-26", "2024-12-25", "2024-12-26"])
        #expect(days(2025, .northernIreland) == ["2025-01-01", "2025-03-17", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-07-14", "2025-08-25", "2025-12-25", "2025-12-26"])
        #expect(days(2026, .northernIreland) == ["2026-01-01", "2026-03-17", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-07-13", "2026-08-31", "2026-12-25", "2026-12-28"])
        #expect(days(2027, .northernIreland) == ["2027-01-01", "2027-03-17", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-07-12", "2027-08-30", "2027-12-27", "2027-12-28"])
    }

    @Test func oneOffAndMovedDaysComeFromTheDataFile() {
        #expect(!BankHolidays.defaultChanges.isEmpty)
        let e2020 = days(2020, .englandAndWales)
        #expect(e2020.contains("2020-05-08") && !e2020.contains("2020-05-04"))
        let e2022 = days(2022, .englandAndWales)
        #expect(e2022.contains("2022-06-02") && e2022.contains("2022-06-03") && e2022.contains("2022-09-19") && !e2022.contains("2022-05-30"))
        // 2022: Christmas Day on a Sunday, Boxing Day on the Monday: substitute Tuesday 27th.
        #expect(e2022.suffix(2) == ["2022-12-26", "2022-12-27"])
        #expect(days(2023, .northernIreland).contains("2023-05-08"))
        #expect(!days(2026, .englandAndWales).contains("2026-06-15"))
        // Without the data file, only the Acts' rules.
        #expect(!BankHolidays(changes: []).holidays(year: 2022, nation: .scotland).map(\.day.description).contains("2022-09-19"))
    }

    @Test func changesFileFormatAndErrors() throws {
        let changes = try BankHolidays.parseChanges("# comment\n2030-06-03 add england-and-wales,scotland Extra day\n\n2030-05-27 remove all Moved\n")
        #expect(changes.count == 2)
        #expect(changes[0].nations == [.englandAndWales, .scotland] && changes[0].add && changes[0].name == "Extra day")
        let calendar = BankHolidays(changes: changes)
        #expect(calendar.holidays(year: 2030, nation: .scotland).map(\.day.description).contains("2030-06-03"))
        #expect(!calendar.holidays(year: 2030, nation: .northernIreland).map(\.day.description).contains("2030-06-03"))
        #expect(!calendar.holidays(year: 2030, nation: .northernIreland).map(\.day.description).contains("2030-05-27"))
        #expect(throws: BankHolidays.ChangesError.self) { try BankHolidays.parseChanges("2030-02-30 add all Bad date") }
        #expect(throws: BankHolidays.ChangesError.self) { try BankHolidays.parseChanges("2030-06-03 add wales Unknown nation") }
        // Line numbers count every line; a comment may follow the fields; CRLF lines read the same.
        let error = #expect(throws: BankHolidays.ChangesError.self) { try BankHolidays.parseChanges("# a\n\n2030-06-03 add\n") }
        #expect(error?.line == 3 && error?.text == "2030-06-03 add")
        let commented = try BankHolidays.parseChanges("2030-06-03   add  all   Extra  day # announced in May\r\n2030-05-27 remove scotland\r\n")
        #expect(commented.map(\.name) == ["Extra  day", "Bank holiday"] && commented[1].nations == [.scotland] && !commented[1].add)
        // The built-in file: every line read, the names as written.
        #expect(BankHolidays.defaultChanges.count >= 18)
        #expect(BankHolidays.defaultChanges.contains { $0.day.description == "2012-06-05" && $0.name == "Queen’s Diamond Jubilee" && $0.nations.count == 3 })
    }

    @Test func easterAndCivilDays() {
        #expect(BankHolidays.easterSunday(2024).description == "2024-03-31")
        #expect(BankHolidays.easterSunday(2025).description == "2025-04-20")
        #expect(BankHolidays.easterSunday(2038).description == "2038-04-25")
        #expect(CivilDay(1970, 1, 1).number == 0 && CivilDay(1970, 1, 1).weekday == 4)
        #expect(CivilDay(2026, 11, 23).weekday == 1)
        #expect(CivilDay(iso: "2028-02-29") != nil && CivilDay(iso: "2027-02-29") == nil)
        #expect(CivilDay(2027, 12, 31).adding(days: 1).description == "2028-01-01")
    }
}

/// Due dates against calendars checked by hand, for every preset and nation.
@Suite struct DueDateTests {
    /// An instant from a London wall-clock time.
    func london(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "Europe/London")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    func calculator(_ preset: String, _ nation: Nation = .englandAndWales, counting: TimescalePolicy.Counting = .nextWorkingDay, closures: Set<CivilDay> = []) -> DueDateCalculator {
        var policy = TimescalePolicy.preset(preset)!
        policy.counting = counting
        return DueDateCalculator(policy: policy, calendar: WorkingCalendar(nation: nation, closureDays: closures))
    }

    func day(_ calculator: DueDateCalculator, _ date: Date?) -> String? {
        date.map { calculator.londonDay($0).day.description }
    }

    func complaint(_ preset: String, _ nation: Nation, _ received: String, counting: TimescalePolicy.Counting = .nextWorkingDay, stage: Int = 1, closures: Set<CivilDay> = []) -> (ack: String?, respond: String?) {
        let c = calculator(preset, nation, counting: counting, closures: closures)
        let dates = c.dueDates(kind: .complaint, stage: stage, received: london(received))
        return (day(c, dates.acknowledgeBy), day(c, dates.respondBy))
    }

    @Test func hos2024FridayEveningBeforeChristmas() {
        // Fri 19 Dec 2025 18:30. Working days: Mon 22, Tue 23, Wed 24, Mon 29, Tue 30 -> ack Tue 30 Dec.
        // Response 10 working days after the acknowledgement: Wed 31, Fri 2 Jan, ... Wed 14 Jan (Scotland: 2 January is a holiday too).
        #expect(complaint("hos-2024", .englandAndWales, "2025-12-19 18:30") == ("2025-12-30", "2026-01-14"))
        #expect(complaint("hos-2024", .northernIreland, "2025-12-19 18:30") == ("2025-12-30", "2026-01-14"))
        #expect(complaint("hos-2024", .scotland, "2025-12-19 18:30") == ("2025-12-30", "2026-01-15"))
        // The organisation closes 29-31 December: ack Mon 5 Jan.
        let closures: Set<CivilDay> = [CivilDay(2025, 12, 29), CivilDay(2025, 12, 30), CivilDay(2025, 12, 31)]
        #expect(complaint("hos-2024", .englandAndWales, "2025-12-19 18:30", closures: closures).ack == "2026-01-05")
    }

    @Test func hos2024OnABankHoliday() {
        // Mon 4 May 2026 (early May bank holiday everywhere): ack Mon 11 May; response after Mon 11:
        // 12-15, 18-22, (Mon 25 spring bank holiday), Tue 26 May.
        for nation in Nation.allCases {
            #expect(complaint("hos-2024", nation, "2026-05-04 10:00") == ("2026-05-11", "2026-05-26"))
            #expect(complaint("hos-2024", nation, "2026-05-04 10:00", counting: .sameDayBeforeCutoff) == ("2026-05-11", "2026-05-26"))
        }
        // Stage 2: ack 5, response 20 working days after it.
        #expect(complaint("hos-2024", .englandAndWales, "2026-05-04 10:00", stage: 2) == ("2026-05-11", "2026-06-09"))
    }

    @Test func hos2022RespondsFromReceiptAcrossEaster() {
        // Thu 28 Mar 2024, before Good Friday. E&W and NI skip Good Friday and Easter Monday; Scotland only Good Friday.
        #expect(complaint("hos-2022", .englandAndWales, "2024-03-28 12:00") == ("2024-04-08", "2024-04-15"))
        #expect(complaint("hos-2022", .northernIreland, "2024-03-28 12:00") == ("2024-04-08", "2024-04-15"))
        #expect(complaint("hos-2022", .scotland, "2024-03-28 12:00") == ("2024-04-05", "2024-04-12"))
        #expect(complaint("hos-2022", .englandAndWales, "2024-03-28 12:00", stage: 2) == (nil, "2024-04-29"))
    }

    @Test func spsoFivedayFrontlineAroundStAndrewsDay() {
        // Fri 27 Nov 2026 16:00: Scotland's Mon 30 Nov is St Andrew's Day.
        #expect(complaint("spso", .scotland, "2026-11-27 16:00") == (nil, "2026-12-07"))
        #expect(complaint("spso", .englandAndWales, "2026-11-27 16:00") == (nil, "2026-12-04"))
        #expect(complaint("spso", .scotland, "2026-11-27 16:00", stage: 2) == ("2026-12-03", "2026-12-30"))
    }

    @Test func legacy2009AcrossChristmas2027() {
        // Wed 22 Dec 2027 09:00. 25/26 Dec at the weekend: substitutes Mon 27 and Tue 28;
        // 1 Jan 2028 is a Saturday: Mon 3 Jan (and in Scotland 2 January's substitute Tue 4).
        #expect(complaint("legacy-2009", .englandAndWales, "2027-12-22 09:00") == ("2027-12-29", "2028-01-10"))
        #expect(complaint("legacy-2009", .northernIreland, "2027-12-22 09:00") == ("2027-12-29", "2028-01-10"))
        #expect(complaint("legacy-2009", .scotland, "2027-12-22 09:00") == ("2027-12-29", "2028-01-11"))
        // Counting the day of receipt (a working day, before 17:00) as day 1.
        #expect(complaint("legacy-2009", .englandAndWales, "2027-12-22 09:00", counting: .sameDayBeforeCutoff).ack == "2027-12-24")
        // After the cut-off it counts from the next working day.
        #expect(complaint("legacy-2009", .englandAndWales, "2027-12-22 17:30", counting: .sameDayBeforeCutoff).ack == "2027-12-29")
    }

    @Test func northernIrelandTwelfth() {
        // Fri 9 Jul 2027 20:00; Mon 12 Jul is a holiday in Northern Ireland only.
        #expect(complaint("hos-2024", .northernIreland, "2027-07-09 20:00").ack == "2027-07-19")
        #expect(complaint("hos-2024", .englandAndWales, "2027-07-09 20:00").ack == "2027-07-16")
    }

    @Test func complimentsSuggestionsAndOtherKinds() {
        let c = calculator("hos-2024")
        let received = london("2024-12-23 11:00")  // Mon 23 Dec 2024
        let compliment = c.dueDates(kind: .compliment, received: received)
        #expect(day(c, compliment.acknowledgeBy) == "2024-12-30")  // Tue 24, Fri 27, Mon 30
        #expect(compliment.respondBy == nil)
        let suggestion = c.dueDates(kind: .suggestion, received: received)
        #expect(day(c, suggestion.respondBy) == "2025-01-09")  // 24, 27, 30, 31 Dec, 2, 3, 6, 7, 8, 9 Jan
        #expect(c.dueDates(kind: .serviceRequest, received: received).next == nil)
        #expect(c.dueDates(kind: .comment, received: received).basis == nil)
    }

    @Test func hazardClocksAndTheEndOfTheDay() {
        let c = calculator("hos-2024")
        let received = london("2026-05-08 16:45")  // Fri 8 May 2026, British Summer Time
        let emergency = c.dueDates(kind: .serviceRequest, hazard: (.emergency, "gas"), received: received)
        #expect(emergency.hazardClocks.first?.dueBy == received.addingTimeInterval(86_400))
        #expect(emergency.hazardClocks.first?.reason.contains("24 hours") == true)
        let significant = c.dueDates(kind: .serviceRequest, hazard: (.significant, "damp"), received: received)
        // 10 working days after Fri 8 May: 11-15, 18-22 -> Fri 22 May, ending 23:59:59 BST (22:59:59 UTC).
        #expect(day(c, significant.hazardClocks.first?.dueBy) == "2026-05-22")
        #expect(Timestamp.string(significant.hazardClocks.first!.dueBy) == "2026-05-22T22:59:59Z")
        #expect(significant.next == significant.hazardClocks.first?.dueBy)
        let basis = c.dueDates(kind: .complaint, received: received).basis ?? ""
        #expect(basis.contains("Housing Ombudsman Complaint Handling Code 2024") && basis.contains("England and Wales bank holidays"))
    }

    /// The London day, minute and end of day come from the offset and arithmetic; Foundation's
    /// calendar is the reference, every 20 minutes through the clock changes of 2025-2027 (and
    /// around 1970, before the epoch's first day) and every day of three years.
    @Test func londonDaysAgreeWithTheCalendarThroughTheClockChanges() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London")!
        let c = calculator("hos-2024")
        func check(_ date: Date) {
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            let (day, minutes) = c.londonDay(date)
            #expect(day.components == (parts.year!, parts.month!, parts.day!), "\(date)")
            #expect(minutes == parts.hour! * 60 + parts.minute!, "\(date)")
        }
        // The last Sundays of March and October (01:00 UTC), and a stretch across 1970-01-01.
        for change in ["2025-03-30", "2025-10-26", "2026-03-29", "2026-10-25", "2027-03-28", "2027-10-31", "1970-01-01"] {
            let middle = calendar.date(from: DateComponents(timeZone: TimeZone(identifier: "UTC"), year: Int(change.prefix(4)),
                                                            month: Int(change.dropFirst(5).prefix(2)), day: Int(change.suffix(2)), hour: 1))!
            for step in -150...150 { check(middle.addingTimeInterval(Double(step) * 1_200 + 7)) }
        }
        var day = CivilDay(2025, 1, 1)
        while day < CivilDay(2028, 1, 1) {
            let next = day.adding(days: 1).components
            let midnight = calendar.date(from: DateComponents(year: next.year, month: next.month, day: next.day))!
            #expect(c.endOfDay(day) == midnight.addingTimeInterval(-1), "\(day)")
            #expect(CivilDay(london: midnight.addingTimeInterval(-1)) == day)
            day = day.adding(days: 1)
        }
        // 23:59:59 BST is 22:59:59 UTC; 23:59:59 GMT is 23:59:59 UTC.
        #expect(Timestamp.string(c.endOfDay(CivilDay(2026, 3, 29))) == "2026-03-29T22:59:59Z")
        #expect(Timestamp.string(c.endOfDay(CivilDay(2026, 10, 25))) == "2026-10-25T23:59:59Z")
        #expect(Timestamp.string(c.endOfDay(CivilDay(2026, 10, 24))) == "2026-10-24T22:59:59Z")
    }
}
