import CFuzzDriver
import Foundation
import LetterboxCore
import LetterboxWebForm

// The form decoders on arbitrary bodies: the first byte picks urlencoded, multipart (boundary
// "b", or the body's first line), or JSON. Anything may be refused with an IntakeError; nothing
// may crash or hang. Built with libFuzzer by `bash Fuzz/run.sh form SECONDS`; a plain build
// replays the files given as arguments.
func fuzzForm(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    var body = Data(bytes: data + 1, count: size - 1)
    let contentType: String
    switch data[0] % 4 {
    case 0: contentType = "application/x-www-form-urlencoded"
    case 1: contentType = "multipart/form-data; boundary=b"
    case 2:
        let line = body.prefix(while: { $0 != 0x0A })
        contentType = "multipart/form-data; boundary=" + String(decoding: line, as: UTF8.self)
        body = body.dropFirst(line.count + 1)
    default: contentType = "application/json"
    }
    guard let parsed = try? FormBody.parse(body, contentType: contentType) else { return 0 }
    let form = FeedbackForm(parsed)
    _ = form.validate()
    if case .feedback(let draft)? = try? WebFormDecoder.decode(form), draft.body != draft.body.normalisedForRecord {
        fatalError("the form's message is not normalised")
    }
    return 0
}

/// libFuzzer's own entry point (its main, when the link picks it, calls this).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormEntry(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzForm(data, size)
}

#if FUZZING
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzzForm($0, $1) })
#else
for path in CommandLine.arguments.dropFirst() {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: path)).map { $0.map { path + "/" + $0 } } ?? [path]
    for file in files where !file.hasSuffix(".keep") {
        guard let bytes = FileManager.default.contents(atPath: file) else { continue }
        _ = bytes.withUnsafeBytes { fuzzForm($0.bindMemory(to: UInt8.self).baseAddress, bytes.count) }
    }
}
#endif
