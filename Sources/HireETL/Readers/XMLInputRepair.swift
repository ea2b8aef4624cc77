/// Repairs a feed's bytes before libxml2 parses them, for the opt-in modes `html_entities` and
/// `strip_control_chars`. It works on UTF-8 and single-byte encodings; UTF-16 input is
/// transcoded to UTF-8 first.
///
/// With `html_entities`, a reference such as `&nbsp;` to an HTML entity that XML does not
/// define becomes a numeric reference (`&#160;`), so libxml2 reads the character instead of
/// stopping at an undefined entity. With `strip_control_chars`, the characters XML 1.0 forbids
/// are dropped: C0 controls other than tab, line feed and carriage return, U+FFFE and U+FFFF,
/// and numeric references to any of them or to surrogates. Both leave CDATA sections, comments
/// and processing instructions alone, except that forbidden characters go from those too.
struct XMLInputRepair {
  private enum Context {
    /// Text, tags and attribute values: where references are read.
    case content
    /// After `<`.
    case lessThan
    /// After `<!`.
    case lessThanBang
    /// After `<![`, with how many letters of `CDATA[` followed.
    case cdataOpening(matched: Int)
    /// After `<!-`.
    case commentOpening
    case cdata(brackets: Int)
    case comment(dashes: Int)
    case processingInstruction(question: Bool)
  }

  let replacesHTMLEntities: Bool
  let stripsControlCharacters: Bool
  private(set) var entitiesReplaced = 0
  private(set) var controlCharactersDropped = 0
  /// Whether the text is UTF-8, so that U+FFFE and U+FFFF can be found in it. The XML
  /// declaration can turn this off by naming another encoding.
  private var isUTF8: Bool
  private let encodingIsFixed: Bool
  private var context = Context.content
  /// A reference read so far, from its `&`; nil outside a reference.
  private var reference: [UInt8]?
  /// 1 after a held 0xEF byte, 2 after a held 0xEF 0xBF: the start of U+FFFE or U+FFFF.
  private var heldNoncharacterBytes = 0
  /// The XML declaration's bytes while it is read, to learn the declared encoding.
  private var declaration: [UInt8]? = []
  private var offset = 0

  /// The maximum length of an entity name to look up; a longer run after `&` passes unchanged.
  private static let maxNameLength = 32
  private static let xmlEntityNames: Set<String> = ["lt", "gt", "amp", "apos", "quot"]
  private static let cdataLetters = Array("CDATA[".utf8)

  /// `encoding` is the `encoding:` setting; `auto` lets the XML declaration decide.
  init(htmlEntities: Bool, stripControlCharacters: Bool, encoding: TextEncoding) {
    replacesHTMLEntities = htmlEntities
    stripsControlCharacters = stripControlCharacters
    isUTF8 =
      encoding == .auto || encoding == .utf8 || encoding == .utf16
      || encoding == .utf16LE || encoding == .utf16BE
    encodingIsFixed = encoding != .auto
  }

  /// Repairs the next bytes of the document, appending the result to `output`.
  mutating func repair(_ input: UnsafeRawBufferPointer, into output: ByteBuffer) {
    var index = 0
    while index < input.count {
      if case .content = context, reference == nil, heldNoncharacterBytes == 0 {
        // Copy the run of bytes that need no attention in one go.
        let start = index
        while index < input.count && !Self.needsAttention(input[index]) { index += 1 }
        output.append(UnsafeRawBufferPointer(rebasing: input[start..<index]))
        offset += index - start
        if index == input.count { break }
      }
      process(input[index], into: output)
      offset += 1
      index += 1
    }
  }

  /// Writes out anything held back at the end of the input.
  mutating func finish(into output: ByteBuffer) {
    flushHeldNoncharacter(into: output)
    if let held = reference {
      output.append(contentsOf: held)
      reference = nil
    }
  }

  /// Notes for the report, one per mode that changed something.
  var notes: [String] {
    var notes: [String] = []
    if entitiesReplaced > 0 {
      notes.append(
        "replaced \(entitiesReplaced) HTML entity references (such as &nbsp;) with the "
          + "characters they name (html_entities)")
    }
    if controlCharactersDropped > 0 {
      notes.append(
        "dropped \(controlCharactersDropped) characters that XML does not allow "
          + "(strip_control_chars)")
    }
    return notes
  }

  @inline(__always)
  private static func needsAttention(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte < 0x20 || byte == 0xEF
  }

