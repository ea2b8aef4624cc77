import Foundation
import Testing

@testable import HireETL

/// Read sizes that every reader case runs at. The small sizes split line breaks, quotes and
/// multi-byte characters across reads, and `Int.max` delivers the whole input in one read.
let readerChunkSizes = [1, 2, 3, 7, Int.max]

/// A record reduced to plain values that compare with `==`, so a whole read can be checked in
/// one expectation.
struct ReadRecord: Equatable, CustomStringConvertible {
  var line: Int
  var number: Int
  /// The cell texts of a CSV record, nil for other content.
  var cells: [String]?
  /// The object of a JSON Lines record, nil for other content.
  var object: JSONObject?
  /// The raw text of a record that could not be parsed, nil for other content.
  var unparsed: String?
  var problems: [RecordProblem]

  init(_ record: SourceRecord) {
    line = record.line
    number = record.number
    problems = record.problems
    switch record.content {
    case .cells(let cells):
      self.cells = (0..<cells.count).map { cells.string($0) }
    case .object(let object):
      self.object = object
    case .unparsed(let text):
      unparsed = text
    }
  }

  var description: String {
    var text = "line \(line) #\(number)"
    if let cells { text += " cells \(cells)" }
    if let object { text += " object \(object)" }
    if let unparsed { text += " unparsed \(unparsed.debugDescription)" }
    for problem in problems { text += " [\(problem.rule): \(problem.message)]" }
    return text
  }
}

/// Everything that one read to the end of the input produced.
struct ReadResult {
  var records: [ReadRecord] = []
  /// The failure that stopped the read, nil when it reached the end of the input.
  var failure: ReaderFailure?
  var statistics = ReaderStatistics()
  var columnNames: [String]?

  /// The `line` of every record, in order.
  var lines: [Int] { records.map(\.line) }
  /// The cells of every record, in order. Records without cells are left out.
  var rows: [[String]] { records.compactMap(\.cells) }
  /// The problems of every record, in order, one list per record.
  var problems: [[RecordProblem]] { records.map(\.problems) }
}

/// Pulls records from `reader` until the end of the input or a failure.
func readAll(_ reader: any RecordReader) -> ReadResult {
  var result = ReadResult()
  do {
    while let record = try reader.next() {
      result.records.append(ReadRecord(record))
    }
  } catch {
    result.failure = error
  }
  result.statistics = reader.statistics
  result.columnNames = reader.columnNames
  return result
}

/// Reads CSV `bytes` served `chunkSize` bytes at a time.
func readCSV(
  _ bytes: [UInt8], chunkSize: Int, path: String = "input.csv", options: CSVOptions = CSVOptions()
) -> ReadResult {
  let source = MemoryByteSource(bytes, chunkSize: chunkSize)
  return readAll(CSVReader(source: source, path: path, options: options))
}

/// Reads JSON Lines `bytes` served `chunkSize` bytes at a time.
func readJSONLines(
  _ bytes: [UInt8], chunkSize: Int, path: String = "input.jsonl", encoding: TextEncoding = .auto
) -> ReadResult {
  let source = MemoryByteSource(bytes, chunkSize: chunkSize)
  return readAll(JSONLinesReader(source: source, path: path, encoding: encoding))
}

/// Encodes `text` as UTF-16 with a byte order mark.
func utf16Bytes(_ text: String, bigEndian: Bool) -> [UInt8] {
  var bytes: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
  for unit in text.utf16 {
    let high = UInt8(unit >> 8)
    let low = UInt8(unit & 0xFF)
    bytes += bigEndian ? [high, low] : [low, high]
  }
  return bytes
}

/// The shared folder of third-party test inputs, which lies beside the repository and is not
/// part of it, so a fresh clone has no such folder.
enum Corpus {
  /// The repository root is three levels above this file, `Tests/HireETLTests/TestSupport.swift`.
  static let folder: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("../shared/corpus")
    .standardizedFileURL

  static var isAvailable: Bool {
    var isFolder: ObjCBool = false
    return FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder)
      && isFolder.boolValue
  }

  /// Returns the path of a file given relative to the corpus folder.
  static func path(_ relativePath: String) -> String {
    folder.appendingPathComponent(relativePath).path
  }

  /// Lists the names of the files in a corpus subfolder that end with `suffix`, sorted. The list
  /// is empty when the corpus is absent.
  static func fileNames(in subfolder: String, endingWith suffix: String) -> [String] {
    let names = try? FileManager.default.contentsOfDirectory(atPath: path(subfolder))
    return (names ?? []).filter { $0.hasSuffix(suffix) }.sorted()
  }
}
