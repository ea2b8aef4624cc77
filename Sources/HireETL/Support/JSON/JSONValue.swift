// TEMPORARY stand-in until the JSON branch lands.
public enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  case number(String)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)
}
public struct JSONObject: Equatable, Sendable {
  public var keys: [String] = []
  public var values: [JSONValue] = []
  public init() {}
  public var count: Int { keys.count }
  public subscript(key: String) -> JSONValue? {
    get { keys.firstIndex(of: key).map { values[$0] } }
    set {
      if let i = keys.firstIndex(of: key) {
        if let newValue { values[i] = newValue } else { keys.remove(at: i); values.remove(at: i) }
      } else if let newValue { keys.append(key); values.append(newValue) }
    }
  }
}
public struct JSONParseError: Error, Equatable, Sendable {
  public var offset: Int
  public var message: String
}
public enum JSONParser {
  public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue { .null }
  public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue { .null }
}
public struct JSONWriter {
  public static func appendString(_ s: String, to out: inout [UInt8]) {}
  public static func appendString(_ utf8: UnsafeRawBufferPointer, to out: inout [UInt8]) {}
  public static func appendValue(_ v: JSONValue, to out: inout [UInt8]) {}
}
