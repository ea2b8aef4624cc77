import Foundation
import Testing

@testable import HireETL

/// Reads XML `text` with `options`, served `chunkSize` bytes at a time.
func readXML(
  _ text: String, _ options: XMLReaderOptions, chunkSize: Int = Int.max, key: [String] = [],
  encoding: TextEncoding = .auto, readAhead: Bool = false
) -> ReadResult {
  readXMLBytes(
    Array(text.utf8), options, chunkSize: chunkSize, key: key, encoding: encoding,
    readAhead: readAhead)
}

func readXMLBytes(
  _ bytes: [UInt8], _ options: XMLReaderOptions, chunkSize: Int = Int.max, key: [String] = [],
  encoding: TextEncoding = .auto, readAhead: Bool = false
) -> ReadResult {
  let source = MemoryByteSource(bytes, chunkSize: chunkSize)
  return readAll(
    XMLFeedReader(
      source: source, path: "feed.xml", options: options, encoding: encoding, key: key,
      readAhead: readAhead))
}

/// Returns reader options for a preset or a record path, with fields and namespaces.
func xmlOptions(
  preset: String? = nil, record: String? = nil, fields: [XMLFieldSpec] = [],
  namespaces: [String: String] = [:]
) -> XMLReaderOptions {
  var options = XMLReaderOptions()
  options.preset = preset
  options.record = record
  options.fields = fields
  options.namespaces = namespaces
  return options
}

/// Returns the string fields of every record, with null fields left out.
func xmlFields(_ result: ReadResult) -> [[String: String]] {
  result.records.map { record in
    var fields: [String: String] = [:]
    for (key, value) in zip(record.object?.keys ?? [], record.object?.values ?? []) {
      if case .string(let text) = value { fields[key] = text }
    }
    return fields
  }
}

@Suite struct XMLFeedReaderTests {
  static let indeedFeed = """
    <?xml version="1.0" encoding="UTF-8"?>
    <source>
      <publisher>Example Board</publisher>
      <job>
        <title><![CDATA[Line Cook]]></title>
        <referencenumber><![CDATA[REQ-1]]></referencenumber>
        <city><![CDATA[Graz]]></city>
        <category><![CDATA[Kitchen]]></category>
        <description><![CDATA[<p>Fish &amp; chips, <b>fast</b></p>]]></description>
        <remote><![CDATA[ no ]]></remote>
      </job>
      <job><title>Baker &amp; Co</title><referencenumber>REQ-2</referencenumber></job>
    </source>
    """

  @Test func indeedPresetReadsJobs() throws {
    let result = readXML(Self.indeedFeed, xmlOptions(preset: "indeed"))
    #expect(result.failure == nil)
    #expect(result.lines == [4, 12])
    #expect(result.records.map(\.number) == [1, 2])
    let first = try #require(result.records.first?.object)
    #expect(first["title"] == .string("Line Cook"))
    #expect(first["referencenumber"] == .string("REQ-1"))
    #expect(first["category"] == .string("Kitchen"))
    #expect(first["description"] == .string("<p>Fish &amp; chips, <b>fast</b></p>"))
    #expect(first["remote"] == .string(" no "))
    #expect(first["state"] == .null)
    #expect(first.keys.prefix(3) == ["title", "date", "referencenumber"])
    #expect(first.keys.last == "remote")
    let second = try #require(result.records.last?.object)
    #expect(second["title"] == .string("Baker & Co"))
    #expect(second["remote"] == nil)
  }

  @Test func indeedPresetTakesExtraFields() throws {
    let options = xmlOptions(
      preset: "indeed",
      fields: [XMLFieldSpec("city", "category"), XMLFieldSpec("shout", "string-length(title)")])
    let result = readXML(Self.indeedFeed, options)
    let first = try #require(result.records.first?.object)
    #expect(first["city"] == .string("Kitchen"))
    #expect(first["shout"] == .string("9"))
  }

  @Test func textAndCDATAJoinInOneValue() {
    let feed =
      "<source><job><title>\n  Head <![CDATA[<chef>]]> &lt;3 &#x263A;\n</title></job></source>"
    let result = readXML(feed, xmlOptions(preset: "indeed"))
    #expect(xmlFields(result).first?["title"] == "\n  Head <chef> <3 \u{263A}\n")
  }

  @Test func repeatedElementsJoinWithBlankLine() {
    let feed = """
      <source><job><title>A</title><company>One</company><company/><company>Two</company>\
      <extra>x</extra><extra>y</extra></job></source>
      """
    let fields = xmlFields(readXML(feed, xmlOptions(preset: "indeed")))
    #expect(fields.first?["company"] == "One\n\nTwo")
    #expect(fields.first?["extra"] == "x\n\ny")
  }

