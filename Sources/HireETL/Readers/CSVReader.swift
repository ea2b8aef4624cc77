/// Reads a CSV file into records whose cells line up with the header. Values stay text: nothing
/// is guessed as a number, so phone numbers and ids keep their leading zeros.
public final class CSVReader: RecordReader {
  private static let readAheadBytes = 64 * 1024

  private let stream: UTF8Stream
  private let path: String
  private let options: CSVOptions
  private var parser: CSVParser?
  private var header: CSVHeader?
  /// Columns the header had before its empty trailing cells were dropped.
  private var rawHeaderCount = 0
  private var recordCount = 0
  private var blankSkipped = 0
  /// The failure that stopped the read, thrown again by every later call.
  private var failure: ReaderFailure?
  public private(set) var delimiter: UInt8 = UInt8(ascii: ",")

  public var columnNames: [String]? { header?.names }

  public var statistics: ReaderStatistics {
    var statistics = ReaderStatistics()
    statistics.blankSkipped = blankSkipped
    statistics.bytesRead = stream.rawBytesRead
    statistics.bytesParsed = parser?.parsedBytes ?? 0
    statistics.totalBytes = stream.totalBytes
    statistics.encoding = stream.detectedEncoding
    statistics.notes = stream.notes.map(\.message)
    return statistics
  }

  public init(source: ByteSource, path: String, options: CSVOptions) {
    self.stream = UTF8Stream(source: source, path: path, encoding: options.encoding)
    self.path = path
    self.options = options
  }

  public func next() throws(ReaderFailure) -> SourceRecord? {
    if let failure { throw failure }
    do {
      return try nextRecord()
    } catch {
      failure = error
      throw error
    }
  }

  private func nextRecord() throws(ReaderFailure) -> SourceRecord? {
    let parser = try preparedParser()
    guard try nextDataRow(parser) else { return nil }
    parser.publishRow()
    return makeRecord(parser)
  }

  /// Reads up to `maxRows` data rows straight into a batch, without making a record of each.
  /// Returns false when the input ended. The row pipeline's reading thread uses this.
  func readRows(into batch: RowBatch, maxRows: Int) throws(ReaderFailure) -> Bool {
    if let failure { throw failure }
    do {
      let parser = try preparedParser()
      parser.parse(into: batch.bytes)
      defer { parser.parse(into: nil) }
      // The header is fixed once the first data row is read, so one lookup serves the batch.
      var columnCount: Int?
      for _ in 0..<maxRows {
        guard try nextDataRow(parser) else { return false }
        if columnCount == nil {
          let header = currentHeader(parser)
          if batch.header !== header { batch.header = header }
          columnCount = header.names.count
        }
        batch.appendParsedRow(
          start: parser.rowStart, ends: parser.cellEnds, line: parser.rowLine,
          number: recordCount)
        // Most rows have no problem, so the list is built only for the others.
        if !parser.problems.isEmpty || parser.cellEnds.count != columnCount {
          batch.setReaderProblems(rowProblems(parser), ofRow: batch.count - 1)
        }
      }
      return true
    } catch {
      failure = error
      throw error
    }
  }

  /// Moves the parser to the next row with data in it, reading the header and skipping blank
  /// rows on the way.
  private func nextDataRow(_ parser: CSVParser) throws(ReaderFailure) -> Bool {
    while try parser.nextRow() {
      if header == nil {
        try readHeader(parser)
        parser.discardRow()
        continue
      }
      // Cell ends never decrease, so the row is blank when its last cell ends at 0.
      if (parser.cellEnds.last ?? 0) == 0 && parser.problems.isEmpty {
        blankSkipped += 1
        parser.discardRow()
        continue
      }
      recordCount += 1
      return true
    }
    return false
  }

  private func preparedParser() throws(ReaderFailure) -> CSVParser {
    if let parser { return parser }
    let prefix = ByteBuffer(capacity: Self.readAheadBytes)
    while prefix.count < Self.readAheadBytes {
      let chunk = try stream.nextChunk()
      if chunk.isEmpty { break }
      prefix.append(chunk)
    }
    let readAhead = prefix.bytes(0..<prefix.count)
    var skip = 0
    let excelLine = CSVDialect.excelSeparatorLine(readAhead)
    // A `sep=` line is skipped either way; a delimiter set in the job file wins over it.
    if let (_, length) = excelLine { skip = length }
    if let chosen = options.delimiter {
      delimiter = chosen
    } else if let (separator, _) = excelLine {
      delimiter = separator
    } else if path.lowercased().hasSuffix(".tsv") {
      delimiter = UInt8(ascii: "\t")
    } else {
      delimiter = CSVDialect.sniff(
        readAhead, quote: options.quote, rowsAbove: max(options.headerRow - 1, 0))
    }
    let parser = CSVParser(
      stream: stream, path: path, options: options, delimiter: delimiter, prefix: prefix)
    if skip > 0 { parser.skipFirstLine(byteCount: skip) }
    self.parser = parser
    if options.headerRow == 0 { header = CSVHeader(names: []) }
    return parser
  }

