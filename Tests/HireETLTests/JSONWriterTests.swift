import Testing

@testable import HireETL

private func writtenString(_ text: String) -> String {
  var output: [UInt8] = []
  JSONWriter.appendString(text, to: &output)
  return String(decoding: output, as: UTF8.self)
}

private func writtenValue(_ value: JSONValue) -> [UInt8] {
  var output: [UInt8] = []
  JSONWriter.appendValue(value, to: &output)
  return output
}

private func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
  .object(JSONObject(keys: members.map(\.key), values: members.map(\.value)))
}

@Suite struct JSONWriterTests {
  @Test(arguments: [
    ("\u{0}", #""\u0000""#),
    ("\u{1}", #""\u0001""#),
    ("\u{8}", #""\b""#),
    ("\t", #""\t""#),
    ("\n", #""\n""#),
    ("\u{B}", #""\u000b""#),
    ("\u{C}", #""\f""#),
    ("\r", #""\r""#),
    ("\u{1B}", #""\u001b""#),
    ("\u{1F}", #""\u001f""#),
    ("a\"b", #""a\"b""#),
    ("a\\b", #""a\\b""#),
    ("\u{7F}", "\"\u{7F}\""),
    ("/", #""/""#),
  ])
  func controlCharacterEscaped(_ input: String, _ expected: String) {
    #expect(writtenString(input) == expected)
  }

  @Test(arguments: [
    ("\u{2028}", #""\u2028""#),
    ("\u{2029}", #""\u2029""#),
    ("a\u{2028}b\u{2029}c", #""a\u2028b\u2029c""#),
    ("\u{2027}\u{202A}", "\"\u{2027}\u{202A}\""),
    ("€ é 😀", "\"€ é 😀\""),
    ("\u{E2}", "\"\u{E2}\""),
  ])
  func lineSeparatorEscaped(_ input: String, _ expected: String) {
    #expect(writtenString(input) == expected)
  }

  /// Positions 0 to 24 cover every byte of the eight-byte words that the writer scans at once.
  @Test func escapeAtEveryPosition() {
    for position in 0...24 {
      let prefix = String(repeating: "a", count: position)
      #expect(
        writtenString(prefix + "\n\u{2028}€" + prefix) == "\"\(prefix)\\n\\u2028€\(prefix)\"",
        "position \(position)")
    }
  }

  /// The byte buffer's word-at-a-time copy must write what the general loop writes, for every
  /// length around its 4- and 8-byte steps and an escape at every position.
  @Test func bufferStringMatchesGeneral() {
    let specials = ["\n", "\"", "\\", "\u{1F}", "\u{2028}", "\u{2029}", "€", "–", "é", "\u{7F}"]
    var inputs: [String] = []
    for length in 0...40 {
      let plain = String(repeating: "x", count: length)
      inputs.append(plain)
      for position in 0...length {
        for special in specials {
          inputs.append(
            String(plain.prefix(position)) + special + String(plain.dropFirst(position)))
        }
      }
    }
    let buffer = ByteBuffer(capacity: 16)
    for input in inputs {
      var general: [UInt8] = []
      JSONWriter.appendString(input, to: &general)
      buffer.removeAll()
      buffer.append(UInt8(ascii: "<"))
      var text = input
      text.withUTF8 { buffer.appendJSONString(UnsafeRawBufferPointer($0)) }
      buffer.append(UInt8(ascii: ">"))
      #expect(
        Array(buffer.allBytes) == [UInt8(ascii: "<")] + general + [UInt8(ascii: ">")], "\(input)")
    }
  }

  @Test func rawBufferStringWritten() {
    let bytes = Array("tab\there\u{2029}".utf8)
    var output: [UInt8] = []
    bytes.withUnsafeBytes { JSONWriter.appendString($0, to: &output) }
    #expect(output == Array(#""tab\there\u2029""#.utf8))
  }

  @Test func appendKeepsExistingBytes() {
    var output = Array("x=".utf8)
    JSONWriter.appendString("", to: &output)
    JSONWriter.appendValue(.number("1"), to: &output)
    #expect(output == Array(#"x=""1"#.utf8))
  }

  @Test func objectKeyOrderWritten() {
    let value = object(["z": .number("1"), "a": .array([.bool(true), .null, .string("x")])])
    #expect(writtenValue(value) == Array(#"{"z":1,"a":[true,null,"x"]}"#.utf8))
  }

  @Test(arguments: ["12345678901234567890", "-0.5e3", "0", "1E+2"])
  func numberWrittenLiterally(_ literal: String) {
    #expect(writtenValue(.number(literal)) == Array(literal.utf8))
  }

  /// Compact inputs that the writer must reproduce byte for byte after parsing.
  @Test(arguments: [
    "null", "true", "false", "0", "-0.5e3", "12345678901234567890", #""""#,
    "[]", "{}", "[[]]", "[{}]", #"{"":{}}"#,
    #"{"b":[1,-0.5e3,{}],"a":{"c":null},"b":false}"#,
    #"["\u0000\u001f\"\\\n\r\t\b\f","\u2028\u2029","é€😀"]"#,
    #"[[[[1,[2,[3]]]],{"k":[{"k":[]}]}]]"#,
  ])
  func compactInputRoundTrips(_ text: String) throws {
    let bytes = Array(text.utf8)
    let value = try JSONParser.parse(bytes)
    #expect(writtenValue(value) == bytes)
  }

  /// Values whose written form must parse back to the same value.
  @Test(arguments: [
    JSONValue.string("quote \" backslash \\ slash / nul \u{0} del \u{7F}"),
    .string("\u{2028}\u{2029}\u{FEFF}\u{10FFFF}"),
    .array([.number("1"), .string(""), .array([]), .object(JSONObject())]),
    object(["id": .number("98765432109876543210"), "name": .string("Zoë\n"), "tags": .array([])]),
    object(["": .null, "\u{1}": .bool(false), "a\u{2028}": object(["b": .array([.null])])]),
  ])
  func writtenValueParsesBack(_ value: JSONValue) throws {
    let parsed = try JSONParser.parse(writtenValue(value))
    #expect(parsed == value)
  }

  @Test func objectSubscriptSetsAndRemoves() {
    var members = JSONObject(keys: ["a", "b", "a"], values: [.number("1"), .null, .number("3")])
    members["a"] = .bool(true)
    #expect(members.keys == ["a", "b", "a"])
    #expect(members.values == [.bool(true), .null, .number("3")])

    members["c"] = .string("new")
    #expect(members.keys == ["a", "b", "a", "c"])

    members["a"] = nil
    #expect(members.keys == ["b", "c"])
    #expect(members.count == 2)
    #expect(members["a"] == nil)
  }

  @Test func objectAppendKeepsDuplicates() {
    var members: JSONObject = ["a": .null]
    members.append(key: "a", value: .bool(true))
    #expect(members.keys == ["a", "a"])
    #expect(members.values == [.null, .bool(true)])
  }

  @Test func objectLiteralKeepsOrder() {
    let members: JSONObject = ["z": .number("1"), "a": .number("2")]
    #expect(members.keys == ["z", "a"])
    #expect(writtenValue(.object(members)) == Array(#"{"z":1,"a":2}"#.utf8))
  }
}
