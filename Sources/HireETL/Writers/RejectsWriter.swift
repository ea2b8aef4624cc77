/// Collects the records a step rejects, with their problems, into a file that appears when the
/// step ends. A `.csv` path gets the original columns plus `_row` and `_errors` (and `_extra` and
/// `_record` for input other than CSV), so it can be fixed and read back as input. Any other
/// path gets JSON Lines with `row`, `errors` and the original `record`. Both are created with
/// mode 0600 because they hold personal data.
public final class RejectsWriter {
  public let path: String
  private let asCSV: Bool
  private var file: OutputFile?
  private var csvColumns: [String]?
  /// The columns of `csvColumns` that take a field of the same name, for input other than CSV.
  private var objectColumnSet: Set<String> = []
  private var line: [UInt8] = []
  public private(set) var count = 0

  /// Columns added after the record's own in a CSV rejects file.
  private static let ownColumns = ["_row", "_errors"]
  /// Columns added after `ownColumns` for input other than CSV.
  private static let objectColumns = ["_extra", "_record"]

  public init(path: String) {
    self.path = path
    self.asCSV = path.lowercased().hasSuffix(".csv")
  }

  public func add(_ record: SourceRecord, problems: [RecordProblem]) throws(WriterFailure) {
    if file == nil { file = try OutputFile(path: path, mode: 0o600) }
    count += 1
    line.removeAll(keepingCapacity: true)
    if asCSV {
      appendCSV(record, problems: problems)
    } else {
      appendJSON(record, problems: problems)
    }
    try file!.write(line)
  }

  private func appendCSV(_ record: SourceRecord, problems: [RecordProblem]) {
    let row = Array(String(record.line).utf8)
    let errors = Array(problems.map(\.message).joined(separator: "; ").utf8)
    switch record.content {
    case .cells(let cells):
      appendCSVCells(cells, row: row, errors: errors)
    case .object(let object):
      appendCSVObject(object, unparsedText: nil, row: row, errors: errors)
    case .unparsed(let text):
      appendCSVObject(JSONObject(), unparsedText: text, row: row, errors: errors)
    }
  }

  /// Writes a row of CSV input under the input's header. Earlier `_row` and `_errors` columns (a
  /// rejects file read back) are replaced, and cells past the end of the header are kept after
  /// `_errors`, so nothing of the row is lost.
  private func appendCSVCells(_ cells: CSVCells, row: [UInt8], errors: [UInt8]) {
    let names = cells.header.names
    if csvColumns == nil {
      let header = names.filter { !Self.ownColumns.contains($0) } + Self.ownColumns
      csvColumns = header
      appendCSVRow(header.map { Array($0.utf8) })
    }
    var byName: [String: [UInt8]] = ["_row": row, "_errors": errors]
    for index in 0..<min(names.count, cells.count) where byName[names[index]] == nil {
      byName[names[index]] = Array(cells.bytes[cells.range(index)])
    }
    var output = csvColumns!.map { byName[$0] ?? [] }
    if cells.count > names.count {
      output += (names.count..<cells.count).map { Array(cells.bytes[cells.range($0)]) }
    }
    appendCSVRow(output)
  }

  /// Writes a record of JSON Lines, XML or API input, or a line that could not be parsed. The
  /// columns are the fields of the first rejected record, then `_row`, `_errors`, `_extra` and
  /// `_record`. Records can bring fields that the first one lacked, so those go into `_extra` as
  /// a JSON object, as do fields named like one of the added columns. `_record` contains the text
  /// of a line that could not be parsed, whichever record came first.
  private func appendCSVObject(
    _ object: JSONObject, unparsedText: String?, row: [UInt8], errors: [UInt8]
  ) {
    let added = Self.ownColumns + Self.objectColumns
    if csvColumns == nil {
      let header = object.keys.filter { !added.contains($0) } + added
      csvColumns = header
      objectColumnSet = Set(header).subtracting(added)
      appendCSVRow(header.map { Array($0.utf8) })
    }
    var byName: [String: [UInt8]] = ["_row": row, "_errors": errors]
    if let unparsedText { byName["_record"] = Array(unparsedText.utf8) }
    var extra = JSONObject()
    for (name, value) in zip(object.keys, object.values) {
      if objectColumnSet.contains(name) && byName[name] == nil {
        byName[name] = Array(Mapper.text(of: value).utf8)
      } else {
        extra.append(key: name, value: value)
      }
    }
    if extra.count > 0 {
      var text: [UInt8] = []
      JSONWriter.appendValue(.object(extra), to: &text)
      byName["_extra"] = text
    }
    appendCSVRow(csvColumns!.map { byName[$0] ?? [] })
  }

  private func appendCSVRow(_ cells: [[UInt8]]) {
    for (index, cell) in cells.enumerated() {
      if index > 0 { line.append(UInt8(ascii: ",")) }
      CSVQuoting.append(cell, delimiter: UInt8(ascii: ","), excelSafe: false, to: &line)
    }
    line.append(UInt8(ascii: "\n"))
  }

  private func appendJSON(_ record: SourceRecord, problems: [RecordProblem]) {
    var entry = JSONObject()
    entry["row"] = .number(String(record.line))
    entry["errors"] = .array(
      problems.map { problem in
        var error = JSONObject()
        error["field"] = problem.field.map { .string($0) } ?? .null
        error["rule"] = .string(problem.rule)
        error["message"] = .string(problem.message)
        return .object(error)
      })
    switch record.content {
    case .cells(let cells):
      var object = JSONObject()
      for index in 0..<cells.count {
        let name =
          index < cells.header.names.count ? cells.header.names[index] : "_extra_\(index + 1)"
        object[name] = .string(cells.string(index))
      }
      entry["record"] = .object(object)
    case .object(let object):
      entry["record"] = .object(object)
    case .unparsed(let text):
      entry["record"] = .string(text)
    }
    JSONWriter.appendValue(.object(entry), to: &line)
    line.append(UInt8(ascii: "\n"))
  }

  /// Makes the rejects file appear; with no rejects, removes a file left by an earlier run so
  /// it is not mistaken for this run's.
  public func commit() throws(WriterFailure) {
    if let file {
      try file.commit()
    } else if path != "-" {
      FileSystem.remove(path)
    }
  }

  public func discard() {
    file?.discard()
  }
}
