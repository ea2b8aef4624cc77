/// The parameters of a query string, percent-decoded, in the order sent.
struct SandboxQuery: Equatable, Sendable {
  var parameters: [(name: String, value: String)]

  static func == (left: SandboxQuery, right: SandboxQuery) -> Bool {
    left.parameters.map(\.name) == right.parameters.map(\.name)
      && left.parameters.map(\.value) == right.parameters.map(\.value)
  }

  /// Parses `name=value&name=value` as in HTML forms: `+` is a space and `%XX` a byte. Empty
  /// pieces between `&` are skipped.
  static func parse(_ query: String) throws(SandboxQueryError) -> SandboxQuery {
    var parameters: [(name: String, value: String)] = []
    for piece in query.split(separator: "&", omittingEmptySubsequences: true) {
      let name: Substring
      let value: Substring
      if let equals = piece.firstIndex(of: "=") {
        name = piece[..<equals]
        value = piece[piece.index(after: equals)...]
      } else {
        name = piece
        value = ""
      }
      parameters.append((try decode(name), try decode(value)))
    }
    return SandboxQuery(parameters: parameters)
  }

  private static func decode(_ text: Substring) throws(SandboxQueryError) -> String {
    var bytes: [UInt8] = []
    var utf8 = text.utf8[...]
    while let byte = utf8.popFirst() {
      if byte == UInt8(ascii: "+") {
        bytes.append(UInt8(ascii: " "))
      } else if byte == UInt8(ascii: "%") {
        guard let high = utf8.popFirst().flatMap(hexValue),
          let low = utf8.popFirst().flatMap(hexValue)
        else {
          throw SandboxQueryError(
            "the query string has a '%' that is not followed by two hex digits")
        }
        bytes.append(high << 4 | low)
      } else {
        bytes.append(byte)
      }
    }
    guard let decoded = String(validating: bytes, as: UTF8.self) else {
      throw SandboxQueryError("the query string decodes to bytes that are not UTF-8")
    }
    return decoded
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}

/// A query string that the operation does not accept, with the reason for `detail`.
struct SandboxQueryError: Error, Equatable, Sendable {
  var message: String

  init(_ message: String) {
    self.message = message
  }
}

/// The checked parameters of a list request.
struct SandboxListQuery: Equatable, Sendable {
  static let defaultLimit = 10
  static let maximumLimit = 100

  var limit = defaultLimit
  var offset = 0
  /// The filter parameter's name and value, nil when none was sent.
  var filter: (name: String, value: JSONValue)?

  static func == (left: SandboxListQuery, right: SandboxListQuery) -> Bool {
    left.limit == right.limit && left.offset == right.offset
      && left.filter?.name == right.filter?.name && left.filter?.value == right.filter?.value
  }

  /// Checks `limit` (1 to 100), `offset` (0 or more) and the resource's filter. Any other
  /// parameter, or one sent twice, is an error.
  static func parse(
    _ query: SandboxQuery, for resource: SandboxResource
  ) throws(SandboxQueryError) -> SandboxListQuery {
    let filter = resource.filter
    let accepted = ["limit", "offset", filter.name]
    var result = SandboxListQuery()
    var seen: Set<String> = []
    for (name, value) in query.parameters {
      guard accepted.contains(name) else {
        throw unknownParameter(name, accepted: accepted, path: resource.pathSegment)
      }
      guard seen.insert(name).inserted else {
        throw SandboxQueryError("the query parameter '\(name)' is given more than once")
      }
      switch name {
      case "limit":
        guard let number = Int(value), (1...maximumLimit).contains(number) else {
          throw SandboxQueryError(
            "limit must be a whole number from 1 to \(maximumLimit), not '\(value)'")
        }
        result.limit = number
      case "offset":
        guard let number = Int(value), number >= 0 else {
          throw SandboxQueryError("offset must be a whole number of 0 or more, not '\(value)'")
        }
        result.offset = number
      default:
        result.filter = (name, try filterValue(value, of: filter))
      }
    }
    return result
  }

  private static func filterValue(
    _ value: String, of filter: SandboxResource.Filter
  ) throws(SandboxQueryError) -> JSONValue {
    switch filter.kind {
    case .enumeration(let allowed):
      guard allowed.contains(value) else {
        throw SandboxQueryError(
          "\(filter.name) must be one of \(allowed.joined(separator: ", ")), not '\(value)'")
      }
      return .string(value)
    case .id:
      guard value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let id = Int(value) else {
        throw SandboxQueryError("\(filter.name) must be an integer id, not '\(value)'")
      }
      return .number(String(id))
    }
  }

  static func unknownParameter(
    _ name: String, accepted: [String], path: String
  ) -> SandboxQueryError {
    var message = "unknown query parameter '\(name)'"
    if let near = NearMatch.closest(to: name, among: accepted) {
      message += " (did you mean '\(near)'?)"
    }
    if accepted.isEmpty {
      message += "; this operation takes no query parameters"
    } else {
      message += "; \(path) accepts \(accepted.joined(separator: ", "))"
    }
    return SandboxQueryError(message)
  }
}
