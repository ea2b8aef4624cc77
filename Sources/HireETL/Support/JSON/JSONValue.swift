/// A parsed JSON value.
///
/// Numbers keep their literal text, so that ids and large numbers never lose digits.
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
  public private(set) var keys: [String]
  /// Member values, parallel to `keys`.
  public private(set) var values: [JSONValue]

  public init() {
    keys = []
    values = []
  }

  /// Creates an object from parallel arrays, trapping when their lengths differ.
  public init(keys: [String], values: [JSONValue]) {
    // A plain check instead of precondition, which -Ounchecked release builds drop.
    if keys.count != values.count {
      fatalError(
        "JSONObject needs one value per key, got \(keys.count) keys and \(values.count) values")
    }
    self.keys = keys
    self.values = values
  }

  /// The number of members, counting duplicate keys separately.
  public var count: Int { keys.count }

  /// Adds a member at the end, even when a member named `key` already exists.
  public mutating func append(key: String, value: JSONValue) {
    keys.append(key)
    values.append(value)
  }

  /// Gets the value of the first member named `key`.
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
          append(key: key, value: newValue)
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

extension JSONObject: ExpressibleByDictionaryLiteral {
  /// Creates an object with the literal's members in the order written, duplicates included.
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self.init(keys: elements.map(\.0), values: elements.map(\.1))
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
