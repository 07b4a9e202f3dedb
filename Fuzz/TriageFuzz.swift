// libFuzzer target for triage (every customer's text goes through it on the commit thread, so
// it must never trap), due dates, and the readers of the bank-holiday changes file, the
// labelled evaluation set, the trained model's file and the labelled JSONL that trains it,
// the content words that link reworded repeats, the triage lexicon's shipped matcher table, and
// the mail pipe's reading of the local delivery socket's answer.
// Built and run by Fuzz/run.sh; not part of the package build.
import Foundation

let fuzzTriage = Triage()
let fuzzDue = DueDateCalculator()

@_cdecl("LLVMFuzzerTestOneInput")
public func triageFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    // A date from the first bytes, anywhere from 1990 to 2060.
    var seconds: UInt64 = 0
    for byte in bytes.prefix(4) { seconds = seconds << 8 | UInt64(byte) }
    let received = Date(timeIntervalSince1970: 631_152_000 + Double(seconds % 2_208_988_800))
    let reading = fuzzTriage.read(subject: size % 3 == 0 ? String(text.prefix(40)) : nil, body: text, statedKind: size % 5 == 0 ? text : nil, received: received)
    _ = fuzzDue.dueDates(kind: reading.kind, stage: reading.stage, hazard: reading.hazard.map { ($0, "") }, received: received)
    _ = try? BankHolidays.parseChanges(text)
    _ = try? TriageEvaluation(text: text)
    if let model = try? TriageModel(data: bytes) {
        _ = model.predict("kind", model.features(subject: nil, body: text))
        _ = model.encoded()
    }
    _ = try? LabelledSet.read(bytes)
    // The shipped lexicon's matcher table: as given, and (first byte 0xA5) behind a valid header,
    // so that the fuzzer reaches the tables; what it reads must match a text without trapping.
    var table = Array(bytes)
    if table.first == 0xA5 {
        table = PhraseMatcher<Triage.Signal>.tableMagic + withUnsafeBytes(of: Triage.signalsFingerprint.littleEndian, Array.init) + table.dropFirst()
    }
    if let matcher = table.withUnsafeBytes({ Triage.readMatcherTable($0) }) {
        _ = matcher.matches(in: PhraseMatcher<Triage.Signal>.wordHashes(text)).count
    }
    let words = ContentWords(text, place: String(text.prefix(12)))
    _ = words.shared(with: ContentWords(String(text.reversed()))).count + words.without(String(text.suffix(8))).words.count
    _ = CivilDay(iso: text.prefix(10))
    if let answer = LocalDelivery.parse(Array(bytes)), answer.complete, answer.answer.body.utf8.count > size { fatalError("an answer longer than its bytes") }
    return 0
}
