/// How to reach the person the feedback is from, as the submission gives it.
///
/// Identifiers are normalised (email lower-cased, phone in E.164 with the raw form kept,
/// postcode upper-cased with one space); anything that could not be normalised is kept as
/// typed and flagged on the record.
public struct ContactDetails: Hashable, Codable, Sendable {
    public var name: String?
    public var email: String?
    public var phone: PhoneNumber?
    public var address: String?
    public var postcode: String?
    public var tenancyRef: String?

    public init(
        name: String? = nil,
        email: String? = nil,
        phone: PhoneNumber? = nil,
        address: String? = nil,
        postcode: String? = nil,
        tenancyRef: String? = nil
    ) {
        self.name = name
        self.email = email
        self.phone = phone
        self.address = address
        self.postcode = postcode
        self.tenancyRef = tenancyRef
    }

    /// True when there is nothing at all to identify or reach the person.
    public var isEmpty: Bool {
        name == nil && email == nil && phone == nil && address == nil && postcode == nil && tenancyRef == nil
    }
}

/// Someone acting for the customer: a councillor, an MP, a relative, an advocate.
public struct Representative: Hashable, Codable, Sendable {
    /// The kind of representative. An open set like ``Channel``.
    public struct Role: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let councillor = Role(rawValue: "councillor")
        public static let mp = Role(rawValue: "mp")
        public static let relative = Role(rawValue: "relative")
        public static let advocate = Role(rawValue: "advocate")
        public static let solicitor = Role(rawValue: "solicitor")
        public static let citizensAdvice = Role(rawValue: "citizens_advice")
        public static let friend = Role(rawValue: "friend")
        public static let other = Role(rawValue: "other")


        /// Reads a free-text relationship ("his daughter", "Cllr", "support worker") as a role.
        /// Of several role words, the first role in this order wins: councillor, MP ("MP", or
        /// "member" and "parliament"), solicitor, Citizens Advice, advocate, relative, friend.
        public static func reading(_ relationship: String) -> Role {
            let lowered = relationship.lowercased()
            // Almost every name and relationship is ASCII: its words are runs of letters, found
            // in the bytes without breaking the text into Characters.
            let words: [Substring] = lowered.utf8.allSatisfy({ $0 < 0x80 })
                ? lowered.utf8.split(whereSeparator: { $0 < 0x61 || $0 > 0x7A }).map { Substring($0) }
                : lowered.split(whereSeparator: { !$0.isLetter })
            var best = words.compactMap { rankOfWord[$0] }.min() ?? rankedRoles.count
            if words.contains("member") && words.contains("parliament") { best = Swift.min(best, 1) }
            return best < rankedRoles.count ? rankedRoles[best] : .other
        }

        /// The roles in the order they win, and each role word's place in it.
        private static let rankedRoles: [Role] = [.councillor, .mp, .solicitor, .citizensAdvice, .advocate, .relative, .friend]
        private static let rankOfWord: [Substring: Int] = {
            let words: [[String]] = [
                ["councillor", "cllr", "councilor", "alderman"],
                ["mp"],
                ["solicitor", "lawyer", "barrister", "legal"],
                ["citizens", "cab", "citizen"],
                ["advocate", "advocacy", "worker", "carer", "caseworker", "social", "keyworker", "support"],
                [
                    "daughter", "son", "mother", "father", "mum", "mom", "dad", "wife", "husband", "partner",
                    "sister", "brother", "aunt", "uncle", "niece", "nephew", "grandson", "granddaughter",
                    "grandmother", "grandfather", "gran", "grandma", "grandad", "cousin", "relative", "family",
                    "stepson", "stepdaughter", "parent", "child", "spouse", "sibling", "inlaw", "law",
                ],
                ["friend", "neighbour", "neighbor"],
            ]
            var table: [Substring: Int] = [:]
            for (rank, list) in words.enumerated() {
                for word in list { table[Substring(word)] = rank }
            }
            return table
        }()
    }

    public var name: String?
    public var role: Role
    /// The relationship as the submission words it ("daughter", "ward councillor").
    public var relationship: String?
    /// Whether the submission states that the customer agreed to being represented.
    public var consentStated: Bool
    public var email: String?
    public var phone: PhoneNumber?

    public init(
        name: String?,
        role: Role,
        relationship: String? = nil,
        consentStated: Bool,
        email: String? = nil,
        phone: PhoneNumber? = nil
    ) {
        self.name = name
        self.role = role
        self.relationship = relationship
        self.consentStated = consentStated
        self.email = email
        self.phone = phone
    }
}

/// A phone number as typed, and in E.164 form where it could be read.
public struct PhoneNumber: Hashable, Codable, Sendable {
    /// `+447700900123`, or nil when the raw text is not a number Letterbox can read.
    public var e164: String?
    /// Exactly as the submission gave it.
    public var raw: String

    public init(e164: String?, raw: String) {
        self.e164 = e164
        self.raw = raw
    }
}
