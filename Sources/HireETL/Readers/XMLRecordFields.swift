import CLibXML2

/// Turns a record element into an object of field name to string.
///
/// Fields that are a single child element name are read in one pass over the record's
/// children; other simple paths are followed through the tree, and the rest are evaluated with
/// libxml2's XPath. With `passThrough`, the record's attributes and the child elements that no
/// field reads become fields too, under their local names, so flat feeds lose nothing.
final class XMLRecordFields {
  private struct Field {
    var name: String
    var programs: [XMLPathProgram]
    var parts: [XMLPathProgram]
    var separator: String
    var first: Bool
  }

  /// The values one field collects from the nodes its path selects.
  private struct Collected {
    var text: String?
    var matched = false
    var complete = false

    mutating func add(_ value: String, separator: String, first: Bool) {
      matched = true
      guard !value.isEmpty, !complete else { return }
      if let text {
        self.text = text + separator + value
      } else {
        text = value
        complete = first
      }
    }
  }

  private let fields: [Field]
  private let keys: [String]
  private let passThrough: Bool
  /// For fields read in the single pass: the child name each reads, and the field's index.
  private let childNames: [XMLName]
  private let childFields: [Int]
  /// Whether one child can match more than one name in `childNames`, so every name is tried.
  private let namesOverlap: Bool
  private let namespaces: [String: String]
  /// The attribute whose value stands in for an element without text.
  private let valueAttribute: XMLName?
  private let compiler: XMLPathCompiler
  private var context: XPathContextHandle?
  private let buffer = ByteBuffer(capacity: 4096)
  private var collected: [Collected]

  init(
    _ specs: [XMLFieldSpec], passThrough: Bool, valueAttribute: String? = nil,
    namespaces: [String: String]
  ) throws(XMLPathError) {
    compiler = XMLPathCompiler(namespaces: namespaces)
    self.namespaces = namespaces
    self.passThrough = passThrough
    self.valueAttribute = valueAttribute.map { XMLName(local: $0, namespace: .none) }
    var fields: [Field] = []
    var childNames: [XMLName] = []
    var childFields: [Int] = []
    for spec in specs {
      guard !spec.paths.isEmpty else {
        throw XMLPathError("field '\(spec.name)' has no path")
      }
      var programs: [XMLPathProgram] = []
      for path in spec.paths { programs.append(try compiler.compile(path, field: spec.name)) }
      var parts: [XMLPathProgram] = []
      for part in spec.parts { parts.append(try compiler.compile(part, field: spec.name)) }
      if programs.count == 1, parts.isEmpty, case .simple(let simple) = programs[0],
        let child = simple.singleChild
      {
        childNames.append(child)
        childFields.append(fields.count)
      }
      fields.append(
        Field(
          name: spec.name, programs: programs, parts: parts, separator: spec.separator,
          first: spec.first))
    }
    self.fields = fields
    keys = fields.map(\.name)
    self.childNames = childNames
    self.childFields = childFields
    namesOverlap = Self.overlap(childNames)
    collected = Array(repeating: Collected(), count: fields.count)
  }

  /// Whether two of the names could match the same element.
  private static func overlap(_ names: [XMLName]) -> Bool {
    var seen = Set<String>()
    for name in names {
      guard let local = name.local, name.namespace != .any else { return true }
      if !seen.insert(local).inserted { return true }
    }
    return false
  }

  /// Reads every field of `record`. A field whose path selects nothing is null.
  func object(for record: xmlNodePtr) throws(XMLPathError) -> JSONObject {
    for index in collected.indices { collected[index] = Collected() }
    var extraKeys: [String] = []
    var extraValues: [String] = []
    if passThrough { collectAttributes(of: record, keys: &extraKeys, values: &extraValues) }
    collectChildren(of: record, extraKeys: &extraKeys, extraValues: &extraValues)

    var values: [JSONValue] = []
    values.reserveCapacity(fields.count + extraKeys.count)
    var childField = 0
    for index in fields.indices {
      if childField < childFields.count && childFields[childField] == index {
        childField += 1
      } else {
        try collect(fields[index], in: record, into: &collected[index])
      }
      let value = collected[index]
      values.append(value.text.map { .string($0) } ?? (value.matched ? .string("") : .null))
    }
    if extraKeys.isEmpty { return JSONObject(keys: keys, values: values) }
    values += extraValues.map { .string($0) }
    return JSONObject(keys: keys + extraKeys, values: values)
  }

  /// One field's text, for naming a record in messages and checking its key; nil when the
  /// path selects nothing or fails.
  func text(of name: String, in record: xmlNodePtr) -> String? {
    if let field = fields.first(where: { $0.name == name }) {
      var value = Collected()
      do {
        try collect(field, in: record, into: &value)
      } catch {
        return nil
      }
      return value.text ?? (value.matched ? "" : nil)
    }
    guard passThrough else { return nil }
    let test = XMLName(local: name, namespace: .any)
    var child = record.pointee.children
    while let current = child {
      if current.pointee.type == XML_ELEMENT_NODE && test.matches(current) {
        return nodeValue(current)
      }
      child = current.pointee.next
    }
    return nil
  }

