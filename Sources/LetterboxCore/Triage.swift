public import Foundation
internal import CTriageModel
import Synchronization

/// What triage read in one piece of feedback: its kind, category and service area, each with
/// the evidence, and the flags it raised. Deterministic: the same text gives the same reading.
public struct TriageReading: Codable, Hashable, Sendable {
    public var kind: FeedbackRecord.Kind
    /// The phrases and the rule that decided the kind, in words an officer can check.
    public var kindReason: String
    /// A complaint's category (delay, failure_to_provide, ...), when the wording shows one.
    public var category: String?
    public var categoryReason: String?
    public var serviceArea: String
    public var serviceAreaReason: String
    /// 2 for a request to escalate a complaint, else 1.
    public var stage: Int
    public var flags: [FlagEntry]
    /// The Awaab's Law clock the text calls for, if any.
    public var hazard: HazardClock.Kind?
    /// The trained model's probability for its likeliest kind (nil when no model read it).
    public var confidence: Double?
    /// The model's second likeliest kind, and its probability.
    public var runnerUp: FeedbackRecord.Kind?
    public var runnerUpConfidence: Double?

    public init(kind: FeedbackRecord.Kind, kindReason: String, category: String? = nil, categoryReason: String? = nil,
                serviceArea: String, serviceAreaReason: String, stage: Int = 1, flags: [FlagEntry] = [], hazard: HazardClock.Kind? = nil,
                confidence: Double? = nil, runnerUp: FeedbackRecord.Kind? = nil, runnerUpConfidence: Double? = nil) {
        self.kind = kind
        self.kindReason = kindReason
        self.category = category
        self.categoryReason = categoryReason
        self.serviceArea = serviceArea
        self.serviceAreaReason = serviceAreaReason
        self.stage = stage
        self.flags = flags
        self.hazard = hazard
        self.confidence = confidence
        self.runnerUp = runnerUp
        self.runnerUpConfidence = runnerUpConfidence
    }
}

/// Triage: a trained model (``TriageModel``) for the kind and the service area, beside rules
/// that carry the policy (a request to escalate, the word "complaint", the customer's stated
/// kind, a complaint about how anti-social behaviour was handled), and phrase lists
/// (``TriageLexicon``) for the flags. Every reading names its evidence, so it can be checked and
/// corrected. Without a model it reads by the rules alone (README "Triage").
public struct Triage: Sendable {
    /// Which model reads the kind: the one shipped in the binary, another (a landlord's retrained
    /// model), or none (the rules alone).
    public enum ModelChoice: Sendable {
        case shipped
        case custom(TriageModel)
        case none
    }
    public enum Signal: String, Sendable, Hashable, CaseIterable {
        case explicitComplaint, complaintReference, notComplaint, emotion, failure, sarcasm, praise, praiseWeak, update, suggestion, question, fault, asb, escalation
        case firstReport, landlordTarget
        case damp, dampSevere, gas, electrics, electricFitting, water, structural, fire, security, noHeat, otherHazard
        /// A danger over or never there, and words that it goes on. Context for
        /// the hazard flags only: not features of the model.
        case hazardOver, ongoing, dampOver
        /// A hazard the word before denies ("no smell of gas"): context only, so that the model
        /// does not raise what the text says is not there.
        case denied
        /// Water and an electric fitting within about a sentence of each other ("water dripping
        /// round the light"): water near electrics (``waterWindow``). Context only.
        case waterByFitting
        /// A part of a building that can fall on or from someone (a balcony, render, a chimney), and
        /// words of it giving way ("come loose", "fallen"): structural danger when they are near.
        case fallingPart, givingWay
        /// A fitting that is screwed to a wall (a grab rail, a shelf, a bath panel): "the grab rail
        /// by the bath has come away from the wall" is a repair, not a structure giving way
        /// (``awayFromTheWall``); context only. `fittingLoose`: such a fitting found come away,
        /// which the trained model does not overrule into an emergency (a window blind "hanging
        /// down"); context only.
        case fitting, fittingLoose
        /// A way into the home (a front door) and words that it will not shut: the home cannot be
        /// secured when they are near ("the window won't shut properly, draft coming in" is a
        /// repair, "the gate will not close" a fault); context only.
        case entrance, wontShut
        /// An alarm sounding at cooking or steam ("goes off every time I make toast") or for its
        /// battery: a smoke, fire or carbon monoxide alarm it names is a nuisance, not a danger
        /// (``alarms``); context only.
        case alarmNuisance
        /// A carbon monoxide alarm named, and words of an alarm sounding: carbon monoxide when
        /// they are near, a hazard reported when the alarm is named alone; context only.
        case coDevice, alarmSounding
        /// Words that call a thing dangerous ("unsafe", "taped over"): electrics when near a socket
        /// or a fitting; context only.
        case danger
        /// A gas appliance and a smell, or signs of carbon monoxide (a headache, feeling sick, soot):
        /// gas when they are near; context only.
        case gasAppliance, smell, symptom
        /// A heating appliance and words that it has failed ("the boiler at number 12 is
        /// broken"): no heating when they are near; context only.
        case heater, outOfOrder
        /// A wish for another person to look again ("someone else to look at it") and a reply or
        /// a complaint near it: asks for a review of the complaint, not for another engineer.
        case reviewAsk, complaintAnswer
        /// The landlord's own work named as what a fault followed ("since the electrician was
        /// here", "the door you fitted last month"): a failure of that work when a fault is near
        /// it and no praise or all-clear is in the text ("perfect since your engineer's visit");
        /// context only.
        case sinceWork
        /// Locks asked for ("change the locks") and a threat from a known person ("my ex still has
        /// a key", "a court order"): the home cannot be secured against the person feared, an
        /// emergency (labelling guide, stop 55); apart, neither is one. Context only.
        case lockChange, threat
        /// Someone shut out of the home ("locked herself out", "can't get back in"): an emergency
        /// when the text also discloses that they may be vulnerable (a woman of 79 with dementia
        /// sitting in the communal hall; labelling guide, stop 56), a locksmith's job otherwise.
        /// Context only.
        case lockedOut
        /// Water flowing freely ("pouring", "spraying everywhere") and no way to stop it ("can't find
        /// the stopcock"): a leak the household cannot stop, an emergency when both are there
        /// (labelling guide, stop 68); a tap that will not turn off and drips is a repair. Context only.
        case waterFlowing, waterUnstopped
        /// A lift, words that it is out of service, and someone who cannot leave without it ("in a
        /// wheelchair", "can't do the stairs"): shut in, with no way out in a fire (labelling guide,
        /// stop 55); a lift out for residents in general is a repair. Context only.
        case liftOut, outOfService, stairsBarrier
        /// A stairlift, words that it is out of service, and someone stuck upstairs by it ("stuck
        /// upstairs", "can't get downstairs"): shut in as by a lift (labelling guide, stop 69); a
        /// stairlift out with the person downstairs is a repair. Context only.
        case stairlift, upstairsStuck
        /// A window restrictor and words that it has failed ("the restrictor on my son's bedroom
        /// window has snapped"): a fall from a window, a hazard, when they are near; a restrictor
        /// that lets a window open "only an inch" is none (b103-012). Context only.
        case restrictor, restrictorFailed
        /// A fault back again ("broke down again") and a count of how often ("thats twice since
        /// june", "3rd breakdown this month"): a repeated failure when they are near (labelling
        /// guide, hard cases); apart, a first report. Context only.
        case downAgain, countedAgain
        /// "Not a complaint" with "but" a few words on ("I'm not complaining about the fitter, but
        /// ..."): no disclaimer of what follows. Context only.
        case notComplaintBut
        /// Glass in a window or door and words that it is smashed ("the kitchen window was
        /// smashed by a stone"): a home open to the street, and sharp glass; not a car's windows.
        /// Context only.
        case glazing, smashed
        case age, disability, illness, mentalHealth, children, pregnancy, language, lifeEvent
        /// A phrase that holds a cue word but discloses nothing ("a blind corner", "baby things").
        case notCue
        /// A danger supposed ("in case of a gas leak") and a need that is over ("no longer need
        /// an interpreter"): they undo the hazards and cues just after them; context only.
        case supposed, needOver
        /// A complaint's outcome accepted ("I'm satisfied with the outcome and happy for the
        /// complaint to be closed"): with no word of displeasure, failure or sarcasm beside it, the
        /// complaint and the stage one response it names ask for nothing more; context only.
        case closedSatisfied
        /// A smoke or fire alarm that sounds at cooking or for its battery (``alarmNuisance``):
        /// it works, so the trained model does not raise an emergency on its words alone.
        /// Context only.
        case alarmWorks
        /// The writer says it is no emergency ("not urgent", "no rush"): the trained model does not
        /// raise one on its words alone (b84-003). Context only.
        case notUrgent
        /// A light that is out ("the light in the stairs of block 4 is not working", "stairwell
        /// light out blk c"): a fitting to be fixed, which the trained model does not make an
        /// emergency on its words alone (b90-006 at 53%; none of the data's thirty lights out with
        /// no water, wires or fall named is labelled one). Context only.
        case lightOut
        /// A crew of the estate's routine services (cleaners, window cleaners, grounds, bins) not
        /// seen or not been since a time ("I haven't seen them since before Christmas", b92-002):
        /// a routine service not delivered for weeks, a failure (labelling guide, stop 57) when a
        /// crew is named just before; nothing otherwise ("not seen her since Tuesday").
        case crewAbsent
        /// Damage done ("smashed", "cracked"), right after the landlord's worker or crew: "Youre bin
        /// men smashed our recycling box" (b91-006), "Your gas engineer cracked two of my floor
        /// tiles" (the data's b73-013, as its other damage by workers is labelled: a complaint). A
        /// crew that may be the council's or a neighbour's ("the bin men", "builders") counts only as
        /// the landlord's ("your bin men"). A failure then; nothing otherwise.
        case workerDamage
        /// A fault found right after the landlord's own work (``sinceWork``): "our front door
        /// won't lock since the locksmith came". A failure, and one the model may not overrule: the
        /// data labels every such text a complaint about the work, which the trained model read
        /// as a new repair in cross-validation (b62-039, b64-033, b55-038, b61-036).
        case workFault
        case representative, consent, outOfTime
        // complaint categories
        case delay, failureToProvide, poorQuality, inappropriateService, serviceWithdrawn, cost, staffBehaviour, policy, discrimination
        // service areas
        case areaRepairs, areaDamp, areaSafety, areaASB, areaConduct, areaCommunication, areaRent, areaEstate, areaLettings, areaLeasehold, areaComplaints

        // By case, not by name: the default for a String-backed enum hashes the string, and
        // triage looks signals up thousands of times a second.
        @inline(__always) private var ordinal: UInt8 { UInt8(truncatingIfNeeded: index) }
        public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
        public static func == (a: Signal, b: Signal) -> Bool { a.ordinal == b.ordinal }
    }

    public static let categoryNames: [(Signal, String)] = [
        (.delay, "delay"), (.failureToProvide, "failure_to_provide"), (.poorQuality, "poor_quality"),
        (.inappropriateService, "inappropriate_service"), (.serviceWithdrawn, "service_withdrawn"), (.cost, "cost"),
        (.staffBehaviour, "staff_behaviour"), (.policy, "policy"), (.discrimination, "discrimination"),
    ]
    public static let serviceAreaNames: [(Signal, String)] = [
        (.areaDamp, "damp_and_mould"), (.areaSafety, "building_safety"), (.areaASB, "asb_handling"), (.areaConduct, "staff_or_contractor_conduct"),
        (.areaRent, "rent_and_charges"), (.areaLettings, "lettings_and_transfers"), (.areaLeasehold, "leasehold"),
        (.areaComplaints, "complaint_handling"), (.areaEstate, "estate_services"), (.areaRepairs, "repairs"), (.areaCommunication, "communication"),
    ]
    public static let kinds: [FeedbackRecord.Kind] = [.complaint, .compliment, .suggestion, .comment, .serviceRequest, .informationRequest, .asbReport]

    private let customMatcher: PhraseMatcher<Signal>?
    /// Read on first use, once per process: opening a store for `letterbox list` should not pay
    /// for a lexicon it never reads. The built table shipped in the binary
    /// (Sources/CTriageModel/triage-lexicon.bin), unless ``readListsNotTable()`` was called or the
    /// table does not fit this build's signals: then built from the lists.
    private static let defaultMatcher = (listsOnly.load(ordering: .acquiring) ? nil : loadShippedMatcher(release: true)) ?? buildDefaultMatcher()
    private static let listsOnly = Atomic<Bool>(false)

    /// Makes every ``Triage`` of this process read with a matcher built from ``TriageLexicon``'s
    /// lists, not the shipped table: `triage eval` and `triage train` call it first, so that they
    /// always measure the lists as they are in the source (a test holds the table to the lists).
    public static func readListsNotTable() { listsOnly.store(true, ordering: .releasing) }

    /// The matcher of ``TriageLexicon/phrases`` (what ``defaultMatcher`` holds), built afresh:
    /// public for `letterbox-bench triage-speed`, which times it. (Built here, where it is
    /// specialised for ``Signal``.)
    public static func buildDefaultMatcher() -> PhraseMatcher<Signal> { PhraseMatcher(TriageLexicon.phrases, droppingG: true) }

    /// The table shipped in the binary, read (nil if it was made for other signals). With
    /// `release`, its pages are given back once read (about 440 KB of each process's resident
    /// memory, which an mbox import's 100 MB has little to spare for).
    public static func loadShippedMatcher(release: Bool = false) -> PhraseMatcher<Signal>? {
        guard let bytes = letterbox_triage_lexicon_bytes() else { return nil }
        let matcher = readMatcherTable(UnsafeRawBufferPointer(start: bytes, count: letterbox_triage_lexicon_size()))
        if release { letterbox_triage_lexicon_release() }
        return matcher
    }

    /// A matcher table's bytes read for this build's signals (nil if they are not one).
    public static func readMatcherTable(_ bytes: UnsafeRawBufferPointer) -> PhraseMatcher<Signal>? {
        let signals = Signal.allCases
        return PhraseMatcher(serialized: bytes, fingerprint: signalsFingerprint) { Int($0) < signals.count ? signals[Int($0)] : nil }
    }

    /// The table `letterbox-bench lexicon-table` writes: ``buildDefaultMatcher()`` as bytes.
    public static func lexiconTable() -> [UInt8] {
        let codes = Dictionary(uniqueKeysWithValues: Signal.allCases.enumerated().map { ($1, UInt16($0)) })
        return buildDefaultMatcher().serialized(fingerprint: signalsFingerprint) { codes[$0]! }
    }

