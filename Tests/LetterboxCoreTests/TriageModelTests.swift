import Foundation
import LetterboxCore
import LetterboxTesting
import Testing

/// The trained triage model: its data, its training, its file, and how triage uses it.
@Suite struct TriageModelTests {
    let received = Date(timeIntervalSince1970: 1_795_000_000)

    /// The flags triage raises for a body with no subject, received on `received`.
    func flags(_ body: String) -> [Flag] { Triage().read(subject: nil, body: body, received: received).flags.map(\.flag) }
    /// The phrase lists alone, without the model: what a test of a rule reads.
    static let rules = Triage(model: .none)
    /// The rules' reading of a body with no subject, received on `received`.
    func ruleReading(_ body: String) -> TriageReading { Self.rules.read(subject: nil, body: body, received: received) }
    /// Whether the rules alone raise `flag` for a body.
    func ruleFlag(_ flag: Flag, _ body: String) -> Bool { ruleReading(body).flags.contains { $0.flag == flag } }

    static func shippedItems() throws -> [LabelledItem] {
        var items: [LabelledItem] = []
        for name in ["labelled.jsonl", "variants.jsonl"] {
            let url = Fixtures.packageRoot.appendingPathComponent("Samples/triage").appendingPathComponent(name)
            items += try LabelledSet.read(Data(contentsOf: url), source: name)
        }
        return items
    }

