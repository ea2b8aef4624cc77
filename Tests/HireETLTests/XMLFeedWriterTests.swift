import Testing

@testable import HireETL

/// Runs the command line in-process and returns its exit status and standard error.
func runXMLCommand(_ arguments: [String]) -> (status: Int32, error: String) {
  final class Capture: @unchecked Sendable {
    var error = ""
  }
  let capture = Capture()
  let console = Console(out: { _ in }, error: { capture.error += $0 }, errorIsTerminal: false)
  let status = CommandLineInterface.main(arguments: arguments, environment: [:], console: console)
  return (status, capture.error)
}

@Suite struct XMLFeedWriterTests {
  private func record(_ names: [String], _ values: [OutputValue?], texts: [Int: String] = [:])
    -> OutputRecord
  {
    var record = OutputRecord(names: names)
    for (index, value) in values.enumerated() { record.values[index] = value }
    for (index, text) in texts { record.setText(index, text) }
    return record
  }

  /// Writes `records` to a feed and returns its text and the problems of each record.
  private func writeFeed(_ records: [OutputRecord]) throws -> (
    text: String?, problems: [RecordProblem?]
  ) {
    let folder = XMLScratchFolder()
    let writer = XMLFeedRecordWriter(file: try OutputFile(path: folder.path("feed.xml")))
    var problems: [RecordProblem?] = []
    for record in records { problems.append(try writer.write(record)) }
    try writer.commit()
    return (folder.read("feed.xml"), problems)
  }

  @Test func writesJobsInCDATA() throws {
    let names = ["title", "referencenumber", "department", "openings", "remote"]
    let written = try writeFeed([
      record(
        names, [nil, nil, .null, .integer(3), .bool(false)], texts: [0: "Cook & <Chef>", 1: "R-1"]),
      record(names, [nil, nil, nil, nil, nil], texts: [0: "Baker", 2: ""]),
    ])
    #expect(written.problems == [nil, nil])
    #expect(
      written.text == """
        <?xml version="1.0" encoding="UTF-8"?>
        <source>
          <job>
            <title><![CDATA[Cook & <Chef>]]></title>
            <referencenumber><![CDATA[R-1]]></referencenumber>
            <openings><![CDATA[3]]></openings>
            <remote><![CDATA[false]]></remote>
          </job>
          <job>
            <title><![CDATA[Baker]]></title>
            <department><![CDATA[]]></department>
          </job>
        </source>

        """)
  }

  @Test func splitsCDATATerminatorAndCarriageReturns() throws {
    let written = try writeFeed([
      record(["description"], [nil], texts: [0: "a]]>b]]]>c\r\nd\re]]"])
    ])
    #expect(
      written.text?.contains(
        "<description><![CDATA[a]]]]><![CDATA[>b]]]]]><![CDATA[>c]]>&#13;<![CDATA[\nd]]>&#13;<![CDATA[e]]]]></description>"
      ) == true)
  }

  @Test func emptyFeedIsWellFormed() throws {
    #expect(
      try writeFeed([]).text == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<source>\n</source>\n")
  }

  @Test func forbiddenCharacterRejectsOnlyItsRecord() throws {
    let written = try writeFeed([
      record(["title", "description"], [nil, nil], texts: [0: "A", 1: "bad\u{0B}text"]),
      record(["title", "description"], [nil, nil], texts: [0: "B", 1: "fine"]),
    ])
    #expect(
      written.problems.first??.message
        == "description contains U+B, which XML 1.0 cannot hold; remove it from the source")
    #expect(written.problems.first??.rule == "xml_char")
    #expect(written.problems.last! == nil)
    #expect(written.text?.contains("<title><![CDATA[A]]></title>") == false)
    #expect(written.text?.contains("<title><![CDATA[B]]></title>") == true)
  }

  @Test func invalidNameRejectsRecord() throws {
    let written = try writeFeed([record(["job title"], [nil], texts: [0: "A"])])
    #expect(
      written.problems == [
        RecordProblem(
          field: "job title", rule: "xml_name",
          message: "'job title' cannot be an XML element name; rename the field in `map:`")
      ])
  }

  @Test func discardLeavesNoFile() throws {
    let folder = XMLScratchFolder()
    let writer = XMLFeedRecordWriter(file: try OutputFile(path: folder.path("feed.xml")))
    _ = try writer.write(record(["title"], [nil], texts: [0: "A"]))
    writer.discard()
    #expect(folder.read("feed.xml") == nil)
  }

  static let openings = [
    #"{"title":"Line Cook","status":"open","department":"Kitchen","location":"Graz, AT","description":"<p>Fish &amp; chips</p>\r\n<p>a]]>b ]]]> c]]</p>"}"#,
    #"{"title":"Ingénieure ☺ 🚀","status":"draft","department":null,"location":"Tromsø","description":"line\rbreak\ttab\u2028sep\u00a0nbsp"}"#,
    #"{"title":"Backend Engineer","status":"closed","department":"R&D","location":null,"description":null}"#,
  ]

  @Test func roundTripThroughFeedIsLossless() throws {
    let folder = XMLScratchFolder()
    folder.write("openings.jsonl", Self.openings.joined(separator: "\n") + "\n")
    folder.write(
      "export.yaml",
      """
      version: 1
      steps:
        - name: export
          read: { path: openings.jsonl }
          validate: opening
          write: { path: feed.xml }
      """)
    folder.write(
      "import.yaml",
      """
      version: 1
      steps:
        - name: import
          read: { path: feed.xml, preset: indeed }
          map:
            title: title
            status: status
            department: department
            location: location
            description: description
          validate: opening
          write: { path: back.jsonl }
      """)
    let export = runXMLCommand(["run", folder.path("export.yaml"), "-q"])
    #expect(export.status == 0, "\(export.error)")
    let back = runXMLCommand(["run", folder.path("import.yaml"), "-q"])
    #expect(back.status == 0, "\(back.error)")
    let lines = try #require(folder.read("back.jsonl")).split(separator: "\n").map(String.init)
    #expect(lines.count == Self.openings.count)
    for (original, roundTripped) in zip(Self.openings, lines) {
      #expect(
        try JSONParser.parse(Array(roundTripped.utf8)) == JSONParser.parse(Array(original.utf8)))
    }
  }
}
