extension JSONByteParser {
  /// Parses the string whose opening quote is at `position` and returns its unescaped text.
  mutating func parseString() throws(JSONParseError) -> String {
    let start = position + 1
    var index = start
    while index < end {
      let byte = input[index]
      if byte == ASCII.quote {
        position = index + 1
        return try makeString(UnsafeBufferPointer(rebasing: input[start..<index]), rawStart: start)
      }
      if byte == ASCII.backslash {
        return try parseEscapedString(start: start, firstEscape: index)
      }
      if byte < 0x20 {
        throw controlCharacterError(byte, at: index)
      }
      index += 1
    }
    throw unterminatedStringError()
  }

  /// Continues `parseString` from the first backslash, decoding into the `unescaped` buffer.
  mutating func parseEscapedString(start: Int, firstEscape: Int) throws(JSONParseError) -> String {
    unescaped.removeAll(keepingCapacity: true)
    var runStart = start
    var index = firstEscape
    while index < end {
      let byte = input[index]
      if byte == ASCII.quote {
        unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
        position = index + 1
        let text = unescaped.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
        guard let text else {
          throw invalidUTF8Error(from: start, to: index)
        }
        return text
      }
      if byte == ASCII.backslash {
        unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
        index = try decodeEscape(at: index)
        runStart = index
        continue
      }
      if byte < 0x20 {
        throw controlCharacterError(byte, at: index)
      }
      index += 1
    }
    throw unterminatedStringError()
  }

  /// Appends the character of the escape sequence at `index` to `unescaped` and returns the
  /// index after the sequence.
  mutating func decodeEscape(at index: Int) throws(JSONParseError) -> Int {
    guard index + 1 < end else {
      throw unterminatedStringError()
    }
    let decoded: UInt8
    switch input[index + 1] {
    case ASCII.quote: decoded = ASCII.quote
    case ASCII.backslash: decoded = ASCII.backslash
    case ASCII.slash: decoded = ASCII.slash
    case 0x62: decoded = 0x08  // \b
    case 0x66: decoded = 0x0C  // \f
    case 0x6E: decoded = ASCII.lineFeed  // \n
    case 0x72: decoded = ASCII.carriageReturn  // \r
    case 0x74: decoded = ASCII.tab  // \t
    case 0x75:  // \u
      return try decodeUnicodeEscape(at: index)
    case let other:
      let shown =
        other > 0x20 && other < 0x7F
        ? "\\\(Character(Unicode.Scalar(other)))" : "\\ followed by byte 0x\(hex2(other))"
      throw JSONParseError(offset: index, message: "invalid escape sequence \(shown) in string")
    }
    unescaped.append(decoded)
    return index + 2
  }

  /// Decodes `\uXXXX`, or a `\uXXXX\uXXXX` surrogate pair, at `index` into UTF-8.
  ///
  /// Unpaired surrogates are rejected because a Swift `String` cannot hold them.
  mutating func decodeUnicodeEscape(at index: Int) throws(JSONParseError) -> Int {
    var scalar = try readHexCodeUnit(at: index)
    var next = index + 6

    if scalar >= 0xDC00 && scalar <= 0xDFFF {
      throw loneSurrogateError(scalar, at: index)
    }
    if scalar >= 0xD800 && scalar <= 0xDBFF {
      guard next + 1 < end, input[next] == ASCII.backslash, input[next + 1] == 0x75 else {
        throw loneSurrogateError(scalar, at: index)
      }
      let low = try readHexCodeUnit(at: next)
      guard low >= 0xDC00 && low <= 0xDFFF else {
        throw loneSurrogateError(scalar, at: index)
      }
      scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
      next += 6
    }

    appendUTF8(scalar)
    return next
  }

  /// Reads the four hex digits of the `\u` escape at `index`.
  func readHexCodeUnit(at index: Int) throws(JSONParseError) -> UInt32 {
    var value: UInt32 = 0
    for offset in 2..<6 {
      guard index + offset < end, let digit = hexDigitValue(input[index + offset]) else {
        throw JSONParseError(
          offset: index, message: "invalid \\u escape in string, expected four hex digits")
      }
      value = value << 4 | digit
    }
    return value
  }

