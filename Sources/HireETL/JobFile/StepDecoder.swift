/// Reads one entry of `steps:`.
struct StepDecoder {
  let reader: JobNodeReader
  let folder: String
  let api: APISettings?

  func decode(_ node: YAMLNode) -> Step? {
    guard let entries = reader.entries(node, in: "a step", allowed: JobDecoder.stepKeys) else {
      return nil
    }
    guard let nameNode = entries["name"]?.value, let name = reader.string(nameNode, "name"),
      !name.isEmpty
    else {
      reader.fail(node.mark, "every step needs a `name:`")
      return nil
    }
    guard let readNode = entries["read"]?.value else {
      reader.fail(node.mark, "step '\(name)' has no `read:`")
      return nil
    }
    guard let writeNode = entries["write"]?.value else {
      reader.fail(node.mark, "step '\(name)' has no `write:`")
      return nil
    }
    let input = decodeInput(readNode, step: name)
    let output = decodeOutput(writeNode, step: name)
    let key = reader.strings(entries["key"]?.value, "key") ?? []
    var keyMarks: [SourceMark] = []
    if case .sequence(let items, _)? = entries["key"]?.value {
      keyMarks = items.map(\.mark)
    } else if let keyNode = entries["key"]?.value {
      keyMarks = [keyNode.mark]
    }
    let map = entries["map"].flatMap { MapDecoder(reader: reader).decode($0.value) }
    let schema = decodeSchema(entries["validate"]?.value, output: output)
    guard let input, let output else { return nil }
    if case .api = input, case .api = output {
      reader.fail(
        writeNode.mark, "step '\(name)' reads from the API, so it must write to a file, not the API"
      )
      return nil
    }
    if let map { checkFieldNames(map, step: name, input: input, output: output) }
    if case .api = output, key.isEmpty {
      reader.fail(
        writeNode.mark,
        "step '\(name)' writes to the API, so it needs `key:`, the source field(s) that name a "
          + "record across runs; without it a second run would create every record again")
    }
    let rejects: String
    if let path = reader.string(entries["rejects"]?.value, "rejects") {
      rejects = FileSystem.resolve(path, against: folder)
    } else {
      let isCSV: Bool
      if case .file(let file) = input, file.format == .csv { isCSV = true } else { isCSV = false }
      rejects = FileSystem.resolve("rejects/\(name).\(isCSV ? "csv" : "jsonl")", against: folder)
    }
    if case .file(let file) = input, file.path == rejects {
      reader.fail(
        readNode.mark,
        "step '\(name)' reads its own rejects file, so a run would replace or remove its "
          + "input; set `rejects:` to another path")
    }
    return Step(
      name: name, mark: node.mark, input: input, key: key, keyMarks: keyMarks, map: map,
      schema: schema,
      output: output, rejectsPath: rejects)
  }

  /// Fails on field names that the API cannot know. For an API write, that is an output field
  /// that the resource's input schema lacks, which the API would reject or drop. For an API
  /// read, it is a source field that is a near miss of one of the resource's fields.
  private func checkFieldNames(
    _ map: [FieldMapping], step: String, input: Step.Input, output: Step.Output
  ) {
    if case .api(let target) = output {
      let schema: Schema = target.resource == "openings" ? .opening : .candidate
      for mapping in map where !schema.propertyNames.contains(mapping.name) {
        var message =
          "step '\(step)': output field '\(mapping.name)' is not a field of \(schema.name), "
          + "so the API cannot store it"
        if let near = NearMatch.closest(to: mapping.name, among: schema.propertyNames) {
          message += "; did you mean '\(near)'?"
        } else {
          message += "; its fields are \(schema.propertyNames.joined(separator: ", "))"
        }
        reader.fail(mapping.mark, message)
      }
    }
    guard case .api(let source) = input,
      let fields = SandboxResource(rawValue: source.resource)?.fieldNames
    else { return }
    for mapping in map {
      for field in mapping.rule.sourceFields {
        let top = String(field.split(separator: ".").first ?? "")
        guard !fields.contains(top), let near = NearMatch.closest(to: top, among: fields) else {
          continue
        }
        reader.fail(
          mapping.mark,
          "step '\(step)': '\(top)' is not a field of \(source.resource) in the API; did you "
            + "mean '\(near)'?")
      }
    }
  }

