extension String {
  /// The text with each control character written as an escape (`\0`, `\t`, `\n`, `\r`, or
  /// `\u{1B}` for the rest), so that a message puts no raw control bytes on a terminal or in a
  /// log. Header names of a UTF-16 file read as UTF-8, for example, are full of NUL bytes.
  var escapingControlCharacters: String {
    guard unicodeScalars.contains(where: \.isControlCharacter) else { return self }
    var result = ""
    for scalar in unicodeScalars {
      switch scalar {
      case "\0": result += "\\0"
      case "\t": result += "\\t"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case _ where scalar.isControlCharacter:
        result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }
}

extension Unicode.Scalar {
  /// True for the C0 controls, DEL and the C1 controls.
  fileprivate var isControlCharacter: Bool {
    value < 0x20 || (0x7F...0x9F).contains(value)
  }
}
