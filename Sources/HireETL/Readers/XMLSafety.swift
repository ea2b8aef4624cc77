/// The code unit layout of a document's bytes, as far as the prolog scan needs to know it.
enum XMLCodeUnitLayout: Equatable, Sendable {
  /// UTF-8 or a single-byte encoding: markup characters are single ASCII bytes.
  case asciiCompatible
  case utf16(bigEndian: Bool)
  /// UTF-32 or EBCDIC, which hire-etl does not read.
  case unsupported(String)

  /// Returns the layout that the first bytes of a document show: a byte order mark, or `<?`,
  /// which starts an XML declaration. `requested` is the `encoding:` setting, which wins.
  static func detect(_ head: UnsafeRawBufferPointer, requested: TextEncoding) -> XMLCodeUnitLayout {
    switch requested {
    case .utf16LE: return .utf16(bigEndian: false)
    case .utf16BE: return .utf16(bigEndian: true)
    case .utf8, .windows1252, .latin1: return .asciiCompatible
    case .auto, .utf16: break
    }
    let bytes = Array(head.prefix(4))
    let padded = bytes + [UInt8](repeating: 0xFF, count: 4 - bytes.count)
    switch (padded[0], padded[1], padded[2], padded[3]) {
    case (0x00, 0x00, 0xFE, 0xFF), (0xFF, 0xFE, 0x00, 0x00), (0x00, 0x00, 0x00, 0x3C),
      (0x3C, 0x00, 0x00, 0x00):
      return .unsupported("UTF-32")
    case (0x4C, 0x6F, 0xA7, 0x94):
      return .unsupported("EBCDIC")
    case (0xFE, 0xFF, _, _), (0x00, 0x3C, 0x00, 0x3F):
      return .utf16(bigEndian: true)
    case (0xFF, 0xFE, _, _), (0x3C, 0x00, 0x3F, 0x00):
      return .utf16(bigEndian: false)
    default:
      return requested == .utf16 ? .utf16(bigEndian: false) : .asciiCompatible
    }
  }
}

/// A reason to reject a document before libxml2 parses it, with where it was found.
struct XMLSafetyViolation: Equatable, Sendable {
  var line: Int
  var column: Int
  var message: String
}

/// Watches the start of a document, up to its root element's start tag, for entity
/// declarations in the document type declaration.
///
/// hire-etl expands no entities except XML's five predefined ones and character references,
/// so a document that declares entities is rejected before libxml2 parses the declaration.
/// An external entity could read a local file (XXE), and nested entities can expand to
/// gigabytes ("billion laughs"). After the root element starts, `scan` returns at once.
struct XMLPrologScanner {
  private enum State: Equatable {
    case prolog
    /// After `<`.
    case markupStart
    /// After `<!`, with the characters since, to tell a comment from a DOCTYPE.
    case bang([UInt8])
    case comment(dashes: Int, inSubset: Bool)
    case processingInstruction(question: Bool, inSubset: Bool)
    /// Inside `<!DOCTYPE`, before its internal subset or its end.
    case doctype(quote: UInt32?)
    /// Inside the `[...]` of the document type declaration.
    case subset
    case subsetMarkupStart
    case subsetBang([UInt8])
    /// Inside a markup declaration other than an entity, such as `<!ELEMENT ...>`.
    case declaration(quote: UInt32?)
    case afterSubset
    /// After `<!ENTITY`, collecting the entity's name for the message.
    case entityName([UInt8])
    case done
  }

  private let layout: XMLCodeUnitLayout
  private var state = State.prolog
  /// A byte of a UTF-16 code unit split across two reads.
  private var pendingByte: UInt8?
  private var line = 1
  private var column = 0
  private var markupLine = 1
  private var markupColumn = 1
  private(set) var violation: XMLSafetyViolation?

  init(layout: XMLCodeUnitLayout) {
    self.layout = layout
    if case .unsupported(let name) = layout {
      violation = XMLSafetyViolation(
        line: 1, column: 1,
        message: "the file is encoded in \(name), which hire-etl does not read; convert it to UTF-8"
      )
      state = .done
    }
  }

  var isDone: Bool { state == .done }

  /// Scans the next bytes of the document; returns the violation once one is found.
  mutating func scan(_ bytes: UnsafeRawBufferPointer) -> XMLSafetyViolation? {
    guard state != .done else { return violation }
    switch layout {
    case .asciiCompatible:
      for byte in bytes where state != .done {
        // Continuation bytes of UTF-8 do not start a character, so they move no column.
        if byte & 0xC0 != 0x80 { advance(UInt32(byte)) }
      }
    case .utf16(let bigEndian):
      for byte in bytes where state != .done {
        guard let first = pendingByte else {
          pendingByte = byte
          continue
        }
        pendingByte = nil
        let unit = bigEndian ? UInt32(first) << 8 | UInt32(byte) : UInt32(byte) << 8 | UInt32(first)
        // The second half of a surrogate pair does not start a character.
        if unit & 0xFC00 != 0xDC00 { advance(unit) }
      }
    case .unsupported:
      break
    }
    return violation
  }

