public import LetterboxCore

/// How the store recognises contacts, duplicates, repeats, related reports and unreasonably
/// persistent contact. Every number is configurable (README, "Configuration", `contacts.*`,
/// `dedup.*`, `persistence.*`); the defaults are the ones the issue and the landlords' policies use.
public struct LinkingPolicy: Sendable {
    /// The same text from the same contact within this many days is a `duplicate_of` the first.
    public var duplicateWindowDays: Int
    /// Similar wording from the same contact within this many days of an open case's record is a
    /// `repeat_of` that case; from someone else at the same postcode or building, `related`.
    public var repeatWindowDays: Int
    /// The Jaccard index of word pairs at or above which two texts are the same matter.
    public var repeatThreshold: Double
    /// The Jaccard index at or above which two people's texts are near-identical (`related`).
    public var relatedThreshold: Double
    /// The same contact's shorter text this much (a share of its word pairs) inside a longer one
    /// is the same matter: a text message that repeats the gist of that morning's email, a
    /// councillor's letter quoting the tenant. The shorter text needs at least 4 word pairs
    /// within a day of the other, 8 beyond.
    public var containmentThreshold: Double
    /// A reworded text from the same contact is the same matter as a record of one of their open
    /// cases when this share of the shorter text's content words (lightly stemmed, without
    /// function words) are in the other, at least ``rewordMinimumShared`` of them, and the two
    /// were not read as being about different service areas.
    public var rewordThreshold: Double
    public var rewordMinimumShared: Int
    /// Rules for `persistent_contact`.
    public var persistence: [PersistenceRule]
    /// Words and phrases for `abusive_language`, lower-case.
    public var abusiveTerms: [String]
    /// Words and phrases that make a report an emergency or a health-and-safety matter, to which
    /// contact arrangements never apply.
    public var emergencyTerms: [String]
    /// The landlord's tenancy-reference format; nil accepts any.
    public var tenancyPattern: TenancyPattern?

    public init(
        duplicateWindowDays: Int = 7,
        repeatWindowDays: Int = 30,
        repeatThreshold: Double = 0.6,
        relatedThreshold: Double = 0.6,
        containmentThreshold: Double = 0.6,
        rewordThreshold: Double = 0.7,
        rewordMinimumShared: Int = 3,
        persistence: [PersistenceRule] = PersistenceRule.defaults,
        abusiveTerms: [String] = LinkingPolicy.defaultAbusiveTerms,
        emergencyTerms: [String] = LinkingPolicy.defaultEmergencyTerms,
        tenancyPattern: TenancyPattern? = nil
    ) {
        self.duplicateWindowDays = duplicateWindowDays
        self.repeatWindowDays = repeatWindowDays
        self.repeatThreshold = repeatThreshold
        self.relatedThreshold = relatedThreshold
        self.containmentThreshold = containmentThreshold
        self.rewordThreshold = rewordThreshold
        self.rewordMinimumShared = rewordMinimumShared
        self.persistence = persistence
        self.abusiveTerms = abusiveTerms
        self.emergencyTerms = emergencyTerms
        self.tenancyPattern = tenancyPattern
    }

    /// Whether two texts from the same contact, `seconds` apart, are the same matter; and how.
    func sameMatter(_ a: TextFingerprint, _ b: TextFingerprint, seconds: Int64) -> (similarity: Double, how: String)? {
        let jaccard = a.jaccard(b)
        if jaccard >= repeatThreshold { return (jaccard, "their wording is \(LinkingRules.percent(jaccard)) the same") }
        let shorter = min(a.shingles.count, b.shingles.count)
        guard shorter >= (seconds <= Linking.day ? 4 : 8) else { return nil }
        let contained = a.containment(b)
        guard contained >= containmentThreshold else { return nil }
        return (jaccard, "\(LinkingRules.percent(contained)) of the shorter text's wording is in the other")
    }

    /// Whether a reworded text is the same matter as one of the same contact's open-case records
    /// (the word pairs having failed): the share of content words, and how, in words.
    func sameMatterReworded(_ a: ContentWords, _ areaA: String?, _ b: ContentWords, _ areaB: String?) -> (share: Double, how: String)? {
        guard rewordThreshold <= 1, !a.hashes.isEmpty, !b.hashes.isEmpty else { return nil }
        let shared = a.shared(with: b)
        let share = Double(shared.count) / Double(min(a.hashes.count, b.hashes.count))
        guard shared.count >= rewordMinimumShared, share >= rewordThreshold else { return nil }
        if let areaA, let areaB, areaA != areaB, areaA != "other", areaB != "other" {
            // Triage read them as about different areas: the same matter only if the areas are
            // neighbours (a light on the stairs is repairs to one reading and estate services to
            // another) and nearly all the shorter text's content words are in the other.
            guard Self.neighbouringAreas.contains([areaA, areaB]), share >= Self.rewordAcrossAreasThreshold else { return nil }
        }
        let words = shared.prefix(5).map { "“\($0)”" }.joined(separator: ", ")
        return (share, "reworded, but \(LinkingRules.percent(share)) of the shorter text's content words are in the other (\(words))"
            + (areaA != nil && areaA == areaB ? ", both about \(areaA!.split(separator: "_").joined(separator: " "))" : ""))
    }

