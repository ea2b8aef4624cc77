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
  private var encoder = JSONLineEncoder()

  public init(file: OutputFile) {
    self.file = file
  }

  public func write(_ record: OutputRecord) throws(WriterFailure) -> RecordProblem? {
    try file.append { buffer in encoder.encode(record, into: buffer) }
    return nil
  }

  /// Writes lines another thread already encoded.
  func writeEncoded(_ lines: UnsafeRawBufferPointer) throws(WriterFailure) {
    try file.write(lines)
  }

  /// Appends the record's present fields as one compact JSON object.
  static func appendObject(
    _ record: OutputRecord, keys: UnsafeBufferPointer<UInt8>, keyEnds: UnsafeBufferPointer<Int>,
    to out: ByteBuffer
  ) {
    out.appendByte(UInt8(ascii: "{"))
    var first = true
    for index in 0..<record.values.count {
      guard let value = record.values[index] else { continue }
      if !first { out.appendByte(UInt8(ascii: ",")) }
      first = false
      let start = index == 0 ? 0 : keyEnds[index - 1]
      out.appendBytes(UnsafeBufferPointer(rebasing: keys[start..<keyEnds[index]]))
      appendValue(value, of: record, to: out)
    }
    out.appendByte(UInt8(ascii: "}"))
  }

  static func appendValue(_ value: OutputValue, of record: OutputRecord, to out: ByteBuffer) {
    switch value {
    case .null:
      appendLiteral("null", to: out)
    case .text(let range):
      out.appendJSONString(record.bytes(range))
    case .integer(let number):
      appendInteger(number, to: out)
    case .bool(let flag):
      appendLiteral(flag ? "true" : "false", to: out)
    case .json(let index):
      var bytes: [UInt8] = []
      JSONWriter.appendValue(record.jsonValues[index], to: &bytes)
      bytes.withUnsafeBufferPointer { out.appendBytes($0) }
    }
  }

  private static func appendLiteral(_ text: StaticString, to out: ByteBuffer) {
    out.appendBytes(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  /// Appends the decimal digits of `number` without making a String.
  static func appendInteger(_ number: Int, to out: ByteBuffer) {
    if number < 0 { out.appendByte(UInt8(ascii: "-")) }
    var magnitude = number.magnitude
    var digits:
      (
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
      ) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        count += 1
        buffer[buffer.count - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
      } while magnitude > 0
      let start = buffer.baseAddress!.advanced(by: buffer.count - count)
        .assumingMemoryBound(to: UInt8.self)
      out.appendBytes(UnsafeBufferPointer(start: start, count: count))
    }
  }

  public func commit() throws(WriterFailure) { try file.commit() }
  public func discard() { file.discard() }
}

/// Turns records into JSON Lines text, escaping each output name once per set of names.
struct JSONLineEncoder {
  private var keyNames: [String] = []
  /// `"name":` for each output name, back to back; `keyEnds[i]` is where key i stops.
  private var keyBytes: [UInt8] = []
  private var keyEnds: [Int] = []

  /// Appends the record as one line, with its line break.
  mutating func encode(_ record: OutputRecord, into buffer: ByteBuffer) {
    if !record.hasNames(keyNames) {
      keyNames = record.names
      keyBytes = []
      keyEnds = []
      for name in record.names {
        JSONWriter.appendString(name, to: &keyBytes)
        keyBytes.append(UInt8(ascii: ":"))
        keyEnds.append(keyBytes.count)
      }
    }
    keyBytes.withUnsafeBufferPointer { keys in
      keyEnds.withUnsafeBufferPointer { ends in
        JSONLinesRecordWriter.appendObject(record, keys: keys, keyEnds: ends, to: buffer)
      }
    }
    buffer.append(UInt8(ascii: "\n"))
  }
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
  /// The header written when no record comes, so an empty result still has its columns.
  private let expectedColumns: [String]?

  /// Rows kept until `commit` when the columns can grow; nil when the first record sets them.
  private var spool: RowSpool?
  /// The position of each column, when the columns can grow.
  private var columnIndex: [String: Int] = [:]
  /// Columns added after `expectedColumns` for fields that no earlier record had.
  public private(set) var addedColumns: [String] = []

  /// With `growingColumns`, the header starts as `expectedColumns`, and a field that is not one
  /// of the columns yet gets a column of its own at the end instead of rejecting its record. The
  /// rows then wait in a temporary file until `commit`, which pads the rows written before a
  /// column was added.
  public init(
    file: OutputFile, delimiter: UInt8 = UInt8(ascii: ","), excelSafe: Bool = false,
    expectedColumns: [String]? = nil, growingColumns: Bool = false
  ) throws(WriterFailure) {
    self.file = file
    self.delimiter = delimiter
    self.excelSafe = excelSafe
    self.expectedColumns = expectedColumns
    if growingColumns {
      spool = try RowSpool(folder: FileSystem.folder(of: file.path), for: file.path)
      columns = expectedColumns ?? []
      for (index, name) in (expectedColumns ?? []).enumerated() { columnIndex[name] = index }
    }
  }

  /// The header of the file: final once every record was written.
  public var header: [String] { columns ?? expectedColumns ?? [] }

  public func write(_ record: OutputRecord) throws(WriterFailure) -> RecordProblem? {
    if let spool {
      try spoolRow(record, into: spool)
      return nil
    }
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
          message:
            "\(name) is not one of the CSV file's columns, which were set by the first record")
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
    case .json(let index):
      let json = record.jsonValues[index]
      if case .string(let text) = json { return Array(text.utf8) }
      if case .number(let literal) = json { return Array(literal.utf8) }
      var bytes: [UInt8] = []
      JSONWriter.appendValue(json, to: &bytes)
      return bytes
    }
  }

  /// Adds a column for each field of `record` that has none yet, and stores the row.
  private func spoolRow(_ record: OutputRecord, into spool: RowSpool) throws(WriterFailure) {
    var cells = [[UInt8]](repeating: [], count: columns!.count)
    for (index, name) in record.names.enumerated() {
      guard let value = record.values[index] else { continue }
      let column: Int
      if let known = columnIndex[name] {
        column = known
      } else {
        column = columns!.count
        columns!.append(name)
        columnIndex[name] = column
        addedColumns.append(name)
        cells.append([])
      }
      cells[column] = Self.cellBytes(value, of: record)
    }
    line.removeAll(keepingCapacity: true)
    appendRow(cells)
    line.removeLast()
    try spool.append(line, cells: cells.count)
  }

  private func appendRow(_ cells: [[UInt8]]) {
    for (index, cell) in cells.enumerated() {
      if index > 0 { line.append(delimiter) }
      CSVQuoting.append(cell, delimiter: delimiter, excelSafe: excelSafe, to: &line)
    }
    line.append(UInt8(ascii: "\n"))
  }

  public func commit() throws(WriterFailure) {
    if let spool, let columns {
      line.removeAll(keepingCapacity: true)
      appendRow(columns.map { Array($0.utf8) })
      try file.write(line)
      try spool.replay { (row, cells) throws(WriterFailure) in
        line = row
        // A row of c cells has c - 1 delimiters, and an empty row one cell.
        line += repeatElement(delimiter, count: columns.count - max(cells, 1))
        line.append(UInt8(ascii: "\n"))
        try file.write(line)
      }
      self.spool = nil
    } else if columns == nil, let expectedColumns {
      line.removeAll(keepingCapacity: true)
      appendRow(expectedColumns.map { Array($0.utf8) })
      try file.write(line)
    }
    try file.commit()
  }
  public func discard() {
    spool = nil
    file.discard()
  }
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
