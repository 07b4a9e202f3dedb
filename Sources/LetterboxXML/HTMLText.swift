import CLibXML2

/// Readable plain text from HTML, through libxml2's forgiving HTML parser.
///
/// Block elements become line breaks (paragraphs and headings a blank line), list items get
/// "- " or "1. ", table cells are separated by a tab, `<br>` is a line break, a link keeps
/// its text and gains its address in angle brackets when the two differ, an image with alt
/// text becomes "[image: alt]", and `<blockquote>` lines are prefixed with "> " so that quoted
/// replies look the same as in plain-text mail. Scripts, styles, the head and comments are
/// dropped. Whitespace is collapsed as a browser would, except inside `<pre>`.
///
/// The walk is iterative, so tag soup nested thousands deep cannot exhaust the stack.
public enum HTMLText {
    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    /// The text of an HTML document or fragment.
    public static func plainText(_ html: String) -> String {
        _ = initialised
        var source = html
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue
        )
        clibxml2_silence_errors()
        let document: htmlDocPtr? = source.withUTF8 { utf8 in
            guard let base = utf8.baseAddress, utf8.count > 0, utf8.count < Int(Int32.max) else { return nil }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                htmlReadMemory($0, Int32(utf8.count), nil, "UTF-8", options)
            }
        }
        guard let document else { return stripTags(html) }
        defer { xmlFreeDoc(document) }
        var builder = TextBuilder()
        if let first = document.pointee.children {
            walk(from: first, into: &builder)
        }
        let text = builder.finish()
        // libxml2 stops at its nesting limit (256): rather than lose the text of hostile or
        // broken markup, fall back to removing the tags.
        if text.isEmpty || (html.utf8.count > 20_000 && text.utf8.count * 50 < html.utf8.count) {
            let stripped = stripTags(html)
            if stripped.utf8.count > text.utf8.count { return stripped }
        }
        return text
    }

    /// Text outside tags, whitespace collapsed: the last resort.
    static func stripTags(_ html: String) -> String {
        var builder = TextBuilder()
        var inTag = false
        var chunk = ""
        for scalar in html.unicodeScalars {
            if scalar == "<" {
                inTag = true
                if !chunk.isEmpty { builder.text(chunk); chunk = "" }
            } else if scalar == ">" {
                inTag = false
            } else if !inTag {
                chunk.unicodeScalars.append(scalar)
            }
        }
        if !chunk.isEmpty { builder.text(chunk) }
        return builder.finish()
    }

    private static let skipped: Set<String> = [
        "script", "style", "head", "title", "noscript", "template", "svg", "object", "iframe", "select", "button", "option",
    ]
    private static let paragraphs: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "pre", "blockquote", "hr"]
    private static let blocks: Set<String> = [
        "div", "section", "article", "header", "footer", "address", "tr", "li", "dt", "dd", "form", "fieldset", "center",
        "main", "nav", "aside", "figure", "figcaption", "caption", "tbody", "thead", "tfoot", "body", "html",
    ]

    private static func walk(from start: xmlNodePtr, into builder: inout TextBuilder) {
        var node: xmlNodePtr? = start
        // Ordered-list counters, one per open <ol>.
        var counters: [Int] = []
        while let current = node {
            let descend = enter(current, &builder, &counters)
            if descend, let child = current.pointee.children {
                node = child
                continue
            }
            if descend { leave(current, &builder, &counters) }
            var climbing = current
            while climbing.pointee.next == nil {
                guard let parent = climbing.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return }
                leave(parent, &builder, &counters)
                climbing = parent
            }
            node = climbing.pointee.next
        }
    }

    private static func name(_ node: xmlNodePtr) -> String {
        guard let name = node.pointee.name else { return "" }
        return String(cString: name)
    }

    private static func attribute(_ node: xmlNodePtr, _ attribute: String) -> String? {
        guard let value = xmlGetProp(node, attribute) else { return nil }
        defer { clibxml2_free(value) }
        return String(cString: value)
    }

    /// Returns whether to walk into the node's children.
    private static func enter(_ node: xmlNodePtr, _ builder: inout TextBuilder, _ counters: inout [Int]) -> Bool {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            if let content = node.pointee.content {
                builder.text(String(cString: content))
            }
            return false
        case XML_ELEMENT_NODE:
            break
        default:
            return false
        }
        let tag = name(node)
        if skipped.contains(tag) { return false }
        switch tag {
        case "br":
            builder.lineBreak()
            return false
        case "img":
            if let alt = attribute(node, "alt")?.trimmingSpaces, !alt.isEmpty {
                builder.text("[image: \(alt)]")
            }
            return false
        case "td", "th":
            builder.cellBreak()
        case "li":
            builder.blockBreak(blank: false)
            if (counters.last ?? -1) < 0 {
                builder.text("- ")
            } else {
                counters[counters.count - 1] += 1
                builder.text("\(counters[counters.count - 1]). ")
            }
            return true
        case "ol":
            counters.append(0)
        case "ul":
            // -1 marks a bulleted list, so a bulleted list inside a numbered one uses bullets.
            counters.append(-1)
        case "pre":
            builder.preformatted += 1
        case "blockquote":
            builder.blockBreak(blank: true)
            builder.quoteDepth += 1
            return true
        case "hr":
            builder.blockBreak(blank: true)
            builder.text("----")
            builder.blockBreak(blank: true)
            return false
        default:
            break
        }
        breakAround(tag, &builder)
        return true
    }

    /// Paragraph-like elements are set off by a blank line, other blocks by a line break.
    private static func breakAround(_ tag: String, _ builder: inout TextBuilder) {
        if paragraphs.contains(tag) {
            builder.blockBreak(blank: true)
        } else if blocks.contains(tag) {
            builder.blockBreak(blank: false)
        }
    }

    private static func leave(_ node: xmlNodePtr, _ builder: inout TextBuilder, _ counters: inout [Int]) {
        guard node.pointee.type == XML_ELEMENT_NODE else { return }
        let tag = name(node)
        switch tag {
        case "a":
            if let href = attribute(node, "href")?.trimmingSpaces, href.hasPrefix("http://") || href.hasPrefix("https://") {
                builder.linkEnded(href: href)
            }
        case "ol", "ul":
            if !counters.isEmpty { counters.removeLast() }
        case "pre":
            builder.preformatted = max(0, builder.preformatted - 1)
        case "blockquote":
            builder.blockBreak(blank: true)
            builder.quoteDepth = max(0, builder.quoteDepth - 1)
            return
        default:
            break
        }
        breakAround(tag, &builder)
    }
}