    /// The share of content words a rewording needs across two neighbouring areas (within one
    /// area, ``rewordThreshold``).
    static let rewordAcrossAreasThreshold = 0.85

    /// Service areas that triage reads one matter as, in turn: the fabric of a home and its
    /// block, and what residents pay for it.
    static let neighbouringAreas: Set<Set<String>> = [
        ["repairs", "estate_services"], ["repairs", "damp_and_mould"], ["repairs", "building_safety"],
        ["estate_services", "building_safety"], ["estate_services", "rent_and_charges"], ["leasehold", "rent_and_charges"],
    ]

    /// How far back (and forward, for imports out of order) the wording lookup reaches.
    var lookupDays: Int {
        max(repeatWindowDays, duplicateWindowDays, persistence.filter { $0.scope == .afterClosed }.map(\.days).max() ?? 0)
    }

    /// A short list: slurs and threats a landlord would want staff warned of. Landlords replace
    /// it with their own (`persistence.abusiveTermsFile`). Matched as whole words.
    public static let defaultAbusiveTerms = [
        "fuck", "fucking", "fucked", "fucker", "motherfucker", "cunt", "cunts", "wanker", "wankers", "bastard",
        "bastards", "bitch", "shit", "shitty", "bullshit", "twat", "dickhead", "prick", "arsehole", "asshole",
        "scum", "scumbag", "scumbags", "retard", "retarded", "slag", "piss off",
        "kill you", "i will kill", "going to kill", "burn your office", "smash your", "hurt you", "you will regret",
        "find where you live", "know where you live", "i will find you",
    ]

    /// Emergencies and health and safety (Awaab's Law and the landlords' emergency repair lists).
    public static let defaultEmergencyTerms = [
        "gas", "carbon monoxide", "co alarm", "fumes", "fire", "smoke", "burning smell", "sparking", "sparks",
        "electric shock", "exposed wires", "live wires", "electrics", "fuse box", "flood", "flooding", "flooded",
        "burst pipe", "water coming through", "water pouring", "ceiling collapse", "ceiling has collapsed",
        "collapsed", "structural", "unsafe", "dangerous", "danger", "no heating", "no heat", "no hot water",
        "no water", "no electricity", "no power", "asbestos", "injured", "injury", "broken window", "door will not lock",
        "cannot lock", "can't lock", "break in", "broken into", "mould", "damp", "sewage", "lift stuck",
        "trapped", "emergency", "urgent", "ambulance", "hospital", "suicide", "self harm",
    ]
}

/// A rule for unreasonably persistent contact: `count` or more contacts within `days`.
public struct PersistenceRule: Sendable, Hashable {
    public enum Scope: String, Sendable, Hashable {
        /// Contacts about the same case.
        case sameCase = "same_case"
        /// Contacts from the same person, about anything.
        case allContacts = "all_contacts"
        /// The same matter again after its case was closed (count is ignored; days is how long after).
        case afterClosed = "after_closed"
    }

    public var scope: Scope
    public var count: Int
    public var days: Int

    public init(scope: Scope, count: Int, days: Int) {
        self.scope = scope
        self.count = count
        self.days = days
    }

    public static let defaults = [
        PersistenceRule(scope: .sameCase, count: 5, days: 7),
        PersistenceRule(scope: .allContacts, count: 20, days: 30),
        PersistenceRule(scope: .afterClosed, count: 1, days: 90),
    ]

    /// The rule in words, for a flag's reason.
    public var summary: String {
        switch scope {
        case .sameCase: return "\(count) or more contacts about the same case within \(days) days"
        case .allContacts: return "\(count) or more contacts within \(days) days"
        case .afterClosed: return "the same matter raised again within \(days) days of its case being closed"
        }
    }
}

extension PhraseMatcher where Tag == String {
    /// A configured term list, each term tagged with its words as matched (`can't lock` is
    /// `cant lock`), so a reason quotes what was found.
    package init(terms: [String]) {
        self.init(terms.compactMap { term in
            let words = TextFingerprint.words(term)
            return words.isEmpty ? nil : (words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " "), [term])
        })
    }
}