  @inline(__always)
  func hexDigitValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case ASCII.zero...ASCII.nine: UInt32(byte - ASCII.zero)
    case 0x41...0x46: UInt32(byte - 0x41 + 10)  // A-F
    case 0x61...0x66: UInt32(byte - 0x61 + 10)  // a-f
    default: nil
    }
  }

  /// Appends the UTF-8 encoding of a scalar value that is not a surrogate.
  mutating func appendUTF8(_ scalar: UInt32) {
    switch scalar {
    case 0..<0x80:
      unescaped.append(UInt8(scalar))
    case 0x80..<0x800:
      unescaped.append(UInt8(0xC0 | scalar >> 6))
      unescaped.append(UInt8(0x80 | scalar & 0x3F))
    case 0x800..<0x10000:
      unescaped.append(UInt8(0xE0 | scalar >> 12))
      unescaped.append(UInt8(0x80 | scalar >> 6 & 0x3F))
      unescaped.append(UInt8(0x80 | scalar & 0x3F))
    default:
      unescaped.append(UInt8(0xF0 | scalar >> 18))
      unescaped.append(UInt8(0x80 | scalar >> 12 & 0x3F))
      unescaped.append(UInt8(0x80 | scalar >> 6 & 0x3F))
      unescaped.append(UInt8(0x80 | scalar & 0x3F))
    }
  }

  /// Builds a string from raw input bytes that contain no escapes, rejecting invalid UTF-8.
  @inline(__always)
  func makeString(_ bytes: UnsafeBufferPointer<UInt8>, rawStart: Int) throws(JSONParseError)
    -> String
  {
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw invalidUTF8Error(from: rawStart, to: rawStart + bytes.count)
    }
    return text
  }

  /// Builds the error for the first invalid UTF-8 sequence in `input[start..<stop]`.
  ///
  /// Escape sequences are ASCII, so scanning the raw bytes finds the same fault as the decoded text.
  func invalidUTF8Error(from start: Int, to stop: Int) -> JSONParseError {
    var index = start
    while index < stop {
      let lead = input[index]
      if lead < 0x80 {
        index += 1
        continue
      }
      // Well-formed sequences per the Unicode Standard, table 3-7: the second byte's range
      // depends on the lead byte, and later bytes are 0x80...0xBF.
      var length = 0
      var secondRange: ClosedRange<UInt8> = 0x80...0xBF
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0: length = 3; secondRange = 0xA0...0xBF
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED: length = 3; secondRange = 0x80...0x9F
      case 0xF0: length = 4; secondRange = 0x90...0xBF
      case 0xF1...0xF3: length = 4
      case 0xF4: length = 4; secondRange = 0x80...0x8F
      default: break
      }
      var valid = length > 0 && index + length <= stop
      if valid {
        valid = secondRange.contains(input[index + 1])
        for offset in 2..<max(length, 2) where !(0x80...0xBF).contains(input[index + offset]) {
          valid = false
        }
      }
      if !valid {
        return JSONParseError(offset: index, message: "invalid UTF-8 byte sequence in string")
      }
      index += length
    }
    // NOTE: unreachable when the standard library's validator agrees with the table above.
    return JSONParseError(offset: start, message: "invalid UTF-8 byte sequence in string")
  }

  func controlCharacterError(_ byte: UInt8, at index: Int) -> JSONParseError {
    JSONParseError(
      offset: index,
      message: "unescaped control character U+00\(hex2(byte)) in string, write it as an escape")
  }

  func unterminatedStringError() -> JSONParseError {
    JSONParseError(offset: end, message: "unterminated string, expected a closing '\"'")
  }

  func loneSurrogateError(_ codeUnit: UInt32, at index: Int) -> JSONParseError {
    let digits = hex2(UInt8(codeUnit >> 8)) + hex2(UInt8(codeUnit & 0xFF))
    return JSONParseError(
      offset: index, message: "unpaired UTF-16 surrogate \\u\(digits) in string")
  }
}