    /// The signals' names in order, hashed: a table made when they were other ones is not read.
    package static var signalsFingerprint: UInt64 {
        Signal.allCases.reduce(TextFingerprint.fnvOffset) { hash, signal in
            (signal.rawValue + "\n").utf8.reduce(hash, TextFingerprint.fnv)
        }
    }
    private var matcher: PhraseMatcher<Signal> { customMatcher ?? Self.defaultMatcher }
    /// The reference pattern of the landlord's cases, for escalation requests (`LB-2026-000123`).
    public var referencePrefix: String
    public var modelChoice: ModelChoice
    /// Below this probability for its likeliest kind, a reading by the model is flagged
    /// `needs_review` with the two likeliest kinds (`triage.reviewThreshold`).
    public var reviewThreshold: Double
    /// The default for ``reviewThreshold``, chosen on the dev split (README "Triage").
    public static let defaultReviewThreshold = 0.5
    /// A reading by the model is a complaint when the model gives complaint at least this
    /// probability, even if another kind is likelier: a missed complaint breaks the Code, a
    /// complaint read where there is none costs an officer a minute (`triage.complaintThreshold`).
    public var complaintThreshold: Double
    /// Chosen again by cross-validation on 6,201 items (stop 47, `triage train --folds 5
    /// --complaint-threshold T`): 0.3 read 92.9% of complaints at 89.3% precision and 5,596 kinds
    /// right; 0.25 read 94.7% at 87.2% and 5,588 kinds right (hand-written 1,876 against 1,872);
    /// 0.2 read 96.1% at 83.5% but 5,546 kinds right. A complaint missed is the costlier mistake.
    public static let defaultComplaintThreshold = 0.25
    /// The hazard flags the model reads beside the phrase lists. (A vulnerability head was tried:
    /// alone it found under 60% of cues at any useful precision, and as a check on the lists it
    /// withdrew true cues, so vulnerability is the lists' reading of sense and negation.)
    public static let modelFlags: [Flag] = [.urgentSafety, .dampMouldHazard]
    /// How the model's reading of a hazard flag combines with the phrase lists': the lists'
    /// finding stands from `keep`, and the model raises the flag alone from `raise`. Hazards
    /// favour recall: the lists miss wordings nobody thought of.
    public struct FlagModelSetting: Sendable, Equatable {
        public var keep: Double
        public var raise: Double
        public init(keep: Double, raise: Double) {
            self.keep = keep
            self.raise = raise
        }
    }
    public var flagModelSettings: [Flag: FlagModelSetting]
    /// The defaults for ``flagModelSettings``: the model alone, cross-validated, and the lists with
    /// the model on items written after the lists were last tuned (README "Triage"). Chosen again
    /// by cross-validation on 5,094 items (stop 39, `triage train --folds 5 --flag-model ...`):
    /// damp from 0.3 (97.9 / 86.5%; 0.5 gave 96.8 / 86.9). urgent_safety stays at 0.3 (94.4 /
    /// 86.8%): 0.2 gave 96.2 / 82.6, but it raised an emergency from the model alone (22%) for
    /// "the boiler at 12 Elm Close is broken & it's cold", which policy makes an emergency only
    /// for a possibly vulnerable person (and cost the Kannel benchmark 6% in extra flag work).
    public static let defaultFlagModelSettings: [Flag: FlagModelSetting] = [
        .urgentSafety: .init(keep: 0, raise: 0.3),
        .dampMouldHazard: .init(keep: 0, raise: 0.3),
    ]

    /// The model in use, read on first use (the shipped one is decoded once per process).
    public var model: TriageModel? {
        switch modelChoice {
        case .shipped: TriageModel.shipped
        case .custom(let model): model
        case .none: nil
        }
    }

    /// Builds, on a thread of its own, what the first reading needs and a process builds once:
    /// the phrase matcher, the shipped model (when it is the one in use) and the London calendar
    /// of due dates. For a process that reads one message and exits (the mail pipe): these are a
    /// quarter of its work, and on a second core they are ready by the time the store is open and
    /// the message decoded. A reading that comes first waits for them (each is built once).
    public func prepareInBackground() {
        let rules = customMatcher == nil
        let shipped = if case .shipped = modelChoice { true } else { false }
        Thread.detachNewThread {
            if rules { withExtendedLifetime(Self.defaultMatcher) {} }
            if shipped { withExtendedLifetime(TriageModel.shipped) {} }
            withExtendedLifetime(UKDateReader.londonCalendar) {}
            withExtendedLifetime(BankHolidays.defaultChanges) {}
        }
    }

    /// - Parameter lexicon: phrase lists to use instead of ``TriageLexicon/phrases``.
    public init(lexicon: [(Signal, [String])]? = nil, referencePrefix: String = "LB", model: ModelChoice = .shipped,
                reviewThreshold: Double = Triage.defaultReviewThreshold, complaintThreshold: Double = Triage.defaultComplaintThreshold) {
        self.complaintThreshold = complaintThreshold
        customMatcher = lexicon.map { PhraseMatcher($0, droppingG: true) }
        self.referencePrefix = referencePrefix
        self.modelChoice = model
        self.reviewThreshold = reviewThreshold
        flagModelSettings = Self.defaultFlagModelSettings
    }

    /// Whether a flag is raised: the phrase lists' finding, weighed by the model's reading of the
    /// flag when the model has one. Returns the model's probability when it decided.
    func decide(_ flag: Flag, rules: Bool, features: TriageFeatures?) -> (raised: Bool, byModel: Double?) {
        guard let model, let features, let setting = flagModelSettings[flag], !(rules && setting.keep <= 0), let head = model.head(flag.rawValue),
              let yes = head.classes.firstIndex(of: "yes") else { return (rules, nil) }
        let probability = head.probabilities(features)[yes]
        if rules, probability >= setting.keep { return (true, nil) }
        return probability >= setting.raise ? (true, probability) : (false, rules ? probability : nil)
    }

