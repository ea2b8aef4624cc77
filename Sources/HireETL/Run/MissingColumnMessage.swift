/// Writes the job-file error for a column that a step's `map:` or `key:` names and its CSV
/// input lacks. It names the job file with line and column, the step and the input file, and
/// suggests the fix. It uses column names only, never cell values.
struct MissingColumnMessage {
  /// The job file's path as given on the command line.
  var jobFile: String
  var step: String
  /// The input's path as the job file gives it.
  var input: String
  /// The header's column names, as the reader made them.
  var columns: [String]
  /// The delimiter the input was read with, and whether the job file set it.
  var delimiter: UInt8
  var delimiterIsSet: Bool

  /// More names than this are cut from the list of columns, which is there to show the
  /// spelling, not to be a full inventory of a wide export.
  static let maxListedColumns = 30

  func text(for error: MappingError) -> String {
    var text = jobFile
    if let mark = error.mark { text += ":\(mark.line):\(mark.column)" }
    let column = error.column.escapingControlCharacters
    if let outputField = error.outputField {
      text +=
        ": step '\(step)': the column '\(column)' used by output field "
        + "'\(outputField.escapingControlCharacters)' is not in \(input)"
    } else {
      text += ": step '\(step)': the key column '\(column)' is not in \(input)"
    }
    if let hint = encodingHint() {
      return text + ". " + hint + " " + columnList()
    }
    if let hint = delimiterHint() {
      return text + ". " + hint
    }
    if let near = NearMatch.closest(to: error.column, among: columns) {
      text += " (did you mean '\(near.escapingControlCharacters)'?)"
    }
    return text + ". " + columnList()
  }

  /// Returns the advice for a header with NUL bytes in it, which is what UTF-16 read as UTF-8
  /// looks like.
  private func encodingHint() -> String? {
    guard columns.contains(where: { $0.utf8.contains(0) }) else { return nil }
    return "The header contains NUL bytes, so \(input) looks like UTF-16 without a byte order "
      + "mark. Set `encoding: utf-16` in `read:`."
  }

  /// Returns the advice for a header that came out as one column with another candidate
  /// delimiter in it, the one it contains most often.
  private func delimiterHint() -> String? {
    guard columns.count == 1, let header = columns.first else { return nil }
    var best: (delimiter: UInt8, count: Int)?
    for candidate in CSVDialect.candidates where candidate != delimiter {
      let count = header.utf8.filter { $0 == candidate }.count
      if count > (best?.count ?? 0) { best = (candidate, count) }
    }
    guard let best else { return nil }
    let found = Self.displayName(of: best.delimiter)
    var text =
      "Its header looks \(found)-separated, but the step reads it with the delimiter "
      + "\(Self.displayName(of: delimiter)). Set `delimiter: \(Self.yamlValue(of: best.delimiter))` "
      + "in `read:`"
    if delimiterIsSet { text += ", or remove `delimiter:` so that the delimiter is detected" }
    return text + "."
  }

  private func columnList() -> String {
    let listed = columns.prefix(Self.maxListedColumns).map(\.escapingControlCharacters)
    var list = listed.joined(separator: ", ")
    if columns.count > listed.count { list += " and \(columns.count - listed.count) more" }
    return "\(input) has the columns \(list)."
  }

  private static func displayName(of delimiter: UInt8) -> String {
    delimiter == UInt8(ascii: "\t") ? "tab" : "'\(Character(Unicode.Scalar(delimiter)))'"
  }

  private static func yamlValue(of delimiter: UInt8) -> String {
    delimiter == UInt8(ascii: "\t") ? "tab" : "\"\(Character(Unicode.Scalar(delimiter)))\""
  }
}

extension Step {
  /// Returns the indexes of the `key:` columns in a CSV header. Throws for the first one the
  /// header lacks.
  func keyColumns(in header: CSVHeader) throws(MappingError) -> [Int] {
    var indexes: [Int] = []
    for (position, name) in key.enumerated() {
      guard let index = header.index(of: name) else {
        let mark = keyMarks.indices.contains(position) ? keyMarks[position] : mark
        throw MappingError(column: name, outputField: nil, mark: mark)
      }
      indexes.append(index)
    }
    return indexes
  }
}
