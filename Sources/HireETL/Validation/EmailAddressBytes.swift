extension EmailAddress {
  /// The same check as `isValid(_:)` for an all-ASCII address, on bytes, so the common case
  /// makes no String; nil when the bytes are not all ASCII and the String check must decide.
  static func isValidASCII(_ bytes: UnsafeRawBufferPointer) -> Bool? {
    let count = bytes.count
    guard count > 0, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
      return false
    }
    // One pass over the local part: allowed characters, no dot first, last or twice in a row.
    var index = 0
    var previousDot = true
    while index < count {
      let byte = base[index]
      if byte >= 0x80 { return nil }
      if byte == UInt8(ascii: "@") { break }
      let isDot = byte == UInt8(ascii: ".")
      if isDot {
        if previousDot { return false }
      } else if !isAlphanumeric(byte) && !isLocalPartSymbol(byte) {
        return false
      }
      previousDot = isDot
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
    var labelStart = 0
    var labels = 0
    var labelAllDigits = true
    var valid = true
    for index in 0...domain.count {
      let atEnd = index == domain.count
      if atEnd || domain[index] == UInt8(ascii: ".") {
        let length = index - labelStart
        if length == 0 || length > 63 || domain[labelStart] == UInt8(ascii: "-")
          || domain[index - 1] == UInt8(ascii: "-")
        {
          valid = false
        }
        labels += 1
        if atEnd { return valid && labels >= 2 && !labelAllDigits }
        labelStart = index + 1
        labelAllDigits = true
        continue
      }
      let byte = domain[index]
      if byte >= 0x80 { return nil }
      if !isAlphanumeric(byte) && byte != UInt8(ascii: "-") { valid = false }
      if byte < UInt8(ascii: "0") || byte > UInt8(ascii: "9") { labelAllDigits = false }
    }
    return false
  }

  /// The symbols RFC 5322 allows in an unquoted local part: ! # $ % & ' * + - / = ? ^ _ ` { | } ~
  @inline(__always)
  private static func isLocalPartSymbol(_ byte: UInt8) -> Bool {
    switch byte {
    case 0x21, 0x23...0x27, 0x2A, 0x2B, 0x2D, 0x2F, 0x3D, 0x3F, 0x5E...0x60, 0x7B...0x7E: true
    default: false
    }
  }

  @inline(__always)
  private static func isAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
      || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
      || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
  }
}
