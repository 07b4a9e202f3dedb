import Foundation
@testable import LetterboxWebForm
import Testing

struct FormPageEscapeTests {
    /// The escaping as it was written first, a scalar at a time: the oracle.
    static func reference(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    @Test("HTML escaping: the five characters become entities, every other character stays as it was")
    func escapesTheFiveAndKeepsTheRest() {
        #expect(FormPage.escape(#"Bob <Jones> & "Sons" 'Ltd'"#) == "Bob &lt;Jones&gt; &amp; &quot;Sons&quot; &#39;Ltd&#39;")
        #expect(FormPage.escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;")
        #expect(FormPage.escape("Siân's flat, Tŷ Gwyn 🏠 & e\u{301}") == "Siân&#39;s flat, Tŷ Gwyn 🏠 &amp; e\u{301}")
        #expect(FormPage.escape("") == "")
        #expect(FormPage.escape("nothing to escape") == "nothing to escape")
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "Z", " ", "&", "<", ">", "\"", "'", "â", "ŷ", "🏠", "\u{301}", "\n", "\u{0}", "；"]
        for _ in 0..<2_000 {
            let text = String((0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(FormPage.escape(text) == Self.reference(text), "\(text.debugDescription)")
        }
    }
}
