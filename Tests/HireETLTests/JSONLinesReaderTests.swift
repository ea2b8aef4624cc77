import Testing

@testable import HireETL

/// One record that a JSON Lines case expects: an object, or raw text with one problem.
struct JSONLinesExpectedRecord: Sendable {
  var line: Int
  var object: JSONObject?
  var unparsed: String?
  /// The rule of the record's one problem, nil for a record without problems.
  var rule: String?
  /// The start of that problem's message. It is the whole message where the reader writes all
  /// of it, and stops before the parser's own wording where the JSON parser supplies the rest.
  var messagePrefix: String?
}

/// JSON Lines bytes and the records and blank-line count that reading them must give.
struct JSONLinesCase: Sendable, CustomTestStringConvertible {
  var name: String
  var input: [UInt8]
  var records: [JSONLinesExpectedRecord]
  var blankSkipped = 0
  var encoding = TextEncoding.utf8
  var notes: [String] = []

  var testDescription: String { name }
}

/// Builds an object with string members in the given order.
private func jsonObject(_ members: KeyValuePairs<String, String>) -> JSONObject {
  var object = JSONObject()
  for (key, value) in members {
    object[key] = .string(value)
  }
  return object
}

private func good(_ line: Int, _ members: KeyValuePairs<String, String>) -> JSONLinesExpectedRecord
{
  JSONLinesExpectedRecord(line: line, object: jsonObject(members))
}

private func bad(
  _ line: Int, _ text: String, rule: String, _ messagePrefix: String
) -> JSONLinesExpectedRecord {
  JSONLinesExpectedRecord(line: line, unparsed: text, rule: rule, messagePrefix: messagePrefix)
}

private func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

private let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

