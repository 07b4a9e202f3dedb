/// The phrase lists triage matches, by signal. Whole words, case-insensitive, apostrophes
/// ignored ("didn't" is "didnt"). Drawn from docs/domain.md (definitions, categories, Awaab's Law
/// hazards, vulnerability indicators) and from how tenants write; tuned on the evaluation set in
/// Samples/triage-eval.txt (README "Triage" gives the figures and how to rerun them).
public enum TriageLexicon {
    /// How long someone has been on a list or in a home, not how old the problem is: "on the
    /// transfer list for 3 years" is no sign that a complaint is out of time.
    static let durationsOfSomethingElse: [String] = {
        let before = ["list for", "register for", "lived here for", "living here for", "tenant for", "tenants for", "been a tenant for"]
        let lengths = [
            "2 years", "3 years", "4 years", "two years", "three years", "four years", "several years", "years", "over a year",
            "more than a year", "over two years", "18 months", "eighteen months", "a year", "over 12 months",
        ]
        return every(before, then: lengths)
    }()

    /// Every phrase made of one of `firsts`, then one of `seconds`, then `last` if given.
    static func every(_ firsts: [String], then seconds: [String], last: String? = nil) -> [String] {
        firsts.flatMap { first in seconds.map { [first, $0, last].compactMap { $0 }.joined(separator: " ") } }
    }

    /// A message withdrawn ("pls ignore my last msg, the leak has stopped"): an update, and no
    /// complaint of being ignored ("you ignore my emails" still is).
    /// Praise of how something was done ("she is happy with how her complaint was handled"); with
    /// a negation before it ("not happy with how"), no praise (``Triage/praiseOfHow``).
    static let praiseOfHow = ["happy with how", "pleased with how", "satisfied with how", "impressed with how", "impressed by how"]

    static let withdrawn = [
        "ignore my last", "ignore my previous", "ignore my earlier", "please ignore my", "pls ignore my", "plz ignore my",
        "just ignore my",
    ]

    /// The relatives a writer may be caring for, as "my mum was confused" names them.
    static let olderRelatives = ["mum", "mam", "dad", "mother", "father", "nan", "nana", "gran", "grandma", "grandad", "grandfather", "grandmother", "husband", "wife"]

    /// Things a text calls old ("the boiler is old"): not an age disclosed.
    static let oldThings = [
        "wiring", "boiler", "building", "block", "house", "flat", "kitchen", "bathroom", "window", "windows", "door", "doors",
        "fence", "carpet", "lift", "system", "heater", "fridge", "cooker", "property", "roof", "pipe", "pipes", "it", "this",
        "that", "furniture", "bath", "shower", "radiator", "radiators", "tank", "meter", "electrics", "suite", "unit", "units",
    ]

    /// Those who work on a home for the landlord, as a text names them after "since the": "since
    /// the electrician was here the sockets trip".
    static let workers = [
        "electrician", "electricians", "plumber", "plumbers", "engineer", "engineers", "gas engineer", "gas man", "contractor",
        "contractors", "workmen", "fitters", "joiner", "joiners", "roofer", "roofers", "operative", "operatives", "locksmith",
        "locksmiths",
    ]

    /// "not happy with your reply", "dissatisfied with the response": displeasure with the
    /// answer to a complaint, which asks for a review.
    static let displeasedWithTheAnswer: [String] = every(
        ["not happy with", "not satisfied with", "unhappy with", "dissatisfied with"],
        then: ["your response", "the response", "your reply", "the reply"])

    /// "the boiler died", "my phone died": a machine that stopped, not a bereavement.
    static let thingsThatDied: [String] = every(
        ["boiler", "battery", "batteries", "phone", "fridge", "freezer", "shower", "heater", "cooker", "oven", "pump", "car", "tv", "laptop"],
        then: ["died", "has died", "just died", "had died"])

    /// "we lost our little boy", "I lost my mum in May": a death in the family. (The words are
    /// read without punctuation: "lost my mum's ring" reads "mums" and does not match.)
    static let relativesLost: [String] = every(
        ["lost my", "lost our"],
        then: ["son", "daughter", "baby", "little boy", "little girl", "boy", "girl", "mum", "dad", "mother", "father", "child", "brother",
               "sister", "grandson", "granddaughter"])

    /// "deaf to excuses", "deaf to our calls": the idiom, not a disclosure. Not a bare "deaf to":
    /// words are read without punctuation, and "her mother, who is deaf, to complain" discloses.
    static let deafToIdioms: [String] = every(
        ["deaf to"],
        then: ["everything", "all", "my", "our", "any", "every", "excuses", "reason", "pleas", "requests", "complaints",
               "the complaints", "the pleas", "what"])

    /// Multiple sclerosis by its initials after "I have", "my wife has" and the like (words are
    /// read in lower case, so a bare "ms" would be every "Ms Patel", and "she has ms" every "she
    /// has Ms Reid's notes").
    static let multipleSclerosis: [String] = every(["i have", "ive got", "i have got", "living with", "diagnosed with", "my"], then: ["ms"])
        + every(["wife", "husband", "partner", "mum", "dad"], then: ["has ms"])

    /// Someone who cannot leave their home ("the lift has been out for five days and she cannot
    /// leave her flat"): a danger, in a fire above all.
    static let shutIn: [String] = {
        let verbs = ["cannot leave", "cant leave", "can not leave", "unable to leave"]
        let homes = ["my flat", "her flat", "his flat", "their flat", "our flat", "my home", "her home", "his home", "their home", "our home"]
        return every(verbs, then: homes)
    }()

    /// A door that cannot be made to lock: "can't get the flat door to lock since the police came".
    static let wontLock: [String] = {
        let tries = ["cant get", "cannot get", "can not get", "couldnt get", "could not get"]
        let doors = ["the door", "my door", "the flat door", "my flat door", "the front door", "my front door", "the back door", "my back door"]
        return every(tries, then: doors, last: "to lock")
    }()

    /// The smoke and fire alarms of ``Triage/Signal/fire``, which an alarm's nuisance
    /// (``Triage/Signal/alarmNuisance``: toast, steam, a low battery) takes out of it.
    static let alarms = ["smoke alarm", "smoke alarms", "fire alarm", "fire alarms", "smoke detector", "smoke detectors"]

    /// A thing that stopped working with nothing named: fire safety only in a text that names an
    /// alarm or a detector ("it chirped, then went dead"), not "the line went dead" (``Triage/alarmWords``).
    static let wentDead = ["went dead", "gone dead", "completely dead"]

    /// Escalation phrases that only name a response ("your stage one response"): an ask for a
    /// review unless the outcome is accepted (``Triage/Signal/closedSatisfied``).
    static let responseNamed = ["final response", "stage one response", "stage 1 response"]

    /// A blind at a window, named so that "blind" is not sight loss (``Triage/Signal/notCue``) and
    /// the blind is a fitting (``Triage/Signal/fitting``): "the roller blind has come away from the wall".
    static let windowBlinds = [
        "roller blind", "kitchen blind", "bedroom blind", "bathroom blind", "lounge blind", "vertical blind", "venetian blind",
        "blackout blind", "window blind", "blinds",
    ]

    /// The words of fear of ``Triage/Signal/lifeEvent``, which are not the household's when an
    /// animal has them ("the dog was terrified").
    static let fears = ["frightened", "scared", "terrified", "distressed", "very distressed"]

    /// "in case of a gas leak", "what to do if you smell gas": a danger supposed, not reported
    /// (``Triage/hypotheticalWindow``). Not "what do I do if": the writer may be in it now.
    static let supposing: [String] = [
        "what to do if", "what to do in", "in case of", "in the event of", "what happens if", "what would happen if",
        // "what she should do if she ever smells gas"; "what should I do if the CO alarm goes off
        // at night?" (b76-016). Not "what do I do if": the writer may be in it now.
        "what should i do if", "what should we do if", "what shall i do if", "what shall we do if",
        "should do if", "if you ever", "if i ever", "if she ever", "if he ever", "if we ever", "if they ever",
        "in an emergency",
    ]

    /// A phone note's "Caller (son of tenant)", "daughter of the tenant rang": a relative
    /// speaking for the customer.
    static let relativeOfCustomer: [String] = every(
        ["son", "daughter", "husband", "wife", "partner", "brother", "sister", "carer", "grandson", "granddaughter"],
        then: ["of tenant", "of the tenant", "of caller", "of the caller"])
        // "Caller's daughter rang: her mother is 79" (b64-007): a relative rang for the customer.
        + every(every(["callers", "tenants", "residents", "tnts"], then: relatives),
                then: ["rang", "called", "phoned", "rang in", "called in", "phoned in", "rang us", "called us"])
        // "Call from tenant's daughter", and in a phone note's shorthand "T/C from tnt's daughter
        // (tnt has dementia, 86)" (b90-004): the call came from the customer's relative.
        + every(every(["from", "from the"], then: ["tenants", "tnts", "callers", "residents"]), then: relatives)
        // "Caller, daughter of Mrs Evans, says her mother fell" (b69-016): the caller named as the
        // customer's relative.
        + every(["caller"], then: every(relatives, then: ["of"]))
        // "Caller's mum (the tenant, 91) had a fall": the caller is a relative of the customer.
        + every(every(["callers"], then: relatives), then: ["the tenant", "is the tenant", "who is the tenant"])
    /// An ex-partner's violence or pursuit at the home (b68-023: "my ex just tried to kick my door
    /// in"): domestic abuse disclosed. Not "my ex is moving out of the area".
    /// (Listed from "ex", not "my ex": every "my" in a text looks through the phrases that start
    /// with it, and these would be a hundred and sixty more.)
    static let exPartnerViolence: [String] = every(
        ["ex", "ex partner", "ex husband", "ex wife", "ex boyfriend", "ex girlfriend"],
        then: ["tried", "just tried", "came round", "turned up", "just turned up", "broke", "kicked", "just kicked", "smashed",
               "attacked", "hit", "assaulted", "punched", "pushed", "threatened", "has threatened", "is outside", "was outside",
               "wont leave", "followed", "forced", "is harassing", "has been harassing", "broke in", "got in",
               // "her ex-partner came to the flat last night, banged on the door" (b70-015).
               "came to", "banged on", "was banging", "kept banging", "shouted", "was shouting", "screamed",
               // "her ex-partner has been turning up at her door and threatening her" (b82-038).
               "has been turning up", "been turning up", "keeps turning up", "is threatening", "has been threatening",
               "keeps threatening", "was threatening"])
    /// A partner's violence disclosed: "my partner has been violent and I've left" (b81-030). Not
    /// the neighbour's partner, whose violence is an ASB report's matter (``Triage/aboutSomeoneElse``).
    static let partnerViolence: [String] = every(
        ["partner", "husband", "wife", "boyfriend", "girlfriend"],
        then: ["has been violent", "was violent", "is violent", "became violent", "got violent", "gets violent", "turned violent"])
        + ["violent partner", "violent husband", "violent relationship", "violent boyfriend", "violent ex"]

    /// The electrics tripping (``Triage/Signal/electricFitting``, and a fault when the landlord's
    /// work is named before it: "Since the electrician was here on Monday the sockets in the kitchen
    /// trip the whole house", b56-039). Not "trip switch", the fitting itself.
    static let tripping = [
        "lights have tripped", "lights tripped", "electrics tripped", "power tripped", "tripped the electrics",
        "electrics trip", "electrics keep tripping", "keeps tripping", "keep tripping", "trips the electrics",
        "tripping the electrics", "trips out", "tripping out", "trip the whole house", "trips the whole house",
        "trip the power", "trips the power", "trip the fuse box", "trips the fuse box", "trip the electrics",
    ]

    /// A battery said to be running down (``Signal/alarmNuisance``): with these, not a question
    /// ("is that the battery?"), a carbon monoxide alarm's beeping is its battery (``Triage/batteryLow``).
    static let batteryLow = [
        "low battery", "battery is low", "battery low", "battery running low", "battery running out", "battery needs changing",
        "battery needs replacing", "needs a new battery",
    ]

    /// Work done on the home, as dated ("was fitted last week", "fitted last month").
    static let workDone = ["replaced", "fitted", "installed", "put in", "renewed"]

    /// Counts that say a fault was reported again ("reported it 3 times"): failures, unless a word of
    /// cleaning comes just before (``Triage/cleaning``: "wiped it 3 times this week", b82-009).
    static let repeatCounts = [
        "3 times", "4 times", "5 times", "6 times", "three times", "four times", "five times", "six times", "several times",
        "many times", "so many times", "countless times",
    ]

    /// A fault the repair brought: "thank you for fixing my shower ... it now runs cold, which it
    /// never did before the repair" (b83-040). A failure, and poor quality.
    /// Not "it never did that before" alone: a new fault's first report says that too ("the boiler
    /// is banging, it never did that before").
    static let faultsTheRepairBrought = [
        "before the repair", "before your repair", "before the engineer came", "before the plumber came", "before the work was done",
        "before your visit", "before you came out", "before you fixed it", "before they fixed it", "before it was fixed",
        "before it was repaired", "until the repair", "until your repair", "until the engineer came",
    ]

    /// What a body does that a stroke, age or illness can take away (``Triage/Signal/disability``
    /// after "can no longer").
    static let bodyAbilities = [
        "step into", "step in", "step over", "walk", "climb", "bend", "kneel", "stand", "manage the stairs", "manage stairs",
        "manage the steps", "get in the bath", "get into the bath", "get out of the bath", "get in and out of the bath",
        "use the bath", "cope",
    ]

