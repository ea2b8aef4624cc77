/// Checks mapped records against a schema and reports every problem of a record at once.
///
/// Beyond checking, it normalises what the API would read differently: a missing property with a
/// default gets it (`status: draft`), an e-mail address loses surrounding spaces and invisible
/// characters, digits in an integer property become a number, and null in a property that is
/// neither required nor nullable is left out.
public final class Validator {
  public let schema: Schema
  /// Checks only the fields a record has, as for a partial update: a missing required field is
  /// no problem and defaults are not added.
  public let partial: Bool
  private var boundNames: [String] = []
  private var isBound = false
  /// For each schema property, its index among the record's names.
  private var slots: [Int?] = []
  /// Output fields that are not schema properties, in the order first seen.
  public private(set) var unknownFields: [String] = []

  /// The schema's properties boxed, so the per-record loop does not copy them.
  private let checks: [PropertyBox]

  /// For each property, the kind of value that needs no further check: any text for a plain
  /// text property, a whole number for an integer one. The per-record loop skips those
  /// without touching the property's rules.
  private let plainText: [Bool]
  private let plainInteger: [Bool]
  private let emailChecks: [Bool]

  public init(schema: Schema, partial: Bool = false) {
    self.schema = schema
    self.partial = partial
    self.checks = schema.properties.map(PropertyBox.init)
    plainText = schema.properties.map {
      $0.type == .string && $0.allowedValues == nil && !$0.isEmail
    }
    plainInteger = schema.properties.map { $0.type == .integer }
    emailChecks = schema.properties.map(\.isEmail)
  }

  /// Returns the output names with any defaulted property the mapping leaves out added at the
  /// end.
  public func completedNames(_ names: [String]) -> [String] {
    var result = names
    if partial { return result }
    for property in schema.properties where property.defaultValue != nil {
      if !result.contains(property.name) { result.append(property.name) }
    }
    return result
  }

  public func validate(_ record: inout OutputRecord, problems: inout [RecordProblem]) {
    if !isBound || !record.hasNames(boundNames) { bind(&record) }
    let mappingProblems = problems.count
    let properties = checks
    for position in 0..<properties.count {
      if let slot = slots[position], let value = record.values[slot],
        passesWithoutRules(value, position: position, record: record)
      {
        continue
      }
      unowned(unsafe) let property = properties[position]
      guard let slot = slots[position] else {
        // The record has no such field at all: no mapping for it, or a JSON record without it.
        if property.required && !partial {
          problems.append(RecordProblem(field: property.name, rule: "required", message: "\(property.name) is required"))
        }
        continue
      }
      // A field the mapping already failed on (a bad date, say) gets no second message.
      if mappingProblems > 0 && problems[..<mappingProblems].contains(where: { $0.field == property.name }) {
        continue
      }
      check(property, at: slot, in: &record, problems: &problems)
    }
  }

  /// True for the common values that break no rule: text in a plain text property, a whole
  /// number in an integer property, an all-ASCII valid e-mail address.
  @inline(__always)
  private func passesWithoutRules(_ value: OutputValue, position: Int, record: OutputRecord) -> Bool {
    switch value {
    case .text(let range):
      if plainText[position] { return true }
      guard emailChecks[position] else { return false }
      let bytes = record.bytes(range)
      guard let first = bytes.first, let last = bytes.last, first > 0x20, last > 0x20 else {
        return false
      }
      return EmailAddress.isValidASCII(bytes) == true
    case .integer:
      return plainInteger[position]
    default:
      return false
    }
  }

  private func bind(_ record: inout OutputRecord) {
    let completed = completedNames(record.names)
    if completed.count != record.names.count {
      record.names = completed
      record.values += Array(repeating: nil, count: completed.count - record.values.count)
    }
    boundNames = record.names
    isBound = true
    slots = schema.properties.map { record.names.firstIndex(of: $0.name) }
    let known = Set(schema.propertyNames)
    for name in record.names where !known.contains(name) && !unknownFields.contains(name) {
      unknownFields.append(name)
    }
  }

