import Foundation
import LetterboxCore
import LetterboxTesting
import Testing

@Suite struct TriageTests {
    let triage = Triage()
    let received = Date(timeIntervalSince1970: 1_795_000_000)  // 18 Nov 2026

    func flags(_ reading: TriageReading) -> Set<Flag> { Set(reading.flags.map(\.flag)) }

    /// The labelled set: the targets, and the figures this version reaches so a
    /// regression shows. (Urgent safety: the phrase lists alone found 17 of 18; with the model's
    /// hazard reading, 18 of 18.)
    @Test func evaluationSet() throws {
        let text = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("Samples/triage/eval.txt"), encoding: .utf8)
        let evaluation = try TriageEvaluation(text: text)
        #expect(evaluation.items.count >= 200)
        #expect(Set(evaluation.items.map(\.channel)) == ["email", "sms", "form", "note"])
        let result = evaluation.score(triage, received: received)
        #expect(result.accuracy >= 0.90, "kinds right: \(result.correct) of \(result.total)")
        #expect((result.flagRecall(.dampMouldHazard) ?? 0) >= 0.95)
        #expect((result.flagRecall(.urgentSafety) ?? 0) >= 1)
        #expect((result.flagPrecision(.urgentSafety) ?? 0) >= 0.85)
        // With the trained model (issue 14) comments are the weak kind here: 7 of 15.
        for kind in Triage.kinds { #expect((result.recall(kind) ?? 0) >= (kind == .comment ? 0.4 : 0.85), "recall of \(kind.rawValue)") }
        #expect((result.recall(.complaint) ?? 0) >= 0.95)
    }

    @Test func complaintsServiceRequestsAndTheChoiceToComplain() {
        let first = triage.read(subject: "Boiler", body: "My boiler is not working, it's so annoying. Can someone come out?", received: received)
        #expect(first.kind == .serviceRequest)
        #expect(flags(first).contains(.expressedDissatisfaction))
        #expect(first.flags.first { $0.flag == .expressedDissatisfaction }?.reason.contains("even if this is handled as a service request") == true)
        let failed = triage.read(subject: nil, body: "The engineer was booked for Tuesday and never turned up. Still waiting.", received: received)
        #expect(failed.kind == .complaint && failed.category == "failure_to_provide" || failed.category == "delay")
        // The reason names the evidence in the text: the phrase, or the words that weighed most.
        #expect(["“never turned up”", "“never”", "“still waiting”", "“waiting”"].contains { failed.kindReason.contains($0) }, "\(failed.kindReason)")
        let previousVisit = triage.read(subject: "Fence", body: "Your contractor fixed the gate last year and did a good job. The fence panel has blown down, could someone come and put it back?", received: received)
        #expect(previousVisit.kind == .serviceRequest)
    }

    @Test func sarcasmAndComplimentsWithComplaintsInside() {
        #expect(triage.read(subject: nil, body: "Thanks for nothing. Still no heating after 2 weeks.", received: received).kind == .complaint)
        let mixed = triage.read(subject: nil, body: "The new kitchen is lovely and the fitters were polite, but they left rubbish everywhere and nobody has been back.", received: received)
        #expect(mixed.kind == .complaint)
        #expect(mixed.kindReason.contains("pass that on"))
        #expect(triage.read(subject: nil, body: "Thank you so much to Dave, brilliant job on the bathroom.", received: received).kind == .compliment)
    }

    @Test func statedKindIsKeptBesideTheReading() {
        let reading = triage.read(subject: nil, body: "The estate has never looked better, fantastic job by the gardener.", statedKind: "comment", received: received)
        #expect(reading.kind == .compliment)
        #expect(reading.kindReason.contains("The customer chose “comment”"))
        // With nothing else to go on, the customer's choice decides.
        #expect(triage.read(subject: nil, body: "Re the newsletter.", statedKind: "suggestion", received: received).kind == .suggestion)
    }