    /// Sewage come into the home: a fault and a hazard (``Triage/Signal/otherHazard``). Not "the
    /// sewage works smell on windy days".
    static let sewage: [String] = [
        "sewage came up", "sewage coming up", "sewage has come up", "sewage is coming up", "sewage up through", "sewage backing up",
        "sewage is backing up", "raw sewage", "sewage everywhere", "sewage all over", "sewage in the bath", "sewage in my",
        "sewage flooding", "sewage coming through", "sewage came through", "sewage is coming through",
        // "sewage bubbling up from the shower plughole and across the bathroom lino" (b103-035).
        "sewage bubbling", "sewage is bubbling", "sewage bubbled", "sewage up from", "sewage up out", "sewage coming out",
        "sewage is coming out", "sewage came out", "sewage pouring", "sewage overflowing", "sewage on the floor",
    ]

    /// The landlord's workers who left their debris behind: "ur contractor has left a pile of
    /// broken tiles and nails on the path" (b77-006), as "ur workmen left rubble and nails" is
    /// labelled. Not "someone has left a pile of rubbish bags".
    static let debrisLeft: [String] = every(
        ["contractor", "contractors", "workmen", "operative", "operatives", "builders", "fitter", "fitters", "your men", "your workers"],
        then: every(["left", "has left", "have left"],
                    then: ["a mess", "a pile", "rubble", "debris", "nails", "broken", "tiles", "glass", "rubbish", "waste", "their rubbish",
                           "his rubbish", "materials", "their tools", "his tools"]))

    /// Words of damage done (``Triage/Signal/workerDamage``), a failure when the landlord's
    /// worker or crew is named just before them (``Triage/damagedByWorkers(_:at:)``).
    static let damageVerbs = ["smashed", "broke", "cracked", "damaged", "scratched", "ruined", "dented", "chipped", "ripped", "snapped",
                              "knocked over"]

    /// Those who come on a schedule to the estate (``Triage/Signal/crewAbsent``): cleaning,
    /// grounds, windows, bins.
    static let crews = [
        "cleaner", "cleaners", "window cleaner", "window cleaners", "caretaker", "caretakers", "gardener", "gardeners", "grounds",
        "groundsmen", "grounds team", "grass cutters", "bin men", "binmen", "litter pickers",
    ]

    /// The customer's leave for the writer to act: "he is happy for me to deal with this".
    static let happyForMe = every(["happy for me to"], then: ["deal", "speak", "talk", "act", "handle", "sort", "contact", "discuss", "manage"])

    /// The wait counted before it, a failure ("3 weeks waiting for someone to fix my extractor
    /// fan", b63-017, b94-026) unless asked about (``Triage/waitAsked``).
    static let waitedFor = ["weeks waiting for", "months waiting for", "weeks of waiting", "months of waiting"]

    /// The relatives a phone note names after "Caller's" or "Tenant's".
    static let relatives = [
        "mum", "mother", "dad", "father", "nan", "gran", "grandmother", "grandfather", "husband", "wife", "partner", "son", "daughter",
        "granddaughter", "grandson", "brother", "sister", "aunt", "uncle", "niece", "nephew",
    ]

    /// A relative's death in the words most write it ("my husband passed in March"); a cue, unless
    /// a test or an exam follows ("passed his driving test", a `notCue`).
    static let relativePassed = [
        "dad passed", "mum passed", "husband passed", "wife passed", "mother passed", "father passed", "partner passed",
        "son passed", "daughter passed",
    ]

    /// Water said to be away from the electrics: "well away from any lights or sockets" (b87-037),
    /// "not near any lights or sockets" (b05-030). The fittings are hidden (`notCue`), and the
    /// model does not raise an emergency the lists do not find (``Triage/Signal/notUrgent``).
    static let awayFromElectrics: [String] = every(
        ["not near any", "not near the", "nowhere near any", "nowhere near the", "away from any", "away from the", "far from any", "far from the"],
        then: ["light", "lights", "socket", "sockets", "lights or sockets", "sockets or lights", "light or socket", "light fitting",
               "light fittings", "electrics", "switch", "switches", "fuse box"])

    /// Words that a thing has stopped working: a heater's (``Triage/Signal/outOfOrder``) and a
    /// light's (``Triage/Signal/lightOut``), each with words of its own.
    static let stoppedWorking = ["not working", "isnt working", "stopped working", "wont come on", "doesnt come on", "not come on"]

    /// Structural danger unless a fitting is named just before ("the grab rail by the bath has
    /// come away from the wall" is a repair: ``Triage/fittingWindow``).
    static let awayFromTheWall: [String] = ["coming away from the wall", "come away from the wall", "came away from the wall"]

    /// Letters asked for in another language ("in Polish"), or someone who reads or speaks only
    /// that ("my father only reads Polish").
    static let otherLanguages: [String] = every(["in", "only reads", "only speaks", "reads only", "speaks only"], then: languages)
    /// The languages letters are asked for in.
    static let languages = [
        "polish", "arabic", "bengali", "urdu", "somali", "farsi", "tigrinya", "romanian", "portuguese", "spanish", "turkish", "punjabi",
        "gujarati", "chinese", "cantonese", "mandarin", "russian", "ukrainian", "lithuanian", "kurdish", "amharic", "tamil", "albanian",
        "pashto", "dari",
    ]

    /// "My father only reads Polish": the writer speaks for a parent who cannot read the letters.
    static let relativesLanguage: [String] = every(
        ["my mum", "my mother", "my dad", "my father", "my nan", "my gran", "my grandmother", "my grandfather"],
        then: ["only reads", "only speaks", "reads only", "speaks only", "doesnt speak english", "does not speak english", "cant read english",
               "cannot read english", "doesnt read english", "does not read english"])

    /// "I no longer need an interpreter", "she no longer uses a wheelchair": a need that is over.
    static let needOver: [String] = every(["no longer"], then: ["need", "needs", "require", "requires", "use", "uses", "have to use", "be needing", "needing", "be using"])
        + every(["wont", "will not"], then: ["be needing", "be using"])

