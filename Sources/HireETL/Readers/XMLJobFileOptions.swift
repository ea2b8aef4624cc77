/// Reads the XML keys of a step's `read:` into `XMLReaderOptions`, reporting each mistake at its
/// place in the job file.
///
/// A field is an XPath string, or a mapping with `path` (a string or a list of alternatives),
/// `parts`, `separator` and `first`, which `XMLFieldSpec` describes.
struct XMLOptionsDecoder {
  let reader: JobNodeReader

  static let fieldKeys = ["path", "parts", "separator", "first"]

  func decode(_ entries: [String: YAMLMappingEntry], at mark: SourceMark) -> XMLReaderOptions {
    var options = XMLReaderOptions()
    if let node = entries["preset"]?.value {
      options.preset = reader.choice(node, "preset", among: XMLPreset.names)
    }
    if let node = entries["namespaces"]?.value {
      options.namespaces = decodeNamespaces(node)
    }
    options.record = reader.string(entries["record"]?.value, "record")
    if let node = entries["fields"]?.value {
      options.fields = decodeFields(node, namespaces: options)
    }
    options.htmlEntities = flag(entries, "html_entities")
    options.stripControlCharacters = flag(entries, "strip_control_chars")
    options.huge = flag(entries, "huge")

    if entries["preset"] != nil && options.preset == nil { return options }
    if options.preset == nil && options.record == nil {
      reader.fail(
        mark,
        "reading XML needs `preset:` (\(XMLPreset.names.joined(separator: ", "))) or `record:` "
          + "naming the record element, such as source/job")
      return options
    }
    if let recordNode = entries["record"]?.value, let record = options.record {
      do {
        _ = try XMLRecordPath(record, namespaces: allNamespaces(options))
      } catch {
        reader.fail(recordNode.mark, error.message)
      }
    }
    return options
  }

  /// Returns the preset's namespace prefixes with the step's own added.
  private func allNamespaces(_ options: XMLReaderOptions) -> [String: String] {
    let preset = options.preset.flatMap(XMLPreset.named)
    return (preset?.namespaces ?? [:]).merging(options.namespaces) { $1 }
  }

  private func flag(_ entries: [String: YAMLMappingEntry], _ key: String) -> Bool {
    guard let node = entries[key]?.value else { return false }
    return reader.boolean(node, key) ?? false
  }

  private func decodeNamespaces(_ node: YAMLNode) -> [String: String] {
    guard case .mapping(let list, _) = node else {
      reader.fail(
        node.mark,
        "`namespaces` must map prefixes to namespace URIs, such as hr: http://ns.hr-xml.org")
      return [:]
    }
    var namespaces: [String: String] = [:]
    for entry in list {
      let prefix = entry.key.text
      if !XMLName.isName(Substring(prefix)) {
        reader.fail(
          entry.key.mark, "'\(prefix)' cannot be a namespace prefix; use letters, digits, - and _")
        continue
      }
      if let uri = reader.string(entry.value, "the namespace URI of '\(prefix)'") {
        namespaces[prefix] = uri
      }
    }
    return namespaces
  }

  /// Reads `fields:` and compiles each path, so a mistake is reported at its own line.
  private func decodeFields(_ node: YAMLNode, namespaces options: XMLReaderOptions)
    -> [XMLFieldSpec]
  {
    guard case .mapping(let list, _) = node else {
      reader.fail(
        node.mark,
        "`fields` must map field names to XPath expressions, such as title: PositionTitle")
      return []
    }
    let namespaces = allNamespaces(options)
    var fields: [XMLFieldSpec] = []
    for entry in list {
      guard let field = decodeField(entry) else { continue }
      do {
        _ = try XMLRecordFields([field], passThrough: false, namespaces: namespaces)
        fields.append(field)
      } catch {
        reader.fail(entry.value.mark, error.message)
      }
    }
    return fields
  }

  private func decodeField(_ entry: YAMLMappingEntry) -> XMLFieldSpec? {
    let name = entry.key.text
    if case .scalar = entry.value {
      return reader.string(entry.value, "the path of field '\(name)'").map {
        XMLFieldSpec(name, $0)
      }
    }
    let context = "field '\(name)'"
    guard let entries = reader.entries(entry.value, in: context, allowed: Self.fieldKeys) else {
      return nil
    }
    guard let paths = reader.strings(entries["path"]?.value, "path"), !paths.isEmpty else {
      reader.fail(
        entry.value.mark, "\(context) needs `path:` (an XPath expression or a list of them)")
      return nil
    }
    var field = XMLFieldSpec(name, paths)
    field.parts = reader.strings(entries["parts"]?.value, "parts") ?? []
    if let separator = reader.string(entries["separator"]?.value, "separator") {
      field.separator = separator
    }
    if let node = entries["first"]?.value {
      field.first = reader.boolean(node, "first") ?? false
    }
    return field
  }
}
