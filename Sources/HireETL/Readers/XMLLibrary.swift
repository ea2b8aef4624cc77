import CLibXML2

// The one door to libxml2: process setup, the owning types for its handles, and the function
// that turns its error reports into values. Other files use the handles and never free them.

/// An error that libxml2 reported, with the library's own message.
struct XMLLibraryError: Error, Equatable, Sendable {
  enum Level: Int, Sendable, Comparable {
    case warning = 1
    case error = 2
    case fatal = 3

    static func < (left: Level, right: Level) -> Bool { left.rawValue < right.rawValue }
  }

  var level: Level
  /// libxml2's `xmlErrorDomain`, such as `XML_FROM_PARSER`.
  var domain: Int32
  /// libxml2's `xmlParserErrors` code, such as `XML_ERR_TAG_NAME_MISMATCH`.
  var code: Int32
  /// The message on one line, without libxml2's trailing line break.
  var message: String
  /// 1-based; nil when libxml2 gave none.
  var line: Int?
  var column: Int?

  func hasCode(_ error: xmlParserErrors) -> Bool { code == Int32(error.rawValue) }
}

enum LibXML2 {
  /// Initializes libxml2 once per process and installs an external entity loader that refuses
  /// every load, so no document can make the parser open a file or a URL.
  static let setUp: Void = {
    xmlInitParser()
    xmlSetExternalEntityLoader(refuseExternalEntity)
  }()

  /// Parser options for every document: no network, exact line numbers past 65,535, small text
  /// nodes stored inline, and CDATA sections read as text (the reader never tells them apart).
  /// Entity substitution (`XML_PARSE_NOENT`) and DTD loading (`XML_PARSE_DTDLOAD`) stay off.
  static let safeOptions: Int32 = Int32(
    XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_COMPACT.rawValue
      | XML_PARSE_NOCDATA.rawValue)

  /// Converts one libxml2 error report. This is the only place that reads `xmlError`.
  static func error(from raw: UnsafePointer<xmlError>) -> XMLLibraryError {
    let report = raw.pointee
    let level = XMLLibraryError.Level(rawValue: Int(report.level.rawValue)) ?? .error
    // libxml2 leaves the message of XPath errors empty and gives the code and the offset.
    var message =
      report.message.map { String(cString: $0) }
      ?? xpathProblem(report.code).map { "\($0) at character \(report.int1 + 1)" }
      ?? "libxml2 error \(report.code)"
    message = message.split(whereSeparator: \.isNewline)
      .map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
      .filter { !$0.isEmpty }
      .joined(separator: " ")
    return XMLLibraryError(
      level: level, domain: report.domain, code: report.code, message: message,
      line: report.line > 0 ? Int(report.line) : nil,
      column: report.int2 > 0 ? Int(report.int2) : nil)
  }
}

extension LibXML2 {
  /// Describes libxml2's XPath error codes, which come without a message.
  private static func xpathProblem(_ code: Int32) -> String? {
    let problems: [xmlParserErrors: String] = [
      XML_XPATH_NUMBER_ERROR: "invalid number",
      XML_XPATH_UNFINISHED_LITERAL_ERROR: "unclosed string literal",
      XML_XPATH_START_LITERAL_ERROR: "a string literal should start here",
      XML_XPATH_VARIABLE_REF_ERROR: "invalid variable reference",
      XML_XPATH_UNDEF_VARIABLE_ERROR: "undefined variable",
      XML_XPATH_INVALID_PREDICATE_ERROR: "invalid predicate",
      XML_XPATH_EXPR_ERROR: "invalid expression",
      XML_XPATH_UNCLOSED_ERROR: "missing closing bracket or parenthesis",
      XML_XPATH_UNKNOWN_FUNC_ERROR: "unknown function",
      XML_XPATH_INVALID_OPERAND: "invalid operand",
      XML_XPATH_INVALID_TYPE: "wrong type of value",
      XML_XPATH_INVALID_ARITY: "wrong number of arguments to a function",
      XML_XPATH_INVALID_CTXT_SIZE: "invalid context size",
      XML_XPATH_INVALID_CTXT_POSITION: "invalid context position",
      XML_XPATH_MEMORY_ERROR: "out of memory",
      XML_XPATH_UNDEF_PREFIX_ERROR: "undeclared namespace prefix",
      XML_XPATH_ENCODING_ERROR: "invalid UTF-8 in the expression",
      XML_XPATH_INVALID_CHAR_ERROR: "invalid character",
    ]
    return problems.first { Int32($0.key.rawValue) == code }?.value
  }

  /// Returns the element the parser had open when it reported `raw`, the deepest one whose end
  /// tag it had not read. Returns nil for reports from outside the parser or with none open.
  static func openElement(at raw: UnsafePointer<xmlError>) -> xmlNodePtr? {
    guard raw.pointee.domain == Int32(XML_FROM_PARSER.rawValue), let context = raw.pointee.ctxt
    else { return nil }
    return context.assumingMemoryBound(to: xmlParserCtxt.self).pointee.node
  }
}

/// Loads nothing: libxml2 calls this loader for DTDs and external entities, and then reports
/// that the entity could not be loaded.
private func refuseExternalEntity(
  _ url: UnsafePointer<CChar>?, _ identifier: UnsafePointer<CChar>?,
  _ context: xmlParserCtxtPtr?
) -> xmlParserInputPtr? {
  nil
}

