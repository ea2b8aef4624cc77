/// Trimming of field values: Unicode White_Space plus the invisible zero-width characters
/// U+200B, U+200C, U+200D, U+2060 and U+FEFF, which copied and exported text can carry.
public enum TextTrim {
  /// Removes the trimmable characters from both ends of `s` and keeps inner ones.
  /// Returns `s` itself, without copying, when there is nothing to remove.
  public static func trim(_ s: String) -> String {
    let scalars = s.unicodeScalars
    var start = scalars.startIndex
    var end = scalars.endIndex

    while start < end, isTrimmable(scalars[start]) {
      start = scalars.index(after: start)
    }
    while end > start {
      let before = scalars.index(before: end)
      guard isTrimmable(scalars[before]) else { break }
      end = before
    }

    if start == scalars.startIndex && end == scalars.endIndex {
      return s
    }
    return String(scalars[start..<end])
  }

  /// Returns whether the first or last scalar of the UTF-8 `bytes` is trimmable, that is,
  /// whether `trim` would change the decoded string. Invalid UTF-8 is never trimmable.
  public static func needsTrim(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard !bytes.isEmpty else { return false }
    return trimmableLength(startingAt: 0, in: bytes, before: bytes.count) > 0
      || trimmableLength(endingAt: bytes.count, in: bytes, from: 0) > 0
  }

  /// Returns whether `scalar` is White_Space or one of the trimmed zero-width characters.
  @inline(__always)
  static func isTrimmable(_ scalar: Unicode.Scalar) -> Bool {
    isWhitespace(scalar) || isZeroWidth(scalar)
  }

  /// Returns whether `scalar` has the Unicode White_Space property. The tests compare this
  /// list with `Unicode.Scalar.Properties.isWhitespace` for every scalar.
  @inline(__always)
  static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F,
      0x205F, 0x3000:
      return true
    default:
      return false
    }
  }

  @inline(__always)
  static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x200B...0x200D, 0x2060, 0xFEFF:
      return true
    default:
      return false
    }
  }

  /// Returns the UTF-8 length of the trimmable scalar that starts at `start`, or 0.
  ///
  /// The trimmable scalars are all ASCII or exactly the 2- and 3-byte sequences matched here.
  /// Their lead bytes are never continuation bytes, so a match is always decoded as that
  /// scalar, whatever bytes precede it.
  static func trimmableLength<Bytes: RandomAccessCollection<UInt8>>(
    startingAt start: Int, in bytes: Bytes, before end: Int
  ) -> Int where Bytes.Index == Int {
    let b0 = bytes[start]
    if b0 < 0x80 {
      return isASCIIWhitespace(b0) ? 1 : 0
    }
    if b0 == 0xC2 {
      guard end - start >= 2 else { return 0 }
      return isTrimmableTwoByte(b0, bytes[start + 1]) ? 2 : 0
    }
    guard end - start >= 3 else { return 0 }
    return isTrimmableThreeByte(b0, bytes[start + 1], bytes[start + 2]) ? 3 : 0
  }

  /// Returns the UTF-8 length of the trimmable scalar that ends just before `end`, or 0.
  static func trimmableLength<Bytes: RandomAccessCollection<UInt8>>(
    endingAt end: Int, in bytes: Bytes, from start: Int
  ) -> Int where Bytes.Index == Int {
    let last = bytes[end - 1]
    if last < 0x80 {
      return isASCIIWhitespace(last) ? 1 : 0
    }
    if end - start >= 2, isTrimmableTwoByte(bytes[end - 2], last) {
      return 2
    }
    if end - start >= 3, isTrimmableThreeByte(bytes[end - 3], bytes[end - 2], last) {
      return 3
    }
    return 0
  }

  @inline(__always)
  static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
  }

  /// U+0085 and U+00A0.
  @inline(__always)
  private static func isTrimmableTwoByte(_ b0: UInt8, _ b1: UInt8) -> Bool {
    b0 == 0xC2 && (b1 == 0x85 || b1 == 0xA0)
  }

  /// U+1680, U+2000–U+200D, U+2028, U+2029, U+202F, U+205F, U+2060, U+3000 and U+FEFF.
  @inline(__always)
  private static func isTrimmableThreeByte(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8) -> Bool {
    switch (b0, b1) {
    case (0xE1, 0x9A):
      return b2 == 0x80
    case (0xE2, 0x80):
      return (0x80...0x8D).contains(b2) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF
    case (0xE2, 0x81):
      return b2 == 0x9F || b2 == 0xA0
    case (0xE3, 0x80):
      return b2 == 0x80
    case (0xEF, 0xBB):
      return b2 == 0xBF
    default:
      return false
    }
  }
}

/// Conversion of text cells to the typed values that integer and boolean fields expect.
public enum TypeCoercion {
  /// Parses an optional `+` or `-` followed by ASCII digits, with nothing else around them.
  /// Leading zeros are accepted ("007" is 7). Returns nil on any other text or on overflow.
  public static func integer(_ s: String) -> Int? {
    var utf8 = s.utf8[...]
    var isNegative = false
    if let sign = utf8.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
      isNegative = sign == UInt8(ascii: "-")
      utf8 = utf8.dropFirst()
    }
    guard !utf8.isEmpty else { return nil }

    // Accumulating a negative value reaches Int.min, which has no positive counterpart.
    var value = 0
    for byte in utf8 {
      guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
      let digit = Int(byte - UInt8(ascii: "0"))
      let (shifted, overflowByShift) = value.multipliedReportingOverflow(by: 10)
      let (next, overflowByDigit) =
        isNegative
        ? shifted.subtractingReportingOverflow(digit)
        : shifted.addingReportingOverflow(digit)
      guard !overflowByShift && !overflowByDigit else { return nil }
      value = next
    }
    return value
  }

  /// Parses true/false, yes/no, y/n and 1/0, ignoring ASCII case. Returns nil otherwise.
  public static func boolean(_ s: String) -> Bool? {
    let utf8 = s.utf8
    for word in ["true", "yes", "y", "1"] where equalsIgnoringASCIICase(utf8, word) {
      return true
    }
    for word in ["false", "no", "n", "0"] where equalsIgnoringASCIICase(utf8, word) {
      return false
    }
    return nil
  }

  /// Returns whether `bytes` spell `lowercaseWord` when ASCII letters are compared without case.
  /// `lowercaseWord` must be lowercase ASCII.
  static func equalsIgnoringASCIICase<Bytes: Collection<UInt8>>(
    _ bytes: Bytes, _ lowercaseWord: String
  ) -> Bool {
    let word = lowercaseWord.utf8
    guard bytes.count == word.count else { return false }
    for (byte, expected) in zip(bytes, word) {
      let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
      guard folded == expected else { return false }
    }
    return true
  }
}