    /// Reads one piece of feedback.
    /// - Parameters:
    ///   - statedKind: what the customer chose (the form's field, an SMS keyword), if anything.
    ///   - representative: who the decoder found acting for the contact, if anyone.
    ///   - received: when it arrived, for the 12-month time limit.
    public func read(subject: String?, body: String, statedKind: String? = nil, representative: Representative? = nil, received: Date? = nil) -> TriageReading {
        let text = subject.map { $0 + "\n" + body } ?? body
        let textWords = TriageFeatures.Words(text)
        let hits = signals(in: text, words: textWords)
        func has(_ signal: Signal) -> Bool { hits[signal] != nil }
        func count(_ signal: Signal) -> Int { hits[signal]?.count ?? 0 }
        func quoted(_ signals: Signal...) -> String { Self.quoted(signals, in: hits) }
        let questionMarks = textWords.questionMarks

        // Dissatisfaction: an explicit complaint, a service failure, or words of displeasure.
        // "Thank you for how you handled my complaint" names an earlier complaint, not a new one:
        // the word alone, beside praise, does not decide.
        let referenceOnly = has(.complaintReference) && (hits[.explicitComplaint] ?? []).allSatisfy { $0 == "complaint" || $0 == "complaints" }
        let explicit = has(.explicitComplaint) && !has(.notComplaint) && !(referenceOnly && (has(.praise) || has(.praiseWeak)))
            && !Self.complaintNamedOnlyInThreadTitle(subject: subject, body: body, reading: self)
        let dissatisfied = explicit || has(.failure) || has(.emotion) || has(.sarcasm) || has(.escalation)
        var flags: [FlagEntry] = []

        // Kind.
        var kind: FeedbackRecord.Kind
        var reason: String
        let faultScore = count(.fault) + count(.damp) + count(.gas) + count(.electrics) + count(.structural) + count(.fire) + count(.noHeat) + count(.security)
        let stated = statedKind.flatMap(Self.statedKind)
        // The text says it is not a complaint and the lists find no dissatisfaction: "Not a
        // complaint at all, your form made me choose a box! The double glazing ... has made such a
        // difference" (b99-019). The customer's words outweigh the box they ticked, and the model's
        // weight for the word "complaint".
        let disclaimed = has(.notComplaint) && !has(.notComplaintBut) && !dissatisfied
        let statedComplaint = stated == .complaint && !disclaimed
        let displeased = has(.emotion) && (count(.emotion) >= 2 || has(.landlordTarget) || has(.praise) || has(.praiseWeak))
        if has(.escalation) {
            kind = .complaint
            reason = "Asks for a complaint to be escalated (\(quoted(.escalation)))."
        } else if explicit {
            kind = .complaint
            reason = "Says it is a complaint (\(quoted(.explicitComplaint)))."
        } else if has(.failure) || has(.sarcasm) || (displeased && !has(.asb)) {
            kind = .complaint
            reason = has(.failure) || has(.sarcasm)
                ? "Dissatisfaction with the landlord's service or action (\(quoted(.failure, .sarcasm, .emotion)))."
                : "Dissatisfaction (\(quoted(.emotion))) with the landlord's work or staff (\(quoted(.landlordTarget)))."
            if has(.praise) { reason += " It also praises (\(quoted(.praise))): pass that on too." }
            if has(.asb) { reason += " It is about how anti-social behaviour was handled." }
        } else if statedComplaint {
            kind = .complaint
            reason = "The customer chose “complaint”."
        } else if has(.asb) && count(.asb) >= faultScore && !has(.praise) {
            kind = .asbReport
            reason = "A report of anti-social behaviour (\(quoted(.asb))), with no sign it was reported before: for the ASB process."
        } else if has(.suggestion) && count(.suggestion) >= faultScore {
            kind = .suggestion
            reason = "A suggestion (\(quoted(.suggestion)))."
        } else if faultScore > 0 && !(has(.praise) && count(.praise) + count(.praiseWeak) > faultScore) {
            kind = .serviceRequest
            reason = "A request or first report of a fault (\(quoted(.fault, .damp, .gas, .electrics, .structural, .fire, .noHeat, .security)))."
        } else if has(.praise) || (has(.praiseWeak) && !has(.update) && !has(.question) && questionMarks == 0) {
            kind = .compliment
            reason = "Praise or thanks (\(quoted(.praise, .praiseWeak)))."
        } else if has(.update) {
            kind = .comment
            reason = "An update or remark that asks for nothing (\(quoted(.update)))."
        } else if has(.question) || questionMarks > 0 {
            kind = .informationRequest
            reason = has(.question) ? "Asks for information (\(quoted(.question)))." : "Asks a question and reports no fault."
        } else if let stated {
            kind = stated
            reason = "No wording pointed to a kind; the customer chose “\(stated.rawValue)”."
        } else {
            kind = .comment
            reason = "No complaint, request, praise, suggestion or question found: a comment."
        }
        // The model reads the kind unless a policy rule decided it: a request to escalate, the
        // word "complaint", the customer's choice of complaint, a complaint about how
        // anti-social behaviour was handled, a fault the landlord's own work left.
        let policy = has(.escalation) || explicit || statedComplaint || (has(.asb) && has(.failure)) || has(.workFault)
        var confidence: Double?
        var runnerUp: FeedbackRecord.Kind?
        var runnerUpConfidence: Double?
        var review: FlagEntry?
        let features = model.map { TriageFeatures(words: textWords, spec: $0.spec, evidence: $0.spec.signals == true ? Self.evidence(hits, ruleKind: kind) : []) }
        if let model, let features {
            if let reading = model.predict("kind", features, explain: !policy) {
                let read = FeedbackRecord.Kind(rawValue: reading.label)
                confidence = reading.probability
                runnerUp = FeedbackRecord.Kind(rawValue: reading.runnerUp)
                runnerUpConfidence = reading.runnerUpProbability
                let complaintChance = reading.probability(of: FeedbackRecord.Kind.complaint.rawValue)
                // Not where the text praises the landlord's work and the lists find no
                // dissatisfaction at all: "your contractor fixed the gate last year and did a good
                // job; the fence panel has blown down" is a new request, whatever the model's
                // weight for "contractor" (the safety net is for complaints the lists miss, and a
                // praised job that failed, "the post is already leaning again", they find).
                // So too where the model reads praise and the lists find thanks ("Thank you for
                // dealing with my complaint ... his decision was fair", b99-031).
                let praisedAndContent = (has(.praise) || has(.praiseWeak) && read == .compliment) && !dissatisfied
                // Nor where the model reads a remark and the text says a fault is over, with no
                // dissatisfaction and nothing that goes on: "Caller confirmed the plumber came
                // yesterday and the leak under the sink is fixed" (b95-040) reports a job done.
                let doneAndContent = read == .comment && has(.hazardOver) && !has(.ongoing) && !dissatisfied
                // Nor where the lists and the model both read an idea and the lists find no
                // dissatisfaction: "Would you think about sending a text the day before a repair
                // appointment? I missed one last month because I had written the wrong date down"
                // (b100-023) offers an idea, whatever the model's weight for a missed appointment.
                let ideaAndContent = kind == .suggestion && read == .suggestion && !dissatisfied
                if !policy, disclaimed, read == .complaint, let second = runnerUp {
                    kind = second
                    reason = "Read as \(Self.describe(second)): the text says it is not a complaint (\(quoted(.notComplaint))) and no dissatisfaction was found; the trained model alone would read a complaint (\(Self.percent(reading.probability))), \(Self.describe(second)) next (\(Self.percent(reading.runnerUpProbability)))."
                    if reading.runnerUpProbability < reviewThreshold {
                        review = FlagEntry(.needsReview, reason: "The model is unsure: a complaint \(Self.percent(reading.probability)), \(Self.describe(second)) \(Self.percent(reading.runnerUpProbability)), and the text says it is not a complaint. An officer should check the kind.")
                    }
                } else if !policy, !praisedAndContent, !doneAndContent, !ideaAndContent, !disclaimed, read != .complaint, complaintChance >= complaintThreshold {
                    kind = .complaint
                    reason = "Read as a complaint: the trained model gives it \(Self.percent(complaintChance)) (\(Self.describe(read)) \(Self.percent(reading.probability))), and a possible complaint is treated as one"
                        + Self.weighed(model.explain("kind", features, label: FeedbackRecord.Kind.complaint.rawValue))
                    review = FlagEntry(.needsReview, reason: "The model is unsure: \(Self.describe(read)) \(Self.percent(reading.probability)), a complaint \(Self.percent(complaintChance)). Read as a complaint; an officer should check the kind.")
                } else if !policy {
                    kind = read
                    reason = "Read as \(Self.describe(read)) (\(Self.percent(reading.probability))) by the trained model" + Self.weighed(reading.evidence)
                    if has(.praise), read == .complaint { reason += " It also praises (\(quoted(.praise))): pass that on too." }
                    if reading.probability < reviewThreshold {
                        review = FlagEntry(.needsReview, reason: "The model is unsure: \(Self.describe(read)) \(Self.percent(reading.probability)), \(Self.describe(FeedbackRecord.Kind(rawValue: reading.runnerUp))) \(Self.percent(reading.runnerUpProbability)). An officer should check the kind.")
                    }
                } else if read != kind {
                    reason += " (The model alone would read \(Self.describe(read)), \(Self.percent(reading.probability)); the rule decides.)"
                }
            }
        }
        if let statedKind, let stated, stated != kind {
            reason += " The customer chose “\(statedKind)”; that choice is kept beside this reading."
        }
        if let review { flags.append(review) }
        if !dissatisfied, kind == .complaint {
            flags.append(FlagEntry(.expressedDissatisfaction, reason: "Read as a complaint: dissatisfaction with the landlord. The Code requires offering the choice to make a complaint."))
        }
        if dissatisfied {
            flags.append(FlagEntry(.expressedDissatisfaction, reason: "Dissatisfaction expressed (\(quoted(.explicitComplaint, .failure, .sarcasm, .emotion, .escalation))). The Code requires offering the choice to make a complaint\(kind == .complaint ? "" : ", even if this is handled as a \(kind.rawValue.replacingOccurrences(of: "_", with: " "))")."))
        }

        // Escalation.
        var stage = 1
        if has(.escalation) {
            stage = 2
            let reference = Self.reference(in: text, prefix: referencePrefix)
            flags.append(FlagEntry(.escalationRequest, reason: "Asks for escalation to stage 2 (\(quoted(.escalation)))" + (reference.map { "; names case \($0)." } ?? "; names no case reference: find the stage 1 case.")))
        }

        // Category: only for complaints.
        var category: String?
        var categoryReason: String?
        if kind == .complaint {
            let scored = Self.categoryNames.map { ($0.1, count($0.0), $0.0) }.filter { $0.1 > 0 }
            if let best = scored.max(by: { $0.1 < $1.1 }) {
                category = best.0
                categoryReason = "Wording: \(quoted(best.2))."
            }
        }

        // Service area: every kind.
        var area = "other"
        var areaReason = "No service area's wording found."
        let areaScores = Self.serviceAreaNames.map { ($0.1, count($0.0) + (($0.0 == .areaDamp && has(.damp)) ? 2 : 0), $0.0) }.filter { $0.1 > 0 }
        if let best = areaScores.max(by: { $0.1 < $1.1 }) {
            area = best.0
            areaReason = "Wording: \(quoted(best.2, best.2 == .areaDamp ? .damp : best.2))."
        } else if has(.asb) {
            area = "asb_handling"
            areaReason = "About anti-social behaviour (\(quoted(.asb)))."
        }

        // The model's service area, when it is sure enough; else the wording's.
        if let model, let features, let reading = model.predict("area", features, explain: false), reading.probability >= 0.5, reading.label != area {
            area = reading.label
            let evidence = model.explain("area", features, label: reading.label)
            areaReason = "Read by the trained model (\(Self.percent(reading.probability)))" + Self.weighed(evidence)
        }

        // Vulnerability: the cue words and their kind only; health details are special category data.
        let cueKinds: [(Signal, String)] = [
            (.age, "age"), (.disability, "disability"), (.illness, "illness"), (.mentalHealth, "mental health"),
            (.children, "young children"), (.pregnancy, "pregnancy"), (.language, "language"), (.lifeEvent, "life event"),
        ]
        let cues = cueKinds.filter { has($0.0) }
        if !cues.isEmpty {
            let list = cues.map { "\($0.1): \((hits[$0.0] ?? []).prefix(3).joined(separator: ", "))" }.joined(separator: "; ")
            flags.append(FlagEntry(.vulnerability, reason: "Possible vulnerability cues (\(list)). Consider whether the resident is vulnerable or at risk (Code 6.1); the details are in the text, not here."))
        }
        let vulnerable = !cues.isEmpty

        // Hazards.
        var hazard: HazardClock.Kind?
        let waterNearElectrics = has(.waterByFitting)
        let noHeatVulnerable = has(.noHeat) && vulnerable
        let lockedOutVulnerable = has(.lockedOut) && vulnerable
        let waterUnstopped = has(.waterFlowing) && has(.waterUnstopped)
        // A question, idea, remark or thanks that names a fire door or a lock ("when was the fire
        // risk assessment done?") reports no danger; gas, electrics and structure still count.
        let reportsProblem = ![.informationRequest, .suggestion, .comment, .compliment].contains(kind)
        let weak = reportsProblem && (has(.fire) || has(.security) || has(.otherHazard))
        // An idea or thanks that names gas or sparks ("give every flat a CO alarm", "he fixed the
        // sparking socket in half an hour") reports no danger now; the model may still read one.
        let praiseOrIdea = kind == .suggestion || kind == .compliment
        let ruleUrgent = !praiseOrIdea && (has(.gas) || has(.electrics) || waterNearElectrics || noHeatVulnerable || lockedOutVulnerable || waterUnstopped || has(.structural) || weak)
        // No heating or water is an emergency only for a possibly vulnerable person: policy, which
        // the model does not overrule when the lack of heat is all the lists found. Nor is a danger
        // the text says is over, unless it also says it goes on ("still", "again") or the household
        // is without heat and possibly vulnerable.
        let onlyCold = has(.noHeat) && !vulnerable && ![Signal.gas, .electrics, .electricFitting, .structural, .fire, .security, .otherHazard].contains(where: has)
        // Water in a light that "still works" is there still: the fitting working ends no danger
        // (b84-040), as a boiler that "still works tho" ends a fault's (b24-017).
        let onlyStillWorks = hits[.hazardOver]?.allSatisfy(Self.stillWorks.contains) ?? false
        let over = has(.hazardOver) && !has(.ongoing) && !noHeatVulnerable && !(waterNearElectrics && onlyStillWorks)
            || has(.denied) && !ruleUrgent && ![Signal.water, .electricFitting, .noHeat, .fire, .security, .otherHazard].contains(where: has)
        // A fitting come away from the wall is a repair (the grab rail, the blind): policy, which the
        // model does not overrule when nothing else the lists know of is there.
        let onlyFitting = (has(.fittingLoose) || has(.lightOut)) && !ruleUrgent
        // Nor is an alarm that goes off at the toast or chirps for its battery (b63-037: "smoke
        // alarm keeps beeping, think it's the battery" read as an emergency by the model at 30%).
        let onlyNuisance = has(.alarmWorks) && !ruleUrgent
        // Nor is a question, unless the lists find the danger in it ("who do I call? I can smell
        // gas"): "is it safe to use my hob after the fire was capped?" asks (b75-006), and none of
        // the data's 469 hand-written questions is labelled an emergency.
        let onlyQuestion = kind == .informationRequest && !ruleUrgent
        // Nor where the writer says it is none and the lists find no danger ("the light in my
        // airing cupboard doesn't come on. Not urgent.", b84-003; the data's 14 such texts: none).
        let saidNotUrgent = has(.notUrgent) && !ruleUrgent
        let (urgent, urgentByModel) = onlyCold || over || onlyFitting || onlyNuisance || onlyQuestion || saidNotUrgent ? (false, nil) : decide(.urgentSafety, rules: ruleUrgent, features: features)
        if urgent, !ruleUrgent, let urgentByModel {
            flags.append(FlagEntry(.urgentSafety, reason: "Possible emergency, read by the trained model (\(Self.percent(urgentByModel)))"
                + Self.weighed(features.flatMap { model?.explain(Flag.urgentSafety.rawValue, $0, label: "yes") } ?? [])
                + " Investigate and make safe within 24 hours (Awaab’s Law)."))
            hazard = .emergency
        } else if urgent {
            var what: [String] = []
            if has(.gas) { what.append("gas (\(quoted(.gas)))") }
            if has(.electrics) { what.append("electrics (\(quoted(.electrics)))") }
            if waterNearElectrics { what.append("water near electrics (\(quoted(.water, .electricFitting)))") }
            if noHeatVulnerable { what.append("no heating, water or toilet for a possibly vulnerable person (\(quoted(.noHeat)))") }
            if lockedOutVulnerable { what.append("a possibly vulnerable person shut out of the home (\(quoted(.lockedOut)))") }
            if waterUnstopped { what.append("a leak that cannot be stopped (\(quoted(.waterFlowing, .waterUnstopped)))") }
            if has(.structural) { what.append("structural danger (\(quoted(.structural)))") }
            if weak, has(.fire) { what.append("fire safety (\(quoted(.fire)))") }
            if weak, has(.security) { what.append("security of the home (\(quoted(.security)))") }
            if weak, has(.otherHazard) { what.append("hazard (\(quoted(.otherHazard)))") }
            flags.append(FlagEntry(.urgentSafety, reason: "Possible emergency: " + what.joined(separator: "; ") + ". Investigate and make safe within 24 hours (Awaab’s Law)."))
            hazard = .emergency
        }
        // Damp or mould, unless the text only thanks for its cure or suggests how to prevent it
        // ("trickle vents would help, a lot of flats here get condensation").
        // Nor when the text says it is over or was never there ("finally dry", "nothing wrong at
        // the moment"), unless it also says it goes on ("it's back").
        let dampOver = has(.dampOver) && !has(.ongoing)
        // Thanks or an idea that says the damp goes on ("fixed last month but the mould is back")
        // still reports it, whatever the kind read.
        let praiseOrIdeaOnly = (kind == .compliment || kind == .suggestion) && !has(.ongoing)
        let ruleDamp = has(.damp) && !praiseOrIdeaOnly && !dampOver
        let noDamp = dampOver || !has(.damp) && has(.denied) || praiseOrIdeaOnly
        let (damp, dampByModel) = noDamp ? (false, nil) : decide(.dampMouldHazard, rules: ruleDamp, features: features)
        if damp, !ruleDamp, let dampByModel {
            flags.append(FlagEntry(.dampMouldHazard, reason: "Possible damp or mould, read by the trained model (\(Self.percent(dampByModel)))"
                + Self.weighed(features.flatMap { model?.explain(Flag.dampMouldHazard.rawValue, $0, label: "yes") } ?? [])
                + " A significant hazard to investigate within 10 working days (Awaab’s Law)."))
            if hazard == nil { hazard = .significant }
        } else if damp {
            let severe = has(.dampSevere) || has(.children) || has(.pregnancy) || has(.illness) || has(.age)
            flags.append(FlagEntry(.dampMouldHazard, reason: "Damp or mould reported (\(quoted(.damp)))" + (severe
                ? ", with \(has(.dampSevere) ? "signs it is severe (\(quoted(.dampSevere)))" : "a possibly vulnerable household"): treat as a possible emergency hazard (24 hours) until investigated."
                : ": a significant hazard to investigate within 10 working days (Awaab’s Law).")))
            if hazard == nil { hazard = severe ? .emergency : .significant }
        }

        // Representatives: the decoder's, or one the text names.
        if let representative {
            flags.append(FlagEntry(.representative, reason: "Written by \(representative.name ?? "a representative") as \(representative.role.rawValue.replacingOccurrences(of: "_", with: " ")) for the resident."))
        } else if has(.representative) {
            let role = Representative.Role.reading((hits[.representative] ?? []).joined(separator: " "))
            flags.append(FlagEntry(.representative, reason: "Written for the resident by someone else (\(quoted(.representative))); role read as \(role.rawValue.replacingOccurrences(of: "_", with: " "))."))
            if !has(.consent) {
                flags.append(FlagEntry(.consentRequired, reason: "The text says it is written for someone else (\(quoted(.representative))) but not that they agreed: get the resident's consent before sharing their details."))
            }
        }

        // Time limit: for a person to decide, never an exclusion.
        if has(.outOfTime) || Self.mentionsOldYear(textWords, received: received) || Self.mentionsMonthOverAYearAgo(textWords, received: received) {
            let evidence = has(.outOfTime) ? quoted(.outOfTime) : "a date more than 12 months ago"
            flags.append(FlagEntry(.possiblyOutOfTime, reason: "The text suggests the problem is over 12 months old (\(evidence)). A person decides whether it is within time or discretion applies (Code 2.3); nothing is excluded automatically."))
        }

        return TriageReading(kind: kind, kindReason: reason, category: category, categoryReason: categoryReason,
                             serviceArea: area, serviceAreaReason: areaReason, stage: stage, flags: flags, hazard: hazard,
                             confidence: confidence, runnerUp: runnerUp, runnerUpConfidence: runnerUpConfidence)
    }

    /// The vulnerability cues, which need the sense and not only the word.
    static let cueSignals: SignalSet = [.age, .disability, .illness, .mentalHealth, .children, .pregnancy, .language, .lifeEvent]
    private static func hashes(_ words: [String]) -> WordSet { WordSet(words) }
    /// "not disabled", "no mental health problems", "isn't pregnant": a negated cue is no cue.
    static let negators = hashes(["not", "no", "isnt", "arent", "wasnt", "never", "without", "nor", "neither", "dont", "doesnt", "hasnt", "havent", "hadnt", "didnt"])
    static let affected = hashes(["affected", "fine"])
    static let alternatives = hashes(["or", "nor"])
    static let well = hashes(["fine", "ok", "okay", "good"])
    /// How many words apart water and an electric fitting still make water near electrics: about
    /// a long sentence. Cross-validation lost no emergency at 15 (at 8 it lost 5 of 681); further
    /// apart, in a long email or its quoted history, they are two matters.
    static let waterWindow = 25
    /// "18 months old": a duration before it is an age.
    static let old = PhraseMatcher<Signal>.wordHashes("old")[0]
    static let overNegators = negators.union(["nobody", "noone", "yet", "cant", "cannot", "wont", "if", "until", "before", "get", "be"])
    /// Hazards a word just before denies: "no smell of gas", "no mould or anything", "not damp".
    static let deniable: SignalSet = [.gas, .electrics, .damp, .coDevice]
    /// "my neighbour is elderly", "the neighbour who is disabled": a cue about someone outside the
    /// household, unless the writer comes back into the words between. Not for life events: "my
    /// neighbour is harassing me" is the writer's.
    static let neighbours = hashes(["neighbour", "neighbours", "neighbor", "neighbors"])
    static let butWord = PhraseMatcher<Signal>.wordHashes("but")[0]
    static let stairWord = PhraseMatcher<Signal>.wordHashes("stair")[0]
    /// How far after "not a complaint" a "but" takes the disclaimer back.
    static let butWindow = 8
    private static let fearWords = hashes(["frightened", "scared", "terrified", "afraid", "distressed", "anxious", "petrified"])
    private static let feels = hashes(["is", "was", "feels", "felt", "gets", "got", "are", "were", "seems", "been"])
    private static let degree = hashes(["now", "so", "too", "really", "very", "quite", "getting", "becoming", "always"])