  private func collectAttributes(
    of record: xmlNodePtr, keys: inout [String], values: inout [String]
  ) {
    var property = record.pointee.properties
    while let current = property {
      property = current.pointee.next
      guard let name = current.pointee.name.map({ String(cString: $0) }),
        !self.keys.contains(name)
      else { continue }
      let node = UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self)
      Self.addExtra(name, nodeValue(node), keys: &keys, values: &values)
    }
  }

  /// The single pass over the record's children: fills the fields that read one child element,
  /// and with `passThrough` collects the children no field reads.
  private func collectChildren(
    of record: xmlNodePtr, extraKeys: inout [String], extraValues: inout [String]
  ) {
    guard !childNames.isEmpty || passThrough else { return }
    // Feeds list the same children in the same order, so the name after the last match is
    // tried first.
    var hint = 0
    var child = record.pointee.children
    while let current = child {
      child = current.pointee.next
      guard current.pointee.type == XML_ELEMENT_NODE else { continue }
      var matched = false
      if !childNames.isEmpty {
        let start = hint
        for offset in 0..<childNames.count {
          let index = (start + offset) % childNames.count
          guard childNames[index].matches(current) else { continue }
          let field = childFields[index]
          collected[field].add(
            nodeValue(current), separator: fields[field].separator,
            first: fields[field].first)
          matched = true
          hint = index + 1
          if !namesOverlap { break }
        }
      }
      if !matched && passThrough, let name = current.pointee.name.map({ String(cString: $0) }),
        !keys.contains(name)
      {
        Self.addExtra(
          name, nodeValue(current), keys: &extraKeys,
          values: &extraValues)
      }
    }
  }

  /// Adds a passed-through value, joining it to an earlier one of the same name.
  private static func addExtra(
    _ name: String, _ value: String, keys: inout [String], values: inout [String]
  ) {
    if let index = keys.firstIndex(of: name) {
      if value.isEmpty { return }
      values[index] =
        values[index].isEmpty ? value : values[index] + XMLFieldSpec.defaultSeparator + value
    } else {
      keys.append(name)
      values.append(value)
    }
  }

  /// Evaluates a field's paths in order until one gives a non-empty value.
  private func collect(_ field: Field, in record: xmlNodePtr, into value: inout Collected)
    throws(XMLPathError)
  {
    for program in field.programs {
      var attempt = Collected()
      try forEachValue(of: program, at: record, parts: field.parts) { text in
        attempt.add(text, separator: field.separator, first: field.first)
      }
      value.matched = value.matched || attempt.matched
      if attempt.text != nil {
        value.text = attempt.text
        return
      }
    }
  }

  /// Calls `body` with the value of each node the program selects, or once with the value of
  /// an XPath expression that gives a string, number or boolean.
  private func forEachValue(
    of program: XMLPathProgram, at node: xmlNodePtr, parts: [XMLPathProgram],
    _ body: (String) -> Void
  ) throws(XMLPathError) {
    switch program {
    case .simple(let path):
      var failure: XMLPathError?
      path.forEachMatch(in: node) { match in
        guard failure == nil else { return }
        do throws(XMLPathError) {
          body(try value(of: match, parts: parts))
        } catch {
          failure = error
        }
      }
      if let failure { throw failure }
    case .xpath(let expression):
      let result = try evaluate(expression, at: node)
      let object = result.pointer.pointee
      switch object.type {
      case XPATH_NODESET:
        guard let set = object.nodesetval, let nodes = set.pointee.nodeTab else { return }
        for index in 0..<Int(set.pointee.nodeNr) {
          if let match = nodes[index] { body(try value(of: match, parts: parts)) }
        }
      case XPATH_STRING:
        body(object.stringval.map { String(cString: $0) } ?? "")
      case XPATH_NUMBER:
        body(Self.xpathText(of: object.floatval))
      case XPATH_BOOLEAN:
        body(object.boolval != 0 ? "true" : "false")
      default:
        break
      }
    }
  }

  /// A selected node's value: its string-value, or with `parts` the non-empty parts joined.
  private func value(of node: xmlNodePtr, parts: [XMLPathProgram]) throws(XMLPathError) -> String {
    if parts.isEmpty { return nodeValue(node) }
    var pieces: [String] = []
    for part in parts {
      var piece = Collected()
      try forEachValue(of: part, at: node, parts: []) { piece.add($0, separator: "", first: true) }
      if let text = piece.text?.trimmingSpaces(), !text.isEmpty { pieces.append(text) }
    }
    return pieces.joined(separator: ", ")
  }

  private func evaluate(_ expression: XPathExpressionHandle, at node: xmlNodePtr)
    throws(XMLPathError) -> XPathResultHandle
  {
    if context == nil || context!.pointer.pointee.doc != node.pointee.doc {
      context = XPathContextHandle(
        document: node.pointee.doc, namespaces: namespaces, errors: compiler.errors)
    }
    let before = compiler.errors.errors.count
    guard let context, let result = XPathResultHandle(evaluating: expression, at: node, in: context)
    else {
      let reason =
        compiler.errors.errors.dropFirst(before).first?.message ?? "libxml2 gave no reason"
      throw XMLPathError("evaluating `\(expression.text)` failed: \(reason)")
    }
    return result
  }

  /// A node's string-value, or for an element without text, its `valueAttribute`.
  private func nodeValue(_ node: xmlNodePtr) -> String {
    let text = XMLNodeText.stringValue(node, buffer: buffer)
    guard let valueAttribute, node.pointee.type == XML_ELEMENT_NODE,
      text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
    else { return text }
    var property = node.pointee.properties
    while let current = property {
      if valueAttribute.matches(
        name: current.pointee.name, namespace: current.pointee.ns?.pointee.href)
      {
        let attribute = UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self)
        return XMLNodeText.stringValue(attribute, buffer: buffer)
      }
      property = current.pointee.next
    }
    return text
  }

  /// XPath 1.0's string form of a number: no exponent for whole numbers, NaN and Infinity
  /// spelled out.
  static func xpathText(of number: Double) -> String {
    if number.isNaN { return "NaN" }
    if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
    if number == number.rounded() && abs(number) < 1e15 { return String(Int64(number)) }
    return String(number)
  }
}