  /// Reports an entity declaration whose name the input ended in.
  mutating func finish() -> XMLSafetyViolation? {
    if case .entityName(let name) = state { reject(name) }
    return violation
  }

  private mutating func advance(_ unit: UInt32) {
    if unit == 0x0A {
      line += 1
      column = 0
    } else {
      column += 1
    }
    if unit == 0x3C {
      markupLine = line
      markupColumn = column
    }
    step(unit)
  }

  private mutating func step(_ unit: UInt32) {
    let isSpace = unit == 0x20 || unit == 0x09 || unit == 0x0A || unit == 0x0D
    switch state {
    case .prolog:
      if unit == 0x3C { state = .markupStart }
    case .markupStart:
      switch unit {
      case 0x21: state = .bang([])
      case 0x3F: state = .processingInstruction(question: false, inSubset: false)
      // Anything else starts the root element, or is an error that libxml2 reports.
      default: state = .done
      }
    case .bang(let text):
      let text = text + [UInt8(truncatingIfNeeded: unit)]
      if text == Array("--".utf8) {
        state = .comment(dashes: 0, inSubset: false)
      } else if text == Array("DOCTYPE".utf8) {
        state = .doctype(quote: nil)
      } else if unit < 0x80
        && (Array("--".utf8).starts(with: text) || Array("DOCTYPE".utf8).starts(with: text))
      {
        state = .bang(text)
      } else {
        state = .done
      }
    case .comment(let dashes, let inSubset):
      if unit == 0x3E && dashes >= 2 {
        state = inSubset ? .subset : .prolog
      } else {
        state = .comment(dashes: unit == 0x2D ? dashes + 1 : 0, inSubset: inSubset)
      }
    case .processingInstruction(let question, let inSubset):
      if unit == 0x3E && question {
        state = inSubset ? .subset : .prolog
      } else {
        state = .processingInstruction(question: unit == 0x3F, inSubset: inSubset)
      }
    case .doctype(let quote):
      if let quote {
        state = .doctype(quote: unit == quote ? nil : quote)
      } else if unit == 0x22 || unit == 0x27 {
        state = .doctype(quote: unit)
      } else if unit == 0x5B {
        state = .subset
      } else if unit == 0x3E {
        state = .prolog
      }
    case .subset:
      if unit == 0x3C {
        state = .subsetMarkupStart
      } else if unit == 0x5D {
        state = .afterSubset
      }
    case .subsetMarkupStart:
      switch unit {
      case 0x21: state = .subsetBang([])
      case 0x3F: state = .processingInstruction(question: false, inSubset: true)
      default: state = .declaration(quote: nil)
      }
    case .subsetBang(let text):
      let text = text + [UInt8(truncatingIfNeeded: unit)]
      if text == Array("--".utf8) {
        state = .comment(dashes: 0, inSubset: true)
      } else if text == Array("ENTITY".utf8) {
        state = .entityName([])
      } else if unit < 0x80
        && (Array("--".utf8).starts(with: text) || Array("ENTITY".utf8).starts(with: text))
      {
        state = .subsetBang(text)
      } else {
        state = .declaration(quote: unit == 0x22 || unit == 0x27 ? unit : nil)
      }
    case .declaration(let quote):
      if let quote {
        state = .declaration(quote: unit == quote ? nil : quote)
      } else if unit == 0x22 || unit == 0x27 {
        state = .declaration(quote: unit)
      } else if unit == 0x3E {
        state = .subset
      }
    case .afterSubset:
      if unit == 0x3E { state = .prolog }
    case .entityName(let name):
      // Skip the spaces and the `%` of a parameter entity before the name.
      if name.isEmpty && (isSpace || unit == 0x25) { return }
      if isSpace || unit == 0x22 || unit == 0x27 || name.count >= 64 {
        reject(name)
      } else if unit < 0x80 || layout == .asciiCompatible {
        state = .entityName(name + [UInt8(truncatingIfNeeded: unit)])
      }
    case .done:
      break
    }
  }

  private mutating func reject(_ name: [UInt8]) {
    let entity =
      name.isEmpty ? "an entity" : "the entity '\(String(decoding: name, as: UTF8.self))'"
    violation = XMLSafetyViolation(
      line: markupLine, column: markupColumn,
      message: "the document type declaration declares \(entity). hire-etl rejects feeds that "
        + "declare entities, because expanding them can read local files (XXE) or use up memory "
        + "(billion laughs). Remove the <!ENTITY> declarations; for HTML names such as &nbsp; "
        + "set `html_entities: true` instead")
    state = .done
  }
}
