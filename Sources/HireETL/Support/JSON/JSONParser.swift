/// A strict RFC 8259 JSON parser that works on UTF-8 bytes.
///
/// It rejects a byte order mark, comments, trailing commas, leading zeros, NaN and Infinity,
/// invalid UTF-8, and `\u` escapes that leave a UTF-16 surrogate unpaired.
public enum JSONParser {
  /// The deepest nesting of arrays and objects accepted.
  ///
  /// Releasing a value takes stack space in proportion to its depth. At this limit it took under
  /// 128 KiB in debug and release builds of Swift 6.3.1 on x86-64 Linux.
  public static let maximumDepth = 512

  /// Parses exactly one JSON value surrounded by optional space, tab, LF or CR.
  public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
    try bytes.withMemoryRebound(to: UInt8.self) { (input) throws(JSONParseError) -> JSONValue in
      var parser = JSONByteParser(input)
      return try parser.parseDocument()
    }
  }

  /// Parses exactly one JSON value surrounded by optional space, tab, LF or CR.
  public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
    let result = bytes.withUnsafeBytes { input in
      Result { () throws(JSONParseError) -> JSONValue in try parse(input) }
    }
    return try result.get()
  }
}

/// The parser state for one input buffer.
///
/// Nesting uses explicit stacks instead of recursion. `frames` lists the open containers, and
/// `pendingValues` and `pendingKeys` store their finished members until the closing bracket.
struct JSONByteParser {
  /// An array or object that is still open.
  struct Frame {
    var isObject: Bool
    /// The index in `pendingValues` of this container's first member.
    var valueStart: Int
  }

  let input: UnsafeBufferPointer<UInt8>
  let end: Int
  var position = 0
  var frames: [Frame] = []
  var pendingValues: [JSONValue] = []
  var pendingKeys: [String] = []
  /// Reused buffer for strings that contain escapes.
  var unescaped: [UInt8] = []

  init(_ input: UnsafeBufferPointer<UInt8>) {
    self.input = input
    self.end = input.count
    frames.reserveCapacity(8)
    pendingValues.reserveCapacity(32)
    pendingKeys.reserveCapacity(32)
  }

  mutating func parseDocument() throws(JSONParseError) -> JSONValue {
    if end >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF {
      throw JSONParseError(
        offset: 0, message: "unexpected byte order mark, strip it before parsing")
    }

    var value: JSONValue
    readValue: while true {
      skipWhitespace()
      guard position < end else {
        throw JSONParseError(
          offset: position, message: "unexpected end of input, expected a JSON value")
      }

      switch input[position] {
      case JSONByte.quote:
        value = .string(try parseString())
      case JSONByte.minus, JSONByte.zero...JSONByte.nine:
        value = .number(try parseNumber())
      case JSONByte.openBrace:
        try checkDepth()
        position += 1
        skipWhitespace()
        if position < end && input[position] == JSONByte.closeBrace {
          position += 1
          value = .object(JSONObject())
        } else {
          frames.append(Frame(isObject: true, valueStart: pendingValues.count))
          try parseKeyAndColon()
          continue readValue
        }
      case JSONByte.openBracket:
        try checkDepth()
        position += 1
        skipWhitespace()
        if position < end && input[position] == JSONByte.closeBracket {
          position += 1
          value = .array([])
        } else {
          frames.append(Frame(isObject: false, valueStart: pendingValues.count))
          continue readValue
        }
      case JSONByte.lowerT:
        try parseLiteral("true")
        value = .bool(true)
      case JSONByte.lowerF:
        try parseLiteral("false")
        value = .bool(false)
      case JSONByte.lowerN:
        try parseLiteral("null")
        value = .null
      case JSONByte.closeBracket where frames.last?.isObject == false:
        // An array's "[" is followed by "]" or a value, so this "]" can only follow a comma.
        throw JSONParseError(offset: position, message: "trailing comma before ']'")
      case let byte:
        throw JSONParseError(
          offset: position, message: "unexpected \(describe(byte)), expected a JSON value")
      }

      // The value is complete: add it to the open container, and close every container that
      // ends right after it.
      while let frame = frames.last {
        pendingValues.append(value)
        skipWhitespace()
        let closer = frame.isObject ? JSONByte.closeBrace : JSONByte.closeBracket
        guard position < end else {
          throw JSONParseError(
            offset: position,
            message:
              "unexpected end of input, expected ',' or '\(Character(Unicode.Scalar(closer)))'")
        }

        let byte = input[position]
        if byte == JSONByte.comma {
          position += 1
          if frame.isObject {
            skipWhitespace()
            try parseKeyAndColon()
          }
          continue readValue
        }
        guard byte == closer else {
          throw JSONParseError(
            offset: position,
            message:
              "unexpected \(describe(byte)), expected ',' or '\(Character(Unicode.Scalar(closer)))'"
          )
        }
        position += 1
        value = closeFrame()
      }

      skipWhitespace()
      guard position == end else {
        throw JSONParseError(offset: position, message: "unexpected data after the JSON value")
      }
      return value
    }
  }

  /// Throws when opening one more container would pass `JSONParser.maximumDepth`.
  @inline(__always)
  func checkDepth() throws(JSONParseError) {
    if frames.count >= JSONParser.maximumDepth {
      throw JSONParseError(
        offset: position, message: "nesting deeper than \(JSONParser.maximumDepth) levels")
    }
  }

