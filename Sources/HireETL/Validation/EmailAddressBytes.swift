extension EmailAddress {
  /// The same check as `isValid(_:)` for an all-ASCII address, on bytes, so the common case
  /// makes no String; nil when the bytes are not all ASCII and the String check must decide.
  static func isValidASCII(_ bytes: UnsafeRawBufferPointer) -> Bool? {
    var at = -1
    for (index, byte) in bytes.enumerated() {
      if byte >= 0x80 { return nil }
      if byte == UInt8(ascii: "@") {
        if at >= 0 { return false }
        at = index
      }
    }
    guard at > 0, at <= 64, bytes.count <= 254, at < bytes.count - 1 else { return false }
    return isValidLocalPart(UnsafeRawBufferPointer(rebasing: bytes[..<at]))
      && isValidDomain(UnsafeRawBufferPointer(rebasing: bytes[(at + 1)...]))
  }

  private static func isValidLocalPart(_ local: UnsafeRawBufferPointer) -> Bool {
    guard local.first != UInt8(ascii: "."), local.last != UInt8(ascii: ".") else { return false }
    var previousDot = false
    for byte in local {
      let isDot = byte == UInt8(ascii: ".")
      if isDot && previousDot { return false }
      previousDot = isDot
      if !isAlphanumeric(byte) && !isDot && !isLocalPartSymbol(byte) {
        return false
      }
    }
    return true
  }

  /// Labels of letters, digits and inner hyphens, at most 63 bytes each, at least two of them,
  /// and a last label that is not all digits.
  private static func isValidDomain(_ domain: UnsafeRawBufferPointer) -> Bool {
    var labelStart = 0
    var labels = 0
    var labelAllDigits = true
    for index in 0...domain.count {
      let atEnd = index == domain.count
      if atEnd || domain[index] == UInt8(ascii: ".") {
        let length = index - labelStart
        guard length > 0, length <= 63, domain[labelStart] != UInt8(ascii: "-"),
          domain[index - 1] != UInt8(ascii: "-")
        else { return false }
        labels += 1
        if atEnd { return labels >= 2 && !labelAllDigits }
        labelStart = index + 1
        labelAllDigits = true
        continue
      }
      let byte = domain[index]
      guard isAlphanumeric(byte) || byte == UInt8(ascii: "-") else { return false }
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