    /// Whether the words before `index` make a neighbour the one who feels it: "my neighbour is
    /// scared", "the neighbours are now frightened", "my neighbour has been too scared".
    static func neighbourFeels(_ words: [UInt64], before index: Int) -> Bool {
        var at = index - 1
        while at >= 0, degree.contains(words[at]) { at -= 1 }
        guard at >= 1, feels.contains(words[at]) else { return false }
        at -= 1
        if at >= 1, hasOrHave.contains(words[at]) { at -= 1 }
        return neighbours.contains(words[at])
    }
    private static let hasOrHave = hashes(["has", "have"])
    /// Whether the words from `index` are "to use", "to touch", "to switch on", ...: the fear is of
    /// using something.
    static func fearOfUsing(_ words: [UInt64], after index: Int) -> Bool {
        index + 1 < words.count && words[index] == to && usingVerbs.contains(words[index + 1])
    }
    private static let to = PhraseMatcher<Signal>.wordHashes("to")[0]
    private static let usingVerbs = hashes(["use", "touch", "switch", "turn", "plug", "cook"])
    /// Dangers in the home a fear of using something can follow.
    static let dangers: SignalSet = [.gas, .electrics, .electricFitting, .fire, .structural, .water, .otherHazard]
    /// How far after "neighbour" a cue is still the neighbour's: "my neighbour across the landing
    /// is in her nineties" (3 words missed it). The writer coming back ("and I am") ends it, and
    /// so does the customer named ("neighbour calling for the tenant at no 12, who is in
    /// hospital"). Wider windows lost true cues in the data: 10 words that one, 7 "her neighbour
    /// interpreted. She asked for an interpreter" (words are read without their full stops).
    static let neighbourWindow = 5
    /// The customer named, in words and in a phone note's shorthand ("tnt (90) no heating").
    static let customerNamed = hashes(["tenant", "tenants", "resident", "customer", "caller", "tnt", "tnts"])
    /// How far after a supposing phrase ("in case of", "what to do if") a hazard is only supposed:
    /// "in case of a gas leak", "what to do if you ever smell gas".
    static let hypotheticalWindow = 6
    /// How far after a need that is over ("no longer need") a cue is that need: "no longer need
    /// an interpreter", "no longer uses a wheelchair".
    static let needOverWindow = 4
    /// Hazards a supposing phrase undoes.
    static let supposable: SignalSet = [.gas, .electrics, .electricFitting, .water, .structural, .fire, .security, .noHeat, .otherHazard]
    /// "my councillor", "our local MP", "my support worker": someone the writer has, not someone
    /// writing for them ("my constituent" and "my client" are phrases of their own).
    static let possessive = hashes(["my", "our"])
    static let local = PhraseMatcher<Signal>.wordHashes("local")[0]
    static let firstPerson = hashes(firstSingularWords + ["we", "us", "our"])
    /// "Lots of older tenants in our block struggle to read them" (b66-028): a cue about people
    /// in general, named as a group with a word of how many or which, is nobody's disclosure;
    /// the writer coming back in the singular ("many residents, me included, ...") ends it.
    static let groups = hashes(["tenants", "residents", "people", "families", "neighbours", "pensioners", "households"])
    static let groupQuantifiers = hashes(["many", "some", "most", "other", "old", "older", "elderly", "all", "several", "lots", "lot", "few"])
    private static let firstSingularWords = ["i", "im", "ive", "me", "my", "mine", "myself"]
    static let firstSingular = hashes(firstSingularWords)
    /// How far after the group a cue is still the group's.
    static let groupWindow = 6
    /// Words of fear, and the animals whose fear they can be: "the dog was terrified".
    static let fears = Set(TriageLexicon.fears)
    static let wentDead = Set(TriageLexicon.wentDead)
    static let alarmWords = hashes(["alarm", "alarms", "detector", "detectors"])
    static let pets = hashes(["dog", "dogs", "puppy", "cat", "cats", "kitten", "pet", "pets", "animal", "animals", "bird", "birds", "budgie", "rabbit", "horse", "horses"])
    /// The phrase "no longer", and the words after it that make it a fault ("no longer locks")
    /// rather than a service stopped ("the cleaning no longer happens").
    static let noLonger = PhraseMatcher<Signal>.wordHashes("no longer")
    /// The structural phrases that say what leans on what.
    static let leaningOn: Set<String> = ["leaning on", "leaning against"]
    static let determiners = hashes(["the", "a", "my", "our", "her", "his"])
    static let wallWords = hashes(["wall", "walls"])
    static let ofWord = PhraseMatcher<Signal>.wordHashes("of")[0]
    /// Whether the words from `start` are "the wall" (or "a wall", "my wall"), and not "the wall of".
    static func restsOnAWall(_ words: [UInt64], from start: Int) -> Bool {
        var at = start
        if at < words.count, determiners.contains(words[at]) { at += 1 }
        return at < words.count && wallWords.contains(words[at]) && (at + 1 == words.count || words[at + 1] != ofWord)
    }
    static let bodyVerbs = hashes(["step", "walk", "climb", "bend", "kneel", "stand", "cope", "manage"])
    static let able = PhraseMatcher<Signal>.wordHashes("able")[0]
    /// "she can no longer open it", "I could no longer": a person's ability lost, whatever the verb.
    static let canWords = hashes(["can", "could"])
    /// The verbs after "can no longer" or "no longer able to" that still say a service stopped
    /// reaching the writer: "I can no longer get through to the repairs line", "no longer able to
    /// contact my housing officer".
    static let contactVerbs = hashes(["contact", "speak", "talk", "call", "phone", "ring", "email", "trust", "rely", "afford", "pay",
                                      "report", "book", "log"])
    /// "get through", "get hold of", "get an answer": reaching the landlord, not a body's reach.
    static let getWord = PhraseMatcher<Signal>.wordHashes("get")[0]
    static let gotThrough = hashes(["through", "hold", "an", "a", "anyone", "anybody", "someone", "any"])
    /// Whether the verb at `at` is reaching the landlord: ``contactVerbs``, or "get through".
    static func reachesTheLandlord(_ words: [UInt64], at: Int) -> Bool {
        contactVerbs.contains(words[at]) || words[at] == getWord && at + 1 < words.count && gotThrough.contains(words[at + 1])
    }
    /// "the gas meter cupboard": an electric fitting's phrase after "gas".
    static let meterCupboard = "meter cupboard"
    static let gasWord = PhraseMatcher<Signal>.wordHashes("gas")
    /// "the damp survey": the damp phrase before a word of ``dampVisit``.
    static let dampWord = "damp"
    /// The landlord's visits and reports named after "damp": "the damp survey is booked".
    static let dampVisit = WordSet(["survey", "surveys", "surveyor", "surveyors", "inspection", "inspector", "assessment", "appointment", "visit"])
    /// "No reply needed": the failure phrases that a word of ``notWanted`` after them undoes.
    static let noReply: Set<String> = ["no reply", "no response"]
    /// ``TriageLexicon/repeatCounts``, which after a word of ``cleaning`` say only what the
    /// household did: "wiped it 3 times this week" (b82-009).
    static let repeatCounts = Set(TriageLexicon.repeatCounts)
    static let cleaning = hashes([
        "wipe", "wiped", "wiping", "clean", "cleaned", "cleaning", "bleach", "bleached", "bleaching", "scrub", "scrubbed",
        "scrubbing", "wash", "washed", "spray", "sprayed", "mop", "mopped",
    ])
    /// Conduct that anyone can show: in a report of a neighbour ("he swore at me when I asked him to
    /// turn it down", b14-030, b77-019, b82-025) it is the neighbour's, not the landlord's staff's.
    static let conductByAnyone: Set<String> = ["swore at", "shouted at"]
    static let stillWorks: Set<String> = ["still works", "still working"]
    static let reportedSpeech = hashes(["said", "saying", "says", "say", "told", "tells", "tell", "claimed", "claims", "insisted"])
    /// The wait counted before it ("7 weeks waiting for someone to fix the gutter"), unless asked about.
    static let waitedFor = Set(TriageLexicon.waitedFor)
    static let waitAsked = hashes(["many", "how", "the", "average", "usual", "typical", "normal", "few"])
    /// The customer speaking in a phone note: "She says", "Caller said" (the note must name a caller).
    static let callersWords = hashes(["she", "he", "caller", "they"])
    static let saysOrSaid = hashes(["says", "said"])
    /// Whether the reported speech before `index` is the caller's in a phone note, not the
    /// landlord's staff ("your call centre keeps saying it's not an emergency", b41-002).
    static func callerSays(_ words: [UInt64], before index: Int) -> Bool {
        guard index >= 2, words.contains(callerWord[0]) else { return false }
        for at in Swift.max(1, index - 4)..<index where saysOrSaid.contains(words[at]) {
            if callersWords.contains(words[at - 1]) { return true }
        }
        return false
    }
    /// A partner's violence is a cue when the partner is the household's: "my partner has been
    /// violent", "her husband got violent", "a violent relationship"; not "the boyfriend gets
    /// violent with the door" upstairs.
    static let partnerViolence = Set(TriageLexicon.partnerViolence)
    static let householdsPartner = hashes(["my", "her", "his", "our", "a"])
    static let notWanted = WordSet(["needed", "necessary", "required", "expected"])
    /// A phone note's first word, before a caller named as someone's relative.
    static let callerWord = PhraseMatcher<Signal>.wordHashes("caller")
    /// The relatives a phone note's caller may be named as, by their words' hashes.
    static let callerRelatives = WordTable(TriageLexicon.relatives.map { (PhraseMatcher<Signal>.wordHashes($0)[0], $0) })
    /// What the relative did: "Caller, Mrs Lewis's daughter, said".
    static let relativeSaid = hashes(["said", "says", "reports", "reported", "rang", "called", "asked", "asks"])
    /// The words that make the relative the caller's own: "Caller, whose daughter rang".
    static let ownRelative = hashes(["her", "his", "my", "whose", "their", "our", "caller", "callers"])
    /// "lives alone", "lives on her own", "lives by himself": "lives", then "alone", or "on" or
    /// "by" with one of ``ownWords`` in the two words after.
    static let livesWord = PhraseMatcher<Signal>.wordHashes("lives")[0]
    static let aloneWord = PhraseMatcher<Signal>.wordHashes("alone")[0]
    static let onOrBy = hashes(["on", "by"])
    static let ownWords = hashes(["own", "herself", "himself"])
    /// How many words before "lives" the relative may be named: "her mum, who is 91 and lives".
    static let livingAloneReach = 8
    /// "lives at 2 Hazel Walk", "lives in flat 4", "lives at number 12": an address of their own.
    static let atOrIn = hashes(["at", "in"])
    static let addressWords = hashes(["number", "no", "flat", "flats"])
    /// The relative, named after one of ``ownRelative`` ("my father", "her mum"), who "lives alone"
    /// a few words on, or lives at an address the text gives ("My mother, Mrs Ida Carter, is 94
    /// and lives at 2 Hazel Walk", b92-025): not of the writer's household.
    /// The evidence it gives: "mother lives alone", "mother lives at an address of their own".
    static func relativeLivingApart(_ textWords: TriageFeatures.Words) -> String? {
        let words = textWords.hashes
        for index in words.indices where index >= 2 && index + 1 < words.count && words[index] == livesWord {
            let alone = words[index + 1] == aloneWord
                || onOrBy.contains(words[index + 1]) && words[(index + 2)..<Swift.min(index + 4, words.count)].contains(where: ownWords.contains)
            let atAddress = !alone && atOrIn.contains(words[index + 1]) && index + 2 < words.count
                && (addressWords.contains(words[index + 2]) || number(textWords, at: index + 2, maxLength: 4) != nil)
            guard alone || atAddress else { continue }
            for at in Swift.max(1, index - livingAloneReach)..<index {
                if let relative = callerRelatives[words[at]], ownRelative.contains(words[at - 1]) {
                    return alone ? "\(relative) lives alone" : "\(relative) lives at an address of their own"
                }
            }
        }
        return nil
    }
    /// The representative's phrases that a group can follow: "on behalf of the residents' association".
    static let behalf: Set<String> = ["on behalf of", "writing on behalf"]
    static let groupBodies = hashes(["association", "associations", "committee", "group", "forum", "panel", "board", "society",
                                     "club", "federation"])
    /// Whether a group is named within a few words from `start`: "(of) the Oak Estate Residents' Association".
    static func forAGroup(_ words: [UInt64], from start: Int) -> Bool {
        words[Swift.min(start, words.count)..<Swift.min(start + 6, words.count)].contains(where: groupBodies.contains)
    }
    static let livingAlone: Set<String> = ["lives alone", "live alone", "living alone"]
    /// Whether an age under 60 stands right beside `found` ("Lives alone, 45", "45, lives alone",
    /// "is 38 and lives alone") or a few words on after "aged" or "is" ("lives alone and is 52").
    /// Not a house number after "at" ("lives alone at 12 Ash Walk"), which is not beside it.
    static func youngerAgeBeside(_ textWords: TriageFeatures.Words, _ found: Range<Int>) -> Bool {
        let words = textWords.hashes
        func young(_ at: Int) -> Bool {
            guard at >= 0, at < words.count, let age = number(textWords, at: at, maxLength: 2) else { return false }
            return age >= 16 && age < 60
        }
        if young(found.upperBound) || young(found.lowerBound - 1) { return true }
        if found.lowerBound >= 2, words[found.lowerBound - 1] == andWord, young(found.lowerBound - 2) { return true }
        for at in found.upperBound..<Swift.min(found.upperBound + 3, words.count) where ageBefore.contains(words[at]) {
            if young(at + 1) { return true }
        }
        return false
    }
    static let andWord = PhraseMatcher<Signal>.wordHashes("and")[0]
    /// The failure phrases of a routine service's lapse, which a single round makes a request.
    static let roundLapses: Set<String> = ["not been emptied", "hasnt been emptied", "has not been emptied", "not been cut",
                                           "hasnt been cut", "not been cleaned", "hasnt been cleaned"]
    static let singleDays = hashes(["today", "yesterday", "tonight"])
    static let thisOrLast = hashes(["this", "last"])
    static let weekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    /// After "this" or "last": "this week", "last Tuesday".
    static let oneRoundTimes = hashes(["week", "weekend", "morning", "time"] + weekdayNames)
    static let onWord = PhraseMatcher<Signal>.wordHashes("on")[0]
    /// After "on": "on Monday", "on tues".
    static let weekdays = hashes(weekdayNames + UKDateReader.weekdays + ["tues", "thurs"])
    /// Whether the words from `start` name one round: "today", "this week", "last Tuesday", "on Monday".
    static func oneRound(_ words: [UInt64], from start: Int) -> Bool {
        guard start < words.count else { return false }
        if singleDays.contains(words[start]) { return true }
        guard start + 1 < words.count else { return false }
        return thisOrLast.contains(words[start]) && oneRoundTimes.contains(words[start + 1])
            || words[start] == onWord && weekdays.contains(words[start + 1])
    }
    /// Mobility aids named in general, as a place's access is asked about.
    static let aidsInGeneral = hashes(["wheelchairs", "rollators"])
    static let usesVerbs = hashes(["uses", "use", "needs", "need", "has", "in", "relies", "using"])
    static let oneWord = PhraseMatcher<Signal>.wordHashes("one")[0]
    /// "accessible for wheelchairs? My husband uses one": an aid in general, then someone who uses
    /// (or needs, or is in) one within twelve words.
    static func aidInUse(_ words: [UInt64]) -> String? {
        for index in words.indices where aidsInGeneral.contains(words[index]) {
            let reach = Swift.min(index + 12, words.count)
            if (index + 1..<reach).contains(where: { at in usesVerbs.contains(words[at]) && at + 1 < words.count && words[at + 1] == oneWord }) {
                return "mobility aid … uses one"
            }
        }
        return nil
    }

