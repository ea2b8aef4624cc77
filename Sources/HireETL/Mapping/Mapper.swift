/// A column that a step's `map:` or `key:` names and the CSV header lacks. `MissingColumnMessage`
/// writes the words, because only the run has the job file and the input file.
public struct MappingError: Error, Equatable, Sendable {
  /// The column as the job file names it.
  public var column: String
  /// The output field whose rule reads the column, or nil for a `key:` column.
  public var outputField: String?
  /// The position in the job file of the column name.
  public var mark: SourceMark?
}

/// Applies a step's `map:` to each source record. Without a `map:` every source field passes
/// through under its own name.
public final class Mapper {
  let mappings: [FieldMapping]?
  /// For CSV input: each mapping with the column indexes of its source fields, once bound.
  private var compiled: [CompiledField] = []
  private var boundHeader: CSVHeader?
  /// The output names of a pass-through CSV step, worked out once per header.
  private var passThroughHeader: CSVHeader?
  private var passThroughNames: [String] = []
  /// Finds the id an earlier step created for a key; nil when there is none.
  public var lookup: ((_ step: String, _ key: String) -> LookupResult)?

  public enum LookupResult {
    case found(Int)
    case missing
  }

  public init(mappings: [FieldMapping]?) {
    self.mappings = mappings
  }

  /// The output field names, or nil when they follow the input (pass-through).
  public var outputNames: [String]? { mappings?.map(\.name) }

  /// Resolves CSV column names once, so each row is read by index. Throws for the first source
  /// field that the header lacks.
  public func bind(header: CSVHeader) throws(MappingError) {
    if boundHeader === header { return }
    boundHeader = header
    guard let mappings else { return }
    compiled = []
    for mapping in mappings {
      var indexes: [Int] = []
      for (position, name) in mapping.rule.sourceFields.enumerated() {
        guard let index = header.index(of: name) else {
          throw MappingError(
            column: name, outputField: mapping.name, mark: mapping.mark(ofSourceField: position))
        }
        indexes.append(index)
      }
      compiled.append(CompiledField(mapping, columns: indexes))
    }
  }

  /// Maps one record into `output`, which is reset first; problems are appended.
  public func map(
    _ record: SourceRecord, into output: inout OutputRecord, problems: inout [RecordProblem]
  ) {
    switch record.content {
    case .cells(let cells):
      mapCells(cells, into: &output, problems: &problems)
    case .object(let object):
      mapObject(object, into: &output, problems: &problems)
    case .unparsed:
      output.reset()
    }
  }

  func mapCells(
    _ cells: CSVCells, into output: inout OutputRecord, problems: inout [RecordProblem]
  ) {
    cells.bytes.withUnsafeBytes { buffer in
      cells.ends.withUnsafeBufferPointer { ends in
        let row = RowView(
          bytes: buffer.baseAddress, ends: ends.baseAddress, count: ends.count, firstStart: 0)
        mapRow(row, header: cells.header, into: &output, problems: &problems)
      }
    }
  }

  /// Maps one CSV row given as pointers; the parallel runner calls this on worker threads, which
  /// is safe once `bind(header:)` has run because mapping then only reads the bound rules.
  func mapRow(
    _ row: RowView, header: CSVHeader, into output: inout OutputRecord,
    problems: inout [RecordProblem]
  ) {
    guard let mappings else {
      if passThroughHeader !== header {
        passThroughHeader = header
        passThroughNames = header.names.filter { !Self.rejectsColumns.contains($0) }
      }
      let names = passThroughNames
      if !output.hasNames(names) { output = OutputRecord(names: names) }
      output.reset()
      var slot = 0
      for index in 0..<header.names.count where !Self.rejectsColumns.contains(header.names[index]) {
        ValueConversion.setText(
          row.cell(index), options: FieldOptions(), field: names[slot],
          at: slot, in: &output, problems: &problems)
        slot += 1
      }
      return
    }
    output.reset()
    let fields = compiled
    for slot in 0..<fields.count {
      unowned(unsafe) let field = fields[slot]
      if field.isPlainField {
        // The common case: one column, trimmed, no conversion.
        let bytes = row.cell(field.columns[0])
        // Only non-empty text that needs no further trimming skips the general path, which
        // copies the field's options. Text with a non-ASCII first or last byte needs the
        // Unicode check for trimmable characters.
        let trimmed = field.trims ? ValueConversion.asciiTrimmed(bytes) : bytes
        if !field.isInteger, let first = trimmed.first, let last = trimmed.last,
          (first < 0x80 && last < 0x80) || !field.trims || !TextTrim.needsTrim(trimmed)
        {
          output.setText(slot, trimmed)
        } else if field.isInteger, let number = ValueConversion.plainInteger(bytes) {
          output.values[slot] = .integer(number)
        } else if field.isInteger {
          ValueConversion.setInteger(
            bytes, options: field.options, field: field.name, at: slot,
            in: &output, problems: &problems)
        } else {
          ValueConversion.setText(
            bytes, options: field.options, field: field.name, at: slot,
            in: &output, problems: &problems)
        }
        continue
      }
      mapCellsSlowly(field, mappings[slot], row, slot, &output, &problems)
    }
  }

