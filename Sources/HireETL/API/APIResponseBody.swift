/// Reads response bodies: the JSON of a success, and the `detail` and field problems of an error.
enum APIResponseBody {
  /// Bytes of a body quoted in an error message.
  static let prefixLength = 120

  /// Parses the body as JSON, `.null` when it is empty (as for 204). A body that is not JSON is an
  /// `invalidResponse` error that quotes its first bytes.
  static func json(_ response: HTTPClientResponse) throws(APIError) -> JSONValue {
    if response.body.isEmpty { return .null }
    do {
      return try JSONParser.parse(response.body)
    } catch {
      throw .invalidResponse(
        status: response.status, reason: "the body is not JSON (\(error))",
        bodyPrefix: prefix(response.body))
    }
  }

  /// Extracts the `detail` text and the field problems of an error body. Two shapes are read: the
  /// `errors` array of `{field, rule, message}` objects that the sandbox sends, and members
  /// that map a field name to a message or a list of messages. A body that is not JSON gives
  /// its first bytes as the detail.
  static func problems(_ response: HTTPClientResponse) -> (
    detail: String?, problems: [RecordProblem]
  ) {
    guard case .object(let object)? = try? JSONParser.parse(response.body) else {
      return (response.body.isEmpty ? nil : prefix(response.body), [])
    }
    var detail: String?
    if case .string(let text)? = object["detail"] { detail = text }
    if case .array(let errors)? = object["errors"] {
      return (detail, errors.compactMap(problem(from:)))
    }
    var problems: [RecordProblem] = []
    for (key, value) in zip(object.keys, object.values) where key != "detail" {
      for message in messages(in: value) {
        problems.append(RecordProblem(field: key, rule: "api", message: message))
      }
    }
    return (detail, problems)
  }

  private static func problem(from value: JSONValue) -> RecordProblem? {
    guard case .object(let member) = value else { return nil }
    var field: String?
    if case .string(let name)? = member["field"] { field = name }
    var rule = "api"
    if case .string(let name)? = member["rule"] { rule = name }
    guard case .string(let message)? = member["message"] else { return nil }
    return RecordProblem(field: field, rule: rule, message: message)
  }

  private static func messages(in value: JSONValue) -> [String] {
    switch value {
    case .string(let message): return [message]
    case .array(let items): return items.flatMap(messages(in:))
    default: return []
    }
  }

  /// Returns the first bytes of a body as printable text, with control characters escaped.
  static func prefix(_ body: [UInt8]) -> String {
    let head = String(decoding: body.prefix(prefixLength), as: UTF8.self)
    var text = ""
    for scalar in head.unicodeScalars {
      if scalar.value < 0x20 || scalar.value == 0x7F {
        text +=
          scalar == "\n"
          ? "\\n" : scalar == "\r" ? "\\r" : "\\u{\(String(scalar.value, radix: 16))}"
      } else {
        text.unicodeScalars.append(scalar)
      }
    }
    return body.count > prefixLength ? text + "…" : text
  }
}