  private func check(
    _ property: PropertyBox, at slot: Int, in record: inout OutputRecord,
    problems: inout [RecordProblem]
  ) {
    let name = property.name
    guard let value = record.values[slot] else {
      if let fallback = property.defaultValue {
        record.setText(slot, fallback)
      } else if property.required {
        problems.append(RecordProblem(field: name, rule: "required", message: "\(name) is required"))
      }
      return
    }
    switch value {
    case .null:
      if property.required {
        problems.append(
          RecordProblem(field: name, rule: "required", message: "\(name) is required but empty"))
      } else if let fallback = property.defaultValue {
        record.setText(slot, fallback)
      } else if !property.nullable {
        record.values[slot] = nil
      }
    case .text(let range):
      checkText(property, range, at: slot, in: &record, problems: &problems)
    case .integer:
      if property.type == .string {
        problems.append(typeProblem(property, found: "a number"))
      }
    case .bool:
      problems.append(typeProblem(property, found: "a boolean"))
    case .json(let index):
      let json = record.jsonValues[index]
      if property.type == .integer, case .number(let literal) = json,
        let number = ValueConversion.integralValue(literal)
      {
        record.values[slot] = .integer(number)
      } else if case .number = json {
        var found = "a number"
        if property.type == .integer, case .number(let literal) = json {
          let isWhole = Double(literal).map { $0.rounded() == $0 } ?? false
          found = isWhole ? "a number too large for an integer" : "a number with a fraction"
        }
        problems.append(typeProblem(property, found: found))
      } else {
        problems.append(typeProblem(property, found: "a JSON object or array"))
      }
    }
  }

  private func checkText(
    _ property: PropertyBox, _ range: Range<Int>, at slot: Int, in record: inout OutputRecord,
    problems: inout [RecordProblem]
  ) {
    let name = property.name
    if property.type == .integer {
      if let number = TypeCoercion.integer(record.string(range)) {
        record.values[slot] = .integer(number)
      } else {
        problems.append(typeProblem(property, found: "text that is not a whole number"))
      }
      return
    }
    if let allowed = property.allowedValues {
      let text = record.string(range)
      if !allowed.contains(text) {
        var message = "\(name) must be one of \(allowed.joined(separator: ", "))"
        if let near = allowed.first(where: { $0 == text.lowercased() }) {
          message += " (did you mean '\(near)'?)"
        }
        problems.append(RecordProblem(field: name, rule: "enum", message: message))
      }
    }
    if property.isEmail {
      let bytes = record.bytes(range)
      if let first = bytes.first, let last = bytes.last, first > 0x20, last > 0x20,
        let valid = EmailAddress.isValidASCII(bytes)
      {
        if !valid {
          problems.append(
            RecordProblem(field: name, rule: "format", message: "\(name) is not a valid e-mail address"))
        }
        return
      }
      let original = record.string(range)
      let trimmed = TextTrim.trim(original)
      if trimmed.isEmpty {
        record.values[slot] = nil
      } else if !EmailAddress.isValid(trimmed) {
        problems.append(
          RecordProblem(field: name, rule: "format", message: "\(name) is not a valid e-mail address"))
      } else if trimmed != original {
        record.setText(slot, trimmed)
      }
    }
  }

  private func typeProblem(_ property: PropertyBox, found: String) -> RecordProblem {
    let expected = property.type == .integer ? "an integer" : "text"
    var message = "\(property.name) must be \(expected), not \(found)"
    if property.type == .string && found == "a number" {
      message += "; add `type: string` to its mapping to convert it"
    }
    return RecordProblem(field: property.name, rule: "type", message: message)
  }
}

/// A schema property's rules as plain stored fields, read in the per-record loop without copying
/// the property.
private final class PropertyBox {
  let name: String
  let type: Schema.PropertyType
  let required: Bool
  let nullable: Bool
  let allowedValues: [String]?
  let defaultValue: String?
  let isEmail: Bool

  init(_ property: Schema.Property) {
    name = property.name
    type = property.type
    required = property.required
    nullable = property.nullable
    allowedValues = property.allowedValues
    defaultValue = property.defaultValue
    isEmail = property.isEmail
  }
}