    @Test func hazardsAndTheirClocks() {
        let damp = triage.read(subject: nil, body: "There is mould in the bathroom above the shower.", received: received)
        #expect(flags(damp).contains(.dampMouldHazard) && damp.hazard == .significant)
        let baby = triage.read(subject: nil, body: "Black mould is spreading in my baby's room and she is coughing.", received: received)
        #expect(baby.hazard == .emergency && flags(baby).contains(.vulnerability))
        let gas = triage.read(subject: nil, body: "I can smell gas in the kitchen.", received: received)
        #expect(flags(gas).contains(.urgentSafety) && gas.hazard == .emergency)
        let water = triage.read(subject: nil, body: "Water is dripping out of the ceiling light fitting.", received: received)
        #expect(flags(water).contains(.urgentSafety))
        let cold = triage.read(subject: nil, body: "No heating since yesterday.", received: received)  // not urgent unless vulnerable
        #expect(!flags(cold).contains(.urgentSafety))
        let coldAndOld = triage.read(subject: nil, body: "No heating since yesterday. My mum is 84 and has COPD.", received: received)
        #expect(flags(coldAndOld).contains(.urgentSafety) && flags(coldAndOld).contains(.vulnerability))
        // The age said as a text message says it ("whos", who's): probe b31.
        let coldAndOldText = triage.read(subject: nil, body: "no heating since yesterday and my mum whos 86 is staying with me, its freezing", received: received)
        #expect(flags(coldAndOldText).contains(.urgentSafety) && flags(coldAndOldText).contains(.vulnerability))
        #expect(!flags(triage.read(subject: nil, body: "no heating since yesterday, whos 2 blame", received: received)).contains(.urgentSafety))
    }

    /// The model reads urgent danger in wordings the phrase lists miss, and says so; no heating
    /// alone stays the lists' (policy: urgent only for a possibly vulnerable person).
    @Test func theModelRaisesHazardsTheListsMiss() throws {
        let rulesOnly = Triage(model: .none)
        for text in ["Water is running into the fuse cupboard from the flat above.", "The fuse box is hot to the touch and crackling."] {
            #expect(!flags(rulesOnly.read(subject: nil, body: text, received: received)).contains(.urgentSafety), "\(text)")
            let reading = triage.read(subject: nil, body: text, received: received)
            let reason = try #require(reading.flags.first { $0.flag == .urgentSafety }?.reason, "\(text)")
            #expect(reason.contains("read by the trained model") && reason.contains("the words that weighed most"))
            #expect(reading.hazard == .emergency)
        }
        // The model's say can be switched off, flag by flag.
        var listsOnly = triage
        listsOnly.flagModelSettings[.urgentSafety] = .init(keep: 0, raise: 2)
        #expect(!flags(listsOnly.read(subject: nil, body: "Water is running into the fuse cupboard from the flat above.", received: received)).contains(.urgentSafety))
        #expect(!flags(triage.read(subject: nil, body: "No heating since yesterday, it's cold.", received: received)).contains(.urgentSafety))
    }

