import HireETL
import Testing

@Suite struct TextTypeCoercionTests {
  @Test(
    "integer parses valid text",
    arguments: [
      ("0", 0),
      ("42", 42),
      ("+42", 42),
      ("-42", -42),
      ("007", 7),
      ("-0", 0),
      ("9223372036854775807", Int.max),
      ("-9223372036854775808", Int.min),
    ])
  func integerParsesValidText(text: String, expected: Int) {
    #expect(TypeCoercion.integer(text) == expected)
  }

  @Test(
    "integer rejects invalid text",
    arguments: [
      "", "+", "-", " 1", "1 ", "1 000", "1,000", "1e3", "1.0", "0x1F", "--1", "+-1", "one",
      "٣", "１２", "9223372036854775808", "-9223372036854775809", "99999999999999999999",
    ])
  func integerRejectsInvalidText(text: String) {
    #expect(TypeCoercion.integer(text) == nil)
  }

  @Test(
    "boolean parses valid text",
    arguments: [
      ("true", true), ("TRUE", true), ("True", true), ("yes", true), ("YES", true), ("y", true),
      ("Y", true), ("1", true),
      ("false", false), ("FALSE", false), ("no", false), ("No", false), ("n", false),
      ("N", false), ("0", false),
    ])
  func booleanParsesValidText(text: String, expected: Bool) {
    #expect(TypeCoercion.boolean(text) == expected)
  }

  @Test(
    "boolean rejects invalid text",
    arguments: [
      "", "t", "f", "on", "off", "2", "-1", "00", " yes", "yes ", "truee", "ja", "oui", "да",
    ])
  func booleanRejectsInvalidText(text: String) {
    #expect(TypeCoercion.boolean(text) == nil)
  }
}