  /// Skips the rows above the header and takes the column names from the header row.
  private func readHeader(_ parser: CSVParser) throws(ReaderFailure) {
    var rowsLeft = options.headerRow - 1
    while rowsLeft > 0 {
      rowsLeft -= 1
      parser.discardRow()
      guard try parser.nextRow() else { break }
    }
    if rowsLeft > 0 || parser.cellEnds.isEmpty {
      throw ReaderFailure(
        SourceLocation(file: path), "the file ends before header row \(options.headerRow)")
    }
    parser.publishRow()
    let location = SourceLocation(file: path, line: parser.rowLine)
    if let problem = parser.problems.first {
      throw ReaderFailure(location, "the header row is malformed: \(problem.message)")
    }
    rawHeaderCount = parser.cellEnds.count
    var names: [String] = (0..<parser.cellEnds.count).map { index in
      let start = index == 0 ? 0 : parser.cellEnds[index - 1]
      return TextTrim.trim(
        String(decoding: parser.cells[start..<parser.cellEnds[index]], as: UTF8.self))
    }
    while let last = names.last, last.isEmpty { names.removeLast() }
    if names.isEmpty {
      throw ReaderFailure(
        location, "the header row is empty; set `header_row` to the row that names the columns")
    }
    header = CSVHeader(names: try uniqueNames(named(names), location: location))
  }

  /// Names empty header cells in the middle `column_N` after their 1-based position.
  private func named(_ names: [String]) -> [String] {
    names.enumerated().map { index, name in name.isEmpty ? "column_\(index + 1)" : name }
  }

  private func uniqueNames(
    _ names: [String], location: SourceLocation
  ) throws(ReaderFailure) -> [String] {
    var firstSeen: [String: Int] = [:]
    var result: [String] = []
    for (index, name) in names.enumerated() {
      guard let earlier = firstSeen[name] else {
        firstSeen[name] = index
        result.append(name)
        continue
      }
      if options.duplicateColumns == .reject {
        let escapedName = name.escapingControlCharacters
        throw ReaderFailure(
          location,
          "columns \(earlier + 1) and \(index + 1) are both named '\(escapedName)'; rename one, or set "
            + "`duplicate_columns: number` to read them as '\(escapedName)' and '\(escapedName)_2'")
      }
      var suffix = 2
      while firstSeen["\(name)_\(suffix)"] != nil || names.contains("\(name)_\(suffix)") {
        suffix += 1
      }
      firstSeen["\(name)_\(suffix)"] = index
      result.append("\(name)_\(suffix)")
    }
    return result
  }

  private func makeRecord(_ parser: CSVParser) -> SourceRecord {
    let cells = CSVCells(header: currentHeader(parser), bytes: parser.cells, ends: parser.ends)
    return SourceRecord(
      line: parser.rowLine, number: recordCount, content: .cells(cells),
      problems: rowProblems(parser))
  }

  /// Returns the header, made up from the first row's width for a file without one.
  private func currentHeader(_ parser: CSVParser) -> CSVHeader {
    var header = self.header!
    if header.names.isEmpty {
      header = CSVHeader(names: (1...max(parser.cellEnds.count, 1)).map { "column_\($0)" })
      self.header = header
      rawHeaderCount = header.names.count
    }
    return header
  }

  /// Returns the parser's problems with the row, plus a field count that does not match the
  /// header.
  private func rowProblems(_ parser: CSVParser) -> [RecordProblem] {
    let header = currentHeader(parser)
    var problems = parser.problems
    let expected = header.names.count
    let found = parser.cellEnds.count
    if found < expected {
      problems.append(
        RecordProblem(
          field: nil, rule: "csv_columns",
          message:
            "line \(parser.rowLine) has \(found) field\(found == 1 ? "" : "s") but the header has \(expected)"
        ))
    } else if found > expected && !extraCellsAreEmpty(parser, from: expected) {
      problems.append(
        RecordProblem(
          field: nil, rule: "csv_columns",
          message:
            "line \(parser.rowLine) has \(found) field\(found == 1 ? "" : "s") but the header has \(expected)"
        ))
    }
    return problems
  }

  /// True when the cells past the named columns are empty and fall under empty header cells,
  /// as in exports whose header ends with a run of delimiters.
  private func extraCellsAreEmpty(_ parser: CSVParser, from index: Int) -> Bool {
    guard parser.cellEnds.count <= rawHeaderCount else { return false }
    let start = parser.cellEnds[index - 1]
    return parser.cellEnds.last! == start
  }
}
