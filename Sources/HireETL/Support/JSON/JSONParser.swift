/// A strict RFC 8259 JSON parser that works on UTF-8 bytes.
///
/// It rejects a byte order mark, comments, trailing commas, leading zeros, NaN and Infinity,
/// invalid UTF-8, and `\u` escapes that leave a UTF-16 surrogate unpaired.
public enum JSONParser {
  /// The deepest nesting of arrays and objects accepted, so that walking or destroying a parsed
  /// value cannot exhaust a thread's stack.
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

/// ASCII code points used by the parser and the writer.
enum ASCII {
  static let tab: UInt8 = 0x09
  static let lineFeed: UInt8 = 0x0A
  static let carriageReturn: UInt8 = 0x0D
  static let space: UInt8 = 0x20
  static let quote: UInt8 = 0x22
  static let plus: UInt8 = 0x2B
  static let comma: UInt8 = 0x2C
  static let minus: UInt8 = 0x2D
  static let period: UInt8 = 0x2E
  static let slash: UInt8 = 0x2F
  static let zero: UInt8 = 0x30
  static let one: UInt8 = 0x31
  static let nine: UInt8 = 0x39
  static let colon: UInt8 = 0x3A
  static let upperE: UInt8 = 0x45
  static let openBracket: UInt8 = 0x5B
  static let backslash: UInt8 = 0x5C
  static let closeBracket: UInt8 = 0x5D
  static let lowerE: UInt8 = 0x65
  static let lowerF: UInt8 = 0x66
  static let lowerN: UInt8 = 0x6E
  static let lowerT: UInt8 = 0x74
  static let openBrace: UInt8 = 0x7B
  static let closeBrace: UInt8 = 0x7D
}

/// The parser state for one input buffer.
///
/// Nesting uses explicit stacks instead of recursion: `frames` holds the open containers, and
/// `pendingValues` and `pendingKeys` hold their finished members until the closing bracket.
struct JSONByteParser {
  /// An array or object that is still open.
  struct Frame {
    var isObject: Bool
    /// The index in `pendingValues` of this container's first member.
    var valueStart: Int
    /// The index in `pendingKeys` of this object's first key.
    var keyStart: Int
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
      case ASCII.quote:
        value = .string(try parseString())
      case ASCII.minus, ASCII.zero...ASCII.nine:
        value = .number(try parseNumber())
      case ASCII.openBrace:
        try checkDepth()
        position += 1
        skipWhitespace()
        if position < end && input[position] == ASCII.closeBrace {
          position += 1
          value = .object(JSONObject())
        } else {
          frames.append(
            Frame(isObject: true, valueStart: pendingValues.count, keyStart: pendingKeys.count))
          try parseKeyAndColon()
          continue readValue
        }
      case ASCII.openBracket:
        try checkDepth()
        position += 1
        skipWhitespace()
        if position < end && input[position] == ASCII.closeBracket {
          position += 1
          value = .array([])
        } else {
          frames.append(
            Frame(isObject: false, valueStart: pendingValues.count, keyStart: pendingKeys.count))
          continue readValue
        }
      case ASCII.lowerT:
        try parseLiteral("true")
        value = .bool(true)
      case ASCII.lowerF:
        try parseLiteral("false")
        value = .bool(false)
      case ASCII.lowerN:
        try parseLiteral("null")
        value = .null
      case ASCII.closeBracket where frames.last?.isObject == false:
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
        let closer = frame.isObject ? ASCII.closeBrace : ASCII.closeBracket
        guard position < end else {
          throw JSONParseError(
            offset: position,
            message:
              "unexpected end of input, expected ',' or '\(Character(Unicode.Scalar(closer)))'")
        }

        let byte = input[position]
        if byte == ASCII.comma {
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
    let values = Array(pendingValues[frame.valueStart...])
    pendingValues.removeSubrange(frame.valueStart...)
    guard frame.isObject else { return .array(values) }

    let keys = Array(pendingKeys[frame.keyStart...])
    pendingKeys.removeSubrange(frame.keyStart...)
    return .object(JSONObject(keys: keys, values: values))
  }

  /// Parses an object key and the colon after it, leaving `position` at the member's value.
  mutating func parseKeyAndColon() throws(JSONParseError) {
    guard position < end else {
      throw JSONParseError(
        offset: position, message: "unexpected end of input, expected an object key")
    }
    let byte = input[position]
    guard byte == ASCII.quote else {
      if byte == ASCII.closeBrace {
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
    guard input[position] == ASCII.colon else {
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
        byte == ASCII.space || byte == ASCII.lineFeed || byte == ASCII.carriageReturn
          || byte == ASCII.tab
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
    if input[index] == ASCII.minus {
      index += 1
    }

    guard index < end, isDigit(input[index]) else {
      throw JSONParseError(offset: index, message: "expected a digit after '-'")
    }
    if input[index] == ASCII.zero {
      index += 1
      if index < end && isDigit(input[index]) {
        throw JSONParseError(
          offset: index - 1, message: "leading zeros are not allowed in numbers")
      }
    } else {
      index = skipDigits(from: index)
    }

    if index < end && input[index] == ASCII.period {
      index += 1
      guard index < end, isDigit(input[index]) else {
        throw JSONParseError(offset: index, message: "expected a digit after the decimal point")
      }
      index = skipDigits(from: index)
    }

    if index < end && (input[index] == ASCII.lowerE || input[index] == ASCII.upperE) {
      index += 1
      if index < end && (input[index] == ASCII.plus || input[index] == ASCII.minus) {
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
    byte &- ASCII.zero < 10
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
    return "byte 0x\(hex2(byte))"
  }
}

/// Formats a byte as two uppercase hex digits.
func hex2(_ byte: UInt8) -> String {
  let digits = Array("0123456789ABCDEF".utf8)
  return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
}
