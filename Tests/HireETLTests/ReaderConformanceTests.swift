import Testing

@testable import HireETL

/// One reader and the shared logical cases written in its input format. Every reader must pass
/// the conformance suite, so adding a reader means adding one fixture to `all`.
///
/// Each case's records are people with the text fields `name` and `city`, and each input's
/// records differ only in format between fixtures.
struct ReaderFixture: Sendable, CustomTestStringConvertible {
  var name: String
  /// Makes a reader over `bytes`, served `chunkSize` bytes at a time.
  var makeReader: @Sendable (_ bytes: [UInt8], _ chunkSize: Int) -> any RecordReader
  /// The text fields of a record, nil when the record's content has no fields.
  var fields: @Sendable (SourceRecord) -> [String: String]?
  /// Input that is not empty but has no records: a header alone for CSV, blank lines for JSON
  /// Lines. Empty bytes are tested for every reader as well.
  var noRecords: [UInt8]
  /// One record (name Ann, city Oslo) with no line break after it.
  var singleRecord: [UInt8]
  var singleRecordLine: Int
  /// Ann's record, a malformed record, then Cy's and Di's records. Di's city "Li\nma" contains
  /// a line break.
  var badInMiddle: [UInt8]
  var badInMiddleLines: [Int]
  /// Ann's record, then a record that stops the read with a `ReaderFailure`.
  var fatal: [UInt8]

  var testDescription: String { name }

  static let all: [ReaderFixture] = [csv, jsonLines, xml]

  /// CSV options with a field size limit small enough for `fatal` to pass it.
  private static let csvOptions: CSVOptions = {
    var options = CSVOptions()
    options.fieldSizeLimit = 1_024
    return options
  }()

  static let csv = ReaderFixture(
    name: "CSV",
    makeReader: { bytes, chunkSize in
      CSVReader(
        source: MemoryByteSource(bytes, chunkSize: chunkSize), path: "people.csv",
        options: csvOptions)
    },
    fields: { record in
      guard case .cells(let cells) = record.content else { return nil }
      var fields: [String: String] = [:]
      for (index, name) in cells.header.names.enumerated() where index < cells.count {
        fields[name] = cells.string(index)
      }
      return fields
    },
    noRecords: Array("name,city\n".utf8),
    singleRecord: Array("name,city\nAnn,Oslo".utf8),
    singleRecordLine: 2,
    badInMiddle: Array("name,city\nAnn,Oslo\n\"Bo\"b,Paris\nCy,\"Rome\"\r\nDi,\"Li\nma\"\n".utf8),
    badInMiddleLines: [2, 3, 4, 5],
    fatal: Array("name,city\nAnn,Oslo\nBo,\"\(String(repeating: "x", count: 2_000))\"\n".utf8))

  static let jsonLines = ReaderFixture(
    name: "JSON Lines",
    makeReader: { bytes, chunkSize in
      JSONLinesReader(
        source: MemoryByteSource(bytes, chunkSize: chunkSize), path: "people.jsonl",
        encoding: .auto, lineSizeLimit: 1_024)
    },
    fields: { record in
      guard case .object(let object) = record.content else { return nil }
      var fields: [String: String] = [:]
      for (key, value) in zip(object.keys, object.values) {
        guard case .string(let text) = value else { continue }
        fields[key] = text
      }
      return fields
    },
    noRecords: Array("\n \n".utf8),
    singleRecord: Array("{\"name\":\"Ann\",\"city\":\"Oslo\"}".utf8),
    singleRecordLine: 1,
    badInMiddle: Array(
      """
      {"name":"Ann","city":"Oslo"}
      {"name":"Bo","city":}
      {"name":"Cy","city":"Rome"}\r
      {"name":"Di","city":"Li\\nma"}

      """.utf8),
    badInMiddleLines: [1, 2, 3, 4],
    fatal: Array(
      "{\"name\":\"Ann\",\"city\":\"Oslo\"}\n{\"name\":\"\(String(repeating: "x", count: 2_000))\"}\n"
        .utf8))
}

/// What a record read by a fixture looks like, in a form that compares across readers.
private struct ConformanceRecord: Equatable {
  var line: Int
  var number: Int
  var fields: [String: String]?
  var problemRules: [String]
}