  private mutating func process(_ byte: UInt8, into output: ByteBuffer) {
    if stripsControlCharacters {
      if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
        controlCharactersDropped += 1
        return
      }
      if isUTF8 && dropsNoncharacterByte(byte, into: output) { return }
    }
    if reference != nil {
      continueReference(byte, into: output)
      return
    }
    if offset == 0 || declaration != nil { readDeclaration(byte) }
    switch context {
    case .content:
      if byte == UInt8(ascii: "&") {
        reference = [byte]
        return
      }
      if byte == UInt8(ascii: "<") { context = .lessThan }
    case .lessThan:
      switch byte {
      case UInt8(ascii: "!"): context = .lessThanBang
      case UInt8(ascii: "?"): context = .processingInstruction(question: false)
      default: context = .content
      }
    case .lessThanBang:
      switch byte {
      case UInt8(ascii: "["): context = .cdataOpening(matched: 0)
      case UInt8(ascii: "-"): context = .commentOpening
      default: context = .content
      }
    case .cdataOpening(let matched):
      if byte == Self.cdataLetters[matched] {
        context =
          matched + 1 == Self.cdataLetters.count
          ? .cdata(brackets: 0) : .cdataOpening(matched: matched + 1)
      } else {
        context = .content
      }
    case .commentOpening:
      context = byte == UInt8(ascii: "-") ? .comment(dashes: 0) : .content
    case .cdata(let brackets):
      if byte == UInt8(ascii: ">") && brackets >= 2 {
        context = .content
      } else {
        context = .cdata(brackets: byte == UInt8(ascii: "]") ? brackets + 1 : 0)
      }
    case .comment(let dashes):
      if byte == UInt8(ascii: ">") && dashes >= 2 {
        context = .content
      } else {
        context = .comment(dashes: byte == UInt8(ascii: "-") ? dashes + 1 : 0)
      }
    case .processingInstruction(let question):
      if byte == UInt8(ascii: ">") && question {
        context = .content
      } else {
        context = .processingInstruction(question: byte == UInt8(ascii: "?"))
      }
    }
    output.append(byte)
  }

  /// Holds back 0xEF 0xBF and drops the 0xBE or 0xBF after them (U+FFFE, U+FFFF); returns
  /// whether `byte` was consumed.
  private mutating func dropsNoncharacterByte(_ byte: UInt8, into output: ByteBuffer) -> Bool {
    switch (heldNoncharacterBytes, byte) {
    case (0, 0xEF), (1, 0xBF):
      heldNoncharacterBytes += 1
      return true
    case (2, 0xBE), (2, 0xBF):
      heldNoncharacterBytes = 0
      controlCharactersDropped += 1
      return true
    default:
      flushHeldNoncharacter(into: output)
      return false
    }
  }

  private mutating func flushHeldNoncharacter(into output: ByteBuffer) {
    guard heldNoncharacterBytes > 0 else { return }
    if let held = reference {
      // A reference ends at a byte that cannot be part of a name.
      output.append(contentsOf: held)
      reference = nil
    }
    output.append(0xEF)
    if heldNoncharacterBytes == 2 { output.append(0xBF) }
    heldNoncharacterBytes = 0
  }

  private mutating func continueReference(_ byte: UInt8, into output: ByteBuffer) {
    guard var held = reference else { return }
    if byte == UInt8(ascii: ";") {
      reference = nil
      resolveReference(name: held.dropFirst(), into: output)
      return
    }
    let isNameByte =
      HTMLText.isASCIIAlphanumeric(byte) || (held.count == 1 && byte == UInt8(ascii: "#"))
    if isNameByte && held.count <= Self.maxNameLength {
      held.append(byte)
      reference = held
      return
    }
    // Not a reference this repair handles: pass it on and read the byte as usual.
    output.append(contentsOf: held)
    reference = nil
    process(byte, into: output)
  }

  /// Writes the reference `&name;` as it should reach libxml2.
  private mutating func resolveReference(name: ArraySlice<UInt8>, into output: ByteBuffer) {
    let text = String(decoding: name, as: UTF8.self)
    if text.hasPrefix("#") {
      if stripsControlCharacters, let value = Self.numericValue(text.dropFirst()),
        !Self.isAllowedInXML(value)
      {
        controlCharactersDropped += 1
        return
      }
    } else if replacesHTMLEntities && !Self.xmlEntityNames.contains(text),
      let replacement = HTMLText.namedEntities[text]
    {
      entitiesReplaced += 1
      for scalar in replacement.unicodeScalars {
        output.append("&#\(scalar.value);")
      }
      return
    }
    output.append(UInt8(ascii: "&"))
    output.append(contentsOf: Array(name))
    output.append(UInt8(ascii: ";"))
  }

  /// Returns the value of a numeric reference's digits (`65` or `x41`); nil for non-digits.
  private static func numericValue(_ digits: Substring) -> UInt32? {
    if let first = digits.first, first == "x" || first == "X" {
      return UInt32(digits.dropFirst(), radix: 16)
    }
    return UInt32(digits, radix: 10)
  }

  /// Returns whether XML 1.0's Char production allows the code point.
  static func isAllowedInXML(_ value: UInt32) -> Bool {
    switch value {
    case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x1_0000...0x10_FFFF: true
    default: false
    }
  }

  /// Collects the XML declaration at the start of the input and reads its encoding, unless
  /// `encoding:` fixed one.
  private mutating func readDeclaration(_ byte: UInt8) {
    guard var bytes = declaration else { return }
    bytes.append(byte)
    if !Array("<?xml".utf8).starts(with: bytes.prefix(5)) || bytes.count > 512 {
      declaration = nil
      return
    }
    guard bytes.count >= 2, bytes.suffix(2) == [UInt8(ascii: "?"), UInt8(ascii: ">")] else {
      declaration = bytes
      return
    }
    declaration = nil
    guard !encodingIsFixed else { return }
    let text = String(decoding: bytes, as: UTF8.self).lowercased()
    guard let range = text.firstRange(of: "encoding") else { return }
    let rest = text[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
    let name = rest.prefix { $0 != "\"" && $0 != "'" }
    isUTF8 = name == "utf-8" || name == "utf8"
  }
}
