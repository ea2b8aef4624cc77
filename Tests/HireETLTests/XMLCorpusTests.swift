import Foundation
import Testing

@testable import HireETL

/// The repository root, three levels above this file.
private let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// What running a sample job produced.
private struct SampleRun {
  var report: RunReport
  /// The output file's lines, empty when the step wrote none.
  var lines: [String]
}

/// Runs a job file from `Samples/xml` with its output, rejects and state sent to a scratch
/// folder, so the test writes nothing into the repository.
private func runSample(_ relativePath: String, environment: [String: String] = [:]) throws
  -> SampleRun
{
  let folder = XMLScratchFolder()
  var job = try JobDecoder.load(
    path: repositoryRoot + "/Samples/xml/" + relativePath, environment: environment)
  job.statePath = folder.path("state.sqlite")
  for index in job.steps.indices {
    guard case .file(var output) = job.steps[index].output else { continue }
    output.pathTemplate = folder.path("out-\(index).jsonl")
    job.steps[index].output = .file(output)
    job.steps[index].rejectsPath = folder.path("rejects-\(index).jsonl")
  }
  let report = Runner.run(job, options: RunOptions(), observer: nil)
  let text = folder.read("out-0.jsonl") ?? ""
  return SampleRun(report: report, lines: text.split(separator: "\n").map(String.init))
}

@Suite struct XMLSampleTests {
  @Test func indeedSampleGivesOpenings() throws {
    let run = try runSample("indeed-to-openings.yaml")
    #expect(run.report.exitStatus == 0)
    #expect(run.lines.count == 4)
    #expect(
      run.lines.first
        == #"{"title":"Pastry Chef","department":"Kitchen","location":"Graz, Styria, AT","description":"<p>Bake croissants &amp; tarts for our café, six days a week.</p>\n<ul><li>Two years in a pastry kitchen</li><li>Early starts &mdash; 5 am</li></ul>","status":"open"}"#
    )
    #expect(
      run.lines[2]
        == #"{"title":"Rigger & Splicer","department":null,"location":"Tromsø, NO","description":"Splice mooring lines for the harbour fleet.\nPlain text, with line breaks kept.","status":"open"}"#
    )
  }

  @Test func hrXMLSampleGivesOpenings() throws {
    let run = try runSample("hrxml-to-openings.yaml")
    #expect(run.report.exitStatus == 0)
    #expect(
      run.lines == [
        #"{"title":"Warehouse Shift Lead","department":"Operations","location":"Hamburg, Hamburg, DE; Bremen, Bremen, DE","description":"Lead a team of twelve on the early shift in our port warehouses.\n\n- Forklift licence\n- Two years leading a team","status":"open"}"#,
        #"{"title":"Embedded Software Engineer","department":null,"location":"Delft, NL","description":"Write firmware for field robots in C and Rust.","status":"open"}"#,
      ])
  }
}

@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus folder ../shared/corpus is not present"))
struct XMLCorpusTests {
  struct Expectation: Sendable, CustomTestStringConvertible {
    var feed: String
    var exitStatus: Int32
    var valid: Int
    var rejected = 0
    /// The run's error without the file path before it, for malformed feeds.
    var error: String?

    var testDescription: String { feed }
  }

  static let expectations: [Expectation] = [
    Expectation(feed: "indeed-xml-feed-from-jobposting", exitStatus: 0, valid: 60),
    Expectation(feed: "indeed-colen63-job-feed", exitStatus: 0, valid: 27),
    // Only 4 of the 51 reference numbers are distinct; the repeats are duplicate keys.
    Expectation(feed: "indeed-beniovski-xmlpraser", exitStatus: 1, valid: 4, rejected: 47),
    Expectation(feed: "linkedin-machi-jobs", exitStatus: 0, valid: 38),
    Expectation(feed: "hrxml3-pam-eures-stilling-eksport", exitStatus: 0, valid: 1),
    Expectation(feed: "jooble-xml-feed-from-jobposting", exitStatus: 0, valid: 39),
    Expectation(feed: "personio-wp-personio-integration-light", exitStatus: 0, valid: 11),
    Expectation(
      feed: "indeed-xml-feed-from-jobposting-malformed", exitStatus: 3, valid: 0,
      error: "8:70: Opening and ending tag mismatch: dateposted line 8 and date, in record 1 "
        + "(<job> from line 5); reading stopped there because the feed is not well-formed XML"),
    Expectation(
      feed: "careerjet-xml-feed-from-jobposting-malformed", exitStatus: 3, valid: 0,
      error: "48:74: Opening and ending tag mismatch: application_email line 48 and email, in "
        + "record 1 (<job> from line 3, id 'CC-0324-84'); reading stopped there because the feed "
        + "is not well-formed XML"),
    Expectation(
      feed: "personio-wp-personio-integration-light-faulty", exitStatus: 3, valid: 0,
      error: "5:5: error parsing attribute name, before the first record; reading stopped there "
        + "because the feed is not well-formed XML"),
  ]