/// The errors libxml2 reported through one structured error handler, in order.
final class XMLErrorLog {
  private(set) var errors: [XMLLibraryError] = []
  /// For each of `errors`, the element the parser had open (`LibXML2.openElement`). The
  /// pointer is valid while the document is.
  private(set) var openElements: [xmlNodePtr?] = []
  /// Errors past this count are counted but not kept, so a feed with a million warnings cannot
  /// fill memory. Fatal errors are always kept, because they stop the parser.
  private let keepLimit = 100
  private(set) var droppedCount = 0

  func add(_ error: XMLLibraryError, openElement: xmlNodePtr? = nil) {
    if errors.count < keepLimit || error.level == .fatal {
      errors.append(error)
      openElements.append(openElement)
    } else {
      droppedCount += 1
    }
  }

  /// The handler to give libxml2, with `context` as its user data.
  static let handler: xmlStructuredErrorFunc = { context, raw in
    guard let context, let raw else { return }
    let log = Unmanaged<XMLErrorLog>.fromOpaque(context).takeUnretainedValue()
    log.add(LibXML2.error(from: raw), openElement: LibXML2.openElement(at: raw))
  }

  var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}

/// An `xmlTextReader` over a pull callback, freed exactly once.
final class XMLTextReaderHandle {
  let pointer: xmlTextReaderPtr
  /// The document taken over from the reader after a failure, freed here.
  private var keptDocument: xmlDocPtr?

  /// Creates the reader; libxml2 calls `read` with `context` to get bytes. Returns nil when
  /// libxml2 cannot create it (it has then already read from `read`, and reported why to
  /// `errors`, or run out of memory).
  init?(
    read: xmlInputReadCallback, context: UnsafeMutableRawPointer, url: String,
    encoding: String?, options: Int32, errors: XMLErrorLog
  ) {
    LibXML2.setUp
    let created = url.withCString { url in
      if let encoding {
        return encoding.withCString { xmlReaderForIO(read, nil, context, url, $0, options) }
      }
      return xmlReaderForIO(read, nil, context, url, nil, options)
    }
    guard let created else { return nil }
    pointer = created
    xmlTextReaderSetStructuredErrorHandler(pointer, XMLErrorLog.handler, errors.context)
  }

  deinit {
    xmlFreeTextReader(pointer)
    if let keptDocument { xmlFreeDoc(keptDocument) }
  }

  /// Returns the document as parsed so far, so that records completed before a fatal error can
  /// still be read. libxml2 stops freeing the document once it is asked for it, so call this
  /// only after the read has failed. This handle then frees the document with the reader.
  func documentAfterFailure() -> xmlDocPtr? {
    if keptDocument == nil { keptDocument = xmlTextReaderCurrentDoc(pointer) }
    return keptDocument
  }
}

/// A document built in memory, freed exactly once.
final class XMLDocumentHandle {
  let pointer: xmlDocPtr

  /// A document holding one empty element, to try expressions on.
  init?(rootElement name: String) {
    LibXML2.setUp
    guard let document = xmlNewDoc("1.0") else { return nil }
    pointer = document
    guard let root = xmlNewDocNode(document, nil, name, nil) else { return nil }
    xmlDocSetRootElement(document, root)
  }

  deinit {
    xmlFreeDoc(pointer)
  }

  var rootElement: xmlNodePtr? { xmlDocGetRootElement(pointer) }
}

/// An XPath evaluation context for one document, freed exactly once.
final class XPathContextHandle {
  let pointer: xmlXPathContextPtr

  /// Creates a context for `document` (nil to compile only) with the namespace prefixes
  /// registered; errors go to `errors`.
  init?(document: xmlDocPtr?, namespaces: [String: String], errors: XMLErrorLog) {
    LibXML2.setUp
    guard let created = xmlXPathNewContext(document) else { return nil }
    pointer = created
    pointer.pointee.error = XMLErrorLog.handler
    pointer.pointee.userData = errors.context
    for (prefix, uri) in namespaces {
      _ = xmlXPathRegisterNs(pointer, prefix, uri)
    }
  }

  deinit {
    xmlXPathFreeContext(pointer)
  }
}

/// A compiled XPath expression, freed exactly once.
final class XPathExpressionHandle {
  let pointer: xmlXPathCompExprPtr
  let text: String

  /// Compiles `text`; nil when it is not valid XPath 1.0, with libxml2's reason in `errors`.
  init?(_ text: String, context: XPathContextHandle) {
    guard let compiled = xmlXPathCtxtCompile(context.pointer, text) else { return nil }
    pointer = compiled
    self.text = text
  }

  deinit {
    xmlXPathFreeCompExpr(pointer)
  }
}

/// The result of one XPath evaluation, freed exactly once.
final class XPathResultHandle {
  let pointer: xmlXPathObjectPtr

  init?(
    evaluating expression: XPathExpressionHandle, at node: xmlNodePtr,
    in context: XPathContextHandle
  ) {
    context.pointer.pointee.node = node
    guard let result = xmlXPathCompiledEval(expression.pointer, context.pointer) else {
      return nil
    }
    pointer = result
  }

  deinit {
    xmlXPathFreeObject(pointer)
  }
}