/// Reads `bytes` through the fixture's reader to the end or to a failure.
private func read(
  _ fixture: ReaderFixture, _ bytes: [UInt8], chunkSize: Int
) -> (records: [ConformanceRecord], failure: ReaderFailure?) {
  let reader = fixture.makeReader(bytes, chunkSize)
  var records: [ConformanceRecord] = []
  do {
    while let record = try reader.next() {
      records.append(
        ConformanceRecord(
          line: record.line, number: record.number, fields: fixture.fields(record),
          problemRules: record.problems.map(\.rule)))
    }
  } catch {
    return (records, error)
  }
  return (records, nil)
}

@Suite struct ReaderConformanceTests {
  @Test(arguments: ReaderFixture.all, readerChunkSizes)
  func emptyInputGivesNothing(_ fixture: ReaderFixture, chunkSize: Int) {
    let result = read(fixture, [], chunkSize: chunkSize)
    #expect(result.failure == nil)
    #expect(result.records.isEmpty)
  }

  @Test(arguments: ReaderFixture.all, readerChunkSizes)
  func recordlessInputGivesNothing(_ fixture: ReaderFixture, chunkSize: Int) {
    let result = read(fixture, fixture.noRecords, chunkSize: chunkSize)
    #expect(result.failure == nil)
    #expect(result.records.isEmpty)
  }

  @Test(arguments: ReaderFixture.all, readerChunkSizes)
  func recordWithoutFinalNewline(_ fixture: ReaderFixture, chunkSize: Int) {
    let result = read(fixture, fixture.singleRecord, chunkSize: chunkSize)
    let expected = ConformanceRecord(
      line: fixture.singleRecordLine, number: 1, fields: ["name": "Ann", "city": "Oslo"],
      problemRules: [])
    #expect(result.failure == nil)
    #expect(result.records == [expected])
  }

  @Test(arguments: ReaderFixture.all, [1, 2, 3, 5])
  func chunkSizeChangesNothing(_ fixture: ReaderFixture, chunkSize: Int) {
    for input in [fixture.singleRecord, fixture.badInMiddle] {
      let whole = read(fixture, input, chunkSize: Int.max)
      let chunked = read(fixture, input, chunkSize: chunkSize)
      #expect(chunked.records == whole.records)
      #expect(chunked.failure == whole.failure)
    }
  }

  @Test(arguments: ReaderFixture.all, readerChunkSizes)
  func badRecordThenGoodOnes(_ fixture: ReaderFixture, chunkSize: Int) throws {
    let result = read(fixture, fixture.badInMiddle, chunkSize: chunkSize)
    #expect(result.failure == nil)
    #expect(result.records.map(\.line) == fixture.badInMiddleLines)
    #expect(result.records.map(\.number) == [1, 2, 3, 4])
    try #require(result.records.count == 4)
    #expect(result.records[0].fields == ["name": "Ann", "city": "Oslo"])
    #expect(result.records[0].problemRules.isEmpty)
    #expect(!result.records[1].problemRules.isEmpty)
    #expect(result.records[2].fields == ["name": "Cy", "city": "Rome"])
    #expect(result.records[2].problemRules.isEmpty)
    #expect(result.records[3].fields == ["name": "Di", "city": "Li\nma"])
    #expect(result.records[3].problemRules.isEmpty)
  }

  @Test(arguments: ReaderFixture.all, readerChunkSizes)
  func failureRepeatsOnNextCall(_ fixture: ReaderFixture, chunkSize: Int) {
    let reader = fixture.makeReader(fixture.fatal, chunkSize)
    var records: [SourceRecord] = []
    var failures: [ReaderFailure] = []
    for _ in 0..<4 {
      do {
        guard let record = try reader.next() else { break }
        records.append(record)
      } catch {
        failures.append(error)
      }
    }
    #expect(records.map { fixture.fields($0) } == [["name": "Ann", "city": "Oslo"]])
    #expect(failures.count == 3)
    #expect(Set(failures.map(\.description)).count == 1)
  }

  @Test(arguments: ReaderFixture.all)
  func nilRepeatsAfterEnd(_ fixture: ReaderFixture) throws {
    let reader = fixture.makeReader(fixture.singleRecord, Int.max)
    #expect(try reader.next() != nil)
    #expect(try reader.next() == nil)
    #expect(try reader.next() == nil)
  }
}