  @Test func linkedinPresetReadsNestedLists() throws {
    let feed = """
      <?xml version='1.0' encoding='UTF-8'?>
      <source><job>
        <partnerJobId><![CDATA[eng-7]]></partnerJobId>
        <title>Ingénieure</title>
        <jobFunctions><jobFunction>ENG</jobFunction><jobFunction>IT</jobFunction></jobFunctions>
        <posterEmail>hr@example.com</posterEmail>
      </job></source>
      """
    let result = readXML(feed, xmlOptions(preset: "linkedin"))
    let job = try #require(result.records.first?.object)
    #expect(job["partnerJobId"] == .string("eng-7"))
    #expect(job["title"] == .string("Ingénieure"))
    #expect(job["jobFunctions"] == .string("ENG, IT"))
    #expect(job["posterEmail"] == .string("hr@example.com"))
  }

  static let hrXML2 = """
    <Envelope><Payload>
    <PositionOpening xmlns="http://ns.hr-xml.org">
      <PositionRecordInfo><Id><IdValue>PO-1</IdValue></Id></PositionRecordInfo>
      <PositionProfile>
        <Organization><OrganizationName>Bramblewood</OrganizationName></Organization>
        <PositionDetail>
          <PhysicalLocation><PostalAddress><CountryCode>DE</CountryCode>
            <Region>BE</Region><Municipality>Berlin</Municipality></PostalAddress></PhysicalLocation>
          <PhysicalLocation><PostalAddress><CountryCode>AT</CountryCode>
            <Municipality>Wien</Municipality></PostalAddress></PhysicalLocation>
          <JobCategory><CategoryCode>Engineering</CategoryCode></JobCategory>
          <PositionTitle>Data Engineer</PositionTitle>
        </PositionDetail>
        <FormattedPositionDescription><Name>Intro</Name><Value><![CDATA[<p>Hi</p>]]></Value></FormattedPositionDescription>
        <FormattedPositionDescription><Name>Tasks</Name><Value>Build pipes</Value></FormattedPositionDescription>
      </PositionProfile>
    </PositionOpening>
    </Payload></Envelope>
    """

