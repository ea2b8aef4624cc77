/// A stage that writes mapped records somewhere and can make them appear all at once.
public protocol RecordWriter: AnyObject {
  /// Writes one record; returns a problem when this record cannot be written in this format
  /// (the record is then rejected), and throws when the output itself fails.
  func write(_ record: OutputRecord) throws(WriterFailure) -> RecordProblem?
  /// Makes everything written so far appear at the final path.
  func commit() throws(WriterFailure)
  /// Drops everything written; the final path is left as it was.
  func discard()
}

/// Writes one JSON object a line, fields in output order. U+2028 and U+2029 are escaped, so
/// every line is also valid JavaScript.
public final class JSONLinesRecordWriter: RecordWriter {
  private let file: OutputFile
  private var line: [UInt8] = []
  private var keyNames: [String] = []
  /// `"name":` for each output name, escaped once.
  private var keyBytes: [[UInt8]] = []

  public init(file: OutputFile) {
    self.file = file
    line.reserveCapacity(4096)
  }

  public func write(_ record: OutputRecord) throws(WriterFailure) -> RecordProblem? {
    if record.names != keyNames {
      keyNames = record.names
      keyBytes = record.names.map { name in
        var bytes: [UInt8] = []
        JSONWriter.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        return bytes
      }
    }
    line.removeAll(keepingCapacity: true)
    Self.appendObject(record, keys: keyBytes, to: &line)
    line.append(UInt8(ascii: "\n"))
    try file.write(line)
    return nil
  }

  /// Appends the record's present fields as one compact JSON object.
  static func appendObject(_ record: OutputRecord, keys: [[UInt8]], to line: inout [UInt8]) {
    line.append(UInt8(ascii: "{"))
    var first = true
    for index in record.values.indices {
      guard let value = record.values[index] else { continue }
      if !first { line.append(UInt8(ascii: ",")) }
      first = false
      line.append(contentsOf: keys[index])
      appendValue(value, of: record, to: &line)
    }
    line.append(UInt8(ascii: "}"))
  }

  static func appendValue(_ value: OutputValue, of record: OutputRecord, to line: inout [UInt8]) {
    switch value {
    case .null:
      line.append(contentsOf: "null".utf8)
    case .text(let range):
      JSONWriter.appendString(record.bytes(range), to: &line)
    case .integer(let number):
      line.append(contentsOf: String(number).utf8)
    case .bool(let flag):
      line.append(contentsOf: (flag ? "true" : "false").utf8)
    case .json(let json):
      JSONWriter.appendValue(json, to: &line)
    }
  }

  public func commit() throws(WriterFailure) { try file.commit() }
  public func discard() { file.discard() }
}

/// Writes CSV with a header row taken from the first record. Fields are quoted only when they
/// contain the delimiter, a quote or a line break; lines end with `\n`.
public final class CSVRecordWriter: RecordWriter {
  private let file: OutputFile
  private let delimiter: UInt8
  private let excelSafe: Bool
  private var columns: [String]?
  private var line: [UInt8] = []

  /// With `excelSafe`, a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets
  /// a leading `'`, so a spreadsheet shows it as text instead of running it as a formula.
  public init(file: OutputFile, delimiter: UInt8 = UInt8(ascii: ","), excelSafe: Bool = false) {
    self.file = file
    self.delimiter = delimiter
    self.excelSafe = excelSafe
  }

  public func write(_ record: OutputRecord) throws(WriterFailure) -> RecordProblem? {
    if columns == nil {
      columns = record.names
      line.removeAll(keepingCapacity: true)
      appendRow(record.names.map { Array($0.utf8) })
      try file.write(line)
    }
    let columns = self.columns!
    var cells = [[UInt8]](repeating: [], count: columns.count)
    for (index, name) in record.names.enumerated() {
      guard let value = record.values[index] else { continue }
      guard let column = record.names == columns ? index : columns.firstIndex(of: name) else {
        if case .null = value { continue }
        return RecordProblem(
          field: name, rule: "csv_columns",
          message: "\(name) is not one of the CSV file's columns, which were set by the first record")
      }
      cells[column] = Self.cellBytes(value, of: record)
    }
    line.removeAll(keepingCapacity: true)
    appendRow(cells)
    try file.write(line)
    return nil
  }

  private static func cellBytes(_ value: OutputValue, of record: OutputRecord) -> [UInt8] {
    switch value {
    case .null: return []
    case .text(let range): return Array(record.bytes(range))
    case .integer(let number): return Array(String(number).utf8)
    case .bool(let flag): return Array((flag ? "true" : "false").utf8)
    case .json(.string(let text)): return Array(text.utf8)
    case .json(.number(let literal)): return Array(literal.utf8)
    case .json(let json):
      var bytes: [UInt8] = []
      JSONWriter.appendValue(json, to: &bytes)
      return bytes
    }
  }

  private func appendRow(_ cells: [[UInt8]]) {
    for (index, cell) in cells.enumerated() {
      if index > 0 { line.append(delimiter) }
      CSVQuoting.append(cell, delimiter: delimiter, excelSafe: excelSafe, to: &line)
    }
    line.append(UInt8(ascii: "\n"))
  }

  public func commit() throws(WriterFailure) { try file.commit() }
  public func discard() { file.discard() }
}

/// CSV field quoting shared by the CSV writer and the rejects file.
enum CSVQuoting {
  static func append(_ cell: [UInt8], delimiter: UInt8, excelSafe: Bool, to line: inout [UInt8]) {
    let quote = UInt8(ascii: "\"")
    let formulaStart: Bool
    if excelSafe, let first = cell.first {
      formulaStart = "=+-@\t\r".utf8.contains(first)
    } else {
      formulaStart = false
    }
    let needsQuotes = cell.contains {
      $0 == delimiter || $0 == quote || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r")
    }
    if needsQuotes { line.append(quote) }
    if formulaStart { line.append(UInt8(ascii: "'")) }
    for byte in cell {
      if byte == quote { line.append(quote) }
      line.append(byte)
    }
    if needsQuotes { line.append(quote) }
  }
}
