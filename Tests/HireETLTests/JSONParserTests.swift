import Foundation
import Testing

@testable import HireETL

private func parse(_ text: String) throws(JSONParseError) -> JSONValue {
  try JSONParser.parse(Array(text.utf8))
}

/// Returns the error for input that must be rejected, or nil when it parses.
private func parseError(_ bytes: [UInt8]) -> JSONParseError? {
  do {
    _ = try JSONParser.parse(bytes)
    return nil
  } catch {
    return error
  }
}

/// A malformed input with the error the parser must report for it.
struct MalformedCase: Sendable, CustomTestStringConvertible {
  var bytes: [UInt8]
  var offset: Int
  var message: String
  var testDescription: String

  init(_ text: String, offset: Int, _ message: String) {
    self.init(Array(text.utf8), offset: offset, message, label: text)
  }

  init(_ bytes: [UInt8], offset: Int, _ message: String, label: String) {
    self.bytes = bytes
    self.offset = offset
    self.message = message
    self.testDescription = label
  }
}

private let malformedCases: [MalformedCase] = [
  MalformedCase(#"{"a":1} {"b":2}"#, offset: 8, "unexpected data after the JSON value"),
  MalformedCase("", offset: 0, "unexpected end of input, expected a JSON value"),
  MalformedCase("   ", offset: 3, "unexpected end of input, expected a JSON value"),
  MalformedCase("[1,]", offset: 3, "trailing comma before ']'"),
  MalformedCase(#"{"a":1,}"#, offset: 7, "trailing comma before '}'"),
  MalformedCase("[1 2]", offset: 3, "unexpected character '2', expected ',' or ']'"),
  MalformedCase("[1", offset: 2, "unexpected end of input, expected ',' or ']'"),
  MalformedCase(#"{"a":1"#, offset: 6, "unexpected end of input, expected ',' or '}'"),
  MalformedCase(
    #"{"a" 1}"#, offset: 5, "unexpected character '1', expected ':' after an object key"),
  MalformedCase(
    "{a:1}", offset: 1, "unexpected character 'a', expected an object key in double quotes"),
  MalformedCase(
    "{'a':1}", offset: 1, "unexpected character ''', expected an object key in double quotes"),
  MalformedCase(#""a\x""#, offset: 2, #"invalid escape sequence \x in string"#),
  MalformedCase(#""\u12""#, offset: 1, #"invalid \u escape in string, expected four hex digits"#),
  MalformedCase(#""\uD800""#, offset: 1, #"unpaired UTF-16 surrogate \uD800 in string"#),
  MalformedCase(#""\uDC00\uD800""#, offset: 1, #"unpaired UTF-16 surrogate \uDC00 in string"#),
  MalformedCase(#""ab"#, offset: 3, #"unterminated string, expected a closing '"'"#),
  MalformedCase(
    "\"a\nb\"", offset: 2, "unescaped control character U+000A in string, write it as an escape"),
  MalformedCase(
    [0x22, 0x61, 0xC3, 0x28, 0x22], offset: 2, "invalid UTF-8 byte sequence in string",
    label: "truncated 2-byte sequence"),
  MalformedCase(
    [0x22, 0xC0, 0xAF, 0x22], offset: 1, "invalid UTF-8 byte sequence in string",
    label: "overlong encoding"),
  MalformedCase(
    [0x22, 0xED, 0xA0, 0x80, 0x22], offset: 1, "invalid UTF-8 byte sequence in string",
    label: "encoded surrogate"),
  MalformedCase(
    [0x22, 0x5C, 0x6E, 0xFF, 0x22], offset: 3, "invalid UTF-8 byte sequence in string",
    label: "invalid byte after escape"),
  MalformedCase(
    [0xEF, 0xBB, 0xBF, 0x7B, 0x7D], offset: 0,
    "unexpected byte order mark, strip it before parsing", label: "byte order mark"),
  MalformedCase("00012", offset: 0, "leading zeros are not allowed in numbers"),
  MalformedCase("-012", offset: 1, "leading zeros are not allowed in numbers"),
  MalformedCase("-", offset: 1, "expected a digit after '-'"),
  MalformedCase("-Infinity", offset: 1, "expected a digit after '-'"),
  MalformedCase("1.", offset: 2, "expected a digit after the decimal point"),
  MalformedCase(".5", offset: 0, "unexpected character '.', expected a JSON value"),
  MalformedCase("1e+", offset: 3, "expected a digit in the exponent"),
  MalformedCase("NaN", offset: 0, "unexpected character 'N', expected a JSON value"),
  MalformedCase("nul", offset: 3, "invalid literal, expected null"),
  MalformedCase("[truth]", offset: 4, "invalid literal, expected true"),
  MalformedCase("[1] // comment", offset: 4, "unexpected data after the JSON value"),
  MalformedCase("/* comment */ 1", offset: 0, "unexpected character '/', expected a JSON value"),
  MalformedCase("\u{0C}1", offset: 0, "unexpected byte 0x0C, expected a JSON value"),
  MalformedCase(String(repeating: "[", count: 513), offset: 512, "nesting deeper than 512 levels"),
]

private let literalNumbers = [
  "0", "-0", "7", "-0.5e3", "1E+2", "1.0e-10", "12345678901234567890",
  "-98765432109876543210.000000000000000000001", "1e999",
]

@Suite struct JSONParserTests {
  @Test(arguments: malformedCases)
  func malformedInputErrorOffset(_ testCase: MalformedCase) {
    let error = parseError(testCase.bytes)
    #expect(error?.offset == testCase.offset)
  }

  @Test(arguments: malformedCases)
  func malformedInputErrorMessage(_ testCase: MalformedCase) {
    let error = parseError(testCase.bytes)
    #expect(error?.message == testCase.message)
  }

  @Test(arguments: literalNumbers)
  func numberKeptAsLiteral(_ literal: String) throws {
    #expect(try parse(literal) == .number(literal))
  }

  @Test func numberInsideArrayKeptExact() throws {
    let value = try parse("[12345678901234567890, -0.0]")
    #expect(value == .array([.number("12345678901234567890"), .number("-0.0")]))
  }

  @Test func objectKeyOrderPreserved() throws {
    guard case .object(let object) = try parse(#"{"b":1, "a":2, "c":{"z":0,"y":1}}"#) else {
      Issue.record("expected an object")
      return
    }
    #expect(object.keys == ["b", "a", "c"])
    #expect(object["a"] == .number("2"))
    guard case .object(let inner)? = object["c"] else {
      Issue.record("expected a nested object")
      return
    }
    #expect(inner.keys == ["z", "y"])
  }

  @Test func duplicateKeysKeptInOrder() throws {
    guard case .object(let object) = try parse(#"{"a":1,"a":2}"#) else {
      Issue.record("expected an object")
      return
    }
    #expect(object.keys == ["a", "a"])
    #expect(object["a"] == .number("1"))
  }

  @Test(arguments: [
    (#""plain""#, "plain"),
    (#""""#, ""),
    (#""a\"b\\c\/d""#, #"a"b\c/d"#),
    (#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t"),
    (#""\u0041\u00e9\u20AC""#, "Aé€"),
    (#""\ud83d\ude00 ok""#, "😀 ok"),
    (#""\u0000""#, "\u{0}"),
    ("\"é😀\u{7F}\"", "é😀\u{7F}"),
    (#""x\u2028y""#, "x\u{2028}y"),
  ])
  func stringDecoded(_ input: String, _ expected: String) throws {
    #expect(try parse(input) == .string(expected))
  }

  /// Lengths 0 to 24 put the closing quote at every position of the eight-byte words that the
  /// string scanner reads at once.
  @Test func stringLengthsAcrossWords() throws {
    for length in 0...24 {
      let text = String(repeating: "a", count: length)
      #expect(try parse("\"\(text)\"") == .string(text), "length \(length)")
    }
  }

  @Test func controlCharacterAtEveryPosition() {
    for position in 0...24 {
      var bytes = [JSONByte.quote] + [UInt8](repeating: 0x61, count: 30) + [JSONByte.quote]
      bytes[1 + position] = 0x01
      #expect(parseError(bytes)?.offset == 1 + position, "position \(position)")
    }
  }

  /// The invalid byte sits just before the closing quote, so both fall in the same word.
  @Test func invalidUTF8AtEveryPosition() {
    for position in 0...24 {
      let bytes =
        [JSONByte.quote] + [UInt8](repeating: 0x61, count: position) + [0xFF, JSONByte.quote]
      #expect(parseError(bytes)?.offset == 1 + position, "position \(position)")
    }
  }

  @Test func nonASCIIAtEveryPosition() throws {
    for position in 0...24 {
      let text = String(repeating: "a", count: position) + "é😀" + "bcd"
      #expect(try parse("\"\(text)\"") == .string(text), "position \(position)")
    }
  }

  @Test func escapeAtEveryPosition() throws {
    for position in 0...24 {
      let prefix = String(repeating: "a", count: position)
      let input = "\"\(prefix)\\n\(prefix)é\""
      #expect(try parse(input) == .string("\(prefix)\n\(prefix)é"), "position \(position)")
    }
  }

  @Test func literalsAndWhitespace() throws {
    let value = try parse(" \t\r\n[true, false ,null]\n")
    #expect(value == .array([.bool(true), .bool(false), .null]))
  }

  @Test func emptyContainersParse() throws {
    #expect(try parse("[ ]") == .array([]))
    #expect(try parse("{ }") == .object(JSONObject()))
    #expect(try parse("[[],{}]") == .array([.array([]), .object(JSONObject())]))
  }

  @Test func nestingAtLimitAccepted() throws {
    let depth = JSONParser.maximumDepth
    let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    var expected = JSONValue.array([])
    for _ in 1..<depth {
      expected = .array([expected])
    }
    #expect(try parse(text) == expected)
  }

  @Test func unsafeBufferOverloadParses() throws {
    let bytes = Array(#"{"k":[1]}"#.utf8)
    let value = try bytes.withUnsafeBytes { buffer in try JSONParser.parse(buffer) }
    var object = JSONObject()
    object["k"] = .array([.number("1")])
    #expect(value == .object(object))
  }

  @Test func openingBracketsOnSmallStack() async {
    let error = await runOnThread(stackKiB: 64) {
      parseError([UInt8](repeating: JSONByte.openBracket, count: 100_000))
    }
    #expect(error?.offset == JSONParser.maximumDepth)
    #expect(error?.message == "nesting deeper than 512 levels")
  }

  /// Parses, writes and releases a value at the nesting limit on a 256 KiB stack.
  @Test func maximumDepthOnSmallStack() async {
    let levels = JSONParser.maximumDepth / 2
    let nested = Array(
      (String(repeating: #"{"a":["#, count: levels) + String(repeating: "]}", count: levels)).utf8)
    let written = await runOnThread(stackKiB: 256) { () -> [UInt8]? in
      guard let value = try? JSONParser.parse(nested) else { return nil }
      var output: [UInt8] = []
      JSONWriter.appendValue(value, to: &output)
      return output
    }
    #expect(written != nil, "512 levels of nesting must parse")
    #expect(written == nested, "512 levels of nesting must be written back unchanged")
  }
}

/// Runs `body` on a new thread with the given stack size and returns its result.
private func runOnThread<Result: Sendable>(
  stackKiB: Int, _ body: @escaping @Sendable () -> Result
) async -> Result {
  await withCheckedContinuation { continuation in
    let thread = Thread { continuation.resume(returning: body()) }
    thread.stackSize = stackKiB * 1024
    thread.start()
  }
}
