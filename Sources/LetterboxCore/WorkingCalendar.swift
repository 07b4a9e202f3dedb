public import Foundation

/// A date in the civil calendar (no time, no zone), counted as days since 1970-01-01 so that
/// adding days and finding weekdays is arithmetic.
public struct CivilDay: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// Days since 1970-01-01.
    public let number: Int

    public init(number: Int) { self.number = number }

    /// From year, month (1-12) and day (1-31). (Howard Hinnant's days_from_civil.)
    public init(_ year: Int, _ month: Int, _ day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        number = era * 146_097 + doe - 719_468
    }

    /// The day an instant falls on in London.
    public init(london date: Date) {
        self = Self.inLondon(date).day
    }

    /// The day an instant falls on in London, and its minutes after midnight on the clock: the
    /// instant moved by London's offset from UTC then, and divided. (A calendar's date components
    /// gave the same at several times the cost, on every record's due dates.)
    public static func inLondon(_ date: Date) -> (day: CivilDay, minutes: Int) {
        let clock = date.timeIntervalSince1970 + Double(UKDateReader.london.secondsFromGMT(for: date))
        let seconds = Int(clock.rounded(.down))
        let (days, rest) = seconds.quotientAndRemainder(dividingBy: 86_400)
        return rest < 0 ? (CivilDay(number: days - 1), (rest + 86_400) / 60) : (CivilDay(number: days), rest / 60)
    }

    /// Reads `YYYY-MM-DD`.
    public init?(iso text: some StringProtocol) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        let day = CivilDay(y, m, d)
        guard day.components == (y, m, d) else { return nil }  // 31 February
        self = day
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = number + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public var year: Int { components.year }

    /// 1 Monday ... 7 Sunday (ISO 8601).
    public var weekday: Int { ((number % 7 + 7 + 3) % 7) + 1 }
    public var isWeekend: Bool { weekday >= 6 }

    public func adding(days: Int) -> CivilDay { CivilDay(number: number + days) }

    public var description: String {
        let (y, m, d) = components
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// "Mon 29 Dec 2025", for officers.
    public var longDescription: String {
        let (y, m, d) = components
        var text = Self.dayNames[weekday - 1]
        text.append(" ")
        text.append(String(d))
        text.append(" ")
        text.append(Self.monthNames[m - 1])
        text.append(" ")
        text.append(String(y))
        return text
    }

    private static let dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func < (a: CivilDay, b: CivilDay) -> Bool { a.number < b.number }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = CivilDay(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Not a YYYY-MM-DD date: \(text)"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The UK nations whose bank holidays differ.
public enum Nation: String, Codable, Sendable, CaseIterable {
    case englandAndWales = "england-and-wales"
    case scotland
    case northernIreland = "northern-ireland"
}

/// Bank holidays: the rules of the Banking and Financial Dealings Act 1971 and the St Andrew's
/// Day Bank Holiday (Scotland) Act 2007 (with the substitute-day pattern GOV.UK publishes),
/// computed for any year, then the one-off and moved days from a data file
/// (``BankHolidays/defaultChanges``, the same as GOV.UK's bank-holidays.json lists).
public struct BankHolidays: Sendable {
    /// A change to the rules' dates: a one-off holiday added, or a rule's day moved away.
    public struct Change: Sendable, Hashable {
        public var day: CivilDay
        public var add: Bool
        public var nations: Set<Nation>
        public var name: String
    }

    public var changes: [Change]

    public init(changes: [Change] = BankHolidays.defaultChanges) {
        self.changes = changes
    }

    /// The holidays of one year in one nation, with their names, in date order.
    public func holidays(year: Int, nation: Nation) -> [(day: CivilDay, name: String)] {
        var list = Self.ruleHolidays(year: year, nation: nation)
        for change in changes where change.day.year == year && change.nations.contains(nation) {
            if change.add {
                if !list.contains(where: { $0.day == change.day }) { list.append((change.day, change.name)) }
            } else {
                list.removeAll { $0.day == change.day }
            }
        }
        return list.sorted { $0.day < $1.day }
    }

    /// The dates the Acts' rules give, before one-off changes.
    public static func ruleHolidays(year: Int, nation: Nation) -> [(day: CivilDay, name: String)] {
        var taken: [(day: CivilDay, name: String)] = []
        // Fixed dates that move to the next free weekday when they fall at a weekend; each group
        // is placed together, so that 25 and 26 December both at a weekend become Mon and Tue.
        func placeFixed(_ group: [(CivilDay, String)]) {
            var pending: [(CivilDay, String)] = []
            for (day, name) in group {
                if day.isWeekend || taken.contains(where: { $0.day == day }) { pending.append((day, name)) } else { taken.append((day, name)) }
            }
            for (day, name) in pending {
                var candidate = day.adding(days: 1)
                while candidate.isWeekend || taken.contains(where: { $0.day == candidate }) { candidate = candidate.adding(days: 1) }
                taken.append((candidate, "\(name) (substitute day)"))
            }
        }
        func firstMonday(_ month: Int) -> CivilDay {
            let first = CivilDay(year, month, 1)
            return first.adding(days: (8 - first.weekday) % 7)
        }
        func lastMonday(_ month: Int) -> CivilDay {
            let last = CivilDay(year, month + 1, 1).adding(days: -1)
            return last.adding(days: -((last.weekday - 1) % 7))
        }
        let easter = Self.easterSunday(year)

        if nation == .scotland {
            placeFixed([(CivilDay(year, 1, 1), "New Year’s Day"), (CivilDay(year, 1, 2), "2nd January")])
        } else {
            placeFixed([(CivilDay(year, 1, 1), "New Year’s Day")])
        }
        if nation == .northernIreland { placeFixed([(CivilDay(year, 3, 17), "St Patrick’s Day")]) }
        taken.append((easter.adding(days: -2), "Good Friday"))
        if nation != .scotland { taken.append((easter.adding(days: 1), "Easter Monday")) }
        taken.append((firstMonday(5), "Early May bank holiday"))
        taken.append((lastMonday(5), "Spring bank holiday"))
        if nation == .northernIreland { placeFixed([(CivilDay(year, 7, 12), "Battle of the Boyne (Orangemen’s Day)")]) }
        if nation == .scotland {
            taken.append((firstMonday(8), "Summer bank holiday"))
            let andrew = CivilDay(year, 11, 30)
            // "if it is a Saturday or Sunday, the first Monday following"
            taken.append((andrew.isWeekend ? andrew.adding(days: 8 - andrew.weekday) : andrew, andrew.isWeekend ? "St Andrew’s Day (substitute day)" : "St Andrew’s Day"))
        } else {
            taken.append((lastMonday(8), "Summer bank holiday"))
        }
        placeFixed([(CivilDay(year, 12, 25), "Christmas Day"), (CivilDay(year, 12, 26), "Boxing Day")])
        return taken.sorted { $0.day < $1.day }
    }

    /// Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm).
    public static func easterSunday(_ year: Int) -> CivilDay {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CivilDay(year, month, day)
    }

    /// Reads the changes file format: one change per line, `YYYY-MM-DD add|remove NATIONS NAME`,
    /// where NATIONS is `all` or a comma-separated list of england-and-wales, scotland,
    /// northern-ireland; `#` starts a comment.
    public static func parseChanges(_ text: String) throws(ChangesError) -> [Change] {
        var changes: [Change] = []
        // Split by bytes (every separator here is ASCII, so each piece is whole characters): by
        // characters this was most of the work of reading the built-in file, which every process
        // that gives due dates does as it starts. A line may end in CR.
        for (index, bytes) in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let rawLine = Substring(bytes.last == 0x0D ? bytes.dropLast() : bytes)
            let line = rawLine.utf8.firstIndex(of: 0x23).map { Substring(rawLine.utf8[..<$0]) } ?? rawLine
            let fields = line.utf8.split(separator: 0x20, maxSplits: 3, omittingEmptySubsequences: true).map { Substring($0) }
            if fields.isEmpty { continue }
            guard fields.count >= 3, let day = CivilDay(iso: fields[0]), fields[1] == "add" || fields[1] == "remove" else {
                throw ChangesError(line: index + 1, text: String(rawLine))
            }
            var nations = Set<Nation>()
            for name in fields[2].split(separator: ",") {
                if name == "all" { nations.formUnion(Nation.allCases) } else if let nation = Nation(rawValue: String(name)) { nations.insert(nation) } else {
                    throw ChangesError(line: index + 1, text: String(rawLine))
                }
            }
            let name = fields.count > 3 ? fields[3].trimmingWhitespace() : "Bank holiday"
            changes.append(Change(day: day, add: fields[1] == "add", nations: nations, name: name))
        }
        return changes
    }

    public struct ChangesError: Error, CustomStringConvertible {
        public var line: Int
        public var text: String
        public var description: String {
            "Line \(line) of the bank holiday changes is not `YYYY-MM-DD add|remove NATIONS NAME`: \(text)"
        }
    }

    /// The one-off and moved bank holidays since 1995, from `bank-holiday-changes.txt` (built
    /// into the program; a landlord can add lines with `calendar.holidayChangesFile`).
    public static let defaultChanges: [Change] = {
        // The file is embedded by SwiftPM; its format is checked by the tests.
        (try? parseChanges(String(decoding: PackageResources.bank_holiday_changes_txt, as: UTF8.self))) ?? []
    }()
}

/// Working days: Monday to Friday, except the nation's bank holidays and the organisation's own
/// closure days.
public struct WorkingCalendar: Sendable {
    public var nation: Nation
    public var holidays: BankHolidays
    public var closureDays: Set<CivilDay>
    private var cache: [Int: Set<CivilDay>] = [:]

    public init(nation: Nation = .englandAndWales, holidays: BankHolidays = BankHolidays(), closureDays: Set<CivilDay> = []) {
        self.nation = nation
        self.holidays = holidays
        self.closureDays = closureDays
        for year in 2015...2040 { cache[year] = Set(holidays.holidays(year: year, nation: nation).map(\.day)) }
    }

    public func isHoliday(_ day: CivilDay) -> Bool {
        let year = day.year
        if let set = cache[year] { return set.contains(day) }
        return holidays.holidays(year: year, nation: nation).contains { $0.day == day }
    }

    public func isWorkingDay(_ day: CivilDay) -> Bool {
        !day.isWeekend && !isHoliday(day) && !closureDays.contains(day)
    }

    /// The `count`-th working day after `day` (day itself not counted): with `count` 0, `day`
    /// itself if it is a working day, else the next working day.
    public func workingDay(_ count: Int, after day: CivilDay) -> CivilDay {
        var current = day
        if count == 0 {
            while !isWorkingDay(current) { current = current.adding(days: 1) }
            return current
        }
        var left = count
        while left > 0 {
            current = current.adding(days: 1)
            if isWorkingDay(current) { left -= 1 }
        }
        return current
    }
}
