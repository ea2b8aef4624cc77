/// Collects the records a step rejects, with their problems, into a file that appears when the
/// step ends. A `.csv` path gets the original columns plus `_row` and `_errors`, so it can be
/// fixed and read back as input. Any other path gets JSON Lines with `row`, `errors` and the
/// original `record`. Both are created with mode 0600 because they hold personal data.
public final class RejectsWriter {
  public let path: String
  private let asCSV: Bool
  private var file: OutputFile?
  private var csvColumns: [String]?
  private var line: [UInt8] = []
  public private(set) var count = 0

  public init(path: String) {
    self.path = path
    self.asCSV = path.lowercased().hasSuffix(".csv")
  }

  public func add(_ record: SourceRecord, problems: [RecordProblem]) throws(WriterFailure) {
    if file == nil { file = try OutputFile(path: path, mode: 0o600) }
    count += 1
    line.removeAll(keepingCapacity: true)
    if asCSV {
      try appendCSV(record, problems: problems)
    } else {
      appendJSON(record, problems: problems)
    }
    try file!.write(line)
  }

  private func appendCSV(_ record: SourceRecord, problems: [RecordProblem]) throws(WriterFailure) {
    let errors = Array(problems.map(\.message).joined(separator: "; ").utf8)
    let row = Array(String(record.line).utf8)
    var cells: [[UInt8]]
    var names: [String]
    switch record.content {
    case .cells(let cells_):
      names = cells_.header.names
      cells = (0..<cells_.count).map { Array(cells_.bytes[cells_.range($0)]) }
    case .object(let object):
      names = object.keys
      cells = object.values.map { Array(Mapper.text(of: $0).utf8) }
    case .unparsed(let text):
      names = ["_record"]
      cells = [Array(text.utf8)]
    }
    let isCSVInput: Bool
    if case .cells = record.content { isCSVInput = true } else { isCSVInput = false }
    if csvColumns == nil {
      var header = names.filter { $0 != "_row" && $0 != "_errors" && $0 != "_extra" }
      header += ["_row", "_errors"]
      // Records without a fixed set of columns can bring fields the first one lacked.
      if !isCSVInput { header.append("_extra") }
      csvColumns = header
      appendCSVRow(header.map { Array($0.utf8) })
    }
    // Earlier `_row` and `_errors` columns (a rejects file read back) are replaced.
    var byName: [String: [UInt8]] = ["_row": row, "_errors": errors]
    var extra = JSONObject()
    for (index, name) in names.enumerated() where index < cells.count && byName[name] == nil {
      if isCSVInput || csvColumns!.contains(name) {
        byName[name] = cells[index]
      } else if case .object(let object) = record.content, let value = object[name] {
        extra[name] = value
      }
    }
    if extra.count > 0 {
      var text: [UInt8] = []
      JSONWriter.appendValue(.object(extra), to: &text)
      byName["_extra"] = text
    }
    var output = csvColumns!.map { byName[$0] ?? [] }
    // Cells past the header are kept after `_errors`, so nothing of the row is lost.
    if cells.count > names.count { output += cells[names.count...] }
    appendCSVRow(output)
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
        let name = index < cells.header.names.count ? cells.header.names[index] : "_extra_\(index + 1)"
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
