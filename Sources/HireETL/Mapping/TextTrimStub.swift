// TEMPORARY stand-in until the text branch lands.
public enum TextTrim {
  public static func trim(_ s: String) -> String {
    var scalars = Substring(s).unicodeScalars
    while let f = scalars.first, f.properties.isWhitespace || f.value == 0x200B || f.value == 0xFEFF { scalars.removeFirst() }
    while let l = scalars.last, l.properties.isWhitespace || l.value == 0x200B || l.value == 0xFEFF { scalars.removeLast() }
    return String(scalars)
  }
  public static func needsTrim(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let f = bytes.first, let l = bytes.last else { return false }
    return f <= 0x20 || l <= 0x20 || f >= 0x80 || l >= 0x80
  }
}