  private func decodeSchema(_ node: YAMLNode?, output: Step.Output?) -> Schema? {
    if let node {
      switch reader.choice(node, "validate", among: ["opening", "candidate", "none"]) {
      case "opening": return .opening
      case "candidate": return .candidate
      default: return nil
      }
    }
    if case .api(let target)? = output {
      return target.resource == "openings" ? .opening : .candidate
    }
    return nil
  }

  private func decodeInput(_ node: YAMLNode, step: String) -> Step.Input? {
    let context = "read of step '\(step)'"
    guard let entries = reader.entries(node, in: context, allowed: JobDecoder.readKeys) else {
      return nil
    }
    let pathNode = entries["path"]?.value
    let resourceNode = entries["resource"]?.value
    if pathNode != nil && resourceNode != nil {
      reader.fail(
        node.mark,
        "\(context) has both `path:` and `resource:`; a step reads a file or the API, not both")
      return nil
    }
    if let resourceNode {
      return decodeAPIInput(resourceNode, entries: entries, context: context)
    }
    guard let pathNode else {
      reader.fail(node.mark, "\(context) needs `path:` (a file, or - for standard input)")
      return nil
    }
    guard let path = reader.string(pathNode, "path") else { return nil }
    let format: FileFormat
    if let formatNode = entries["format"]?.value {
      guard
        let text = reader.choice(formatNode, "format", among: FileFormat.allCases.map(\.rawValue))
      else {
        return nil
      }
      format = FileFormat(rawValue: text)!
    } else if let detected = FileFormat(path: path) {
      format = detected
    } else {
      reader.fail(
        pathNode.mark,
        "cannot tell the format of '\(path)' from its extension; add `format: csv`, `jsonl` or `xml`"
      )
      return nil
    }
    var input = FileInput(
      displayPath: FileSystem.tidy(FileSystem.resolve(path, against: folder)),
      path: FileSystem.resolve(path, against: folder), format: format)
    if let node = entries["encoding"]?.value, let text = reader.string(node, "encoding") {
      if let encoding = TextEncoding(name: text) {
        input.encoding = encoding
        input.csv.encoding = encoding
      } else {
        reader.fail(
          node.mark,
          "unknown encoding '\(text)'; use one of \(TextEncoding.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
    }
    switch format {
    case .csv:
      decodeCSVOptions(entries, into: &input.csv)
    case .jsonl:
      rejectKeys(
        entries, ["delimiter", "quote", "header_row", "lenient_quotes", "duplicate_columns"], "CSV")
      if let node = entries["field_size_limit"]?.value {
        input.csv.fieldSizeLimit =
          reader.integer(node, "field_size_limit", range: 1...(1 << 30)) ?? input.csv.fieldSizeLimit
      }
    case .xml:
      let csvKeys = ["delimiter", "quote", "header_row", "lenient_quotes", "duplicate_columns"]
      rejectKeys(entries, csvKeys + ["field_size_limit"], "CSV")
      input.xml = XMLOptionsDecoder(reader: reader).decode(entries, at: node.mark)
    }
    if format != .xml { rejectKeys(entries, XMLReaderOptions.jobFileKeys, "XML") }
    rejectKeys(entries, ["filter", "since"], "API")
    return .file(input)
  }

  /// The filters each list endpoint accepts besides `limit` and `offset`.
  static let apiFilters: [String: [String]] = [
    "openings": ["status"], "candidates": ["opening"], "candidatemessages": ["candidate"],
    "internalnotes": ["candidate"], "interviews": ["candidate"], "reviews": ["candidate"],
    "evaluations": ["candidate"], "todos": ["candidate"],
  ]

  /// Reads `read: { resource, filter, since }`.
  private func decodeAPIInput(
    _ resourceNode: YAMLNode, entries: [String: YAMLMappingEntry], context: String
  ) -> Step.Input? {
    guard let resource = reader.choice(resourceNode, "resource", among: apiResources) else {
      return nil
    }
    if let api {
      checkConnection(api, at: resourceNode.mark, context: context, verb: "reads from")
    } else {
      reader.fail(
        resourceNode.mark, "\(context) reads from the API, so the job needs an `api:` block")
    }
    for (key, entry) in entries where key != "resource" && key != "filter" && key != "since" {
      reader.fail(entry.key.mark, "`\(key)` applies to reading a file only")
    }
    var filter: [(String, String)] = []
    if let filterNode = entries["filter"]?.value {
      let allowed = Self.apiFilters[resource] ?? []
      let filterContext = "`filter:` of \(context)"
      if let filterEntries = reader.entries(filterNode, in: filterContext, allowed: allowed) {
        for name in allowed {
          guard let node = filterEntries[name]?.value, let value = reader.string(node, name) else {
            continue
          }
          if name == "status" {
            guard reader.choice(node, "status", among: ["open", "closed", "draft"]) != nil else {
              continue
            }
          } else if Int(value) == nil {
            reader.fail(node.mark, "\(name) must be the id of a record, a whole number")
            continue
          }
          filter.append((name, value))
        }
      }
    }
    var since: String?
    if let sinceNode = entries["since"]?.value, let text = reader.string(sinceNode, "since") {
      if text == "last_run" || ChangeTime(text) != nil {
        since = text
      } else {
        var message =
          "since must be `last_run` or an ISO 8601 timestamp such as 2024-03-05T10:00:00Z, not '\(text)'"
        if let near = NearMatch.closest(to: text, among: ["last_run"]) {
          message += "; did you mean '\(near)'?"
        }
        reader.fail(sinceNode.mark, message)
      }
    }
    return .api(APIInput(resource: resource, filter: filter, since: since))
  }

  /// Reports keys that belong to another kind of input.
  private func rejectKeys(_ entries: [String: YAMLMappingEntry], _ keys: [String], _ kind: String) {
    for key in keys {
      if let entry = entries[key] {
        reader.fail(entry.key.mark, "`\(key)` applies to \(kind) input only")
      }
    }
  }

  private func decodeCSVOptions(
    _ entries: [String: YAMLMappingEntry], into options: inout CSVOptions
  ) {
    if let node = entries["delimiter"]?.value, let text = reader.string(node, "delimiter") {
      if let byte = Self.singleByte(text), text != "auto" {
        options.delimiter = byte
      } else if text != "auto" {
        reader.fail(node.mark, "delimiter must be one character (or `tab`, or `auto`)")
      }
    }
    if let node = entries["quote"]?.value, let text = reader.string(node, "quote") {
      if let byte = Self.singleByte(text) {
        options.quote = byte
      } else {
        reader.fail(node.mark, "quote must be one character")
      }
    }
    if let node = entries["header_row"]?.value {
      options.headerRow =
        reader.integer(node, "header_row", range: 0...1_000_000) ?? options.headerRow
    }
    if let node = entries["lenient_quotes"]?.value {
      options.lenientQuotes = reader.boolean(node, "lenient_quotes") ?? false
    }
    if let node = entries["duplicate_columns"]?.value,
      let text = reader.choice(node, "duplicate_columns", among: ["reject", "number"])
    {
      options.duplicateColumns = CSVOptions.DuplicateColumns(rawValue: text)!
    }
    if let node = entries["field_size_limit"]?.value {
      options.fieldSizeLimit =
        reader.integer(node, "field_size_limit", range: 1...(1 << 30)) ?? options.fieldSizeLimit
    }
  }

  /// One ASCII character; `tab` and `\t` name the tab.
  static func singleByte(_ text: String) -> UInt8? {
    if text == "tab" || text == "\\t" { return UInt8(ascii: "\t") }
    let bytes = Array(text.utf8)
    return bytes.count == 1 && bytes[0] < 0x80 ? bytes[0] : nil
  }

  private func decodeOutput(_ node: YAMLNode, step: String) -> Step.Output? {
    let context = "write of step '\(step)'"
    guard let entries = reader.entries(node, in: context, allowed: JobDecoder.writeKeys) else {
      return nil
    }
    if let resourceNode = entries["resource"]?.value {
      return decodeAPIOutput(resourceNode, entries: entries, context: context)
    }
    guard let pathNode = entries["path"]?.value else {
      reader.fail(node.mark, "\(context) needs `path:` (a file, or - for standard output)")
      return nil
    }
    guard let path = reader.string(pathNode, "path") else { return nil }
    var format = path == "-" ? FileFormat.jsonl : FileFormat(path: path)
    if let formatNode = entries["format"]?.value,
      let text = reader.choice(formatNode, "format", among: FileFormat.allCases.map(\.rawValue))
    {
      format = FileFormat(rawValue: text)
    }
    guard let format else {
      reader.fail(
        pathNode.mark,
        "cannot tell the format of '\(path)' from its extension; add `format: csv` or `jsonl`")
      return nil
    }
    var output = FileOutput(
      pathTemplate: FileSystem.resolve(path, against: folder),
      displayPath: FileSystem.tidy(FileSystem.resolve(path, against: folder)), format: format)
    if let node = entries["excel_safe"]?.value {
      output.excelSafe = reader.boolean(node, "excel_safe") ?? false
      if format != .csv { reader.fail(node.mark, "`excel_safe` applies to CSV output only") }
    }
    if let node = entries["delimiter"]?.value, let text = reader.string(node, "delimiter") {
      if let byte = Self.singleByte(text) {
        output.delimiter = byte
      } else {
        reader.fail(node.mark, "delimiter must be one character (or `tab`)")
      }
    } else if path.lowercased().hasSuffix(".tsv") {
      output.delimiter = UInt8(ascii: "\t")
    }
    for key in ["mode", "batch_size"] {
      if let entry = entries[key] {
        reader.fail(entry.key.mark, "`\(key)` applies to writing to the API only")
      }
    }
    return .file(output)
  }

  /// Reports an `api:` block that cannot connect: an invalid `base_url`, or no key.
  private func checkConnection(
    _ api: APISettings, at mark: SourceMark, context: String, verb: String = "writes to"
  ) {
    guard api.baseURL != "sandbox" else { return }
    do {
      _ = try APIBaseURL(api.baseURL)
    } catch {
      reader.fail(mark, "\(context) \(verb) the API, but base_url is invalid: \(error)")
    }
    if api.apiKey == nil && api.apiKeyFile == nil {
      reader.fail(
        mark, "\(context) \(verb) \(api.baseURL), so `api:` needs `api_key:` or `api_key_file:`")
    }
  }

  /// Reads `write: { resource, mode, batch_size }`.
  private func decodeAPIOutput(
    _ resourceNode: YAMLNode, entries: [String: YAMLMappingEntry], context: String
  ) -> Step.Output? {
    guard let resource = reader.choice(resourceNode, "resource", among: ["openings", "candidates"])
    else { return nil }
    if let api {
      checkConnection(api, at: resourceNode.mark, context: context)
    } else {
      reader.fail(
        resourceNode.mark, "\(context) writes to the API, so the job needs an `api:` block")
    }
    for key in ["path", "format", "excel_safe", "delimiter"] {
      if let entry = entries[key] {
        reader.fail(entry.key.mark, "`\(key)` applies to writing to a file only")
      }
    }
    var mode = APIOutput.Mode.create
    if let node = entries["mode"]?.value,
      let text = reader.choice(node, "mode", among: APIOutput.Mode.allCases.map(\.rawValue))
    {
      mode = APIOutput.Mode(rawValue: text)!
      if mode != .create && resource == "openings" {
        reader.fail(
          node.mark,
          "openings can only be created (`mode: create`), because the API has no PATCH /openings/{id}"
        )
      }
    }
    let batchSize =
      reader.integer(entries["batch_size"]?.value, "batch_size", range: 1...1000) ?? 50
    return .api(APIOutput(resource: resource, mode: mode, batchSize: batchSize))
  }
}