    /// Small children or pensioners named as a kind, which are the household's only with
    /// ``households`` just before: "my toddlers", "I have two babies", "with young children", "we
    /// are both pensioners" (not "Many of us are pensioners", b55-009).
    static let inGeneral: Set<String> = ["toddlers", "babies", "young children", "young kids", "little ones", "small children", "small kids",
                                         "pensioners"]
    static let households = hashes(["my", "our", "her", "his", "their", "i", "we", "have", "has", "got", "with", "both", "2", "3", "4",
                                            "two", "three", "four", "twin"])
    static let stopsWorking = hashes([
        "lock", "locks", "shut", "shuts", "close", "closes", "opens", "work", "works", "flushes", "drains", "heats", "fits",
        "latches", "catches", "turns", "lights", "holds", "seals",
        // "the loft hatch has warped and no longer sits in its frame" (b94-002).
        "sits", "sit", "stays", "meets", "lines",
    ])
    /// The alarm phrases of ``Signal/fire`` that ``Signal/alarmNuisance`` makes a nuisance.
    static let alarms = Set(TriageLexicon.alarms)
    /// How far apart a carbon monoxide alarm and the words of it sounding still go together: "the
    /// carbon monoxide detector in my kitchen went off at 3am".
    static let alarmWindow = 8
    /// How many words before an alarm's nuisance a negation undoes it ("doesn't go off even when I burn toast").
    static let alarmNuisanceReach = 6
    /// How an alarm tells of a battery running down: beeps, chirps, a flashing light, an error.
    static let batterySounds: Set<String> = ["beeping", "beeps", "chirping", "chirps", "flashing", "err", "error", "display says"]
    /// A battery said to be running down (``TriageLexicon/batteryLow``).
    static let batteryLow = Set(TriageLexicon.batteryLow)

    /// The phrase lists' findings in a text, by signal, each phrase once; vulnerability cues
    /// that are negated ("I'm not disabled", "my mental health has not been affected") dropped.
    func signals(in text: String, words textWords: TriageFeatures.Words? = nil) -> SignalHits {
        let textWords = textWords ?? TriageFeatures.Words(text)
        let words = textWords.hashes
        var hits = SignalHits()
        let found = matcher.matches(in: words)
        // "no smell of gas", "no mould": the word just before denies it.
        // "no gas smell", "no funny smell now": for the pairs below, a smell the two words before deny.
        func denied(_ match: PhraseMatcher<Signal>.Match, reach: Int = 1) -> Bool { named(Self.negators, within: reach, before: match) }
        // Whether one of `set` is among the `reach` words just before the match.
        func named(_ set: WordSet, within reach: Int, before match: PhraseMatcher<Signal>.Match) -> Bool {
            words[Swift.max(0, match.word - reach)..<match.word].contains(where: set.contains)
        }
        // "the disabled bay", "flooded with post", "my hands were damp", "won't close properly": a
        // phrase that holds a word in another sense hides every finding it overlaps (itself
        // included), for every signal and every pair below; not a writer's word that there is no
        // danger, which may be such a phrase itself ("well away from any lights or sockets").
        let notCues = found.filter { $0.tag == .notCue }.map(\.words)
        let matches = notCues.isEmpty ? found : found.filter { match in match.tag == .notUrgent || !notCues.contains { $0.overlaps(match.words) } }
        // "in case of a gas leak" (not "I don't know what to do if ..."), "I no longer need large print".
        let supposings = matches.filter { $0.tag == .supposed && !named(Self.negators, within: 3, before: $0) }.map(\.words.upperBound)
        let needsOver = matches.filter { $0.tag == .needOver }.map(\.words)
        let devices = matches.filter { $0.tag == .coDevice }.map(\.words)
        func supposed(_ match: PhraseMatcher<Signal>.Match) -> Bool {
            !supposings.isEmpty && supposings.contains { match.word >= $0 && match.word < $0 + Self.hypotheticalWindow }
        }
        var dampVisit: String?
        for match in matches where !(hits[match.tag]?.contains(match.phrase) ?? false) {
            let end = match.words.upperBound
            if Self.supposable.contains(match.tag), supposed(match) { continue }
            // Words of failing ("not working", "out", "flickering") count as a light out only with
            // a light named just before them.
            if match.tag == .lightOut, !named(Self.lamps, within: Self.lampWindow, before: match) { continue }
            if match.tag == .workerDamage {
                if Self.damagedByWorkers(words, at: match.word) { hits.append(match.phrase, to: .failure) }
                continue
            }
            if match.tag == .crewAbsent {
                if named(Self.crews, within: Self.crewWindow, before: match) { hits.append(match.phrase, to: .failure) }
                continue
            }
            if !needsOver.isEmpty, match.tag != .needOver, needsOver.contains(where: { $0.overlaps(match.words) }) { continue }
            if match.tag == .representative, match.word > 0,
               Self.possessive.contains(words[match.word - 1])
                || match.word > 1 && words[match.word - 1] == Self.local && Self.possessive.contains(words[match.word - 2]) { continue }
            // "On behalf of the Oak Estate Residents' Association, we would like to propose" (b93-003):
            // a group writing as itself speaks for no one resident, as the data's associations,
            // forums and groups never do (b03-090, b08-008, b33-020).
            if match.tag == .representative, Self.behalf.contains(match.phrase), Self.forAGroup(words, from: end) { continue }
            // "she is not unhappy with the banding": displeasure denied (not "not happy", whose
            // first word is the negation).
            if match.tag == .emotion, match.word > 0, Self.negators.contains(words[match.word - 1]),
               !Self.negators.contains(words[match.word]) { continue }
            // "not happy with how my complaint was handled": no praise of how it was done.
            if match.tag == .praise, match.word > 0, Self.negators.contains(words[match.word - 1]),
               Self.praiseOfHow.contains(match.phrase) { continue }
            if Self.cueSignals.contains(match.tag) {
                let before = words[Swift.max(0, match.word - 2)..<match.word]
                if before.contains(where: Self.negators.contains) { continue }
                // "I am not elderly or disabled": the negation reaches over "or" to the next cue.
                if match.word >= 2, Self.alternatives.contains(words[match.word - 1]),
                   words[Swift.max(0, match.word - 4)..<(match.word - 1)].contains(where: Self.negators.contains) { continue }
                if needsOver.contains(where: { match.word >= $0.upperBound && match.word < $0.upperBound + Self.needOverWindow }) { continue }
                if Self.aboutSomeoneElse(words, before: match.word, neighbours: match.tag != .lifeEvent) { continue }
                if match.tag == .lifeEvent, Self.fearWords.contains(words[match.word]) {
                    // "My elderly neighbour is scared to go out after dark" (b99-034): the neighbour's
                    // fear, the neighbour its subject. Not "my neighbour threatened me and I am
                    // scared", nor "scared of my neighbour". ("My neighbour is harassing me" is the
                    // customer's harm: only fear is the neighbour's.)
                    if Self.neighbourFeels(words, before: match.word) { continue }
                    // "The socket went bang ... I've turned the power off at the consumer unit but I'm
                    // scared to use the kitchen" (b103-031): fear of using a thing the text finds a
                    // danger in, not of a person, where nothing in it is anti-social behaviour or a
                    // threat. "He shouts abuse at me ... I am frightened to use the stairs now"
                    // (b95-030), with no danger, is a cue.
                    if Self.fearOfUsing(words, after: end), matches.contains(where: { Self.dangers.contains($0.tag) }),
                       !matches.contains(where: { $0.tag == .asb || $0.tag == .threat }) { continue }
                }
                // "a page in Polish" in the newsletter, "the website also in Arabic", "posters were
                // printed in Arabic": a publication for everyone, no household's need (the data's
                // b14-007, b27-072, b61-012 and b74-004, all without a cue). Not "my letters in Polish".
                if match.tag == .language, named(Self.publications, within: 3, before: match) { continue }
                let after = words[Swift.min(end, words.count)..<Swift.min(end + 5, words.count)]
                if let negation = after.firstIndex(where: Self.negators.contains), after[negation...].contains(where: Self.affected.contains) { continue }
                // "the dog was terrified of the fireworks": an animal's fear, not the household's.
                if match.tag == .lifeEvent, Self.fears.contains(match.phrase),
                   let pet = words[Swift.max(0, match.word - 3)..<match.word].lastIndex(where: Self.pets.contains),
                   !words[pet..<match.word].contains(where: Self.firstPerson.contains) { continue }
                // "my mental health is fine": a state of health the words after call well, with no
                // negation between. Not a baby or an age: "my baby is fine" still has a baby.
                if match.tag == .illness || match.tag == .mentalHealth, let well = after.prefix(3).firstIndex(where: Self.well.contains),
                   !after[..<well].contains(where: Self.negators.contains) { continue }
                // "toddlers can get out onto the road", "worried about toddlers" (b77-016), "the
                // pensioners' lunch club" (b88-007): people of a kind in general, not the household's
                // ("my two toddlers", "we have babies", "we are both pensioners").
                if match.tag == .children || match.tag == .age, Self.inGeneral.contains(match.phrase),
                   !named(Self.households, within: 3, before: match) { continue }
                // "Lives alone, 45." (b93-030), "she is 38 and lives alone": living alone is an age's
                // cue only when no younger age stands beside it.
                if match.tag == .age, Self.livingAlone.contains(match.phrase), Self.youngerAgeBeside(textWords, match.words) { continue }
            }
            // "carbon monoxide" in "a carbon monoxide detector": the device (``Signal/coDevice``).
            if match.tag == .gas, !devices.isEmpty, devices.contains(where: { $0.overlaps(match.words) }) { continue }
            // "the handrail on the stairs is loose and moves when you hold it" (b86-031): a rail to be
            // fixed, as the data's four loose handrails are, which the model does not make an
            // emergency when the lists find none. Come away from the wall, it is structural (below).
            if match.tag == .givingWay, named(Self.rails, within: Self.railWindow, before: match),
               Self.looseness.contains(match.phrase) {
                hits.append(match.phrase, to: .fittingLoose)
            }
            // "The fence panel between me and number 9 is leaning" (b97-036): a garden's fence, gate or
            // shed leaning is a repair, as the data's b38-027, b52-016 and b60-036 are; a wall, a
            // tree, a chimney, a lamp post or a fire door leaning is still structural danger.
            if match.tag == .structural, Self.leaning.contains(match.phrase),
               named(Self.gardenFixtures, within: Self.gardenFixtureWindow, before: match) {
                hits.append(match.phrase, to: .fault)
                continue
            }
            // The fittings are looked for among all findings: "the roller blind" hides "blind" as a
            // cue, not the blind as a fitting.
            if match.tag == .structural, Self.awayFromTheWall.contains(match.phrase),
               found.contains(where: { $0.tag == .fitting && $0.word < match.word && match.word - $0.word <= Self.fittingWindow }) {
                hits.append(match.phrase, to: .fault)
                hits.append(match.phrase, to: .fittingLoose)
                continue
            }
            // "Bins not been emptied this week" (b93-012), "not been cut on Tuesday": one round missed is
            // a service to put right (the labelling guide; the data's b02-085, b70-008, b72-030), not
            // the failure of weeks ("not been emptied for three weeks").
            if match.tag == .failure || match.tag == .failureToProvide, Self.roundLapses.contains(match.phrase),
               Self.oneRound(words, from: end) {
                if match.tag == .failure { hits.append(match.phrase, to: .fault) }
                continue
            }
            // "wiped it 3 times this week": the household's cleaning counted, not its reports (b82-009).
            if match.tag == .failure, Self.repeatCounts.contains(match.phrase),
               named(Self.cleaning, within: 2, before: match) { continue }
            if match.tag == .lifeEvent, match.word == 0 || !Self.householdsPartner.contains(words[match.word - 1]),
               Self.partnerViolence.contains(match.phrase) { continue }
            // "How many weeks waiting for a transfer is normal?": a question about the wait, not a wait.
            if match.tag == .failure, Self.waitedFor.contains(match.phrase), match.word > 0,
               Self.waitAsked.contains(words[match.word - 1]) { continue }
            // "your call centre keeps saying it's not an emergency" (b41-002): someone else's word, not
            // the writer's; but in a phone note the caller's own word is the customer's: "She says
            // it is not urgent" (b94-040).
            if match.tag == .notUrgent, named(Self.reportedSpeech, within: 4, before: match),
               !Self.callerSays(words, before: match.word) { continue }
            // "No reply needed": the writer asks for none, no failure to answer (b76-028).
            if Self.noReply.contains(match.phrase), end < words.count, Self.notWanted.contains(words[end]) { continue }
            // "the damp survey", "a damp surveyor": the landlord's visit named, not damp found; the
            // text's own findings ("mould now in both bedrooms") still count (b76-004).
            if match.tag == .damp, match.phrase == Self.dampWord, end < words.count, Self.dampVisit.contains(words[end]) {
                dampVisit = match.phrase
                continue
            }
            // "the gas meter cupboard" is the gas's cupboard, not an electric fitting that water or
            // a danger denied elsewhere in the text could be near.
            if match.tag == .electricFitting, match.phrase == Self.meterCupboard, match.word > 0, words[match.word - 1] == Self.gasWord[0] { continue }
            if Self.deniable.contains(match.tag), denied(match) {
                hits.append(match.phrase, to: .denied)
                continue
            }
            // "the door no longer locks", "the flush no longer works": a fault; "he can no longer step
            // into the bath", "she is no longer able to climb": a body's ability lost (b83-036), and
            // so "she can no longer open it from the inside", "I am no longer able to cut the grass"
            // (b91-011, b92-025) whatever the verb, unless it is reaching the landlord ("I can no
            // longer get through"). Neither is a service withdrawn.
            if match.count == 2, words[match.word] == Self.noLonger[0], words[match.word + 1] == Self.noLonger[1], end < words.count,
               Self.stopsWorking.contains(words[end]) || Self.bodyVerbs.contains(words[end])
                || words[end] == Self.able && end + 2 < words.count && !Self.reachesTheLandlord(words, at: end + 2)
                || match.word > 0 && Self.canWords.contains(words[match.word - 1]) && !Self.reachesTheLandlord(words, at: end) { continue }
            // "it came away in her hand, its now leaning on the wall" (b92-004): a thing set against a
            // wall rests there; a tree or a chimney "leaning on the garage roof" or "against the
            // house" is the danger, and so is one "leaning against the wall of the flats".
            if match.tag == .structural, Self.leaningOn.contains(match.phrase), Self.restsOnAWall(words, from: end) { continue }
            // "my twins are 18 months old", "he is 2 years old": an age, not how long the problem has lasted.
            if match.tag == .outOfTime, end < words.count, words[end] == Self.old { continue }
            // "my sons 18 months and ...", "my son is 18 months and has asthma" (b71-009): the
            // child's age again, without "old".
            if match.tag == .outOfTime, match.word > 0,
               Self.childNamed(before: words[match.word - 1], twoBefore: match.word > 1 ? words[match.word - 2] : 0) { continue }
            // "kicked in the door to the bike store", "the bin store lock is broken" (b72-025): a
            // communal store's security, not the home's; a fault all the same.
            if match.tag == .security, Self.namesAStore(words, around: match.words) {
                hits.append(match.phrase, to: .fault)
                continue
            }
            // "nobody has fixed it", "never made safe": a negated end of the danger is none.
            if match.tag == .hazardOver, named(Self.overNegators, within: 3, before: match) { continue }
            // "I'm not complaining about the fitter, but ...": what comes after "but" is the complaint.
            if match.tag == .notComplaint, words[end..<Swift.min(end + Self.butWindow, words.count)].contains(Self.butWord) {
                hits.append(match.phrase, to: .notComplaintBut)
            }
            hits.append(match.phrase, to: match.tag)
        }
        // Two findings near each other that mean a hazard together and nothing apart:
        // "the balcony railing has come loose" (a part that can fall, giving way) is structural
        // danger; "two sockets taped over as unsafe" (a fitting called dangerous) is electrical;
        // "the cooker flame keeps going out and there's a smell" is gas ("no smell" is none).
        func addNear(_ first: Signal, _ second: Signal, within distance: Int, as target: Signal) {
            for (a, b) in Self.near(first, second, within: distance, in: matches) {
                let phrase = Self.inOrder(a, b)
                if !(hits[target]?.contains(phrase) ?? false) { hits.append(phrase, to: target) }
            }
        }
        addNear(.fallingPart, .givingWay, within: 6, as: .structural)
        addNear(.entrance, .wontShut, within: 8, as: .security)
        addNear(.danger, .electricFitting, within: 6, as: .electrics)
        addNear(.water, .electricFitting, within: Self.waterWindow, as: .waterByFitting)
        if hits[.noHeat] == nil { addNear(.heater, .outOfOrder, within: 6, as: .noHeat) }
        // "the heating only reaches 14 degrees", "it's 12 degrees in the flat" (b84-037, b60-026):
        // a home too cold is heat lost. Not "3 degrees outside", "minus 2 degrees".
        if hits[.noHeat] == nil, let cold = Self.coldIndoors(textWords) { hits.append(cold, to: .noHeat) }
        addNear(.reviewAsk, .complaintAnswer, within: 25, as: .escalation)
        addNear(.downAgain, .countedAgain, within: 8, as: .failure)
        addNear(.lockChange, .threat, within: 30, as: .security)
        addNear(.restrictor, .restrictorFailed, within: 8, as: .otherHazard)
        // A lift out of service and someone it shuts in, near it: a hazard, and a fault. "The lift at
        // Elm Tower is out and her husband uses a wheelchair" ("lift" in "stair lift" is the
        // stairlift's). "The stairlift has stopped halfway ... he is now stuck upstairs" (b99-025):
        // shut upstairs in his own home, with no way out in a fire; not a stairlift out with the
        // person downstairs (b05-016) or "housebound" (e035): they can leave (labelling guide, stop
        // 69). "Stuck upstairs" is said of nothing else, so it may come two sentences on (30 words
        // in b99-025).
        func addShutIn(_ lift: Signal, by barrier: Signal, within distance: Int,
                       unless skip: (PhraseMatcher<Signal>.Match) -> Bool = { _ in false }) {
            let out = Self.near(lift, .outOfService, within: 6, in: matches).map(\.0).filter { !skip($0) }
            guard !out.isEmpty,
                  let (shut, by) = Self.near(lift, barrier, within: distance, in: out + matches.filter { $0.tag == barrier }).first
            else { return }
            hits.append("\(shut.phrase) … \(by.phrase)", to: .otherHazard)
            hits.append("\(shut.phrase) … \(by.phrase)", to: .fault)
        }
        addShutIn(.liftOut, by: .stairsBarrier, within: 20, unless: { $0.word > 0 && words[$0.word - 1] == Self.stairWord })
        addShutIn(.stairlift, by: .upstairsStuck, within: 40)
        // "the kitchen window was smashed", "smashed the glass in the main door"; not "a car
        // parked on the grass with smashed windows".
        if let (glass, smash) = Self.near(.glazing, .smashed, within: 6, in: matches).first(where: { pair in
            let start = Swift.min(pair.0.word, pair.1.word)
            return !words[Swift.max(0, start - 24)..<start].contains(where: Self.vehicles.contains)
        }) {
            hits.append(Self.inOrder(glass, smash), to: .security)
        }
        // A smell or a sign counts unless denied (a smell by either of the two words before) or supposed.
        let stated = { (match: PhraseMatcher<Signal>.Match) in !denied(match, reach: match.tag == .smell ? 2 : 1) && !supposed(match) }
        if hits[.gas] == nil, let (appliance, _) = Self.near(.gasAppliance, .smell, within: 8, in: matches, where: stated).first {
            hits[.gas] = ["\(appliance.phrase) … smell"]
        }
        // "the boiler keeps going out ... she has had a headache for two days and feels sick":
        // the signs of carbon monoxide poisoning near a gas appliance, further apart than a smell.
        if hits[.gas] == nil, let (appliance, sign) = Self.near(.gasAppliance, .symptom, within: 15, in: matches, where: stated).first {
            hits[.gas] = ["\(appliance.phrase) … \(sign.phrase)"]
        }
        // "the smoke alarm goes off every time I make toast", "it chirps, I think it needs a new
        // battery": the alarm works; not "it doesn't go off even when I burn toast".
        let nuisance = matches.contains(where: { $0.tag == .alarmNuisance && !denied($0, reach: Self.alarmNuisanceReach) })
        if nuisance, let fire = hits[.fire], fire.contains(where: Self.alarms.contains) {
            hits.remove(from: .fire, where: Self.alarms.contains)
            for alarm in fire where Self.alarms.contains(alarm) {
                hits.append(alarm, to: .fault)
                hits.append(alarm, to: .alarmWorks)
            }
        }
        // "the line went dead": something stopped, and no alarm is named in the text.
        if !words.contains(where: Self.alarmWords.contains) { hits.remove(from: .fire, where: Self.wentDead.contains) }
        // "Caller, Mrs Lewis's daughter, said her mother has just come out of hospital" (b75-011,
        // b78-011): a phone note's caller named as someone's relative speaks for them. Not
        // "Caller, whose daughter said" or "Caller said her son": the caller's own relative.
        if hits[.representative] == nil, words.count > 3, words[0] == Self.callerWord[0],
           let relative = (1..<Swift.min(5, words.count - 1)).lazy.compactMap({ at in
               Self.relativeSaid.contains(words[at + 1]) && !Self.ownRelative.contains(words[at - 1]) ? Self.callerRelatives[words[at]] : nil
           }).first {
            hits.append("caller, \(relative)", to: .representative)
        }
        // "My father is 91 and lives alone at 4 Sycamore Close" (b12-068), "Caller said her mum, who
        // is 91 and lives alone at 4 Ash Walk" (b86-003): a relative who lives alone, or at an
        // address of their own, is not of the writer's household, and the writer speaks for them.
        // Not "my neighbour lives alone".
        if hits[.representative] == nil, let relative = Self.relativeLivingApart(textWords) {
            hits.append(relative, to: .representative)
        }
        // "The man upstairs ... swore at me when I knocked": with anti-social behaviour found, no worker
        // of the landlord's named and no other failure, the conduct is the neighbour's: an ASB report.
        if hits[.asb] != nil, hits[.landlordTarget] == nil, let failures = hits[.failure],
           failures.allSatisfy(Self.conductByAnyone.contains) {
            hits[.failure] = nil
            hits.remove(from: .staffBehaviour, where: Self.conductByAnyone.contains)
            hits.remove(from: .areaConduct, where: Self.conductByAnyone.contains)
        }
        // A damp survey that failed ("3rd time no one showed for the damp inspection") leaves the
        // damp it was for: damp, as the data labels it (b14-024, b40-036).
        if hits[.damp] == nil, let dampVisit, hits[.failure] != nil { hits.append(dampVisit, to: .damp) }
        // "the carbon monoxide alarm keeps going off" is carbon monoxide; "the CO alarm has come
        // off the wall" a hazard where it is reported; a question about fitting one, or one whose
        // battery is low, neither.
        if let devices = hits[.coDevice] {
            for device in devices { hits.append(device, to: .fault) }
            if !nuisance {
                if let (device, sound) = Self.near(.coDevice, .alarmSounding, within: Self.alarmWindow, in: matches).first {
                    // Not a sounding supposed: "what should I do if the CO alarm goes off?" (b76-016).
                    if hits[.gas] == nil, !supposed(device) { hits[.gas] = ["\(device.phrase) … \(sound.phrase)"] }
                } else {
                    for device in devices { hits.append(device, to: .otherHazard) }
                }
            } else if matches.contains(where: { $0.tag == .alarmNuisance && Self.batteryLow.contains($0.phrase) }),
                      Self.near(.coDevice, .alarmSounding, within: Self.alarmWindow, in: matches).allSatisfy({ Self.batterySounds.contains($0.1.phrase) }) {
                // "The CO alarm is flashing because its battery is low": it works, and the model's
                // weight for "co alarm" (raised by b103-030, a CO alarm screeching) does not make it
                // an emergency alone, as a smoke alarm's battery does not. The battery said to be
                // low, not asked about ("keeps beeping, is that the battery?", b74-031, an emergency
                // until someone knows); one "going off" or "screaming" stays the model's to read.
                for device in devices { hits.append(device, to: .alarmWorks) }
            }
        }
        // "the sockets trip since the electrician was here": a fault the landlord's work left.
        if hits[.praise] == nil, hits[.praiseWeak] == nil, hits[.update] == nil,
            let work = Self.faultsAfterWork.lazy.compactMap({ Self.near(.sinceWork, $0, within: Self.workWindow, in: matches).first }).first
                ?? Self.near(.sinceWork, .electricFitting, within: Self.workWindow, in: matches, where: { Self.tripping.contains($0.phrase) }).first
        {
            hits.append(work.0.phrase, to: .failure)
            hits.append(work.0.phrase, to: .workFault)
        }
        for signal in Self.pairedSignals { hits[signal] = nil }
        // "a burning plastic smell coming from the fuse box and the lights keep flickering" (the
        // data's b26-001, b36-010), "coming through the light fitting ... The light has stopped
        // working and there is water in the shade" (b25-003): a light failing beside a smell, a
        // fitting called dangerous or water may be the wiring's danger, which the model still
        // reads; not a bulb gone.
        if hits[.lightOut] != nil,
           matches.contains(where: { $0.tag == .smell || $0.tag == .danger || $0.tag == .water }) || words.contains(where: Self.wet.contains) {
            hits[.lightOut] = nil
        }
        if hits[.ongoing] != nil, hits[.hazardOver] != nil || hits[.dampOver] != nil {
            // "safe again", "still dry": the word that would say it goes on is part of the phrase that says it is over.
            let over = matches.filter { $0.tag == .hazardOver || $0.tag == .dampOver }.map(\.words)
            let going = matches.filter { match in
                match.tag == .ongoing && !over.contains { $0.overlaps(match.words) }
            }
            hits[.ongoing] = going.isEmpty ? nil : Array(Set(going.map(\.phrase))).sorted()
        }
        // "pls ignore my last msg": a message withdrawn, not a complaint of being ignored.
        if hits[.update]?.contains(where: Self.withdrawn.contains) == true { hits.remove(from: .failure) { $0 == "ignore my" } }
        // "has not reported before": the reporting phrases do not show an earlier failure.
        if hits[.firstReport] != nil { hits.remove(from: .failure) { $0.contains("report") } }
        if let accepted = hits[.closedSatisfied], hits[.emotion] == nil, hits[.failure] == nil, hits[.sarcasm] == nil {
            // An outcome accepted: the complaint it names and the response it names are history.
            // An ask to escalate ("stage 2", "ombudsman") still is one.
            hits.remove(from: .escalation, where: Self.responseNamed.contains)
            if hits[.escalation] == nil { for phrase in accepted { hits.append(phrase, to: .notComplaint) } }
        }
        // "Is the hall accessible for wheelchairs? My husband uses one." (b93-027): an aid named in
        // general, then someone who uses one.
        if hits[.disability] == nil, let aid = Self.aidInUse(words) { hits.append(aid, to: .disability) }
        if Self.mentionsOldAge(textWords) { hits.append("age over 70", to: .age) }
        if Self.mentionsChildsAge(textWords) { hits.append("a young child's age", to: .children) }
        return hits
    }

