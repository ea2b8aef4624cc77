/// Reads a job file into a `Job`, reporting every problem with file, line and column.
public enum JobDecoder {
  static let topKeys = ["version", "name", "state", "api", "steps"]
  static let apiKeys = [
    "base_url", "api_key", "api_key_file", "rate_limit", "burst", "concurrency", "timeout",
    "retries", "page_size", "sandbox_seed",
  ]
  static let stepKeys = ["name", "read", "key", "map", "validate", "write", "rejects"]
  static let readKeys = [
    "path", "format", "encoding", "delimiter", "quote", "header_row", "lenient_quotes",
    "duplicate_columns", "field_size_limit", "preset", "record", "fields", "resource", "filter",
    "since", "namespaces", "html_entities", "strip_control_chars", "huge",
  ]
  static let writeKeys = [
    "path", "format", "excel_safe", "delimiter", "resource", "mode", "batch_size",
  ]
  /// The newest job file version this build understands.
  public static let supportedVersion = 1

  /// Loads and checks the job file at `path`.
  public static func load(path: String, environment: [String: String]) throws(JobFileErrors) -> Job
  {
    let bytes: [UInt8]
    do {
      bytes = try readWholeFile(path)
    } catch {
      throw JobFileErrors(errors: [JobFileError(file: path, mark: nil, message: error.message)])
    }
    let root: YAMLNode
    do {
      root = try YAMLLoader.load(bytes)
    } catch {
      throw JobFileErrors(errors: [
        JobFileError(file: path, mark: error.mark, message: error.message)
      ])
    }
    let reader = JobNodeReader(file: path, variables: Variables(environment: environment))
    let job = decode(root, path: path, reader: reader)
    if let job, reader.errors.isEmpty { return job }
    throw JobFileErrors(errors: inFileOrder(reader.errors))
  }

  /// Sorts the problems by line and column. Decoding checks a mapping's own keys before it
  /// descends into their values, so it finds problems out of file order.
  static func inFileOrder(_ errors: [JobFileError]) -> [JobFileError] {
    let sorted = errors.enumerated().sorted { first, second in
      let firstMark = first.element.mark ?? SourceMark(line: 0, column: 0)
      let secondMark = second.element.mark ?? SourceMark(line: 0, column: 0)
      return (firstMark.line, firstMark.column, first.offset)
        < (secondMark.line, secondMark.column, second.offset)
    }
    return sorted.map(\.element)
  }

