import Testing

@testable import HireETL

/// Reads every record of a CSV text with the CSV reader.
private func csvRecords(_ text: String) throws -> [SourceRecord] {
  let reader = CSVReader(
    source: MemoryByteSource(Array(text.utf8)), path: "in.csv", options: CSVOptions())
  var records: [SourceRecord] = []
  while let record = try reader.next() { records.append(record) }
  return records
}

/// Reads every record of a JSON Lines text with the JSON Lines reader.
private func jsonRecords(_ text: String) throws -> [SourceRecord] {
  let reader = JSONLinesReader(
    source: MemoryByteSource(Array(text.utf8)), path: "in.jsonl", encoding: .utf8)
  var records: [SourceRecord] = []
  while let record = try reader.next() { records.append(record) }
  return records
}

private let emailProblem = RecordProblem(
  field: "email", rule: "format", message: "email is not a valid e-mail address")

/// Writes each record with `emailProblem` to a rejects file named `fileName` and returns the
/// file's text.
private func rejectsText(_ records: [SourceRecord], fileName: String = "r.csv") throws -> String? {
  let folder = TemporaryFolder()
  let rejects = RejectsWriter(path: folder.path(fileName))
  for record in records { try rejects.add(record, problems: [emailProblem]) }
  try rejects.commit()
  return folder.read(fileName)
}

private let openingProblem = RecordProblem(
  field: "opening", rule: "required", message: "opening is required but empty")

