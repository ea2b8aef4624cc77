/// Conversion of HTML fields, such as job descriptions, to plain text.
public enum HTMLText {
  /// Converts an HTML fragment or document to plain text.
  ///
  /// Tags are removed, and the contents of script, style, head and template elements are
  /// dropped. Source whitespace collapses to one space, except inside pre. Block elements
  /// end the line: p, headings, lists, table, blockquote, pre and hr leave a blank line,
  /// and br, li, div, section, article, tr and similar start a new line.
  /// Each li starts with "- ", indented by two spaces per enclosing list beyond the first.
  /// Inside a list, paragraphs start a new line only, and a block at the start of an item,
  /// as in `<li><p>`, stays on the line of the "- ". Table cells are separated by a space.
  ///
  /// Entities are decoded as in `decodeEntities`, and `&nbsp;` becomes U+00A0. Trailing
  /// whitespace and zero-width characters are removed from every line, blank lines are
  /// reduced to one in a row, and the result is trimmed with `TextTrim.trim`.
  ///
  /// A value without any tag is taken as plain text: its line breaks and spaces are kept,
  /// and only its entities are decoded and its lines cleaned up as above.
  public static func toPlainText(_ html: String) -> String {
    var html = html
    return html.withUTF8 { bytes in
      var converter = PlainTextConverter(input: bytes)
      converter.run()
      return converter.finish()
    }
  }
}

/// The single pass over the UTF-8 input of `HTMLText.toPlainText`.
private struct PlainTextConverter {
  let input: UnsafeBufferPointer<UInt8>
  var output: [UInt8] = []
  var index = 0

  /// Line breaks to write before the next text: 1 starts a new line, 2 leaves a blank line.
  var pendingBreaks = 0
  /// Whether a collapsed whitespace run is pending before the next text.
  var pendingSpace = false
  /// Whether the input contains no markup, so that its whitespace is kept.
  let isPlainText: Bool
  var preDepth = 0
  var listDepth = 0
  /// Whether the current line holds only the "- " of a list item so far.
  var lineHasOnlyMarker = false

  private enum Block {
    /// A new line, as after br or div.
    case line
    /// A blank line, as around p.
    case paragraph
  }

  init(input: UnsafeBufferPointer<UInt8>) {
    self.input = input
    self.isPlainText = !Self.containsTag(input)
    output.reserveCapacity(input.count)
  }

