import CLibXML2

/// Reads the fields of a record element into an arena of bytes (see `XMLRawRecord`).
///
/// Fields that are a single child element name are read in one pass over the record's
/// children. Other simple paths are followed through the tree, and the rest are evaluated with
/// libxml2's XPath. With `passThrough`, the record's attributes and the child elements that no
/// field reads become fields too, under their local names, so flat feeds lose nothing.
final class XMLRecordFields {
  struct Field {
    var name: String
    var programs: [XMLPathProgram]
    var parts: [XMLPathProgram]
    var separator: String
    var first: Bool
  }

  let fields: [Field]
  private let keys: [String]
  private let passThrough: Bool
  /// For fields read in the single pass: the child name each reads, and the field's index.
  private let childNames: [XMLName]
  private let childFields: [Int]
  /// Whether one child can match more than one name in `childNames`, so every name is tried.
  private let namesOverlap: Bool
  let namespaces: [String: String]
  /// The attribute whose value replaces the text of an element that has none.
  private let valueAttribute: XMLName?
  let compiler: XMLPathCompiler
  var context: XPathContextHandle?
  /// Scratch space for text that is not kept in a record's arena.
  let scratch = ByteBuffer(capacity: 4096)
  private var collected: [XMLFieldValue]

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
    collected = Array(repeating: XMLFieldValue(), count: fields.count)
  }

  /// Returns whether two of the names could match the same element.
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
    for index in collected.indices { collected[index] = XMLFieldValue() }
    var extraKeys: [String] = []
    var extraValues: [XMLFieldValue] = []
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

  /// Returns one field's text, for naming a record in messages; nil when the path selects
  /// nothing or fails.
  func text(of name: String, in record: xmlNodePtr) -> String? {
    scratch.removeAll()
    var value = XMLFieldValue()
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
    of record: xmlNodePtr, into arena: ByteBuffer, keys: inout [String],
    values: inout [XMLFieldValue]
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

  /// Fills the fields that read one child element in a single pass over the record's children,
  /// and with `passThrough` collects the children that no field reads.
  private func collectChildren(
    of record: xmlNodePtr, into arena: ByteBuffer, extraKeys: inout [String],
    extraValues: inout [XMLFieldValue]
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
    values: inout [XMLFieldValue]
  ) {
    var index = keys.firstIndex(of: name) ?? keys.count
    if index == keys.count {
      keys.append(name)
      values.append(XMLFieldValue())
      index = keys.count - 1
    }
    values[index].addBytes(
      from: start, in: arena, separator: XMLFieldSpec.defaultSeparator, first: false)
  }

  /// Appends a node's string-value to `arena`, or for an element without text, the value of
  /// its `valueAttribute`.
  func appendNodeValue(_ node: xmlNodePtr, to arena: ByteBuffer) {
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
}
