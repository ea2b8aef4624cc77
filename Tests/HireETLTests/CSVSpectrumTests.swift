import Foundation
import Testing

@testable import HireETL

/// Reads a CSV file of the shared corpus through a real file source.
private func readCorpusCSV(
  _ relativePath: String, options: CSVOptions = CSVOptions()
) throws -> ReadResult {
  let path = Corpus.path(relativePath)
  let source = try FileByteSource(path: path)
  return readAll(CSVReader(source: source, path: path, options: options))
}

/// Converts the records of a CSV read to objects keyed by column name, the form that
/// csv-spectrum's expected JSON files use.
private func objects(_ result: ReadResult) -> [[String: String]] {
  let names = result.columnNames ?? []
  return result.rows.map { cells in
    Dictionary(zip(names, cells), uniquingKeysWith: { first, _ in first })
  }
}

/// csv-spectrum: each `csvs/X.csv`, read with its first row as the header, must equal the array
/// of string-valued objects in `json/X.json`.
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus folder ../shared/corpus is not present"))
struct CSVSpectrumTests {
  static let caseNames = Corpus.fileNames(in: "csv-spectrum/csvs", endingWith: ".csv").map {
    String($0.dropLast(".csv".count))
  }

  @Test func corpusHasAllCases() {
    #expect(Self.caseNames.count == 11)
  }

  @Test(arguments: caseNames)
  func spectrumCaseMatchesJSON(_ name: String) throws {
    let json = try Data(
      contentsOf: URL(fileURLWithPath: Corpus.path("csv-spectrum/json/\(name).json")))
    let expected = try #require(try JSONSerialization.jsonObject(with: json) as? [[String: String]])
    let bytes = try [UInt8](
      Data(contentsOf: URL(fileURLWithPath: Corpus.path("csv-spectrum/csvs/\(name).csv"))))
    for chunkSize in readerChunkSizes {
      let result = readCSV(bytes, chunkSize: chunkSize, path: "\(name).csv")
      #expect(result.failure == nil, "chunk size \(chunkSize)")
      #expect(objects(result) == expected, "chunk size \(chunkSize)")
      #expect(
        result.rows.allSatisfy { $0.count == result.columnNames?.count }, "chunk size \(chunkSize)")
      #expect(result.records.allSatisfy { $0.problems.isEmpty }, "chunk size \(chunkSize)")
    }
  }

  @Test func spectrumReadFromFile() throws {
    let result = try readCorpusCSV("csv-spectrum/csvs/newlines_crlf.csv")
    #expect(result.failure == nil)
    #expect(
      result.rows == [["1", "2", "3"], ["Once upon \r\na time", "5", "6"], ["7", "8", "9"]])
    #expect(result.lines == [2, 3, 5])
  }
}

/// Real ATS exports and import templates: each file reads as UTF-8, and the tests pin the traits
/// each file was collected for.
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus folder ../shared/corpus is not present"))
struct ATSExportTests {
  static let fileNames = Corpus.fileNames(in: "ats-exports", endingWith: ".csv")

  @Test func corpusHasAllExports() {
    #expect(Self.fileNames.count == 8)
  }

  @Test(arguments: fileNames)
  func exportReadsAsUTF8(_ name: String) throws {
    let result = try readCorpusCSV("ats-exports/\(name)")
    // The file with duplicate column names fails on purpose; `duplicateColumnsRejected` checks it.
    if name.contains("DuplicateColumns") {
      #expect(result.failure != nil)
    } else {
      #expect(result.failure == nil)
    }
    #expect(result.statistics.encoding == .utf8)
    #expect(result.statistics.notes.isEmpty)
    #expect(result.statistics.bytesRead == result.statistics.totalBytes)
  }