  private func mapCellsSlowly(
    _ field: CompiledField, _ mapping: FieldMapping, _ row: RowView, _ slot: Int,
    _ output: inout OutputRecord, _ problems: inout [RecordProblem]
  ) {
    func cell(_ position: Int) -> UnsafeRawBufferPointer {
      row.cell(field.columns[position])
    }
    switch mapping.rule {
    case .field(_, let options), .path(_, let options):
      ValueConversion.setText(
        cell(0), options: options, field: mapping.name, at: slot,
        in: &output, problems: &problems)
    case .constant(let value):
      output.values[slot] = ValueConversion.outputValue(of: value, in: &output)
    case .join(_, let separator, let options):
      let parts = field.columns.indices.map { String(decoding: cell($0), as: UTF8.self) }
      ValueConversion.setJoined(
        parts, separator: separator, options: options,
        field: mapping.name, at: slot, in: &output, problems: &problems)
    case .template(let parts, let options):
      var position = 0
      let text = parts.map { part -> String in
        switch part {
        case .literal(let literal): return literal
        case .field:
          defer { position += 1 }
          return TextTrim.trim(String(decoding: cell(position), as: UTF8.self))
        }
      }.joined()
      ValueConversion.setString(
        text, options: options, field: mapping.name, at: slot,
        in: &output, problems: &problems)
    }
    resolveLookup(mapping, at: slot, in: &output, problems: &problems)
  }

  func mapObject(
    _ object: JSONObject, into output: inout OutputRecord, problems: inout [RecordProblem]
  ) {
    guard let mappings else {
      var keys = object.keys
      var values = object.values
      if keys.contains(where: Self.rejectsColumns.contains) {
        let kept = keys.indices.filter { !Self.rejectsColumns.contains(keys[$0]) }
        keys = kept.map { keys[$0] }
        values = kept.map { values[$0] }
      }
      if output.names != keys { output = OutputRecord(names: keys) }
      output.reset()
      for (index, value) in values.enumerated() {
        ValueConversion.setJSON(
          value, options: FieldOptions(), field: keys[index],
          at: index, in: &output, problems: &problems)
      }
      return
    }
    output.reset()
    for (slot, mapping) in mappings.enumerated() {
      switch mapping.rule {
      case .field(let name, let options):
        ValueConversion.setJSON(
          object[name], options: options, field: mapping.name, at: slot,
          in: &output, problems: &problems)
      case .path(let parts, let options):
        ValueConversion.setJSON(
          Self.follow(parts, in: object), options: options,
          field: mapping.name, at: slot, in: &output, problems: &problems)
      case .constant(let value):
        output.values[slot] = ValueConversion.outputValue(of: value, in: &output)
      case .join(let names, let separator, let options):
        let parts = names.map { Self.text(of: object[$0]) }
        ValueConversion.setJoined(
          parts, separator: separator, options: options,
          field: mapping.name, at: slot, in: &output, problems: &problems)
      case .template(let parts, let options):
        let text = parts.map { part -> String in
          switch part {
          case .literal(let literal): literal
          case .field(let name): TextTrim.trim(Self.text(of: object[name]))
          }
        }.joined()
        ValueConversion.setString(
          text, options: options, field: mapping.name, at: slot,
          in: &output, problems: &problems)
      }
      resolveLookup(mapping, at: slot, in: &output, problems: &problems)
    }
  }