  @Test func hrXML2PresetJoinsDescriptionParts() throws {
    let result = readXML(Self.hrXML2, xmlOptions(preset: "hr-xml"))
    #expect(result.failure == nil)
    let opening = try #require(result.records.first?.object)
    #expect(opening["id"] == .string("PO-1"))
    #expect(opening["title"] == .string("Data Engineer"))
    #expect(opening["company"] == .string("Bramblewood"))
    #expect(opening["city"] == .string("Berlin"))
    #expect(opening["state"] == .string("BE"))
    #expect(opening["country"] == .string("DE"))
    #expect(opening["location"] == .string("Berlin, BE, DE; Wien, AT"))
    #expect(opening["description"] == .string("<p>Hi</p>\n\nBuild pipes"))
    #expect(opening["category"] == .string("Engineering"))
    #expect(result.lines == [2])

    let withoutNamespace = Self.hrXML2.replacingOccurrences(
      of: " xmlns=\"http://ns.hr-xml.org\"", with: "")
    let plain = try #require(
      readXML(withoutNamespace, xmlOptions(preset: "hr-xml")).records.first?.object)
    #expect(plain == opening)
  }

  @Test func hrXML3PresetReadsOAGISAddress() throws {
    let feed = """
      <PositionOpening xmlns="http://www.hr-xml.org/3" xmlns:oa="http://www.openapplications.org/oagis/9">
        <DocumentID>D-9</DocumentID>
        <PositionProfile>
          <PositionTitle>Elektriker</PositionTitle>
          <PositionLocation><Address><oa:CityName>Tromsø</oa:CityName><CountryCode>NO</CountryCode></Address></PositionLocation>
          <PositionFormattedDescription><Content><![CDATA[a &#61; b]]></Content></PositionFormattedDescription>
          <PositionFormattedDescription><Content>part two</Content></PositionFormattedDescription>
        </PositionProfile>
      </PositionOpening>
      """
    let opening = try #require(readXML(feed, xmlOptions(preset: "hr-xml")).records.first?.object)
    #expect(opening["id"] == .string("D-9"))
    #expect(opening["title"] == .string("Elektriker"))
    #expect(opening["city"] == .string("Tromsø"))
    #expect(opening["location"] == .string("Tromsø, NO"))
    #expect(opening["description"] == .string("a &#61; b\n\npart two"))
  }

  @Test func simplyHiredPresetReadsValueAttributes() throws {
    let feed = """
      <jobs><job>
        <title value="Forklift Operator"/>
        <job-code>SH-5</job-code>
        <description><summary><![CDATA[<ul><li>Lift</li></ul>]]></summary>
          <required-education value="None"> </required-education></description>
        <location><city>Leeds</city><state value="West Yorkshire"/><country>GB</country></location>
        <company><name>Northwind</name></company>
      </job></jobs>
      """
    let job = try #require(readXML(feed, xmlOptions(preset: "simplyhired")).records.first?.object)
    #expect(job["title"] == .string("Forklift Operator"))
    #expect(job["jobcode"] == .string("SH-5"))
    #expect(job["description"] == .string("<ul><li>Lift</li></ul>"))
    #expect(job["education"] == .string("None"))
    #expect(job["state"] == .string("West Yorkshire"))
    #expect(job["location"] == .string("Leeds, West Yorkshire, GB"))
    #expect(job["company"] == .string("Northwind"))
    #expect(job["salary"] == .null)
  }

  @Test func recordWithoutFieldsPassesAttributesAndChildren() {
    let feed =
      "<jobs><job id=\"CC-1\" lang='pt'><name>Agent</name><region>Lisbon</region></job></jobs>"
    let result = readXML(feed, xmlOptions(record: "jobs/job"))
    #expect(result.records.first?.object?.keys == ["id", "lang", "name", "region"])
    #expect(
      xmlFields(result) == [["id": "CC-1", "lang": "pt", "name": "Agent", "region": "Lisbon"]])
  }

  @Test func fieldsReadAttributesAndPaths() {
    let feed = """
      <jobs><job id="7"><location><city>Oslo</city><city>Bergen</city></location>\
      <salary currency="NOK" min="1">high</salary></job></jobs>
      """
    let options = xmlOptions(
      record: "jobs/job",
      fields: [
        XMLFieldSpec("id", "@id"),
        XMLFieldSpec("city", "location/city", first: true),
        XMLFieldSpec("cities", ["location/city"], separator: " / "),
        XMLFieldSpec("currency", "salary/@currency"),
        XMLFieldSpec("missing", "nothing/here"),
        XMLFieldSpec("fallback", ["nothing", "salary/@min"]),
        XMLFieldSpec("all", "."),
      ])
    let result = readXML(feed, options)
    #expect(
      result.records.first?.object?.keys == [
        "id", "city", "cities", "currency", "missing", "fallback", "all",
      ])
    #expect(result.records.first?.object?["missing"] == .null)
    #expect(
      xmlFields(result) == [
        [
          "id": "7", "city": "Oslo", "cities": "Oslo / Bergen", "currency": "NOK", "fallback": "1",
          "all": "OsloBergenhigh",
        ]
      ])
  }

  @Test func fieldsEvaluateXPath() {
    let feed = """
      <jobs><job><t lang="en">Cook</t><t lang="de">Koch</t><n>3</n><n>4</n></job></jobs>
      """
    let options = xmlOptions(
      record: "jobs/job",
      fields: [
        XMLFieldSpec("german", "t[@lang='de']"),
        XMLFieldSpec("count", "count(t)"),
        XMLFieldSpec("sum", "sum(n) div 2"),
        XMLFieldSpec("both", "concat(t[1], '+', t[2])"),
        XMLFieldSpec("flag", "boolean(t)"),
        XMLFieldSpec("texts", "t/text()"),
      ])
    #expect(
      xmlFields(readXML(feed, options)) == [
        [
          "german": "Koch", "count": "2", "sum": "3.5", "both": "Cook+Koch", "flag": "true",
          "texts": "Cook\n\nKoch",
        ]
      ])
  }

  @Test func namespacesMatchByURI() {
    let feed = """
      <feed xmlns="urn:a" xmlns:g="urn:g"><item><g:id>1</g:id><title>T</title></item>\
      <item xmlns="urn:other"><title>Other</title></item></feed>
      """
    let byPrefix = xmlOptions(
      record: "a:feed/a:item",
      fields: [XMLFieldSpec("id", "g:id"), XMLFieldSpec("title", "a:title")],
      namespaces: ["a": "urn:a", "g": "urn:g"])
    #expect(xmlFields(readXML(feed, byPrefix)) == [["id": "1", "title": "T"]])

    let byClark = xmlOptions(
      record: "{urn:a}feed/{*}item",
      fields: [XMLFieldSpec("title", "{*}title"), XMLFieldSpec("id", "{urn:g}id")])
    #expect(xmlFields(readXML(feed, byClark)) == [["id": "1", "title": "T"], ["title": "Other"]])

    let xpathPrefix = xmlOptions(
      record: "//{urn:a}item", fields: [XMLFieldSpec("id", "string(g:id)")],
      namespaces: ["g": "urn:g"])
    #expect(xmlFields(readXML(feed, xpathPrefix)) == [["id": "1"]])
  }

  @Test func plainNamesMissNamespacedElements() {
    let feed = "<source xmlns=\"urn:feed\"><job><title>T</title></job></source>"
    let result = readXML(feed, xmlOptions(preset: "indeed"))
    #expect(result.failure == nil)
    #expect(result.records.isEmpty)
    #expect(
      result.statistics.notes == [
        "no element matched `record: source/job`; the root element is <{urn:feed}source>; names "
          + "without a prefix match elements in no namespace, so write {uri}name, {*}name, or a "
          + "prefix declared under `namespaces:`"
      ])
  }

  @Test func recordPathWithDescendantSteps() {
    let feed = """
      <a><b><job><t>1</t><job><t>inner</t></job></job></b><job><t>2</t></job><c><d><job><t>3</t></job></d></c></a>
      """
    let anywhere = readXML(feed, xmlOptions(record: "//job", fields: [XMLFieldSpec("t", "t")]))
    #expect(xmlFields(anywhere).map { $0["t"] } == ["1", "2", "3"])
    let underC = readXML(feed, xmlOptions(record: "a/c//job", fields: [XMLFieldSpec("t", "t")]))
    #expect(xmlFields(underC).map { $0["t"] } == ["3"])
    let fixed = readXML(feed, xmlOptions(record: "/a/job", fields: [XMLFieldSpec("t", "t")]))
    #expect(xmlFields(fixed).map { $0["t"] } == ["2"])
  }

  @Test func keyProblemForEmptyKey() {
    let feed = """
      <source>
      <job><referencenumber>R1</referencenumber><title>A</title></job>
      <job><referencenumber>  </referencenumber><title>B</title></job>
      <job><title>C</title></job>
      </source>
      """
    let result = readXML(feed, xmlOptions(preset: "indeed"), key: ["referencenumber"])
    #expect(result.lines == [2, 3, 4])
    #expect(result.problems[0].isEmpty)
    let problem = RecordProblem(
      field: "referencenumber", rule: "key",
      message: "the key (referencenumber) is empty in this <job>")
    #expect(result.problems[1] == [problem])
    #expect(result.problems[2] == [problem])
  }

  @Test func lineNumbersPast65535() {
    var feed = "<source>\n"
    for number in 1...4 {
      feed +=
        "<job>\n  <title>J\(number)</title>\n" + String(repeating: "\n", count: 30_000) + "</job>\n"
    }
    feed += "<job><title>tight</title></job>\n<job>\n\n\n<title>gap</title></job>\n</source>\n"
    let result = readXML(feed, xmlOptions(preset: "indeed"))
    #expect(result.failure == nil)
    #expect(result.lines == [2, 30_005, 60_008, 90_011, 120_014, 120_015])
  }

  @Test func readAheadGivesSameRecords() {
    var feed = "<source>"
    for number in 1...500 {
      feed += "<job><title>T\(number)</title><referencenumber>\(number)</referencenumber></job>"
    }
    feed += "<job><title>bad</title></jobb></source>"
    let direct = readXML(feed, xmlOptions(preset: "indeed"))
    let ahead = readXML(feed, xmlOptions(preset: "indeed"), readAhead: true)
    #expect(direct.records.count == 500)
    #expect(ahead.records == direct.records)
    #expect(ahead.failure == direct.failure)
    #expect(ahead.failure != nil)
  }

  @Test func earlyStopEndsReadAhead() throws {
    var feed = "<source>"
    for number in 1...5_000 { feed += "<job><title>T\(number)</title></job>" }
    feed += "</source>"
    for _ in 0..<20 {
      let reader = XMLFeedReader(
        source: MemoryByteSource(Array(feed.utf8), chunkSize: 4096), path: "feed.xml",
        options: xmlOptions(preset: "indeed"))
      let first = try #require(try reader.next())
      #expect(ReadRecord(first).object?["title"] == .string("T1"))
    }
  }

  @Test func emptyAndBlankInputsHaveNoRecords() {
    for input in ["", "  \n\t", "\u{FEFF}\n"] {
      let result = readXML(input, xmlOptions(preset: "indeed"))
      #expect(result.failure == nil)
      #expect(result.records.isEmpty)
    }
  }

  @Test func utf16FeedIsRead() {
    let feed =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?><source><job><title>Tromsø ☺</title></job></source>"
    for bigEndian in [false, true] {
      let result = readXMLBytes(
        utf16Bytes(feed, bigEndian: bigEndian), xmlOptions(preset: "indeed"), chunkSize: 3)
      #expect(result.failure == nil)
      #expect(xmlFields(result).first?["title"] == "Tromsø ☺")
    }
  }
}