    /// The rules' findings as model features: each signal the phrase lists found (shown by its
    /// first phrase) and the kind the rules alone would give.
    static func evidence(_ hits: SignalHits, ruleKind: FeedbackRecord.Kind) -> [(UInt64, String?)] {
        var evidence: [(UInt64, String?)] = hits.found.compactMap { contextSignals.contains($0.signal) ? nil : (signalHashes[$0.signal.index], $0.phrases.first) }
        evidence.append((kindHashes.first { $0.0 == ruleKind }?.1 ?? TriageFeatures.hash(named: "r:" + ruleKind.rawValue), nil))
        return evidence
    }

    /// The structural phrases a fitting a few words before (``fittingWindow``) makes a repair.
    static let awayFromTheWall = Set(TriageLexicon.awayFromTheWall)
    /// What is published for everyone, which a language can be asked for in without any household's need.
    static let publications = hashes(["page", "pages", "newsletter", "newsletters", "website", "leaflet", "leaflets", "notices", "posters",
                                      "signs", "noticeboard", "magazine"])
    /// A light's words, and how far before its words of failing they are looked for ("the light
    /// in the stairs of block 4 is not working").
    static let lamps = hashes(["light", "lights", "bulb", "bulbs", "lighting", "lightbulb", "lightbulbs", "lamp", "lamps"])
    static let lampWindow = 8
    /// The crews' words (``TriageLexicon/crews``, the last word of each), and how far before
    /// ``Signal/crewAbsent`` they may be named.
    static let crews = WordSet(TriageLexicon.crews.map { String($0.split(separator: " ").last!) })
    static let crewWindow = 12
    /// The landlord's workers, whoever's they are not in doubt: "the contractor cracked" (the
    /// one-word names of ``TriageLexicon/workers``; "gas engineer" ends in one of them).
    static let workerWords = WordSet(TriageLexicon.workers.filter { !$0.contains(" ") })
    /// Crews that are the landlord's only as "your" ones: "your bin men", "ur grounds team".
    static let ownedCrews = hashes(["men", "binmen", "cleaners", "caretaker", "gardeners", "team", "builders", "workers"])
    static let owners = hashes(["your", "youre", "ur"])
    /// Whether the word before `index` is the landlord's worker, or a crew with "your" in the two
    /// words before it.
    static func damagedByWorkers(_ words: [UInt64], at index: Int) -> Bool {
        guard index > 0 else { return false }
        if workerWords.contains(words[index - 1]) { return true }
        return ownedCrews.contains(words[index - 1]) && words[Swift.max(0, index - 3)..<(index - 1)].contains(where: owners.contains)
    }
    /// Water's words, which keep a light that has failed from being read as a bulb gone.
    static let wet = hashes(["water", "leak", "leaks", "leaking", "leaked", "wet", "drip", "drips", "dripping", "flood", "flooding", "flooded"])
    /// A rail's words ("handrail", "the banister", "towel rail") and the words of one that is loose.
    static let rails = hashes(["handrail", "handrails", "banister", "banisters", "bannister", "bannisters", "rail", "rails"])
    /// "the handrail on the stairs up to the second floor is loose": the rail named, then the word.
    static let railWindow = 10
    static let looseness: Set<String> = ["loose", "come loose", "came loose", "coming loose", "wobbly", "wobbling", "wobbles"]
    /// "the grab rail by her bath has come away": the fitting's name and the phrase, words apart.
    static let fittingWindow = 6
    /// The structural phrases of a thing leaning, which a garden's fixture named before them
    /// (``gardenFixtures``, within ``gardenFixtureWindow`` words) makes a repair.
    static let leaning: Set<String> = ["is leaning", "leaning against", "leaning on"]
    static let gardenFixtures = hashes(["fence", "fences", "fencing", "gate", "gates", "trellis", "shed", "sheds", "pergola"])
    static let gardenFixtureWindow = 8