  /// Replaces a source key with the id an earlier step created for it.
  private func resolveLookup(
    _ mapping: FieldMapping, at slot: Int, in output: inout OutputRecord,
    problems: inout [RecordProblem]
  ) {
    guard let step = mapping.rule.lookupStep, let value = output.values[slot] else { return }
    let key: String
    switch value {
    case .null: return
    case .text(let range): key = output.string(range)
    case .integer(let number): key = String(number)
    case .json(let index): key = Self.text(of: output.jsonValues[index])
    case .bool(let flag): key = String(flag)
    }
    switch lookup?(step, key) ?? .missing {
    case .found(let id):
      output.values[slot] = .integer(id)
    case .missing:
      problems.append(
        RecordProblem(
          field: mapping.name, rule: "lookup",
          message: "\(mapping.name): step '\(step)' created no record for the key in "
            + mapping.rule.sourceFields.joined(separator: " + ")))
    }
  }

  /// Columns a rejects file adds; a fixed rejects file read back passes everything else through.
  static let rejectsColumns: Set<String> = ["_row", "_errors"]

  /// Returns the value at a dotted path. Numeric parts index arrays.
  static func follow(_ parts: [String], in object: JSONObject) -> JSONValue? {
    var current: JSONValue = .object(object)
    for part in parts {
      switch current {
      case .object(let inner):
        guard let next = inner[part] else { return nil }
        current = next
      case .array(let items):
        guard let index = Int(part), items.indices.contains(index) else { return nil }
        current = items[index]
      default:
        return nil
      }
    }
    return current
  }

  /// Text for joining and templates: strings as they are, other scalars as JSON text.
  static func text(of value: JSONValue?) -> String {
    switch value {
    case nil, .null?: ""
    case .string(let text)?: text
    case .number(let literal)?: literal
    case .bool(let flag)?: flag ? "true" : "false"
    case let other?:
      {
        var bytes: [UInt8] = []
        JSONWriter.appendValue(other, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
      }()
    }
  }
}

extension MappingRule {
  var lookupStep: String? {
    switch self {
    case .field(_, let options), .path(_, let options), .join(_, _, let options),
      .template(_, let options):
      options.lookup
    case .constant:
      nil
    }
  }
}

/// A mapping bound to CSV column indexes, kept in a class so the per-row loop reads it without
/// copying the rule and its options.
private final class CompiledField {
  let name: String
  let options: FieldOptions
  let columns: [Int]
  /// A `field` rule with no conversion, or only `type: integer`: the row loop reads the bytes
  /// straight across.
  let isPlainField: Bool
  let isInteger: Bool
  let trims: Bool

  init(_ mapping: FieldMapping, columns: [Int]) {
    name = mapping.name
    self.columns = columns
    trims = mapping.rule.options?.trim ?? true
    switch mapping.rule {
    case .field(_, let options), .path(_, let options):
      self.options = options
      var withoutType = options
      withoutType.type = nil
      isInteger = options.type == .integer && withoutType.isPlain
      isPlainField = options.isPlain || isInteger
    default:
      self.options = FieldOptions()
      isPlainField = false
      isInteger = false
    }
  }
}

/// One CSV row as pointers into storage that outlives the call: cell `i` spans from the end of
/// cell `i - 1` (or `firstStart`) to `ends[i]` in `bytes`.
struct RowView {
  let bytes: UnsafeRawPointer?
  let ends: UnsafePointer<Int>?
  let count: Int
  let firstStart: Int

  /// Returns the cell's bytes, empty for a column past the end of a short row.
  @inline(__always)
  func cell(_ index: Int) -> UnsafeRawBufferPointer {
    guard index < count, let bytes, let ends else {
      return UnsafeRawBufferPointer(start: nil, count: 0)
    }
    let start = index == 0 ? firstStart : ends[index - 1]
    return UnsafeRawBufferPointer(start: bytes + start, count: ends[index] - start)
  }
}