    public static let phrases: [(Triage.Signal, [String])] = [
        (.explicitComplaint, [
            "complaint", "complain", "complaining", "complained", "formal complaint", "make a complaint", "raise a complaint",
            "log a complaint", "lodge a complaint", "want to complain", "wish to complain", "this is a complaint",
        ]),
        (.complaintReference, [
            "my complaint", "the complaint", "your complaint", "our complaint", "her complaint", "his complaint", "complaints team",
            "complaints manager", "complaints department", "complaint reference", "complaints officer",
        ]),
        (.notComplaint, [
            "not a complaint", "not complaining", "no complaints", "not to complain", "isnt a complaint", "is not a complaint",
            "no complaint", "not making a complaint",
        ]),
        (.emotion, [
            "not happy", "unhappy", "disgusted", "disgusting service", "disgraceful", "disgrace", "appalling", "appalled", "unacceptable",
            "fed up", "sick of", "sick and tired", "ridiculous", "shocking", "let down", "let me down", "terrible service", "awful service",
            "useless", "poor service", "rubbish service", "frustrated", "frustrating", "furious", "angry", "livid",
            "disappointed", "disappointing", "not good enough", "not acceptable", "a joke", "beyond a joke", "had enough",
            "last straw", "no excuse", "not impressed", "unimpressed", "outrageous", "diabolical", "pathetic", "incompetent",
            "dissatisfied", "not satisfied", "upset", "annoyed", "annoying", "irritating", "at my wits end", "wits end", "treated like", "sort it out",
            "awful", "unhappy with", "not happy with",
        ]),
        (.failure, [
            "still not", "still no", "still waiting", "still hasnt", "still havent", "still have not", "still has not", "still broken",
            "still leaking", "still not fixed", "still isnt", "still is not", "still doesnt", "still dont", "still cold",
            "nobody came", "no one came", "nobody turned up", "no one turned up", "nobody has", "no one has", "never turned up",
            "didnt turn up", "did not turn up", "didnt show", "did not show", "no show", "not turned up", "failed to turn up", "never came",
            "didnt come", "did not come", "never arrived", "didnt arrive", "did not arrive",
            // Done to the writer without a word first: "The new bin store you built takes all the
            // light from my kitchen window. Nobody asked us where it should go" (b96-004), as the
            // data's b01-064, b01-093 and the Section 20 bills. (Not "without asking me": a
            // neighbour does things without asking too, and a failure beside nuisance reads as a
            // complaint about how the nuisance was handled.)
            "nobody asked me", "nobody asked us", "no one asked me", "no one asked us",
            "not consulted", "never consulted", "werent consulted", "without consulting", "without any consultation",
            "with no consultation",
            "no response", "no reply", "not heard back", "not heard anything", "heard nothing", "never heard back", "no one got back",
            "nobody got back", "never got back", "no one called back", "nobody called back", "never called back", "not been called back",
            "nobody rang back", "no one rang back", "never rang back",
            // "The contractor will not return my calls" (b29-013).
        ] + TriageLexicon.every(["nobody", "no one", "never", "will not", "wont", "doesnt", "does not", "dont", "do not", "didnt"],
                                then: ["return my calls", "returns my calls", "return my call", "returns my call", "returned my calls",
                                       "returned my call", "return my emails", "returns my emails", "returned my emails"]) + [
            // "she has been waiting since July for the gap under her door to be fixed" (b77-015):
            // the data's five are all complaints.
            "waiting since",
            // "3 weeks waiting for someone to fix my extractor fan": the time before the wait.
        ] + TriageLexicon.waitedFor + TriageLexicon.debrisLeft + [
            "chased", "chasing", "third time", "fourth time", "fifth time", "3rd time", "4th time", "5th time", "third call", "3rd call",
            "fourth call", "4th call", "fifth call", "5th call", "numerous times",
            // "the fifth visit for the same cistern": a repair that took more than two goes.
            "third visit", "fourth visit", "fifth visit", "sixth visit", "3rd visit", "4th visit", "5th visit", "6th visit",
            "how many times", "over and over",
        ] + TriageLexicon.repeatCounts + [
            "was promised", "were promised", "been promised", "promised to", "promised me", "broken promise", "broken promises",
            "waste of time", "ignored", "ignoring", "ignore my", "nothing has been done", "nothing done", "nothing has happened",
            "done nothing", "no action taken", "no action has been taken", "not done anything", "havent done anything", "have not done anything",
            "made it worse", "worse than before", "left a mess", "left it in a mess", "left rubbish", "botched", "shoddy",
            "poor workmanship", "bodged", "bodge", "badly done", "not done properly", "didnt fix", "did not fix", "not fixed properly",
            "didnt do", "did not do", "never fixed", "never been fixed", "not been fixed", "hasnt been fixed", "has not been fixed",
            "not been done", "hasnt been done", "has not been done", "never done", "yet to", "months later", "weeks later",
            "cancelled my appointment", "cancelled the appointment", "cancelled again", "missed appointment", "missed the appointment",
            "missed my appointment", "waited in all day", "waited in", "took a day off", "took the day off", "stayed in all day",
            "rude", "very rude", "shouted at", "swore at", "hung up on me", "put the phone down on me", "attitude", "unprofessional",
            "overcharged", "wrongly charged", "charged me twice", "charged twice", "wrong amount", "should not have been charged",
            "kept on hold", "on hold for", "passed from pillar to post", "pillar to post", "nobody seems to care", "no one cares",
            "nobody cares", "dont care", "dont seem to care", "keep getting fobbed off", "fobbed off",
            "no longer", "been stopped", "stopped coming", "withdrawn", "taken away",
            "discriminated", "discrimination", "discriminating", "because of my race", "because of my disability",
            "not been emptied", "hasnt been emptied", "has not been emptied", "not been cut", "hasnt been cut", "not been cleaned",
            "hasnt been cleaned", "not cleaned for",
            "taking so long", "took so long", "take so long", "weeks ago and", "months ago and",
            // Impatience with a repair, not a plain question ("how long does it take for a transfer
            // application to be assessed?", b70-012).
            "how long does it take to fix", "how long does it take to repair", "how long does it take to mend",
            "how long does it take to sort", "how long does it take to change a", "how long does it take you",
            "how long does it take to get someone", "how long does it take to send someone", "how long does it take for someone to come",
            "already reported", "been reporting", "keep reporting", "reported it before", "reported before", "reported twice",
            "reported three times", "reported it several times", "reported this several times", "more times than i can count",
            "asked twice",
            // "I reported it twice" (b24-039), "rang twice", "chased it twice": the data's eleven are all
            // complaints.
        ] + TriageLexicon.every(["reported", "rang", "rung", "called", "phoned", "emailed", "chased", "written", "wrote", "contacted you"],
                                then: ["it twice", "this twice", "them twice", "you twice", "about it twice", "about this twice"])
          + TriageLexicon.every(["emailed", "chased", "written", "wrote"], then: ["twice"])
          // "The repair was reported three weeks ago" (b60-011), "I reported this two months ago and
          // was told it was being assessed" (b07-075): weeks reported and still there. (Not days.)
          + TriageLexicon.every(["reported", "reported it", "reported this", "reported them"],
                                then: TriageLexicon.every(["two", "three", "four", "five", "six", "eight", "ten", "2", "3", "4", "5", "6",
                                                           "8", "10", "several", "a few", "many"], then: ["weeks ago", "months ago"])) + [
            "weeks for a reply", "days for a reply", "months for a reply", "for a reply", "to get a reply", "no call", "no phone call",
            "no text", "cancelled appointments", "cancellation", "cancellations", "been on hold", "making her ill", "making him ill",
            "wrong size", "wrong part", "i dispute", "dispute this", "disputing", "did not damage", "didnt damage",
            "no visit", "had no visit", "not had a visit", "no one has been out", "nobody has been out", "not been out to",
            // An earlier repair that did not hold: "do it properly this time", "you only painted over it".
            "properly this time", "right this time", "you painted over", "they painted over", "just painted over", "only painted over",
            // A decision objected to: "it is refused because of cost. This is wrong and I want the
            // decision reviewed" (b71-031), "wants the banding reconsidered" (b29-007).
            "decision reviewed", "review the decision", "review this decision", "review your decision", "reconsider the decision",
            "reconsider this decision", "reconsider your decision", "please reconsider", "disagree with the decision",
            "disagree with your decision", "disagrees with the decision", "appeal the decision", "appeal this decision",
            "banding reconsidered", "decision is wrong", "decision was wrong",
            // A fault the repair brought (``TriageLexicon/faultsTheRepairBrought``).
        ] + TriageLexicon.faultsTheRepairBrought + [
            // A fault back after its repair: "thank you for fixing the fence; the post is already
            // leaning again".
            "leaning again", "loose again", "leaking again", "dripping again", "blocked again", "cracked again", "stopped working again",
            "not working again", "came off again", "come off again", "fallen down again", "already leaning", "already leaking",
            // New work worse than what it replaced: "The old one at least worked" (b91-001).
            "old one at least worked", "old ones at least worked", "old one worked better", "old ones worked better",
            "old one was better", "old ones were better", "worse than the old one", "worse than the old ones",
            // Weeks without, and nobody acting: "3rd week with no hot water ... is anyone actually doing anything".
            "is anyone actually doing anything", "is anyone doing anything", "is anybody doing anything", "is anyone even doing anything",
            "is anybody actually doing anything", "anyone actually doing anything",
            // (Not "broken down again": the data's lifts and boilers that have, with nothing said
            // of an earlier repair, are first reports.)
        ]),
        // The landlord's own work, named as what a fault followed (``Triage/Signal/sinceWork``):
        // "the sockets trip since the electrician was here", "the door you fitted last month won't
        // lock" (Code 1.2: the action of those acting on its behalf).
        (.sinceWork, TriageLexicon.every(["since the", "since your"], then: TriageLexicon.workers) + [
            "since they fixed", "since you fixed", "since they fitted", "since you fitted", "since u fitted", "since they replaced",
            "since you replaced", "since they came to fix", "since the work was done", "since the works", "since the repair",
            "since your repair",
        ] + ["last", "recently"].flatMap { TriageLexicon.every(["you", "u", "they"], then: ["fitted", "installed", "put in", "replaced",
            // "the new fence you put up last week has already blown down" (b79-033).
            "put up", "built", "laid"], last: $0) } + [
            "only fitted last", "only installed last", "only put in last", "only just fitted", "only just been fitted",
            "only been fitted", "only just installed",
            // "The extractor fan was replaced on the 12th. Since then it makes a loud rattling noise"
            // (b91-001): recent work, dated. (160 phrases: cheap now the lexicon ships built.)
        ] + ["on the", "last week", "last month", "yesterday", "recently", "this week", "a week ago", "a fortnight ago"].flatMap {
            TriageLexicon.every(["was", "were", "has been", "have been"], then: TriageLexicon.workDone, last: $0)
        }
          // "the new windows fitted last month are letting in rain" (b77-035), "the new kitchen fitted
          // last month is already falling apart" (b01-080): the work dated without "was"; praise of it
          // ("the new boiler fitted last week is working perfectly", b15-001) keeps it a compliment.
          + TriageLexicon.every(TriageLexicon.workDone, then: ["last week", "last month", "this week", "this month", "a week ago",
                                                               "a fortnight ago"])),
        (.sarcasm, [
            "thanks for nothing", "thanks a lot for nothing", "cheers for nothing", "great job leaving", "well done for leaving",
            "thanks for leaving", "thanks for ignoring", "thank you for ignoring", "brilliant service not", "yeah right",
            "oh great", "just brilliant", "fantastic service not", "another week without", "another weekend without",
            // "another weekend with no hot water": the failure counted as it goes on.
            "another night without", "another day without", "another month without", "another week with no",
            "another weekend with no", "another night with no", "another day with no", "another month with no",
        ]),
        (.praiseWeak, ["thank you", "thanks", "thanks for", "many thanks", "thank u", "cheers", "cheers for", "thanks very much"]),
        (.update, [
            "noted", "thanks for the letter", "thank you for the letter", "got your letter", "received your letter", "thanks for letting me know",
            "thanks for the update", "thank you for the update",
            // An answer acknowledged: "thanks for the info" (b85-012), "Thanks for the reply. That all
            // makes sense now" (b10-024); not "thanks for the quick reply", which praises its speed.
            "thanks for the info", "thank you for the info", "cheers for the info", "thanks for the information", "thank you for the information",
            "thanks for the reply", "thank you for the reply", "thanks for the details", "thank you for the details",
            // Something received, acknowledged in a word: "cheers, got it" (b98-039), "ok got it" (b77-022);
            // not "got it" alone ("the form got it wrong").
            "cheers got it", "thanks got it", "ok got it", "okay got it", "got it thanks", "got it cheers", "got it ta",
            "working again", "now fixed", "been sorted", "all sorted", "no action requested",
            "no action needed", "nothing for us to do", "nothing for us", "no reply needed", "no reply necessary", "no response needed", "just letting you know", "just to let you know", "just so you know", "for your information", "please note",
            "just to say", "letting you know", "wanted to let us know",
            "no need", "no need to", "not needed", "nothing needed", "nothing further", "no further action", "nothing to add",
            "please ignore", "ignore my", "for your records", "for information", "fyi", "just confirming", "to confirm",
            "see you", "see u", "is fine", "thats fine", "that is fine", "works for me", "suits me", "will be in",
            "will be away", "be late", "ring after", "call after", "new number", "my new number",
        ] + TriageLexicon.withdrawn),
        (.praise, TriageLexicon.praiseOfHow + [
            "thank you so much", "thanks so much", "thank u so much", "thank you to", "thanks to", "to thank", "wanted to thank", "praise",
            "grateful", "top job", "so quick", "so quickly", "really quick", "very quick",
            "brilliant", "excellent", "fantastic", "wonderful", "amazing", "great job", "great work", "good job", "well done", "credit to",
            "pass on my thanks", "pass on my thanks to", "compliment", "compliments", "lovely job", "really pleased", "very pleased",
            "so pleased", "delighted", "impressed", "very helpful", "so helpful", "really helpful", "extremely helpful", "polite",
            "friendly", "went above and beyond", "above and beyond", "couldnt have asked for", "cant thank", "cannot thank",
            "appreciate", "appreciated", "a big thank you", "big thanks", "kudos", "spotless", "superb", "first class",
            "happy with the", "really happy", "very happy", "so happy", "made a real difference", "a real asset", "a pleasure",
            // "The double glazing your fitters put in has made such a difference" (b99-019); not "made
            // no difference".
            "made such a difference", "made a big difference", "made a huge difference", "made a massive difference",
            "made all the difference", "makes such a difference", "makes a big difference", "makes a huge difference",
        ]),
        (.suggestion, [
            "suggest", "suggests", "suggested", "suggesting", "suggestion", "suggestions", "it would be good if", "it would be nice if", "it would be great if",
            "would be helpful if", "would be better if", "could you consider", "have you considered", "have you thought about",
            "why not", "an idea", "idea for", "idea could", "have an idea", "how about", "could you put", "could u put", "could put",
            "should put", "could install", "should install", "could add", "would be safer with", "would be safer if", "maybe you could", "perhaps you could", "it might be worth", "would it be possible to have",
            "should think about", "you should consider", "please consider", "i propose", "proposal", "recommend", "would help if",
            "could we have", "could we get", "what about having", "would love to see", "it would make sense", "improvement",
            "could be improved", "wouldnt it be better",
            // An idea put as a question: "Would you consider cutting them back in the winter?" (b85-025,
            // as the data's seven), "Please could you plant some bulbs" (b85-004).
            "would you consider", "would you think about", "could you plant", "could u plant", "please plant",
            "could you look at putting", "could you look at adding",
        ]),
        (.question, [
            "can you tell me", "could you tell me", "please tell me", "please let me know", "let me know", "how do i", "how can i",
            "how long", "when will", "when is", "when are", "what is", "what are", "where can i", "where do i", "who do i",
            "who should i", "do you know", "is it possible", "would like to know", "id like to know", "wondering", "wondered",
            "information", "what time", "opening hours", "how much", "am i entitled", "can i", "do i need", "is there",
            "are there", "query", "question", "enquiry", "enquiring", "could you advise", "please advise", "advice", "explain",
            "what happens", "do you have", "asked how", "asked when", "asked whether", "asked if", "asking whether", "asking if",
            "asking about", "wants to know", "wanted to know", "enquired", "whats the", "what is the number", "number for",
            // Leave asked for: "would that be a problem with the tenancy?" (b96-023), as "am I
            // allowed" and "is it ok to" in the data (b03-044, b18-035, b72-013).
            "would that be a problem", "would it be a problem", "would this be a problem", "would that be allowed",
            "would it be allowed", "would that be ok", "would that be okay", "am i allowed", "are we allowed", "is it ok to",
            "is it ok if", "is it okay to", "is it okay if",
            // Whether something sent arrived: "did u get the photos i sent ... just checking they
            // came thru" (b96-027).
            "did you get the", "did u get the", "did you get my", "did u get my", "did you receive", "did u receive",
            "have you received", "have u received", "came through ok", "came thru ok", "just checking",
            // Whose job a repair is: "is that fence mine to maintain or yours?" (b97-036), as the
            // data's "is that mine or yours to fix?" (b45-014). Not "who is responsible", which a
            // complaint asks too ("I want to know who is responsible"), nor "me or you", which is
            // as often "ring me or you can email".
            "mine or yours", "yours or mine", "mine to fix or yours", "mine to maintain or yours", "mine to repair or yours",
            "mine to sort or yours", "mine to do or yours", "my job or yours", "my responsibility or yours",
            "your responsibility or mine",
            // "Caller wanted to check the date of her gas safety check" (b66-016): a question in a phone note.
        ] + TriageLexicon.every(["wanted to check", "wants to check", "wanting to check", "would like to check", "rang to check",
                                 "called to check"], then: ["when", "whether", "if", "the date", "what"])),
        (.fault, [
            // "the new windows fitted last month are letting in rain at the bottom" (b77-035).
            "letting in rain", "letting the rain in", "lets the rain in", "lets rain in", "letting rain in", "letting in water",
            "letting water in", "lets water in", "lets in water", "lets in rain",
            "broken", "broke", "not working", "isnt working", "doesnt work", "does not work", "stopped working", "wont work",
            "leak", "leaking", "leaks", "leaky", "dripping", "drips", "flooded", "flooding", "blocked", "blockage", "please fix", "can you fix",
            "could you fix", "to be fixed", "needs fixing", "need fixing", "fix it", "repair it", "needs repair", "needs repairing",
            "book a repair", "report a repair", "book a repair", "can it be repaired", "be repaired", "be replaced", "be cleared",
            "please send", "send someone", "send an engineer", "send an electrician", "send a plumber", "come and look",
            "come out", "come round", "could someone", "can someone", "need someone", "someone to come", "someone come",
            "needs replacing", "need replacing", "faulty", "cracked", "loose", "damaged", "hanging off", "fallen off", "came off",
            "come loose", "snapped", "blown down", "no hot water", "wont flush", "doesnt flush", "wont open", "wont close",
            "wont shut", "cannot open", "cant open", "stuck", "jammed", "lights are out", "light is out", "light out", "lights out",
            "pitch black", "no light", "overgrown", "fly tipping", "flytipping", "fly tipped", "infestation", "mice", "rats",
            "cockroaches", "bed bugs", "wasps", "wasp nest", "pigeons", "nesting", "overflowing", "needs cutting", "needs doing",
            "please arrange", "keeps tripping", "tripping", "flickering", "rotten", "rotting", "smashed", "crack", "peeling",
            "grinding", "rattling", "making a noise", "draughts", "draught", "pest control", "can you do something about",
            "no water comes out", "buzzes", "cannot hear", "out of order", "is there anything you can do",
            // An ask to stop a mailing: "Caller asked to be taken off the mailing list" (b93-023).
            "off the mailing list", "off your mailing list", "from the mailing list", "from your mailing list", "unsubscribe",
            "unsubscribe me", "opt me out",
        ] + TriageLexicon.sewage),
        (.asb, [
            "noisy neighbour", "noisy neighbours", "noise from", "noise nuisance", "loud music", "music blaring", "shouting", "screaming",
            "partying", "parties", "loud parties", "drug", "drugs", "drug dealing", "dealing drugs", "cannabis", "smell of weed",
            "smoking weed", "harass", "harassed", "harassment", "harassing", "threatening", "threatened", "intimidating", "intimidated",
            "antisocial", "anti social", "asb", "fighting", "youths", "gang", "vandalism", "vandalised", "vandalized", "barking",
            "dog fouling", "fouling", "racist comments", "racist abuse", "racial abuse", "verbal abuse", "shouting abuse", "banging doors",
            "stamping", "abusive", "aggressive", "all hours", "through the night", "at 3am", "at 2am", "at 4am", "every night", "late at night",
            "drums", "drumming", "fireworks", "smashing", "throwing stones", "abandoned car", "car been dumped", "dumped car",
            "no plates", "urinated", "racing", "motorbikes", "teenagers", "argue", "arguing", "dumping",
            // Drinking in the open or the common parts: "A group of adults drink in the children's
            // play area" (b96-031), as the data's b12-015, b19-020, b22-063, b30-050, b51-024.
            "drinking in the", "drinking on the", "drink in the", "drinks in the", "drinking outside", "drinking and",
            "place to drink", "street drinking", "drunk bloke", "drunk man", "drunk men", "drunken", "coming home drunk",
            // Nuisance riding: "quad bikes tearing across the playing field" (b95-029).
            "quad bike", "quad bikes", "quads", "scrambler", "scramblers", "dirt bike", "dirt bikes", "off road bikes", "mopeds",
            "tearing around", "tearing round", "tearing across", "tearing up and down", "wheelies",
            // Someone's vehicle blocking others' spaces: "a van parked across our bays for weeks".
            "parked across", "parking across", "parks across", "across two bays", "across both bays", "across the bays",
            "across our bays", "in my bay", "in our bays", "blocking my bay", "blocking our bays", "blocking the bays",
            "parked a caravan", "parking a caravan", "parks a caravan", "caravan parked",
        ]),
        (.escalation, [
            "escalate", "escalated", "escalating", "escalation", "stage 2", "stage two", "next stage", "review of my complaint",
            "review my complaint", "take this further", "take it further", "take my complaint further", "ombudsman",
            "housing ombudsman", "someone more senior",
            "more senior manager",
        ] + TriageLexicon.responseNamed + TriageLexicon.displeasedWithTheAnswer),
        // Someone else to look again, near a reply or a complaint (``Triage.Signal.reviewAsk``):
        // "the reply to my complaint ignored my points; I want someone else to look at it".
        (.reviewAsk, [
            "someone else to look at", "someone else look at", "someone else to look into", "someone else look into",
            "someone else to review", "someone else review", "looked at by someone else", "reviewed by someone else",
            "someone independent to look", "someone independent to review", "someone different to look", "fresh pair of eyes",
            "looked at again by someone", "looked into again by someone", "reviewed again by someone",
            // Someone senior, near the reply (b96-010: "I have your stage 1 reply ... I want someone
            // senior to look at this again"); alone, "can someone senior look at this" about a
            // repair (b29-002) is a complaint, not a second stage.
            "someone senior to look", "someone senior look", "someone senior to review", "someone senior review",
            "senior manager to look", "senior manager to review", "senior officer to look", "senior officer to review",
            // Someone above the writer of the reply (b98-016: "the reply to her complaint ... asking for
            // someone above the officer who wrote it to review it").
            "someone above", "someone higher up", "somebody above", "somebody higher up", "a manager above",
            // The reply refused, near the reply: "Thank you for your stage 1 response. I do not
            // accept it" (b33-011, b59-008, b69-002, b96-010; "your findings", b90-015).
            "do not accept it", "dont accept it", "cannot accept it", "cant accept it", "do not accept your findings",
            "dont accept your findings", "cannot accept your findings",
            // The next rung of the process, near the reply: "I have read your manager's answer to
            // my complaint ... I would like this looked at by the next level up in your complaints
            // process" (b100-011).
            "next level up", "next level of", "the next level", "a higher level", "higher level of",
        ]),
        // An outcome accepted (``Triage.Signal.closedSatisfied``): "satisfied with the outcome and
        // happy for the complaint to be closed".
        (.closedSatisfied, [
        ] + TriageLexicon.every(["satisfied with", "happy with", "pleased with", "content with"], then: ["the outcome"])
          + TriageLexicon.every(["satisfied with", "happy with"], then: ["the response", "your response"]) + [
            "happy for the complaint to be closed", "happy for my complaint to be closed", "happy for it to be closed",
            "you can close my complaint", "you can close the complaint", "happy to close the complaint", "happy to close my complaint",
            "i accept the outcome", "i accept your response",
        ]),
        (.complaintAnswer, [
            "complaint", "complaints", "response", "reply", "replied", "answer", "answered", "decision", "outcome",
            // The first stage's letter named by its stage: "Thanks for the first stage letter ... I
            // don't accept it".
            "stage one", "stage 1", "first stage",
        ]),
        (.damp, [
            "damp", "dampness", "mould", "mouldy", "moulds", "mold", "moldy", "mildew", "condensation", "black spots", "black patches",
            "black marks on the walls", "black mould", "fungus", "fungi", "wet walls", "walls are wet", "walls are soaking",
            "water running down the walls", "streaming windows", "windows streaming", "rising damp", "spores", "musty smell",
            "smells musty", "smells damp", "damp smell", "musty", "damp patch", "damp patches", "green fur",
            "wet to the touch", "wet to touch", "wall is wet", "walls wet", "wet wall",
            // Rain let in: "There is a wet patch inside on that wall now" (b71-038). Not water
            // "running down the wall" from a leak above, nor a wet patch on a ceiling under one:
            // water, not damp (the data labels them so).
            "wet patch inside", "wet patch on the wall", "wet patch on my wall", "wet patches on the wall",
            // Plaster that damp has softened: "the plaster underneath is soft and crumbly".
            "plaster is soft", "soft plaster", "plaster underneath is soft", "plaster is crumbly", "crumbly plaster",
            "plaster is crumbling", "crumbling plaster", "plaster is powdery", "powdery plaster",
            // Condensation that runs: "the bathroom runs with water when the fan is off".
            "runs with water", "run with water", "running with water", "ran with water",
            "wet rot", "dry rot", "black again", "furry", "growing on the walls",
            "growth on the walls", "wall is black", "walls are black", "walls have gone black", "wall has gone black",
            // Mould named by its colour as it spreads: "the ceiling is going black in the corner".
            "ceiling is going black", "ceiling going black", "ceiling has gone black", "ceilings have gone black",
            "ceiling is turning black", "walls are going black", "wall is going black", "walls going black", "walls are turning black",
            "corner is going black", "corners are going black", "going black in the corner", "going black in the corners",
        ]),
        (.dampSevere, [
            "covered in", "everywhere", "spreading", "all over", "whole wall", "every room", "coughing", "breathing", "chest infection",
            "wheezing", "wheezy", "respiratory", "inhaler", "cant breathe", "can not breathe", "hospital", "babys room", "nursery",
            "cot", "in the cot", "childs bedroom", "kids bedroom", "making us ill", "making me ill", "making my", "ill from",
        ]),
        (.gas, [
            "smell gas", "smell of gas", "smells of gas", "gas smell", "smelling gas", "gas leak", "leaking gas", "gas leaking",
            "smelt gas", "smell of oil", "oil tank", "heating oil", "carbon monoxide", "monoxide", "gas escape",
            "rotten egg", "rotten eggs", "like eggs", "smell of eggs", "smells of eggs", "eggy smell", "smells eggy", "flame stays on", "flame will not go out",
            "flame wont go out", "hob will not turn off", "hob wont turn off", "ring will not turn off", "ring wont turn off", "cant turn the gas off",
            "cannot turn the gas off", "stinks of gas", "stink of gas", "stinking of gas", "stunk of gas", "reeks of gas",
            "reek of gas", "reeking of gas", "whiff of gas", "pong of gas",
            "says co", "reads co", "shows co", "showing co", "co warning", "co reading", "co levels", "co level",
        ]),
        (.electrics, [
            // "the plug gets very hot" (b77-007): an overheating plug.
            "plug gets hot", "plug gets very hot", "plug gets really hot", "plug is hot", "plug is very hot", "plug is really hot",
            "plug was hot", "plug was very hot", "plug getting hot", "plug is getting hot", "plug goes hot", "plug is red hot",
            "smells of burning", "smelling of burning",
            "sparking", "sparks", "spark", "sparked", "exposed wires", "exposed wiring", "bare wires", "electric shock", "electrical shock",
            "got a shock", "shock from", "burning smell from the socket", "smell of burning", "burning smell", "scorch marks",
            "scorched", "socket smoking", "smoke coming from", "fuse box smoking", "melted socket", "melting", "live wire",
            "wires hanging", "electrics are dangerous", "dangerous electrics",
            "went bang", "gone bang", "power line", "power lines", "power cable", "overhead cable", "burnt socket", "burnt out socket", "smoke coming out", "smoking socket",
            "gives me a shock", "gave me a shock", "little shock", "small shock", "shock when", "tingle", "buzzing socket",
            "wires sticking out", "wires are sticking out", "wires poking out", "wires are poking out", "wires coming out of the wall",
            "uncapped", "not capped", "nobody capped", "never capped", "havent capped", "have not capped",
        ]),
        (.electricFitting, [
            "light fitting", "light fittings", "ceiling light", "socket", "sockets", "plug socket", "electrics", "fuse box",
            "consumer unit", "light switch", "wiring", "electrical", "the lights", "electric meter", "electricity meter", "electric cupboard",
            "the switch", "ceiling rose", "the light in", "out of the light", "out the light", "by the light", "into the light", "from the light",
            "near the light", "round the light", "switched off the power", "switched off the electrics", "turned off the power",
            "turned off the electrics", "switched off at the fuse box", "turned the power off", "turned the electrics off",
            "next to the light", "spotlights", "spotlight", "spot lights", "downlights", "downlight",
            "trip switch", "rcd",
            "pull cord", "kitchen light", "bathroom light", "hall light", "landing light", "light flickers", "lights flicker",
            // The light of the flat below: "its coming thru their light" (b84-038).
            "through the light", "thru the light", "through my light", "thru my light", "through their light", "thru their light",
            "their light", "their lights",
            "light is flickering", "lights are flickering", "electrics cupboard", "electrical cupboard", "meter cupboard",
        ] + TriageLexicon.tripping),
        (.water, [
            "water coming through", "water pouring", "water dripping", "dripping", "leaking", "water leaking", "flooding", "flooded",
            "water is coming", "water coming", "wet", "soaking", "coming thru", "water coming thru", "pouring out", "water pouring out",
            "dripping on", "dripping into", "running down the wall", "water has been coming",
            "water running", "water is running", "water was running", "water has been running", "water runs down",
            // Water standing in a fitting: "the ceiling light has water in the cover" (b84-040).
            "water in the cover", "water in the light", "water inside the light", "water in the fitting", "water inside",
            "full of water", "has water in",
        ]),
        (.structural, [
            "ceiling collapsed", "ceiling has collapsed", "ceiling fell", "ceiling came down", "ceiling caved", "caved in",
            "ceiling is bowing", "ceiling bowing", "ceiling bulging", "ceiling sagging", "ceiling is sagging", "collapsed", "collapsing",
            "falling masonry", "masonry falling", "bricks falling", "structural danger", "about to fall", "could fall",
            "going to fall", "balcony is loose", "railing is loose", "loose railing",
            "big crack", "huge crack", "large crack", "cracks in the walls", "wall is cracking",
            "water pouring through", "pouring through the ceiling", "coming through the ceiling",
            "trapped in the lift", "stuck in the lift", "opened between floors", "opens between floors", "open between floors", "doors between floors", "stuck between floors",
            "trapped between floors", "asbestos", "wall is moving", "got much wider", "bulging", "has fallen onto", "fallen onto", "concrete has fallen", "could be hurt", "loose and wobbling", "leaning on", "tree fell", "tree has fallen", "fallen tree",
            "tree came down", "tree has come down", "tree blew down", "tree has blown down", "tree blown down", "tree blew over",
            "tree has blown over", "tree is down", "tree now down", "tree was down", "branch came down", "branch has come down", "branch fell", "branch has fallen",
            "gonna come down", "going to come down", "will come down", "could come down", "about to come down", "ceiling is coming down",
            // "the ceiling has now partly come down" (b69-010).
            "partly come down", "partly came down", "partly collapsed", "ceiling has come down", "ceiling has partly", "ceiling partly",
            "will fall", "might fall", "looks like it will fall", "branch hanging", "branch hanging off", "hanging off the ceiling", "leaning against", "is leaning", "roots are lifting",
            "worried about the structure", "getting wider", "got wider", "crack running", "broken tread", "moves when you step",
            "open hole", "drain cover", "break an ankle", "break their neck",
            "looks dangerous", "looking dangerous", "dangerous tree", "ceiling is wet and sagging", "sagging",
            "soft to touch", "soft to the touch", "split and hanging", "cracked and hanging",
            "has a bulge", "a bulge in", "bulge in the wall", "wide enough to put", "put a finger in", "put my finger in",
            "fit a finger in", "fit my finger in", "fit a coin in", "get a coin in", "get my finger in",
            "away from the frame", "coming out of the frame", "coming out of its frame", "falling out of the frame", "falling out of its frame",
        ] + TriageLexicon.awayFromTheWall),
        (.fallingPart, [
            "balcony", "balconies", "railing", "railings", "balustrade", "render", "rendering", "masonry", "brickwork", "bricks",
            "chimney", "chimney pot", "roof tiles", "roof tile", "slates", "slate", "coping stone", "coping stones", "gutter",
            "guttering", "canopy", "cladding panel", "ceiling", "plasterboard", "parapet", "lintel",
            "window glass", "pane", "glass in the", "stair tread", "stair treads", "treads",
        ]),
        // Fittings screwed to a wall, whose coming away is a repair (a handrail on stairs, a balcony
        // railing or a window frame is not one of them).
        (.fitting, [
            "grab rail", "grab rails", "towel rail", "curtain rail", "curtain pole", "shelf", "shelves", "bath panel", "skirting board",
            "skirting", "tiles", "tile", "sink", "basin", "bath", "mirror", "coat hooks", "toilet roll holder", "cupboard door",
            // A window blind or a curtain is a fitting too ("the roller blind has come away from the wall"):
            // named by the phrases that hide "blind" as a cue, never by "blind" alone ("I'm blind and the
            // handrail has come away" is still a danger).
            "the blind", "curtain", "curtains", "picture rail", "dado rail", "worktop", "splashback",
            // Paper on the wall: "the paper has come away from the wall" is damp's sign, not a fall.
            "wallpaper", "the paper", "wall paper",
        ] + TriageLexicon.windowBlinds),
        // "The automatic doors at the front of Oakfield House have been stuck open" (b94-037).
        (.entrance, ["front door", "back door", "door to my flat", "door to the flat", "flat door", "my door", "our door", "the door", "door",
                     "doors"]),
        // A light's failing, read as a light out only just after a light's words (``Triage/lamps``).
        (.lightOut, TriageLexicon.stoppedWorking + [
            "out", "arent working", "is not working", "are not working", "dont come on", "not coming on", "flickering", "flickers", "blown",
            "gone", "dead",
        ]),
        // A crew not seen for a time, read as a failure only just after a crew's words
        // (``TriageLexicon/crews``): "whether the window cleaners are still coming ... as I haven't
        // seen them since before Christmas" (b92-002). Not "I haven't seen her since Tuesday".
        (.crewAbsent, TriageLexicon.every(["havent", "have not", "not", "never"], then: ["seen them", "seen anyone", "seen him", "seen her"],
                                          last: "since")
            + TriageLexicon.every(["havent", "have not", "hasnt", "has not", "not"], then: ["been since", "been round since", "been back since",
                                                                                              "been near since", "been here since"])),
        (.workerDamage, TriageLexicon.damageVerbs),
        (.notUrgent, [
            "not urgent", "nothing urgent", "no rush", "no hurry", "not in a hurry", "not an emergency", "no urgency", "whenever convenient",
            "when convenient", "when its convenient", "whenever you can", "whenever someone is around", "whenever youre next",
            // A smell of sewage, which the guide does not count: sewage come into the home does, and
            // the lists find it ("sewage came up through the bath"). "a strong smell of sewage in the
            // communal bin area" (b85-035) was an emergency by the model alone.
            "smell of sewage", "sewage smell", "smells of sewage", "smelling of sewage", "stink of sewage", "stinks of sewage",
            "stench of sewage", "smell of drains", "drains smell",
            // Glass cracked and whole: "It hasn't broken through" (b87-036, an emergency by the model
            // alone at 89%), "still in one piece and not dangerous" (b63-022).
            "hasnt broken through", "has not broken through", "not broken through", "still in one piece", "not dangerous",
            "isnt dangerous", "is not dangerous",
            // A floor or carpet that may trip someone: a repair to fix it down (the data's b09-050,
            // "the kitchen floor vinyl has split and is a trip hazard"). A fall had or nearly had
            // is found by the lists ("nearly fell").
            "trip hazard", "tripping hazard", "trip risk",
            // Water the writer keeps from the electrics: "well away from any lights or sockets"
            // (b87-037), "not near any lights or sockets" (b05-030). The same phrases hide the
            // fittings they name (`notCue`).
        ] + TriageLexicon.awayFromElectrics),
        (.alarmNuisance, [
            "make toast", "making toast", "burn toast", "burn the toast", "burnt toast", "burned toast", "when i cook", "when im cooking",
            "every time i cook", "whenever i cook", "when cooking", "from the cooking", "steam from the shower", "steam from the bathroom",
            "when i shower", "when i have a shower", "too sensitive", "oversensitive", "over sensitive",
            // The beeping of a battery running down: a job, not a danger.
            "battery", "batteries", "new battery",
        ] + TriageLexicon.batteryLow),
        (.wontShut, [
            "wont shut", "will not shut", "will not close", "wont close", "doesnt shut", "does not shut", "cant shut", "cannot shut",
            "can not shut", "cant close it", "cannot close it", "stuck open", "jammed open",
            // "the communal front door isnt shutting" (the data's b30-027), and in Scots, "the close
            // door's no shutting" (b90-038).
            "not shutting", "isnt shutting", "is not shutting", "no shutting", "not closing", "isnt closing", "is not closing",
            // A door that no longer catches: "frame is cracked and it wont latch" (b95-017).
            "wont latch", "will not latch", "doesnt latch", "does not latch", "not latching", "isnt latching", "cant latch",
            "no longer latches",
        ]),
        (.givingWay, [
            "come loose", "came loose", "coming loose", "loose", "wobbling", "wobbly", "wobbles", "fallen", "fell", "falling", "fall off",
            "fallen off", "coming away", "come away", "came away", "hanging off", "dropped off", "crumbling", "gave way", "given way",
            "fallen down", "fell down", "fell off", "blown off", "ripped off", "feels soft", "feel soft", "gone soft", "spongy",
            "hanging down", "falling out", "fallen out", "rocking",
            "off its hinges", "off the hinges", "off its hinge", "off the hinge", "only held by", "held on by", "hanging by",
        ]),
        (.fire, [
            "fire door", "fire doors",
            "fire exit", "fire escape", "cladding", "fire risk", "fire hazard", "fire safety", "propped open", "blocked exit",
            "sprinkler", "sprinklers", "fire extinguisher", "extinguisher", "extinguishers", "no alarm", "fire blanket",
            "set fire", "set on fire", "on fire", "arson", "dry riser", "wet riser", "fire in the", "smoke is getting into", "smoke getting into",
            "smoke is coming into", "smoke coming into", "caught fire", "caught alight", "full of smoke", "filled with smoke",
            "setting fire", "sets fire", "setting fires", "set light to", "setting light to", "sets light to",
            "up in flames", "went up in flames", "gone up in flames", "going up in flames",
            // An alarm that no longer works, whatever its battery: "chirping, then went completely dead"
            // (``wentDead``: only where an alarm is named).
        ] + TriageLexicon.wentDead + [
            "alarm is dead", "alarms are dead", "no other alarm", "alarm not working",
            "alarm is not working", "alarm isnt working", "alarm has stopped working", "alarm stopped working",
        ] + TriageLexicon.alarms),
        (.security, [
            "wont lock", "cant lock", "can not lock", "cannot lock", "doesnt lock", "does not lock", "broken into", "break in",
            "burgled", "burglary", "front door wont close", "door wont close", "window wont close", "insecure", "cant secure", "cannot secure", "can not secure", "window smashed", "door has been kicked in", "kicked in",
            "anyone can get in", "anyone could get in", "anyone can walk in", "anyone could walk in", "anyone could climb in",
            "anyone can walk into", "anyone could walk into", "anyone can get into", "anyone could get into",
            "anyone can climb in", "will not lock", "been forced", "forced open",
            "door forced", "not locked", "not been locking", "hasnt locked", "lock is broken", "lock broken", "broken lock",
            "smashed in", "kicked down", "broke in", "broke into", "forced entry", "forced their way in", "forced his way in",
            "no longer locks", "no longer lock", "jemmied", "prised open", "pried open", "crowbarred",
            // A way in for anyone (b94-037: "Anyone can walk straight in").
            "anyone can walk straight in", "anyone could walk straight in",
            "anyone can just walk in", "anyone could just walk in", "anyone can come in", "anyone could come in",
            // A break-in tried: "someone tried to jemmy my back door overnight" (b95-017).
            "tried to jemmy", "tried to prise", "tried to pry", "attempted break in", "attempted burglary", "attempted to break in",
            "tried to force the door", "tried to force my door", "tried to force the lock", "tried to force the window",
        ] + TriageLexicon.wontLock),
        (.noHeat, [
            "no heating", "no heat", "heating not working", "heating isnt working", "heating has stopped", "heating broken",
            "heating is broken", "boiler broken", "boiler is broken", "boiler not working", "boiler has broken", "boiler broke",
            "no hot water", "no water", "radiators are cold", "radiators cold", "freezing", "so cold", "no gas", "no electricity",
            "no power", "heating off", "heating is off", "electricity is off", "electricity off", "power is off", "no water at all",
            "heating has been off", "heating been off", "heating off for", "heating has gone off", "heating went off",
            "heatings off", "heatings not working", "heatings broken", "heatings gone", "heating gone off", "heating packed up",
            "boiler packed up", "boilers packed up", "boilers broken", "boilers not working", "boilers gone", "no heat or hot water",
            "heating has not worked", "heating hasnt worked", "heating not worked", "heating has not been working",
            "heating hasnt been working", "heating not been working", "heating has stopped working", "heating stopped working",
            // No working toilet, which the guide's seventh reading makes an emergency for someone
            // possibly vulnerable, as no heating or water is (b74-032: "no working toilet for nine
            // days. She is 7 months pregnant"); a toilet that will not flush is a fault only.
            "no toilet", "no working toilet", "no usable toilet", "without a toilet", "without a working toilet",
            "toilet not working", "toilet isnt working", "toilet is not working", "toilet has not worked", "toilet hasnt worked",
            "toilet has not been working", "toilet hasnt been working", "toilet out of use", "toilet is out of use",
            "cant use the toilet", "cannot use the toilet", "unable to use the toilet",
            // "no electric since 6am" (b75-034): the supply, not "no electric shower".
        ] + TriageLexicon.every(["no electric"], then: ["since", "at all", "in the", "in my", "for", "or gas", "or heating", "and no",
                                                        "all day", "today", "tonight", "again", "still"]) + [
            // "has not had any hot water for three days" (b64-018).
        ] + TriageLexicon.every(["not had", "hasnt had", "havent had", "not had any", "hasnt had any", "havent had any", "without",
                                 "without any"], then: ["hot water", "heating", "heat"])),
        (.otherHazard, [
            // Not "trip hazard": a floor or carpet to be fixed down, as the data's b09-050 ("the kitchen
            // floor vinyl has split and is a trip hazard") reads it; a fall had or nearly had still counts.
            "broken stairs", "nearly fell", "window opens all the way",
            "cant get out of my flat", "cant get out of the flat", "cannot get out of my flat", "cannot leave the", "cant leave the",
            "stuck in my flat", "trapped in my flat", "trapped in the flat", "cutting themselves", "cut themselves", "cut himself",
            "cut herself", "cant get out of", "cannot get out of", "can not get out of", "glass has fallen out", "piece has fallen out", "shards of glass", "exposed", "step crumbled", "has crumbled",
            "someone is badly hurt", "someone gets hurt", "someone could get hurt",
            // Something come down that nearly struck someone: "the loft hatch fell down and just
            // missed her head" (b75-032). Not "nearly hit her grandson", a moped on the estate.
            "missed my head", "missed her head", "missed his head", "missed their head", "missed our heads",
            "fell on my head", "fell on her head", "fell on his head", "landed on my head", "landed on her head", "landed on his head",
            // Sewage inside the home (the guide's fifth reading, stop 57): "sewage came up through the
            // bath". Also a fault (``TriageLexicon/sewage``), so that it is reported, not remarked on.
        ] + TriageLexicon.sewage + [
            // A flood counts where it is reported, not in a question about insurance after a
            // friend's flood or a comment on last week's. Going on ("is flooding", "the kitchen is
            // flooded"), not done: "left the tap running and her kitchen floor flooded; she wants
            // compensation" (b89-023), "flooded the flat below" (b01-068), "my flat was flooded ...
            // my belongings were ruined" (b49-038): the data's twelve floods with no other danger
            // named carry no emergency.
            "flooding", "is flooded", "are flooded", "its flooded", "is completely flooded", "is all flooded", "is being flooded",
        ] + TriageLexicon.shutIn),
        // A carbon monoxide alarm named: carbon monoxide when it sounds (``alarmSounding``), a
        // hazard reported otherwise ("the CO alarm fell off the wall"), and nothing in a question
        // ("can I fit a CO detector myself?") or with its battery low (``alarmNuisance``).
        (.coDevice, [
            "carbon monoxide alarm", "carbon monoxide alarms", "carbon monoxide detector", "carbon monoxide detectors",
            "carbon monoxide monitor", "co alarm", "co alarms", "co detector", "co detectors", "co monitor",
        ]),
        (.alarmSounding, [
            "going off", "gone off", "went off", "goes off", "go off", "sounding", "beeping", "beeps", "chirping", "chirps",
            "flashing", "shrieking", "screaming", "ringing", "triggered", "display says", "err", "error",
        ]),
        // A danger that is over or was never there: "sorted it fast, thanks", "all fine, no fire".
        // Not "turned out" ("it turned out to be gas") nor "not my flat" ("not my flat that leaks,
        // upstairs, but it comes through my light"): a missed emergency costs more than a false one.
        (.hazardOver, [
            "is fixed now", "are fixed now", "is sorted now", "are sorted now", "is now fixed", "is now sorted", "now been fixed",
            "been fixed now", "been sorted now", "all sorted now", "is repaired now", "now been repaired",
            "sorted it", "fixed it", "fixed in the end", "sorted in the end", "made it safe", "made safe", "now safe", "is safe now",
            "safe again", "felt safe again", "now capped", "capped and safe", "all fine", "all fine now", "all ok now", "all good now",
            "no fire", "false alarm", "has been restored", "have restored it", "been restored", "power is back",
            "leak has stopped", "leak stopped", "stopped leaking", "stopped sparking", "dripping has stopped", "water has stopped",
            "closed it when they left", "nothing needed", "no repair needed", "no job needed", "nothing is needed",
            // A repair confirmed done: "the leak under the sink is fixed. Nothing more needed" (b95-040).
            "is fixed", "are fixed", "nothing more needed", "nothing else needed", "no further action needed",
            "nothing is exposed", "nothing exposed", "no smell now", "can no longer smell", "fine now", "back to normal",
            "working again", "is dry", "ceiling is dry", "been cut up", "still works", "still working",
            "repaired it", "repaired the same", "fixed the same", "sorted the same", "made safe the same",
            "capped it", "capped off", "capped the gas", "capped the supply", "capped the meter",
        ]),
        // The danger goes on: "still", "again", "it's back". Beside ``hazardOver`` it keeps the flag.
        (.ongoing, [
            "still", "again", "keeps", "keep", "is back", "came back", "come back", "back again", "but now", "started again",
            "right now", "at the moment", "not fixed", "isnt fixed", "hasnt been fixed", "not been fixed", "not safe", "worse",
        ]),
        (.age, [
            "elderly", "pensioner", "pensioners", "old age", "oap", "80 years old", "85 years old", "90 years old", "in my 80s", "lives alone", "live alone", "living alone",
            "in my eighties", "in her 80s", "in his 80s", "in her nineties", "in his nineties", "aged 8", "my elderly",
        ]),
        (.disability, [
            "disabled", "disability", "disabilities", "wheelchair", "wheelchair user", "blind", "partially sighted", "deaf", "hard of hearing",
            "cant hear on the phone", "cannot hear on the phone", "can not hear on the phone", "cant hear the phone", "cannot hear the phone",
            "struggle to hear", "trouble hearing", "i have a blue badge", "ive got a blue badge", "i hold a blue badge", "my blue badge",
            "blue badge holder", "her blue badge", "his blue badge",
            "mobility", "walking frame", "walking stick", "crutches", "broken ankle", "broken leg", "broken hip", "broken foot",
            "leg in plaster", "ankle in plaster", "leg in a cast", "ankle in a cast", "foot in a cast", "in a cast", "registered disabled", "learning disability", "autism", "autistic",
            "adhd", "housebound", "bed bound", "bedbound", "learning difficulties", "learning difficulty", "large print", "my sight", "his sight", "her sight", "sight loss",
            "bad knee", "bad knees", "bad hip", "bad back", "bad legs", "cant do stairs", "cant do the stairs", "cannot do stairs",
            "cant manage stairs", "cannot manage stairs", "cant manage the stairs", "cannot manage the stairs",
            "use a walker", "uses a walker", "with a walker", "on a walker", "my walker", "her walker", "his walker", "cant climb", "cannot climb", "uses a wheelchair",
            "my hip", "my hips", "my knee", "my knees", "her hip", "his hip", "her knee", "his knee", "her knees", "his knees",
            "stairs are hard", "struggles with the stairs", "struggle with the stairs", "struggling with the stairs", "dyslexia", "dyslexic", "cant read well", "cannot read well",
            "can not read well", "cant read or write", "cannot read or write", "can not read or write", "struggle to read",
            "struggle with reading", "not read very well", "cant read very well", "cannot read very well", "can not read very well",
            "dont read very well", "doesnt read very well", "does not read very well",
            // "my dad, who has trouble reading" (b86-008).
            "trouble reading", "difficulty reading", "difficulty with reading", "struggles to read", "struggles with reading",
            "hearing aid", "hearing aids", "partially deaf", "visually impaired", "sight impaired", "guide dog", "zimmer",
            "rollator", "amputee", "prosthetic", "in a wheelchair", "mobility aid", "cant walk far", "cannot walk far",
            "cant read small print", "cannot read small print", "can not read small print", "struggle to read small print",
            // Hearing in the body's sense ("my hearing is on the 12th" is a court's).
            "because of my hearing", "hearing loss", "lost my hearing", "losing my hearing", "my hearing is poor", "my hearing is bad",
            "poor hearing", "bad hearing", "going deaf",
            // An occupational therapist of the household's: "My occupational therapist recommended a
            // stair rail" (b93-034), as the data's b39-026, b71-031 and b91-015; not "I am an
            // occupational therapist working with Mr Price" (b06-019), who speaks for a resident.
            "my occupational therapist", "his occupational therapist", "her occupational therapist", "their occupational therapist",
            "our occupational therapist", "occupational therapy recommended", "occupational therapist recommended",
            "occupational therapist has recommended", "occupational therapist says", "occupational therapist said",
            // A body that can no longer do what it did: "he can no longer step into the bath" (b83-036,
            // as the data's "I had a stroke and can no longer use the bath").
        ] + TriageLexicon.every(["can no longer", "could no longer", "no longer able to"], then: TriageLexicon.bodyAbilities)),
        (.illness, [
            "cancer", "chemo", "chemotherapy", "asthma", "asthmatic", "copd", "heart condition", "heart problems", "diabetes", "diabetic",
            "dementia", "alzheimers", "terminally ill", "terminal", "poorly", "illness", "ill health", "chest infection", "respiratory",
            "breathing problems", "inhaler", "hospital", "operation", "surgery", "recovering", "stroke", "dialysis", "oxygen",
            // A fall had ("my mum had a fall last week"), and a relative found confused.
            "had a fall", "has had a fall", "had a bad fall", "has had a bad fall", "after her fall", "after his fall",
            "since her fall", "since his fall", "had several falls", "keeps having falls",
        ] + TriageLexicon.every(TriageLexicon.olderRelatives, then: ["was confused", "is confused", "is getting confused", "has been confused", "was very confused"]) + [
            "bronchitis", "pneumonia", "immune", "arthritis", "epilepsy", "sickle cell", "medical condition", "my condition", "lung condition", "hip replacement", "knee replacement", "multiple sclerosis", "diagnosed", "nebuliser", "gets confused", "in hospital",
            "cystic fibrosis", "parkinsons", "motor neurone", "heart failure", "heart attack", "kidney failure", "kidney disease",
            "long covid", "fibromyalgia", "chronic pain", "chronic illness", "seizures", "allergic", "severe allergy",
            "immune system", "immunocompromised", "transplant", "palliative", "hospice", "cerebral palsy", "spina bifida",
            "brain injury", "head injury", "lupus", "crohns", "colitis", "hiv", "coughing", "cough all night", "keeps coughing",
            "constant cough", "chesty", "on oxygen",
        ] + TriageLexicon.multipleSclerosis),
        (.mentalHealth, [
            "mental health", "depression", "depressed", "anxiety", "anxious", "panic attacks", "panic attack", "ptsd", "suicidal",
            "self harm", "nervous breakdown", "mental breakdown", "i had a breakdown", "ive had a breakdown", "she had a breakdown", "he had a breakdown",
            "after my breakdown", "since my breakdown", "having a breakdown", "verge of a breakdown", "bipolar", "schizophrenia", "struggling to cope", "cant cope", "cannot cope",
            "ocd", "eating disorder", "mental illness", "psychosis", "personality disorder", "my mental", "signed off with",
            "not coping", "isnt coping", "wasnt coping", "not been coping",
            // "she has been feeling very low" (b79-032).
            "feeling low", "feeling very low", "feeling really low", "felt very low", "been very low",
        ]),
        (.children, [
            "baby", "babies", "newborn", "new born", "toddler", "toddlers", "young children", "young kids", "little ones",
            "small children", "small kids", "infant", "month old", "months old", "babys", "young family", "1 year old", "2 year old", "3 year old", "4 year old", "2 yr old", "children sick", "kids sick",
            "twins", "triplets", "new baby", "just had a baby", "had our baby", "had a baby", "1 yr old", "3 yr old", "4 yr old",
            // The age in words, as the child is named by it: "where my two year old plays" (not
            // "two years old", which a boiler can be).
            "one year old", "two year old", "three year old", "four year old", "two yr old", "three yr old",
            // "got 2 kids under 5".
        ] + TriageLexicon.every(["kids", "children", "child", "kid"], then: ["under 6", "under six", "under 5", "under five", "under 4", "under four", "under 3", "under three", "under 2", "under two"]) + [
            "under 5s", "under fives",
            // "my 3 year old's room", its apostrophe dropped.
            "1 year olds", "2 year olds", "3 year olds", "4 year olds", "one year olds", "two year olds", "three year olds", "four year olds",
        ]),
        // A gas appliance and a smell near it: "a smell like rotten eggs by the boiler cupboard".
        (.gasAppliance, ["gas cooker", "gas hob", "gas fire", "gas meter", "gas pipe", "boiler", "cooker", "hob", "gas", "pilot light", "flue"]),
        // The signs of carbon monoxide: in the people ("a headache", "feeling sick") or on the appliance
        // (soot round its case, a lazy yellow flame where a gas flame burns blue).
        (.symptom, [
            "headache", "headaches", "feel sick", "feels sick", "feeling sick", "felt sick", "dizzy", "dizziness", "drowsy", "nauseous", "nausea",
            "soot", "sooty", "yellow flame", "yellow flames", "orange flame", "orange flames", "flame is yellow", "flames are yellow",
            "flame is orange", "flames are orange", "lazy flame", "floppy flame",
        ]),
        (.smell, ["smell", "smells", "smelling", "smelt", "whiff", "rotten eggs", "odour"]),
        // A heating appliance and its failure a few words apart: "the boiler at 12 Elm Close is broken".
        (.heater, ["boiler", "boilers", "heating", "central heating", "radiators", "storage heaters", "heaters", "hot water"]),
        (.outOfOrder, TriageLexicon.stoppedWorking + [
            "broken", "broke", "broken down", "broke down", "packed up", "gone off", "will not come on", "keeps cutting out", "out of order",
            "failed", "stone cold", "ice cold", "shows error", "shows an error", "showing error", "showing an error", "error code", "fault code",
        ]),
        (.danger, [
            "unsafe", "dangerous", "taped over", "condemned", "a danger", "buzzing", "crackling", "cover has come off", "cover is off",
            "cover has fallen off", "cover missing", "cover is missing",
            // Near a socket or switch only: "a stairwell full of burn marks" after fireworks is no fault in the wiring.
            "burn marks", "burn mark", "scorch marks", "scorched",
            // A fitting that fizzes or has browned with heat: "the plastic round the bedroom light
            // switch has gone brown and it fizzes" (b95-014). Not "gone black", which near a light
            // is as often mould ("the ceiling round the light has gone black").
            "fizz", "fizzes", "fizzing", "fizzed", "crackles", "crackled", "gone brown", "turned brown", "going brown",
        ]),
        // Locks asked for someone threatened at home (``Triage/Signal/lockChange``).
        (.lockChange, [
            "locks changed", "lock changed", "change the locks", "change the lock", "change my locks", "change my lock", "change her locks",
            "changing the locks", "changing my locks", "lock change", "locks to be changed", "lock to be changed", "new locks",
            "locks replaced", "replace the locks", "replace my locks", "locks changing",
        ]),
        (.threat, [
            "my ex", "her ex", "his ex", "an ex", "ex partner", "ex husband", "ex wife", "ex boyfriend", "ex girlfriend", "court order",
            "non molestation", "injunction", "restraining order", "threatened", "threatening", "threats", "released from prison",
            "out of prison", "stalking", "stalker",
        ]),
        // Someone shut out of the home (``Triage/Signal/lockedOut``): "locked herself out".
        (.lockedOut, [
            // Not "worried about being locked out": a fear, not a person outside. Not "can't get back
            // in" (in touch, in the queue).
            "locked myself out", "locked herself out", "locked himself out", "locked themselves out", "got locked out",
            "been locked out", "is locked out", "are locked out", "am locked out", "cant get back into", "cannot get back into",
            "can not get back into",
        ]),
        // A leak the household cannot stop (``Triage/Signal/waterUnstopped``): water flowing freely
        // and no way to turn it off. "cant turn it off properly and its dripping" (b96-013) is a tap.
        (.waterFlowing, [
            "pouring", "pouring out", "pouring in", "pouring through", "pouring down", "pouring all over", "spraying out",
            "spraying everywhere", "water spraying", "spraying all over", "gushing", "gushing out", "flooding", "flooded",
            "pissing out", "pumping out", "shooting out",
            // "burst pipe below my sink, water everywhere, no idea where the stop tap is" (b103-037).
            "burst pipe", "pipe burst", "pipe has burst", "pipes burst", "water everywhere", "water all over",
        ]),
        (.waterUnstopped, [
            // "no idea where the stop tap is" (b103-037), "cant find the stopcock".
        ] + TriageLexicon.every(["dont know where", "do not know where", "no idea where", "cant find", "cannot find", "can not find",
                                 "cant locate", "cannot locate"],
                                then: ["the stopcock", "the stop cock", "the stop tap", "the stoptap", "the stop valve", "my stopcock",
                                       "my stop tap", "the water shut off", "the shut off valve"]) + [
            "stopcock wont turn", "stopcock will not turn", "stopcock wont budge", "stopcock is seized", "stopcock seized",
            "stopcock is stuck", "stopcock stuck", "stopcock doesnt work", "stopcock does not work", "stopcock isnt working",
            "stopcock not working", "stopcock is broken", "stopcock broken",
            "cant turn the water off", "cannot turn the water off", "cant get the water off", "cannot get the water off",
            "cant turn it off", "cannot turn it off", "cant find how to turn it off", "cant work out how to turn it off",
            // Not "wont stop" or "cant stop it" alone: "the dog wont stop barking" beside a flooded garden.
            "cant stop the water", "cannot stop the water", "cant stop the leak", "cannot stop the leak", "water wont stop",
            "water will not stop", "leak wont stop", "leak will not stop",
        ]),
        // A lift out and someone who cannot leave without it (``Triage/Signal/liftOut``); a stairlift
        // stopped with someone stuck upstairs (``Triage/Signal/stairlift``).
        (.liftOut, ["lift", "lifts"]),
        (.stairlift, ["stairlift", "stair lift", "stairlifts"]),
        // A window restrictor and words that it has failed (``Triage/Signal/restrictor``).
        (.restrictor, ["restrictor", "restrictors", "window restrictor", "window restrictors", "window lock", "safety catch"]),
        (.restrictorFailed, [
            "broken", "snapped", "come off", "came off", "fallen off", "fell off", "missing", "has gone", "is gone", "gone missing",
            "come loose", "came loose",
            "doesnt work", "does not work", "not working", "isnt working", "wont hold", "will not hold", "opens all the way",
            "opens fully", "swings wide open", "swings open",
        ]),
        (.upstairsStuck, [
            "stuck upstairs", "trapped upstairs", "stranded upstairs", "cant get downstairs", "cannot get downstairs",
            "cant get back down", "cannot get back down", "stuck at the top of the stairs", "stuck on the landing",
        ]),
        (.outOfService, [
            "stopped halfway", "stuck halfway", "stopped half way", "stuck half way",
            "is out", "are out", "been out", "is down", "are down", "been down", "out of action", "out of service", "not working",
            "isnt working", "arent working", "broken", "broke", "broken down", "broke down", "out of order", "stopped working", "no working",
            "without a", "keeps breaking", "off",
        ]),
        (.stairsBarrier, [
            "wheelchair", "cant do stairs", "cant do the stairs", "cannot do stairs", "cannot do the stairs", "can not do the stairs",
            "cant manage stairs", "cant manage the stairs", "cannot manage the stairs", "cannot manage stairs", "cant use the stairs",
            "cannot use the stairs", "cant use stairs", "cant climb the stairs", "cannot climb the stairs", "cant climb stairs",
            "cant get down the stairs", "cannot get down the stairs", "cant get up the stairs", "cannot get up the stairs",
            "stuck indoors", "stuck inside", "housebound", "stuck at home", "bedbound", "cant get out", "cannot get out", "can not get out",
            "cant get down", "cannot get down", "cant walk the stairs", "cannot walk the stairs",
            "cannot use stairs", "can not use stairs",
        ]),
        // A fault back again and a count of how often (``Triage/Signal/downAgain``): "boilers broke
        // down AGAIN, thats twice since june" (b99-018), "lift broke down again, 3rd breakdown this
        // month" (b88-001): a repeated failure, a complaint (labelling guide, hard cases). Apart,
        // "the lift has broken down again" (b39-028) and "broke down twice this week" (b20-070) are
        // first reports.
        (.downAgain, [
            "broke down again", "broken down again", "breaking down again", "down again", "breakdown again", "packed up again",
            "packed in again", "conked out again", "failed again", "gone again", "stopped again", "out again",
        ]),
        (.countedAgain, [
            "twice since", "twice this", "twice in", "twice now", "thats twice", "2nd time", "second time", "2nd breakdown",
            "second breakdown", "3rd breakdown", "third breakdown", "4th breakdown", "fourth breakdown", "5th breakdown",
            "fifth breakdown",
        ]),
        // Smashed glass in a window or door (``Triage/Signal/glazing``).
        (.glazing, ["window", "windows", "glass", "pane", "panes", "glass panel", "door glass"]),
        (.smashed, ["smashed", "shattered", "put through", "been put through"]),
        // Damp that is over or was never there: "finally dry", "nothing wrong at the moment".
        (.dampOver, [
            "still dry", "stayed dry", "finally dry", "much better now", "already much better", "cured",
            "mould has gone", "damp has gone", "mould is gone", "damp is gone", "no longer damp", "no more mould", "no mould", "nothing wrong", "nothing wrong at the moment",
            "no problems at the moment", "no problem at the moment", "just want to be prepared", "still clear", "stayed clear",
            "still mould free", "still free of mould",
            // The mould taken away, and the room in use again: "cleared the mould ... she is sleeping in there again".
            "cleared the mould", "removed the mould", "treated the mould", "got rid of the mould", "mould was cleared",
            "mould has been cleared", "mould was removed", "mould has been removed", "mould was treated", "mould has been treated",
            "sleeping in there again", "sleep in there again", "sleeping in it again", "using the room again", "use the room again",
        ]),
        (.notCue, [
            // A letter's courtesy, not praise: "I would be grateful for your response" (the close of
            // 339 councillors' and MPs' variants); "told I should be grateful to have a roof".
            "would be grateful", "id be grateful", "should be grateful",
            // Damp found, mould not yet: "a damp patch ... No mould yet" (b84-014, as b62-032).
            "no mould yet", "no mould as yet", "not mouldy yet",
            // Water away from the electrics: "well away from any lights or sockets" (b87-037), "not
            // near any lights or sockets" (b05-030).
        ] + TriageLexicon.awayFromElectrics + [
            // A test or an exam passed, not a death: "my husband passed his driving test" (b88-003).
            // Not "my mum passed the keys back ... after the funeral" (b51-035), which the data reads
            // as a death.
        ] + TriageLexicon.every(TriageLexicon.relativePassed, then: ["his", "her", "their", "a", "an", "my", "our", "all"]) + [
            // A check asked for, damp not found: "asked if the flat can be checked for damp before
            // then" (b85-026). Damp the text finds elsewhere still counts.
        ] + TriageLexicon.every(["check", "checked", "checking", "inspected", "inspect"], then: ["for damp", "for mould", "for damp and mould"]) + [
            // Stairs still managed, for now: "can't manage the stairs much longer" (a lift out is no emergency yet).
            "manage the stairs much longer", "manage stairs much longer", "do the stairs much longer", "do stairs much longer",
            // A thing that is old ("the wiring in our flat is old"), not a person ("and is old and
            // she afraid to fall"); someone else's baby ("the baby upstairs cries at night"); a
            // fall off a bike, not a fall had.
        ] + TriageLexicon.every(TriageLexicon.oldThings, then: ["is old"]) + [
            "baby upstairs", "baby downstairs", "baby next door", "babies upstairs", "babies next door", "toddler upstairs",
            "toddler next door", "a fall off",
            // Children in general, not the household's: "is the play area suitable for children under 5?"
            "for children under", "for kids under",
            // Furniture or a cupboard that gave way, not the building: "the cupboard base has collapsed".
            "base has collapsed", "base collapsed", "cupboard has collapsed", "cupboard collapsed", "shelf has collapsed",
            "shelf collapsed", "shelves have collapsed", "bed has collapsed", "bed collapsed", "chair collapsed",
            // Grass "up to my knees", not a disability; a letter that confused (``olderRelatives``).
            "up to my knees", "up to our knees", "up to your knees", "up to the knees", "was confused by", "is confused by",
            "am confused by", "were confused by", "got confused by",
            // The instruction in a landlord's footer or leaflet, quoted back: "If you smell gas, call ...".
            "if you smell gas", "if you can smell gas", "if you suspect a gas leak", "if you think you can smell gas",
            "blind corner", "blind spot", "baby things", "baby clothes", "baby changing", "mobility scooters",
            // A format asked for a publication, for many: "Could the tenants' newsletter have a page
            // in large print? Lots of us ... find the small type hard going" (b96-035). The
            // writer's own letters in large print still count.
            "page in large print", "pages in large print", "large print page", "large print pages", "large print section",
            "large print edition", "newsletter in large print",
            "mobility scooter", "older residents", "older tenants", "older people", "elderly residents", "elderly people",
            "elderly tenants",
            "elderly neighbour", "elderly neighbours", "disabled neighbour", "disabled neighbours", "elderly lady next door",
            // Someone from elsewhere on the estate: "the elderly gentleman from number 30".
        ] + TriageLexicon.every(["elderly lady", "elderly man", "elderly gentleman", "elderly woman", "elderly couple", "elderly resident"], then: ["from"])
          + TriageLexicon.every(["elderly lady", "elderly man"], then: ["across", "opposite", "upstairs", "downstairs"]) + [
            "elderly man next door", "elderly couple next door",
            // A group the writer may not be in: "many of us are pensioners on fixed incomes".
        ] + TriageLexicon.every(["many of us are", "lots of us are", "most of us are", "a lot of us are"], then: ["pensioners"]) + [
            "many of us are elderly", "lots of us are elderly", "many residents are pensioners",
            // The fire escape as where a group sits, not a way out blocked: "a group sits on the fire
            // escape outside my kitchen window with weed" (b94-028); "blocked", "chained" still count.
        ] + TriageLexicon.every(["sit on", "sits on", "sitting on", "sat on", "hang around on", "hangs around on",
                                 "hanging around on", "hang out on", "hangs out on", "hanging out on", "gather on",
                                 "gathers on", "gathering on", "smoke on", "smokes on", "smoking on", "drink on",
                                 "drinks on", "drinking on"], then: ["the fire escape", "our fire escape", "my fire escape"]) + [
            "deaf ear", "blind eye", "turn a blind", "turned a blind", "baby swing", "baby swings", "baby group",
            "baby shower", "baby wipes", "baby food", "baby steps", "baby monitor",
            "blind bend", "blind side", "blind alley",
            // The blind at a window (and ``windowBlinds``): "the blind in the lounge", "the blind cord".
            "the blind in", "the blind on", "the blind is", "the blind has", "blind cord", "blind cords", "blind bracket", "blind brackets",
            "was a carer", "used to be a carer", "used to care for", "pregnancy test",
            // A place or a job described, not a person: "is the centre wheelchair accessible", "I work as a carer".
            "wheelchair accessible", "wheelchair access", "dementia friendly", "work as a carer", "working as a carer", "job as a carer",
            "works as a carer", "worked as a carer",
            // The writer's own job, not someone they write for: "she works as a support worker for older people".
            "work as a support worker", "works as a support worker", "working as a support worker", "job as a support worker",
            "work as a social worker", "works as a social worker", "working as a social worker", "job as a social worker",
            "work as an advocate", "works as an advocate", "working as an advocate",
            // A shift worked, not a need: "I work nights as a carer at the hospital". (Not "nights at
            // the hospital" or "the nurse at the hospital": a stay, a patient's nurse.)
            "work nights as a carer", "works nights as a carer", "working nights as a carer",
            "work at the hospital", "works at the hospital", "working at the hospital", "job at the hospital",
            "shift at the hospital", "shifts at the hospital", "work nights at the hospital", "works nights at the hospital",
            "working nights at the hospital", "work days at the hospital", "works days at the hospital",
            // Giving time at a hospice, or its charity shop ("my husband is at the hospice" stays a cue).
        ] + TriageLexicon.every(["volunteer", "volunteers", "volunteering", "work", "works"], then: ["at the hospice", "at the local hospice"]) + [
            "hospice shop", "hospice charity shop",
            // Idioms and things, not people: "it fell on deaf ears", "an autism awareness poster",
            // "anxious to get an update" (eager), "a carer by profession", "the boiler died", "a
            // hospital appointment" (a visit, not an illness disclosed).
            "deaf ears", "autism awareness", "dementia awareness", "disability awareness", "deaf awareness", "dementia cafe", "dementia cafes",
            "anxious to get", "anxious to know", "anxious to hear", "anxious to find out", "anxious to have", "anxious to see",
            "anxious for an update", "anxious for news", "anxious for a reply", "anxious for a response",
            // A worry eased, not disclosed: "I feel much less anxious" (b64-034).
            "less anxious", "less depressed", "less stressed", "no longer anxious", "not as anxious", "not so anxious",
            "carer by profession", "carer by trade", "hospital appointment", "hospital appointments",
            // Shortened, as texts write it: "cant do thurs, got a hospital appt" (b95-020).
            "hospital appt", "hospital appts", "hospital app", "hospital apps",
        ] + TriageLexicon.thingsThatDied + [
            "mental health first aid", "mental health awareness",
            "fire alarm test", "fire alarm tests", "fire alarm testing",
            // A way out used, not a fire exit blocked or broken: "sneaks out through the fire exit".
            "through the fire exit", "out of the fire exit", "out the fire exit", "via the fire exit", "through the fire escape",
            "down the fire escape", "via the fire escape",
            // A fear that it may come back is not a danger that goes on ("worried it could happen again").
            "happen again",
            // A person who may fall (in the dark, on a slippery path) is a trip hazard, not a structure giving way.
            "someone will fall", "someone could fall", "someone might fall", "someone is going to fall", "somebody will fall",
            "somebody could fall", "people will fall", "people could fall", "will fall over", "could fall over", "might fall over",
            "going to fall over",
            // A garden's fence or gate kicked down leaves the home itself secure (b64-022).
        ] + TriageLexicon.every(["fence", "fences", "fence panel", "fence panels", "garden gate", "back gate", "shed door"],
                                then: ["kicked down", "has been kicked down", "was kicked down", "been kicked down", "have been kicked down",
                                       "were kicked down"]) + [
            // A door that shuts with a shove is stiff, not open to anyone.
            "wont close properly", "will not close properly", "wont shut properly", "will not shut properly", "doesnt shut properly",
            "does not shut properly", "not shutting properly", "isnt shutting properly", "not closing properly", "isnt closing properly",
            "cant shut it without", "cannot shut it without", "cant close it without", "cannot close it without",
            // Hazard words in another sense.
            "flooded with post", "flooded with letters", "flooded with mail", "flooded with calls", "flooded with emails",
            "flooded with complaints", "flooded with messages", "flooded with junk", "flooded with enquiries", "flooded with requests",
            "damp hands", "hands are damp", "hands were damp", "hands damp", "damp cloth", "damp towel", "damp sponge", "damp rag", "damp mop",
            "damp tea towel", "damp teatowel", "damp dishcloth", "damp dish cloth", "damp flannel", "damp kitchen roll", "damp paper towel",
            // A thing named for someone, not a person: "the disabled bay", "at toddler height" ("can
            // I have a disabled bay" still discloses).
            "the disabled bay", "the disabled bays", "the disabled parking", "the disabled parking bay", "the disabled parking bays",
            "toddler height", "child height", "childs height", "kids height",
            // A service named for disabled people, asked about ("disabled adaptations" as a subject).
            "disabled adaptation", "disabled adaptations", "disabled facilities grant", "disabled facilities grants",
        ] + TriageLexicon.deafToIdioms + TriageLexicon.durationsOfSomethingElse + TriageLexicon.windowBlinds),
        (.supposed, TriageLexicon.supposing),
        (.needOver, TriageLexicon.needOver),
        (.pregnancy, [
            "pregnant", "pregnancy", "expecting a baby", "weeks pregnant", "months pregnant", "due to give birth",
            // A birth just past: "a C-section two weeks ago", "gave birth on Saturday".
            "c section", "caesarean", "caesarian", "cesarean", "gave birth", "given birth", "giving birth",
        ]),
        (.language, [
            "interpreter", "translator", "translation", "english is not my first language", "my english is", "my english not",
            "sign language", "bsl", "not understand english", "i not understand",
            "dont speak english", "doesnt speak english", "does not speak english", "not speak english", "speak little english",
            "sorry for my english", "sorry my english",
        ] + TriageLexicon.otherLanguages),
        (.lifeEvent, [
            "domestic abuse", "domestic violence", "bereavement", "bereaved", "passed away", "died", "lost my job", "homeless",
            // A job lost, as b49-033 decided, in other persons (b79-032: "since losing her job").
            "losing my job", "lost her job", "losing her job", "lost his job", "losing his job", "lost our jobs", "made redundant",
            "carer", "i am a carer", "full time carer", "who i care for", "refugee", "leaving care", "recently released", "late husband", "late wife", "late partner", "late father", "late mother", "late dad", "late mum", "late son", "late daughter",
            "late brother", "late sister", "late husbands", "late wifes", "late partners", "late fathers", "late mothers", "late dads", "late mums", "relationship breakdown", "marriage breakdown", "non molestation", "is old",
        ] + TriageLexicon.fears + TriageLexicon.relativePassed + [
            "afraid to leave", "afraid to go", "afraid to be", "afraid for my", "afraid of him",
            "afraid of her", "afraid of them", "found out where i live", "knows where i live", "found where i live", "dont feel safe", "do not feel safe", "not feel safe", "feel unsafe",
            // Hate at the home: "shouting abuse through the door and called her a racist name"
            // (b80-019). Not "racist graffiti" on a wall.
            "racist abuse", "racially abused", "racist name", "racist names", "homophobic abuse", "hate crime",
            // "she no longer feels safe walking to her door" (b74-020).
            "no longer feel safe", "no longer feels safe", "no longer felt safe",
            "feels unsafe", "felt unsafe", "feeling unsafe", "doesnt feel safe", "does not feel safe",
            "harassed", "harassing me", "harassing us", "threatened me", "threatened to", "threatening me", "threats to me",
            "abusive partner", "abusive relationship",
            "hits me", "hit me", "beats me", "beat me", "stalking me", "stalker", "fled", "fleeing", "in a refuge", "womens refuge",
            "coercive", "controlling behaviour", "keeps turning up", "turning up at my", "scared to leave", "scared to go out",
            "frightened to leave", "frightened to go out", "scared in my own home", "unsafe in my own home",
            // A carer in the household: "he has moved in to look after her".
            "to look after her", "to look after him", "to look after me", "cares for her", "cares for him", "cares for me",
            // Someone followed home: "a man has been following her daughter home from the bus stop".
            "following her home", "following him home", "following me home", "followed her home", "followed him home",
            "followed me home", "follows her home", "follows me home", "following her daughter", "following my daughter",
            "following her son", "following my son", "moved in to look after", "look after my mum",
            "look after my mother", "look after my dad", "look after my father", "look after my wife", "look after my husband",
            "look after my partner", "restraining order", "injunction against", "court order against", "my ex has been",
            "my ex keeps", "my ex partner has been", "my ex partner keeps",
            "widowed", "widow", "widower", "lost my husband", "lost my wife", "lost my partner", "shouting threats", "making threats",
            "threatened us", "threatening us", "shouted threats",
        ] + TriageLexicon.relativesLost + TriageLexicon.exPartnerViolence + TriageLexicon.partnerViolence),
        (.firstReport, [
            "not reported before", "has not reported", "hasnt reported", "havent reported", "have not reported", "not reported this before",
            "first time reporting", "first report", "never reported", "not reported it before", "first time", "not previously reported",
        ]),
        (.landlordTarget, [
            "operative", "operatives", "engineer", "engineers", "contractor", "contractors", "plumber", "electrician", "workmen",
            "fitters", "your staff", "staff", "housing officer", "your officer", "call centre", "repairs team", "repairs line",
            "you lot", "your service", "the council", "the office", "came to fix", "fitted", "surveyor", "caretaker", "the job",
        ]),
        (.representative, [
            "on behalf of", "on her behalf", "on his behalf", "writing for", "acting for", "writing on behalf", "my constituent", "constituent", "my client",
            "councillor", "cllr", "mp", "member of parliament", "citizens advice", "advocate", "advocacy", "support worker",
            "social worker", "solicitor", "solicitors", "i am her daughter", "i am his daughter", "i am her son", "i am his son",
            "rang for him", "rang for her", "called for him", "called for her", "phoned for him", "phoned for her",
            "calling for him", "calling for her", "ringing for him", "ringing for her", "emailing for my", "texting for my",
            "forwarding this from my", "forwarding this for my", "forwarding this on for my", "forwarding an email from my",
            "forwarded from my",
            // "He is happy for me to deal with this" (b94-016): the customer's leave for the writer
            // to act, which is also consent.
        ] + TriageLexicon.happyForMe + TriageLexicon.relativeOfCustomer + TriageLexicon.relativesLanguage
          // "My mother, Mrs Grace Obi, is partially sighted" (b99-040): a relative named by title,
          // as the writer names the customer they write for.
          + TriageLexicon.every(["my"], then: TriageLexicon.every(
              ["mother", "father", "mum", "dad", "nan", "gran", "grandmother", "grandfather", "aunt", "uncle", "brother", "sister",
               "son", "daughter"], then: ["mr", "mrs", "ms", "miss", "dr"]))),
        (.consent, [
            "with her permission", "with his permission", "with their permission", "given permission", "given me permission",
            "has given consent", "given consent", "consent attached", "consent form", "signed consent", "authority attached",
            "has agreed", "asked me to write", "asked me to contact", "asked me to get in touch", "with her consent",
            "with his consent", "with their consent", "authorised me", "authorized me",
        ] + TriageLexicon.happyForMe),
        (.outOfTime, [
            "over a year", "more than a year", "over 12 months", "more than 12 months", "over twelve months", "for years",
            "two years", "2 years", "three years", "3 years", "four years", "several years", "18 months", "eighteen months",
            "since last year", "over two years", "a year and a half", "years ago", "for a year", "the year before last",
        ]),
        // Complaint categories (older policies).
        (.delay, [
            "still waiting", "waiting", "weeks", "months", "so long", "took so long", "taking so long", "delay", "delays", "delayed",
            "slow", "late", "still not", "yet to", "chased", "chasing", "overdue", "months later", "weeks later",
        ]),
        (.failureToProvide, [
            "nobody came", "no one came", "never turned up", "didnt turn up", "did not turn up", "no show", "not turned up",
            "never came", "missed appointment", "missed the appointment", "missed my appointment", "cancelled my appointment",
            "no response", "no reply", "not heard back", "heard nothing", "never called back", "nothing has been done", "done nothing",
            "no action", "not been emptied", "not been cut", "not been cleaned", "not done", "never done", "ignored", "didnt come",
            "did not come", "not been done", "hasnt been done",
        ]),
        (.poorQuality, [
            "made it worse", "worse than before", "left a mess", "botched", "shoddy", "poor workmanship", "bodged", "badly done",
            "not done properly", "not fixed properly", "didnt fix", "did not fix", "still leaking", "still broken", "poor job",
            "poor quality", "cheap", "fell apart", "broke again", "broken again", "left rubbish",
        ] + TriageLexicon.faultsTheRepairBrought),
        (.inappropriateService, [
            "wrong", "not suitable", "unsuitable", "inappropriate", "not appropriate", "wrong part", "wrong size",
        ]),
        (.serviceWithdrawn, ["no longer", "been stopped", "stopped coming", "withdrawn", "taken away", "cut back", "removed the"]),
        (.cost, [
            "overcharged", "wrongly charged", "charged me twice", "charged twice", "service charge", "service charges", "rent increase",
            "bill", "invoice", "recharge", "recharged", "cost", "costs", "price", "fee", "wrong amount", "arrears",
        ]),
        (.staffBehaviour, [
            "rude", "very rude", "shouted at", "swore at", "hung up on me", "put the phone down on me", "attitude", "unprofessional",
            "patronising", "condescending", "aggressive", "disrespectful", "laughed at", "lied", "lying",
        ]),
        (.policy, ["policy", "policies", "rule", "rules", "not allowed", "the procedure", "your procedure", "criteria"]),
        (.discrimination, [
            "discriminated", "discrimination", "discriminating", "racist", "racism", "because of my race", "because of my disability",
            "because of my religion", "because im disabled", "homophobic", "sexist", "equality act",
        ]),
        // Service areas.
        (.areaRepairs, [
            "repair", "repairs", "boiler", "leak", "leaking", "tap", "toilet", "window", "windows", "door", "roof", "heating",
            "hot water", "plumber", "electrician", "engineer", "contractor", "lift", "intercom", "kitchen", "bathroom", "shower",
            "fence", "gutter", "guttering", "drain", "damp proof", "radiator", "radiators", "sink", "floor", "ceiling", "stairs",
            "extractor fan", "pest", "pests", "mice", "rats", "broken",
        ]),
        (.areaDamp, ["damp", "mould", "mouldy", "mold", "condensation", "mildew"]),
        (.areaSafety, [
            "gas leak", "smell gas", "smell of gas", "gas smell", "gas safety", "fire door", "smoke alarm", "fire alarm", "cladding",
            "fire safety", "carbon monoxide", "asbestos", "electrics",
            "sparking", "fire risk", "sprinkler", "structural",
        ]),
        (.areaASB, [
            "anti social", "antisocial", "asb", "neighbour", "neighbours", "noise", "harassment", "drugs", "drug dealing",
            "asb officer", "asb case",
        ]),
        (.areaConduct, [
            "rude", "attitude", "unprofessional", "shouted at", "swore at", "staff member", "your officer", "housing officer",
            "the operative", "workmen", "the engineer was", "contractor was", "hung up on me",
        ]),
        (.areaCommunication, [
            "no response", "no reply", "not heard back", "never called back", "nobody called back", "call centre", "on hold",
            "email", "emails", "phone line", "letter", "letters", "website", "kept informed", "nobody told", "no one told",
            "communication", "newsletter", "get through", "app",
        ]),
        (.areaRent, [
            "rent", "service charge", "service charges", "arrears", "bill", "invoice", "direct debit", "payment", "payments",
            "charged", "overcharged", "recharge", "housing benefit", "universal credit", "refund",
        ]),
        (.areaEstate, [
            "bins", "bin store", "rubbish", "grass", "grounds", "cleaning", "communal", "caretaker", "estate", "fly tipping",
            "litter", "graffiti", "car park", "parking", "stairwell", "hallway", "landing", "gardening", "hedges", "trees",
            "play area", "lighting",
        ]),
        (.areaLettings, [
            "transfer", "mutual exchange", "exchange", "bidding", "waiting list", "housing register", "allocation", "allocations",
            "move", "moving", "overcrowded", "overcrowding", "bigger property", "new tenancy", "letting", "lettings", "downsize",
        ]),
        (.areaLeasehold, ["leaseholder", "leasehold", "lease", "shared ownership", "section 20", "ground rent", "major works"]),
        (.areaComplaints, [
            "complaint was", "my complaint", "complaints team", "complaint handling", "stage 1", "stage one", "stage 2", "stage two",
            "complaint response", "escalate", "ombudsman",
        ]),
    ]
}