  @Test(arguments: expectations)
  func sampleJobReadsFeed(_ expected: Expectation) throws {
    let run = try runSample(
      "corpus/\(expected.feed).yaml", environment: ["HIRE_ETL_CORPUS": Corpus.folder.path])
    #expect(run.report.exitStatus == expected.exitStatus)
    #expect(run.lines.count == (expected.exitStatus == 3 ? 0 : expected.valid))
    if let step = run.report.steps.first {
      #expect(step.valid == expected.valid)
      #expect(step.rejected == expected.rejected)
    }
    if let error = expected.error {
      #expect(run.report.error == Corpus.path("job-feeds/\(expected.feed).xml") + ":" + error)
    } else {
      #expect(run.report.error == nil)
    }
  }

  private func read(_ feed: String, _ options: XMLReaderOptions) -> ReadResult {
    let source = try! FileByteSource(path: Corpus.path("job-feeds/\(feed).xml"))
    return readAll(XMLFeedReader(source: source, path: feed, options: options))
  }

  @Test func indeedFeedKeepsRawValues() throws {
    let result = read("indeed-xml-feed-from-jobposting", xmlOptions(preset: "indeed"))
    #expect(result.failure == nil)
    #expect(result.records.count == 60)
    let first = try #require(result.records.first?.object)
    #expect(first["referencenumber"] == .string("CC-0506-13"))
    #expect(first["remote"] == .string(" no "))
    #expect(first["location"] == .string("Lisbon"))
    #expect(result.lines.first == 5)
  }

  @Test func joobleAndIndeedListTheSameJobs() throws {
    let indeed = read("indeed-xml-feed-from-jobposting", xmlOptions(preset: "indeed"))
    let jooble = read(
      "jooble-xml-feed-from-jobposting",
      xmlOptions(
        record: "jobs/job", fields: [XMLFieldSpec("id", "@id"), XMLFieldSpec("title", "name")]))
    let indeedTitles = Dictionary(
      xmlFields(indeed).map { ($0["referencenumber"] ?? "", $0["title"] ?? "") }
    ) { first, _ in first }
    let joobleFields = xmlFields(jooble)
    #expect(joobleFields.count == 39)
    for job in joobleFields {
      #expect(indeedTitles[job["id"] ?? ""] == job["title"], "job \(job["id"] ?? "?")")
    }
  }

  @Test func hrXML3KeepsEntitiesInCDATALiteral() throws {
    let result = read("hrxml3-pam-eures-stilling-eksport", xmlOptions(preset: "hr-xml"))
    let opening = try #require(result.records.first?.object)
    #expect(opening["title"] == .string("Elektrikere og svakstrømsmontører"))
    #expect(opening["location"] == .string("SANDEFJORD, NO093, NO"))
    #expect(opening["postalcode"] == .string("3232"))
    guard case .string(let description)? = opening["description"] else {
      Issue.record("no description")
      return
    }
    #expect(description.contains("?rmpage&#61;job&amp;rmjob&#61;3724"))
  }

  @Test func personioJoinsDescriptionSections() throws {
    let options = xmlOptions(
      record: "workzag-jobs/position",
      fields: [
        XMLFieldSpec("id", "id"),
        XMLFieldSpec("sections", ["jobDescriptions/jobDescription/name"], separator: " | "),
      ])
    let result = read("personio-wp-personio-integration-light", options)
    #expect(result.records.count == 11)
    #expect(
      xmlFields(result).first == [
        "id": "2140231", "sections": "Your mission | Your profile | Why us?",
      ])
  }

  @Test func linkedinFeedReadsPlainText() throws {
    let result = read("linkedin-machi-jobs", xmlOptions(preset: "linkedin"))
    #expect(result.records.count == 38)
    let first = try #require(xmlFields(result).first)
    #expect(first["partnerJobId"] == "electromecanicien-st-marc-des-carrieres")
    #expect(first["jobtype"] == "FULL_TIME")
    #expect(first["city"] == "St-Marc-des-Carrières")
  }
}
