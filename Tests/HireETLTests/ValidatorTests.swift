import Testing

@testable import HireETL

/// A JSON Lines record, checked against a schema with its fields passed through, and the
/// record and messages that must come out.
struct ValidationCase: Sendable, CustomTestStringConvertible {
  var name: String
  var input: String
  var output: String
  var messages: [String] = []

  var testDescription: String { name }
}

private let candidateCases: [ValidationCase] = [
  ValidationCase(
    name: "valid candidate", input: #"{"first_name": "Ada", "last_name": "L", "opening": 12}"#,
    output: #"{"first_name":"Ada","last_name":"L","opening":12}"#),
  ValidationCase(
    name: "required field absent", input: #"{"last_name": "L", "opening": 12}"#,
    output: #"{"last_name":"L","opening":12}"#, messages: ["first_name is required"]),
  ValidationCase(
    name: "required fields all absent", input: #"{"email": "ada@example.com"}"#,
    output: #"{"email":"ada@example.com"}"#,
    messages: ["first_name is required", "last_name is required", "opening is required"]),
  ValidationCase(
    name: "required field empty", input: #"{"first_name": "Ada", "last_name": "", "opening": 12}"#,
    output: #"{"first_name":"Ada","last_name":null,"opening":12}"#,
    messages: ["last_name is required but empty"]),
  ValidationCase(
    name: "required field spaces",
    input: #"{"first_name": " \u00a0", "last_name": "L", "opening": 12}"#,
    output: #"{"first_name":null,"last_name":"L","opening":12}"#,
    messages: ["first_name is required but empty"]),
  ValidationCase(
    name: "required field null", input: #"{"first_name": null, "last_name": "L", "opening": 12}"#,
    output: #"{"first_name":null,"last_name":"L","opening":12}"#,
    messages: ["first_name is required but empty"]),
  ValidationCase(
    name: "number in string field", input: #"{"first_name": 5, "last_name": "L", "opening": 12}"#,
    output: #"{"first_name":5,"last_name":"L","opening":12}"#,
    messages: [
      "first_name must be text, not a number; add `type: string` to its mapping to convert it"
    ]),
  ValidationCase(
    name: "boolean in string field",
    input: #"{"first_name": "A", "last_name": true, "opening": 12}"#,
    output: #"{"first_name":"A","last_name":true,"opening":12}"#,
    messages: ["last_name must be text, not a boolean"]),
  ValidationCase(
    name: "object in string field",
    input: #"{"first_name": "A", "last_name": "L", "opening": 1, "phone": [1]}"#,
    output: #"{"first_name":"A","last_name":"L","opening":1,"phone":[1]}"#,
    messages: ["phone must be text, not a JSON object or array"]),
  ValidationCase(
    name: "text in opening", input: #"{"first_name": "A", "last_name": "L", "opening": "abc"}"#,
    output: #"{"first_name":"A","last_name":"L","opening":"abc"}"#,
    messages: ["opening must be an integer, not text that is not a whole number"]),
  ValidationCase(
    name: "digits as text in opening",
    input: #"{"first_name": "A", "last_name": "L", "opening": " 42 "}"#,
    output: #"{"first_name":"A","last_name":"L","opening":42}"#),
  ValidationCase(
    name: "whole decimal in opening",
    input: #"{"first_name": "A", "last_name": "L", "opening": 42.0}"#,
    output: #"{"first_name":"A","last_name":"L","opening":42}"#),
  ValidationCase(
    name: "fraction in opening", input: #"{"first_name": "A", "last_name": "L", "opening": 4.5}"#,
    output: #"{"first_name":"A","last_name":"L","opening":4.5}"#,
    messages: ["opening must be an integer, not a number with a fraction"]),
  ValidationCase(
    name: "huge number in opening",
    input: #"{"first_name": "A", "last_name": "L", "opening": 1e20}"#,
    output: #"{"first_name":"A","last_name":"L","opening":1e20}"#,
    messages: ["opening must be an integer, not a number too large for an integer"]),
  ValidationCase(
    name: "object in opening",
    input: #"{"first_name": "A", "last_name": "L", "opening": {"id": 4}}"#,
    output: #"{"first_name":"A","last_name":"L","opening":{"id":4}}"#,
    messages: ["opening must be an integer, not a JSON object or array"]),
  ValidationCase(
    name: "e-mail trimmed of invisible characters",
    input:
      #"{"first_name": "A", "last_name": "L", "opening": 1, "email": "\u00a0ada@example.com\u200b"}"#,
    output: #"{"first_name":"A","last_name":"L","opening":1,"email":"ada@example.com"}"#),
  ValidationCase(
    name: "e-mail invalid",
    input: #"{"first_name": "A", "last_name": "L", "opening": 1, "email": "ada@"}"#,
    output: #"{"first_name":"A","last_name":"L","opening":1,"email":"ada@"}"#,
    messages: ["email is not a valid e-mail address"]),
  ValidationCase(
    name: "e-mail with space inside",
    input:
      #"{"first_name": "A", "last_name": "L", "opening": 1, "email": "ada lovelace@example.com"}"#,
    output: #"{"first_name":"A","last_name":"L","opening":1,"email":"ada lovelace@example.com"}"#,
    messages: ["email is not a valid e-mail address"]),
  ValidationCase(
    name: "e-mail empty left out",
    input: #"{"first_name": "A", "last_name": "L", "opening": 1, "email": ""}"#,
    output: #"{"first_name":"A","last_name":"L","opening":1}"#),
  ValidationCase(
    name: "e-mail zero-width only left out",
    input: #"{"first_name": "A", "last_name": "L", "opening": 1, "email": "\u200b\u00a0"}"#,
    output: #"{"first_name":"A","last_name":"L","opening":1}"#),
  ValidationCase(
    name: "e-mail null left out",
    input: #"{"first_name": "A", "last_name": "L", "opening": 1, "email": null}"#,
    output: #"{"first_name":"A","last_name":"L","opening":1}"#),
  ValidationCase(
    name: "nullable fields accept null",
    input: #"{"first_name": "A", "last_name": "L", "opening": 1, "phone": null, "source": ""}"#,
    output: #"{"first_name":"A","last_name":"L","opening":1,"phone":null,"source":null}"#),
  ValidationCase(
    name: "unknown field passes",
    input: #"{"first_name": "A", "last_name": "L", "opening": 1, "id": "007"}"#,
    output: #"{"first_name":"A","last_name":"L","opening":1,"id":"007"}"#),
  ValidationCase(
    name: "every problem at once",
    input: #"{"first_name": 5, "last_name": "", "opening": "x", "email": "no", "phone": false}"#,
    output: #"{"first_name":5,"last_name":null,"opening":"x","email":"no","phone":false}"#,
    messages: [
      "first_name must be text, not a number; add `type: string` to its mapping to convert it",
      "last_name is required but empty",
      "email is not a valid e-mail address",
      "phone must be text, not a boolean",
      "opening must be an integer, not text that is not a whole number",
    ]),
]

private let openingCases: [ValidationCase] = [
  ValidationCase(
    name: "status default added", input: #"{"title": "Chef"}"#,
    output: #"{"title":"Chef","status":"draft"}"#),
  ValidationCase(
    name: "status null gets default", input: #"{"title": "Chef", "status": null}"#,
    output: #"{"title":"Chef","status":"draft"}"#),
  ValidationCase(
    name: "status empty gets default", input: #"{"title": "Chef", "status": " "}"#,
    output: #"{"title":"Chef","status":"draft"}"#),
  ValidationCase(
    name: "status allowed value", input: #"{"status": "closed", "title": "Chef"}"#,
    output: #"{"status":"closed","title":"Chef"}"#),
  ValidationCase(
    name: "status in wrong case", input: #"{"title": "Chef", "status": "Open"}"#,
    output: #"{"title":"Chef","status":"Open"}"#,
    messages: ["status must be one of open, closed, draft (did you mean 'open'?)"]),
  ValidationCase(
    name: "status unknown", input: #"{"title": "Chef", "status": "filled"}"#,
    output: #"{"title":"Chef","status":"filled"}"#,
    messages: ["status must be one of open, closed, draft"]),
  ValidationCase(
    name: "title absent", input: #"{"status": "open"}"#, output: #"{"status":"open"}"#,
    messages: ["title is required"]),
  ValidationCase(
    name: "title empty", input: #"{"title": "", "status": "open"}"#,
    output: #"{"title":null,"status":"open"}"#,
    messages: ["title is required but empty"]),
  ValidationCase(
    name: "nullable opening fields",
    input: #"{"title": "Chef", "department": null, "location": "", "description": null}"#,
    output:
      #"{"title":"Chef","department":null,"location":null,"description":null,"status":"draft"}"#),
  ValidationCase(
    name: "number in title", input: #"{"title": 12}"#, output: #"{"title":12,"status":"draft"}"#,
    messages: ["title must be text, not a number; add `type: string` to its mapping to convert it"]),
]

@Suite struct ValidatorTests {
  @Test("CandidateInput rule", arguments: candidateCases)
  func candidateRule(_ testCase: ValidationCase) throws {
    let records = try processJSONLines(testCase.input + "\n", map: nil, schema: .candidate)
    #expect(records.map(\.json) == [testCase.output])
    #expect(records.first?.messages == testCase.messages)
  }

  @Test("OpeningInput rule", arguments: openingCases)
  func openingRule(_ testCase: ValidationCase) throws {
    let records = try processJSONLines(testCase.input + "\n", map: nil, schema: .opening)
    #expect(records.map(\.json) == [testCase.output])
    #expect(records.first?.messages == testCase.messages)
  }

  @Test func problemsNameFieldAndRule() throws {
    let records = try processJSONLines(
      #"{"first_name": 5, "last_name": "", "opening": "x", "email": "no"}"# + "\n", map: nil,
      schema: .candidate)
    let problems = try #require(records.first?.problems)
    #expect(problems.map(\.field) == ["first_name", "last_name", "email", "opening"])
    #expect(problems.map(\.rule) == ["type", "required", "format", "type"])
  }

  @Test func mapWithoutRequiredField() throws {
    let records = try processCSV(
      "Name,Mail\nAda Lovelace,ada@example.com\n",
      map: "first_name: { field: Name, split_name: first }\nemail: Mail", schema: .candidate)
    #expect(records.first?.messages == ["last_name is required", "opening is required"])
  }

  @Test func mappedEmailSpacesTrimmed() throws {
    let records = try processCSV(
      "F,L,O,M\nAda,L,7,\" ada@example.com\u{00A0}\"\n",
      map: "first_name: F\nlast_name: L\nopening: O\nemail: { field: M, trim: false }",
      schema: .candidate)
    #expect(
      records.map(\.json) == [
        #"{"first_name":"Ada","last_name":"L","opening":7,"email":"ada@example.com"}"#
      ])
    #expect(records.first?.messages == [])
  }

  @Test func mappingProblemNotRepeated() throws {
    let records = try processCSV(
      "F,L,O\nAda,L,x\n", map: "first_name: F\nlast_name: L\nopening: { field: O, type: integer }",
      schema: .candidate)
    #expect(records.first?.messages == ["opening: not a whole number"])
  }

  @Test func statusDefaultOnMappedRows() throws {
    let records = try processCSV("T\nChef\nCook\n", map: "title: T", schema: .opening)
    #expect(
      records.map(\.json) == [
        #"{"title":"Chef","status":"draft"}"#, #"{"title":"Cook","status":"draft"}"#,
      ])
  }

  @Test func digitsAsTextBecomeInteger() throws {
    let records = try processCSV(
      "F,L,O\nAda,L,0042\n", map: "first_name: F\nlast_name: L\nopening: O", schema: .candidate)
    #expect(records.map(\.json) == [#"{"first_name":"Ada","last_name":"L","opening":42}"#])
  }

  @Test func unknownFieldsListed() throws {
    let validator = Validator(schema: .opening)
    var record = OutputRecord(names: ["title", "salary", "team"])
    record.setText(0, "Chef")
    record.setText(1, "high")
    var problems: [RecordProblem] = []
    validator.validate(&record, problems: &problems)
    #expect(validator.unknownFields == ["salary", "team"])
    #expect(problems == [])
  }
}