  static func readWholeFile(_ path: String) throws(InputError) -> [UInt8] {
    let source = try FileByteSource(path: path)
    var bytes: [UInt8] = []
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 8)
    defer { chunk.deallocate() }
    while true {
      let count = try source.read(into: chunk)
      if count == 0 { return bytes }
      bytes += UnsafeRawBufferPointer(rebasing: chunk[..<count])
    }
  }

  private static func decode(_ root: YAMLNode, path: String, reader: JobNodeReader) -> Job? {
    guard let top = reader.entries(root, in: "the job file", allowed: topKeys) else { return nil }
    guard let versionEntry = top["version"] else {
      reader.fail(root.mark, "the job file has no `version:`; add `version: 1` at the top")
      return nil
    }
    guard let versionText = reader.string(versionEntry.value, "version") else { return nil }
    guard let version = Int(versionText.trimmingSpaces()), version >= 1 else {
      reader.fail(
        versionEntry.value.mark,
        "version must be a whole number; this hire-etl reads version \(supportedVersion)")
      return nil
    }
    if version > supportedVersion {
      reader.fail(
        versionEntry.value.mark,
        "this job file is version \(version), but this hire-etl reads version "
          + "\(supportedVersion) only; upgrade hire-etl")
      return nil
    }
    let folder = FileSystem.folder(of: path)
    let defaultName = Self.baseName(of: path)
    let name = reader.string(top["name"]?.value, "name") ?? defaultName
    let state =
      reader.string(top["state"]?.value, "state").map {
        FileSystem.resolve($0, against: folder)
      } ?? FileSystem.resolve(".hire-etl/\(name).sqlite", against: folder)
    let api = top["api"].flatMap { decodeAPI($0.value, reader: reader) }
    guard let stepsEntry = top["steps"] else {
      reader.fail(root.mark, "the job file has no `steps:`; add at least one step")
      return nil
    }
    guard case .sequence(let stepNodes, _) = stepsEntry.value, !stepNodes.isEmpty else {
      reader.fail(stepsEntry.value.mark, "`steps:` must be a list with at least one step")
      return nil
    }
    var steps: [Step] = []
    var seen: [String: SourceMark] = [:]
    for node in stepNodes {
      guard let step = StepDecoder(reader: reader, folder: folder, api: api).decode(node) else {
        continue
      }
      if let earlier = seen[step.name] {
        reader.fail(
          step.mark,
          "a step named '\(step.name)' already exists (at \(earlier)); step names must be unique")
      }
      seen[step.name] = step.mark
      steps.append(step)
    }
    checkLookups(steps, reader: reader)
    return Job(
      filePath: path, folder: folder, version: version, name: name, statePath: state, api: api,
      steps: steps)
  }

  /// A `lookup:` must name an earlier step.
  private static func checkLookups(_ steps: [Step], reader: JobNodeReader) {
    for (position, step) in steps.enumerated() {
      for mapping in step.map ?? [] {
        guard let target = mapping.rule.lookupStep else { continue }
        let earlier = steps[..<position].map(\.name)
        if let source = steps[..<position].first(where: { $0.name == target }),
          case .file = source.output
        {
          reader.fail(
            mapping.mark,
            "lookup: step '\(target)' writes to a file, so it creates no ids to look up; "
              + "lookups need a step that writes to the API")
        } else if !earlier.contains(target) {
          var message = "lookup: '\(target)' is not an earlier step"
          if let near = NearMatch.closest(to: target, among: earlier) {
            message += "; did you mean '\(near)'?"
          }
          reader.fail(mapping.mark, message)
        }
      }
    }
  }

  static func baseName(of path: String) -> String {
    var name = FileSystem.fileName(of: path)
    for suffix in [".yaml", ".yml", ".json"] where name.hasSuffix(suffix) {
      name.removeLast(suffix.count)
    }
    return name
  }

  private static func decodeAPI(_ node: YAMLNode, reader: JobNodeReader) -> APISettings? {
    guard let entries = reader.entries(node, in: "api", allowed: apiKeys) else { return nil }
    guard let baseURL = reader.string(entries["base_url"]?.value, "base_url") else {
      reader.fail(node.mark, "api needs `base_url:` (the account's API address, or `sandbox`)")
      return nil
    }
    var settings = APISettings(baseURL: baseURL)
    // A key entry that could not be read (an unset variable, say) already has its error, so it
    // becomes an empty value, and the key is not also reported as missing.
    if let node = entries["api_key"]?.value {
      settings.apiKey = reader.string(node, "api_key") ?? ""
    }
    if let node = entries["api_key_file"]?.value {
      settings.apiKeyFile = reader.string(node, "api_key_file") ?? ""
    }
    if let node = entries["rate_limit"]?.value, let text = reader.string(node, "rate_limit") {
      if let rate = parseRate(text) {
        settings.requestsPerSecond = rate
      } else {
        reader.fail(node.mark, "rate_limit must look like 5/s or 300/min")
      }
    }
    settings.burst =
      reader.integer(entries["burst"]?.value, "burst", range: 1...10_000) ?? settings.burst
    settings.concurrency =
      reader.integer(entries["concurrency"]?.value, "concurrency", range: 1...64)
      ?? settings.concurrency
    settings.retries =
      reader.integer(entries["retries"]?.value, "retries", range: 0...100) ?? settings.retries
    settings.pageSize =
      reader.integer(entries["page_size"]?.value, "page_size", range: 1...100) ?? settings.pageSize
    if let node = entries["sandbox_seed"]?.value {
      settings.sandboxSeed = reader.integer(node, "sandbox_seed", range: 0...100_000)
      if baseURL != "sandbox" {
        reader.fail(
          node.mark, "sandbox_seed needs `base_url: sandbox`; remove it for a real account")
      }
    }
    if let node = entries["timeout"]?.value, let text = reader.string(node, "timeout") {
      if let seconds = parseDuration(text) {
        settings.timeoutSeconds = seconds
      } else {
        reader.fail(node.mark, "timeout must look like 30s, 500ms or 2m")
      }
    }
    return settings
  }

  /// Requests per second from "5/s", "300/min" or "2/m".
  public static func parseRate(_ text: String) -> Double? {
    let parts = text.replacingAll(" ", with: "").split(separator: "/")
    guard parts.count == 2, let count = Double(parts[0]), count > 0 else { return nil }
    switch parts[1] {
    case "s", "sec", "second": return count
    case "m", "min", "minute": return count / 60
    case "h", "hour": return count / 3600
    default: return nil
    }
  }

  /// Seconds from "30s", "500ms", "2m" or a bare number of seconds.
  public static func parseDuration(_ text: String) -> Double? {
    let trimmed = text.trimmingSpaces()
    for (suffix, scale) in [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)] {
      if trimmed.hasSuffix(suffix), let value = Double(trimmed.dropLast(suffix.count)), value >= 0 {
        return value * scale
      }
    }
    return Double(trimmed).flatMap { $0 >= 0 ? $0 : nil }
  }
}
