public import Foundation

/// How long the landlord has to acknowledge and answer each kind of feedback, in working days,
/// and the Awaab's Law hazard clocks. Named presets follow the codes in docs/domain.md 1.7;
/// every value can be overridden in the config (`timescales.*`).
public struct TimescalePolicy: Sendable, Hashable {
    /// One stage's clock: acknowledge within `acknowledge` working days of receipt; respond
    /// within `respond` working days of the acknowledgement (when `respondFromAcknowledgement`)
    /// or of receipt.
    public struct Stage: Sendable, Hashable {
        public var acknowledge: Int?
        public var respond: Int?
        public var respondFromAcknowledgement: Bool

        public init(acknowledge: Int?, respond: Int?, respondFromAcknowledgement: Bool) {
            self.acknowledge = acknowledge
            self.respond = respond
            self.respondFromAcknowledgement = respondFromAcknowledgement
        }
    }

    /// How the first working day is counted.
    public enum Counting: String, Sendable, Hashable, CaseIterable {
        /// Day 1 is the first working day after the day the contact arrived (whatever the time).
        case nextWorkingDay = "next-working-day"
        /// The day of arrival is day 1 when it is a working day and the contact arrived before
        /// the cut-off time; otherwise as next-working-day.
        case sameDayBeforeCutoff = "same-day-before-cutoff"
    }

    public var preset: String
    /// Words for the basis line: "Housing Ombudsman Complaint Handling Code 2024".
    public var title: String
    public var stage1: Stage
    public var stage2: Stage
    /// Compliments: acknowledge within (older policies: 3 working days).
    public var complimentAcknowledge: Int?
    /// Suggestions: answer within (older policies: 10 working days).
    public var suggestionRespond: Int?
    /// Awaab's Law: an emergency hazard is investigated and made safe within this many hours.
    public var emergencyHazardHours: Int
    /// Awaab's Law: a significant hazard is investigated within this many working days.
    public var significantHazardDays: Int
    public var counting: Counting
    /// Minutes after midnight (Europe/London) after which a contact counts as arriving the next
    /// working day, for `same-day-before-cutoff`.
    public var cutoffMinutes: Int

    public static let presetNames = ["hos-2024", "hos-2022", "spso", "legacy-2009"]

    /// A named preset; nil for an unknown name.
    public static func preset(_ name: String) -> TimescalePolicy? {
        var policy = TimescalePolicy(
            preset: name, title: "",
            stage1: Stage(acknowledge: 5, respond: 10, respondFromAcknowledgement: true),
            stage2: Stage(acknowledge: 5, respond: 20, respondFromAcknowledgement: true),
            complimentAcknowledge: 3, suggestionRespond: 10,
            emergencyHazardHours: 24, significantHazardDays: 10,
            counting: .nextWorkingDay, cutoffMinutes: 17 * 60
        )
        switch name {
        case "hos-2024":
            policy.title = "Housing Ombudsman Complaint Handling Code 2024"
        case "hos-2022":
            policy.title = "Housing Ombudsman Complaint Handling Code 2022"
            policy.stage1 = Stage(acknowledge: 5, respond: 10, respondFromAcknowledgement: false)
            policy.stage2 = Stage(acknowledge: nil, respond: 20, respondFromAcknowledgement: false)
        case "spso":
            policy.title = "SPSO Model Complaints Handling Procedure"
            policy.stage1 = Stage(acknowledge: nil, respond: 5, respondFromAcknowledgement: false)
            policy.stage2 = Stage(acknowledge: 3, respond: 20, respondFromAcknowledgement: false)
        case "legacy-2009":
            policy.title = "the landlord's 2009 complaints policy"
            policy.stage1 = Stage(acknowledge: 3, respond: 10, respondFromAcknowledgement: false)
            policy.stage2 = Stage(acknowledge: 3, respond: 15, respondFromAcknowledgement: false)
        default:
            return nil
        }
        return policy
    }

    public static let hos2024 = preset("hos-2024")!
}

/// An Awaab's Law clock on a record: when the hazard must be dealt with by.
public struct HazardClock: Codable, Hashable, Sendable {
    public struct Kind: RawRepresentable, Codable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Investigate and make safe within 24 hours.
        public static let emergency = Kind(rawValue: "emergency")
        /// Investigate within 10 working days.
        public static let significant = Kind(rawValue: "significant")
    }

    public var kind: Kind
    public var dueBy: Date
    public var reason: String

    public init(kind: Kind, dueBy: Date, reason: String) {
        self.kind = kind
        self.dueBy = dueBy
        self.reason = reason
    }
}

/// The due dates of one record, and the rule that gave them in words.
public struct DueDates: Codable, Hashable, Sendable {
    public var acknowledgeBy: Date?
    public var respondBy: Date?
    public var hazardClocks: [HazardClock]
    public var basis: String?

    public init(acknowledgeBy: Date? = nil, respondBy: Date? = nil, hazardClocks: [HazardClock] = [], basis: String? = nil) {
        self.acknowledgeBy = acknowledgeBy
        self.respondBy = respondBy
        self.hazardClocks = hazardClocks
        self.basis = basis
    }

    /// The earliest of all the dates.
    public var next: Date? { ([acknowledgeBy, respondBy] + hazardClocks.map(\.dueBy)).compactMap { $0 }.min() }
}

/// Works out due dates in Europe/London from a policy and a working-day calendar.
public struct DueDateCalculator: Sendable {
    public var policy: TimescalePolicy
    public var calendar: WorkingCalendar

