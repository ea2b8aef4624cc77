import Foundation
import Testing

@testable import HireETL

/// A fresh folder under the system's temporary folder, removed with everything in it when the
/// value is released.
final class TemporaryFolder {
  let path: String

  init() {
    var template = Array((NSTemporaryDirectory() + "hire-etl-test-XXXXXX").utf8CString)
    let created = template.withUnsafeMutableBufferPointer { buffer in
      mkdtemp(buffer.baseAddress!)
    }
    guard let created else { fatalError("mkdtemp failed: \(String(cString: strerror(errno)))") }
    path = String(cString: created)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }

  /// Returns the absolute path of `relative` inside the folder.
  func path(_ relative: String) -> String {
    path + "/" + relative
  }

  /// Writes `text` to `relative`, creating the folders on the way.
  func write(_ relative: String, _ text: String) {
    write(relative, bytes: Array(text.utf8))
  }

  func write(_ relative: String, bytes: [UInt8]) {
    let url = URL(fileURLWithPath: path(relative))
    try! FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try! Data(bytes).write(to: url)
  }

  /// Reads the file's text; nil when there is no such file.
  func read(_ relative: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path(relative)) else { return nil }
    return String(decoding: data, as: UTF8.self)
  }

  func exists(_ relative: String) -> Bool {
    FileManager.default.fileExists(atPath: path(relative))
  }

  /// Removes a file or a folder with everything in it; nothing happens when there is none.
  func remove(_ relative: String) {
    try? FileManager.default.removeItem(atPath: path(relative))
  }

  /// Returns the permission bits of a file, such as 0o600.
  func permissions(_ relative: String) -> Int? {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path(relative))
    return (attributes?[.posixPermissions] as? NSNumber)?.intValue
  }

  /// Lists the names in a subfolder, sorted, hidden files included.
  func list(_ relative: String = ".") -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path(relative))) ?? []).sorted()
  }
}

/// What one call of `CommandLineInterface.main` returned and printed.
struct CommandResult {
  var status: Int32
  var out: String
  var error: String
}

/// Collects what a `Console` prints.
private final class ConsoleCapture {
  var out = ""
  var error = ""
}

/// Runs the command line as the executable would, with its output captured.
func runCommandLine(_ arguments: [String], environment: [String: String] = [:]) -> CommandResult {
  let capture = ConsoleCapture()
  let console = Console(
    out: { capture.out += $0 }, error: { capture.error += $0 }, errorIsTerminal: false)
  let status = CommandLineInterface.main(
    arguments: arguments, environment: environment, console: console)
  return CommandResult(status: status, out: capture.out, error: capture.error)
}

/// Job file problems as `line:column: message`, the way `check` prints them after the file name.
func positioned(_ errors: [JobFileError]) -> [String] {
  errors.map { error in
    guard let mark = error.mark else { return error.message }
    return "\(mark.line):\(mark.column): \(error.message)"
  }
}

/// Loads a job file written to a temporary folder; returns the job or its problems.
func loadJob(
  _ text: String, fileName: String = "job.yaml", environment: [String: String] = [:]
) -> (job: Job?, problems: [String]) {
  let folder = TemporaryFolder()
  folder.write(fileName, text)
  do {
    return (try JobDecoder.load(path: folder.path(fileName), environment: environment), [])
  } catch {
    return (nil, positioned(error.errors))
  }
}

/// Decodes a `map:` block written in YAML; returns the mappings and any problems.
func decodeMap(_ yaml: String) -> (mappings: [FieldMapping], problems: [String]) {
  let root: YAMLNode
  do {
    root = try YAMLLoader.load(Array(yaml.utf8))
  } catch {
    return ([], ["\(error.mark.line):\(error.mark.column): \(error.message)"])
  }
  let reader = JobNodeReader(file: "job.yaml", variables: Variables(environment: [:]))
  let mappings = MapDecoder(reader: reader).decode(root) ?? []
  return (mappings, positioned(reader.errors))
}

/// One record after mapping and validation: the output object as compact JSON, and the
/// problems found on the way.
struct ProcessedRecord: Equatable, CustomStringConvertible {
  var json: String
  var problems: [RecordProblem]

  var messages: [String] { problems.map(\.message) }
  var description: String { "\(json) \(messages)" }
}

/// Reads every record of `reader`, maps it with the `map:` block in `map` (nil passes fields
/// through) and validates it against `schema`, the way a step does before writing.
func process(
  _ reader: any RecordReader, map: String?, schema: Schema? = nil
) throws -> [ProcessedRecord] {
  var mappings: [FieldMapping]?
  if let map {
    let decoded = decodeMap(map)
    try #require(decoded.problems == [])
    mappings = decoded.mappings
  }
  let mapper = Mapper(mappings: mappings)
  let validator = schema.map { Validator(schema: $0) }
  let names = mapper.outputNames ?? []
  var output = OutputRecord(names: validator?.completedNames(names) ?? names)
  var results: [ProcessedRecord] = []
  while let record = try reader.next() {
    var problems = record.problems
    output.reset()
    if problems.isEmpty {
      if case .cells(let cells) = record.content { try mapper.bind(header: cells.header) }
      mapper.map(record, into: &output, problems: &problems)
      validator?.validate(&output, problems: &problems)
    }
    var bytes: [UInt8] = []
    JSONWriter.appendValue(.object(output.jsonObject()), to: &bytes)
    results.append(
      ProcessedRecord(json: String(decoding: bytes, as: UTF8.self), problems: problems))
  }
  return results
}

/// Maps and validates CSV text.
func processCSV(_ csv: String, map: String?, schema: Schema? = nil) throws -> [ProcessedRecord] {
  let source = MemoryByteSource(Array(csv.utf8))
  return try process(
    CSVReader(source: source, path: "input.csv", options: CSVOptions()), map: map, schema: schema)
}

/// Maps and validates JSON Lines text.
func processJSONLines(
  _ lines: String, map: String?, schema: Schema? = nil
) throws -> [ProcessedRecord] {
  let source = MemoryByteSource(Array(lines.utf8))
  return try process(
    JSONLinesReader(source: source, path: "input.jsonl", encoding: .utf8), map: map,
    schema: schema)
}
