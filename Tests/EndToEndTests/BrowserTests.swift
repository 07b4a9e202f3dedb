import Foundation
import LetterboxCore
import LetterboxStore
import LetterboxTesting
import Testing

/// Headless Chromium (Debian package chromium) loads the form from the built `letterbox serve`,
/// submits it empty, then fills it in with an attachment and sends it. The browser is driven
/// through its DevTools protocol by Tests/Browser/fill_form.py (Python's standard library only).
@Suite(
    .serialized,
    .enabled(if: Fixtures.peerAvailable("/usr/bin/chromium", "/usr/bin/chromium-browser"), "Chromium is not installed: .ci/run installs it (apt-get install chromium)")
)
struct BrowserTests {
    @Test("A real browser: the empty form's error summary, then a filled form with a photo becomes a record")
    func chromiumFillsTheForm() async throws {
        let browser = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try #require(browser != nil, "chromium is missing: apt-get install chromium (.ci/run does)")
        let root = try Fixtures.temporaryFolder("browser")
        let storePath = root.appendingPathComponent("letterbox.sqlite").path
        let server = try ServeProcess(storePath: storePath, folder: root)
        defer { server.stop() }
        let photo = root.appendingPathComponent("window.jpg")
        try Data([0xFF, 0xD8, 0xFF, 0xE0] + Array("a photo of the window".utf8)).write(to: photo)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.packageRoot.appendingPathComponent("Tests/Browser/fill_form.py").path, "http://127.0.0.1:\(server.port)", photo.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let (data, errorText) = try await Fixtures.offPool {
            (output.fileHandleForReading.readDataToEndOfFile(), String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        try await Fixtures.waitForExit(process)
        try #require(process.terminationStatus == 0, "the browser script failed: \(errorText)")
        let pages = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])

        let errorPage = try #require(pages["errors"] as? String)
        #expect(errorPage.contains("There is a problem"))
        #expect(errorPage.contains("Enter your message"))
        #expect(errorPage.contains("<title>Error: "))
        // The summary's link takes keyboard focus to the field.
        #expect(pages["focusedAfterSummaryLink"] as? String == "message")

        let confirmation = try #require(pages["confirmation"] as? String)
        let reference = try #require(confirmation.firstMatch(of: /LB-\d{4}-\d{6}/).map { String($0.output) })
        #expect(confirmation.contains("What happens next"))
        let store = try SQLiteCaseStore(path: storePath)
        let record = try #require(try store.record(reference: reference))
        #expect(record.channel == .webForm)
        #expect(record.contact.name == "Grace Obi")
        #expect(record.contact.phone?.e164 == "+447700900777")
        #expect(record.contact.postcode == "B1 1AA")
        #expect(record.statedKind == "complaint")
        #expect(record.attachments.map(\.name) == ["window.jpg"])
        #expect(record.attachments.first?.mediaType == "image/jpeg")
        #expect(record.extraFields.contains(ExtraField(name: "Accessibility needs", value: "large print")))
        #expect(try store.records().count == 1)
    }
}
