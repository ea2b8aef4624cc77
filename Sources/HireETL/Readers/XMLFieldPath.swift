import CLibXML2

/// One field of an XML record, as `fields:` or a preset defines it.
///
/// The value is the XPath string-value of what the path selects, relative to the record: the
/// text and CDATA inside an element, or an attribute's value. When the path selects several
/// nodes, their non-empty values are joined with `separator` (a blank line by default), or,
/// with `first`, the first non-empty one is taken. Of several `paths`, the first that gives a
/// non-empty value wins. With `parts`, each selected node gives one value: the non-empty
/// values of `parts`, relative to that node, joined with ", ".
public struct XMLFieldSpec: Equatable, Sendable {
  public var name: String
  public var paths: [String]
  public var parts: [String]
  public var separator: String
  public var first: Bool

  public static let defaultSeparator = "\n\n"

  public init(
    _ name: String, _ paths: [String], parts: [String] = [], separator: String = defaultSeparator,
    first: Bool = false
  ) {
    self.name = name
    self.paths = paths
    self.parts = parts
    self.separator = separator
    self.first = first
  }

  public init(_ name: String, _ path: String, first: Bool = false) {
    self.init(name, [path], first: first)
  }
}

/// A field path that is element names separated by `/`, optionally ending in `@attribute`, or
/// `.` for the record itself. The reader follows these through the tree itself, which is much
/// faster than libxml2's XPath engine and gives the same nodes in the same order.
struct XMLSimplePath: Equatable, Sendable {
  var steps: [XMLName]
  var attribute: XMLName?

  /// Parses `text` as a simple path; nil when it needs XPath. An undeclared prefix is an error
  /// either way.
  static func parse(_ text: String, namespaces: [String: String]) throws(XMLPathError)
    -> XMLSimplePath?
  {
    var body = Substring(text.trimmingSpaces())
    if body == "." { return XMLSimplePath(steps: [], attribute: nil) }
    if body.hasPrefix("./") { body = body.dropFirst(2) }
    let parts = splitXMLPath(body)
    var steps: [XMLName] = []
    var attribute: XMLName?
    for (index, part) in parts.enumerated() {
      if part.hasPrefix("@") && index == parts.count - 1 {
        guard isNameTest(part.dropFirst()) else { return nil }
        attribute = try XMLName.parse(part.dropFirst(), namespaces: namespaces)
      } else {
        guard isNameTest(part) else { return nil }
        steps.append(try XMLName.parse(part, namespaces: namespaces))
      }
    }
    return XMLSimplePath(steps: steps, attribute: attribute)
  }

  /// Whether `part` reads as one name test, as opposed to an XPath step with an axis, a
  /// predicate or a function.
  private static func isNameTest(_ part: Substring) -> Bool {
    if part == "*" { return true }
    var rest = part
    if rest.first == "{" {
      guard let close = rest.firstIndex(of: "}") else { return false }
      rest = rest[rest.index(after: close)...]
      return rest == "*" || XMLName.isName(rest)
    }
    let pieces = rest.split(separator: ":", omittingEmptySubsequences: false)
    switch pieces.count {
    case 1: return XMLName.isName(pieces[0])
    case 2: return XMLName.isName(pieces[0]) && (pieces[1] == "*" || XMLName.isName(pieces[1]))
    default: return false
    }
  }

  /// Calls `body` with each node the path selects below `record`, in document order.
  func forEachMatch(in record: xmlNodePtr, _ body: (xmlNodePtr) -> Void) {
    visit(record, step: 0, body)
  }

  private func visit(_ node: xmlNodePtr, step: Int, _ body: (xmlNodePtr) -> Void) {
    if step == steps.count {
      guard let attribute else {
        body(node)
        return
      }
      var property = node.pointee.properties
      while let current = property {
        if attribute.matches(
          name: current.pointee.name, namespace: current.pointee.ns?.pointee.href)
        {
          body(UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self))
        }
        property = current.pointee.next
      }
      return
    }
    let name = steps[step]
    var child = node.pointee.children
    while let current = child {
      if current.pointee.type == XML_ELEMENT_NODE && name.matches(current) {
        visit(current, step: step + 1, body)
      }
      child = current.pointee.next
    }
  }

  /// The element name when the path is one child element step, the case the reader serves in
  /// a single pass over the record's children.
  var singleChild: XMLName? {
    steps.count == 1 && attribute == nil ? steps[0] : nil
  }
}

