import Testing

@testable import HireETL

@Suite struct XMLModeTests {
  private func options(
    htmlEntities: Bool = false, strip: Bool = false, huge: Bool = false
  ) -> XMLReaderOptions {
    var options = xmlOptions(preset: "indeed")
    options.htmlEntities = htmlEntities
    options.stripControlCharacters = strip
    options.huge = huge
    return options
  }

  static let htmlFeed = """
    <?xml version="1.0" encoding="UTF-8"?>
    <source><job note="x&copy;">
    <title>Caf&eacute;&nbsp;&rsquo;s &amp; &lt;more&gt; &#233;&AMP;</title>
    <description><![CDATA[keep &nbsp; here]]><!-- and &foo; here --></description>
    </job></source>
    """

  @Test(arguments: readerChunkSizes)
  func htmlEntitiesBecomeCharacters(chunkSize: Int) {
    let result = readXML(Self.htmlFeed, options(htmlEntities: true), chunkSize: chunkSize)
    #expect(result.failure == nil)
    #expect(
      xmlFields(result) == [
        [
          "note": "x©", "title": "Café\u{00A0}’s & <more> é&", "description": "keep &nbsp; here",
        ]
      ])
    #expect(
      result.statistics.notes == [
        "replaced 5 HTML entity references (such as &nbsp;) with the characters they name (html_entities)"
      ])
  }

  @Test func htmlEntityWithoutModeStops() {
    let result = readXML(Self.htmlFeed, options())
    #expect(result.records.isEmpty)
    #expect(result.failure?.location == SourceLocation(file: "feed.xml", line: 2, column: 27))
    #expect(
      result.failure?.message
        == "Entity 'copy' not defined, before the first record; reading stopped there "
        + "because the feed is not well-formed XML; it uses the HTML entity &copy;, so set "
        + "`html_entities: true` to read HTML entities as the characters they name")
  }

  @Test func unknownEntityStopsEvenWithMode() {
    let result = readXML(
      "<source><job><title>a &bogus; b</title></job></source>", options(htmlEntities: true))
    #expect(result.failure?.location == SourceLocation(file: "feed.xml", line: 1, column: 30))
    #expect(
      result.failure?.message
        == "Entity 'bogus' not defined, in record 1 (<job> from line 1); reading stopped there "
        + "because the feed is not well-formed XML; XML defines only &lt; &gt; &amp; &apos; and &quot;"
    )
  }

  /// Control characters in text, CDATA, an attribute and a reference, U+FFFE, and a lone 0xEF
  /// byte of an ordinary character (ï is C3 AF; € is E2 82 AC; 0xEF starts U+F000-U+FFFF).
  static let controlFeed: [UInt8] =
    Array("<source><job a=\"1\u{0B}2\"><title>A\u{0B}B\u{0C}C\u{00}D".utf8)
    + [0xEF, 0xBF, 0xBE] + Array("E\u{1F}&#11;&#x1F;&#9;F\u{F8FF}</title>".utf8)
    + Array("<description><![CDATA[x\u{07}y]]></description></job></source>".utf8)

  @Test(arguments: readerChunkSizes)
  func controlCharactersAreDropped(chunkSize: Int) {
    let result = readXMLBytes(Self.controlFeed, options(strip: true), chunkSize: chunkSize)
    #expect(result.failure == nil)
    #expect(xmlFields(result) == [["a": "12", "title": "ABCDE\tF\u{F8FF}", "description": "xy"]])
    #expect(
      result.statistics.notes
        == ["dropped 9 characters that XML does not allow (strip_control_chars)"])
  }

  @Test func controlCharacterWithoutModeStops() {
    let result = readXMLBytes(Self.controlFeed, options())
    #expect(result.records.isEmpty)
    #expect(result.failure?.location == SourceLocation(file: "feed.xml", line: 1, column: 18))
    #expect(
      result.failure?.message
        == "invalid character in attribute value, before the first record; reading "
        + "stopped there because the feed is not well-formed XML; it contains a character that "
        + "XML does not allow, such as a control character, so set `strip_control_chars: true` "
        + "to drop such characters")
  }

  @Test func bothRepairsWorkOnUTF16() {
    let feed =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?><source><job><title>a&nbsp;b\u{0B}c</title></job></source>"
    let result = readXMLBytes(
      utf16Bytes(feed, bigEndian: false), options(htmlEntities: true, strip: true), chunkSize: 5)
    #expect(result.failure == nil)
    #expect(xmlFields(result) == [["title": "a\u{00A0}bc"]])
  }

  /// "Café – ok" in Windows-1252, in a feed that claims to be UTF-8.
  static let windows1252Feed: [UInt8] =
    Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?><source><job><title>Caf".utf8)
    + [0xE9, 0x20, 0x96] + Array(" ok</title></job></source>".utf8)

  @Test func encodingOverridesTheDeclaration() {
    let result = readXMLBytes(Self.windows1252Feed, options(), encoding: .windows1252)
    #expect(result.failure == nil)
    #expect(xmlFields(result) == [["title": "Café – ok"]])
    #expect(result.statistics.encoding == .windows1252)
  }

  @Test func wrongDeclarationWithoutOverrideStops() {
    let result = readXMLBytes(Self.windows1252Feed, options())
    #expect(result.records.isEmpty)
    #expect(result.failure?.location == SourceLocation(file: "feed.xml", line: 1, column: 62))
    #expect(
      result.failure?.message
        == "Input is not proper UTF-8, indicate encoding ! Bytes: 0xE9 0x20 0x96 0x20, in record 1 "
        + "(<job> from line 1); the bytes do not match the encoding the feed declares; set "
        + "`encoding:` to the file's real encoding, such as windows-1252")
  }

  @Test func utf8OverridesLatin1Declaration() {
    let feed =
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><source><job><title>Tromsø</title></job></source>"
    #expect(xmlFields(readXML(feed, options())) == [["title": "TromsÃ¸"]])
    #expect(xmlFields(readXML(feed, options(), encoding: .utf8)) == [["title": "Tromsø"]])
  }

  @Test func latin1DeclarationIsHonoured() {
    let bytes =
      Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><source><job><title>Troms".utf8)
      + [0xF8] + Array("</title></job></source>".utf8)
    let result = readXMLBytes(bytes, options(strip: true))
    #expect(xmlFields(result) == [["title": "Tromsø"]])
    #expect(result.statistics.encoding == .latin1)
  }

  /// A feed whose second job has a text node of 10,000,001 bytes.
  static let hugeFeed: String = {
    "<source>\n<job><title>small</title></job>\n<job><referencenumber>BIG-1</referencenumber>\n"
      + "<description>" + String(repeating: "x", count: 10_000_001) + "</description></job>\n"
      + "<job><title>after</title></job>\n</source>\n"
  }()

  @Test func hugeTextStopsWithoutMode() {
    let result = readXML(Self.hugeFeed, options())
    #expect(xmlFields(result) == [["title": "small"]])
    #expect(result.failure?.location.line == 4)
    #expect(
      result.failure?.message
        == "xmlSAX2Characters: huge text node, in record 2 (<job> from line 3, referencenumber "
        + "'BIG-1'); a text is longer than libxml2's limit of 10,000,000 bytes; set `huge: true` "
        + "to read it")
  }

  @Test func hugeTextReadsWithMode() {
    let result = readXML(Self.hugeFeed, options(huge: true))
    #expect(result.failure == nil)
    #expect(result.records.count == 3)
    #expect(
      result.records[1].object?["description"] == .string(String(repeating: "x", count: 10_000_001))
    )
  }
}