private let jsonLinesCases: [JSONLinesCase] = [
  JSONLinesCase(
    name: "LF separated objects",
    input: utf8("{\"id\":\"1\"}\n{\"id\":\"2\"}\n{\"id\":\"3\"}\n"),
    records: [good(1, ["id": "1"]), good(2, ["id": "2"]), good(3, ["id": "3"])]),
  JSONLinesCase(
    name: "no final line break",
    input: utf8("{\"id\":\"1\"}\n{\"id\":\"2\"}"),
    records: [good(1, ["id": "1"]), good(2, ["id": "2"])]),
  JSONLinesCase(
    name: "CRLF line ends",
    input: utf8("{\"id\":\"1\"}\r\n{\"id\":\"2\"}\r\n"),
    records: [good(1, ["id": "1"]), good(2, ["id": "2"])]),
  JSONLinesCase(
    name: "member order kept",
    input: utf8("{\"b\":\"1\",\"a\":\"2\",\"c\":\"3\"}\n"),
    records: [good(1, ["b": "1", "a": "2", "c": "3"])]),
  JSONLinesCase(
    name: "Unicode line separators stay inside",
    input: utf8("{\"note\":\"a\u{2028}b\u{2029}c\u{0085}d\"}\n{\"id\":\"2\"}\n"),
    records: [good(1, ["note": "a\u{2028}b\u{2029}c\u{0085}d"]), good(2, ["id": "2"])]),
  JSONLinesCase(
    name: "lone CR is not line end",
    input: utf8("{\"id\":\"1\",\r\"name\":\"Ann\"}\n"),
    records: [good(1, ["id": "1", "name": "Ann"])]),
  JSONLinesCase(
    name: "one trailing CR dropped",
    input: utf8("oops\r\n{\"id\":\"2\"}\r\noops\r\r\n"),
    records: [
      bad(1, "oops", rule: "json", "line 1, column 1: invalid JSON: "),
      good(2, ["id": "2"]),
      bad(3, "oops\r", rule: "json", "line 3, column 1: invalid JSON: "),
    ]),
  JSONLinesCase(
    name: "byte order mark on line 1",
    input: byteOrderMark + utf8("{\"id\":\"1\"}\n{\"id\":\"2\"}\n"),
    records: [good(1, ["id": "1"]), good(2, ["id": "2"])]),
  JSONLinesCase(
    name: "byte order mark on line 2",
    input: utf8("{\"id\":\"1\"}\n") + byteOrderMark + utf8("{\"id\":\"2\"}\n{\"id\":\"3\"}\n"),
    records: [
      good(1, ["id": "1"]),
      bad(2, "\u{FEFF}{\"id\":\"2\"}", rule: "json", "line 2, column 1: invalid JSON: "),
      good(3, ["id": "3"]),
    ]),
  JSONLinesCase(
    name: "blank lines skipped",
    input: utf8("\n{\"id\":\"1\"}\n   \n\t\r\n\r\n{\"id\":\"2\"}\n\n"),
    records: [good(2, ["id": "1"]), good(6, ["id": "2"])],
    blankSkipped: 5),
  JSONLinesCase(
    name: "second value on line",
    input: utf8("{\"a\":\"1\"} {\"b\":\"2\"}\n{\"c\":\"3\"}\n"),
    records: [
      bad(1, "{\"a\":\"1\"} {\"b\":\"2\"}", rule: "json", "line 1, column 11: invalid JSON: "),
      good(2, ["c": "3"]),
    ]),
  JSONLinesCase(
    name: "column counts characters",
    input: utf8("{\"name\":\"Zoë\" x}\n"),
    records: [bad(1, "{\"name\":\"Zoë\" x}", rule: "json", "line 1, column 15: invalid JSON: ")]),
  JSONLinesCase(
    name: "non-object lines not records",
    input: utf8("[1,2]\n\"x\"\n3\nnull\ntrue\n{\"id\":\"6\"}\n"),
    records: [
      bad(
        1, "[1,2]", rule: "not_a_record",
        "line 1 is a JSON array, not a record; each line must be a JSON object"),
      bad(
        2, "\"x\"", rule: "not_a_record",
        "line 2 is a JSON string, not a record; each line must be a JSON object"),
      bad(
        3, "3", rule: "not_a_record",
        "line 3 is a JSON number, not a record; each line must be a JSON object"),
      bad(
        4, "null", rule: "not_a_record",
        "line 4 is a JSON null, not a record; each line must be a JSON object"),
      bad(
        5, "true", rule: "not_a_record",
        "line 5 is a JSON boolean, not a record; each line must be a JSON object"),
      good(6, ["id": "6"]),
    ]),
  JSONLinesCase(
    name: "bad line in the middle",
    input: utf8("{\"id\":\"1\"}\n{\"id\":\n\n{\"id\":\"3\"}\n{\"id\":\"4\"}\n"),
    records: [
      good(1, ["id": "1"]),
      bad(2, "{\"id\":", rule: "json", "line 2, column 7: invalid JSON: "),
      good(4, ["id": "3"]),
      good(5, ["id": "4"]),
    ],
    blankSkipped: 1),
  JSONLinesCase(
    name: "UTF-16 LE with emoji",
    input: utf16Bytes("{\"note\":\"😀 ok\"}\r\n{\"id\":\"𝄞\"}\n", bigEndian: false),
    records: [good(1, ["note": "😀 ok"]), good(2, ["id": "𝄞"])],
    encoding: .utf16LE),
  JSONLinesCase(
    name: "UTF-16 BE with emoji",
    input: utf16Bytes("{\"note\":\"😀 ok\"}\n", bigEndian: true),
    records: [good(1, ["note": "😀 ok"])],
    encoding: .utf16BE),
  JSONLinesCase(
    name: "auto falls back to Windows-1252",
    input: utf8("{\"name\":\"O") + [0x92] + utf8("Brien\"}\n"),
    records: [good(1, ["name": "O’Brien"])],
    encoding: .windows1252,
    notes: ["invalid UTF-8 on line 1 (byte offset 10); read the file from there on as Windows-1252"]
  ),
]