    /// The update phrases that withdraw an earlier message (``TriageLexicon/withdrawn``).
    static let withdrawn = Set(TriageLexicon.withdrawn)

    /// What a fault near the landlord's work (``Signal/sinceWork``) is found as, and how near.
    static let tripping = Set(TriageLexicon.tripping)
    static let faultsAfterWork: [Signal] = [.fault, .security, .electrics, .water, .noHeat, .damp, .gas, .structural]
    static let workWindow = 14

    /// Signals that mean a hazard only near another (``near(_:_:within:in:where:)``); never
    /// findings of their own.
    static let pairedSignals: [Signal] = [.fallingPart, .givingWay, .fitting, .danger, .gasAppliance, .smell, .symptom, .entrance, .wontShut, .alarmNuisance, .coDevice, .alarmSounding, .heater, .outOfOrder, .reviewAsk, .complaintAnswer, .sinceWork, .lockChange, .threat, .liftOut, .outOfService, .stairsBarrier, .stairlift, .upstairsStuck, .restrictor, .restrictorFailed, .glazing, .smashed, .downAgain, .countedAgain]
    /// Praise of how something was done, which a negation before it turns round
    /// (``TriageLexicon/praiseOfHow``).
    static let praiseOfHow = Set(TriageLexicon.praiseOfHow)
    /// Two findings quoted as one, in the order the text has them: "balcony … come loose".
    static func inOrder(_ a: PhraseMatcher<Signal>.Match, _ b: PhraseMatcher<Signal>.Match) -> String {
        a.word < b.word ? "\(a.phrase) … \(b.phrase)" : "\(b.phrase) … \(a.phrase)"
    }
    /// Stores and sheds that hold bins, bikes or prams, and garages: a lock or door of theirs is
    /// not the home's (``namesAStore(_:around:)``).
    static let stores = hashes(["store", "stores", "shed", "sheds", "garage", "garages", "storeroom"])
    /// The home named near a store keeps a security finding the home's: "my flat and the bike store".
    static let dwelling = hashes(["flat", "flats", "house", "home", "maisonette", "bungalow", "bedroom", "kitchen", "lounge", "window", "windows",
                                  "front", "my"])
    /// How far before a finding ("the padlock on the cycle store has been cut off and the door
    /// won't lock") and after it ("kicked in the door to the bike store") a store is looked for.
    static let storeBefore = 12
    static let storeAfter = 6
    /// Whether a store is named near a finding, and the home is not.
    static func namesAStore(_ words: [UInt64], around found: Range<Int>) -> Bool {
        let near = words[Swift.max(0, found.lowerBound - storeBefore)..<Swift.min(words.count, found.upperBound + storeAfter)]
        return near.contains(where: stores.contains) && !near.contains(where: dwelling.contains)
    }

    /// A vehicle named before smashed glass: its windows, not a home's.
    static let vehicles = WordSet(["car", "cars", "van", "vans", "vehicle", "vehicles", "bus", "lorry", "motorbike"])

    /// Each match of `first` with the first match of `second` (that `keep` accepts) within
    /// `distance` words of it, in the order the matches of `first` stand.
    static func near(
        _ first: Signal, _ second: Signal, within distance: Int, in matches: [PhraseMatcher<Signal>.Match],
        where keep: (PhraseMatcher<Signal>.Match) -> Bool = { _ in true }
    ) -> [(PhraseMatcher<Signal>.Match, PhraseMatcher<Signal>.Match)] {
        guard matches.contains(where: { $0.tag == first }) else { return [] }
        let seconds = matches.filter { $0.tag == second && keep($0) }
        guard !seconds.isEmpty else { return [] }
        return matches.compactMap { match in
            guard match.tag == first, let other = seconds.first(where: { abs($0.word - match.word) <= distance }) else { return nil }
            return (match, other)
        }
    }

    /// Signals that only qualify others for the hazard flags; the model does not read them.
    static let responseNamed = Set(TriageLexicon.responseNamed)
    static let contextSignals: SignalSet = [.hazardOver, .ongoing, .dampOver, .denied, .waterByFitting, .supposed, .needOver, .fittingLoose, .closedSatisfied, .alarmWorks, .lockedOut, .waterFlowing, .waterUnstopped, .notUrgent, .lightOut, .notComplaintBut]
    /// Each signal's feature hash, by ``Signal/index``.
    static let signalHashes = Signal.allCases.map { TriageFeatures.hash(named: "s:" + $0.rawValue) }
    static let kindHashes = kinds.map { ($0, TriageFeatures.hash(named: "r:" + $0.rawValue)) }

    /// The rules' findings for a text, as ``TriageModel`` features (for training).
    public func evidence(subject: String?, body: String) -> [(UInt64, String?)] {
        var rules = self
        rules.modelChoice = .none
        let reading = rules.read(subject: subject, body: body)
        return Self.evidence(signals(in: subject.map { $0 + "\n" + body } ?? body), ruleKind: reading.kind)
    }

    /// "a complaint", "an information request": a kind in words.
    public static func describe(_ kind: FeedbackRecord.Kind) -> String {
        if let known = descriptions.first(where: { $0.0 == kind }) { return known.1 }
        let words = kind.rawValue.replacingOccurrences(of: "_", with: " ")
        return (["a", "e", "i", "o", "u"].contains(words.first.map(String.init) ?? "") ? "an " : "a ") + words
    }

    static let descriptions: [(FeedbackRecord.Kind, String)] = [
        (.complaint, "a complaint"), (.compliment, "a compliment"), (.suggestion, "a suggestion"), (.comment, "a comment"),
        (.serviceRequest, "a service request"), (.informationRequest, "an information request"), (.asbReport, "an ASB report"),
    ]

    /// "; the words that weighed most: “gas”, “smell”." or "."
    static func weighed(_ evidence: [String]) -> String {
        guard !evidence.isEmpty else { return "." }
        var text = "; the words that weighed most: "
        text.reserveCapacity(160)
        appendQuoted(evidence, to: &text)
        text.append(".")
        return text
    }

    /// Up to four phrases of the signals, each in quotation marks: “no heating”, “baby”.
    static func quoted(_ signals: [Signal], in hits: SignalHits) -> String {
        var text = ""
        text.reserveCapacity(96)
        var left = 4
        for signal in signals where left > 0 {
            guard let phrases = hits[signal], !phrases.isEmpty else { continue }
            if !text.isEmpty { text.append(", ") }
            appendQuoted(phrases.prefix(left), to: &text)
            left -= min(left, phrases.count)
        }
        return text
    }

    /// The phrases in quotation marks, separated by commas. (Built in one string with room
    /// reserved: the reasons' many small strings, mapped and joined, were a tenth of triage.)
    static func appendQuoted(_ phrases: some Sequence<String>, to text: inout String) {
        var first = true
        for phrase in phrases {
            text.append(first ? "“" : ", “")
            text.append(phrase)
            text.append("”")
            first = false
        }
    }

    static func percent(_ probability: Double) -> String {
        probability >= 0.995 ? "over 99%" : "\(Int((probability * 100).rounded()))%"
    }

    /// A kind the customer chose, read from the form's value or an SMS keyword.
    public static func statedKind(_ text: String) -> FeedbackRecord.Kind? {
        switch text.lowercased().trimmingCharacters(in: .whitespaces) {
        case "complaint", "complain": return .complaint
        case "compliment", "thanks", "thank you": return .compliment
        case "suggestion", "suggest", "idea": return .suggestion
        case "comment", "feedback": return .comment
        case "repair", "service_request", "service request", "report a fault": return .serviceRequest
        case "question", "information_request", "enquiry": return .informationRequest
        case "asb", "asb_report", "anti-social behaviour": return .asbReport
        default: return nil
        }
    }

    /// The first case reference in the text (`LB-2026-000123`), upper-cased.
    static func reference(in text: String, prefix: String) -> String? {
        let upper = Array(text.uppercased().utf8)
        let p = Array((prefix + "-").uppercased().utf8)
        guard upper.count >= p.count + 6 else { return nil }
        var index = 0
        while index + p.count + 6 <= upper.count {
            if upper[index..<(index + p.count)].elementsEqual(p) {
                var end = index + p.count
                while end < upper.count, upper[end] == UInt8(ascii: "-") || (upper[end] >= 0x30 && upper[end] <= 0x39) { end += 1 }
                if end - index - p.count >= 6 { return String(decoding: upper[index..<end], as: UTF8.self) }
            }
            index += 1
        }
        return nil
    }

    /// "split & hanging", "damp & mould": to triage an ampersand is the word "and", as text
    /// messages use it and the phrase lists spell it. (The fingerprints that linking compares
    /// split words without it, as before.)
    static func ampersandAsAnd(_ text: String) -> String {
        text.utf8.contains(UInt8(ascii: "&")) ? text.replacingOccurrences(of: "&", with: " and ") : text
    }

    /// Whether some number of `length` digits in the text's words, with the hashes of the two
    /// words before it and the word after it (0 past either end), is one `test` accepts. From the words triage has
    /// already split (splitting the text again for this was a twentieth of triage).
    /// `skipping`: a word that, two before the number, is passed over for the one before it ("her
    /// daughter, who is 2": "daughter" is two before).
    static func anyNumber(in words: TriageFeatures.Words, length: Int, skipping: UInt64? = nil, passing: WordSet? = nil,
                          _ test: (_ value: Int, _ before: UInt64, _ after: UInt64, _ twoBefore: UInt64) -> Bool) -> Bool {
        anyNumber(in: words, length: length) { value, index in
            // A word of `passing` just before the number is read past: "my youngest is only 3".
            let at = index > 1 && passing?.contains(words.hashes[index - 1]) == true ? index - 1 : index
            let before = at > 0 ? words.hashes[at - 1] : 0
            let after = index + 1 < words.hashes.count ? words.hashes[index + 1] : 0
            var twoBefore = at > 1 ? words.hashes[at - 2] : 0
            if let skipping, at > 2, twoBefore == skipping { twoBefore = words.hashes[at - 3] }
            return test(value, before, after, twoBefore)
        }
    }

    /// Whether `test` holds for a number of `length` digits, given its value and its word's index.
    static func anyNumber(in words: TriageFeatures.Words, length: Int, _ test: (_ value: Int, _ index: Int) -> Bool) -> Bool {
        for index in words.starts.indices where Int(words.end(index)) - Int(words.starts[index]) == length {
            if let value = number(words, at: index, maxLength: length), test(value, index) { return true }
        }
        return false
    }

