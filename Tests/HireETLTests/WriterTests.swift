import Foundation
import Testing

@testable import HireETL

/// Makes a record with text values. A nil value is a field left out.
private func record(_ fields: [(String, String?)]) -> OutputRecord {
  var output = OutputRecord(names: fields.map(\.0))
  for (index, field) in fields.enumerated() {
    if let text = field.1 { output.setText(index, text) }
  }
  return output
}

/// Writes records with a writer made for a file in a fresh folder, commits, and returns the
/// file's text and the problems the writer returned.
private func written(
  _ records: [OutputRecord], fileName: String = "out.txt",
  makeWriter: (OutputFile) throws -> RecordWriter
) throws -> (text: String?, problems: [RecordProblem]) {
  let folder = TemporaryFolder()
  let writer = try makeWriter(try OutputFile(path: folder.path(fileName)))
  var problems: [RecordProblem] = []
  for record in records {
    if let problem = try writer.write(record) { problems.append(problem) }
  }
  try writer.commit()
  return (folder.read(fileName), problems)
}

private func jsonLines(_ records: [OutputRecord]) throws -> String? {
  try written(records) { JSONLinesRecordWriter(file: $0) }.text
}

private func csv(
  _ records: [OutputRecord], delimiter: Character = ",", excelSafe: Bool = false
) throws -> (text: String?, problems: [RecordProblem]) {
  try written(records) {
    try CSVRecordWriter(file: $0, delimiter: delimiter.asciiValue!, excelSafe: excelSafe)
  }
}

/// Writes records with a CSV writer whose columns start as `columns` and grow.
private func growingCSV(_ records: [OutputRecord], columns: [String]) throws -> String? {
  try written(records) {
    try CSVRecordWriter(file: $0, expectedColumns: columns, growingColumns: true)
  }.text
}

/// One text cell and how the CSV writer must write it.
struct CSVCellCase: Sendable, CustomTestStringConvertible {
  var name: String
  var cell: String
  var written: String
  var excelSafe = false

  var testDescription: String { name }
}

