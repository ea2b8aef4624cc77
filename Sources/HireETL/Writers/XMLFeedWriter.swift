/// Writes records as an XML job feed in Indeed's format: a `<source>` element holding one
/// `<job>` per record, with one child element per field, named after the field, in output
/// order. Text goes in CDATA sections; a null field is left out.
///
/// Reading the feed back with the `indeed` preset gives the same text. A `]]>` inside a value
/// is split across two CDATA sections. A carriage return is written as the reference `&#13;`
/// between sections, because an XML parser turns a literal one into a line feed. A value with a
/// character that XML 1.0 cannot hold, such as U+000B, rejects its record.
public final class XMLFeedRecordWriter: RecordWriter {
  private let file: OutputFile
  private var wroteHeader = false
  /// The names of the last record's fields, and whether each is a valid element name.
  private var names: [String] = []
  private var nameBytes: [[UInt8]] = []
  private var invalidName: String?

  public init(file: OutputFile) {
    self.file = file
  }

  public func write(_ record: OutputRecord) throws(WriterFailure) -> RecordProblem? {
    if record.names != names { prepareNames(record.names) }
    if let invalidName {
      return RecordProblem(
        field: invalidName, rule: "xml_name",
        message: "'\(invalidName)' cannot be an XML element name; rename the field in `map:`")
    }
    if !wroteHeader {
      wroteHeader = true
      try file.write(Array(Self.header.utf8))
    }
    var problem: RecordProblem?
    let tags = nameBytes
    try file.append { buffer in
      let start = buffer.count
      Self.append("  <job>\n", to: buffer)
      for index in 0..<record.values.count {
        guard let value = record.values[index] else { continue }
        if case .null = value { continue }
        let text = Self.text(of: value, in: record)
        guard let bad = Self.forbiddenCharacter(in: text) else {
          Self.appendElement(tags[index], text, to: buffer)
          continue
        }
        problem = RecordProblem(
          field: record.names[index], rule: "xml_char",
          message: "\(record.names[index]) contains U+\(String(bad, radix: 16, uppercase: true)), "
            + "which XML 1.0 cannot hold; remove it from the source")
        buffer.removeLast(buffer.count - start)
        return
      }
      Self.append("  </job>\n", to: buffer)
    }
    return problem
  }

  public func commit() throws(WriterFailure) {
    if !wroteHeader { try file.write(Array(Self.header.utf8)) }
    try file.write(Array("</source>\n".utf8))
    try file.commit()
  }

  public func discard() { file.discard() }

  private static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<source>\n"

  private func prepareNames(_ newNames: [String]) {
    names = newNames
    nameBytes = newNames.map { Array($0.utf8) }
    invalidName = newNames.first { !XMLName.isName(Substring($0)) }
  }

  /// Returns the text of a value: strings as they are, numbers and booleans as JSON writes
  /// them, and arrays and objects as JSON text.
  private static func text(of value: OutputValue, in record: OutputRecord) -> String {
    switch value {
    case .null: ""
    case .text(let range): record.string(range)
    case .integer(let number): String(number)
    case .bool(let flag): flag ? "true" : "false"
    case .json(let index): Mapper.text(of: record.jsonValues[index])
    }
  }

  /// Returns the first character that XML 1.0 forbids, nil when there is none.
  private static func forbiddenCharacter(in text: String) -> UInt32? {
    for scalar in text.unicodeScalars where !XMLInputRepair.isAllowedInXML(scalar.value) {
      return scalar.value
    }
    return nil
  }

  /// Appends `<name><![CDATA[text]]></name>`, splitting the section at `]]>` and around
  /// carriage returns.
  private static func appendElement(_ name: [UInt8], _ text: String, to buffer: ByteBuffer) {
    append("    <", to: buffer)
    buffer.append(contentsOf: name)
    append("><![CDATA[", to: buffer)
    let bytes = Array(text.utf8)
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\r") {
        append("]]>&#13;<![CDATA[", to: buffer)
      } else if byte == UInt8(ascii: "]") && index + 2 < bytes.count
        && bytes[index + 1] == UInt8(ascii: "]") && bytes[index + 2] == UInt8(ascii: ">")
      {
        // "]]>" ends a section, so it goes out as "]]" in one section and ">" in the next.
        append("]]]]><![CDATA[>", to: buffer)
        index += 3
        continue
      } else {
        buffer.append(byte)
      }
      index += 1
    }
    append("]]></", to: buffer)
    buffer.append(contentsOf: name)
    append(">\n", to: buffer)
  }

  private static func append(_ text: StaticString, to buffer: ByteBuffer) {
    buffer.append(UnsafeRawPointer(text.utf8Start), count: text.utf8CodeUnitCount)
  }
}
