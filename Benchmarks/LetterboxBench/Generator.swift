import Foundation
import LetterboxCore
import LetterboxSMS
import LetterboxWebForm

/// A deterministic generator of realistic submissions on all four channels, with the truth
/// about each one: which person sent it, which matter it is about, and whether it is the first
/// contact about that matter, an exact duplicate, or a reworded repeat.
///
/// People live in blocks (shared postcodes and building names), write about matters drawn from
/// topic templates with specific details (so two matters on one topic differ), and come back:
/// the same text again (a duplicate), a rewording (a repeat: sentences dropped, added, reordered,
/// shortened for a text message, typos), sometimes after the window has passed. Neighbours report
/// the same communal fault in near-identical words. Everything follows from the seed.
struct Generator {
    struct Person {
        var name: String
        var email: String
        var phone: String
        var tenancy: String
        var flat: Int
        var block: Int
    }

    enum Label: String {
        case first, duplicate, `repeat`
        /// A repeat in other words: synonyms, clauses reordered, an email cut down to a text.
        case reworded
    }

    struct Item {
        var submission: RawSubmission
        var person: Int
        var matter: Int
        /// What the contact is, by the spec's windows: the first about its matter (or the first
        /// after the window passed), the same text within 7 days, or a rewording within 30 days.
        var label: Label
        /// The item this one repeats or duplicates (for duplicates: the first with that text).
        var of: Int?
        var at: Date
    }

    var rng: SplitMix
    /// The reworded repeats draw from their own stream, so that adding them leaves every other
    /// item of a seed's set as it was.
    var rewordRng: SplitMix
    var start: Date
    var people: [Person] = []
    var nextPerson = 0
    /// The topics each person has written about. A person's second matter is on another topic:
    /// two "different" matters with the same opening about the same block from the same person
    /// ("The green space near Elm Court 2 is overgrown") are one matter to any reader, and
    /// counting the link between them as wrong measured the generator, not the linking.
    var topicsOf: [Int: Set<Int>] = [:]
    /// Blocks of flats: 200, or one per 50 people in a larger population (about a tower
    /// block's worth of households to a postcode), each with its own postcode.
    let blocks: [(name: String, street: String, postcode: String)]

    static func blocks(count: Int) -> [(name: String, street: String, postcode: String)] {
        let names = ["Beech House", "Rose Court", "Elm Court", "Oak Tower", "Willow House", "Cedar Court", "Ash Grove", "Birch House",
                     "Maple Court", "Hazel Tower", "Poplar House", "Rowan Court", "Alder House", "Larch Court", "Holly Tower", "Ivy House",
                     "Juniper Court", "Laurel House", "Myrtle Court", "Pine Tower"]
        let streets = ["Mill Lane", "Station Road", "Church Street", "Park View", "Victoria Road", "High Street", "Green Lane", "Queens Road"]
        let areas = ["LS6", "LS7", "LS8", "LS11", "BD3", "BD7", "HX1", "WF1", "S2", "M13"]
        let letters = Array("BDFGJPUZ")
        return (0..<count).map { index in
            // The first 200 as they always were (the evaluation's figures depend on them); more
            // from letter pairs the first 200 never use, so no two blocks share a postcode.
            let k = index - 200
            let postcode = index < 200
                ? "\(areas[index % areas.count]) \(1 + index % 9)\(["AB", "QT", "XR", "LN", "HD", "EW"][index % 6])"
                : "\(areas[k % areas.count]) \((k / 10) % 10)\(letters[(k / 100) % 8])\(letters[(k / 800) % 8])"
            return (names[index % names.count] + (index >= names.count ? " \(index / names.count + 1)" : ""),
             streets[index % streets.count], postcode)
        }
    }

