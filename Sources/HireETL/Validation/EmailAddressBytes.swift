extension EmailAddress {
  /// The same check as `isValid(_:)` for an all-ASCII address, on bytes, so the common case
  /// makes no String; nil when the bytes are not all ASCII and the String check must decide.
  static func isValidASCII(_ bytes: UnsafeRawBufferPointer) -> Bool? {
    let count = bytes.count
    guard count > 0, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
      return false
    }
    let classes = ASCIIClass.table
    // One pass over the local part: allowed characters, no dot first, last or twice in a row.
    var index = 0
    var previousDot = true
    while index < count {
      let byte = base[index]
      if classes[Int(byte)] & ASCIIClass.localPart != 0 {
        previousDot = false
      } else if byte == UInt8(ascii: ".") {
        if previousDot { return false }
        previousDot = true
      } else if byte == UInt8(ascii: "@") {
        break
      } else {
        return byte >= 0x80 ? nil : false
      }
      index += 1
    }
    let at = index
    guard at > 0, at < count - 1, at <= 64, count <= 254, !previousDot else {
      // A non-ASCII byte still needs the String check, whatever else is wrong.
      for rest in at..<count where base[rest] >= 0x80 { return nil }
      return false
    }
    return isValidDomain(UnsafeBufferPointer(start: base + at + 1, count: count - at - 1))
  }

  /// Labels of letters, digits and inner hyphens, at most 63 bytes each, at least two of them,
  /// and a last label that is not all digits; nil at a non-ASCII byte (an IDN label), which
  /// the String check decides.
  private static func isValidDomain(_ domain: UnsafeBufferPointer<UInt8>) -> Bool? {
    let classes = ASCIIClass.table
    var labelStart = 0
    var labels = 0
    // The flags that every byte of the label so far has in common. The digit flag stays only
    // while the label is all digits.
    var labelFlags = UInt8.max
    var valid = true
    for index in 0...domain.count {
      let atEnd = index == domain.count
      if !atEnd {
        let byte = domain[index]
        let byteClass = classes[Int(byte)]
        labelFlags &= byteClass
        if byteClass & ASCIIClass.domainLabel != 0 { continue }
        if byte >= 0x80 { return nil }
        if byte != UInt8(ascii: ".") {
          valid = false
          continue
        }
      }
      // A dot or the end closes the label.
      let length = index - labelStart
      if length == 0 || length > 63 || domain[labelStart] == UInt8(ascii: "-")
        || domain[index - 1] == UInt8(ascii: "-")
      {
        valid = false
      }
      labels += 1
      if atEnd { return valid && labels >= 2 && labelFlags & ASCIIClass.digit == 0 }
      labelStart = index + 1
      labelFlags = UInt8.max
    }
    return false
  }
}

/// The roles a byte may have in an ASCII e-mail address, as bit flags in a 256-entry table, so
/// the loops above classify a byte with one load.
private enum ASCIIClass {
  /// Letters, digits and the symbols RFC 5322 allows in an unquoted local part:
  /// ! # $ % & ' * + - / = ? ^ _ ` { | } ~
  static let localPart: UInt8 = 1
  /// Letters, digits and the hyphen.
  static let domainLabel: UInt8 = 2
  static let digit: UInt8 = 4

  static let table: [UInt8] = (0..<256).map { value in
    let byte = UInt8(value)
    let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    let isLetter =
      (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
      || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    let isSymbol = "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
    var flags: UInt8 = 0
    if isDigit || isLetter || isSymbol { flags |= localPart }
    if isDigit || isLetter || byte == UInt8(ascii: "-") { flags |= domainLabel }
    if isDigit { flags |= digit }
    return flags
  }
}