/// Accumulates lines of text with browser-like whitespace handling.
struct TextBuilder {
    var lines: [String] = []
    var line = ""
    var lineQuoteDepth = 0
    var quoteDepth = 0
    var preformatted = 0
    private var pendingSpace = false
    /// Line breaks owed before the next text: 1 starts a new line, 2 leaves a blank line.
    private var pendingBreaks = 0
    /// The text since the last link started, to compare with its address.
    private var recentText = ""

    mutating func blockBreak(blank: Bool) {
        pendingBreaks = max(pendingBreaks, blank ? 2 : 1)
        pendingSpace = false
    }

    mutating func lineBreak() {
        pendingBreaks = min(pendingBreaks + 1, 2)
        if line.isEmpty && lines.isEmpty { pendingBreaks = 0 }
        pendingSpace = false
    }

    mutating func cellBreak() {
        if !line.isEmpty && pendingBreaks == 0 {
            line.append("\t")
            pendingSpace = false
        }
    }

    mutating func linkEnded(href: String) {
        let text = recentText.trimmingSpaces
        let bare = href.replacingPrefix("mailto:").replacingPrefix("https://").replacingPrefix("http://")
        if !text.isEmpty && text != href && text != bare && text.trimmingSuffix("/") != bare.trimmingSuffix("/") {
            append(" <\(href)>")
        }
        recentText = ""
    }

    mutating func text(_ string: String) {
        if preformatted > 0 {
            var first = true
            for piece in string.split(separator: "\n", omittingEmptySubsequences: false) {
                if !first { pendingBreaks = min(pendingBreaks + 1, 2) }
                first = false
                if !piece.isEmpty { append(String(piece.filter { $0 != "\r" })) }
            }
            return
        }
        var word = ""
        for scalar in string.unicodeScalars {
            let isSpace = scalar.value < 0x80
                ? (scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r" || scalar == "\u{0C}")
                : (scalar.properties.isWhitespace || scalar == "\u{200B}")
            if isSpace {
                if !word.isEmpty {
                    append(word)
                    word = ""
                }
                pendingSpace = true
            } else {
                word.unicodeScalars.append(scalar)
            }
        }
        if !word.isEmpty { append(word) }
    }

    private mutating func append(_ piece: String) {
        if pendingBreaks > 0 && !(line.isEmpty && lines.isEmpty) {
            flushLine()
            if pendingBreaks > 1 && !(lines.last?.isEmpty ?? true) { lines.append("") }
        } else if pendingSpace && !line.isEmpty {
            line.append(" ")
        }
        if line.isEmpty { lineQuoteDepth = quoteDepth }
        pendingBreaks = 0
        pendingSpace = false
        line.append(piece)
        recentText.append(piece)
        if recentText.utf8.count > 4096 { recentText = "" }
    }

    private mutating func flushLine() {
        let trimmed = line.trimmingSpaces
        lines.append(String(repeating: "> ", count: lineQuoteDepth) + trimmed)
        line = ""
        lineQuoteDepth = quoteDepth
    }

    mutating func finish() -> String {
        if !line.isEmpty { flushLine() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { $0.trimmingSuffix(" ") }.joined(separator: "\n")
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    func replacingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }

    func trimmingSuffix(_ suffix: String) -> String {
        var result = Substring(self)
        while result.hasSuffix(suffix) && !suffix.isEmpty { result = result.dropLast(suffix.count) }
        return String(result)
    }
}