  /// Pops the innermost container and builds its value from the pending members.
  mutating func closeFrame() -> JSONValue {
    let frame = frames.removeLast()
    let count = pendingValues.count - frame.valueStart
    let values = pendingValues.withUnsafeMutableBufferPointer { buffer in
      Self.moveOut(count, from: buffer, at: frame.valueStart, leaving: .null)
    }
    pendingValues.removeLast(count)
    guard frame.isObject else { return .array(values) }

    let keys = pendingKeys.withUnsafeMutableBufferPointer { buffer in
      Self.moveOut(count, from: buffer, at: buffer.count - count, leaving: "")
    }
    pendingKeys.removeLast(count)
    return .object(JSONObject(keys: keys, values: values))
  }

  /// Moves `count` elements out of `buffer` into a new array and fills their slots with `filler`.
  ///
  /// Moving skips a retain and release per member. `filler` should need no reference counting,
  /// so that removing the slots afterwards is cheap.
  static func moveOut<Element>(
    _ count: Int, from buffer: UnsafeMutableBufferPointer<Element>, at start: Int,
    leaving filler: Element
  ) -> [Element] {
    let source = buffer.baseAddress! + start
    var moved: [Element] = []
    moved.reserveCapacity(count)
    for index in 0..<count {
      moved.append((source + index).move())
    }
    source.initialize(repeating: filler, count: count)
    return moved
  }

  /// Parses an object key and the colon after it, leaving `position` at the member's value.
  mutating func parseKeyAndColon() throws(JSONParseError) {
    guard position < end else {
      throw JSONParseError(
        offset: position, message: "unexpected end of input, expected an object key")
    }
    let byte = input[position]
    guard byte == JSONByte.quote else {
      if byte == JSONByte.closeBrace {
        throw JSONParseError(offset: position, message: "trailing comma before '}'")
      }
      throw JSONParseError(
        offset: position,
        message: "unexpected \(describe(byte)), expected an object key in double quotes")
    }
    pendingKeys.append(try parseString())

    skipWhitespace()
    guard position < end else {
      throw JSONParseError(offset: position, message: "unexpected end of input, expected ':'")
    }
    guard input[position] == JSONByte.colon else {
      throw JSONParseError(
        offset: position,
        message: "unexpected \(describe(input[position])), expected ':' after an object key")
    }
    position += 1
  }

  @inline(__always)
  mutating func skipWhitespace() {
    while position < end {
      let byte = input[position]
      guard
        byte == JSONByte.space || byte == JSONByte.lineFeed || byte == JSONByte.carriageReturn
          || byte == JSONByte.tab
      else { return }
      position += 1
    }
  }

  /// Consumes `literal` (true, false or null) at `position`.
  mutating func parseLiteral(_ literal: StaticString) throws(JSONParseError) {
    let count = literal.utf8CodeUnitCount
    let expected = literal.utf8Start
    for index in 0..<count {
      guard position + index < end, input[position + index] == expected[index] else {
        throw JSONParseError(
          offset: position + index, message: "invalid literal, expected \(literal)")
      }
    }
    position += count
  }

  /// Validates the number at `position` and returns its literal text.
  mutating func parseNumber() throws(JSONParseError) -> String {
    let start = position
    var index = position
    if input[index] == JSONByte.minus {
      index += 1
    }

    guard index < end, isDigit(input[index]) else {
      throw JSONParseError(offset: index, message: "expected a digit after '-'")
    }
    if input[index] == JSONByte.zero {
      index += 1
      if index < end && isDigit(input[index]) {
        throw JSONParseError(
          offset: index - 1, message: "leading zeros are not allowed in numbers")
      }
    } else {
      index = skipDigits(from: index)
    }

    if index < end && input[index] == JSONByte.period {
      index += 1
      guard index < end, isDigit(input[index]) else {
        throw JSONParseError(offset: index, message: "expected a digit after the decimal point")
      }
      index = skipDigits(from: index)
    }

    if index < end && (input[index] == JSONByte.lowerE || input[index] == JSONByte.upperE) {
      index += 1
      if index < end && (input[index] == JSONByte.plus || input[index] == JSONByte.minus) {
        index += 1
      }
      guard index < end, isDigit(input[index]) else {
        throw JSONParseError(offset: index, message: "expected a digit in the exponent")
      }
      index = skipDigits(from: index)
    }

    position = index
    return String(decoding: UnsafeBufferPointer(rebasing: input[start..<index]), as: UTF8.self)
  }

  @inline(__always)
  func isDigit(_ byte: UInt8) -> Bool {
    byte &- JSONByte.zero < 10
  }

  @inline(__always)
  func skipDigits(from start: Int) -> Int {
    var index = start
    while index < end && isDigit(input[index]) {
      index += 1
    }
    return index
  }

  /// Describes a byte for an error message: printable ASCII in quotes, anything else in hex.
  func describe(_ byte: UInt8) -> String {
    if byte > 0x20 && byte < 0x7F {
      return "character '\(Character(Unicode.Scalar(byte)))'"
    }
    return "byte 0x\(JSONByte.hexDigits(byte))"
  }
}