    init(seed: UInt64, people count: Int, start: Date) {
        rng = SplitMix(seed)
        rewordRng = SplitMix(seed ^ 0x5245_574F_5244)
        self.start = start
        blocks = Self.blocks(count: max(200, count / 50))
        let first = ["Sandra", "Daniel", "Joan", "Tomasz", "Amira", "Hamza", "Grace", "Peter", "Zoë", "Gwenllian", "Kwame", "Rachel",
                     "Farida", "Anna", "Mohammed", "Siobhan", "Oluwaseun", "Priya", "Liam", "Agnieszka", "Callum", "Ayesha", "Dorothy", "Tariq"]
        let last = ["Okafor", "Price", "Whitaker", "Nowak", "Haddad", "Ali", "Adeyemi", "Lindqvist", "Bronte", "Prys", "Mensah", "Green",
                    "Begum", "Kowalska", "Khan", "O'Neill", "Adebayo", "Patel", "Murphy", "Wisniewska", "Fraser", "Hussain", "Taylor", "Iqbal"]
        for index in 0..<count {
            let name = "\(first[index % first.count]) \(last[(index / first.count + index) % last.count])"
            let block = rng.int(blocks.count)
            people.append(Person(
                name: name,
                email: "\(name.lowercased().replacingOccurrences(of: " ", with: ".").replacingOccurrences(of: "'", with: "").replacingOccurrences(of: "ë", with: "e"))\(index)@mail.example",
                phone: String(format: "077009%05d", index % 100_000) + (index >= 100_000 ? "" : ""),
                tenancy: "T-\(String(format: "%06d", 100_000 + index))",
                flat: 1 + rng.int(80),
                block: block
            ))
        }
    }

    // MARK: Texts

    /// A matter: a topic with its specific details, written as sentences.
    struct Matter {
        var topic: Int
        var sentences: [String]
        var communal: Bool
    }

    static let topics: [(opening: [String], details: [String], communal: Bool)] = [
        (["The {room} tap has been leaking since {when}.", "Water is dripping from the {room} tap and has been since {when}."],
         ["It is getting into the cupboard underneath.", "The chipboard base has swollen.", "I have put a bucket under it.", "A plumber was booked for {day} but nobody came."], false),
        (["There is black mould on the {room} wall.", "Mould has come back in the {room} again."],
         ["My {who} sleeps in that room.", "It smells damp all the time.", "The window frames are wet every morning.", "It was painted over in {when} and came straight back."], false),
        (["The lift in {block} has been broken since {day}.", "The lift at {block} is out of order again."],
         ["I live on the {floor} floor and cannot carry my shopping up.", "My neighbour uses a wheelchair and is stuck inside.", "Nobody has put a notice up.", "This is the third time this month."], true),
        (["Nobody came to fix my boiler on {day}.", "My boiler has stopped working and there is no hot water."],
         ["I waited in all day.", "I have a {who} at home.", "Nobody rang to say why.", "I had to take time off work for nothing."], false),
        (["The communal bins at {block} have not been emptied for {count} weeks.", "Rubbish is piling up by the bin store at {block}."],
         ["There are rats now.", "The smell is awful in the stairwell.", "Fly tipping is getting worse.", "Children play near there."], true),
        (["My service charge has gone up by {count} pounds a month.", "I do not understand the new service charge for {block}."],
         ["The cleaning it pays for does not happen.", "Nobody explained the increase.", "I want a breakdown of the costs.", "I cannot afford it on my pension."], false),
        (["The front door lock on my flat is broken.", "My front door will not lock properly since {when}."],
         ["I do not feel safe at night.", "I reported it on {day}.", "The repairs line keeps me on hold for an hour.", "I was told someone would come within 24 hours."], false),
        (["My neighbour plays loud music every night until {hour}.", "There is constant noise from the flat above mine."],
         ["I have reported it {count} times.", "I cannot sleep and have work in the morning.", "Nothing has been done.", "I kept a diary of the dates."], false),
        (["I want to thank {staff} for fixing my {room} window so quickly.", "{staff} was really helpful when I rang about my {room}."],
         ["Please pass on my thanks.", "It made a real difference to my {who}.", "Excellent service for once.", "They explained everything clearly."], false),
        (["The stairwell lights at {block} have been out since {day}.", "It is pitch black on the stairs at {block} at night."],
         ["Someone will fall.", "Older residents are scared to go out.", "I have reported it twice already.", "The bulbs just need changing."], true),
        (["The grass on the estate by {block} has not been cut all summer.", "The green space near {block} is overgrown."],
         ["You can't let children play there.", "We pay for grounds maintenance.", "It used to be cut every two weeks.", "There is broken glass hidden in it."], true),
        (["My rent statement is wrong for {when}.", "I have been charged twice for rent in {when}."],
         ["I pay by direct debit.", "I have my bank statement to prove it.", "Please correct it and refund me.", "I am now overdrawn."], false),
    ]