    /// What the lists learned from probes written after they were last tuned (b26, b27): a smell
    /// near a gas appliance, a fitting called unsafe, a denied hazard, damp that is over, and cues
    /// about a neighbour or said to be well.
    @Test func hazardsAndCuesInContext() {
        let rulesOnly = Triage(model: .none)
        func has(_ text: String, _ flag: Flag, _ reader: Triage? = nil) -> Bool {
            flags((reader ?? triage).read(subject: nil, body: text, received: received)).contains(flag)
        }
        #expect(has("There's a smell like rotten eggs by the boiler cupboard.", .urgentSafety, rulesOnly))
        #expect(has("Two sockets have been taped over by your operative as unsafe since August.", .urgentSafety, rulesOnly))
        #expect(!has("Caller said someone has damaged the gas meter cupboard door. No smell of gas. Asked for a new door.", .urgentSafety))
        #expect(!has("is it normal to get condensation on the windows? no mould or anything", .dampMouldHazard))
        #expect(!has("the damp in my bedroom was fixed last month and its still dry, cheers", .dampMouldHazard))
        #expect(has("the damp was fixed last month but the mould is back", .dampMouldHazard))
        #expect(!has("My neighbour is elderly and the path is slippery. Could it be gritted?", .vulnerability))
        #expect(has("My neighbour is harassing me.", .vulnerability))
        #expect(has("My neighbour shouts at me and I am disabled.", .vulnerability))
        #expect(!has("My mental health is fine, I just want to know why my repair was cancelled.", .vulnerability))
        #expect(has("My mental health is not good since the flood.", .vulnerability))
        #expect(has("My baby is fine but the mould is on her cot.", .vulnerability))
        #expect(has("My depression is a great burden since the flood.", .vulnerability))
        #expect(!has("car park barrier had a breakdown again", .vulnerability))
        #expect(has("my daughter has cystic fibrosis and the mould is spreading", .vulnerability))
        // A hazard's word in another sense (probe b32): the lists read nothing, the model neither.
        #expect(!has("We are flooded with post for a previous tenant. Where should it go?", .urgentSafety, rulesOnly))
        #expect(!has("We are flooded with post for a previous tenant. Where should it go?", .urgentSafety))
        #expect(has("The kitchen is flooded and the water is still coming in.", .urgentSafety, rulesOnly))
        // A flood done, with no other danger named, is no emergency to the lists (stop 61: the
        // data's twelve such floods carry none).
        #expect(!has("The kitchen flooded last night and the floor is still wet.", .urgentSafety, rulesOnly))
        #expect(!has("The bathroom switch gives me a shock when my hands are damp.", .dampMouldHazard))
        #expect(has("The bathroom switch gives me a shock when my hands are damp.", .urgentSafety))
        #expect(has("The bathroom wall is damp behind the bath.", .dampMouldHazard))
        // Probe b33: a phone note taken for someone else, a mobility need in the third person.
        #expect(has("Mr Baker's daughter rang for him about the letters.", .representative, rulesOnly))
        #expect(!has("Mr Baker rang about the letters.", .representative, rulesOnly))
        #expect(has("Caller wants a ground floor flat as her knees are getting worse and the stairs are hard.", .vulnerability))
        #expect(has("The bedroom wall is black and my daughter coughs.", .dampMouldHazard, rulesOnly))
        // Probe b34: the signs of carbon monoxide near a gas appliance; a negation over "or"; a
        // place or a job described, not a person; a routine test; a lift moving with its doors open.
        #expect(has("Caller says her boiler is banging and the pilot light keeps going out. She has had a headache for two days and feels sick.", .urgentSafety, rulesOnly))
        #expect(!has("I have had a headache all week from the drilling next door.", .urgentSafety, rulesOnly))
        #expect(!has("I am not elderly or disabled, but the bins are too far away now.", .vulnerability))
        #expect(has("I am elderly and disabled, and the bins are too far away now.", .vulnerability))
        #expect(!has("Is the community centre wheelchair accessible? I am organising the meeting.", .vulnerability, rulesOnly))
        #expect(has("My son uses a wheelchair and the lift is out.", .vulnerability, rulesOnly))
        #expect(!has("i work as a carer so im out all day, can the gas check be on a saturday", .vulnerability, rulesOnly))
        #expect(!has("The fire alarm test in our block is at 7am on Saturdays. Please move it.", .urgentSafety, rulesOnly))
        #expect(has("The fire alarm in our block is not working.", .urgentSafety, rulesOnly))
        #expect(has("The lift opened its doors between floors while it was still moving.", .urgentSafety, rulesOnly))
        #expect(has("My ex has found out where I live and waits outside the block.", .vulnerability, rulesOnly))
        // Read from the cross-validated mistakes: a thing that will not shut is a way into the home
        // only when it is a door, and only if it will not shut at all; a person who may fall is a trip.
        #expect(has("Someone kicked my front door and now it will not shut.", .urgentSafety, rulesOnly))
        #expect(!has("The gate to the play area is hanging off one hinge and will not close.", .urgentSafety, rulesOnly))
        #expect(!has("My back door swelled and won't close properly, I have to force it.", .urgentSafety, rulesOnly))
        #expect(!has("The stair lights have been out for a week. Someone will fall.", .urgentSafety, rulesOnly))
        #expect(has("The balcony render is cracked and looks like it will fall onto the path.", .urgentSafety, rulesOnly))
        // Probe b35: a door smashed in, a ceiling gone soft, heating that "has not worked", and
        // cues in new words; how long someone has been on a list is not how old the problem is.
        #expect(has("Our back door was smashed in last night and we are sleeping in the front room.", .urgentSafety, rulesOnly))
        #expect(has("There is a damp patch on the bedroom ceiling by the light and it feels soft when I press it.", .urgentSafety, rulesOnly))
        #expect(has("The hallway ceiling is soft to the touch under the bathroom.", .urgentSafety, rulesOnly))
        #expect(has("My heating has not worked for a week and I am 81.", .urgentSafety, rulesOnly))
        #expect(!has("My heating has not worked for a week.", .urgentSafety, rulesOnly))
        #expect(has("Please send letters by email, I cannot read small print.", .vulnerability, rulesOnly))
        #expect(has("My neighbour's building work goes on till 9pm and I am not coping.", .vulnerability, rulesOnly))
        #expect(has("Can my nephew join the tenancy? He moved in to look after me.", .vulnerability, rulesOnly))
        #expect(!has("Can the grounds team look after the planters by the door?", .vulnerability, rulesOnly))
        // A boiler and its failure a few words apart are no heating: an emergency for a possibly
        // vulnerable household, and for no one else, whatever the model reads.
        #expect(has("The boiler at 12 Elm Close is broken and my daughter is 3 months old.", .urgentSafety, rulesOnly))
        #expect(!has("the boiler at 12 Elm Close is broken & it's cold", .urgentSafety))
        // Probe b36: a branch split and hanging; an ex who will not stay away.
        #expect(has("A big branch on the tree by the bus stop is split and hanging.", .urgentSafety, rulesOnly))
        #expect(has("My ex partner keeps coming to the door at night.", .vulnerability, rulesOnly))
        #expect(has("I have an injunction against my ex, he is not allowed near the flat.", .vulnerability, rulesOnly))
        // Read from the cross-validated misses at stop 41 (in new words here): the smell of eggs,
        // a gas flame that will not go out, capped-off wires left bare, an electrics cupboard
        // open to children, a buzzing pull cord, water through a named light, a window out of
        // its frame, stair treads loose, a main door stuck open, a boiler showing an error for
        // a baby, someone who cannot leave her flat, a request to make safe (not a danger over).
        #expect(has("There's an eggy smell on the landing by the meters.", .urgentSafety, rulesOnly))
        #expect(has("The back ring on the cooker, the flame stays on even with the knob off.", .urgentSafety, rulesOnly))
        #expect(has("The old light was taken down and nobody capped the wires.", .urgentSafety, rulesOnly))
        #expect(has("Wires are poking out of the wall in the hall where the heater was.", .urgentSafety, rulesOnly))
        #expect(has("The cover is missing from the electrics cupboard on the ground floor.", .urgentSafety, rulesOnly))
        #expect(has("There is a crackling noise from the fuse box.", .urgentSafety, rulesOnly))
        #expect(has("Water dripping out of the bathroom light since the flat above had a flood.", .urgentSafety, rulesOnly))
        #expect(has("The bedroom window on the 5th floor has pulled away from the frame.", .urgentSafety, rulesOnly))
        #expect(has("Two of the stair treads are loose on the way to the 3rd floor.", .urgentSafety, rulesOnly))
        #expect(has("The main entrance door is stuck open and people are sleeping in the lobby.", .urgentSafety, rulesOnly))
        #expect(has("The boiler shows an error code and won't fire, I have a newborn.", .urgentSafety, rulesOnly))
        #expect(!has("The boiler shows an error code now and then but the heating works.", .urgentSafety, rulesOnly))
        #expect(!has("There is an error in my heating charge this year. I am 84 and on a pension.", .urgentSafety, rulesOnly))
        #expect(has("The lift is broken and my mum can't leave her flat, she is on the 8th floor.", .urgentSafety, rulesOnly))
        #expect(!has("Can I leave my bike in the hall?", .urgentSafety, rulesOnly))
        #expect(has("The banister rail has come away from the wall, please can it be made safe.", .urgentSafety, rulesOnly))
        #expect(!has("The banister rail came away from the wall and your man has made it safe, thanks.", .urgentSafety, rulesOnly))
        // Near misses the labels hold: a loose handrail to be fixed, a flickering light, a
        // buzzing door entry phone.
        #expect(!has("The handrail on the stairs is loose, could someone fix it please.", .urgentSafety, rulesOnly))
        #expect(!has("The kitchen light flickers when the fridge comes on.", .urgentSafety, rulesOnly))
        #expect(!has("The door entry phone makes a buzzing noise all night.", .urgentSafety, rulesOnly))
        // Probe b37 (in new words): a door nobody can get to lock, smoke getting into a block;
        // widowed, "can't hear on the phone", threats shouted; a bay or a height named for
        // someone is no cue.
        #expect(has("I cannot get my front door to lock at all since the locksmith came.", .urgentSafety, rulesOnly))
        #expect(has("Someone is burning rubbish by the bins and smoke is getting into the flats.", .urgentSafety, rulesOnly))
        #expect(has("I was widowed in the summer and the tenancy is in my name only now.", .vulnerability, rulesOnly))
        #expect(has("Please write to me, I cannot hear on the phone any more.", .vulnerability, rulesOnly))
        #expect(has("The man next door keeps shouting threats through my letterbox.", .vulnerability, rulesOnly))
        #expect(!has("Could the disabled parking bay be repainted? The lines have worn off.", .vulnerability, rulesOnly))
        #expect(has("Vans park in the disabled parking bay every day and I am a blue badge holder.", .vulnerability, rulesOnly))
        #expect(!has("The broken glass by the door is at toddler height.", .vulnerability, rulesOnly))
        // Probe b38 (in new words): a cure that is "still clear" is no damp now; "on his behalf"
        // is someone writing for the customer; "someone more senior" asks for a review; a
        // training course named for mental health discloses nothing.
        #expect(!has("Thanks for the mould wash and the new fan in the kitchen, six weeks later it is still clear.", .dampMouldHazard, rulesOnly))
        #expect(has("The mould in the kitchen was treated but it is back and spreading.", .dampMouldHazard, rulesOnly))
        #expect(has("His daughter phoned on his behalf about the broken kitchen window.", .representative, rulesOnly))
        #expect(has("I am not happy with how my complaint was answered and want someone more senior to review it.", .escalationRequest, rulesOnly))
        #expect(!has("Is there a place left on the mental health awareness course for volunteers?", .vulnerability, rulesOnly))
        #expect(has("My mental health has got worse since the noise started.", .vulnerability, rulesOnly))
        // A text message's ampersand is "and" to the phrase lists.
        #expect(has("big branch over the path is split & hanging", .urgentSafety, rulesOnly))
        #expect(has("the guttering over the front door is cracked & hanging", .urgentSafety, rulesOnly))
        // Water and a fitting are water near electrics within about a sentence, not when a long
        // letter names them in paragraphs about two matters.
        #expect(has("Water is pouring through my kitchen ceiling from upstairs and running down the wall beside the sockets.", .urgentSafety, rulesOnly))
        #expect(!has("""
            Last spring the pipe under the bath was leaking for a fortnight before your plumber came, and the \
            flooring in the bathroom had to be replaced at my own cost, which I am still paying off. \
            I asked at the time for the cost to be refunded and I have heard nothing since then. \
            Separately, the bulb holder of the hall light is cracked and needs replacing.
            """, .urgentSafety, rulesOnly))
        // Carbon monoxide's signs on the appliance: soot, a yellow flame.
        #expect(has("There are sooty brown streaks down the front of the boiler casing and my husband keeps nodding off in the kitchen.", .urgentSafety, rulesOnly))
        #expect(has("the hob burns with a big yellow flame now instead of blue", .urgentSafety, rulesOnly))
        #expect(!has("The walls are grey with candle soot from the last tenant. Can the flat be decorated before I move in?", .urgentSafety, rulesOnly))
        // A tree that has come down is a structural danger.
        #expect(has("A big tree has blown down in the wind and is resting on the fence by the play area.", .urgentSafety, rulesOnly))
        #expect(has("branch came down off the oak onto a parked car", .urgentSafety, rulesOnly))
        // Someone else to look again at a complaint's answer asks for a review; at a repair, not.
        func escalates(_ text: String) -> Bool { has(text, .escalationRequest, rulesOnly) }
        #expect(escalates("I got your answer to my complaint last week. It ignored half of what I said and I would like someone else to review it."))
        #expect(escalates("Not satisfied with your reply about the missed repairs, please pass it up."))
        #expect(!escalates("Could someone else look at the boiler? The last engineer could not find the fault."))
        // A fitting that caught fire is an emergency even once the fire is out (the fault may
        // remain); a home full of smoke is one. A cloth that is damp is no damp in the home.
        #expect(has("The light in the kitchen caught fire last night; my son put it out with a blanket.", .urgentSafety, rulesOnly))
        #expect(has("stairwell is full of smoke, cant see the steps", .urgentSafety, rulesOnly))
        #expect(has("the bin store caught alight again, flames up the wall", .urgentSafety, rulesOnly))
        #expect(!has("I wiped the cooker hood down with a damp dishcloth and the light cover fell off. Can it be refitted?", .dampMouldHazard, rulesOnly))
        // A parent who has died, named as "my late father", is a bereavement.
        #expect(has("Please take my late mother's name off the rent account; I am now the tenant.", .vulnerability, rulesOnly))
        // "Deaf to" anything is the idiom; multiple sclerosis by its initials is an illness,
        // "Ms" before a name is not.
        #expect(!has("The office has been deaf to every excuse I gave about the fence, and now I am being charged for it.", .vulnerability, rulesOnly))
        #expect(!has("Honestly the housing team are deaf to reason. The bins have not been emptied in a month.", .vulnerability, rulesOnly))
        #expect(has("Her son rang for his mother, who is deaf, to ask why nobody texts her about the repair.", .vulnerability, rulesOnly))
        #expect(has("My husband has MS and the grab rail by the bath has come loose.", .vulnerability, rulesOnly))
        #expect(has("ive got ms and cant get the bins down the steps anymore", .vulnerability, rulesOnly))
        #expect(!has("I spoke with Ms Okafor last week and she has Ms Reid's notes about the fence.", .vulnerability, rulesOnly))
        // Calling again and again about the same thing is a failure, in figures too.
        #expect(rulesOnly.read(subject: nil, body: "this is my 4th call about the entry phone and its dead").kind == .complaint)
        // Asking for a tree to be taken down is a request, not a fallen tree.
        #expect(!has("Could you cut the tree down at the back of our block? It blocks all the light.", .urgentSafety, rulesOnly))
        #expect(!has("pls can u take the old tree down by the bins", .urgentSafety, rulesOnly))
        #expect(has("Storm last night, tree now down across the footpath by number 6", .urgentSafety, rulesOnly))
        // The writer's own job is no representative.
        #expect(!has("I work as a social worker and wondered if the community hall can be hired for a leaving do.", .representative, rulesOnly))
        #expect(has("I am Mr Brown's social worker and I am writing about his broken shower.", .representative, rulesOnly))
        // A danger supposed ("in case of", "what to do if") is not reported; a fear of it
        // happening in the writer's home now still is.
        #expect(!has("do u have a number to ring in case of a gas leak out of hours", .urgentSafety, rulesOnly))
        #expect(!has("Could the next newsletter explain what to do if you smell gas? Lots of us don't know the number.", .urgentSafety, rulesOnly))
        #expect(has("I don't know what to do if the socket sparks again tonight, it did it twice this evening.", .urgentSafety, rulesOnly))
        // A fire exit used as a way out is no fire exit blocked; bins set alight are a fire.
        #expect(!has("Caller's teenage son keeps sneaking out through the fire exit at night. She asks whether the door can have an alarm on it.", .urgentSafety, rulesOnly))
        #expect(has("The fire exit on the 2nd floor has been chained shut.", .urgentSafety, rulesOnly))
        #expect(has("someone set light to the bin store door last night", .urgentSafety, rulesOnly))
        #expect(has("the skip behind block A went up in flames at 2am", .urgentSafety, rulesOnly))
        // Repaired the same night, with only a worry that it could happen again: over.
        #expect(!has("The sparking socket was found and fixed the same night. I'm only writing because I'm worried it could happen again when the flat above has its bath.", .urgentSafety, rulesOnly))
        #expect(has("The sparking socket was fixed the same night but it has started sparking again.", .urgentSafety, rulesOnly))
        // A need that is over discloses nothing; one the writer still has does.
        #expect(!has("I no longer need letters in large print, my new glasses work fine, so normal letters please.", .vulnerability, rulesOnly))
        #expect(!has("She no longer uses a wheelchair, so the ramp by her door can go.", .vulnerability, rulesOnly))
        #expect(has("I can no longer manage the stairs since my hip operation. Could I be considered for a ground floor flat?", .vulnerability, rulesOnly))
        // A neighbour's cue a few words on is still the neighbour's, unless the writer comes back.
        #expect(!has("My neighbour across the landing is partially sighted and the landing light has been out for a week.", .vulnerability, rulesOnly))
        #expect(has("Neighbour phoning for the tenant at no 3, who is partially sighted; the landing light is out.", .vulnerability, rulesOnly))
        #expect(has("The neighbours upstairs play music all night and I suffer from depression, it is getting unbearable.", .vulnerability, rulesOnly))
        // Not 70 yet; 70 already.
        #expect(!has("Mum is 70 next month and wants to join the gardening club at the community centre. Is there a form?", .vulnerability, rulesOnly))
        #expect(has("I turned 70 in May and the bath is getting hard to climb into. Can I have a shower fitted?", .vulnerability, rulesOnly))
        // "My councillor" is someone the writer has, not someone writing for them.
        #expect(!has("My local councillor told me to contact you about the parking on the estate. Who deals with permits?", .representative, rulesOnly))
        #expect(!has("Our support worker has been brilliant, she sorted my budgeting out.", .representative, rulesOnly))
        #expect(has("I am writing as Mrs Ali's support worker. She has asked me to chase the repair to her front window.", .representative, rulesOnly))
        // A thing no longer needed is no failure; a smell the words just before deny is none; a
        // supply capped is made safe unless the smell goes on; a relative speaking for the tenant.
        #expect(!has("Dad has moved in with my sister, so he will no longer be needing the grab rails in the bathroom. Can they be taken off?", .expressedDissatisfaction, rulesOnly))
        #expect(!has("No funny smell now but the cooker still clicks when I turn the knob.", .urgentSafety, rulesOnly))
        #expect(has("There's a funny smell coming from the cooker when the oven is on.", .urgentSafety, rulesOnly))
        #expect(!has("Gas leak at the meter last night, the engineer capped it off within the hour. When will the new pipe go in?", .urgentSafety, rulesOnly))
        #expect(has("The engineer capped it off but I can still smell gas by the meter.", .urgentSafety, rulesOnly))
        #expect(has("Caller (daughter of the tenant) says her dad's kitchen tap has been dripping for a week.", .representative, rulesOnly))
        // Gas as people describe it, with no appliance named.
        #expect(has("Horrible whiff of rotten eggs in the stairwell since this morning, worse by the bin chute.", .urgentSafety, rulesOnly))
        // A relative named as the caller's, the customer in brackets; a job worked, not a need;
        // thanks for mould taken away, with the room used again, reports no damp.
        #expect(has("Phone note: caller's father (the tenant, 88) is home from hospital next week; son wants the boiler service moved.", .representative, rulesOnly))
        #expect(!has("Phone note: caller's son broke the kitchen window playing football. Glass needs replacing.", .representative, rulesOnly))
        #expect(!has("Any chance the plumber can come after 2pm? I'm working nights as a carer this month.", .vulnerability, rulesOnly))
        #expect(!has("My wife works at the hospital so nobody is in until 6pm on weekdays.", .vulnerability, rulesOnly))
        #expect(has("My wife is in the hospital so nobody is in until she is discharged.", .vulnerability, rulesOnly))
        #expect(has("She spent three nights at the hospital after the fall, so please ring before the visit.", .vulnerability, rulesOnly))
        #expect(!has("Many thanks to the contractor who removed the mould from the nursery. The baby is sleeping in it again.", .dampMouldHazard, rulesOnly))
        #expect(has("You removed the mould from the nursery in June and it has come back worse.", .dampMouldHazard, rulesOnly))
        // A failure counted as it goes on, and an earlier repair that did not hold, are complaints.
        #expect(rulesOnly.read(subject: nil, body: "Another night with no heating in the flat. Top marks, really.").kind == .complaint)
        #expect(rulesOnly.read(subject: nil, body: "The grout round the shower is cracking again since your man resealed it. Please do it properly this time.").kind == .complaint)
        #expect(rulesOnly.read(subject: nil, body: "Damp patch on the landing wall is showing through where they painted over it last spring.").kind == .complaint)
        // Hearing in the body's sense, not a court's.
        #expect(has("I can't take calls because of my hearing, so please email me the appointment.", .vulnerability, rulesOnly))
        #expect(!has("My hearing is on the 12th at the county court about the arrears. Can someone from rents come?", .vulnerability, rulesOnly))
        // A fitting come away is a repair; a cupboard hanging off the wall is still a danger.
        #expect(!has("The towel rail in the bathroom has come away from the wall, can it be screwed back?", .urgentSafety, rulesOnly))
        #expect(has("The handrail up the communal stairs has come away from the wall at the top.", .urgentSafety, rulesOnly))
        #expect(has("The kitchen wall cupboard has come away from the wall and is hanging by one screw.", .urgentSafety, rulesOnly))
        // A phone note's title, name and age; the same figures as an address are none.
        #expect(has("Mrs Kaur, 79, rang: the shower has had no hot water since Friday.", .vulnerability, rulesOnly))
        #expect(!has("Mr Hill, 79 Rose Street, reports the gate latch is broken.", .vulnerability, rulesOnly))
        // A parent who reads only another language is someone the writer speaks for.
        #expect(has("My dad only reads Urdu and the repair letters keep coming in English.", .representative, rulesOnly))
        #expect(has("My dad only reads Urdu and the repair letters keep coming in English.", .vulnerability, rulesOnly))
        func outOfTime(_ text: String) -> Bool { has(text, .possiblyOutOfTime, rulesOnly) }
        // An age is not how long the problem has lasted.
        #expect(!outOfTime("The stair gate fitting is loose and my grandson is two years old."))
        #expect(outOfTime("The stair gate fitting has been loose for two years."))
        #expect(!outOfTime("I have been on the housing register for three years and my band was lowered without a word. I want it reviewed."))
        #expect(!outOfTime("I have lived here for 2 years and the repair booked on Monday was missed."))
        #expect(outOfTime("The damp has been there for 3 years and you have done nothing."))
        #expect(outOfTime("The damp has been here for 3 years and you have done nothing."))
    }

    /// A danger the text says is over ("sorted it fast", "all fine, no fire") is no emergency,
    /// unless the text also says it goes on or the ending is negated; an idea or thanks that names
    /// gas is none either.
    @Test func dangerOverIsNoEmergency() {
        for text in [
            "gas man came within the hour last nite when i smelt gas, sorted it fast",
            "the smoke alarm went off cos i burnt the toast, all fine no fire",
            "The electrician came out on Sunday night when our sockets were sparking and made it safe.",
        ] {
            #expect(!flags(triage.read(subject: nil, body: text, received: received)).contains(.urgentSafety), "\(text)")
        }
        for text in [
            "The engineer made it safe last week but the socket is sparking again.",
            "My socket is sparking and nobody has fixed it.",
            "The gas leak was fixed in the end but I can still smell gas.",
            "Engineer made it safe but the boiler is condemned, no heating and I have a newborn.",
        ] {
            #expect(flags(triage.read(subject: nil, body: text, received: received)).contains(.urgentSafety), "\(text)")
        }
        let idea = triage.read(subject: nil, body: "Suggestion: it would be a good idea for the newsletter to remind people to test their carbon monoxide alarms once a month.",
                               received: received)
        #expect(idea.kind == .suggestion && !flags(idea).contains(.urgentSafety))
    }

    /// A part that can fall, near words of it giving way, is structural danger; apart, or a part
    /// that cannot hurt anyone, is not.
    @Test func partsGivingWay() {
        let rules = Triage(model: .none)
        let balcony = rules.read(subject: nil, body: "The balcony railing has come loose and moves when you lean on it.", received: received)
        let reason = balcony.flags.first { $0.flag == .urgentSafety }?.reason ?? ""
        #expect(reason.contains("structural danger (“balcony … come loose”"), "\(reason)")
        #expect(!flags(rules.read(subject: nil, body: "The kitchen cupboard door has come loose on its hinge.", received: received)).contains(.urgentSafety))
        #expect(!flags(triage.read(subject: nil, body: "The kitchen cupboard door has come loose on its hinge.", received: received)).contains(.urgentSafety))
        // Danger named outright stays structural whatever part it is (an edit once moved these
        // phrases into the giving-way list, where they counted only beside a part).
        #expect(flags(rules.read(subject: nil, body: "The tree by the car park looks dangerous after the storm.", received: received)).contains(.urgentSafety))
        let apart = "The balcony is lovely in summer. Separately, a shelf in the hall has come loose and I would like it fixed when someone is next around."
        #expect(!flags(rules.read(subject: nil, body: apart, received: received)).contains(.urgentSafety))
        // A cue inside a phrase that discloses nothing: the neighbour is not the household.
        #expect(!flags(triage.read(subject: nil, body: "My elderly neighbour is lovely and keeps the landing tidy.", received: received)).contains(.vulnerability))
    }

    @Test func vulnerabilityReasonHoldsCueWordsNotTheText() throws {
        let reading = triage.read(subject: nil, body: "I am having chemotherapy for breast cancer at St James's and I am 7 months pregnant.", received: received)
        let reason = try #require(reading.flags.first { $0.flag == .vulnerability }?.reason)
        #expect(reason.contains("illness: cancer") || reason.contains("illness: chemotherapy"))
        #expect(reason.contains("pregnancy"))
        #expect(!reason.contains("breast") && !reason.contains("St James"))
    }

    @Test func representativesEscalationsAndTime() throws {
        let councillor = triage.read(subject: nil, body: "I am writing on behalf of my constituent Mr Green, who has no hot water.", received: received)
        #expect(flags(councillor).contains(.representative) && flags(councillor).contains(.consentRequired))
        let consent = triage.read(subject: nil, body: "Citizens Advice, writing on behalf of our client with her consent.", received: received)
        #expect(flags(consent).contains(.representative) && !flags(consent).contains(.consentRequired))
        let escalation = triage.read(subject: "lb-2026-000311", body: "I am not satisfied with your response, please escalate to stage 2.", received: received)
        #expect(escalation.kind == .complaint && escalation.stage == 2)
        #expect(try #require(escalation.flags.first { $0.flag == .escalationRequest }).reason.contains("LB-2026-000311"))
        let old = triage.read(subject: nil, body: "The damp has been there since 2023 and nobody has fixed it.", received: received)
        #expect(flags(old).contains(.possiblyOutOfTime))
        #expect(old.flags.first { $0.flag == .possiblyOutOfTime }?.reason.contains("nothing is excluded automatically") == true)
        #expect(!flags(triage.read(subject: nil, body: "The damp started in 2026 and nobody has fixed it.", received: received)).contains(.possiblyOutOfTime))
    }

    @Test func deterministicAndExplained() {
        let body = "The lift at Oak Tower is out of order for the fourth time this month. Not good enough."
        let a = triage.read(subject: nil, body: body, received: received)
        let b = Triage().read(subject: nil, body: body, received: received)
        #expect(a == b)
        #expect(!a.kindReason.isEmpty && !a.serviceAreaReason.isEmpty)
        for entry in a.flags { #expect(!entry.reason.isEmpty) }
    }

    @Test func evaluationFormatErrors() {
        #expect(throws: TriageEvaluation.FormatError.self) { try TriageEvaluation(text: "### e1 | email | grumble\ntext") }
        #expect(throws: TriageEvaluation.FormatError.self) { try TriageEvaluation(text: "### e1 | email | complaint | made_up_flag\ntext") }
    }
}
