import Testing

@testable import HireETL

private func message(
  columns: [String], delimiter: Character = ",", delimiterIsSet: Bool = false
) -> MissingColumnMessage {
  MissingColumnMessage(
    jobFile: "job.yaml", step: "people", input: "exports/candidates.csv", columns: columns,
    delimiter: delimiter.asciiValue!, delimiterIsSet: delimiterIsSet)
}

private let emialError = MappingError(
  column: "Emial", outputField: "email", mark: SourceMark(line: 10, column: 16))

struct MissingColumnMessageTests {
  @Test func namesJobFileInputAndNearColumn() {
    #expect(
      message(columns: ["Name", "Email"]).text(for: emialError)
        == "job.yaml:10:16: step 'people': the column 'Emial' used by output field 'email' is "
        + "not in exports/candidates.csv (did you mean 'Email'?). exports/candidates.csv has the "
        + "columns Name, Email.")
  }

  @Test func keyColumnWithoutMark() {
    let error = MappingError(column: "Id", outputField: nil, mark: nil)
    #expect(
      message(columns: ["Name"]).text(for: error)
        == "job.yaml: step 'people': the key column 'Id' is not in exports/candidates.csv. "
        + "exports/candidates.csv has the columns Name.")
  }

  @Test func cutsLongColumnList() {
    let columns = (1...32).map { "c\($0)" }
    let text = message(columns: columns).text(for: emialError)
    #expect(text.hasSuffix(", c29, c30 and 2 more."))
  }

  @Test func tabSeparatedHeaderSuggestsTab() {
    #expect(
      message(columns: ["Name\tEmail\tPhone"], delimiter: ";", delimiterIsSet: true)
        .text(for: emialError)
        == "job.yaml:10:16: step 'people': the column 'Emial' used by output field 'email' is "
        + "not in exports/candidates.csv. Its header looks tab-separated, but the step reads it "
        + "with the delimiter ';'. Set `delimiter: tab` in `read:`, or remove `delimiter:` so "
        + "that the delimiter is detected.")
  }

  @Test func sniffedDelimiterSuggestsSettingOne() {
    let text = message(columns: ["Name|Email|Phone"]).text(for: emialError)
    #expect(text.hasSuffix("Set `delimiter: \"|\"` in `read:`."))
  }

  @Test func singleColumnWithoutDelimiterListsIt() {
    #expect(
      message(columns: ["Name"]).text(for: emialError).hasSuffix(
        "exports/candidates.csv has the columns Name."))
  }

  @Test func nulBytesSuggestUTF16AndAreEscaped() {
    let text = message(columns: ["N\0a\0m\0e\0", "\0E\0m\0a\0i\0l\0"]).text(for: emialError)
    #expect(!text.unicodeScalars.contains("\0"))
    #expect(
      text
        == "job.yaml:10:16: step 'people': the column 'Emial' used by output field 'email' is "
        + "not in exports/candidates.csv. The header contains NUL bytes, so "
        + "exports/candidates.csv looks like UTF-16 without a byte order mark. Set "
        + "`encoding: utf-16` in `read:`. exports/candidates.csv has the columns "
        + "N\\0a\\0m\\0e\\0, \\0E\\0m\\0a\\0i\\0l\\0.")
  }

  @Test(arguments: [
    ("plain", "plain"),
    ("a\0b", "a\\0b"),
    ("tab\there", "tab\\there"),
    ("line\r\nbreak", "line\\r\\nbreak"),
    ("\u{1B}[31mred", "\\u{1B}[31mred"),
    ("del\u{7F} c1\u{85}", "del\\u{7F} c1\\u{85}"),
    ("Zoë 😀", "Zoë 😀"),
  ])
  func escapesControlCharacters(_ input: String, _ expected: String) {
    #expect(input.escapingControlCharacters == expected)
  }
}
