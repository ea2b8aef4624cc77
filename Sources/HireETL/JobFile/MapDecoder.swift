/// Reads a step's `map:` into field mappings.
struct MapDecoder {
  let reader: JobNodeReader

  static let ruleKeys = [
    "field", "path", "const", "join", "sep", "template", "default", "trim", "values", "type",
    "date_format", "split_name", "strip_html", "lookup",
  ]

  func decode(_ node: YAMLNode) -> [FieldMapping]? {
    guard case .mapping(let entries, _) = node else {
      reader.fail(node.mark, "map must be a mapping of output fields to rules")
      return nil
    }
    return entries.compactMap { entry in
      decodeRule(entry.value, output: entry.key.text).map {
        FieldMapping(
          name: entry.key.text, rule: $0, mark: entry.key.mark,
          sourceMarks: Self.sourceMarks(of: entry.value))
      }
    }
  }

  /// Returns where a rule names its source fields: the rule itself when it is a plain string,
  /// else the value of its `field`, `path`, `join` (each list item) or `template` key.
  private static func sourceMarks(of rule: YAMLNode) -> [SourceMark] {
    guard case .mapping(let entries, _) = rule else { return [rule.mark] }
    for entry in entries where ["field", "path", "join", "template"].contains(entry.key.text) {
      if case .sequence(let items, _) = entry.value { return items.map(\.mark) }
      return [entry.value.mark]
    }
    return []
  }

  private func decodeRule(_ node: YAMLNode, output: String) -> MappingRule? {
    if case .scalar = node {
      return reader.string(node, "the source field of \(output)").map { .field($0, FieldOptions()) }
    }
    let context = "the rule for '\(output)'"
    guard let entries = reader.entries(node, in: context, allowed: Self.ruleKeys) else {
      return nil
    }
    let kinds = ["field", "path", "const", "join", "template"].filter { entries[$0] != nil }
    guard kinds.count == 1, let kind = kinds.first else {
      let problem = kinds.isEmpty ? "has none" : "has \(kinds.joined(separator: " and "))"
      reader.fail(
        node.mark,
        "\(context) needs exactly one of field, path, const, join or template; it \(problem)")
      return nil
    }
    if kind == "const" {
      let extra = entries.keys.filter { $0 != "const" }.sorted()
      if !extra.isEmpty {
        reader.fail(
          node.mark,
          "\(context): `const` takes no other keys (found \(extra.joined(separator: ", ")))")
      }
      return reader.jsonValue(entries["const"]!.value).map { .constant($0) }
    }
    if kind != "join", let entry = entries["sep"] {
      reader.fail(entry.key.mark, "\(context): `sep` goes with `join` only")
    }
    let options = decodeOptions(entries, context: context)
    let value = entries[kind]!.value
    switch kind {
    case "field":
      return reader.string(value, "field").map { .field($0, options) }
    case "path":
      return reader.string(value, "path").map {
        .path($0.split(separator: ".").map(String.init), options)
      }
    case "join":
      let separator = reader.string(entries["sep"]?.value, "sep") ?? " "
      return reader.strings(value, "join").map { .join($0, separator: separator, options) }
    default:
      guard let text = reader.string(value, "template") else { return nil }
      guard let parts = TemplatePart.parse(text) else {
        reader.fail(
          value.mark,
          "\(context): the template has a `{` that is never closed; write `{{` for a literal brace")
        return nil
      }
      return .template(parts, options)
    }
  }

  private func decodeOptions(_ entries: [String: YAMLMappingEntry], context: String) -> FieldOptions
  {
    var options = FieldOptions()
    if let node = entries["default"]?.value { options.defaultValue = reader.jsonValue(node) }
    if let node = entries["trim"]?.value { options.trim = reader.boolean(node, "trim") ?? true }
    if let node = entries["strip_html"]?.value {
      options.stripHTML = reader.boolean(node, "strip_html") ?? false
    }
    if let node = entries["type"]?.value,
      let text = reader.choice(node, "type", among: ValueType.allCases.map(\.rawValue))
    {
      options.type = ValueType(rawValue: text)
    }
    if let node = entries["split_name"]?.value,
      let text = reader.choice(node, "split_name", among: NamePart.allCases.map(\.rawValue))
    {
      options.splitName = NamePart(rawValue: text)
    }
    if let node = entries["date_format"]?.value {
      options.dateFormat = reader.string(node, "date_format")
      if options.type != .date && options.type != .datetime {
        reader.fail(node.mark, "\(context): `date_format` needs `type: date` or `type: datetime`")
      }
    }
    if let node = entries["lookup"]?.value { options.lookup = reader.string(node, "lookup") }
    if let node = entries["values"]?.value {
      if case .mapping(let table, _) = node {
        var values: [String: JSONValue] = [:]
        for entry in table { values[entry.key.text] = reader.jsonValue(entry.value) ?? .null }
        options.values = values
      } else {
        reader.fail(
          node.mark, "\(context): `values` must be a mapping from source values to output values")
      }
    }
    return options
  }
}