    static let rooms = ["kitchen", "bathroom", "bedroom", "back bedroom", "living room", "hallway", "children's bedroom"]
    static let whens = ["January", "February", "March", "the start of the month", "before Christmas", "last summer", "October"]
    static let days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "the 3rd", "the 14th", "the 21st"]
    static let whos = ["baby", "son", "daughter", "elderly mother", "two children", "husband who is disabled"]
    static let staff = ["Steve the caretaker", "Priya in the contact centre", "the plumber, Dave", "Ms Green from repairs"]
    static let floors = ["5th", "7th", "9th", "10th", "12th"]

    mutating func fill(_ template: String, block: Int) -> String {
        var text = template
        let replacements: [(String, [String])] = [
            ("{room}", Self.rooms), ("{when}", Self.whens), ("{day}", Self.days), ("{who}", Self.whos), ("{staff}", Self.staff),
            ("{floor}", Self.floors), ("{count}", ["2", "3", "4", "5", "6", "12", "40"]), ("{hour}", ["1am", "2am", "3am", "midnight"]),
        ]
        for (key, values) in replacements where text.contains(key) {
            text = text.replacingOccurrences(of: key, with: values[rng.int(values.count)])
        }
        return text.replacingOccurrences(of: "{block}", with: blocks[block].name)
    }

    mutating func matter(person: Int, topic: Int? = nil) -> Matter {
        var topic = topic ?? rng.int(Self.topics.count)
        let used = topicsOf[person, default: []]
        if used.count < Self.topics.count {
            while used.contains(topic) { topic = (topic + 1) % Self.topics.count }
        }
        topicsOf[person, default: []].insert(topic)
        let template = Self.topics[topic]
        let block = people[person].block
        var sentences = [fill(template.opening[rng.int(template.opening.count)], block: block)]
        for detail in template.details.shuffled(using: &rng).prefix(2 + rng.int(2)) { sentences.append(fill(detail, block: block)) }
        let closings = ["Please sort this out.", "Can someone call me back?", "I want a date for the repair.", "Please let me know what is happening.", "I am fed up of chasing this."]
        if rng.int(3) > 0 { sentences.append(closings[rng.int(closings.count)]) }
        return Matter(topic: topic, sentences: sentences, communal: template.communal)
    }

    /// A rewording: what a person writes when they come back about the same matter.
    mutating func reword(_ matter: Matter, short: Bool) -> String {
        var sentences = matter.sentences
        let chasers = ["I am still waiting.", "Still nothing has happened.", "This is my second time asking.", "I rang last week as well.", "Nobody has replied to me."]
        switch rng.int(5) {
        case 0: sentences.insert(chasers[rng.int(chasers.count)], at: 0)
        case 1: sentences.append(chasers[rng.int(chasers.count)])
        case 2 where sentences.count > 3: sentences.remove(at: 1 + rng.int(sentences.count - 2))
        case 3: sentences.swapAt(sentences.count - 1, max(1, sentences.count - 2))
        default: sentences.insert(chasers[rng.int(chasers.count)], at: 0); sentences.append("Thanks.")
        }
        if short { sentences = Array(sentences.prefix(2)) }
        var text = sentences.joined(separator: " ")
        if rng.int(4) == 0 {
            // A typo or two.
            text = text.replacingOccurrences(of: " the ", with: " teh ", options: [], range: text.range(of: " the "))
        }
        return text
    }

    /// Words a tenant swaps when writing about the same matter again.
    static let synonyms: [(String, String)] = [
        ("leaking", "dripping"), ("broken", "not working"), ("has been", "is still"), ("black mould", "mould"), ("wall", "walls"),
        ("out of order", "broken down"), ("not been emptied", "not been collected"), ("Rubbish is piling up", "rubbish piled up"),
        ("gone up", "increased"), ("does not happen", "never happens"), ("will not lock", "won't lock"), ("is broken", "has broken"),
        ("loud music", "music blaring"), ("constant noise", "noise all the time"), ("pitch black", "dark"), ("have been out", "are not working"),
        ("overgrown", "too long"), ("has not been cut", "needs cutting"), ("charged twice", "taken twice"), ("wrong", "incorrect"),
        ("stopped working", "packed up"), ("no hot water", "no hot water at all"), ("cupboard", "cupboards"), ("bucket", "bowl"),
    ]
    static let rewordOpenings = ["Still waiting about this:", "Writing again.", "Chasing this up -", "Me again.", "As I said before,", "Hello again,"]

    /// A heavy rewording of a matter: synonyms, the sentences in another order, a new opening;
    /// for a text message, the first sentence only, lower-cased and shortened.
    mutating func rewordHeavily(_ matter: Matter, sms: Bool) -> String {
        var sentences = matter.sentences
        for index in sentences.indices {
            for (from, to) in Self.synonyms where sentences[index].contains(from) && rewordRng.int(3) > 0 {
                sentences[index] = sentences[index].replacingOccurrences(of: from, with: to)
            }
            // Clauses in another order: "X since Y." becomes "Since Y, x."
            if let since = sentences[index].range(of: " since "), rewordRng.int(2) == 0 {
                let head = sentences[index][..<since.lowerBound]
                let tail = sentences[index][since.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "."))
                sentences[index] = "Since \(tail), \(head.prefix(1).lowercased() + head.dropFirst())."
            }
        }
        if sentences.count > 2 { sentences.swapAt(0, 1 + rewordRng.int(sentences.count - 1)) }
        let opening = Self.rewordOpenings[rewordRng.int(Self.rewordOpenings.count)]
        if sms {
            let first = (sentences.first ?? "").lowercased()
                .replacingOccurrences(of: "please", with: "pls").replacingOccurrences(of: " you ", with: " u ").replacingOccurrences(of: ".", with: "")
            return "\(opening.lowercased()) \(first) \(sentences.count > 1 ? sentences[1].lowercased() : "")".trimmingCharacters(in: .whitespaces)
        }
        return ([opening] + sentences).joined(separator: " ")
    }

    /// Adds reworded repeats: for about one matter in four, the same person writes again within
    /// 2 to 20 days in other words. They come from ``rewordRng``, after the rest of the set.
    mutating func addRewordedRepeats(to items: inout [Item], target: Int) {
        let firsts = items.indices.filter { items[$0].label == .first }
        let matters = Dictionary(grouping: items.indices, by: { items[$0].matter })
        var added = 0
        for first in firsts where added < target / 10 && rewordRng.int(4) == 0 {
            let item = items[first]
            // Not after another first contact about the matter (the window would have restarted).
            guard matters[item.matter]?.allSatisfy({ $0 == first || items[$0].label != .first }) == true else { continue }
            let when = item.at.addingTimeInterval(Double(2 * 86_400 + rewordRng.int(18 * 86_400)))
            let channel = rewordRng.int(4)
            let matter = storedMatters[item.matter]
            let text = rewordHeavily(matter, sms: channel == 1)
            let subject = "Re: " + String(matter.sentences[0].prefix(30))
            // The main stream is used only after the rest of the set is made.
            let submission = submission(person: item.person, text: text, subject: subject, at: when, channel: channel)
            items.append(Item(submission: submission, person: item.person, matter: item.matter, label: .reworded, of: first, at: when))
            added += 1
        }
    }

    /// Every matter made, by index, for the rewordings.
    var storedMatters: [Matter] = []

    // MARK: Channels

    mutating func submission(person index: Int, text: String, subject: String, at date: Date, channel: Int) -> RawSubmission {
        let person = people[index]
        let block = blocks[person.block]
        switch channel {
        case 0:
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "EEE, d MMM yyyy HH:mm:ss '+0000'"
            let id = "\(rng.next())@mail.example"
            let message = "From: \(person.name) <\(person.email)>\r\nTo: complaints@housing.example\r\nSubject: \(subject)\r\nDate: \(formatter.string(from: date))\r\nMessage-ID: <\(id)>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\(text)\r\n"
            return RawSubmission(channel: .email, source: "bench", receivedAt: date.addingTimeInterval(20), bytes: Data(message.utf8), senderAssignedID: "<\(id)>")
        case 1:
            let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
            let national = person.phone
            let xml = """
                <?xml version="1.0" encoding="UTF-8"?><message cid="1"><submit><oa><number>44\(national.dropFirst())</number></oa><da><number>447700900456</number></da><ud>\(text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)</ud><dcs><coding>0</coding></dcs><at><year>\(parts.year!)</year><month>\(parts.month!)</month><day>\(parts.day!)</day><hour>\(parts.hour!)</hour><minute>\(parts.minute!)</minute><second>\(parts.second!)</second><timezone>0</timezone></at></submit></message>
                """
            return RawSubmission(channel: .sms, source: "kannel", receivedAt: date.addingTimeInterval(3), bytes: Data(xml.utf8), metadata: [SMSDecoder.gatewayKey: "kannel"])
        case 2:
            let fields = [
                ("name", person.name), ("email", person.email), ("phone", person.phone), ("address", "Flat \(person.flat), \(block.name), \(block.street)"),
                ("postcode", block.postcode), ("tenancy_ref", person.tenancy), ("subject", subject), ("message", text),
            ]
            let body = fields.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
            return RawSubmission(channel: .webForm, source: "form", receivedAt: date, bytes: Data(body.utf8), metadata: [WebFormDecoder.contentTypeKey: "application/x-www-form-urlencoded"])
        default:
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_GB")
            formatter.timeZone = TimeZone(identifier: "Europe/London")
            formatter.dateFormat = "dd/MM/yyyy HH:mm"
            let note = "Caller: \(person.name)\nPhone: \(person.phone)\nAddress: Flat \(person.flat), \(block.name), \(block.street)\nPostcode: \(block.postcode)\nTenancy ref: \(person.tenancy)\nTaken by: Priya\nCall date: \(formatter.string(from: date))\nSubject: \(subject)\n\n\(text)\n"
            return RawSubmission(channel: .phone, source: "notes/\(rng.next()).txt", receivedAt: date.addingTimeInterval(300), bytes: Data(note.utf8))
        }
    }

    /// The labelled set: each person raises one to three matters over `days`; each matter gets
    /// follow-up contacts (duplicates, rewordings, some after the window); neighbours report
    /// communal faults in near-identical words.
    mutating func labelledSet(count target: Int, days: Int) -> [Item] {
        var items: [Item] = []
        var matters: [(matter: Matter, firstIndex: Int, text: String)] = []
        var communal: [Int: Int] = [:]  // block -> matter index with a communal fault
        while items.count < target {
            let who = nextPerson % people.count
            nextPerson += 1
            for _ in 0..<(1 + rng.int(3)) {
                let used = topicsOf[who, default: []]
                var matter = self.matter(person: who)
                var copied = false
                // Not a neighbour's fault on a topic this person already wrote about: that would be
                // a second "matter" of one topic about one block from one person (see `topicsOf`).
                if matter.communal, let existing = communal[people[who].block], rng.int(2) == 0,
                   matters[existing].matter.topic == matter.topic || !used.contains(matters[existing].matter.topic) {
                    // A neighbour reports the same communal fault in nearly the same words.
                    matter = matters[existing].matter
                    copied = true
                    topicsOf[who, default: []].insert(matter.topic)
                }
                let at = start.addingTimeInterval(Double(rng.int(days * 86_400)))
                let channel = rng.int(4)
                let text = copied ? reword(matter, short: false) : matter.sentences.joined(separator: " ")
                let subject = String(matter.sentences[0].prefix(40))
                items.append(Item(submission: submission(person: who, text: text, subject: subject, at: at, channel: channel), person: who, matter: matters.count, label: .first, of: nil, at: at))
                matters.append((matter, items.count - 1, text))
                storedMatters.append(matter)
                if matter.communal, !copied { communal[people[who].block] = matters.count - 1 }
                // Follow-ups.
                var last = at
                // When each wording of the matter was last sent: the same text within 7 days of
                // its last sending is a duplicate, however it was made (sent again, or a
                // rewording that came out word for word as an earlier text).
                var sentAt: [String: Date] = [text: at]
                let matterIndex = matters.count - 1
                for _ in 0..<rng.int(4) {
                    let gaps: [Int] = [3_600, 43_200, 86_400, 172_800, 345_600, 777_600, 1_728_000, 3_888_000]
                    let gap = Double(gaps[rng.int(gaps.count)] + rng.int(7_200))
                    let when = last.addingTimeInterval(gap)
                    let resend = rng.int(3) == 0
                    let channel = rng.int(4)
                    let text = resend ? matters[matterIndex].text : reword(matter, short: channel == 1)
                    let sentBefore = sentAt[text]
                    sentAt[text] = when
                    let seconds = when.timeIntervalSince(last)
                    let label: Label
                    var of: Int? = matters[matterIndex].firstIndex
                    if seconds > 30 * 86_400 {
                        label = .first  // the window has passed: a new case is right
                        of = nil
                    } else if let sentBefore, when.timeIntervalSince(sentBefore) <= 7 * 86_400 {
                        label = .duplicate
                    } else {
                        label = .repeat
                    }
                    items.append(Item(submission: submission(person: who, text: text, subject: subject, at: when, channel: channel), person: who, matter: matterIndex, label: label, of: of, at: when))
                    if label == .first {
                        matters[matterIndex].firstIndex = items.count - 1
                        matters[matterIndex].text = text
                    }
                    last = when
                }
            }
        }
        return Array(items.prefix(target))
    }

    /// The labelled set with reworded repeats added (about one in ten more submissions).
    mutating func labelledSetWithRewordings(count target: Int, days: Int) -> [Item] {
        var items = labelledSet(count: target, days: days)
        addRewordedRepeats(to: &items, target: target)
        return items
    }
}

/// SplitMix64: small, fast, and the same sequence everywhere.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
