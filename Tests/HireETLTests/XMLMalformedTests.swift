import Testing

@testable import HireETL

@Suite struct XMLMalformedTests {
  /// Jobs 1 to `good`, then a job whose `<title>` is closed by `</titel>`.
  private func feed(good: Int) -> String {
    var text = "<?xml version=\"1.0\"?>\n<source>\n"
    for number in 1...max(good, 1) where good > 0 {
      text +=
        "<job><referencenumber>R\(number)</referencenumber><title>Job \(number)</title></job>\n"
    }
    text += "<job><referencenumber>BAD</referencenumber><title>broken</titel></job>\n"
    text += "<job><referencenumber>LOST</referencenumber><title>after</title></job>\n</source>\n"
    return text
  }

  @Test(arguments: readerChunkSizes)
  func recordsBeforeTheFaultAreKept(chunkSize: Int) {
    for readAhead in [false, true] {
      let result = readXML(
        feed(good: 3), xmlOptions(preset: "indeed"), chunkSize: chunkSize, readAhead: readAhead)
      #expect(xmlFields(result).map { $0["title"] } == ["Job 1", "Job 2", "Job 3"])
      #expect(result.lines == [3, 4, 5])
      #expect(result.records.map(\.number) == [1, 2, 3])
      #expect(result.failure?.location == SourceLocation(file: "feed.xml", line: 6, column: 65))
      #expect(
        result.failure?.message
          == "Opening and ending tag mismatch: title line 6 and titel, in record 4 (<job> from "
          + "line 6, referencenumber 'BAD'); reading stopped there because the feed is not "
          + "well-formed XML")
    }
  }

  /// libxml2 parses ahead in chunks, so the fault can come while complete records still wait
  /// to be returned. Wherever the fault falls, none may be lost or returned twice.
  @Test func everyCompleteRecordIsReturnedOnce() {
    for good in [0, 1, 2, 5, 17, 40, 99, 250] {
      let result = readXML(feed(good: good), xmlOptions(preset: "indeed"))
      #expect(result.records.count == good, "with \(good) good jobs")
      #expect(xmlFields(result).map { $0["referencenumber"] } == (0..<good).map { "R\($0 + 1)" })
      #expect(result.failure?.message.contains("in record \(good + 1) (") == true)
    }
  }

  @Test func faultBetweenRecords() {
    let text = "<source><job><title>A</title></job><job><title>B</title></job>< oops/></source>"
    let result = readXML(text, xmlOptions(preset: "indeed"))
    #expect(xmlFields(result).map { $0["title"] } == ["A", "B"])
    #expect(result.failure?.location == SourceLocation(file: "feed.xml", line: 1, column: 64))
    #expect(
      result.failure?.message
        == "StartTag: invalid element name, after record 2; reading stopped there because the "
        + "feed is not well-formed XML")
  }

  @Test func faultAfterTheRoot() {
    let result = readXML(
      "<source><job><title>A</title></job></source><source/>", xmlOptions(preset: "indeed"))
    #expect(xmlFields(result).map { $0["title"] } == ["A"])
    #expect(
      result.failure?.message
        == "Extra content at the end of the document, after record 1; reading stopped there "
        + "because the feed is not well-formed XML")
  }

  @Test func truncatedFeed() {
    let result = readXML(
      "<source><job><title>A</title></job><job><title>B</ti", xmlOptions(preset: "indeed"))
    #expect(xmlFields(result).map { $0["title"] } == ["A"])
    #expect(result.failure?.location == SourceLocation(file: "feed.xml", line: 1, column: 53))
    #expect(
      result.failure?.message
        == "expected '>', in record 2 (<job> from line 1); reading stopped there because the feed "
        + "is not well-formed XML")
  }

  @Test func failureRepeats() {
    let reader = XMLFeedReader(
      source: MemoryByteSource(Array(feed(good: 1).utf8)), path: "feed.xml",
      options: xmlOptions(preset: "indeed"))
    #expect(throws: Never.self) { try reader.next() }
    var messages: [String] = []
    for _ in 0..<3 {
      do {
        _ = try reader.next()
      } catch {
        messages.append(error.description)
      }
    }
    #expect(messages.count == 3)
    #expect(Set(messages).count == 1)
  }

  @Test func badOptionsFailOnFirstRead() {
    var options = xmlOptions(record: "source/job", fields: [XMLFieldSpec("t", "count(")])
    let result = readXML("<source/>", options)
    #expect(result.failure?.message.hasPrefix("field 't': `count(` is not valid XPath: ") == true)
    options = XMLReaderOptions()
    #expect(
      readXML("<source/>", options).failure?.message
        == "reading XML needs `preset:` (indeed, linkedin, hr-xml, simplyhired) or `record:` "
        + "naming the record element, such as source/job")
  }
}
