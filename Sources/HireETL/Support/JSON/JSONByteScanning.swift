/// ASCII byte values used by the JSON parser and writer.
enum JSONByte {
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

  /// Formats a byte as two uppercase hex digits, for error messages.
  static func hexDigits(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
  }
}

/// Helpers that test eight bytes at a time in a `UInt64`, so the parser and the writer can skip
/// runs of plain string bytes with a few instructions per word.
enum JSONByteWord {
  static let ones: UInt64 = 0x0101_0101_0101_0101
  static let highBits: UInt64 = 0x8080_8080_8080_8080

  /// Loads the eight bytes at `pointer` so that the first byte is the lowest of the word.
  @inline(__always)
  static func load(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
    UInt64(littleEndian: UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self))
  }

  /// Sets bit 7 of each byte of `word` that equals `byte`.
  ///
  /// A borrow can also mark a higher byte that does not match, so only the lowest mark is exact.
  @inline(__always)
  static func marksEqual(_ word: UInt64, to byte: UInt8) -> UInt64 {
    let difference = word ^ (ones &* UInt64(byte))
    return (difference &- ones) & ~difference & highBits
  }

  /// Sets bit 7 of each byte of `word` below `limit`, which must be at most 0x80.
  ///
  /// A borrow can also mark a higher byte that is not below the limit, so only the lowest mark
  /// is exact.
  @inline(__always)
  static func marksBelow(_ word: UInt64, _ limit: UInt8) -> UInt64 {
    (word &- ones &* UInt64(limit)) & ~word & highBits
  }

  /// Sets bit 7 of each byte of `word` that may need an escape in a JSON string: `"`, `\`, a
  /// control character, or 0xE2, which starts U+2028 and U+2029. The result is zero exactly
  /// when no byte of the word is one of those.
  @inline(__always)
  static func marksEscapeCandidates(_ word: UInt64) -> UInt64 {
    marksEqual(word, to: JSONByte.quote) | marksEqual(word, to: JSONByte.backslash)
      | marksEqual(word, to: 0xE2) | marksBelow(word, 0x20)
  }

  /// Returns the number of bytes before the lowest marked byte of a nonzero `marks`.
  @inline(__always)
  static func bytesBeforeFirstMark(_ marks: UInt64) -> Int {
    marks.trailingZeroBitCount / 8
  }
}
