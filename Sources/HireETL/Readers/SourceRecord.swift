/// Something wrong with one record, found by a reader, the mapping or a validator. The message
/// names the field and the rule, never the value, so it is safe to log.
public struct RecordProblem: Equatable, Sendable {
  /// The output field, or the source field for reader problems; nil for the record as a whole.
  public var field: String?
  /// A short rule name such as `required`, `type`, `enum`, `format`, `csv_quote`, `duplicate_key`.
  public var rule: String
  public var message: String

  public init(field: String?, rule: String, message: String) {
    self.field = field
    self.rule = rule
    self.message = message
  }
}

/// The cells of one CSV row, stored back to back in one buffer.
public struct CSVCells {
  public var header: CSVHeader
  public var bytes: [UInt8]
  /// `ends[i]` is where cell i stops in `bytes`; it starts where cell i-1 stops.
  public var ends: [Int]

  public var count: Int { ends.count }

  public func range(_ index: Int) -> Range<Int> {
    (index == 0 ? 0 : ends[index - 1])..<ends[index]
  }

  public func string(_ index: Int) -> String {
    String(decoding: bytes[range(index)], as: UTF8.self)
  }

  /// The cell under a header name; nil when the row has no such column.
  public func string(named name: String) -> String? {
    guard let index = header.index(of: name), index < count else { return nil }
    return string(index)
  }
}

/// A CSV header: column names in order, with a lookup by name.
public final class CSVHeader: Sendable {
  public let names: [String]
  private let indexes: [String: Int]

  public init(names: [String]) {
    self.names = names
    var indexes: [String: Int] = [:]
    for (index, name) in names.enumerated() where indexes[name] == nil {
      indexes[name] = index
    }
    self.indexes = indexes
  }

  public func index(of name: String) -> Int? { indexes[name] }
}

/// One record as a reader produced it.
public struct SourceRecord {
  public enum Content {
    case cells(CSVCells)
    case object(JSONObject)
    /// Text that could not be parsed into fields (invalid JSON, say), kept for the rejects file.
    case unparsed(String)
  }

  /// The line where the record starts, 1-based.
  public var line: Int
  /// The record's number among the data records of the input, 1-based.
  public var number: Int
  public var content: Content
  /// Faults the reader found; a record with any is rejected.
  public var problems: [RecordProblem]

  public init(line: Int, number: Int, content: Content, problems: [RecordProblem] = []) {
    self.line = line
    self.number = number
    self.content = content
    self.problems = problems
  }
}

/// Counts a reader keeps for the report.
public struct ReaderStatistics: Equatable, Sendable {
  /// Blank lines, and CSV rows whose cells are all empty, skipped without producing a record.
  public var blankSkipped = 0
  public var bytesRead = 0
  /// Bytes of decoded text turned into records so far; unlike `bytesRead` it does not count
  /// what is buffered ahead. Zero when the reader does not track it.
  public var bytesParsed = 0
  public var totalBytes: Int?
  public var encoding: TextEncoding = .utf8
  public var notes: [String] = []
}

/// A stage that turns an input into records, pulled one at a time.
public protocol RecordReader: AnyObject {
  /// Returns the next record, nil at the end of input. A malformed record comes back with
  /// `problems` set and reading can go on; a thrown failure means the input cannot be read further.
  func next() throws(ReaderFailure) -> SourceRecord?
  var statistics: ReaderStatistics { get }
  /// The column names, for inputs that have them (CSV), once the header has been read.
  var columnNames: [String]? { get }
}
