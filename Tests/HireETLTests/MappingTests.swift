import Testing

@testable import HireETL

/// A `map:` block, an input and the one mapped record it must give.
struct MappingCase: Sendable, CustomTestStringConvertible {
  var name: String
  var map: String
  var input: String
  var output: String
  var messages: [String] = []

  var testDescription: String { name }
}

private let csvMappingCases: [MappingCase] = [
  MappingCase(
    name: "plain field", map: "first: Name", input: "Name\nAda\n", output: #"{"first":"Ada"}"#),
  MappingCase(
    name: "const string", map: "x: { const: open }", input: "A\n1\n", output: #"{"x":"open"}"#),
  MappingCase(name: "const integer", map: "x: { const: 5 }", input: "A\n1\n", output: #"{"x":5}"#),
  MappingCase(
    name: "const decimal", map: "x: { const: 1.5 }", input: "A\n1\n", output: #"{"x":1.5}"#),
  MappingCase(
    name: "const exponent", map: "x: { const: -2.5e3 }", input: "A\n1\n", output: #"{"x":-2.5e3}"#),
  MappingCase(
    name: "const quoted number", map: #"x: { const: "5" }"#, input: "A\n1\n", output: #"{"x":"5"}"#),
  MappingCase(
    name: "const boolean", map: "x: { const: false }", input: "A\n1\n", output: #"{"x":false}"#),
  MappingCase(
    name: "const null", map: "x: { const: null }", input: "A\n1\n", output: #"{"x":null}"#),
  MappingCase(
    name: "default for empty", map: "x: { field: Phone, default: none }", input: "Phone,B\n,1\n",
    output: #"{"x":"none"}"#),
  MappingCase(
    name: "default null", map: "x: { field: Phone, default: null }", input: "Phone,B\n,1\n",
    output: #"{"x":null}"#),
  MappingCase(
    name: "default number", map: "x: { field: Phone, default: 0 }", input: "Phone,B\n,1\n",
    output: #"{"x":0}"#),
  MappingCase(
    name: "default unused when set", map: "x: { field: Phone, default: none }",
    input: "Phone\n555\n", output: #"{"x":"555"}"#),
  MappingCase(
    name: "empty becomes null", map: "x: Phone", input: "Phone,B\n,1\n", output: #"{"x":null}"#),
  MappingCase(
    name: "spaces become null", map: "x: Phone", input: "Phone,B\n\"   \",1\n",
    output: #"{"x":null}"#),
  MappingCase(
    name: "trim NBSP and zero-width", map: "x: Name", input: "Name\n\u{00A0} Ada\u{200B} \n",
    output: #"{"x":"Ada"}"#),
  MappingCase(
    name: "trim inside name kept", map: "x: Name", input: "Name\n Ada  Lovelace \n",
    output: #"{"x":"Ada  Lovelace"}"#),
  MappingCase(
    name: "trim false keeps spaces", map: "x: { field: Name, trim: false }",
    input: "Name\n\" Ada \"\n", output: #"{"x":" Ada "}"#),
  MappingCase(
    name: "trim false keeps NBSP", map: "x: { field: Name, trim: false }",
    input: "Name\n\u{00A0}Ada\u{200B}\n", output: "{\"x\":\"\u{00A0}Ada\u{200B}\"}"),
  MappingCase(
    name: "values exact match", map: #"x: { field: Src, values: { LinkedIn: LI, "*": Other } }"#,
    input: "Src\nLinkedIn\n", output: #"{"x":"LI"}"#),
  MappingCase(
    name: "values ignore case", map: #"x: { field: Src, values: { LinkedIn: LI, "*": Other } }"#,
    input: "Src\nLINKEDIN\n", output: #"{"x":"LI"}"#),
  MappingCase(
    name: "values star for the rest",
    map: #"x: { field: Src, values: { LinkedIn: LI, "*": Other } }"#,
    input: "Src\nIndeed\n", output: #"{"x":"Other"}"#),
  MappingCase(
    name: "values without star", map: "x: { field: Src, values: { LinkedIn: LI } }",
    input: "Src\nIndeed\n", output: #"{"x":"Indeed"}"#),
  MappingCase(
    name: "values to number", map: "x: { field: Src, values: { high: 3, low: 1 } }",
    input: "Src\nHigh\n", output: #"{"x":3}"#),
  MappingCase(
    name: "values with default",
    map: #"x: { field: Src, values: { "*": Other }, default: Migrated }"#,
    input: "Src,B\n,1\n", output: #"{"x":"Migrated"}"#),
  MappingCase(
    name: "type integer", map: "x: { field: N, type: integer }", input: "N\n42\n",
    output: #"{"x":42}"#),
  MappingCase(
    name: "type integer leading zeros", map: "x: { field: N, type: integer }", input: "N\n007\n",
    output: #"{"x":7}"#),
  MappingCase(
    name: "type integer invalid", map: "x: { field: N, type: integer }", input: "N\n4x\n",
    output: "{}", messages: ["x: not a whole number"]),
  MappingCase(
    name: "type boolean yes", map: "x: { field: F, type: boolean }", input: "F\nyes\n",
    output: #"{"x":true}"#),
  MappingCase(
    name: "type boolean zero", map: "x: { field: F, type: boolean }", input: "F\n0\n",
    output: #"{"x":false}"#),
  MappingCase(
    name: "type boolean invalid", map: "x: { field: F, type: boolean }", input: "F\nmaybe\n",
    output: "{}", messages: ["x: not a boolean (true/false, yes/no, 1/0)"]),
  MappingCase(
    name: "type string keeps zeros", map: "x: { field: N, type: string }", input: "N\n007\n",
    output: #"{"x":"007"}"#),
  MappingCase(
    name: "date with date_format", map: #"x: { field: D, type: date, date_format: "%m/%d/%Y" }"#,
    input: "D\n12/04/2026\n", output: #"{"x":"2026-12-04"}"#),
  MappingCase(
    name: "datetime with date_format",
    map: #"x: { field: D, type: datetime, date_format: "%m/%d/%Y" }"#,
    input: "D\n12/04/2026\n", output: #"{"x":"2026-12-04T00:00:00Z"}"#),
  MappingCase(
    name: "date in ISO 8601", map: "x: { field: D, type: date }", input: "D\n2026-12-04\n",
    output: #"{"x":"2026-12-04"}"#),
  MappingCase(
    name: "date not matching format", map: #"x: { field: D, type: date, date_format: "%m/%d/%Y" }"#,
    input: "D\n31/12/2026\n", output: "{}",
    messages: ["x: not a valid date in the date_format '%m/%d/%Y'"]),
  MappingCase(
    name: "date not ISO 8601", map: "x: { field: D, type: date }", input: "D\nsoon\n", output: "{}",
    messages: ["x: not a valid date in an ISO 8601 date"]),
  MappingCase(
    name: "split_name first", map: "x: { field: Name, split_name: first }",
    input: "Name\nAda Lovelace\n", output: #"{"x":"Ada"}"#),
  MappingCase(
    name: "split_name last", map: "x: { field: Name, split_name: last }",
    input: "Name\nAda Lovelace\n", output: #"{"x":"Lovelace"}"#),
  MappingCase(
    name: "strip_html", map: "x: { field: Html, strip_html: true }",
    input: "Html\n<p>Hi &amp; <b>bye</b></p>\n", output: #"{"x":"Hi & bye"}"#),
  MappingCase(
    name: "html kept without strip_html", map: "x: Html", input: "Html\n<b>bye</b>\n",
    output: #"{"x":"<b>bye</b>"}"#),
  MappingCase(
    name: "join skips empty parts", map: #"x: { join: [City, State, Country], sep: ", " }"#,
    input: "City,State,Country\nOslo,,Norway\n", output: #"{"x":"Oslo, Norway"}"#),
  MappingCase(
    name: "join default separator", map: "x: { join: [City, Country] }",
    input: "City,Country\nOslo,Norway\n", output: #"{"x":"Oslo Norway"}"#),
  MappingCase(
    name: "join of empty parts", map: #"x: { join: [City, State], sep: ", " }"#,
    input: "City,State,B\n, ,1\n", output: #"{"x":null}"#),
  MappingCase(
    name: "template", map: #"x: { template: "{City} ({Country})" }"#,
    input: "City,Country\nOslo,Norway\n", output: #"{"x":"Oslo (Norway)"}"#),
  MappingCase(
    name: "template literal braces", map: #"x: { template: "{{{City}}} {{n}}" }"#,
    input: "City\nOslo\n", output: #"{"x":"{Oslo} {n}"}"#),
  MappingCase(
    name: "template empty field", map: #"x: { template: "{City}-{State}" }"#,
    input: "City,State\nOslo,\n", output: #"{"x":"Oslo-"}"#),
  MappingCase(
    name: "leading zeros stay text", map: "x: Zip", input: "Zip\n007\n", output: #"{"x":"007"}"#),
  MappingCase(
    name: "decimal stays text", map: "x: N", input: "N\n12.50\n", output: #"{"x":"12.50"}"#),
  MappingCase(
    name: "path names a CSV column", map: "x: { path: a.b }", input: "a.b\nv\n",
    output: #"{"x":"v"}"#),
  MappingCase(
    name: "fields in map order", map: "b: B\na: A\nc: { const: 1 }", input: "A,B\n1,2\n",
    output: #"{"b":"2","a":"1","c":1}"#),
]

private let jsonMappingCases: [MappingCase] = [
  MappingCase(
    name: "path into object", map: "x: { path: address.city }",
    input: #"{"address": {"city": "Oslo"}}"#, output: #"{"x":"Oslo"}"#),
  MappingCase(
    name: "path array index", map: "x: { path: tags.1 }", input: #"{"tags": ["a", "b"]}"#,
    output: #"{"x":"b"}"#),
  MappingCase(
    name: "path through array", map: "x: { path: jobs.0.title }",
    input: #"{"jobs": [{"title": "Chef"}]}"#, output: #"{"x":"Chef"}"#),
  MappingCase(
    name: "path missing", map: "x: { path: address.zip }", input: #"{"address": {"city": "Oslo"}}"#,
    output: #"{"x":null}"#),
  MappingCase(
    name: "path index out of range", map: "x: { path: tags.5 }", input: #"{"tags": ["a"]}"#,
    output: #"{"x":null}"#),
  MappingCase(
    name: "path with default", map: "x: { path: a.b, default: none }", input: #"{"a": {}}"#,
    output: #"{"x":"none"}"#),
  MappingCase(
    name: "number kept as written", map: "x: n", input: #"{"n": 12.50}"#, output: #"{"x":12.50}"#),
  MappingCase(
    name: "string zeros kept", map: "x: zip", input: #"{"zip": "007"}"#, output: #"{"x":"007"}"#),
  MappingCase(
    name: "number to string", map: "x: { field: n, type: string }", input: #"{"n": 12.50}"#,
    output: #"{"x":"12.50"}"#),
  MappingCase(
    name: "text to integer", map: "x: { field: n, type: integer }", input: #"{"n": " 12 "}"#,
    output: #"{"x":12}"#),
  MappingCase(
    name: "whole decimal to integer", map: "x: { field: n, type: integer }", input: #"{"n": 12.0}"#,
    output: #"{"x":12}"#),
  MappingCase(name: "boolean kept", map: "x: f", input: #"{"f": false}"#, output: #"{"x":false}"#),
  MappingCase(
    name: "empty string to null", map: "x: s", input: #"{"s": ""}"#, output: #"{"x":null}"#),
  MappingCase(
    name: "string trimmed", map: "x: s", input: #"{"s": "\u00a0 Ada \u200b"}"#,
    output: #"{"x":"Ada"}"#),
  MappingCase(
    name: "object kept", map: "x: o", input: #"{"o": {"a": [1, "b"]}}"#,
    output: #"{"x":{"a":[1,"b"]}}"#),
  MappingCase(
    name: "object cannot be integer", map: "x: { field: o, type: integer }", input: #"{"o": [1]}"#,
    output: "{}",
    messages: ["x: the source value is a JSON object or array, which cannot become integer"]),
  MappingCase(
    name: "join numbers and text", map: "x: { join: [n, s, f], sep: / }",
    input: #"{"n": 7, "s": "", "f": true}"#, output: #"{"x":"7/true"}"#),
  MappingCase(
    name: "template from JSON", map: #"x: { template: "{first} {last}" }"#,
    input: #"{"first": "Ada", "last": "Lovelace"}"#, output: #"{"x":"Ada Lovelace"}"#),
  MappingCase(
    name: "values on JSON string", map: #"x: { field: s, values: { open: open, "*": draft } }"#,
    input: #"{"s": "Open"}"#, output: #"{"x":"open"}"#),
]

@Suite struct MappingTests {
  @Test("CSV mapping rule", arguments: csvMappingCases)
  func csvRule(_ testCase: MappingCase) throws {
    let records = try processCSV(testCase.input, map: testCase.map)
    #expect(records.count == 1)
    #expect(records.first?.json == testCase.output)
    #expect(records.first?.messages == testCase.messages)
  }

  @Test("JSON Lines mapping rule", arguments: jsonMappingCases)
  func jsonRule(_ testCase: MappingCase) throws {
    let records = try processJSONLines(testCase.input + "\n", map: testCase.map)
    #expect(records.count == 1)
    #expect(records.first?.json == testCase.output)
    #expect(records.first?.messages == testCase.messages)
  }

  @Test func csvPassThrough() throws {
    let records = try processCSV("Name,Zip,Note\n Ada ,007,\n", map: nil)
    #expect(records.map(\.json) == [#"{"Name":"Ada","Zip":"007","Note":null}"#])
  }

  @Test func jsonPassThrough() throws {
    let records = try processJSONLines(
      #"{"b": 1.50, "a": " x ", "c": {"d": null}}"# + "\n", map: nil)
    #expect(records.map(\.json) == [#"{"b":1.50,"a":"x","c":{"d":null}}"#])
  }

  @Test func passThroughFollowsEachRecord() throws {
    let records = try processJSONLines("{\"a\": 1}\n{\"b\": 2, \"a\": 3}\n", map: nil)
    #expect(records.map(\.json) == [#"{"a":1}"#, #"{"b":2,"a":3}"#])
  }

  @Test func rowShorterThanHeader() throws {
    let records = try processCSV("A,B\n1\n", map: "a: A\nb: B")
    #expect(records.first?.messages == ["line 2 has 1 field but the header has 2"])
  }

  @Test func constantsOnEveryRow() throws {
    let records = try processCSV("A\n1\n2\n", map: "a: A\nstatus: { const: open }")
    #expect(records.map(\.json) == [#"{"a":"1","status":"open"}"#, #"{"a":"2","status":"open"}"#])
  }

  @Test func missingColumnPointsAtItsName() {
    let (mappings, _) = decodeMap("first: Nmae")
    let mapper = Mapper(mappings: mappings)
    #expect(
      throws: MappingError(
        column: "Nmae", outputField: "first", mark: SourceMark(line: 1, column: 8))
    ) {
      try mapper.bind(header: CSVHeader(names: ["Name", "Email"]))
    }
  }

  @Test func missingJoinColumnPointsAtItsItem() {
    let (mappings, _) = decodeMap("x: { join: [City, Region] }")
    let mapper = Mapper(mappings: mappings)
    #expect(
      throws: MappingError(
        column: "Region", outputField: "x", mark: SourceMark(line: 1, column: 19))
    ) {
      try mapper.bind(header: CSVHeader(names: ["City", "Country"]))
    }
  }
}
