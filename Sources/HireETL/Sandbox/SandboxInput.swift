/// Why a request body was rejected: a summary for `detail` and one problem per field.
struct SandboxInputRejection: Error, Equatable, Sendable {
  var detail: String
  var problems: [RecordProblem]

  /// The 400 response: `{"detail": "...", "errors": [{"field", "rule", "message"}]}`.
  var response: HTTPResponse {
    let errors = problems.map { problem -> JSONValue in
      var member: JSONObject = [:]
      member["field"] = problem.field.map(JSONValue.string) ?? .null
      member["rule"] = .string(problem.rule)
      member["message"] = .string(problem.message)
      return .object(member)
    }
    return HTTPResponse.error(400, detail, extra: ["errors": .array(errors)])
  }
}

/// Reads a JSON request body as `OpeningInput` or `CandidateInput`.
///
/// JSON types are checked strictly: an integer property takes a JSON integer, not digits in a
/// string, and null is accepted only where the schema marks the property `nullable`. The schema's other rules
/// (required, enum, e-mail format, defaults) are the ones that `Validator` applies to mapped
/// records. Read-only fields (`id`, `created_at`, `updated_at`) are ignored, and any other
/// unknown field is rejected, so that a misspelt field name fails instead of being dropped.
enum SandboxInput {
  enum Mode {
    /// POST: required properties must be present and defaults are filled in.
    case create
    /// PATCH: only the properties sent are checked and changed.
    case update
  }

  static let readOnlyFields: Set<String> = ["id", "created_at", "updated_at"]

  /// Returns the checked fields in the order sent, with defaults added on create.
  static func decode(
    _ body: [UInt8], schema: Schema, mode: Mode
  ) -> Result<JSONObject, SandboxInputRejection> {
    let object: JSONObject
    switch parseObject(body) {
    case .success(let parsed): object = parsed
    case .failure(let rejection): return .failure(rejection)
    }

    var problems: [RecordProblem] = []
    var accepted: [(Schema.Property, JSONValue)] = []
    var seen: Set<String> = []
    for (name, value) in zip(object.keys, object.values) {
      guard seen.insert(name).inserted else {
        problems.append(problem(name, "duplicate", "\(name) is given more than once"))
        continue
      }
      if readOnlyFields.contains(name) { continue }
      guard let property = schema.properties.first(where: { $0.name == name }) else {
        var message = "\(name) is not a field of \(schema.name)"
        if let near = NearMatch.closest(to: name, among: schema.propertyNames) {
          message += " (did you mean '\(near)'?)"
        }
        problems.append(problem(name, "unknown", message))
        continue
      }
      if let typeProblem = checkType(value, of: property) {
        problems.append(typeProblem)
      } else {
        accepted.append((property, value))
      }
    }

    let fields = validate(accepted, schema: schema, mode: mode, problems: &problems)
    guard problems.isEmpty else {
      let summary = problems.map(\.message).joined(separator: "; ")
      return .failure(
        SandboxInputRejection(
          detail: "The request body is not a valid \(schema.name): \(summary).", problems: problems)
      )
    }
    return .success(fields)
  }

  private static func parseObject(_ body: [UInt8]) -> Result<JSONObject, SandboxInputRejection> {
    if body.isEmpty {
      return .failure(
        SandboxInputRejection(
          detail: "The request body is empty; send a JSON object.", problems: []))
    }
    do {
      guard case .object(let object) = try JSONParser.parse(body) else {
        return .failure(
          SandboxInputRejection(
            detail: "The request body must be a JSON object.", problems: []))
      }
      return .success(object)
    } catch {
      return .failure(
        SandboxInputRejection(
          detail: "The request body is not valid JSON: \(error.description).", problems: []))
    }
  }

  /// Returns a problem when the JSON type of `value` does not fit `property`, else nil.
  private static func checkType(_ value: JSONValue, of property: Schema.Property) -> RecordProblem?
  {
    let name = property.name
    let expected = property.type == .integer ? "an integer" : "a string"
    let found: String
    switch value {
    case .null:
      if property.nullable { return nil }
      return problem(name, property.required ? "required" : "type", "\(name) must not be null")
    case .string(let text):
      if property.type == .string {
        if property.required && text.trimmingSpaces().isEmpty {
          return problem(name, "required", "\(name) must not be empty")
        }
        return nil
      }
      found = "a string"
    case .number(let literal):
      if property.type == .integer && integer(literal) != nil { return nil }
      found = "the number \(literal)"
    case .bool: found = "a boolean"
    case .array: found = "an array"
    case .object: found = "an object"
    }
    return problem(name, "type", "\(name) must be \(expected), not \(found)")
  }

  /// Runs the shared `Validator` over the accepted values and returns the resulting fields.
  private static func validate(
    _ accepted: [(Schema.Property, JSONValue)], schema: Schema, mode: Mode,
    problems: inout [RecordProblem]
  ) -> JSONObject {
    var names = accepted.map(\.0.name)
    if mode == .create {
      // Absent properties get a nil value, so the validator reports the required ones.
      for property in schema.properties where !names.contains(property.name) {
        names.append(property.name)
      }
    }
    guard !names.isEmpty else { return JSONObject() }
    var record = OutputRecord(names: names)
    for (index, (_, value)) in accepted.enumerated() {
      switch value {
      case .string(let text): record.setText(index, text)
      case .number(let literal): record.values[index] = integer(literal).map(OutputValue.integer)
      default: record.values[index] = .null
      }
    }
    Validator(schema: schema, partial: mode == .update).validate(&record, problems: &problems)
    return record.jsonObject()
  }

  /// Returns the value of a JSON number literal that is a whole number in the range of `Int`,
  /// else nil.
  static func integer(_ literal: String) -> Int? {
    guard !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else { return nil }
    return Int(literal)
  }

  private static func problem(_ field: String, _ rule: String, _ message: String) -> RecordProblem {
    RecordProblem(field: field, rule: rule, message: message)
  }
}