/// The evaluation of one field path: a simple path walk or a compiled XPath expression.
enum XMLPathProgram {
  case simple(XMLSimplePath)
  case xpath(XPathExpressionHandle)
}

/// Checks and compiles field paths. One compiler serves one reader, because libxml2's compiled
/// expressions are not shared between threads.
final class XMLPathCompiler {
  let namespaces: [String: String]
  let errors = XMLErrorLog()
  private let context: XPathContextHandle
  /// An empty record to evaluate each expression on once, because libxml2 compiles some
  /// invalid expressions, such as `count(`, and reports them only when they run.
  private let trial: XMLDocumentHandle
  private let trialContext: XPathContextHandle

  init(namespaces: [String: String]) {
    self.namespaces = namespaces
    context = XPathContextHandle(document: nil, namespaces: namespaces, errors: errors)!
    trial = XMLDocumentHandle(rootElement: "record")!
    trialContext = XPathContextHandle(
      document: trial.pointer, namespaces: namespaces, errors: errors)!
  }

  /// Compiles `text` as a simple path when it is one, else as XPath 1.0.
  func compile(_ text: String, field: String) throws(XMLPathError) -> XMLPathProgram {
    let trimmed = text.trimmingSpaces()
    guard !trimmed.isEmpty else {
      throw XMLPathError("field '\(field)': the path is empty")
    }
    do {
      if let simple = try XMLSimplePath.parse(trimmed, namespaces: namespaces) {
        return .simple(simple)
      }
    } catch {
      throw XMLPathError("field '\(field)': \(error.message)")
    }
    if trimmed.contains("{") {
      throw XMLPathError(
        "field '\(field)': `\(trimmed)` uses {uri}name, which works only in paths made of names "
          + "and / (and a last @attribute); declare a prefix under `namespaces:` for XPath")
    }
    for prefix in Self.prefixes(in: trimmed) where prefix != "xml" && namespaces[prefix] == nil {
      throw XMLPathError(
        "field '\(field)': the prefix '\(prefix)' in `\(trimmed)` is not declared; add it under "
          + "`namespaces:` (prefix: uri)")
    }
    let before = errors.errors.count
    guard let expression = XPathExpressionHandle(trimmed, context: context),
      XPathResultHandle(evaluating: expression, at: trial.rootElement!, in: trialContext) != nil
    else {
      let reason = errors.errors.dropFirst(before).first?.message ?? "it is not valid XPath 1.0"
      throw XMLPathError("field '\(field)': `\(trimmed)` is not valid XPath: \(reason)")
    }
    return .xpath(expression)
  }

  /// Returns the namespace prefixes of the name tests in an XPath expression: each name
  /// followed by one colon outside string literals. Axis names (`child::`) have two colons.
  static func prefixes(in expression: String) -> [String] {
    var found: [String] = []
    let scalars = Array(expression.unicodeScalars)
    var index = 0
    var quote: Unicode.Scalar?
    while index < scalars.count {
      let scalar = scalars[index]
      if let open = quote {
        if scalar == open { quote = nil }
        index += 1
        continue
      }
      if scalar == "\"" || scalar == "'" {
        quote = scalar
        index += 1
        continue
      }
      guard scalar.properties.isAlphabetic || scalar == "_" else {
        index += 1
        continue
      }
      let start = index
      while index < scalars.count,
        scalars[index].properties.isAlphabetic || scalars[index].properties.numericType != nil
          || scalars[index] == "_" || scalars[index] == "-" || scalars[index] == "."
      {
        index += 1
      }
      let followedByOneColon =
        index < scalars.count && scalars[index] == ":"
        && (index + 1 >= scalars.count || scalars[index + 1] != ":")
      let precededByColon = start > 0 && scalars[start - 1] == ":"
      if followedByOneColon && !precededByColon {
        var name = String.UnicodeScalarView()
        name.append(contentsOf: scalars[start..<index])
        found.append(String(name))
      }
    }
    return found
  }
}