@Suite struct RejectsTests {
  @Test func csvKindColumns() throws {
    let folder = TemporaryFolder()
    let records = try csvRecords("Name,Email,Opening\nAda,ada@,\n\"Lovelace, Ada\",x,7\n")
    let rejects = RejectsWriter(path: folder.path("rejects/people.csv"))
    try rejects.add(records[0], problems: [emailProblem, openingProblem])
    try rejects.add(records[1], problems: [emailProblem])
    try rejects.commit()
    #expect(rejects.count == 2)
    #expect(
      folder.read("rejects/people.csv") == """
        Name,Email,Opening,_row,_errors
        Ada,ada@,,2,email is not a valid e-mail address; opening is required but empty
        "Lovelace, Ada",x,7,3,email is not a valid e-mail address

        """)
  }

  @Test func csvKindMode() throws {
    let folder = TemporaryFolder()
    let rejects = RejectsWriter(path: folder.path("rejects.csv"))
    try rejects.add(try csvRecords("A\n1\n")[0], problems: [emailProblem])
    try rejects.commit()
    #expect(folder.permissions("rejects.csv") == 0o600)
  }

  @Test func jsonKindMode() throws {
    let folder = TemporaryFolder()
    let rejects = RejectsWriter(path: folder.path("rejects.jsonl"))
    try rejects.add(try jsonRecords("{\"a\": 1}\n")[0], problems: [emailProblem])
    try rejects.commit()
    #expect(folder.permissions("rejects.jsonl") == 0o600)
  }

  @Test func csvKindReplacesOwnColumns() throws {
    let folder = TemporaryFolder()
    let records = try csvRecords(
      "Name,Email,_row,_errors\nAda,ada@,2,email is not a valid e-mail address\n")
    let rejects = RejectsWriter(path: folder.path("again.csv"))
    try rejects.add(records[0], problems: [openingProblem])
    try rejects.commit()
    #expect(
      folder.read("again.csv") == """
        Name,Email,_row,_errors
        Ada,ada@,2,opening is required but empty

        """)
  }

  @Test func csvKindOwnColumnsFirst() throws {
    let folder = TemporaryFolder()
    let records = try csvRecords("_row,_errors,Name\n9,old,Ada\n")
    let rejects = RejectsWriter(path: folder.path("again.csv"))
    try rejects.add(records[0], problems: [openingProblem])
    try rejects.commit()
    #expect(folder.read("again.csv") == "Name,_row,_errors\nAda,2,opening is required but empty\n")
  }

  @Test func csvKindKeepsExtraCells() throws {
    let folder = TemporaryFolder()
    let records = try csvRecords("A,B\n1,2,3\n")
    let problems = records[0].problems
    #expect(problems.map(\.rule) == ["csv_columns"])
    let rejects = RejectsWriter(path: folder.path("r.csv"))
    try rejects.add(records[0], problems: problems)
    try rejects.commit()
    #expect(
      folder.read("r.csv") == "A,B,_row,_errors\n1,2,2,line 2 has 3 fields but the header has 2,3\n"
    )
  }

  @Test func csvKindFromJSONInput() throws {
    let folder = TemporaryFolder()
    let records = try jsonRecords("{\"name\": \"Ada\", \"tags\": [1], \"n\": null}\nnot json\n")
    let rejects = RejectsWriter(path: folder.path("r.csv"))
    try rejects.add(records[0], problems: [emailProblem])
    try rejects.commit()
    #expect(
      folder.read("r.csv")
        == "name,tags,n,_row,_errors,_extra,_record\n"
        + "Ada,[1],,1,email is not a valid e-mail address,,\n")
  }

  @Test func csvKindLaterJSONFields() throws {
    let records = try jsonRecords("{\"a\": \"1\"}\n{\"a\": \"2\", \"b\": \"3\"}\n")
    #expect(
      try rejectsText(records)
        == "a,_row,_errors,_extra,_record\n1,1,email is not a valid e-mail address,,\n"
        + "2,2,email is not a valid e-mail address,\"{\"\"b\"\":\"\"3\"\"}\",\n")
  }

  @Test func csvKindKeepsUnparsedLineAfterRecord() throws {
    let folder = TemporaryFolder()
    let records = try jsonRecords("{\"a\": \"1\"}\n{\"a\": 2,}\n[3]\n")
    let rejects = RejectsWriter(path: folder.path("r.csv"))
    try rejects.add(records[0], problems: [emailProblem])
    try rejects.add(records[1], problems: records[1].problems)
    try rejects.add(records[2], problems: records[2].problems)
    try rejects.commit()
    let text = try #require(folder.read("r.csv"))
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 5)
    #expect(lines[0] == "a,_row,_errors,_extra,_record")
    #expect(lines[1] == "1,1,email is not a valid e-mail address,,")
    #expect(lines[2].hasPrefix(",2,\"line 2, column "))
    #expect(lines[2].hasSuffix(#",,"{""a"": 2,}""#))
    #expect(lines[3].hasPrefix(",3,"))
    #expect(lines[3].hasSuffix(",,[3]"))
  }

  @Test func csvKindKeepsUnparsedLineFirst() throws {
    let records = try jsonRecords("not json\n{\"a\": \"1\", \"b\": \"2\"}\nno\n")
    #expect(
      try rejectsText(records)
        == "_row,_errors,_extra,_record\n"
        + "1,email is not a valid e-mail address,,not json\n"
        + "2,email is not a valid e-mail address,\"{\"\"a\"\":\"\"1\"\",\"\"b\"\":\"\"2\"\"}\",\n"
        + "3,email is not a valid e-mail address,,no\n")
  }

  @Test func csvKindFieldsNamedLikeAddedColumns() throws {
    let records = try jsonRecords(
      "{\"a\": \"1\", \"_row\": 7, \"_record\": \"x\"}\n{\"a\": \"2\", \"a\": \"3\"}\n")
    #expect(
      try rejectsText(records)
        == "a,_row,_errors,_extra,_record\n"
        + "1,1,email is not a valid e-mail address,\"{\"\"_row\"\":7,\"\"_record\"\":\"\"x\"\"}\",\n"
        + "2,2,email is not a valid e-mail address,\"{\"\"a\"\":\"\"3\"\"}\",\n")
  }

  @Test func csvKindKeepsExtraColumnOfCSVInput() throws {
    let records = try csvRecords("a,_row,_errors,_extra,_record\n1,4,old,\"{\"\"b\"\":2}\",\n")
    #expect(
      try rejectsText(records, fileName: "again.csv")
        == "a,_extra,_record,_row,_errors\n"
        + "1,\"{\"\"b\"\":2}\",,2,email is not a valid e-mail address\n")
  }

  @Test func jsonKindFields() throws {
    let folder = TemporaryFolder()
    let records = try jsonRecords(
      "{\"first_name\": \"Ada\", \"opening\": 1.50}\n{\"x\": 1}\nnot json\n")
    let rejects = RejectsWriter(path: folder.path("rejects/people.jsonl"))
    try rejects.add(records[0], problems: [emailProblem, openingProblem])
    try rejects.add(records[2], problems: records[2].problems)
    try rejects.commit()
    #expect(
      folder.read("rejects/people.jsonl") == #"""
        {"row":1,"errors":[{"field":"email","rule":"format","message":"email is not a valid e-mail address"},{"field":"opening","rule":"required","message":"opening is required but empty"}],"record":{"first_name":"Ada","opening":1.50}}
        {"row":3,"errors":[{"field":null,"rule":"json","message":"line 3, column 2: invalid JSON: invalid literal, expected null"}],"record":"not json"}

        """#)
  }

  @Test func jsonKindFromCSVInput() throws {
    let folder = TemporaryFolder()
    let records = try csvRecords("Name,Zip\nAda,007,extra\n")
    let rejects = RejectsWriter(path: folder.path("r.jsonl"))
    try rejects.add(records[0], problems: records[0].problems)
    try rejects.commit()
    #expect(
      folder.read("r.jsonl") == #"""
        {"row":2,"errors":[{"field":null,"rule":"csv_columns","message":"line 2 has 3 fields but the header has 2"}],"record":{"Name":"Ada","Zip":"007","_extra_3":"extra"}}

        """#)
  }

  @Test func noRejectsRemovesOldFile() throws {
    let folder = TemporaryFolder()
    folder.write("rejects/people.csv", "Name,_row,_errors\nAda,2,old\n")
    let rejects = RejectsWriter(path: folder.path("rejects/people.csv"))
    try rejects.commit()
    #expect(!folder.exists("rejects/people.csv"))
  }

  @Test func noRejectsNoFile() throws {
    let folder = TemporaryFolder()
    let rejects = RejectsWriter(path: folder.path("rejects/people.jsonl"))
    try rejects.commit()
    #expect(folder.list() == [])
  }

  @Test func discardKeepsOldFile() throws {
    let folder = TemporaryFolder()
    folder.write("r.csv", "old\n")
    let rejects = RejectsWriter(path: folder.path("r.csv"))
    try rejects.add(try csvRecords("A\n1\n")[0], problems: [emailProblem])
    rejects.discard()
    #expect(folder.read("r.csv") == "old\n")
    #expect(folder.list() == ["r.csv"])
  }

  @Test func nothingBeforeCommit() throws {
    let folder = TemporaryFolder()
    let rejects = RejectsWriter(path: folder.path("r.jsonl"))
    try rejects.add(try jsonRecords("{\"a\": 1}\n")[0], problems: [emailProblem])
    #expect(!folder.exists("r.jsonl"))
    try rejects.commit()
    #expect(folder.exists("r.jsonl"))
  }
}
