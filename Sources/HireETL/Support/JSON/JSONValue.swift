/// A parsed JSON value. Numbers keep their literal text so that ids and large numbers never lose digits.
public enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  /// The number exactly as written in the input, such as `-0.5e3`.
  case number(String)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)
}

/// A JSON object that keeps its members in input order, so records can be written back unchanged.
///
/// Duplicate keys are kept as they came. Equality compares members in order.
public struct JSONObject: Equatable, Sendable {
  /// Member names, parallel to `values`.
  public var keys: [String]
  /// Member values, parallel to `keys`.
  public var values: [JSONValue]

  public init() {
    keys = []
    values = []
  }

  /// Creates an object from parallel key and value arrays of equal length.
  init(keys: [String], values: [JSONValue]) {
    precondition(keys.count == values.count, "JSONObject needs one value per key")
    self.keys = keys
    self.values = values
  }

  /// The number of members, counting duplicate keys separately.
  public var count: Int { keys.count }

  /// The value of the first member named `key`.
  ///
  /// Setting a value replaces the first match or appends a new member. Setting `nil` removes every
  /// member named `key`.
  public subscript(key: String) -> JSONValue? {
    get {
      guard let index = keys.firstIndex(of: key) else { return nil }
      return values[index]
    }
    set {
      if let newValue {
        if let index = keys.firstIndex(of: key) {
          values[index] = newValue
        } else {
          keys.append(key)
          values.append(newValue)
        }
      } else {
        var index = keys.count - 1
        while index >= 0 {
          if keys[index] == key {
            keys.remove(at: index)
            values.remove(at: index)
          }
          index -= 1
        }
      }
    }
  }
}

/// A parse failure with the byte offset where the input stops being valid JSON.
public struct JSONParseError: Error, Equatable, Sendable {
  /// The 0-based byte offset into the input where the problem is.
  public var offset: Int
  /// A plain sentence describing the problem, without the offset.
  public var message: String

  public init(offset: Int, message: String) {
    self.offset = offset
    self.message = message
  }
}

extension JSONParseError: CustomStringConvertible {
  public var description: String { "\(message) at byte offset \(offset)" }
}
