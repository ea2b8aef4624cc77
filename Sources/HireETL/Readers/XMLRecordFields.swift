import CLibXML2

/// Reads the fields of a record element into an arena of bytes (see `XMLRawRecord`).
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

  /// The value one field collects from the nodes its path selects: the first non-empty one,
  /// or all non-empty ones joined with the separator.
  private struct Collected {
    var value = XMLRawValue.null
    var complete = false

    /// Adds the value whose bytes were just appended to `arena`, from `start` to its end.
    mutating func addBytes(from start: Int, in arena: ByteBuffer, separator: String, first: Bool) {
      let range = start..<arena.count
      if complete || (range.isEmpty && hasText) {
        arena.removeLast(range.count)
        return
      }
      if hasText {
        value = .text(text(in: arena) + separator + arena.string(range))
        arena.removeLast(range.count)
      } else {
        value = .bytes(range)
        complete = first && !range.isEmpty
      }
    }

    mutating func add(_ text: String, in arena: ByteBuffer, separator: String, first: Bool) {
      if complete || (text.isEmpty && hasText) { return }
      if hasText {
        value = .text(self.text(in: arena) + separator + text)
      } else {
        value = .text(text)
        complete = first && !text.isEmpty
      }
    }

    private var hasText: Bool {
      switch value {
      case .null: false
      case .bytes(let range): !range.isEmpty
      case .text(let text): !text.isEmpty
      }
    }

    func text(in arena: ByteBuffer) -> String {
      switch value {
      case .null: ""
      case .bytes(let range): arena.string(range)
      case .text(let text): text
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
  /// Scratch space for text that is not kept in a record's arena.
  private let scratch = ByteBuffer(capacity: 4096)
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

  /// Reads every field of `record`, appending their text to `arena`. A field whose path
  /// selects nothing is null.
  func collect(_ record: xmlNodePtr, into arena: ByteBuffer) throws(XMLPathError) -> (
    keys: [String], values: [XMLRawValue]
  ) {
    for index in collected.indices { collected[index] = Collected() }
    var extraKeys: [String] = []
    var extraValues: [Collected] = []
    if passThrough {
      collectAttributes(of: record, into: arena, keys: &extraKeys, values: &extraValues)
    }
    collectChildren(of: record, into: arena, extraKeys: &extraKeys, extraValues: &extraValues)

    var values: [XMLRawValue] = []
    values.reserveCapacity(fields.count + extraKeys.count)
    var childField = 0
    for index in fields.indices {
      if childField < childFields.count && childFields[childField] == index {
        childField += 1
      } else {
        try collect(fields[index], in: record, into: &collected[index], arena: arena)
      }
      values.append(collected[index].value)
    }
    if extraKeys.isEmpty { return (keys, values) }
    values += extraValues.map(\.value)
    return (keys + extraKeys, values)
  }

  /// One field's text, for naming a record in messages and checking its key; nil when the
  /// path selects nothing or fails.
  func text(of name: String, in record: xmlNodePtr) -> String? {
    scratch.removeAll()
    var value = Collected()
    if let field = fields.first(where: { $0.name == name }) {
      do {
        try collect(field, in: record, into: &value, arena: scratch)
      } catch {
        return nil
      }
    } else if passThrough {
      let test = XMLName(local: name, namespace: .any)
      var child = record.pointee.children
      while let current = child, !value.complete {
        if current.pointee.type == XML_ELEMENT_NODE && test.matches(current) {
          let start = scratch.count
          appendNodeValue(current, to: scratch)
          value.addBytes(from: start, in: scratch, separator: "", first: true)
        }
        child = current.pointee.next
      }
    }
    if case .null = value.value { return nil }
    return value.text(in: scratch)
  }

  private func collectAttributes(
    of record: xmlNodePtr, into arena: ByteBuffer, keys: inout [String], values: inout [Collected]
  ) {
    var property = record.pointee.properties
    while let current = property {
      property = current.pointee.next
      guard let name = current.pointee.name.map({ String(cString: $0) }),
        !self.keys.contains(name)
      else { continue }
      let node = UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self)
      let start = arena.count
      appendNodeValue(node, to: arena)
      Self.addExtra(name, from: start, in: arena, keys: &keys, values: &values)
    }
  }

  /// The single pass over the record's children: fills the fields that read one child element,
  /// and with `passThrough` collects the children no field reads.
  private func collectChildren(
    of record: xmlNodePtr, into arena: ByteBuffer, extraKeys: inout [String],
    extraValues: inout [Collected]
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
          let valueStart = arena.count
          appendNodeValue(current, to: arena)
          collected[field].addBytes(
            from: valueStart, in: arena, separator: fields[field].separator,
            first: fields[field].first)
          matched = true
          hint = index + 1
          if !namesOverlap { break }
        }
      }
      if !matched && passThrough, let name = current.pointee.name.map({ String(cString: $0) }),
        !keys.contains(name)
      {
        let start = arena.count
        appendNodeValue(current, to: arena)
        Self.addExtra(name, from: start, in: arena, keys: &extraKeys, values: &extraValues)
      }
    }
  }

  /// Adds a passed-through value, joining it to an earlier one of the same name.
  private static func addExtra(
    _ name: String, from start: Int, in arena: ByteBuffer, keys: inout [String],
    values: inout [Collected]
  ) {
    var index = keys.firstIndex(of: name) ?? keys.count
    if index == keys.count {
      keys.append(name)
      values.append(Collected())
      index = keys.count - 1
    }
    values[index].addBytes(
      from: start, in: arena, separator: XMLFieldSpec.defaultSeparator, first: false)
  }

  /// Evaluates a field's paths in order until one gives a non-empty value.
  private func collect(
    _ field: Field, in record: xmlNodePtr, into value: inout Collected, arena: ByteBuffer
  ) throws(XMLPathError) {
    for program in field.programs {
      var attempt = Collected()
      try collect(
        program, at: record, parts: field.parts, separator: field.separator, first: field.first,
        into: &attempt, arena: arena)
      switch attempt.value {
      case .null:
        continue
      case .bytes(let range) where range.isEmpty:
        if case .null = value.value { value = attempt }
      case .text(let text) where text.isEmpty:
        if case .null = value.value { value = attempt }
      default:
        value = attempt
        return
      }
    }
  }

  /// Adds the value of each node the program selects, or the value of an XPath expression that
  /// gives a string, number or boolean.
  private func collect(
    _ program: XMLPathProgram, at node: xmlNodePtr, parts: [XMLPathProgram], separator: String,
    first: Bool, into value: inout Collected, arena: ByteBuffer
  ) throws(XMLPathError) {
    switch program {
    case .simple(let path):
      var failure: XMLPathError?
      path.forEachMatch(in: node) { match in
        guard failure == nil, !value.complete else { return }
        do throws(XMLPathError) {
          try add(match, parts: parts, separator: separator, first: first, to: &value, arena: arena)
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
        for index in 0..<Int(set.pointee.nodeNr) where !value.complete {
          if let match = nodes[index] {
            try add(
              match, parts: parts, separator: separator, first: first, to: &value, arena: arena)
          }
        }
      case XPATH_STRING:
        let text = object.stringval.map { String(cString: $0) } ?? ""
        value.add(text, in: arena, separator: separator, first: first)
      case XPATH_NUMBER:
        value.add(
          Self.xpathText(of: object.floatval), in: arena, separator: separator, first: first)
      case XPATH_BOOLEAN:
        value.add(
          object.boolval != 0 ? "true" : "false", in: arena, separator: separator, first: first)
      default:
        break
      }
    }
  }

  /// Adds a selected node's value: its string-value, or with `parts` the non-empty parts
  /// joined with ", ".
  private func add(
    _ node: xmlNodePtr, parts: [XMLPathProgram], separator: String, first: Bool,
    to value: inout Collected, arena: ByteBuffer
  ) throws(XMLPathError) {
    if parts.isEmpty {
      let start = arena.count
      appendNodeValue(node, to: arena)
      value.addBytes(from: start, in: arena, separator: separator, first: first)
      return
    }
    var pieces: [String] = []
    for part in parts {
      let mark = scratch.count
      var piece = Collected()
      try collect(
        part, at: node, parts: [], separator: "", first: true, into: &piece, arena: scratch)
      let text = piece.text(in: scratch).trimmingSpaces()
      scratch.removeLast(scratch.count - mark)
      if !text.isEmpty { pieces.append(text) }
    }
    value.add(pieces.joined(separator: ", "), in: arena, separator: separator, first: first)
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

  /// Appends a node's string-value to `arena`, or for an element without text, the value of
  /// its `valueAttribute`.
  private func appendNodeValue(_ node: xmlNodePtr, to arena: ByteBuffer) {
    let start = arena.count
    XMLNodeText.appendStringValue(node, to: arena)
    guard let valueAttribute, node.pointee.type == XML_ELEMENT_NODE,
      arena.bytes(start..<arena.count).allSatisfy({
        $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D
      })
    else { return }
    var property = node.pointee.properties
    while let current = property {
      if valueAttribute.matches(
        name: current.pointee.name, namespace: current.pointee.ns?.pointee.href)
      {
        arena.removeLast(arena.count - start)
        let attribute = UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self)
        XMLNodeText.appendStringValue(attribute, to: arena)
        return
      }
      property = current.pointee.next
    }
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