    /// The value of word `index` when it is all digits, at most `maxLength` of them.
    static func number(_ words: TriageFeatures.Words, at index: Int, maxLength: Int) -> Int? {
        let start = Int(words.starts[index]), end = Int(words.end(index))
        guard end > start, end - start <= maxLength else { return nil }
        return words.bytes.withUnsafeBufferPointer { bytes in
            var value = 0
            for byte in bytes[start..<end] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
    }

    /// A temperature of 15 degrees or less, not outdoors and not below zero: "14 degrees", as the
    /// text has it.
    static func coldIndoors(_ words: TriageFeatures.Words) -> String? {
        let hashes = words.hashes
        for index in hashes.indices.dropFirst() where degreeWords.contains(hashes[index]) {
            guard let value = number(words, at: index - 1, maxLength: 2), value <= 15,
                  index == 1 || !belowZero.contains(hashes[index - 2]),
                  !hashes[(index + 1)..<Swift.min(index + 4, hashes.count)].contains(where: outdoors.contains) else { continue }
            return "\(value) degrees"
        }
        return nil
    }
    private static let degreeWords = WordSet(["degrees", "degree", "deg", "c", "celsius"])
    private static let belowZero = WordSet(["minus", "negative"])
    private static let outdoors = WordSet(["outside", "out", "outdoors", "overnight", "tonight", "forecast"])

    static let ageBefore = WordSet(["is", "am", "im", "aged", "age", "now", "shes", "hes", "whos", "turned"])
    private static let ageAfter = WordSet(["years", "year", "yrs"])
    /// "I'm 70 next year", "she is 70 in March": not 70 yet.
    private static let notYet = WordSet(["next", "in", "on", "soon", "this"])
    private static let turned = PhraseMatcher<Signal>.wordHashes("turned")[0]
    private static let yearBefore = WordSet(["since", "from", "in"])
    /// "Mrs Kaur, 79, rang": a title, a name and an age, as phone notes write them, when what
    /// follows goes on about the person ("Mr Hill, 79 Rose Street" is an address).
    private static let titles = WordSet(["mr", "mrs", "ms", "miss", "mx", "dr"])
    /// "her dad, 91, has had no electricity": a relative, then an age, then what befalls them.
    private static let relatives = WordSet(["dad", "mum", "mom", "father", "mother", "nan", "nana", "nanna", "gran", "granny", "grandad",
                                            "grandma", "grandmother", "grandfather", "husband", "wife", "partner", "aunt", "auntie", "uncle"])
    /// "my mum's 91", its apostrophe dropped (b78-009).
    private static let relativeIs = WordSet(["mums", "moms", "dads", "nans", "nanas", "grans", "grannys", "grandads", "grandmas", "mothers",
                                             "fathers", "husbands", "wifes", "partners", "aunts", "aunties", "uncles"])
    private static let afterNamedAge = WordSet(["rang", "called", "phoned", "says", "said", "reports", "reported", "has", "is", "was",
                                                "lives", "who", "his", "her", "and", "wants", "asked", "asks", "needs", "uses", "cant", "cannot",
                                                // A phone note's "tnt (90) no heating since Sun".
                                                "no"])

    /// "the building is 84 years old", "it is 90 years old": a thing's age, not a person's.
    private static let things = WordSet(["building", "block", "house", "flat", "property", "estate", "tower", "boiler", "kitchen",
                                         "bathroom", "roof", "lift", "windows", "pipes", "it", "this", "that", "which"])

    private static let isWord = PhraseMatcher<Signal>.wordHashes("is")[0]

    /// "is 79", "aged 84", "84 years old", "Mrs Kaur, 79, rang", "her dad, 91, has", "Caller, 79,
    /// reported" (b87-002; the caller, tenant or resident named: ``customerNamed``): an age of 70 or over.
    static func mentionsOldAge(_ words: TriageFeatures.Words) -> Bool {
        let hashes = words.hashes
        return anyNumber(in: words, length: 2) { age, index in
            guard age >= 70 else { return false }
            let before = index > 0 ? hashes[index - 1] : 0
            let after = index + 1 < hashes.count ? hashes[index + 1] : 0
            let twoBefore = index > 1 ? hashes[index - 2] : 0
            return (ageBefore.contains(before) || ageAfter.contains(after)
                || (titles.contains(twoBefore) || relatives.contains(before) || customerNamed.contains(before)) && afterNamedAge.contains(after)
                || relativeIs.contains(before) && !notAnAge.contains(after) && !monthsOrWeeks.contains(after))
                && !(age == 70 && notYet.contains(after) && before != turned)
                && !(things.contains(twoBefore) && before == isWord)
                // "Tenant, 79, on his own." (b97-023): the customer named, an age, then "on his own"
                // or "on her own". Not "Resident 82 on the fourth floor", where "on" goes on to a place.
                || customerNamed.contains(before) && index + 3 < hashes.count && after == onWord
                    && ownersOf.contains(hashes[index + 2]) && hashes[index + 3] == ownWord
                // "Mrs Hale, 84, 6 Hazel Mews" (b99-010): a named person, a number, then the house
                // number: the first is her age ("Mrs Hale, 84 Hazel Mews" is her address). The words
                // are read without their commas, so the second number tells.
                || (titles.contains(twoBefore) || customerNamed.contains(before)) && index + 1 < hashes.count
                    && number(words, at: index + 1, maxLength: 4) != nil
        }
    }

    private static let ownWord = PhraseMatcher<Signal>.wordHashes("own")[0]
    private static let ownersOf = WordSet(["his", "her", "their"])

    /// "my sons 18 months", "my youngest 10 months": a child named, then an age in months or
    /// weeks. Not "hes" or "the girls": "he's 2 weeks late with the job", "the girls 2 weeks ago".
    private static let childBase = ["son", "daughter", "baby", "twins", "grandson", "granddaughter", "youngest"]
    static let childWords = WordSet(childBase + ["sons", "daughters", "babys", "grandsons", "granddaughters"])
    private static let monthsOrWeeks = WordSet(["months", "month", "mths", "weeks", "week", "wks"])

    /// The children an age is given to after a word of ``childAgeLinks``: "my daughter is 2",
    /// "the kids are 3 and 5".
    static let childrenNamed = WordSet(childBase + ["kids", "children", "child", "boys", "girls", "boy", "girl"])
    /// The word between a child and its age: "my daughter is 2", "the kids are 3 and 5", "she
    /// has children of 1 and 3", "her daughter, aged 4, has".
    static let childAgeLinks = WordSet(["is", "are", "of", "aged"])
    private static let whoWord = PhraseMatcher<Signal>.wordHashes("who")[0]
    private static let onlyWords = WordSet(["only", "just"])
    /// A count after such a word that is not a child's age: "my son is 2 doors down", "the kids are 2
    /// minutes from school", "my daughter is 1 of 3".
    private static let notAnAge = WordSet(["days", "day", "hours", "hour", "minutes", "mins", "min", "times", "doors", "floors", "miles",
                                           "metres", "feet", "foot", "inches", "pounds", "quid", "pence", "percent", "oclock", "am",
                                           "pm", "of", "out", "stone", "kilos", "kg", "hrs", "streets", "stops", "flats", "houses",
                                           "families", "households", "tenants", "residents", "people", "blocks"])

    /// Whether the two words before a count name a child whose age it is: "my sons 18 months",
    /// "my son is 18 months", "her daughter, aged 4". (0 for a word before the text's start.)
    static func childNamed(before: UInt64, twoBefore: UInt64) -> Bool {
        childWords.contains(before) || childAgeLinks.contains(before) && childrenNamed.contains(twoBefore)
    }

    /// A baby's or toddler's age: in months or weeks, three years at most, right after a word
    /// naming the child ("my sons 18 months") or after ``childAgeLinks`` ("my daughter is 6 weeks
    /// old"); in years, four at most, after those ("my daughter is 2", "my kids are 3 and 5",
    /// "children of 1 and 3"; not "my son is 30", "the children of 3 families").
    static func mentionsChildsAge(_ words: TriageFeatures.Words) -> Bool {
        let test = { (value: Int, before: UInt64, after: UInt64, twoBefore: UInt64) -> Bool in
            guard value >= 1 && value <= 36 else { return false }
            if monthsOrWeeks.contains(after) { return childNamed(before: before, twoBefore: twoBefore) }
            return value <= 4 && childAgeLinks.contains(before) && childrenNamed.contains(twoBefore) && !notAnAge.contains(after)
        }
        // "her daughter, who is 2, pulled": the child is named before "who"; "my youngest is only 3"
        // (b91-037): the age after "only" or "just".
        return anyNumber(in: words, length: 1, skipping: whoWord, passing: onlyWords, test)
            || anyNumber(in: words, length: 2, skipping: whoWord, passing: onlyWords, test)
            || mentionsChildsAgeByPronoun(words)
    }

    /// "he is", "she is", "hes", "shes": the words before a pronoun's age.
    private static let pronouns = WordSet(["he", "she"])
    private static let pronounsIs = WordSet(["hes", "shes"])
    /// How many words before the pronoun a child must be named.
    private static let pronounReach = 12

    /// "the restrictor on my son's window has snapped ... he is 3": a child named, then "he is" or
    /// "she is" and an age of four years at most within a few words (b74-039). Not "my son ... he
    /// is 3 doors down", "she is 2 weeks late" (weeks and months after a pronoun are not ages
    /// here), nor "he is 3" with no child named before it.
    static func mentionsChildsAgeByPronoun(_ words: TriageFeatures.Words) -> Bool {
        let hashes = words.hashes
        return anyNumber(in: words, length: 1) { value, index in
            guard value >= 1 && value <= 4 && index >= 2 else { return false }
            let after = index + 1 < hashes.count ? hashes[index + 1] : 0
            guard !notAnAge.contains(after) && !monthsOrWeeks.contains(after) else { return false }
            let pronounAt: Int
            if pronounsIs.contains(hashes[index - 1]) {
                pronounAt = index - 1
            } else if hashes[index - 1] == isWord && pronouns.contains(hashes[index - 2]) {
                pronounAt = index - 2
            } else {
                return false
            }
            return hashes[Swift.max(0, pronounAt - pronounReach)..<pronounAt].contains { childrenNamed.contains($0) || childWords.contains($0) }
        }
    }

    /// "In March last year", "in may of last year": a month of last year no later in the year
    /// than the month it arrived in is 12 months ago or more (for a person to decide; "in
    /// November last year" written in March is four months ago).
    static func mentionsMonthOverAYearAgo(_ words: TriageFeatures.Words, received: Date?) -> Bool {
        guard let received else { return false }
        let hashes = words.hashes
        guard hashes.count >= 3 else { return false }
        var month: Int?  // London's month of arrival, worked out only once a month of last year is named
        for index in 2..<hashes.count where hashes[index] == year && hashes[index - 1] == last {
            var before = index - 2
            if hashes[before] == of, before > 0 { before -= 1 }
            guard let named = months[hashes[before]] else { continue }
            let arrived = month ?? CivilDay(london: received).components.month
            month = arrived
            if named <= arrived { return true }
        }
        return false
    }

    private static let year = PhraseMatcher<Signal>.wordHashes("year")[0]
    private static let last = PhraseMatcher<Signal>.wordHashes("last")[0]
    private static let of = PhraseMatcher<Signal>.wordHashes("of")[0]
    /// The month names and abbreviations the date reader knows (``UKDateReader/months``), by word hash.
    private static let months = Dictionary(uniqueKeysWithValues: UKDateReader.months.map { (PhraseMatcher<Signal>.wordHashes($0.key)[0], $0.value) })

    /// "Re: Noise complaint", "RE: Your complaint LB-2026-000123": the subject of a reply or a
    /// forward is the thread's title, often the landlord's own words, so a complaint it names
    /// does not make thanks or an acknowledgement under it one ("Ok thanks" is a comment). Any
    /// other body under such a title is still read with it: a customer who titled their own
    /// thread a complaint and writes again in it may still be complaining, and a missed complaint
    /// costs more than a minute of an officer's time. The body is read again only when such a
    /// subject names a complaint.
    static func complaintNamedOnlyInThreadTitle(subject: String?, body: String, reading triage: Triage) -> Bool {
        guard let subject, isThreadSubject(subject), triage.signals(in: subject)[.explicitComplaint] != nil else { return false }
        let said = triage.signals(in: body)
        let displeased = said[.explicitComplaint] != nil || said[.failure] != nil || said[.emotion] != nil || said[.sarcasm] != nil
        return !displeased && (said[.praise] != nil || said[.praiseWeak] != nil || said[.update] != nil)
    }

    /// A reply's or forward's subject: "Re:", "RE:", "Aw:", "Fw:", "Fwd:", "Sv:" first.
    static func isThreadSubject(_ subject: String) -> Bool {
        let start = subject.utf8.drop { $0 == 0x20 || $0 == 0x09 }
        func starts(_ prefix: String) -> Bool { start.prefix(prefix.utf8.count).lazy.map { $0 | 0x20 }.elementsEqual(prefix.utf8) }
        return starts("re:") || starts("aw:") || starts("fw:") || starts("fwd:") || starts("sv:")
    }

    /// Whether a cue at `index` is about someone outside the household: a neighbour named just
    /// before it (``neighbourWindow``) with neither the writer nor the customer named between, or
    /// a group of other people ("many residents", "lots of older tenants", "a lot of people";
    /// ``groupWindow``) with no singular first person between. A life event (a fear, a threat)
    /// is often a neighbour's doing ("my neighbour threatened me, I'm scared"), so for it only
    /// the group counts (`neighbours: false`): "the old people here are scared to go out".
    static func aboutSomeoneElse(_ words: [UInt64], before index: Int, neighbours checkNeighbours: Bool = true) -> Bool {
        let near = words[Swift.max(0, index - neighbourWindow)..<index]
        if checkNeighbours, let other = near.lastIndex(where: neighbours.contains),
           !near[other...].contains(where: { firstPerson.contains($0) || customerNamed.contains($0) }) { return true }
        guard let group = words[Swift.max(0, index - groupWindow)..<index].lastIndex(where: groups.contains), group > 0 else { return false }
        let before = words[group - 1]
        let quantified = groupQuantifiers.contains(before) || before == of && group >= 2 && groupQuantifiers.contains(words[group - 2])
        return quantified && !words[group..<index].contains(where: firstSingular.contains)
    }

    /// "since 2023", "in 2022": a year at least two calendar years before arrival is over 12 months ago.
    static func mentionsOldYear(_ words: TriageFeatures.Words, received: Date?) -> Bool {
        guard let received else { return false }
        let year = CivilDay(london: received).year
        let hashes = words.hashes
        return anyNumber(in: words, length: 4) { value, index in
            guard index >= 1, yearBefore.contains(hashes[index - 1]), value >= 1990, value <= year - 2 else { return false }
            return !residenceSince(hashes, yearAt: index)
        }
    }

    /// "He has lived here since 2022" (b97-028), "she has lived with me since 2019", "a tenant since
    /// 2015", "who has been at her address since 2024" (b98-033): how long someone has lived
    /// somewhere, not how old a problem is. Not "I have lived with the damp since 2022" nor "the
    /// damp has been there since 2023" (or "with us"), whose year is the problem's.
    static func residenceSince(_ hashes: [UInt64], yearAt index: Int) -> Bool {
        guard index >= 2, hashes[index - 1] == sinceWord else { return false }
        let one = hashes[index - 2], two = index >= 3 ? hashes[index - 3] : 0, three = index >= 4 ? hashes[index - 4] : 0
        if residents.contains(one) { return true }
        if places.contains(one) && residing.contains(two) { return true }
        // "her grandson, who has been at her address since 2024" (b98-033).
        if one == addressWord, three == atWord, index >= 5, residing.contains(hashes[index - 5]) || hashes[index - 5] == beenWord {
            return true
        }
        return people.contains(one) && two == withWord && residing.contains(three)
    }

    private static let sinceWord = PhraseMatcher<Signal>.wordHashes("since")[0]
    private static let withWord = PhraseMatcher<Signal>.wordHashes("with")[0]
    private static let addressWord = PhraseMatcher<Signal>.wordHashes("address")[0]
    private static let atWord = PhraseMatcher<Signal>.wordHashes("at")[0]
    private static let beenWord = PhraseMatcher<Signal>.wordHashes("been")[0]
    private static let residing = WordSet(["lived", "living", "lives", "live", "stayed", "staying", "resided", "resident"])
    private static let places = WordSet(["here", "there"])
    private static let people = WordSet(["me", "us", "him", "her", "them"])
    private static let residents = WordSet(["tenant", "tenants", "resident", "residents", "leaseholder", "leaseholders"])
}

extension Flag {
    /// The text expresses dissatisfaction: staff must offer the choice to make a complaint.
    public static let expressedDissatisfaction = Flag(rawValue: "expressed_dissatisfaction")
    /// Damp or mould: an Awaab's Law hazard clock runs.
    public static let dampMouldHazard = Flag(rawValue: "damp_mould_hazard")
    /// Gas, electrics, water near electrics, no heating, water or toilet for a vulnerable person,
    /// structural danger, fire safety: a possible emergency, 24 hours.
    public static let urgentSafety = Flag(rawValue: "urgent_safety")
    /// Cues that the resident may be vulnerable; the reason lists the cue words only.
    public static let vulnerability = Flag(rawValue: "vulnerability")
    /// Someone is writing for the resident (councillor, MP, relative, advocate, solicitor, Citizens Advice).
    public static let representative = Flag(rawValue: "representative")
    /// The trained model was unsure of the kind: the reason names the two likeliest kinds.
    public static let needsReview = Flag(rawValue: "needs_review")
    /// Asks for a complaint to go to stage 2; the reason names the case reference if given.
    public static let escalationRequest = Flag(rawValue: "escalation_request")
    /// The text suggests the problem is over 12 months old: for a person to decide.
    public static let possiblyOutOfTime = Flag(rawValue: "possibly_out_of_time")
}
