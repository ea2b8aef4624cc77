extension JSONByteParser {
  /// Parses the string whose opening quote is at `position` and returns its unescaped text.
  mutating func parseString() throws(JSONParseError) -> String {
    let start = position + 1
    var index = start
    // The bitwise OR of the bytes passed so far, so a set bit 7 in any byte means non-ASCII text.
    var combinedBytes: UInt64 = 0
    while true {
      // Skip eight bytes at a time while none of them is a quote, backslash or control character.
      while index + 8 <= end {
        let word = JSONByteWord.load(input.baseAddress! + index)
        let stops =
          JSONByteWord.marksEqual(word, to: JSONByte.quote)
          | JSONByteWord.marksEqual(word, to: JSONByte.backslash)
          | JSONByteWord.marksBelow(word, 0x20)
        if stops != 0 {
          let passed = JSONByteWord.bytesBeforeFirstMark(stops)
          combinedBytes |= word & ((1 << (passed * 8)) &- 1)
          index += passed
          break
        }
        combinedBytes |= word
        index += 8
      }

      guard index < end else {
        throw unterminatedStringError()
      }
      let byte = input[index]
      if byte == JSONByte.quote {
        if combinedBytes & JSONByteWord.highBits != 0 {
          try validateUTF8(from: start, to: index)
        }
        position = index + 1
        return String(decoding: UnsafeBufferPointer(rebasing: input[start..<index]), as: UTF8.self)
      }
      if byte == JSONByte.backslash {
        let sawNonASCII = combinedBytes & JSONByteWord.highBits != 0
        return try parseEscapedString(start: start, firstEscape: index, sawNonASCII: sawNonASCII)
      }
      if byte < 0x20 {
        throw controlCharacterError(byte, at: index)
      }
      combinedBytes |= UInt64(byte)
      index += 1
    }
  }

  /// Continues `parseString` from the first backslash, decoding into the `unescaped` buffer.
  mutating func parseEscapedString(start: Int, firstEscape: Int, sawNonASCII: Bool)
    throws(JSONParseError) -> String
  {
    unescaped.removeAll(keepingCapacity: true)
    var combinedBytes: UInt8 = sawNonASCII ? 0x80 : 0
    var runStart = start
    var index = firstEscape
    while index < end {
      let byte = input[index]
      if byte == JSONByte.quote {
        // Escape sequences are ASCII, so checking the raw input also covers the decoded text.
        if combinedBytes >= 0x80 {
          try validateUTF8(from: start, to: index)
        }
        unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
        position = index + 1
        return String(decoding: unescaped, as: UTF8.self)
      }
      if byte == JSONByte.backslash {
        unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
        index = try decodeEscape(at: index)
        runStart = index
        continue
      }
      if byte < 0x20 {
        throw controlCharacterError(byte, at: index)
      }
      combinedBytes |= byte
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
    case JSONByte.quote: decoded = JSONByte.quote
    case JSONByte.backslash: decoded = JSONByte.backslash
    case JSONByte.slash: decoded = JSONByte.slash
    case 0x62: decoded = 0x08  // \b
    case 0x66: decoded = 0x0C  // \f
    case 0x6E: decoded = JSONByte.lineFeed  // \n
    case 0x72: decoded = JSONByte.carriageReturn  // \r
    case 0x74: decoded = JSONByte.tab  // \t
    case 0x75:  // \u
      return try decodeUnicodeEscape(at: index)
    case let other:
      let escapeText =
        other > 0x20 && other < 0x7F
        ? "\\\(Character(Unicode.Scalar(other)))"
        : "\\ followed by byte 0x\(JSONByte.hexDigits(other))"
      throw JSONParseError(
        offset: index, message: "invalid escape sequence \(escapeText) in string")
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
      guard next + 1 < end, input[next] == JSONByte.backslash, input[next + 1] == 0x75 else {
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
    case JSONByte.zero...JSONByte.nine: UInt32(byte - JSONByte.zero)
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

  /// Throws at the first byte of `input[start..<stop]` that does not begin a well-formed UTF-8
  /// sequence, which rejects overlong forms, encoded surrogates and values above U+10FFFF.
  func validateUTF8(from start: Int, to stop: Int) throws(JSONParseError) {
    var index = start
    while index < stop {
      let lead = input[index]
      if lead < 0x80 {
        index += 1
        continue
      }

      // Each lead byte narrows the range of the second byte, which excludes the forbidden forms
      // listed above. Every later byte is a continuation byte, 0x80...0xBF.
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
      var valid = length > 0 && index + length <= stop && secondRange.contains(input[index + 1])
      var offset = 2
      while valid && offset < length {
        valid = input[index + offset] & 0xC0 == 0x80
        offset += 1
      }
      guard valid else {
        throw JSONParseError(offset: index, message: "invalid UTF-8 byte sequence in string")
      }
      index += length
    }
  }

  func controlCharacterError(_ byte: UInt8, at index: Int) -> JSONParseError {
    JSONParseError(
      offset: index,
      message:
        "unescaped control character U+00\(JSONByte.hexDigits(byte)) in string, write it as an escape"
    )
  }

  func unterminatedStringError() -> JSONParseError {
    JSONParseError(offset: end, message: "unterminated string, expected a closing '\"'")
  }

  func loneSurrogateError(_ codeUnit: UInt32, at index: Int) -> JSONParseError {
    let digits =
      JSONByte.hexDigits(UInt8(codeUnit >> 8)) + JSONByte.hexDigits(UInt8(codeUnit & 0xFF))
    return JSONParseError(
      offset: index, message: "unpaired UTF-16 surrogate \\u\(digits) in string")
  }
}