    public init(policy: TimescalePolicy = .hos2024, calendar: WorkingCalendar = WorkingCalendar()) {
        self.policy = policy
        self.calendar = calendar
    }

    /// The London calendar day of an instant, and its minutes after midnight.
    public func londonDay(_ date: Date) -> (day: CivilDay, minutes: Int) {
        CivilDay.inLondon(date)
    }

    /// The last second of a London day: a due date is met if done by the end of that day.
    public func endOfDay(_ day: CivilDay) -> Date {
        // The next day's midnight on the clock, less London's offset from UTC then. The clocks
        // change at 01:00 UTC, never at midnight, so the offset an hour either side of it is the
        // offset at it; the second look settles a zone that changed between the two.
        let zone = UKDateReader.london
        let clock = Double(day.number + 1) * 86_400
        var midnight = clock - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: clock)))
        midnight = clock - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: midnight)))
        return Date(timeIntervalSince1970: midnight - 1)
    }

    /// The day that is working day `count` counted from a receipt at `received`.
    public func due(_ count: Int, fromReceipt received: Date) -> CivilDay {
        due(count, arrived: londonDay(received))
    }

    /// ``due(_:fromReceipt:)`` from the London day and minute of the receipt.
    func due(_ count: Int, arrived: (day: CivilDay, minutes: Int)) -> CivilDay {
        let (day, minutes) = arrived
        switch policy.counting {
        case .nextWorkingDay:
            return calendar.workingDay(count, after: day)
        case .sameDayBeforeCutoff:
            if calendar.isWorkingDay(day), minutes < policy.cutoffMinutes {
                return calendar.workingDay(max(0, count - 1), after: day)
            }
            return calendar.workingDay(count, after: day)
        }
    }

    /// Due dates for a record of `kind` received at `received`.
    /// - Parameters:
    ///   - stage: 2 for an escalation of a complaint, else 1.
    ///   - hazard: the Awaab's Law clock the triage asked for, with its reason.
    public func dueDates(
        kind: FeedbackRecord.Kind?,
        stage: Int = 1,
        hazard: (kind: HazardClock.Kind, reason: String)? = nil,
        received: Date
    ) -> DueDates {
        var dates = DueDates()
        let nation: String
        switch calendar.nation {
        case .englandAndWales: nation = "England and Wales"
        case .scotland: nation = "Scotland"
        case .northernIreland: nation = "Northern Ireland"
        }
        let arrival = londonDay(received)
        let arrived = arrival.day
        var parts: [String] = []
        switch kind {
        case .complaint?:
            let rule = stage == 2 ? policy.stage2 : policy.stage1
            var ackDay: CivilDay?
            if let days = rule.acknowledge {
                let day = due(days, arrived: arrival)
                ackDay = day
                dates.acknowledgeBy = endOfDay(day)
                parts.append("acknowledge within \(days) working days of receipt (by \(day.longDescription))")
            }
            if let days = rule.respond {
                if rule.respondFromAcknowledgement, let ackDay {
                    let day = calendar.workingDay(days, after: ackDay)
                    dates.respondBy = endOfDay(day)
                    parts.append("respond within \(days) working days of the acknowledgement (by \(day.longDescription) if acknowledged on its last day)")
                } else {
                    let day = due(days, arrived: arrival)
                    dates.respondBy = endOfDay(day)
                    parts.append("respond within \(days) working days of receipt (by \(day.longDescription))")
                }
            }
            if !parts.isEmpty { parts[0] = "Stage \(stage) complaint under the \(policy.title): " + parts[0] }
        case .compliment?:
            if let days = policy.complimentAcknowledge {
                let day = due(days, arrived: arrival)
                dates.acknowledgeBy = endOfDay(day)
                parts.append("Compliment: acknowledge within \(days) working days (by \(day.longDescription))")
            }
        case .suggestion?:
            if let days = policy.suggestionRespond {
                let day = due(days, arrived: arrival)
                dates.respondBy = endOfDay(day)
                parts.append("Suggestion: answer within \(days) working days (by \(day.longDescription))")
            }
        default:
            break
        }
        if let hazard {
            switch hazard.kind {
            case .emergency:
                let by = received.addingTimeInterval(Double(policy.emergencyHazardHours) * 3600)
                dates.hazardClocks.append(HazardClock(kind: .emergency, dueBy: by, reason: "Awaab’s Law emergency hazard: investigate and make safe within \(policy.emergencyHazardHours) hours of becoming aware. \(hazard.reason)"))
                parts.append("emergency hazard: within \(policy.emergencyHazardHours) hours of arrival")
            default:
                let day = due(policy.significantHazardDays, arrived: arrival)
                dates.hazardClocks.append(HazardClock(kind: hazard.kind, dueBy: endOfDay(day), reason: "Awaab’s Law significant hazard: investigate within \(policy.significantHazardDays) working days of becoming aware (by \(day.longDescription)). \(hazard.reason)"))
                parts.append("significant hazard: investigate within \(policy.significantHazardDays) working days (by \(day.longDescription))")
            }
        }
        if !parts.isEmpty {
            let counting = policy.counting == .nextWorkingDay
                ? "day 1 is the first working day after the day it arrived"
                : "the day it arrived is day 1 if it is a working day and it arrived before \(String(format: "%02d:%02d", policy.cutoffMinutes / 60, policy.cutoffMinutes % 60))"
            dates.basis = parts.joined(separator: "; ") + ". Received \(arrived.longDescription); working days exclude weekends, \(nation) bank holidays"
                + (calendar.closureDays.isEmpty ? "" : " and the organisation's closure days") + "; \(counting)."
        }
        return dates
    }
}
