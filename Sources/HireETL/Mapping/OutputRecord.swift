/// One value of a mapped record. Text lives in the record's byte arena, so mapping a CSV row makes
/// no String unless a rule needs one.
public enum OutputValue: Equatable, Sendable {
  case null
  /// UTF-8 text at this range of `OutputRecord.arena`.
  case text(Range<Int>)
  case integer(Int)
  case bool(Bool)
  /// A JSON value carried over as it was (a number kept as written, an object or an array), at
  /// this index of `OutputRecord.jsonValues`. Keeping it out of line makes every case trivial to
  /// copy, which the per-field loop relies on for speed.
  case json(Int)
}

/// A record after mapping: named output fields in order. A nil value is a field left out.
///
/// The text bytes live in a shared buffer that `reset()` empties, so a copy of a record is valid
/// only until the original is reset; the runner maps every record into the same instance.
public struct OutputRecord {
  public var names: [String]
  public var values: [OutputValue?]
  public private(set) var arena: ByteBuffer
  public private(set) var jsonValues: [JSONValue] = []

  public init(names: [String]) {
    self.names = names
    self.values = Array(repeating: nil, count: names.count)
    self.arena = ByteBuffer(capacity: 1024)
  }

  /// Empties the values, keeping the names and the arena's storage.
  public mutating func reset() {
    for index in values.indices { values[index] = nil }
    arena.removeAll()
    if !jsonValues.isEmpty { jsonValues.removeAll(keepingCapacity: true) }
  }

  public mutating func setText(_ index: Int, _ bytes: UnsafeRawBufferPointer) {
    let start = arena.count
    arena.append(bytes)
    values[index] = .text(start..<arena.count)
  }

  /// Keeps a JSON value with the record and returns the output value that refers to it.
  public mutating func storeJSON(_ value: JSONValue) -> OutputValue {
    jsonValues.append(value)
    return .json(jsonValues.count - 1)
  }

  /// Appends text to the arena and returns where it lies.
  public mutating func appendText(_ text: String) -> Range<Int> {
    let start = arena.count
    arena.append(text)
    return start..<arena.count
  }

  /// Returns the bytes of a text value, valid until the record is next changed.
  public func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
    arena.bytes(range)
  }

  public mutating func setText(_ index: Int, _ text: String) {
    var text = text
    text.withUTF8 { setText(index, UnsafeRawBufferPointer($0)) }
  }

  public func string(_ range: Range<Int>) -> String {
    arena.string(range)
  }

  public func index(of name: String) -> Int? { names.firstIndex(of: name) }

  /// True when `names` equals `other`; checks whether both share storage first, which is the
  /// case for every record of a mapped step and saves comparing the strings.
  public func hasNames(_ other: [String]) -> Bool {
    let same = names.withUnsafeBufferPointer { mine in
      other.withUnsafeBufferPointer { theirs in
        mine.baseAddress == theirs.baseAddress && mine.count == theirs.count
      }
    }
    return same || names == other
  }

  /// Returns the value as a JSON value, for dry-run examples, reports and tests.
  public func jsonValue(_ value: OutputValue) -> JSONValue {
    switch value {
    case .null: .null
    case .text(let range): .string(string(range))
    case .integer(let number): .number(String(number))
    case .bool(let flag): .bool(flag)
    case .json(let index): jsonValues[index]
    }
  }

  /// Returns the fields that are present, as a JSON object.
  public func jsonObject() -> JSONObject {
    var object = JSONObject()
    for (index, name) in names.enumerated() {
      if let value = values[index] { object[name] = jsonValue(value) }
    }
    return object
  }
}
