import Testing

@testable import HireETL

@Suite struct TextTrimTests {
  static let trimCases: [(input: String, expected: String)] = [
    ("", ""),
    ("plain", "plain"),
    ("  padded\t\n", "padded"),
    ("\r\nCRLF\r\n", "CRLF"),
    ("\u{00A0}Jane\u{00A0}", "Jane"),
    ("\u{3000}山田太郎\u{3000}", "山田太郎"),
    (
      "\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}x\u{2006}\u{2007}\u{2008}\u{2009}\u{200A}",
      "x"
    ),
    ("\u{202F}\u{205F}\u{1680}x\u{0085}\u{2028}\u{2029}", "x"),
    ("\u{FEFF}Name", "Name"),
    ("\u{200B}Name\u{200B}", "Name"),
    ("\u{200C}\u{200D}\u{2060}Name\u{2060}", "Name"),
    ("\u{FEFF} \u{00A0}\u{200B}mixed\u{200B} \u{00A0}", "mixed"),
    ("inner\u{00A0}space kept", "inner\u{00A0}space kept"),
    ("a\u{200D}b", "a\u{200D}b"),
    (" \u{00A0}\u{200B}\u{FEFF} ", ""),
    ("  Иван Петров  ", "Иван Петров"),
    ("\u{00A0}محمد علي\u{200F}", "محمد علي\u{200F}"),
    ("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} ", "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"),
  ]

  @Test("trim removes edge padding", arguments: trimCases)
  func trimRemovesEdgePadding(input: String, expected: String) {
    #expect(TextTrim.trim(input) == expected)
  }

  @Test("needsTrim matches trim", arguments: trimCases)
  func needsTrimMatchesTrim(input: String, expected: String) {
    let needsTrim = Array(input.utf8).withUnsafeBytes { TextTrim.needsTrim($0) }
    #expect(needsTrim == (input != expected))
  }

  @Test("needsTrim on every scalar")
  func needsTrimOnEveryScalar() {
    var mismatches: [UInt32] = []
    for value in UInt32(0)...0x10FFFF {
      guard let scalar = Unicode.Scalar(value) else { continue }
      let expected =
        scalar.properties.isWhitespace || [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF].contains(value)
      let bytes = Array(String(scalar).utf8)
      let needsTrim = bytes.withUnsafeBytes { TextTrim.needsTrim($0) }
      if needsTrim != expected {
        mismatches.append(value)
      }
    }
    #expect(mismatches.isEmpty)
  }

  @Test("isWhitespace matches Unicode property")
  func isWhitespaceMatchesUnicodeProperty() {
    let mismatches = (UInt32(0)...0x10FFFF).compactMap(Unicode.Scalar.init).filter {
      TextTrim.isWhitespace($0) != $0.properties.isWhitespace
    }
    #expect(mismatches.isEmpty)
  }

  @Test(
    "needsTrim ignores invalid UTF-8",
    arguments: [
      [UInt8]([0xC2]),  // truncated U+00A0
      [0xE2, 0x80],  // truncated U+200B
      [0x41, 0x80],  // stray continuation byte
      [0xC0, 0xA0],  // overlong encoding of a space
    ])
  func needsTrimIgnoresInvalidUTF8(bytes: [UInt8]) {
    #expect(bytes.withUnsafeBytes { TextTrim.needsTrim($0) } == false)
  }

  @Test("needsTrim on empty buffer")
  func needsTrimOnEmptyBuffer() {
    #expect([UInt8]().withUnsafeBytes { TextTrim.needsTrim($0) } == false)
  }

  @Test("needsTrim after invalid lead byte")
  func needsTrimAfterInvalidLeadByte() {
    // The 0xE2 lead byte is cut short by the NBSP, which still decodes as the last scalar.
    let bytes: [UInt8] = [0x41, 0xE2, 0xC2, 0xA0]
    #expect(bytes.withUnsafeBytes { TextTrim.needsTrim($0) } == true)
    #expect(TextTrim.trim(String(decoding: bytes, as: UTF8.self)) == "A\u{FFFD}")
  }
}