  mutating func run() {
    while index < input.count {
      let byte = input[index]

      if byte == UInt8(ascii: "<"), !isPlainText, let end = skipMarkup(at: index) {
        index = end
      } else if byte == UInt8(ascii: "&"),
        let reference = HTMLText.characterReference(in: input, at: index)
      {
        writeText(reference.text.utf8)
        index = reference.end
      } else if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
        handleLineEnd(byte)
      } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == 0x0C {
        if keepsWhitespace {
          writeText(byte)
        } else {
          pendingSpace = true
        }
        index += 1
      } else {
        writeText(byte)
        index += 1
      }
    }
  }

  /// Returns the output with trailing whitespace and zero-width characters removed from each
  /// line, at most one blank
  /// line in a row and no blank lines at either end, trimmed with `TextTrim.trim`.
  func finish() -> String {
    var result: [UInt8] = []
    result.reserveCapacity(output.count)
    var blankLinesBefore = false
    var lineStart = 0

    while lineStart <= output.count {
      let newline = output[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? output.count
      var lineEnd = newline
      while lineEnd > lineStart {
        let length = TextTrim.trimmableLength(endingAt: lineEnd, in: output, from: lineStart)
        guard length > 0 else { break }
        lineEnd -= length
      }

      if lineEnd == lineStart {
        blankLinesBefore = true
      } else {
        if !result.isEmpty {
          result.append(UInt8(ascii: "\n"))
          if blankLinesBefore {
            result.append(UInt8(ascii: "\n"))
          }
        }
        result.append(contentsOf: output[lineStart..<lineEnd])
        blankLinesBefore = false
      }
      lineStart = newline + 1
    }
    return TextTrim.trim(String(decoding: result, as: UTF8.self))
  }

  private var keepsWhitespace: Bool { isPlainText || preDepth > 0 }

  /// Handles CR, LF or CR LF at `index`, which is a line break in plain text and pre.
  private mutating func handleLineEnd(_ byte: UInt8) {
    index += 1
    if byte == UInt8(ascii: "\r"), index < input.count, input[index] == UInt8(ascii: "\n") {
      index += 1
    }
    if keepsWhitespace {
      writeText(UInt8(ascii: "\n"))
    } else {
      pendingSpace = true
    }
  }

  /// Writes the pending line breaks or space, then `text`. Neither is written at the start
  /// of the output.
  private mutating func writeText(_ text: some Collection<UInt8>) {
    writePending()
    output.append(contentsOf: text)
    lineHasOnlyMarker = false
  }

  private mutating func writeText(_ byte: UInt8) {
    if pendingBreaks > 0 || pendingSpace {
      writePending()
    }
    output.append(byte)
    lineHasOnlyMarker = false
  }

  private mutating func writePending() {
    if pendingBreaks > 0 {
      if !output.isEmpty {
        output.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: pendingBreaks))
      }
      pendingBreaks = 0
      pendingSpace = false
    } else if pendingSpace {
      if let last = output.last, last != UInt8(ascii: "\n"), last != UInt8(ascii: " ") {
        output.append(UInt8(ascii: " "))
      }
      pendingSpace = false
    }
  }

  /// Requests a line break before the next text. Inside a list a paragraph break becomes a
  /// line break, so that the items stay together.
  private mutating func requestBreak(_ block: Block) {
    guard !lineHasOnlyMarker else { return }
    let breaks = block == .paragraph && listDepth == 0 ? 2 : 1
    pendingBreaks = max(pendingBreaks, breaks)
  }

  // MARK: Markup

  /// Skips the tag, comment or declaration at `start` and applies its effect on layout.
  /// Returns the index after it, or nil when the `<` starts no markup and is text.
  private mutating func skipMarkup(at start: Int) -> Int? {
    guard Self.startsMarkup(input, at: start) else { return nil }
    let next = start + 1

    switch input[next] {
    case UInt8(ascii: "!"):
      if matches("!--", at: next) {
        return find("-->", from: next + 3).map { $0 + 3 } ?? input.count
      }
      return endOfTag(from: next + 1)
    case UInt8(ascii: "?"):
      return endOfTag(from: next + 1)
    case UInt8(ascii: "/"):
      let nameEnd = endOfName(from: next + 1)
      closeElement(tagName(next + 1..<nameEnd))
      return endOfTag(from: nameEnd)
    default:
      let nameEnd = endOfName(from: next)
      let name = tagName(next..<nameEnd)
      let end = endOfTag(from: nameEnd)
      if Self.droppedElements.contains(name) {
        return endOfDroppedContent(of: name, from: end)
      }
      openElement(name)
      return end
    }
  }

  private static let droppedElements: Set<String> = ["script", "style", "head", "template"]

  private static let paragraphElements: Set<String> = [
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "hr",
  ]

  private static let lineElements: Set<String> = [
    "div", "section", "article", "tr", "li", "header", "footer", "main", "nav", "aside",
    "figure", "figcaption", "address", "dl", "dt", "dd", "caption", "center", "form",
    "fieldset", "details", "summary",
  ]

  private mutating func openElement(_ name: String) {
    switch name {
    case "br":
      // Unlike other blocks, each br adds a line break, so that <br><br> leaves a blank line.
      if !lineHasOnlyMarker {
        pendingBreaks = min(pendingBreaks + 1, 2)
      }
    case "ul", "ol":
      lineHasOnlyMarker = false
      requestBreak(.paragraph)
      listDepth += 1
    case "li":
      lineHasOnlyMarker = false
      requestBreak(.line)
      let indent = repeatElement(UInt8(ascii: " "), count: 2 * max(listDepth - 1, 0))
      writeText(indent + [UInt8(ascii: "-"), UInt8(ascii: " ")])
      lineHasOnlyMarker = true
    case "td", "th":
      pendingSpace = true
    case "pre":
      preDepth += 1
      requestBreak(.paragraph)
    case _ where Self.paragraphElements.contains(name):
      requestBreak(.paragraph)
    case _ where Self.lineElements.contains(name):
      requestBreak(.line)
    default:
      break
    }
  }

  private mutating func closeElement(_ name: String) {
    switch name {
    case "ul", "ol":
      lineHasOnlyMarker = false
      listDepth = max(listDepth - 1, 0)
      requestBreak(.paragraph)
    case "td", "th":
      pendingSpace = true
    case "pre":
      preDepth = max(preDepth - 1, 0)
      requestBreak(.paragraph)
    case _ where Self.paragraphElements.contains(name):
      requestBreak(.paragraph)
    case _ where Self.lineElements.contains(name):
      requestBreak(.line)
    default:
      break
    }
  }

  /// Returns the index after the `>` that ends the tag, skipping quoted attribute values.
  /// A tag left open at the end of the input runs to the end, as in browsers.
  private func endOfTag(from start: Int) -> Int {
    var index = start
    while index < input.count {
      let byte = input[index]
      if byte == UInt8(ascii: ">") {
        return index + 1
      }
      if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
        guard let closingQuote = input[(index + 1)...].firstIndex(of: byte) else {
          return input.count
        }
        index = closingQuote + 1
      } else {
        index += 1
      }
    }
    return input.count
  }

  /// Returns the index after the closing tag of a dropped element such as script, or the end
  /// of the input when it has none.
  private func endOfDroppedContent(of name: String, from start: Int) -> Int {
    var index = start
    while let closing = find("</", from: index) {
      let nameStart = closing + 2
      let nameEnd = endOfName(from: nameStart)
      if tagName(nameStart..<nameEnd) == name {
        return endOfTag(from: nameEnd)
      }
      index = nameStart
    }
    return input.count
  }

  private func endOfName(from start: Int) -> Int {
    var index = start
    while index < input.count,
      HTMLText.isASCIIAlphanumeric(input[index]) || input[index] == UInt8(ascii: "-")
        || input[index] == UInt8(ascii: ":")
    {
      index += 1
    }
    return index
  }

  /// Returns the lowercased tag name in `range`. A name of more than 10 bytes, which no
  /// element with a layout effect has, returns "" without building a string.
  private func tagName(_ range: Range<Int>) -> String {
    guard range.count <= 10 else { return "" }
    return String(unsafeUninitializedCapacity: range.count) { buffer in
      for (offset, byte) in input[range].enumerated() {
        let isUppercase = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
        buffer[offset] = isUppercase ? byte | 0x20 : byte
      }
      return range.count
    }
  }

  private func matches(_ literal: String, at start: Int) -> Bool {
    let literal = literal.utf8
    guard start + literal.count <= input.count else { return false }
    return zip(input[start...], literal).allSatisfy { $0 == $1 }
  }

  private func find(_ literal: String, from start: Int) -> Int? {
    var index = start
    while index < input.count {
      if matches(literal, at: index) {
        return index
      }
      index += 1
    }
    return nil
  }

  /// Returns whether the `<` at `open` starts markup: a letter or `/` and a letter for a tag,
  /// `!` for a comment or declaration, `?` for a processing instruction. Otherwise it is text.
  private static func startsMarkup(_ input: UnsafeBufferPointer<UInt8>, at open: Int) -> Bool {
    guard open + 1 < input.count else { return false }
    switch input[open + 1] {
    case UInt8(ascii: "!"), UInt8(ascii: "?"):
      return true
    case UInt8(ascii: "/"):
      return open + 2 < input.count && isASCIILetter(input[open + 2])
    case let byte:
      return isASCIILetter(byte)
    }
  }

  private static func isASCIILetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
  }

  /// Returns whether `input` contains any markup.
  private static func containsTag(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
    var index = 0
    while let open = input[index...].firstIndex(of: UInt8(ascii: "<")) {
      if startsMarkup(input, at: open) {
        return true
      }
      index = open + 1
    }
    return false
  }
}
