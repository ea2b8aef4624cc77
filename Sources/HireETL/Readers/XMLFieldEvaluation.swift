import CLibXML2

/// Evaluates the field paths that the single pass over a record's children does not serve:
/// deeper simple paths, paths with parts, and XPath.
extension XMLRecordFields {
  /// Evaluates a field's paths in order until one gives a non-empty value.
  func collect(
    _ field: Field, in record: xmlNodePtr, into value: inout XMLFieldValue, arena: ByteBuffer
  ) throws(XMLPathError) {
    for program in field.programs {
      var attempt = XMLFieldValue()
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
  func collect(
    _ program: XMLPathProgram, at node: xmlNodePtr, parts: [XMLPathProgram], separator: String,
    first: Bool, into value: inout XMLFieldValue, arena: ByteBuffer
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
  func add(
    _ node: xmlNodePtr, parts: [XMLPathProgram], separator: String, first: Bool,
    to value: inout XMLFieldValue, arena: ByteBuffer
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
      var piece = XMLFieldValue()
      try collect(
        part, at: node, parts: [], separator: "", first: true, into: &piece, arena: scratch)
      let text = piece.text(in: scratch).trimmingSpaces()
      scratch.removeLast(scratch.count - mark)
      if !text.isEmpty { pieces.append(text) }
    }
    value.add(pieces.joined(separator: ", "), in: arena, separator: separator, first: first)
  }

  func evaluate(_ expression: XPathExpressionHandle, at node: xmlNodePtr)
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

  /// XPath 1.0's string form of a number: no exponent for whole numbers, NaN and Infinity
  /// spelled out.
  static func xpathText(of number: Double) -> String {
    if number.isNaN { return "NaN" }
    if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
    if number == number.rounded() && abs(number) < 1e15 { return String(Int64(number)) }
    return String(number)
  }
}
