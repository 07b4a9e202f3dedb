import CLibXML2
import Synchronization

/// Why an XML document could not be read.
public struct XMLError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A parsed XML document, read safely: no network, no DTD loading, no entity expansion (so an
/// XXE payload reads nothing and an entity bomb is refused), with limits on size and depth.
/// Query it with XPath 1.0.
///
/// ```swift
/// let doc = try XMLDocument(bytes, limits: .init(maxBytes: 256 * 1024))
/// let text = try doc.string("/message/msgdata/text")
/// ```
public final class XMLDocument: @unchecked Sendable {
    public struct Limits: Sendable {
        public var maxBytes: Int
        public var maxDepth: Int

        public init(maxBytes: Int = 1 << 20, maxDepth: Int = 64) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
        }
    }

    private let document: xmlDocPtr
    /// One XPath context for every query of the document, made at the first: a new context per
    /// query registered libxml2's hundred-odd functions in a fresh hash table each time, which
    /// was a seventh of an SMS callback's decoding (a Kannel callback asks ten questions). The
    /// lock keeps two threads from evaluating on it at once. Freed before the document.
    private let xpath = Mutex<xmlXPathContextPtr?>(nil)
    /// Namespace prefixes for XPath (`["e": "http://api.esendex.com/ns/"]`).
    public let namespaces: [String: String]

    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    public init(_ bytes: [UInt8], limits: Limits = Limits(), namespaces: [String: String] = [:]) throws(XMLError) {
        _ = Self.initialised
        clibxml2_silence_errors()
        guard !bytes.isEmpty else { throw XMLError("The body is empty, not XML.") }
        guard bytes.count <= limits.maxBytes else {
            throw XMLError("The XML is \(bytes.count) bytes, over the limit of \(limits.maxBytes).")
        }
        guard let context = xmlNewParserCtxt() else { throw XMLError("libxml2 could not start a parser.") }
        defer { xmlFreeParserCtxt(context) }
        // Deliberately absent: XML_PARSE_NOENT (substitute entities), XML_PARSE_DTDLOAD,
        // XML_PARSE_DTDATTR, XML_PARSE_HUGE.
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue
        )
        let parsed: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlCtxtReadMemory(context, $0, Int32(buffer.count), nil, nil, options)
            }
        }
        guard let parsed, context.pointee.wellFormed != 0 else {
            if let parsed { xmlFreeDoc(parsed) }
            throw XMLError("The XML is malformed: \(Self.lastError(context))")
        }
        self.document = parsed
        self.namespaces = namespaces
        if let root = xmlDocGetRootElement(parsed), Self.depth(of: root) > limits.maxDepth {
            throw XMLError("The XML is nested more than \(limits.maxDepth) elements deep.")
        }
        // Any declaration in a DOCTYPE (an entity, a parameter entity, an element or attribute
        // list) is refused, whether or not it is used: gateways send plain documents.
        if let subset = parsed.pointee.intSubset, subset.pointee.children != nil {
            throw XMLError("The XML has a DOCTYPE with declarations (entities or a DTD), which Letterbox refuses.")
        }
        if Self.hasEntityReferences(parsed) {
            throw XMLError("The XML uses entities (a DTD with ENTITY declarations), which Letterbox does not expand.")
        }
    }

    deinit {
        xpath.withLock { context in if let context { xmlXPathFreeContext(context) } }
        xmlFreeDoc(document)
    }

    /// The name of the root element.
    public var rootName: String? {
        xmlDocGetRootElement(document).flatMap { $0.pointee.name.map { String(cString: $0) } }
    }

    /// The text of every node the expression selects (or the value of a string, number or
    /// boolean expression, as one string).
    public func strings(_ expression: String) throws(XMLError) -> [String] {
        try xpath.withLock { (held: inout xmlXPathContextPtr?) throws(XMLError) -> [String] in
            if held == nil {
                guard let made = xmlXPathNewContext(document) else { throw XMLError("libxml2 could not start XPath.") }
                for (prefix, uri) in namespaces { xmlXPathRegisterNs(made, prefix, uri) }
                held = made
            }
            // As a new context starts: no context node, no position.
            let context = held!
            context.pointee.node = nil
            context.pointee.contextSize = -1
            context.pointee.proximityPosition = -1
            return try Self.evaluate(expression, context)
        }
    }

    private static func evaluate(_ expression: String, _ context: xmlXPathContextPtr) throws(XMLError) -> [String] {
        guard let result = xmlXPathEvalExpression(expression, context) else {
            throw XMLError("The XPath expression \"\(expression)\" is not valid.")
        }
        defer { xmlXPathFreeObject(result) }
        switch result.pointee.type {
        case XPATH_NODESET:
            guard let set = result.pointee.nodesetval, set.pointee.nodeNr > 0, let nodes = set.pointee.nodeTab else { return [] }
            return (0..<Int(set.pointee.nodeNr)).compactMap { index in
                guard let node = nodes[index], let content = xmlNodeGetContent(node) else { return nil }
                defer { clibxml2_free(content) }
                return String(cString: content)
            }
        default:
            guard let value = xmlXPathCastToString(result) else { return [] }
            defer { clibxml2_free(value) }
            return [String(cString: value)]
        }
    }

    /// The first string the expression selects, or nil.
    public func string(_ expression: String) throws(XMLError) -> String? {
        try strings(expression).first
    }

    /// The text of the first element, in document order, at a path of element names from the
    /// root: `text(at: ["message", "submit", "ud"])` is `string("/message/submit/ud")`, read by
    /// walking the tree instead of compiling and evaluating an XPath expression (a Kannel
    /// callback reads twelve fields; the XPath for each was a tenth of its decoding). Like an
    /// unprefixed XPath name step, it matches elements in no namespace only. Needs no lock:
    /// nothing is written.
    public func text(at path: [String]) -> String? {
        guard let first = path.first, let root = xmlDocGetRootElement(document), Self.isElement(root, named: first) else { return nil }
        return Self.firstText(under: root, path: path.dropFirst())
    }

    private static func firstText(under node: xmlNodePtr, path: ArraySlice<String>) -> String? {
        guard let name = path.first else {
            guard let content = xmlNodeGetContent(node) else { return nil }
            defer { clibxml2_free(content) }
            return String(cString: content)
        }
        var child = node.pointee.children
        while let current = child {
            if isElement(current, named: name), let found = firstText(under: current, path: path.dropFirst()) { return found }
            child = current.pointee.next
        }
        return nil
    }

    private static func isElement(_ node: xmlNodePtr, named name: String) -> Bool {
        guard node.pointee.type == XML_ELEMENT_NODE, node.pointee.ns == nil, let own = node.pointee.name else { return false }
        return name.withCString { xmlStrEqual(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self), own) != 0 }
    }

    private static func lastError(_ context: xmlParserCtxtPtr) -> String {
        guard let error = xmlCtxtGetLastError(context), let message = error.pointee.message else { return "unknown error" }
        let text = String(cString: message).trimmingSuffix("\n")
        return "\(text) (line \(error.pointee.line))"
    }

    /// The deepest element nesting, walked iteratively.
    private static func depth(of root: xmlNodePtr) -> Int {
        var deepest = 0
        var stack: [(xmlNodePtr, Int)] = [(root, 1)]
        while let (node, level) = stack.popLast() {
            deepest = max(deepest, level)
            var child = node.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE { stack.append((current, level + 1)) }
                child = current.pointee.next
            }
        }
        return deepest
    }

    /// Whether any entity reference was left in the tree (entities are never expanded).
    private static func hasEntityReferences(_ document: xmlDocPtr) -> Bool {
        guard let root = xmlDocGetRootElement(document) else { return false }
        var stack: [xmlNodePtr] = [root]
        while let node = stack.popLast() {
            if node.pointee.type == XML_ENTITY_REF_NODE { return true }
            var child = node.pointee.children
            while let current = child {
                stack.append(current)
                child = current.pointee.next
            }
        }
        return false
    }
}