private let csvCellCases: [CSVCellCase] = [
  CSVCellCase(name: "plain", cell: "Ada", written: "Ada"),
  CSVCellCase(name: "delimiter", cell: "Oslo, Norway", written: #""Oslo, Norway""#),
  CSVCellCase(name: "quote", cell: #"say "hi""#, written: #""say ""hi""""#),
  CSVCellCase(name: "line feed", cell: "a\nb", written: "\"a\nb\""),
  CSVCellCase(name: "carriage return", cell: "a\rb", written: "\"a\rb\""),
  CSVCellCase(name: "spaces kept unquoted", cell: " a ", written: " a "),
  CSVCellCase(name: "unicode", cell: "Zoë\u{2028}", written: "Zoë\u{2028}"),
  CSVCellCase(name: "formula kept", cell: "=SUM(A1)", written: "=SUM(A1)"),
  CSVCellCase(name: "equals neutralised", cell: "=SUM(A1)", written: "'=SUM(A1)", excelSafe: true),
  CSVCellCase(name: "plus neutralised", cell: "+1 555", written: "'+1 555", excelSafe: true),
  CSVCellCase(name: "minus neutralised", cell: "-2", written: "'-2", excelSafe: true),
  CSVCellCase(name: "at sign neutralised", cell: "@cmd", written: "'@cmd", excelSafe: true),
  CSVCellCase(name: "tab neutralised", cell: "\tx", written: "'\tx", excelSafe: true),
  CSVCellCase(name: "quoted formula", cell: "=1,2", written: #""'=1,2""#, excelSafe: true),
  CSVCellCase(name: "inner equals kept", cell: "a=b", written: "a=b", excelSafe: true),
]

@Suite struct WriterTests {
  @Test func jsonLinesEscaping() throws {
    let text = "\"q\" \\ \n\r\t\u{08}\u{0C}\u{01}\u{1F} \u{2028}\u{2029} é"
    let output = try jsonLines([record([("a\"b", text)])])
    #expect(output == #"{"a\"b":"\"q\" \\ \n\r\t\b\f\u0001\u001f \u2028\u2029 é"}"# + "\n")
  }

  @Test func jsonLinesFieldOrder() throws {
    let output = try jsonLines([record([("z", "1"), ("a", "2"), ("m", "3")])])
    #expect(output == #"{"z":"1","a":"2","m":"3"}"# + "\n")
  }

  @Test func jsonLinesValueKinds() throws {
    var output = OutputRecord(names: ["t", "n", "i", "b", "j", "left_out"])
    output.setText(0, "x")
    output.values[1] = .null
    output.values[2] = .integer(-7)
    output.values[3] = .bool(true)
    let nested = output.storeJSON(.array([.number("1.50"), .object(["k": .string("v")])]))
    output.values[4] = nested
    let text = try jsonLines([output])
    #expect(text == #"{"t":"x","n":null,"i":-7,"b":true,"j":[1.50,{"k":"v"}]}"# + "\n")
  }

  @Test func jsonLinesOneObjectPerLine() throws {
    let text = try jsonLines([record([("a", "1")]), record([("b", "2"), ("a", nil)])])
    #expect(text == "{\"a\":\"1\"}\n{\"b\":\"2\"}\n")
  }

  @Test("CSV cell", arguments: csvCellCases)
  func csvCell(_ testCase: CSVCellCase) throws {
    let result = try csv([record([("x", testCase.cell)])], excelSafe: testCase.excelSafe)
    #expect(result.text == "x\n" + testCase.written + "\n")
  }

  @Test func csvHeaderFromFirstRecord() throws {
    let first = record([("name", "Ada"), ("city", "Oslo")])
    let reordered = record([("city", "Bergen"), ("name", "Bob")])
    let result = try csv([first, reordered, record([("name", nil), ("city", "Rome")])])
    #expect(result.text == "name,city\nAda,Oslo\nBob,Bergen\n,Rome\n")
    #expect(result.problems == [])
  }

  @Test func csvValueKinds() throws {
    var output = OutputRecord(names: ["n", "i", "b", "d", "j"])
    output.values[0] = .null
    output.values[1] = .integer(42)
    output.values[2] = .bool(false)
    let decimal = output.storeJSON(.number("1.50"))
    let object = output.storeJSON(.object(["a": .number("1")]))
    output.values[3] = decimal
    output.values[4] = object
    let result = try csv([output])
    #expect(result.text == "n,i,b,d,j\n,42,false,1.50,\"{\"\"a\"\":1}\"\n")
  }

  @Test func growingCSVKeepsSchemaOrder() throws {
    let reordered = record([("city", "Bergen"), ("id", "2"), ("name", "Bob")])
    let text = try growingCSV(
      [record([("id", "1"), ("name", "Ada")]), reordered], columns: ["id", "name", "city"])
    #expect(text == "id,name,city\n1,Ada,\n2,Bob,Bergen\n")
  }

  @Test func growingCSVPadsEarlierRows() throws {
    var nested = OutputRecord(names: ["id", "extra"])
    nested.setText(0, "2")
    nested.values[1] = nested.storeJSON(.object(["k": .array([.number("1")])]))
    let records = [
      record([("id", "1"), ("name", "Ada")]), nested, record([("id", "3"), ("late", "x, y")]),
    ]
    let text = try growingCSV(records, columns: ["id", "name"])
    let expected = [
      "id,name,extra,late", "1,Ada,,", #"2,,"{""k"":[1]}","#, #"3,,,"x, y""#,
    ]
    #expect(text == expected.joined(separator: "\n") + "\n")
  }

  @Test func growingCSVWithoutRecords() throws {
    #expect(try growingCSV([], columns: ["id", "name"]) == "id,name\n")
  }

  @Test func growingCSVSpoolsManyRows() throws {
    let records = (0..<50_000).map {
      record([("id", String($0)), ("note", "line \($0)\nof a note")])
    }
    let text = try #require(try growingCSV(records, columns: ["id", "note"]))
    #expect(text.hasPrefix("id,note\n0,\"line 0\nof a note\"\n"))
    #expect(text.hasSuffix("49999,\"line 49999\nof a note\"\n"))
    #expect(text.utf8.count > 1 << 20)
  }

  @Test func csvNewFieldRejected() throws {
    let result = try csv([record([("a", "1")]), record([("a", "2"), ("b", "3")])])
    #expect(result.text == "a\n1\n")
    #expect(
      result.problems == [
        RecordProblem(
          field: "b", rule: "csv_columns",
          message: "b is not one of the CSV file's columns, which were set by the first record")
      ])
  }

  @Test func csvNewNullFieldIgnored() throws {
    var second = record([("a", "2"), ("b", nil)])
    second.values[1] = .null
    let result = try csv([record([("a", "1")]), second])
    #expect(result.text == "a\n1\n2\n")
    #expect(result.problems == [])
  }

  @Test func csvOtherDelimiter() throws {
    let result = try csv([record([("a;b", "1;2"), ("c", "3,4")])], delimiter: ";")
    #expect(result.text == "\"a;b\";c\n\"1;2\";3,4\n")
  }

  @Test func pathTemplateExpands() {
    let run = RunIdentity(
      id: "20261204T211530Z-3f", date: "2026-12-04", time: "211530", startedAt: 0)
    let path = PathTemplate.expand(
      "out/{step}/{date}_{time}-{run}-{step}.jsonl", step: "people", run: run)
    #expect(path == "out/people/2026-12-04_211530-20261204T211530Z-3f-people.jsonl")
  }

  @Test func pathTemplateLeavesOthers() {
    let run = RunIdentity(id: "r", date: "d", time: "t", startedAt: 0)
    #expect(
      PathTemplate.expand("out/{name}-{{date}}.csv", step: "s", run: run) == "out/{name}-{d}.csv")
  }

  @Test func runIdentityShape() {
    let run = RunIdentity.now()
    let digits = Set("0123456789")
    #expect(run.date.count == 10)
    #expect(run.date.filter { $0 == "-" }.count == 2)
    #expect(run.time.count == 6)
    #expect(run.time.allSatisfy { digits.contains($0) })
    #expect(run.id.hasPrefix(run.date.filter { $0 != "-" } + "T" + run.time + "Z-"))
  }

  @Test func timestampInUTC() {
    #expect(RunIdentity.timestamp(0) == "1970-01-01T00:00:00Z")
    #expect(RunIdentity.timestamp(1_796_425_200.9) == "2026-12-04T23:00:00Z")
  }

  @Test func outputFileAppearsOnCommit() throws {
    let folder = TemporaryFolder()
    let file = try OutputFile(path: folder.path("out.jsonl"))
    try file.write("{}\n")
    #expect(!folder.exists("out.jsonl"))
    #expect(folder.list().count == 1)
    try file.commit()
    #expect(folder.read("out.jsonl") == "{}\n")
    #expect(folder.list() == ["out.jsonl"])
  }

  @Test func outputFileWholeWhenLarge() throws {
    let folder = TemporaryFolder()
    let file = try OutputFile(path: folder.path("big.txt"))
    let line = String(repeating: "x", count: 999) + "\n"
    for _ in 0..<3000 { try file.write(line) }
    #expect(!folder.exists("big.txt"))
    try file.commit()
    #expect(folder.read("big.txt")?.utf8.count == 3_000_000)
  }

  /// Blocks of 64 KiB and more skip the write buffer, so they must still land after the
  /// smaller writes before them.
  @Test func outputFileKeepsOrderAroundLargeBlocks() throws {
    let folder = TemporaryFolder()
    let file = try OutputFile(path: folder.path("mixed.txt"))
    let large = [UInt8](repeating: UInt8(ascii: "L"), count: 70_000)
    var expected: [UInt8] = []
    for round in 0..<4 {
      let small = "small \(round)\n"
      try file.write(small)
      try large.withUnsafeBytes { try file.write($0) }
      expected += Array(small.utf8) + large
    }
    try file.write("end\n")
    try file.commit()
    expected += Array("end\n".utf8)
    let written = FileManager.default.contents(atPath: folder.path("mixed.txt")).map(Array.init)
    #expect(written?.count == expected.count)
    #expect(written == expected)
    #expect(file.bytesWritten == expected.count)
  }

  @Test func discardKeepsOlderFile() throws {
    let folder = TemporaryFolder()
    folder.write("out.jsonl", "old\n")
    let file = try OutputFile(path: folder.path("out.jsonl"))
    try file.write("new\n")
    file.discard()
    #expect(folder.read("out.jsonl") == "old\n")
    #expect(folder.list() == ["out.jsonl"])
  }

  @Test func commitReplacesOlderFile() throws {
    let folder = TemporaryFolder()
    folder.write("out.jsonl", "old\n")
    let file = try OutputFile(path: folder.path("out.jsonl"))
    try file.write("new\n")
    try file.commit()
    #expect(folder.read("out.jsonl") == "new\n")
  }

  @Test func releasedFileDiscarded() throws {
    let folder = TemporaryFolder()
    do {
      let file = try OutputFile(path: folder.path("out.jsonl"))
      try file.write("partial\n")
    }
    #expect(folder.list() == [])
  }

  @Test func missingFoldersCreated() throws {
    let folder = TemporaryFolder()
    let file = try OutputFile(path: folder.path("a/b/c/out.csv"))
    try file.commit()
    #expect(folder.exists("a/b/c/out.csv"))
  }

  @Test func fileModeApplied() throws {
    let folder = TemporaryFolder()
    let file = try OutputFile(path: folder.path("secret.csv"), mode: 0o600)
    try file.commit()
    #expect(folder.permissions("secret.csv") == 0o600)
  }

  @Test func unwritableFolderFails() {
    let folder = TemporaryFolder()
    folder.write("blocker", "a file where a folder should be\n")
    let path = folder.path("blocker/out.jsonl")
    #expect(throws: WriterFailure(path: path, message: "cannot create: Not a directory")) {
      _ = try OutputFile(path: path)
    }
  }

  @Test func folderCreationFailureNamed() {
    let folder = TemporaryFolder()
    folder.write("blocker", "x\n")
    let path = folder.path("blocker/sub/out.jsonl")
    #expect(
      throws: WriterFailure(
        path: path,
        message: "cannot create the folder \(folder.path("blocker/sub")): Not a directory")
    ) {
      _ = try OutputFile(path: path)
    }
  }
}

@Test(arguments: [
  ("Samples/xml/corpus/../../../../shared/x.xml", "../shared/x.xml"),
  ("./a/./b.csv", "a/b.csv"),
  ("/a/../../b", "/b"),
  ("a/..", "."),
  ("../../a", "../../a"),
])
func tidyPathForPeople(_ path: String, _ expected: String) {
  #expect(FileSystem.tidy(path) == expected)
}