    /// The issue asks for at least 2,000 items across every kind and channel, split by a fixed
    /// hash before tuning; a variant stays in its hand-written item's split.
    @Test func labelledDataSpreadAndSplit() throws {
        let items = try Self.shippedItems()
        #expect(items.count >= 2000)
        #expect(Set(items.map(\.kind)) == Set(Triage.kinds.map(\.rawValue)))
        #expect(Set(items.compactMap(\.channel)) == ["email", "sms", "web_form", "phone"])
        let byId = Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0) })
        for item in items where item.base != nil {
            #expect(item.split == byId[item.base!]?.split, "\(item.id) left its base's split")
        }
        let splits = Dictionary(grouping: items, by: \.split).mapValues(\.count)
        #expect(splits[.test, default: 0] >= 300 && splits[.dev, default: 0] >= 150 && splits[.train, default: 0] >= 1200)
        // The split is a property of the id alone: the same on every run.
        #expect(LabelledItem(id: "b01-001", text: "", kind: "complaint").split == byId["b01-001"]?.split)
    }
    /// An email item is read as the email decoder keeps its body: what the sender wrote now,
    /// not the history it quotes. A thank-you above a quoted complaint is scored as thanks;
    /// the same text sent as a text message is read whole (no channel but email quotes).
    @Test func emailItemsAreReadWithoutTheirQuotedHistory() throws {
        let text = """
            Thank you so much, the new boiler is working brilliantly and the engineer was lovely.

            On Mon, 2 Nov 2026 at 09:14, Anna Price <anna@example.org> wrote:
            > I want to make a formal complaint. Nobody has come about my boiler for three weeks
            > and I have had no heating or hot water. This is unacceptable.
            """
        let email = LabelledItem(id: "q-1", channel: "email", text: text, kind: "compliment")
        let sms = LabelledItem(id: "q-2", channel: "sms", text: text, kind: "compliment")
        #expect(email.textAsRead == "Thank you so much, the new boiler is working brilliantly and the engineer was lovely.")
        #expect(sms.textAsRead == text)
        let evaluation = TriageEvaluation(labelled: [email, sms])
        #expect(evaluation.items.map(\.body) == [email.textAsRead, text])
        let result = evaluation.score(Triage(), received: Date(timeIntervalSince1970: 1_795_000_000))
        #expect(!result.mistakes.contains { $0.id == "q-1" })
    }


    /// The shipped weights are reproducible from the data by one command: training on the
    /// train and dev splits with the defaults gives the bytes in Sources/CTriageModel/triage-model.bin.
    @Test func shippedModelIsReproducibleFromTheData() async throws {
        let shipped = try #require(TriageModel.shipped)
        let items = try Self.shippedItems().filter { $0.split != .test }
        let description = shipped.description
        // A minute of training on a thread of its own: on the shared cooperative pool (two threads
        // on a two-core machine) it starved the suites serving real HTTP beside it.
        let trained = await withCheckedContinuation { (done: CheckedContinuation<TriageModel, Never>) in
            Thread { done.resume(returning: TriageTraining().train(items, description: description)) }.start()
        }
        #expect(trained.encoded() == shipped.encoded(), "run: letterbox triage train --output Sources/CTriageModel/triage-model.bin")
    }

    /// The shipped model keeps its weights where the binary holds them; read from the same bytes
    /// as a file (weights copied), it must read every text the same, evidence included.
    @Test func shippedWeightsReadInPlaceMatchACopy() throws {
        let shipped = try #require(TriageModel.shipped)
        let copy = try TriageModel(data: Data(shipped.encoded()))
        let url = Fixtures.packageRoot.appendingPathComponent("Sources/CTriageModel/triage-model.bin")
        #expect(copy.encoded() == (try Data(contentsOf: url)))
        for item in try Self.shippedItems().prefix(200) {
            let features = shipped.features(subject: nil, body: item.text)
            for head in ["kind", "area"] {
                let inPlace = try #require(shipped.predict(head, features))
                let copied = try #require(copy.predict(head, features))
                #expect(inPlace.label == copied.label && inPlace.probability == copied.probability && inPlace.evidence == copied.evidence, "\(item.id) \(head)")
            }
        }
    }

    @Test func modelFileRoundTripsAndRefusesDamage() throws {
        let items = [
            LabelledItem(id: "1", text: "nobody came to fix my boiler again, third time", kind: "complaint", serviceArea: "repairs"),
            LabelledItem(id: "2", text: "my tap is dripping, please send a plumber", kind: "service_request", serviceArea: "repairs"),
            LabelledItem(id: "3", text: "thank you to the caretaker, brilliant", kind: "compliment", serviceArea: "estate_services"),
        ]
        let model = TriageTraining(spec: .init(bits: 12), epochs: 5).train(items, description: "three items")
        let bytes = model.encoded()
        let read = try TriageModel(data: bytes)
        #expect(read.encoded() == bytes)
        #expect(read.description == "three items")
        #expect(read.predict("kind", read.features(subject: nil, body: "nobody came again"))?.label == "complaint")
        #expect(throws: TriageModel.FormatError.self) { try TriageModel(data: Data("LETTERBOX-TRIAGE-MODEL 2\n{}".utf8)) }
        #expect(throws: TriageModel.FormatError.self) { try TriageModel(data: bytes.dropLast()) }
        #expect(throws: TriageModel.FormatError.self) { try TriageModel(data: bytes + Data([0])) }
        var header = bytes
        let at = try #require(header.firstRange(of: Data("\"bits\":12".utf8)))
        header.replaceSubrange(at, with: Data("\"bits\":40".utf8))
        #expect(throws: TriageModel.FormatError.self) { try TriageModel(data: header) }

        // The bucket numbers (after the header line) must rise and stay under 2^bits.
        let magicEnd = try #require(bytes.firstIndex(of: 0x0A))
        let first = try #require(bytes[(magicEnd + 1)...].firstIndex(of: 0x0A)) + 1
        let refused = TriageModel.FormatError("head \(model.heads[0].name) has bucket numbers out of order or range")
        #expect(model.heads[0].buckets.count >= 3)
        var swapped = bytes
        let one = swapped[first..<first + 4], two = swapped[first + 4..<first + 8]
        swapped.replaceSubrange(first..<first + 8, with: two + one)
        #expect(throws: refused) { try TriageModel(data: swapped) }
        var repeated = bytes
        repeated.replaceSubrange(first + 4..<first + 8, with: one)
        #expect(throws: refused) { try TriageModel(data: repeated) }
        for row in [1, model.heads[0].buckets.count - 1] {
            var tooLarge = bytes
            tooLarge.replaceSubrange(first + row * 4..<first + row * 4 + 4, with: [0xFF, 0xFF, 0x00, 0x00])
            #expect(throws: refused) { try TriageModel(data: tooLarge) }
        }
    }

    /// The buckets read back from the bitmap are the ones the weights were filed under.
    @Test func headBucketsComeBackInOrder() {
        let buckets: [UInt32] = [0, 1, 63, 64, 65, 127, 128, 4_000, 262_143]
        let head = TriageModel.Head(name: "h", classes: ["a", "b"], bias: [0, 0], buckets: buckets, weights: [Int8](repeating: 1, count: 18), scale: 1)
        #expect(head.buckets == buckets)
        #expect(TriageModel.Head(name: "h", classes: ["a", "b"], bias: [0, 0], buckets: [], weights: [], scale: 1).buckets.isEmpty)
    }

    @Test func trainingIsDeterministic() async throws {
        let items = try Self.shippedItems().filter { $0.split == .dev }
        // Off the cooperative pool, as above: held there for minutes on a slow machine, it kept
        // the in-process servers and receivers of other suites from answering.
        let (first, second) = try await Fixtures.offPool {
            (TriageTraining(spec: .init(bits: 14), epochs: 3).train(items, description: "dev"),
             TriageTraining(spec: .init(bits: 14), epochs: 3).train(items, description: "dev"))
        }
        #expect(first.encoded() == second.encoded())
    }

    @Test func labelledReaderNamesTheLine() {
        func error(_ text: String) -> LabelledSet.FormatError? {
            do { _ = try LabelledSet.read(Data(text.utf8)); return nil } catch { return error }
        }
        #expect(error("{\"id\":\"a\",\"text\":\"x\",\"kind\":\"complaint\"}\n# note\n\n{\"id\":\"b\",\"text\":\"y\",\"kind\":\"praise\"}")?.line == 4)
        #expect(error("{\"id\":\"a\",\"text\":\"x\",\"kind\":\"complaint\"}\n{\"id\":\"a\",\"text\":\"y\",\"kind\":\"comment\"}")?.message.contains("twice") == true)
        #expect(error("not json")?.line == 1)
        #expect(error("{\"id\":\"a\",\"text\":\"x\",\"kind\":\"comment\",\"serviceArea\":\"gardening\"}") != nil)
        #expect(error("{\"id\":\"a\",\"text\":\"x\",\"kind\":\"comment\",\"serviceArea\":\"\"}") == nil)
    }

    /// A reading by the model names its probability and its strongest words; below the
    /// threshold it goes to review with the two likeliest kinds.
    @Test func confidenceEvidenceAndReview() throws {
        let triage = Triage()
        let reading = triage.read(subject: nil, body: "The hallway light on 2nd floor Birch House is out", received: received)
        #expect(reading.kind == .serviceRequest)
        let confidence = try #require(reading.confidence)
        #expect(confidence > 0.5 && reading.runnerUp != nil && reading.runnerUp != reading.kind)
        #expect(reading.kindReason.contains("trained model") && reading.kindReason.contains("“"))
        let strict = Triage(reviewThreshold: 0.999)
        let unsure = strict.read(subject: nil, body: "About the letter I got on Tuesday", received: received)
        let review = try #require(unsure.flags.first { $0.flag == .needsReview })
        #expect(review.reason.contains(Triage.describe(unsure.kind)) && review.reason.contains("%"))
        #expect(!Triage(reviewThreshold: 0).read(subject: nil, body: "About the letter I got on Tuesday", received: received).flags.contains { $0.flag == .needsReview })
        // The policy rules still decide: the word "complaint", a request to escalate, the stated kind.
        let explicit = triage.read(subject: nil, body: "I want to make a complaint, thank you", received: received)
        #expect(explicit.kind == .complaint && explicit.kindReason.hasPrefix("Says it is a complaint"))
        #expect(triage.read(subject: nil, body: "Lovely flat.", statedKind: "complaint", received: received).kind == .complaint)
        // Without a model, the rules alone read it.
        let rules = Triage(model: .none).read(subject: nil, body: "The hallway light is out", received: received)
        #expect(rules.confidence == nil && !rules.kindReason.contains("model"))
    }

    /// Vulnerability cues need the sense, not the word.
    @Test func vulnerabilityCuesReadInContext() {
        let triage = Triage()
        func vulnerable(_ text: String) -> Bool { triage.read(subject: nil, body: text, received: received).flags.contains { $0.flag == .vulnerability } }
        #expect(!vulnerable("Could I have a breakdown of the charge for the communal heating?"))
        #expect(!vulnerable("The lift at Tower View is out again, the fourth breakdown since Christmas."))
        #expect(!vulnerable("I'm not disabled but I find the online account hard to use."))
        #expect(!vulnerable("I am not pregnant, the form got it wrong."))
        #expect(!vulnerable("My mental health has not been affected, I just want to report the noise."))
        #expect(vulnerable("My late husband always bled the radiators and I don't know how."))
        #expect(vulnerable("I had a nervous breakdown last year and the noise is making it worse."))
        #expect(vulnerable("I am disabled and the ramp has cracked."))
        #expect(vulnerable("Since my relationship breakdown I live alone with the kids."))
        #expect(!vulnerable("Please put a mirror on the blind corner in the car park."))
        #expect(!vulnerable("Just to say, my mental health hasn't been affected, I only want the fan replaced."))
        #expect(vulnerable("My neighbour keeps shouting at me on the stairs. I don't feel safe in my own home."))
        #expect(vulnerable("I asked for my letters in Bengali and they still come in English."))
    }

    /// Probe b47: the words of a disclosure in other senses (an idiom, an event, a machine, a
    /// building's age, a job) are not cues; a young child's age, a relative lost and reading
    /// that is hard are.
    @Test func vulnerabilityWordsInOtherSenses() {
        func vulnerable(_ text: String) -> Bool { flags(text).contains(.vulnerability) }
        #expect(!vulnerable("My emails about the leak have fallen on deaf ears for a month."))
        #expect(!vulnerable("Is there a dementia awareness session at the community hub this month?"))
        #expect(!vulnerable("I am anxious to hear back about my parking bay request."))
        #expect(!vulnerable("My wife is a carer by trade and works early shifts, so mornings are bad for visits."))
        #expect(!vulnerable("The fridge freezer has died and it is the landlord's appliance."))
        #expect(!vulnerable("I have a hospital appointment on the 3rd so please avoid that morning for the plumber."))
        #expect(!vulnerable("The estate is 75 years old and the drains show it."))
        #expect(vulnerable("I can't reach the smoke alarm to change it, I'm 82."))
        #expect(vulnerable("my youngest 10 months and the damp is on the wall by his cot"))
        #expect(!vulnerable("The plumber said he's 2 weeks behind, so the tap waits till Friday."))
        #expect(vulnerable("She doesnt read very well so please ring her about the visit."))
        #expect(vulnerable("We lost our daughter in the spring and I can't face the paperwork for the transfer."))
        #expect(vulnerable("Since I lost my dad I have fallen behind with the rent."))
        let grandson = flags("my grandsons 18 months and keeps getting chest infections from the mould")
        #expect(grandson.contains(.vulnerability))
        #expect(!grandson.contains(.possiblyOutOfTime))
    }

    /// Probe b48: a danger in a stranger's words (a smell of gas that "reeks", a detector's CO
    /// reading, water running by a trip switch, a gutter hanging by one bracket, a bulge or a crack
    /// measured by what fits in it, a jemmied door, a lock that no longer locks, "comin" for
    /// "coming") is urgent; an alarm set off by cooking, a pet's fear and a fault that "no longer"
    /// works are not what their words are elsewhere.
    @Test func dangerWordsInOtherSenses() {
        func urgent(_ text: String) -> Bool { flags(text).contains(.urgentSafety) }
        #expect(urgent("the meter cupboard on our landing reeks of gas this evening"))
        #expect(urgent("My alarm on the kitchen wall is beeping and the display shows CO 45"))
        #expect(urgent("Water running under the washing machine and now the electrics trip every time I switch it on"))
        #expect(urgent("the gutter above my front door is hanging by one bracket"))
        #expect(urgent("There's a bulge in the wall of my son's bedroom, please send someone to look"))
        #expect(urgent("The crack in the living room wall is now wide enough to put a pen in"))
        #expect(urgent("someone jemmied the door last night and the frame is split"))
        #expect(urgent("smoke comin out of the bin chute door on the 3rd floor"))
        let lock = flags("my front door no longer locks after the storm swelled it")
        #expect(lock.contains(.urgentSafety) && !lock.contains(.expressedDissatisfaction))
        #expect(!flags("The bathroom door no longer shuts properly since the new flooring").contains(.expressedDissatisfaction))
        #expect(flags("The cleaners no longer come on Fridays and the stairs are filthy").contains(.expressedDissatisfaction))
        #expect(!urgent("The smoke alarm in the hall is so sensitive it goes off when I cook bacon, can it be swapped for a heat alarm?"))
        #expect(urgent("The smoke alarm doesn't go off even when I burn the toast black, please test it"))
        #expect(!flags("My cat was terrified by the drilling upstairs all afternoon").contains(.vulnerability))
        #expect(flags("My dog and I are terrified of the man upstairs").contains(.vulnerability))
    }

    /// Alarms and floods, read from the training split's mistakes: an alarm that beeps for its
    /// battery is a job and one that has gone dead is a danger; a carbon monoxide alarm is carbon
    /// monoxide when it sounds, a hazard reported when it is broken, and nothing in a question; a
    /// flood counts where it is reported, not after a cousin's; a supposed smell of gas and a
    /// footer's instruction quoted back are none.
    @Test func alarmsAndFloodsInTheirSenses() {
        let triage = Triage()
        func urgent(_ text: String) -> Bool { triage.read(subject: nil, body: text, received: received).flags.contains { $0.flag == .urgentSafety } }
        #expect(!urgent("My smoke detector keeps chirping, I think the battery is going. Could someone swap it, I can't get up a ladder"))
        #expect(urgent("The smoke alarm on the landing has gone completely dead and it's hard-wired so I can't change a battery"))
        #expect(!urgent("Am I meant to test the carbon monoxide detector myself or do you do it?"))
        #expect(urgent("The CO detector by the boiler went off twice tonight"))
        #expect(urgent("The carbon monoxide alarm has come off the wall and is hanging by its wire"))
        #expect(!urgent("The CO alarm is flashing because its battery is low, please replace it"))
        #expect(!urgent("My cousin's flat flooded last month, is my furniture covered if it happens here?"))
        #expect(urgent("Our kitchen is flooded from the washing machine hose, please send a plumber"))
        #expect(!urgent("Could you tell me who to ring if I ever smell gas at night?"))
        #expect(!urgent("Thanks, Thursday is fine.\n> If you smell gas call 0800 111 999"))
    }

    /// Probe b49, replies and forwards: the word complaint in a reply's subject is the thread's
    /// title, not the customer saying this is one; a relative forwarding for someone, a walker and
    /// stairs that cannot be managed, and a month of last year at least 12 months back are read.
    @Test func repliesForwardsAndOldMonths() {
        let triage = Triage()
        func read(_ subject: String?, _ body: String) -> TriageReading { triage.read(subject: subject, body: body, received: received) }
        let receivedOnly = read("RE: Your complaint reference 5521", "Received, that's fine by me.")
        #expect(receivedOnly.kind != .complaint && !receivedOnly.flags.contains { $0.flag == .expressedDissatisfaction })
        #expect(read("Re: boiler", "I want to make a complaint, this is the fourth visit and it still cuts out.").kind == .complaint)
        #expect(read("Complaint about the caretaker", "Please ring me back today.").kind == .complaint)
        #expect(read("Fwd: formal complaint", "Please see my complaint below, sent in October, which has had no answer.").kind == .complaint)
        #expect(flags("I'm forwarding this for my dad, he asked me to: the pull cord in his bathroom has snapped.").contains(.representative))
        #expect(flags("My husband uses a walker and the ramp to the front door has cracked.").contains(.vulnerability))
        #expect(flags("I cannot manage the stairs and the lift has been out for days.").contains(.vulnerability))
        #expect(!flags("Ms Walker from lettings rang me about the viewing, thanks.").contains(.vulnerability))
        // Received 18 November 2026: April 2025 is over a year back, December 2025 eleven months.
        #expect(flags("The leak in April last year ruined my sofa and I was promised compensation that never came.").contains(.possiblyOutOfTime))
        #expect(!flags("The leak in December last year ruined my sofa and I was promised compensation that never came.").contains(.possiblyOutOfTime))
        #expect(flags("The damp started the year before last and it has never been sorted.").contains(.possiblyOutOfTime))
    }

    /// Probe b50, a stranger's words: a call that went dead is no dead alarm, a window blind come
    /// off the wall is neither a structure giving way nor a disclosure of sight loss, and a danger
    /// the text says "is fixed now" is over. An alarm gone dead, sight loss and a danger to be
    /// fixed still count.
    @Test func deadLinesBlindsAndDangersFixedNow() {
        #expect(!flags("I rang the repairs line twice this morning and the call went dead both times before anyone answered.").contains(.urgentSafety))
        #expect(flags("The smoke detector in the hallway chirped all weekend and then went dead.").contains(.urgentSafety))
        let blind = flags("The vertical blind in the lounge has come away from the wall and is hanging down at one end.")
        #expect(!blind.contains(.urgentSafety) && !blind.contains(.vulnerability))
        #expect(!flags("The bedroom blind is broken, the cord snapped, and the blind on the landing window too.").contains(.vulnerability))
        #expect(flags("I'm registered blind so please phone me about the appointment rather than writing.").contains(.vulnerability))
        #expect(flags("I'm blind and the handrail has come away from the wall.").contains(.urgentSafety))
        #expect(!flags("The sparking light switch in the hall is fixed now, the electrician came first thing.").contains(.urgentSafety))
        #expect(flags("Please can the sparking switch in the hall be fixed now, it is dangerous.").contains(.urgentSafety))
    }

    /// Probe b51: a night shift at the hospital, a dementia cafe and an elderly man from another
    /// house disclose nothing about the household; a ceiling going black is mould. A stay in
    /// hospital, an elderly father at home and a socket gone black keep their readings.
    @Test func shiftsCafesOtherPeopleAndCeilingsGoingBlack() {
        #expect(!flags("My husband works nights at the hospital so please don't send anyone before midday.").contains(.vulnerability))
        #expect(!flags("Is the dementia cafe in the community hall still running on Thursdays?").contains(.vulnerability))
        #expect(!flags("The elderly gentleman from number 30 keeps parking across my drive.").contains(.vulnerability))
        #expect(flags("My elderly father lives with me and the heating has failed.").contains(.vulnerability))
        #expect(flags("My wife spent three nights at the hospital after her fall.").contains(.vulnerability))
        #expect(flags("The bathroom ceiling is going black in the corner above the shower.").contains(.dampMouldHazard))
        #expect(!flags("The plug socket by the kettle has gone black and smells of burning.").contains(.dampMouldHazard))
    }

    /// Probe b52: a birth just past is a cue; "disabled adaptations" asked about names a service;
    /// condensation that "runs with water" is damp; a complaint's reply "looked at again by
    /// someone else" asks for a review. Someone disabled asking for a ramp, no running water and
    /// a boiler looked at again keep their readings.
    @Test func birthsAdaptationsRunningWaterAndASecondLook() {
        #expect(flags("had an emergency caesarean last week and the front steps have no rail, cant manage them with the pram").contains(.vulnerability))
        #expect(flags("Caller gave birth on Saturday and the hot water is off.").contains(.vulnerability))
        #expect(flags("Two weeks after my c-section and still no lift.").contains(.vulnerability))
        #expect(!flags("Disabled adaptations: how long is the wait for a walk-in shower? Asking for my aunt's neighbour.").contains(.vulnerability))
        #expect(flags("I'm disabled and need a ramp to the back door.").contains(.vulnerability))
        #expect(flags("The kitchen window runs with water every morning and the sill is rotting.").contains(.dampMouldHazard))
        #expect(!flags("We have had no running water since this morning.").contains(.dampMouldHazard))
        #expect(flags("Your reply doesn't deal with the mould at all. I'd like it looked at again by someone else please.").contains(.escalationRequest))
        #expect(!flags("Can the boiler be looked at again by someone else? It is still making the noise.").contains(.escalationRequest))
    }

    /// Probe b53: a toddler named by the age in words is a cue, as "2 year old" was; a thing
    /// "two years old" is not.
    @Test func agesInWords() {
        #expect(flags("My three year old keeps slipping on the wet path by the back door.").contains(.vulnerability))
        #expect(flags("the water is dripping where my two year old plays").contains(.vulnerability))
        #expect(!flags("The boiler is only two years old and it has broken down twice.").contains(.vulnerability))
    }

    /// Probe b54: plaster gone soft is damp, and paper come away from the wall is no fall; a broken
    /// ankle is a cue; giving time at a hospice is not, a husband at the hospice is.
    @Test func softPlasterCastsAndHospices() {
        let plaster = flags("Behind the sofa the plaster is crumbling and the paper has come away from the wall.")
        #expect(plaster.contains(.dampMouldHazard) && !plaster.contains(.urgentSafety))
        #expect(flags("The handrail on the stairs has come away from the wall.").contains(.urgentSafety))
        #expect(flags("Still hobbling about with a broken ankle, and the path to the door is full of potholes.").contains(.vulnerability))
        #expect(!flags("I volunteer at the local hospice on Tuesdays so please book the visit for another day.").contains(.vulnerability))
        #expect(flags("My husband is at the hospice and I need the heating fixed before he comes home.").contains(.vulnerability))
    }

    /// Probe b55: a stage one response whose outcome is accepted asks for no escalation, and is
    /// no new complaint; an outcome not accepted, or an ask to escalate beside an accepted one,
    /// still is. "Many of us are pensioners" names a group, not the writer.
    @Test func acceptedOutcomesAndGroups() {
        func kind(_ body: String) -> FeedbackRecord.Kind? { Triage().read(subject: nil, body: body, received: received).kind }
        let accepted = "Thanks for your final response. I'm pleased with the outcome and you can close my complaint."
        #expect(!flags(accepted).contains(.escalationRequest))
        #expect(kind(accepted) != .complaint)
        #expect(flags("I am not happy with the outcome of the final response and want it looked at again.").contains(.escalationRequest))
        #expect(flags("I'm satisfied with the response about the fence, but I want my complaint about the damp taken to stage 2.").contains(.escalationRequest))
        #expect(!flags("Most of us are pensioners and the new parking charge is a lot.").contains(.vulnerability))
        #expect(flags("I am a pensioner living alone and the heating is off.").contains(.vulnerability))
    }

    /// Probe b56: a fault the landlord's own work left ("since the joiner", "they installed last
    /// week") is a failure of that work, and praise beside the same words is not; a vehicle
    /// parked across others' bays is anti-social behaviour.
    @Test func faultsLeftByWorkAndBlockedBays() {
        func read(_ body: String) -> TriageReading { Triage().read(subject: nil, body: body, received: received) }
        let dripping = read("Ever since your plumber replaced the tap it has been dripping onto the worktop.")
        #expect(dripping.kind == .complaint && dripping.flags.contains { $0.flag == .expressedDissatisfaction })
        #expect(read("the extractor fan they installed last week has stopped working already").kind == .complaint)
        #expect(read("Just to say the shower has been brilliant since your plumber came. Thanks.").kind != .complaint)
        #expect(read("The electrician is booked for Tuesday, can you confirm the time?").kind != .complaint)
        #expect(read("A white van has been parked across our bays since Friday.").kind == .asbReport)
    }

    /// Probe b57: a repair on its fourth visit is a failure, whatever is said of the engineer;
    /// someone who works as a carer discloses a job, not a need.
    @Test func repeatedVisitsAndCarersByJob() {
        let visits = ruleReading("Lovely engineer, but it's the fourth visit for this boiler and it keeps cutting out.")
        #expect(visits.kind == .complaint && visits.flags.contains { $0.flag == .expressedDissatisfaction })
        #expect(!flags("The caller's son works as a carer and asked if the visit can be after 4pm.").contains(.vulnerability))
        #expect(flags("Caller said her son has been her full-time carer since her stroke and the bath needs a grab rail.").contains(.vulnerability))
    }

    /// Probe b58: a thing that is old, a baby next door and a displeasure denied are no cue and
    /// no dissatisfaction; a fall had and a relative confused are cues.
    @Test func oldThingsFallsAndDeniedDispleasure() {
        #expect(!flags("The boiler in our house is old and keeps losing pressure. Can it be replaced?").contains(.vulnerability))
        #expect(flags("My dad is old and can't manage the step at the back door any more.").contains(.vulnerability))
        #expect(flags("Caller said his wife had a fall on the icy path on Tuesday and he wants it gritted.").contains(.vulnerability))
        #expect(!flags("had a fall off the ladder clearing the gutter but no harm done, can the gutter be fixed").contains(.vulnerability))
        #expect(flags("My nan gets confused with all the letters about the works, could you phone my number instead?").contains(.vulnerability))
        #expect(!flags("the toddler next door screams every morning at 5, thin walls. anything you can do").contains(.vulnerability))
        #expect(!flags("Caller wanted to know when the works finish; she said she isn't unhappy about them, just planning her holiday.")
            .contains(.expressedDissatisfaction))
        #expect(flags("I am unhappy that nobody told us about the works.").contains(.expressedDissatisfaction))
    }

    /// Probe b59: grass up to the knees is no disability, a toddler's room is named by the age
    /// with its apostrophe dropped, someone followed home and a relative who cares for the
    /// customer are cues, heating "off since Monday" for someone old is an emergency, and a
    /// message withdrawn ("ignore my earlier text") is no complaint of being ignored.
    @Test func kneesAgesFollowersAndWithdrawnMessages() {
        #expect(!flags("The hedge by the path is so overgrown it's up to my knees and nobody can get past with a buggy.").contains(.vulnerability))
        #expect(flags("My knees are bad and I can't manage the stairs now the handrail has gone.").contains(.vulnerability))
        #expect(flags("the radiator in my 2 year olds bedroom is stone cold").contains(.vulnerability))
        #expect(flags("Caller said a group of older boys keep following her son home from school and taking his phone.").contains(.vulnerability))
        #expect(flags("Caller's niece moved in last month and cares for her since the stroke.").contains(.vulnerability))
        #expect(flags("My neighbour's heating has been off since Monday and she is 91, can someone go round?").contains(.urgentSafety))
        #expect(!flags("pls ignore my earlier text, found the fob").contains(.expressedDissatisfaction))
        #expect(flags("You ignore my emails every time I ask about the repair.").contains(.expressedDissatisfaction))
    }

    /// Probe b60: children "under 5" in the household are a cue (and with no water, an
    /// emergency), children under 5 in a question about a play area are not; a shelf that has
    /// collapsed is no structural danger, as a ceiling is; a repair that is "loose again
    /// already" is a failure.
    @Test func youngChildrenShelvesAndRepairsThatFailAgain() {
        let children = ruleReading("boiler gone, no heating or hot water, i have 3 children under 5").flags.map(\.flag)
        #expect(children.contains(.vulnerability) && children.contains(.urgentSafety))
        #expect(!ruleReading("Is the play area suitable for children under 5?").flags.contains { $0.flag == .vulnerability })
        #expect(!ruleReading("The shelf in the airing cupboard has collapsed and the towels are on the floor.").flags.contains { $0.flag == .urgentSafety })
        #expect(ruleReading("The ceiling in the hall has collapsed after the leak.").flags.contains { $0.flag == .urgentSafety })
        let again = ruleReading("You replaced the toilet seat on Monday and it's loose again already.")
        #expect(again.kind == .complaint && again.flags.contains { $0.flag == .expressedDissatisfaction })
    }

    /// Probes b61 and b62, and the guide's three readings of stop 55: locks asked for someone a
    /// known person threatens, a lift out for someone who cannot use the stairs, and smashed glass
    /// in a home are emergencies; locks after lost keys, a lift out in general, a van's smashed
    /// windows and a stairwell's burn marks after fireworks are not. An age after a relative,
    /// wet to the touch, praise of how a complaint was handled, and nobody acting after weeks.
    @Test func locksLiftsGlassAndAgesAfterARelative() {
        func urgent(_ body: String) -> Bool { ruleReading(body).flags.contains { $0.flag == .urgentSafety } }
        #expect(urgent("my ex partner has been sending threats and he still has a key, i need the locks changed asap"))
        #expect(!urgent("I lost my keys on the bus yesterday. Can you change the locks on my flat please?"))
        #expect(urgent("Caller said the lift at Elm Tower is out and her husband, who uses a wheelchair, has not been able to go out since Friday."))
        #expect(!urgent("lift broken again at Elm Tower, can someone sort it"))
        #expect(!urgent("the lift keeps breaking and I am 30 weeks pregnant, I can't manage the stairs much longer, can I move?"))
        #expect(urgent("Kids threw a brick and the bedroom window was smashed last night, there is glass on the bed."))
        #expect(!urgent("theres a van dumped by the garages for a month now, no tax and smashed windows"))
        #expect(!urgent("Caller said someone set off fireworks in the bin store and the walls are covered in burn marks."))
        #expect(urgent("the light switch in the kitchen has burn marks round it and smells hot"))
        let mum = ruleReading("Caller's son rang: his mum, 87, has no heating and the flat is freezing.").flags.map(\.flag)
        #expect(mum.contains(.vulnerability) && mum.contains(.urgentSafety))
        #expect(!ruleReading("Mr Hill rang about his mum, 87 Rose Street has a broken gate.").flags.contains { $0.flag == .vulnerability })
        #expect(ruleReading("bedroom wall is cold and wet to touch all the time").flags.contains { $0.flag == .dampMouldHazard })
        #expect(ruleReading("Caller said he is pleased with how his complaint about the fence was dealt with.").kind != .complaint)
        #expect(ruleReading("I am not happy with how my complaint about the fence was dealt with.").kind == .complaint)
        #expect(ruleReading("2 weeks now with the toilet not flushing, is anybody doing anything about it").flags.contains { $0.flag == .expressedDissatisfaction })
    }

    /// Probes b64 and b65: a fault left by a locksmith's visit is a failure of the landlord's
    /// work; someone possibly vulnerable locked out, or without hot water in other words, is an
    /// emergency; a worry eased discloses nothing; a garden fence kicked down leaves the home
    /// secure; a relative who rang for the customer represents them.
    @Test func locksmithsLockoutsAndWorriesEased() {
        #expect(ruleReading("Since the locksmith changed the barrel my front door will not lock properly.").kind == .complaint)
        #expect(ruleReading("Thanks, the lock works perfectly since the locksmith came.").kind != .complaint)
        #expect(!ruleFlag(.vulnerability, "The new neighbour liaison officer made me feel a lot less anxious about going out."))
        #expect(ruleFlag(.vulnerability, "I get anxious when the lift is out because I live alone on the 12th floor."))
        #expect(ruleFlag(.urgentSafety, "My nan is 88 and has not had any hot water since Tuesday."))
        #expect(!ruleFlag(.urgentSafety, "I have not had any hot water since Tuesday, can someone look at the boiler."))
        #expect(!ruleFlag(.urgentSafety, "The back fence has been kicked down again by teenagers."))
        #expect(ruleFlag(.urgentSafety, "my front door was kicked down last night by the police and it will not shut now"))
        #expect(ruleFlag(.urgentSafety, "My dad is 83 and has locked himself out, he is waiting on the doorstep in the rain."))
        #expect(!ruleFlag(.urgentSafety, "I locked myself out this morning, can someone bring a spare key?"))
        #expect(!ruleFlag(.urgentSafety, "My mum is 90 and I cant get back in touch with the officer about her rent."))
        #expect(ruleFlag(.representative, "Tenant's granddaughter called: her nan's boiler has stopped and she has no heating."))
        #expect(!ruleFlag(.representative, "My daughter rang you last week about the boiler and nobody came back."))
    }

    /// Probe b66: a phone note's "wanted to check when" is a question; wanting to check a thing
    /// that is wrong is not.
    @Test func callersCheckingAreAsking() {
        #expect(ruleReading("Caller wanted to check when the window cleaners are next due.").kind == .informationRequest)
        #expect(ruleReading("Caller wanted to check whether her rent payment had gone through.").kind == .informationRequest)
        #expect(ruleReading("Caller wanted to check the boiler pressure because the radiators are cold and the boiler is broken.").kind != .informationRequest)
    }

    /// Probe b66: a cue about people in general, named as a group ("many residents", "a lot of
    /// people"), is nobody's disclosure; the writer's own still is, beside such a group.
    @Test func cuesAboutPeopleInGeneral() {
        func vulnerable(_ body: String) -> Bool { ruleReading(body).flags.contains { $0.flag == .vulnerability } }
        #expect(!vulnerable("Many residents in our block struggle to read the small print on your notices, could you use a larger font?"))
        #expect(!vulnerable("A lot of people on this estate are disabled and the ramp to the shop is too steep."))
        #expect(vulnerable("I struggle to read the small print on your letters because of my eyesight."))
        #expect(vulnerable("Many residents here are elderly, and I am disabled myself, so the broken lift is a real problem."))
    }

    /// Probes b68 and b69: a young child's age after "is" or "are", an ex-partner's violence at
    /// the home, the old people of a block in general, a caller named as the customer's relative,
    /// a ceiling partly down and a block anyone can walk into.
    @Test func childrensAgesExPartnersAndOpenBlocks() {
        #expect(ruleFlag(.vulnerability, "My son is 3 and the mould is on his bedroom wall next to his cot."))
        #expect(ruleFlag(.vulnerability, "my daughter is 2 weeks old and the heating has packed up"))
        #expect(ruleFlag(.vulnerability, "The windows stream every morning; my children are 1 and 4."))
        #expect(!ruleFlag(.vulnerability, "My son is 30 and lives with me, the bathroom extractor fan has stopped."))
        #expect(!ruleFlag(.vulnerability, "The kids are 2 minutes from school so we like the flat, but the sink is blocked."))
        #expect(ruleFlag(.vulnerability, "My ex turned up at 3am and smashed my kitchen window, the police came."))
        #expect(ruleFlag(.vulnerability, "Her ex partner tried to force the door last night, she has a crime number."))
        #expect(!ruleFlag(.vulnerability, "My ex is moving out of the area so I no longer need the post redirected."))
        #expect(!ruleFlag(.vulnerability, "Older people on this estate are frightened to go out after dark because the lamps are broken."))
        #expect(ruleFlag(.vulnerability, "The old residents here are scared of the dogs, and I am scared too since one bit my hand."))
        #expect(ruleFlag(.vulnerability, "My neighbour has threatened me twice and I am scared to go out."))
        #expect(ruleFlag(.representative, "Caller, son of Mr Doyle, said his father's front door lock has broken."))
        #expect(ruleFlag(.urgentSafety, "Part of the kitchen ceiling has come down after the leak from upstairs."))
        #expect(ruleFlag(.urgentSafety, "the main door catch is broken so anyone can walk into the building at night"))
    }

    /// Probe b70: a socket that "sparked", children "of" an age, an ex who came to the home and
    /// banged on it; "how long does it take" is impatience only with a repair.
    @Test func sparksChildrenOfAnAgeAndPlainQuestionsOfHowLong() {
        #expect(ruleFlag(.urgentSafety, "Caller said the socket in the kitchen sparked when she switched the kettle on."))
        #expect(ruleFlag(.vulnerability, "He has two boys of 2 and 4 and the back door will not lock."))
        #expect(!ruleFlag(.vulnerability, "The play area is used by the children of 3 families in our block and the swing is broken."))
        #expect(ruleFlag(.vulnerability, "Her ex came to the house on Sunday and banged on the windows until the neighbours rang the police."))
        let plain = ruleReading("How long does it take for a transfer application to be assessed?")
        #expect(plain.kind == .informationRequest)
        #expect(!plain.flags.contains { $0.flag == .expressedDissatisfaction })
        #expect(ruleReading("how long does it take to fix a gutter, its been 6 weeks and water still pours down my wall").kind == .complaint)
    }

    /// Probe b71: a child "is 18 months" is an age, not a problem over a year old; a wet patch
    /// on a wall is damp, one on a ceiling under a leak is not; "someone will get hurt" alone is
    /// no structural danger.
    @Test func agesInMonthsWetPatchesAndWarnings() {
        #expect(!ruleFlag(.possiblyOutOfTime, "My daughter is 18 months and the mould in her room keeps coming back."))
        #expect(ruleFlag(.possiblyOutOfTime, "The damp in the back bedroom has been there 18 months and nobody has treated it."))
        #expect(ruleFlag(.dampMouldHazard, "After the storm there is a wet patch on the wall of the lounge and the plaster feels cold."))
        #expect(!ruleFlag(.dampMouldHazard, "The leak from upstairs has left a wet patch on the kitchen ceiling."))
        #expect(!ruleFlag(.urgentSafety, "Kids keep climbing the scaffolding on the empty shop at night, someone will get hurt."))
        #expect(ruleFlag(.urgentSafety, "A slab of concrete has fallen onto the path from the balcony, someone could be hurt."))
    }

    /// Probe b72: a communal store's lock is not the home's; sewage come into the home is an
    /// emergency and a fault reported; a child "aged 4".
    @Test func storesSewageAndAChildAged() {
        #expect(!ruleFlag(.urgentSafety, "The padlock on the cycle store has been cut off and the door won't lock now."))
        #expect(ruleFlag(.urgentSafety, "My front door won't lock since the storm and the garage next to it is open too."))
        let sewage = ruleReading("Raw sewage is coming through the toilet and across the bathroom floor.")
        #expect(sewage.kind == .serviceRequest)
        #expect(sewage.flags.contains { $0.flag == .urgentSafety })
        #expect(!ruleFlag(.urgentSafety, "Who do I call about the sewage works smell on windy days?"))
        #expect(ruleFlag(.vulnerability, "Her daughter, aged 4, has eczema and the carpet in her room is worn through."))
    }

    /// Probe b74: a child's age after "he is" or "she is" once a child is named; a tenant who "no
    /// longer feels safe"; no working toilet for someone possibly vulnerable (the guide's seventh
    /// urgent reading), while a toilet not working for someone not named vulnerable is a repair.
    @Test func pronounsAgesSafetyAndToilets() {
        #expect(ruleFlag(.vulnerability, "Mould is growing on the wall next to my grandson's cot. He is 1 and lives with me."))
        #expect(ruleFlag(.vulnerability, "green mould on the ceiling of my little girls room, she is 3"))
        #expect(!ruleFlag(.vulnerability, "My neighbour says he is 3 places above me on the transfer list. Can you tell me where I am?"))
        #expect(!ruleFlag(.vulnerability, "My son rang the office yesterday; he is 2 streets away and will let the surveyor in."))
        #expect(ruleFlag(.vulnerability, "Caller said since the man upstairs shouted at her she no longer feels safe being in the flat alone at night."))
        #expect(ruleFlag(.urgentSafety, "Caller said his mother, who is 88, has had no working toilet since Friday and has to use a bucket."))
        #expect(ruleFlag(.urgentSafety, "im registered disabled and cant use the toilet, the pan is cracked and leaking everywhere"))
        let toilet = ruleReading("The toilet is not working. Can someone come out this week?")
        #expect(toilet.kind == .serviceRequest)
        #expect(!toilet.flags.contains { $0.flag == .urgentSafety })
    }

    /// Probe b75: a question is no emergency unless the lists find the danger in it; no electricity
    /// is a loss of supply (urgent only for someone possibly vulnerable); something that came down
    /// and just missed a head is a danger.
    @Test func questionsSuppliesAndNearMisses() {
        #expect(!flags("Does the smoke alarm need testing after the electrician moved it?").contains(.urgentSafety))
        #expect(flags("Do you know who to call? I can smell gas in the kitchen.").contains(.urgentSafety))
        #expect(!flags("been no electric since last night, key meter blank even after topping up").contains(.urgentSafety))
        #expect(ruleFlag(.urgentSafety, "no electric since this morning and my dad is 86 and on his own"))
        #expect(flags("Caller said a tile from the porch roof came down yesterday and only just missed his head.").contains(.urgentSafety))
    }

    /// Probe b76: a damp survey named in a question is the landlord's visit, not damp found, while
    /// one that failed leaves the damp it was for; "no response needed" is no failure to answer;
    /// a CO alarm's sounding supposed ("what should we do if") is no emergency.
    @Test func surveysRepliesAndSupposedAlarms() {
        #expect(!ruleFlag(.dampMouldHazard, "Could you confirm whether I need to be home for the damp inspection on the 14th, or can the inspector collect a key?"))
        #expect(ruleFlag(.dampMouldHazard, "the damp surveyor didnt turn up again today, second time, nobody rang"))
        let noted = ruleReading("I've changed my direct debit date to the 28th as we agreed on the phone. No response needed, just for your records.")
        #expect(noted.kind == .comment)
        #expect(!noted.flags.contains { $0.flag == .expressedDissatisfaction })
        #expect(!ruleFlag(.urgentSafety, "What should we do if the carbon monoxide detector starts sounding while the children are asleep?"))
        #expect(ruleFlag(.urgentSafety, "The carbon monoxide detector started sounding while the children were asleep."))
    }

    /// Probe b77: debris the landlord's workers left is their failure, someone else's is a job;
    /// "waiting since" a month is a delay; a plug that gets hot and a socket that "smells of
    /// burning" are electrics; toddlers in general are nobody's cue, the household's are.
    @Test func debrisWaitingPlugsAndToddlers() {
        #expect(ruleReading("the builders have left broken glass all over the shared garden, not safe for anyone").kind == .complaint)
        #expect(ruleReading("Someone has left a pile of old carpet by the garages. Could it be collected?").kind != .complaint)
        #expect(ruleReading("Caller said she has been waiting since September for her broken kitchen drawer to be repaired.").kind == .complaint)
        #expect(ruleFlag(.urgentSafety, "The fridge freezer plug gets really hot and the socket smells of burning."))
        #expect(!ruleFlag(.vulnerability, "The slide in the play park has a sharp edge, please check it before toddlers get cut."))
        #expect(ruleFlag(.vulnerability, "we have two toddlers and the stair gate fixing has come out of the wall"))
    }

    /// Probe b78: "my dad's 84" is an age (not "my mum's 30 quid short"); a phone note's caller
    /// named as someone's relative ("Caller, Mr Shah's son, said") is a representative, the
    /// caller's own relative ("Caller, whose daughter rang") is not.
    @Test func relativesAgesAndCallersNamedAsRelatives() {
        #expect(ruleFlag(.vulnerability, "my dads 84 and the bannister on his stairs has come loose"))
        #expect(!ruleFlag(.vulnerability, "my mums 30 quid short on her rent this week, can she pay monday"))
        #expect(ruleFlag(.representative, "Caller, Mr Shah's son, said his father has had no hot water since Monday."))
        #expect(!ruleFlag(.representative, "Caller, whose daughter rang last week, said the tap is still dripping."))
    }

    /// Probe b79: a fault in what the landlord "put up last week" is its work's failure; three
    /// children "under 6" are young children; a job lost in the third person and "feeling very
    /// low" are cues; "my father reads only Arabic" is written for him.
    @Test func workPutUpChildrenUnderSixAndJobsLost() {
        #expect(ruleReading("The garden gate you put up last month has snapped at the hinge.").kind == .complaint)
        let water = ruleReading("no water since 7am and i have two children under 6")
        #expect(water.flags.contains { $0.flag == .vulnerability })
        #expect(water.flags.contains { $0.flag == .urgentSafety })
        #expect(ruleFlag(.vulnerability, "Caller said he has been feeling very low since he lost his job and asked about a rent holiday."))
        #expect(ruleFlag(.representative, "My grandmother speaks only Gujarati. Could her next letter be translated?"))
    }

    /// Probe b80: racist abuse at the home is harassment, a cue; racist graffiti on a wall is a
    /// job to clean.
    @Test func hateAtHomeIsACue() {
        #expect(ruleFlag(.vulnerability, "Caller said the woman upstairs has been leaving notes under her door and shouting racist names at her children in the hall."))
        #expect(!ruleFlag(.vulnerability, "There is racist graffiti on the bin store at Larch Court. Please remove it."))
    }

    /// Probes b81 and b82: cleaning counted is not reporting counted; a neighbour's swearing in a
    /// report of a neighbour is no failure of the landlord's staff (the data's b14-030 was read as a
    /// complaint); a partner's violence and an ex-partner's threats are cues.
    @Test func cleaningCountedNeighboursConductAndPartnersViolence() {
        let cleaned = ruleReading("black spots of mould on the wall by my daughters bed, i have bleached it four times since october")
        #expect(!cleaned.flags.contains { $0.flag == .expressedDissatisfaction })
        #expect(cleaned.kind == .serviceRequest)
        #expect(ruleReading("I have reported the mould 4 times and still nobody has come.").kind == .complaint)
        let neighbour = ruleReading("The lads in the flat below play loud music until 4am. When I went down to ask them to stop, one of them shouted at me.")
        #expect(neighbour.kind == .asbReport)
        #expect(!neighbour.flags.contains { $0.flag == .expressedDissatisfaction })
        #expect(ruleReading("The caretaker shouted at me in front of my neighbours when I asked about the noise from number 9.").kind == .complaint)
        #expect(ruleReading("The noise from next door is bad, and your housing officer swore at me when I rang about it.").kind == .complaint)
        #expect(ruleFlag(.vulnerability, "My husband got violent last month and he has moved out. Can the tenancy be put in my name only?"))
        #expect(ruleFlag(.vulnerability, "Caller said her ex boyfriend keeps turning up outside the block at night and she wants a door chain fitted."))
        #expect(!ruleFlag(.vulnerability, "The couple upstairs argue a lot; the boyfriend gets violent with the door and slams it all night."))
    }

    /// Probe b83 and the fence test: a fault the repair brought is a failure even after thanks; a
    /// body that can no longer do what it did is a cue, not a service withdrawn; a letter's "I
    /// would be grateful" is courtesy, not praise.
    @Test func repairsThatBroughtFaultsAbilitiesLostAndCourtesy() {
        let worse = ruleReading("Thanks for coming out to the toilet on Monday. It now takes three flushes to empty, it never did that before your visit.")
        #expect(worse.kind == .complaint)
        #expect(ruleReading("The boiler has started banging when the heating comes on, it never did that before.").kind != .complaint)
        #expect(ruleReading("Thanks for fixing the toilet on Monday, it flushes perfectly now.").kind == .compliment)
        let bath = ruleReading("My husband has had two falls this year and can no longer climb into the bath. Could we have a shower fitted instead?")
        #expect(bath.flags.contains { $0.flag == .vulnerability })
        #expect(!bath.flags.contains { $0.flag == .expressedDissatisfaction })
        #expect(ruleFlag(.expressedDissatisfaction, "The caretaker no longer comes to clean the stairs and we still pay for it."))
        let letter = ruleReading("Dear Sir or Madam, I am writing on behalf of my constituent about the date of the next residents' meeting. I would be grateful for your response.")
        #expect(letter.kind != .compliment)
        #expect(ruleReading("I am so grateful to the team who cleared my late father's flat.").kind == .compliment)
    }

    /// Probe b84: a home too cold for someone vulnerable; water through the light of the flat
    /// below, or standing in a fitting that "still works"; damp with no mould yet; and a writer's
    /// "not urgent", which keeps the model from raising an emergency the lists do not find.
    @Test func coldHomesWaterInFittingsDampBeforeMouldAndNotUrgent() {
        #expect(ruleFlag(.urgentSafety, "My dad is 90 and lives alone. His front room is 11 degrees even with the heating turned right up."))
        #expect(!ruleFlag(.urgentSafety, "It was 3 degrees outside last night and the bin store door froze shut. My dad is 90."))
        #expect(!ruleFlag(.urgentSafety, "Can you tell me what temperature the heating should be? Mine is set to 21 degrees and I am 75."))
        #expect(ruleFlag(.urgentSafety, "The washing machine upstairs overflowed and it is dripping through their light into the hall below, the neighbour says."))
        #expect(ruleFlag(.urgentSafety, "After the storm the bathroom spotlight is full of water. It still works though."))
        #expect(!ruleFlag(.urgentSafety, "The boiler makes a clunking noise when it starts up but it still works."))
        #expect(ruleFlag(.dampMouldHazard, "The bedroom wall under the window is damp to touch and smells musty. No mould as yet."))
        #expect(!ruleFlag(.dampMouldHazard, "The team treated the mould last spring and there is no mould now, thank you."))
        let notUrgent = Triage().read(subject: nil, body: "The bulb holder in my under-stairs cupboard has stopped working. Not urgent, whenever you can.")
        #expect(!notUrgent.flags.contains { $0.flag == .urgentSafety })
        #expect(ruleFlag(.urgentSafety, "No rush on the kitchen tap, but there is water dripping onto the plug socket under the sink."))
    }

    /// Probes b85 and b86: an answer acknowledged is no praise; an idea put as a question; a
    /// relative who lives alone is spoken for; a child "who is 2", "small kids" and trouble
    /// reading are cues; a smell of sewage, a check asked for damp and a loose handrail are no
    /// emergency or damp found.
    @Test func acknowledgementsIdeasRelativesAloneSmellsChecksAndLooseRails() {
        #expect(ruleReading("cheers for the info, all makes sense").kind == .comment)
        #expect(ruleReading("Thank you for the information about the parking permits.").kind == .comment)
        #expect(ruleReading("Thanks for the quick reply, really helpful").kind == .compliment)
        #expect(ruleReading("Would you consider putting a bench by the bus stop at Elm Row?").kind == .suggestion)
        #expect(ruleReading("Could you plant a hedge along the fence by the play park?").kind == .suggestion)
        #expect(ruleFlag(.representative, "my nan is 88 and lives on her own at 6 Poplar Road, her boiler has packed in and she has no heat"))
        #expect(ruleFlag(.representative, "Caller said his father lives alone at 2 Fir Close and his front door will not lock since the break-in."))
        #expect(!ruleFlag(.representative, "My neighbour lives alone and I have not seen her for days, her post is piling up."))
        #expect(ruleFlag(.vulnerability, "my daughter, who is 2, can open her bedroom window all the way now, the restrictor has gone"))
        #expect(!ruleFlag(.vulnerability, "My son, who is 30, will be at the flat to let the plumber in on Tuesday."))
        #expect(ruleFlag(.vulnerability, "im on my own with 3 small kids and the heating has gone off completely"))
        #expect(!ruleFlag(.vulnerability, "Small kids play football against the garage doors every evening."))
        #expect(ruleFlag(.vulnerability, "My mum has difficulty reading, so could the rent letters be explained to her on the phone?"))
        #expect(!flags("theres a strong smell of sewage in the bin room at fir court").contains(.urgentSafety))
        #expect(flags("sewage is coming up through the shower and the whole flat stinks of sewage").contains(.urgentSafety))
        #expect(!ruleFlag(.dampMouldHazard, "Could you have the loft checked for mould before we move our things up there?"))
        #expect(ruleFlag(.dampMouldHazard, "The bedroom wall is damp with black mould on it. Can you check for damp in the other rooms too?"))
        #expect(!flags("Caller said the handrail on the stairs up to the third floor is wobbly when you lean on it; he is 81 and needs it.").contains(.urgentSafety))
        #expect(ruleFlag(.urgentSafety, "The banister came away from the wall at the top of the stairs and my dad nearly fell."))
    }

    /// Probes b87 and b88: a caller's age after their name; glass cracked but whole; water kept
    /// from the electrics; a test passed, not a death; pensioners in general.
    @Test func callersAgesWholeGlassWaterAwayFromElectricsPassedTestsAndPensioners() {
        #expect(ruleFlag(.vulnerability, "Caller, 82, said the kitchen light has stopped working."))
        #expect(!ruleFlag(.vulnerability, "Caller, 40, said the kitchen light has stopped working."))
        #expect(!flags("The glass in the back door has a long crack from a stone but it has not broken through.").contains(.urgentSafety))
        #expect(!flags("There is a small drip from the bathroom ceiling, nowhere near the light fitting. Could someone look at it?").contains(.urgentSafety))
        #expect(ruleFlag(.urgentSafety, "Water is dripping from the bathroom ceiling right next to the light fitting."))
        #expect(!ruleFlag(.vulnerability, "my wife passed her exams today so we wont be in on friday for the plumber"))
        #expect(ruleFlag(.vulnerability, "my wife passed away last week and i dont know what to do about the rent"))
        #expect(!ruleFlag(.vulnerability, "The pensioners in our block would love a bench by the door."))
        let both = ruleReading("We are both pensioners and the heating has been off since Friday, the house is freezing.")
        #expect(both.flags.contains { $0.flag == .vulnerability } && both.flags.contains { $0.flag == .urgentSafety })
    }

    /// Probes b89 and b90: a language named for the newsletter is no household's need; a trip
    /// hazard and a flood that is over are no emergency; a light out is a bulb, unless water,
    /// a smell or a danger is beside it; a door "isnt shutting"; and a phone note's shorthand for
    /// the tenant ("tnt").
    @Test func publicationsInLanguagesTripsPastFloodsLightsOutDoorsAndShorthand() {
        #expect(!ruleFlag(.vulnerability, "Maybe the residents' magazine could have a couple of pages in Urdu and Bengali, plenty of families round here struggle with English."))
        #expect(ruleFlag(.vulnerability, "pls send my letters in polish, i cant read english well"))
        #expect(!flags("Caller reports the lino in her hallway has lifted at the edge and it is a trip hazard.").contains(.urgentSafety))
        #expect(!ruleFlag(.urgentSafety, "Caller said the plumber knocked a pipe and the bathroom flooded overnight; she wants the damaged carpet paid for."))
        #expect(ruleFlag(.urgentSafety, "kitchen is flooded, water everywhere and its near the sockets"))
        #expect(!flags("The light in the lobby of Cedar House is not working since Monday.").contains(.urgentSafety))
        // The lists miss this danger and the model reads it: a smell beside the lights leaves it to the model.
        #expect(!ruleFlag(.urgentSafety, "there's a burning plastic smell near the meter cupboard and the hall lights keep flickering"))
        #expect(flags("there's a burning plastic smell near the meter cupboard and the hall lights keep flickering").contains(.urgentSafety))
        #expect(ruleFlag(.urgentSafety, "the communal door at the back of the flats isnt shutting"))
        let shorthand = flags("T/C from tnts son, tnt (90) no heating since Sun, he is worried.")
        #expect(shorthand.contains(.representative) && shorthand.contains(.vulnerability) && shorthand.contains(.urgentSafety))
    }

    /// Probes b91 and b92: an ability lost is no service withdrawn; a child's age after "only";
    /// a thing leaning on a wall rests there; a relative at an address of their own; new work
    /// worse than the old; damage by the landlord's crews; a routine crew not seen for months.
    @Test func abilitiesLostYoungestAgesWallsAddressesNewWorkDamageAndAbsentCrews() {
        let reach = "I am 80 and can no longer reach the top cupboards in the kitchen, could someone lower the shelf for me please"
        #expect(!ruleFlag(.expressedDissatisfaction, reach) && ruleReading(reach).kind == .serviceRequest)
        #expect(!ruleFlag(.expressedDissatisfaction, "Since my hip operation I'm no longer able to get up the loft ladder, can someone check the water tank for me"))
        #expect(ruleReading("I can no longer get through to anyone on the repairs line, I have tried every morning this week").kind == .complaint)
        #expect(ruleFlag(.vulnerability, "my little girl is just 2 and the stair gate screws have pulled out of the wall again can someone come"))
        #expect(!ruleFlag(.vulnerability, "my son is just 2 doors down and can let the plumber in"))
        #expect(!ruleFlag(.urgentSafety, "The bath panel came off when I sat on the edge, its now leaning against the wall in the hall. Can it be refitted please"))
        #expect(ruleFlag(.urgentSafety, "the old tree by the car park is leaning against the wall of the flats after the storm, roots are up"))
        #expect(ruleFlag(.representative, "My dad, Mr Peter Osei, is 88 and lives at 14 Rowan Close. His bath tap won't turn off properly and drips all night."))
        #expect(!ruleFlag(.representative, "My son lives at home with me and his bedroom window won't close properly, the hinge is stiff"))
        #expect(ruleReading("the replacement shower is useless, the old one worked better. water is barely warm").kind == .complaint)
        #expect(ruleReading("ur contractor cracked the glass in my back door when he was taking measurements yesterday").kind == .complaint)
        #expect(ruleReading("The toilet cistern was replaced last week and since then it has been leaking onto the floor.").kind == .complaint)
        #expect(ruleReading("Are the cleaners still booked for Holly Court? I have not seen them since half term and the stairs are getting dusty.").kind == .complaint)
        #expect(!ruleFlag(.expressedDissatisfaction, "My neighbour at 12 is 90, I have not seen her since Friday and her milk is still on the step."))
    }

    /// Probe b93: a group writing for itself; an occupational therapist's advice; an aid in
    /// general then someone using one; living alone at a younger age; an ask to stop a mailing;
    /// one round of a routine service missed.
    @Test func groupsTherapistsAidsYoungerAgesMailingsAndOneRoundMissed() {
        #expect(!ruleFlag(.representative, "Writing on behalf of the Linden Court tenants' committee: could the notice board by the lifts be moved somewhere with better light?"))
        #expect(ruleFlag(.representative, "I am writing on behalf of my neighbour Mrs Osei. Her kitchen tap has leaked for six weeks and nobody has come."))
        #expect(ruleFlag(.vulnerability, "Her occupational therapist visited last week and says she needs grab rails by the toilet. Can these be fitted?"))
        #expect(!ruleFlag(.vulnerability, "I am an occupational therapist at the community team and would like to arrange a home visit with your tenant at no 4."))
        #expect(ruleFlag(.vulnerability, "Does the new community centre have a ramp for wheelchairs? My daughter is in one since her accident."))
        #expect(!ruleFlag(.vulnerability, "Can residents leave wheelchairs or prams in the ground floor lobby overnight? Someone keeps moving them."))
        #expect(!ruleFlag(.vulnerability, "Caller, lives alone, 34, reports the kitchen extractor fan has stopped working."))
        #expect(ruleFlag(.vulnerability, "My dad lives alone at 14 Birch Row and his front door lock has jammed, can someone come today"))
        #expect(ruleReading("Please unsubscribe me from the quarterly tenants' magazine, I read it online.").kind == .serviceRequest)
        let once = ruleReading("grass on the front green hasnt been cut this week, its getting long")
        #expect(once.kind == .serviceRequest && !once.flags.contains { $0.flag == .expressedDissatisfaction })
        #expect(ruleReading("The bins at Hawthorn Rise have not been emptied since the start of the month. I have phoned twice.").kind == .complaint)
    }

    /// The binary ships the lexicon's matcher built (Sources/CTriageModel/triage-lexicon.bin), so
    /// that a process does not build it from the lists: the table must be the lists' matcher byte
    /// for byte, and read back it finds the same phrases in every evaluation text.
    @Test func shippedLexiconTableIsTheListsMatcher() throws {
        let url = Fixtures.packageRoot.appendingPathComponent("Sources/CTriageModel/triage-lexicon.bin")
        #expect(try Array(Data(contentsOf: url)) == Triage.lexiconTable(),
                "The lexicon or the signals changed: run `swift run -c release letterbox-bench lexicon-table` and commit Sources/CTriageModel/triage-lexicon.bin")
        let shipped = try #require(Triage.loadShippedMatcher())
        let built = Triage.buildDefaultMatcher()
        let evaluation = try TriageEvaluation(text: String(contentsOf: Fixtures.packageRoot.appendingPathComponent("Samples/triage/eval.txt"), encoding: .utf8))
        for item in evaluation.items {
            let words = PhraseMatcher<Triage.Signal>.wordHashes(item.body)
            #expect(shipped.matches(in: words).map { "\($0.word) \($0.tag) \($0.phrase)" } == built.matches(in: words).map { "\($0.word) \($0.tag) \($0.phrase)" })
        }
    }

    /// Probe b94: a caller's own "not urgent" in a phone note; a wait counted before it; a
    /// relative the customer is happy to have act; doors stuck open and a way in for anyone; the
    /// fire escape as where a group sits; a thing that no longer sits where it should.
    @Test func callersNotUrgentCountedWaitsLeaveToActDoorsFireEscapesAndThingsThatNoLongerSit() {
        // The model alone read this an emergency at 73% (stop 63's).
        #expect(!flags("Caller says the pull switch for the kitchen light has broken inside the ceiling rose and the light will not go off. He said it's not urgent.").contains(.urgentSafety))
        #expect(flags("3rd call today, the socket in the kids room is still black and buzzing and ur call centre keeps saying its not an emergency").contains(.urgentSafety))
        let waited = ruleReading("5 weeks waiting for the joiner to come back and hang the bedroom door properly, it still scrapes the carpet")
        #expect(waited.kind == .complaint)
        let asked = ruleReading("How many months waiting for a two bedroom transfer is normal at the moment? We are in band B.")
        #expect(asked.kind == .informationRequest && !asked.flags.contains { $0.flag == .expressedDissatisfaction })
        let aunt = ruleReading("I look after my aunt's paperwork. She got a letter saying her service charge is changing and she is happy for me to speak to you about it. What is the new amount for?")
        #expect(aunt.flags.contains { $0.flag == .representative } && !aunt.flags.contains { $0.flag == .consentRequired })
        #expect(ruleFlag(.urgentSafety, "The sliding doors into Maple House are stuck open again, the motor has gone."))
        #expect(!ruleFlag(.urgentSafety, "the barrier to the residents' car park has been stuck open since friday"))
        #expect(ruleFlag(.urgentSafety, "Caller reported the communal back door is broken, anyone could just walk in from the car park."))
        #expect(!ruleFlag(.urgentSafety, "Young lads keep hanging around on the fire escape by my bedroom, shouting till 2am most nights."))
        #expect(ruleFlag(.urgentSafety, "Someone has padlocked the fire escape door on the 5th floor, there is no way out that side."))
        let gate = ruleReading("Our back gate has dropped on its hinges and no longer meets the post, so it just swings about in the wind. Can someone adjust it?")
        #expect(gate.kind == .serviceRequest && !gate.flags.contains { $0.flag == .expressedDissatisfaction })
        #expect(ruleReading("The caretaking service no longer happens on Fridays and nobody told us why. The bins room is a mess by Monday.").kind == .complaint)
    }

    /// Probe b95: a fitting that fizzes or has browned; a break-in tried and a door that will not
    /// latch; nuisance riding; a hospital appointment that moves a repair; a job confirmed done.
    @Test func fizzingFittingsTriedBreakInsNuisanceRidingAppointmentsAndJobsDone() {
        #expect(ruleFlag(.urgentSafety, "the socket behind the telly fizzed last night and the plastic round it has gone black"))
        #expect(ruleFlag(.urgentSafety, "The switch for the kitchen light crackles whenever I press it and feels warm."))
        #expect(!ruleFlag(.urgentSafety, "The new kitchen tiles have gone brown round the sink where the grout is."))
        #expect(!ruleFlag(.urgentSafety, "The bathroom ceiling round the light fitting has gone black with mould again."))
        #expect(ruleFlag(.urgentSafety, "Caller says someone tried to force the lock on her flat door last night and now it won't latch at all."))
        #expect(ruleFlag(.urgentSafety, "my front door doesnt latch since somebody tried to prise it open on sat night"))
        #expect(!ruleFlag(.urgentSafety, "The garden gate won't latch any more and blows open in the wind."))
        #expect(ruleReading("kids on dirt bikes tearing round the estate every evening, nearly hit my dog").kind == .asbReport)
        #expect(!ruleFlag(.vulnerability, "need to move my repair to fri, got a hospital appt that morning"))
        #expect(ruleFlag(.vulnerability, "my husband is in hospital and the boiler has stopped, I cant manage the stairs to get to the meter"))
        // The model alone gave it a complaint's 28% (stop 64's), which the safety net took.
        let done = Triage().read(subject: nil, body: "Caller confirmed the joiner came on Friday and the leak round the back door frame is fixed. Nothing more needed.")
        #expect(done.kind == .comment && !done.flags.contains { $0.flag == .expressedDissatisfaction })
        let stillStained = Triage().read(subject: nil, body: "The leak is fixed at last but the ceiling is still stained and nobody has come back to paint it as promised.")
        #expect(stillStained.kind == .complaint)
    }

    /// A leak the household cannot stop is an emergency (labelling guide, stop 68); a tap that will
    /// not turn off and drips, or a stopcock that is only stiff, is not.
    @Test func aLeakNobodyCanStopIsAnEmergencyADrippingTapIsNot() {
        #expect(ruleFlag(.urgentSafety, "pipe under the sink split, water gushing out across the kitchen and the stopcock is seized solid"))
        #expect(ruleFlag(.urgentSafety, "Caller's washing machine hose burst and the utility room is flooding. She does not know where the stopcock is."))
        #expect(!ruleFlag(.urgentSafety, "bath tap wont turn off properly, it drips all night and keeps me awake"))
        #expect(!ruleFlag(.urgentSafety, "The back garden flooded again in the storm and next door's dog wont stop barking at the water."))
        #expect(!ruleFlag(.urgentSafety, "The stopcock in my airing cupboard is very stiff, could someone free it off at the next visit?"))
    }

    /// Probe b99: a fault back again with a count; a stairlift stuck with someone who cannot use
    /// stairs; an age between a name and a house number; a neighbour's fear; a relative named by
    /// title; praise that something made a difference.
    @Test func repeatedBreakdownsStairliftsAgesNeighboursFearAndRelativesByTitle() {
        #expect(ruleReading("the landing lights on our floor are out again, second time this month").kind == .complaint)
        #expect(ruleReading("The entry door buzzer broke down twice this fortnight, can an engineer look at it?").kind == .serviceRequest)
        #expect(ruleReading("the lift has broken down again, can you send someone").kind == .serviceRequest)
        #expect(ruleFlag(.urgentSafety, "My wife cannot use stairs since her operation and the stair lift has stuck half way, so she is stuck upstairs in the bedroom."))
        #expect(!ruleFlag(.urgentSafety, "The stairlift makes a grinding noise on the way up, could someone service it?"))
        #expect(!ruleFlag(.urgentSafety, "Mum's stair lift is not working so she is sleeping on the sofa downstairs until it is fixed, she cant do stairs."))
        #expect(ruleFlag(.vulnerability, "Mr Doyle, 87, 14 Finch Road, says his back door lock has jammed."))
        #expect(!ruleFlag(.vulnerability, "Please send the new rent card to Mr Doyle, 87 Finch Road."))
        #expect(!ruleFlag(.vulnerability, "The lads on the corner shout at people every night and my neighbour is now too scared to go to the shop."))
        #expect(ruleFlag(.vulnerability, "My neighbour keeps shouting threats at me and I am scared to go out."))
        #expect(ruleFlag(.vulnerability, "The neighbour is harassing me and my children every day."))
        #expect(ruleFlag(.representative, "My father, Mr Tom Reilly, has had no hot water since Sunday. Can someone come?"))
        #expect(ruleReading("The new front door you fitted has made a huge difference, the hall is warm at last.").kind == .compliment)
    }

    /// Probes b56 and b77, read again: the electrics tripping since the landlord's worker was in,
    /// and new work dated without "was" that lets the rain in, are faults the work left; praise of
    /// new work dated the same way is not.
    @Test func trippingSinceTheElectricianAndNewWorkThatLetsTheRainIn() {
        #expect(ruleReading("Since the electrician rewired the landing the lights trip the power every evening.").kind == .complaint)
        #expect(ruleReading("the back door put in last week is letting the rain in under the frame").kind == .complaint)
        #expect(ruleReading("The boiler installed last month is running beautifully, thank you to the engineer.").kind == .compliment)
        #expect(ruleReading("How do I reset the trip switch after the power trips out?").kind == .informationRequest)
    }

    /// Probes b24 and b60, read again: a fault reported twice, or reported weeks ago, is a failure;
    /// a worker who rang twice is not.
    @Test func reportedTwiceOrWeeksAgo() {
        #expect(ruleReading("The gate to the bin yard has been hanging off for a fortnight. I have emailed about it twice.").kind == .complaint)
        #expect(ruleReading("Caller said the bath panel came away and the repair was reported four weeks ago.").kind == .complaint)
        #expect(ruleReading("The engineer rang twice this morning to say he is running late, which is fine, but can he also look at the tap?").kind != .complaint)
    }

    /// Probe b99: a text that says it is not a complaint, with nothing that shows dissatisfaction,
    /// is not read as one, whatever box was ticked; with dissatisfaction it still is.
    @Test func aComplaintDisclaimedIsNotOneUnlessTheTextIsDissatisfied() {
        let triage = Triage()
        let disclaimed = triage.read(subject: nil, body: "Not a complaint, honestly, the form would not let me send it otherwise. The new kitchen has made a big difference to us.", statedKind: "complaint", received: received)
        #expect(disclaimed.kind != .complaint)
        #expect(triage.read(subject: nil, body: "Not a complaint, just letting you know the new kitchen is in and we love it.", received: received).kind != .complaint)
        let meant = triage.read(subject: nil, body: "I'm not complaining about the fitter, but this is the fourth week with no kitchen and nobody returns my calls.", statedKind: "complaint", received: received)
        #expect(meant.kind == .complaint)
    }

    /// Probe b100: the next rung of the complaints process asked for near the reply is an
    /// escalation, management's next level about a repair is not; an idea that both the lists and
    /// the model read, with no dissatisfaction, is not made a complaint by the safety net.
    @Test func theNextLevelUpAndAnIdeaBesideAMissedAppointment() {
        #expect(ruleFlag(.escalationRequest, "I have had your officer's answer to my complaint about the parking bays. It ignores the photos I sent. Please pass this to the next level up in your complaints procedure."))
        #expect(!ruleFlag(.escalationRequest, "The lift has been broken for a week. Can the next level of management sort it?"))
        let idea = Triage().read(subject: nil, body: "Would you consider ringing the morning of a repair visit? I missed the joiner in March because I had the wrong day in my diary.", received: received)
        #expect(idea.kind == .suggestion)
        #expect(!idea.flags.contains { $0.flag == .expressedDissatisfaction })
    }

    /// Probe b103 (urgent_safety's precision): sewage bubbling up and a burst pipe with the stop tap
    /// not found are emergencies; a restrictor fitted that narrows a window is none, one come off
    /// is; fear of touching a switch that sparked is no cue, fear of meeting a neighbour is.
    @Test func sewageBubblingAStopTapNotFoundRestrictorsAndFearOfAThing() {
        #expect(ruleFlag(.urgentSafety, "sewage is bubbling out of the bath plughole onto the floor"))
        #expect(ruleFlag(.urgentSafety, "A pipe has burst in the airing cupboard and there is water all over the landing. We do not know where the stop tap is."))
        #expect(!ruleFlag(.urgentSafety, "Ever since a restrictor was put on my daughter's bedroom window it opens only a crack. Could it be adjusted a bit?"))
        #expect(ruleFlag(.urgentSafety, "Caller says the restrictor on her daughter's bedroom window came off this morning and the window now swings open. Third floor, daughter is 2."))
        #expect(!ruleFlag(.vulnerability, "The light switch in the hall sparked and smells of burning. I am frightened to touch any of the switches now."))
        #expect(ruleFlag(.vulnerability, "The woman downstairs screams at me whenever she sees me and bangs on my ceiling. I am scared to use the lift in case I meet her."))
    }

    /// Probe b98: someone above the reply's writer asked to review it; how long someone has been at
    /// an address is not how old a problem is; something received acknowledged in a word.
    @Test func someoneAboveTheReplysWriterAnAddressSinceAndGotIt() {
        #expect(ruleFlag(.escalationRequest, "I got your answer to my complaint about the missed bin collections and it skips half of what I said. I want somebody higher up to look at it."))
        #expect(!ruleFlag(.escalationRequest, "The bathroom fan has been broken since June, can someone higher up please chase the contractor."))
        #expect(!ruleFlag(.possiblyOutOfTime, "My nephew has been living at this address since 2021 and I want to know if he could take over the tenancy."))
        #expect(ruleFlag(.possiblyOutOfTime, "There has been a crack in the wall at the address since 2021 and it is getting wider."))
        #expect(ruleReading("ok got it, thanks").kind == .comment)
        #expect(ruleReading("Caller phoned to say her son is back from university for the summer. Nothing for us to do.").kind == .comment)
        #expect(ruleReading("The form got it wrong, my date of birth is 1961 not 1916. How do I change it?").kind == .informationRequest)
    }

    /// Probe b97: an age after "Tenant," with "on his own"; how long someone has lived somewhere is
    /// not how old a problem is; a garden fence leaning is a repair; whose job a repair is, asked.
    @Test func anAgeOnTheirOwnALivedHereSinceAFenceLeaningAndWhoseJobItIs() {
        #expect(ruleFlag(.vulnerability, "Caller, 83, on her own since the summer. Boiler stopped overnight and there is no heating."))
        #expect(!ruleFlag(.vulnerability, "Resident 82 on the fourth floor reports the bin chute is blocked again."))
        #expect(!ruleFlag(.possiblyOutOfTime, "My daughter has lived with me since 2019 and I would like her added to the tenancy as a joint tenant."))
        #expect(!ruleFlag(.possiblyOutOfTime, "We have been tenants since 2015 and the bathroom extractor has just stopped working."))
        #expect(ruleFlag(.possiblyOutOfTime, "I have lived with this damp since 2022 and nobody has fixed it."))
        #expect(ruleFlag(.possiblyOutOfTime, "The leak has been there since 2022 and has been with us ever since 2023."))
        #expect(!ruleFlag(.urgentSafety, "The fence between our garden and the alley is leaning badly after the wind, can it go on the list."))
        #expect(ruleFlag(.urgentSafety, "The front garden wall is leaning out over the pavement and is leaning more every day."))
        #expect(ruleReading("the hedge along the back path, is that mine to maintain or yours").kind == .informationRequest)
    }

    /// Probe b96: a stage 1 reply refused and someone senior asked for; work done without a word
    /// to the household; leave asked for and a check that something sent arrived; drinking in
    /// the common parts; large print suggested for a publication, not asked for oneself.
    @Test func refusedRepliesUnconsultedWorkPermissionDrinkingAndLargePrintForMany() {
        let refused = ruleReading("Thanks for the first stage letter about my missed repairs. I dont accept it, the dates you give are wrong. I would like someone senior to review the whole thing.")
        #expect(refused.kind == .complaint && refused.flags.contains { $0.flag == .escalationRequest })
        #expect(ruleFlag(.escalationRequest, "Your reply to my complaint says the fence was mended. It was not. I want a senior manager to look at it again please."))
        #expect(!ruleFlag(.escalationRequest, "Can someone senior look at my repair please, the window has been broken since March and three visits were missed."))
        #expect(ruleReading("The council planted six trees right along my side fence last week and they will block the sun from my garden. No one asked us about any of it.").kind == .complaint)
        #expect(ruleReading("hi is it ok if we put a small pond in the back garden for the grandkids, would that be a problem with the tenancy").kind == .informationRequest)
        #expect(ruleReading("did u get my form for the parking permit last wk just checking").kind == .informationRequest)
        #expect(ruleReading("Caller says a few men sit drinking on the steps by the launderette and leave cans and broken glass behind.").kind == .asbReport)
        #expect(!ruleFlag(.vulnerability, "Could the annual report come with a couple of pages in large print? The print is tiny for a lot of people here."))
        #expect(ruleFlag(.vulnerability, "Please send all my rent letters in large print from now on, I cannot read the normal ones."))
    }

    /// A fault right after the landlord's own work is a complaint about the work, whatever the
    /// model reads (it read this one a repair at 98%); a later, unrelated fault is a request.
    @Test func aFaultTheLandlordsWorkLeftIsAComplaintWhateverTheModelReads() {
        let triage = Triage()
        let rewired = triage.read(subject: nil, body: "Since the electrician rewired the flat the landing light keeps flickering and the switch is loose.", received: received)
        #expect(rewired.kind == .complaint)
        #expect(rewired.flags.contains { $0.flag == .expressedDissatisfaction })
        let later = triage.read(subject: nil, body: "The plumber fixed the boiler last month and it has been fine. Now the bathroom extractor has stopped working, can someone look at it?", received: received)
        #expect(later.kind == .serviceRequest)
    }

    /// Probe b63: an alarm that sounds at cooking or for its battery works, and the model does
    /// not make it an emergency; one sounding with the room full of smoke is one.
    @Test func anAlarmThatSoundsAtCookingIsNoEmergency() {
        let triage = Triage()
        func urgent(_ text: String) -> Bool { triage.read(subject: nil, body: text, received: received).flags.contains { $0.flag == .urgentSafety } }
        #expect(!urgent("Our smoke detector keeps going off whenever I cook, can someone move it?"))
        #expect(urgent("smoke alarm going off and the kitchen is full of smoke, cant find where from"))
    }

    /// A fire door or a lock named in a question raises no emergency; gas or water in a light
    /// fitting always does.
    @Test func hazardsNeedAReportedProblem() {
        let triage = Triage()
        func urgent(_ text: String) -> Bool { triage.read(subject: nil, body: text, received: received).flags.contains { $0.flag == .urgentSafety } }
        #expect(!urgent("When was the fire risk assessment for Oak House done? I'd like to read it."))
        #expect(urgent("The fire door on the 3rd floor landing does not close on its own any more."))
        #expect(urgent("Do you know who to call? I can smell gas in the kitchen."))
        #expect(urgent("water pouring out the light in my hall!! switched it off"))
    }

    /// "My complaint" beside thanks names an earlier complaint; the word alone does not make a
    /// new one. A complaint about the handling of one still reads as a complaint.
    @Test func thanksForComplaintHandlingIsNotAComplaint() {
        let triage = Triage()
        let thanks = triage.read(subject: nil, body: "Dear team, thank you for the way you handled my complaint. You listened and the outcome was fair. I really appreciate it.", received: received)
        #expect(thanks.kind == .compliment)
        let unhappy = triage.read(subject: nil, body: "My complaint has had no reply for six weeks and nobody will tell me who is dealing with it.", received: received)
        #expect(unhappy.kind == .complaint)
    }
}