  @Test func byteOrderMarkNotInHeader() throws {
    let result = try readCorpusCSV("ats-exports/bullhorn-dataloader-CandidateByteOrderMark.csv")
    #expect(result.failure == nil)
    #expect(result.columnNames == ["externalID", "name", "firstName", "lastName", "email"])
    #expect(
      result.rows == [
        [
          "candidateBOM-ext-1", "Stéphan Soufflé", "Stéphan  ", "Soufflé ",
          "StephanSouffle@example.com",
        ]
      ])
  }

  @Test func duplicateColumnsRejected() throws {
    let path = "ats-exports/bullhorn-dataloader-ClientCorporation_DuplicateColumns.csv"
    let result = try readCorpusCSV(path)
    #expect(result.records.isEmpty)
    #expect(
      result.failure
        == ReaderFailure(
          SourceLocation(file: Corpus.path(path), line: 1),
          "columns 2 and 3 are both named 'name'; rename one, or set `duplicate_columns: number` "
            + "to read them as 'name' and 'name_2'"))
  }

  @Test func duplicateColumnsNumbered() throws {
    var options = CSVOptions()
    options.duplicateColumns = .number
    let result = try readCorpusCSV(
      "ats-exports/bullhorn-dataloader-ClientCorporation_DuplicateColumns.csv", options: options)
    #expect(result.failure == nil)
    #expect(result.columnNames == ["id", "name", "name_2", "firstName", "firstName_2"])
    #expect(result.rows == [["1 ", "Bullhorn Buddy", "Bullhorn Buddy", "Bullhorn ", "Bullhorn"]])
  }

  @Test func missingHeaderColumnFlagged() throws {
    let result = try readCorpusCSV(
      "ats-exports/bullhorn-dataloader-ClientCorporation_MissingHeader.csv")
    #expect(result.failure == nil)
    #expect(result.columnNames == ["id", "name"])
    #expect(result.rows == [["1", "Bullhorn", "The Company Description"]])
    #expect(
      result.problems == [
        [
          RecordProblem(
            field: nil, rule: "csv_columns", message: "line 2 has 3 fields but the header has 2")
        ]
      ])
  }

  @Test func orangeHRMReadsAllRows() throws {
    let result = try readCorpusCSV("ats-exports/orangehrm-TestData.csv")
    #expect(result.failure == nil)
    #expect(result.records.count == 2_024)
    #expect(
      result.columnNames
        == [
          "Empl No", "First", "Last", "MI", "Street", "City", "State", "Zip", "Phone", "Pager",
          "DOH",
        ])
    #expect(result.records.allSatisfy { $0.problems.isEmpty })
    #expect(
      result.rows.first == [
        "E0001", "Christopher", "Thompson", "B", "Street 1", "City 1", "State 1", "121111", "", "",
        "",
      ])
    #expect(result.records.last?.line == 2_025)
  }

  @Test func bullhornCandidateHas222Columns() throws {
    let result = try readCorpusCSV("ats-exports/bullhorn-dataloader-Candidate.csv")
    #expect(result.failure == nil)
    #expect(result.columnNames?.count == 222)
    #expect(result.columnNames?.contains("address.city") == true)
    #expect(result.columnNames?.contains("owner.name") == true)
    #expect(result.rows.count == 3)
    #expect(result.rows.allSatisfy { $0.count == 222 })
  }

  /// Each Bullhorn candidate row pads a quoted value with spaces after its closing quote
  /// (`"Boston MA    " ,`). Padding before a delimiter is dropped without a problem.
  @Test func bullhornPaddingAfterQuoteDropped() throws {
    let path = "ats-exports/bullhorn-dataloader-Candidate.csv"
    let result = try readCorpusCSV(path)
    let column = try #require(result.columnNames?.firstIndex(of: "desiredLocations"))
    #expect(result.records.allSatisfy { $0.problems.isEmpty })
    #expect(result.rows.map { $0[column] } == Array(repeating: "Boston MA    ", count: 3))
  }

  @Test func bullhornJobSubmissionLinksRecords() throws {
    let result = try readCorpusCSV("ats-exports/bullhorn-dataloader-JobSubmission.csv")
    #expect(result.failure == nil)
    #expect(
      result.columnNames?.prefix(3) == ["branch", "candidate.externalID", "jobOrder.externalID"])
    #expect(result.rows.count == 3)
    #expect(result.records.allSatisfy { $0.problems.isEmpty })
  }

  @Test func teamtailorValuesKeptExactly() throws {
    let result = try readCorpusCSV("ats-exports/teamtailor-assignment-export.csv")
    #expect(result.failure == nil)
    #expect(
      result.columnNames
        == [
          "ID", "First name", "Last name", "Email", "Job application ID",
          "Job application created at",
        ])
    #expect(result.records.count == 10)
    #expect(result.rows.first?.last == "2022-09-08T12:02:37.900+02:00")
    #expect(result.rows.first { $0[1] == "Amb." }?[2] == "Alexander Fisher")
  }

  @Test func openCATSCustomColumnKept() throws {
    let result = try readCorpusCSV("ats-exports/opencats-import-small.csv")
    #expect(result.failure == nil)
    #expect(result.columnNames == ["First Name", "Last Name", "Company", "Custom Import Field"])
    #expect(result.rows == [["ImportPreview", "Fixture", "Example Company", "Sample value"]])
  }
}
