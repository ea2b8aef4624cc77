import Foundation
import Testing

@testable import HireETL

/// A fresh folder under the system's temporary folder for XML tests, removed with its content
/// when the value is released.
final class XMLScratchFolder {
  let path: String

  init() {
    var template = Array((NSTemporaryDirectory() + "hire-etl-xml-XXXXXX").utf8CString)
    let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    path = String(cString: created!)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }

  func path(_ relative: String) -> String { path + "/" + relative }

  func write(_ relative: String, _ text: String) {
    write(relative, bytes: Array(text.utf8))
  }

  func write(_ relative: String, bytes: [UInt8]) {
    let url = URL(fileURLWithPath: path(relative))
    try! FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try! Data(bytes).write(to: url)
  }

  func read(_ relative: String) -> String? {
    FileManager.default.contents(atPath: path(relative)).map { String(decoding: $0, as: UTF8.self) }
  }
}

@Suite struct XMLSafetyTests {
  static let secret = "top-secret-4711"

  /// Writes a file with the secret in it and returns a feed whose entity would read it.
  private func xxeFeed(_ folder: XMLScratchFolder, parameterEntity: Bool = false) -> String {
    folder.write("secret.txt", Self.secret)
    let declaration =
      parameterEntity
      ? "<!ENTITY % leak SYSTEM \"file://\(folder.path("secret.txt"))\"> %leak;"
      : "<!ENTITY leak SYSTEM \"file://\(folder.path("secret.txt"))\">"
    return """
      <?xml version="1.0"?>
      <!DOCTYPE source [
        \(declaration)
      ]>
      <source><job><title>&leak;</title></job></source>
      """
  }

  @Test func externalEntityIsRejectedUnread() {
    let folder = XMLScratchFolder()
    for chunkSize in readerChunkSizes {
      let result = readXML(xxeFeed(folder), xmlOptions(preset: "indeed"), chunkSize: chunkSize)
      #expect(result.records.isEmpty)
      #expect(result.failure?.location == SourceLocation(file: "feed.xml", line: 3, column: 3))
      #expect(
        result.failure?.message
          == "the document type declaration declares the entity 'leak'. hire-etl rejects feeds "
          + "that declare entities, because expanding them can read local files (XXE) or use up "
          + "memory (billion laughs). Remove the <!ENTITY> declarations; for HTML names such as "
          + "&nbsp; set `html_entities: true` instead")
      #expect(!(result.failure?.description.contains(Self.secret) ?? true))
    }
  }

  @Test func parameterEntityIsRejected() {
    let folder = XMLScratchFolder()
    let result = readXML(xxeFeed(folder, parameterEntity: true), xmlOptions(preset: "indeed"))
    #expect(result.records.isEmpty)
    #expect(
      result.failure?.message.hasPrefix("the document type declaration declares the entity 'leak'.")
        == true)
  }

  @Test func billionLaughsFailsFast() {
    var feed = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
    for level in 1...9 {
      let previous = level == 1 ? "lol" : "lol\(level - 1)"
      feed += " <!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">\n"
    }
    feed += "]>\n<source><job><title>&lol9;</title></job></source>\n"
    let clock = ContinuousClock()
    let started = clock.now
    let result = readXML(feed, xmlOptions(preset: "indeed"))
    #expect(clock.now - started < .seconds(1))
    #expect(result.records.isEmpty)
    #expect(result.failure?.location == SourceLocation(file: "feed.xml", line: 3, column: 2))
    #expect(
      result.failure?.message.hasPrefix("the document type declaration declares the entity 'lol'.")
        == true)
  }

  @Test func externalDTDIsNotLoaded() {
    let folder = XMLScratchFolder()
    folder.write(
      "feed.dtd", "<!ATTLIST job leak CDATA \"\(Self.secret)\">\n<!ENTITY ext \"\(Self.secret)\">\n"
    )
    let header =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE source SYSTEM \"file://\(folder.path("feed.dtd"))\">\n"

    let plain = readXML(
      header + "<source><job><title>T</title></job></source>", xmlOptions(preset: "indeed"))
    #expect(plain.failure == nil)
    #expect(xmlFields(plain) == [["title": "T"]])

    let usesEntity = readXML(
      header + "<source><job><title>&ext;</title></job></source>", xmlOptions(preset: "indeed"))
    #expect(usesEntity.records.isEmpty)
    #expect(usesEntity.failure?.location == SourceLocation(file: "feed.xml", line: 3, column: 26))
    #expect(
      usesEntity.failure?.message
        == "Entity 'ext' not defined, in record 1 (<job> from line 3); reading stopped there because "
        + "the feed is not well-formed XML; XML defines only &lt; &gt; &amp; &apos; and &quot;")
  }

  @Test func harmlessDoctypesPass() {
    let doctypes = [
      "<!DOCTYPE source>",
      "<!DOCTYPE source [ <!-- <!ENTITY a \"b\"> --> <!ELEMENT source ANY> ]>",
      "<!DOCTYPE source [ <?note <!ENTITY x 'y'> ?> <!ATTLIST job note CDATA \"x>y\"> ]>",
      "<!-- <!DOCTYPE x [<!ENTITY a 'b'>]> --><?pi <!ENTITY ?>",
    ]
    for doctype in doctypes {
      let result = readXML(
        "<?xml version=\"1.0\"?>\(doctype)<source><job><title>T</title></job></source>",
        xmlOptions(preset: "indeed"))
      #expect(result.failure == nil, "\(doctype)")
      #expect(result.records.count == 1, "\(doctype)")
    }
  }

  @Test func entityDeclarationInUTF16IsRejected() {
    let feed = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<!DOCTYPE s [<!ENTITY x \"y\">]><s/>"
    let result = readXMLBytes(
      utf16Bytes(feed, bigEndian: true), xmlOptions(record: "s/job"), chunkSize: 3)
    #expect(result.failure?.location == SourceLocation(file: "feed.xml", line: 2, column: 14))
    #expect(
      result.failure?.message.hasPrefix("the document type declaration declares the entity 'x'.")
        == true)
  }

  @Test func utf32IsRejected() {
    var bytes: [UInt8] = []
    for scalar in "<s/>".unicodeScalars { bytes += [UInt8(scalar.value), 0, 0, 0] }
    let result = readXMLBytes(bytes, xmlOptions(record: "s/job"))
    #expect(result.failure?.location == SourceLocation(file: "feed.xml", line: 1, column: 1))
    #expect(
      result.failure?.message
        == "the file is encoded in UTF-32, which hire-etl does not read; convert it to UTF-8")
  }

  @Test func networkDTDIsNotFetched() {
    let feed =
      "<!DOCTYPE source SYSTEM \"http://127.0.0.1:9/feed.dtd\"><source><job><title>T</title></job></source>"
    let result = readXML(feed, xmlOptions(preset: "indeed"))
    #expect(result.failure == nil)
    #expect(xmlFields(result) == [["title": "T"]])
  }
}
