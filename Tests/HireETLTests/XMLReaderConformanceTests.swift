import Testing

@testable import HireETL

extension ReaderFixture {
  /// People as `<person>` elements with `<name>` and `<city>`, keyed by name. The malformed
  /// record lacks its name, since a well-formedness error would stop the read; a mismatched
  /// end tag is the fatal case.
  static let xml = ReaderFixture(
    name: "XML",
    makeReader: { bytes, chunkSize in
      var options = XMLReaderOptions()
      options.record = "people/person"
      options.fields = [XMLFieldSpec("name", "name"), XMLFieldSpec("city", "city")]
      return XMLFeedReader(
        source: MemoryByteSource(bytes, chunkSize: chunkSize), path: "people.xml",
        options: options, key: ["name"])
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
    noRecords: Array("<?xml version=\"1.0\"?>\n<people>\n</people>\n".utf8),
    singleRecord: Array("<people><person><name>Ann</name><city>Oslo</city></person></people>".utf8),
    singleRecordLine: 1,
    badInMiddle: Array(
      """
      <people>
      <person><name>Ann</name><city>Oslo</city></person>
      <person><city>Paris</city></person>
      <person><name>Cy</name><city><![CDATA[Rome]]></city></person>\r
      <person><name>Di</name><city>Li
      ma</city></person>
      </people>

      """.utf8),
    badInMiddleLines: [2, 3, 4, 5],
    fatal: Array(
      "<people><person><name>Ann</name><city>Oslo</city></person>\n<person><name>Bo</nam></person></people>"
        .utf8))
}