@Suite struct JSONLinesReaderTests {
  @Test(arguments: jsonLinesCases, readerChunkSizes)
  func caseRead(_ testCase: JSONLinesCase, chunkSize: Int) {
    let result = readJSONLines(testCase.input, chunkSize: chunkSize)
    let expected = testCase.records
    #expect(result.failure == nil)
    #expect(result.lines == expected.map(\.line))
    #expect(result.records.map(\.number) == expected.indices.map { $0 + 1 })
    #expect(result.records.map(\.object) == expected.map(\.object))
    #expect(result.records.map(\.unparsed) == expected.map(\.unparsed))
    #expect(
      result.records.map { $0.problems.map(\.rule) } == expected.map { $0.rule.map { [$0] } ?? [] })
    for (record, expectation) in zip(result.records, expected) {
      guard let prefix = expectation.messagePrefix, let problem = record.problems.first else {
        continue
      }
      #expect(problem.message.hasPrefix(prefix), "line \(record.line): \(problem.message)")
      #expect(problem.field == nil)
    }
    #expect(result.statistics.blankSkipped == testCase.blankSkipped)
    #expect(result.statistics.encoding == testCase.encoding)
    #expect(result.statistics.notes == testCase.notes)
    #expect(result.columnNames == nil)
  }

  @Test(arguments: readerChunkSizes)
  func emptyInputGivesNoRecords(chunkSize: Int) {
    let result = readJSONLines([], chunkSize: chunkSize)
    #expect(result.failure == nil)
    #expect(result.records.isEmpty)
    #expect(result.statistics.blankSkipped == 0)
  }

  @Test(arguments: readerChunkSizes)
  func numbersKeepTheirText(chunkSize: Int) {
    let input = utf8("{\"rate\":0.10,\"count\":1e3,\"big\":12345678901234567890}\n")
    let result = readJSONLines(input, chunkSize: chunkSize)
    var expected = JSONObject()
    expected["rate"] = .number("0.10")
    expected["count"] = .number("1e3")
    expected["big"] = .number("12345678901234567890")
    #expect(result.records.map(\.object) == [expected])
  }

  @Test(arguments: readerChunkSizes)
  func explicitUTF8RejectsInvalidByte(chunkSize: Int) {
    let input = utf8("{\"id\":\"1\"}\n{\"name\":\"O") + [0x92] + utf8("Brien\"}\n")
    let result = readJSONLines(input, chunkSize: chunkSize, encoding: .utf8)
    #expect(
      result.failure
        == ReaderFailure(
          SourceLocation(file: "input.jsonl", line: 2),
          "invalid UTF-8 at byte offset 21; set `encoding:` to the file's encoding (for example "
            + "windows-1252) or to auto"))
  }

  @Test(arguments: [1, 2, 3, 7, 64])
  func lineAtSizeLimitAccepted(chunkSize: Int) {
    let input = utf8("{\"note\":\"01234\"}\n{\"note\":\"56789\"}")
    let source = MemoryByteSource(input, chunkSize: chunkSize)
    let reader = JSONLinesReader(
      source: source, path: "input.jsonl", encoding: .auto, lineSizeLimit: 16)
    let result = readAll(reader)
    #expect(result.failure == nil)
    #expect(result.lines == [1, 2])
  }

  @Test(arguments: [1, 2, 3, 7, 64])
  func lineOverSizeLimitStopsRead(chunkSize: Int) {
    let input = utf8("{\"id\":\"1\"}\n{\"note\":\"0123456789\"}\n{\"id\":\"3\"}\n")
    let source = MemoryByteSource(input, chunkSize: chunkSize)
    let reader = JSONLinesReader(
      source: source, path: "input.jsonl", encoding: .auto, lineSizeLimit: 16)
    let result = readAll(reader)
    #expect(result.lines == [1])
    #expect(
      result.failure
        == ReaderFailure(
          SourceLocation(file: "input.jsonl", line: 2),
          "the line is longer than the line size limit of 16 bytes; raise `field_size_limit` if "
            + "it is really that long"))
  }

  @Test func failureRepeatsOnNextCall() {
    let input = utf8("{\"note\":\"0123456789abcdef\"}\n{\"id\":\"2\"}\n")
    let reader = JSONLinesReader(
      source: MemoryByteSource(input), path: "input.jsonl", encoding: .auto, lineSizeLimit: 16)
    let first = readAll(reader)
    let second = readAll(reader)
    #expect(first.failure != nil)
    #expect(second.failure == first.failure)
    #expect(second.records.isEmpty)
  }
}
