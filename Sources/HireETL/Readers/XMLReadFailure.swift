import CLibXML2

/// Finds the record elements in the tree that libxml2 had built when a read stopped: the
/// complete ones not yet returned, and the first incomplete one, which contains the error.
///
/// libxml2 parses ahead of the records the reader has returned, so a fatal error can come
/// while complete records still wait in the tree. The reader frees each record once it moves
/// past it, so the tree holds only the records not yet returned, and the one returned last
/// while the reader is still on it.
struct XMLTreeWalk {
  let record: XMLRecordPath
  /// The record returned last, when the reader had not moved past it yet.
  var alreadyReturned: xmlNodePtr?
  /// The elements whose end tag libxml2 had not read; nil when unknown.
  var openElements: Set<xmlNodePtr>?
  private(set) var complete: [xmlNodePtr] = []
  private(set) var incomplete: xmlNodePtr?

  init(record: XMLRecordPath) {
    self.record = record
  }

  /// Returns the open elements, from the deepest one up to the root.
  static func openElements(from deepest: xmlNodePtr?) -> Set<xmlNodePtr> {
    var open = Set<xmlNodePtr>()
    var current = deepest
    while let element = current, element.pointee.type == XML_ELEMENT_NODE {
      open.insert(element)
      current = element.pointee.parent
    }
    return open
  }

  mutating func run(_ document: xmlDocPtr) {
    guard let root = xmlDocGetRootElement(document) else { return }
    var ancestors: [xmlNodePtr] = []
    _ = visit(root, depth: 0, ancestors: &ancestors)
  }

  /// Visits an element; returns false once the incomplete record is found, which ends the walk.
  private mutating func visit(_ node: xmlNodePtr, depth: Int, ancestors: inout [xmlNodePtr]) -> Bool
  {
    switch record.decide(node, depth: depth, ancestors: ancestors) {
    case .skip:
      return true
    case .record:
      if node == alreadyReturned { return true }
      if isComplete(node) {
        complete.append(node)
        return true
      }
      incomplete = node
      return false
    case .descend:
      ancestors.append(node)
      defer { ancestors.removeLast() }
      var child = node.pointee.children
      while let current = child {
        if current.pointee.type == XML_ELEMENT_NODE
          && !visit(current, depth: depth + 1, ancestors: &ancestors)
        {
          return false
        }
        child = current.pointee.next
      }
      return true
    }
  }

  /// Returns whether the element's end tag was parsed. When libxml2 did not report the open
  /// elements, an element counts as complete if something follows it or one of its ancestors.
  func isComplete(_ node: xmlNodePtr) -> Bool {
    if let openElements { return !openElements.contains(node) }
    var current: xmlNodePtr? = node
    while let element = current, element.pointee.type == XML_ELEMENT_NODE {
      if element.pointee.next != nil { return true }
      current = element.pointee.parent
    }
    return false
  }
}

/// The advice that ends a failure message: why reading stopped and which setting helps.
enum XMLFailureHint {
  static func text(for error: XMLLibraryError, options: XMLReaderOptions) -> String {
    let message = error.message.lowercased()
    let stopped = "reading stopped there because the feed is not well-formed XML"
    if error.hasCode(XML_ERR_UNDECLARED_ENTITY) || error.hasCode(XML_WAR_UNDECLARED_ENTITY) {
      if !options.htmlEntities, let name = entityName(in: error.message),
        HTMLText.namedEntities[name] != nil
      {
        return
          "\(stopped); it uses the HTML entity &\(name);, so set `html_entities: true` to read "
          + "HTML entities as the characters they name"
      }
      return "\(stopped); XML defines only &lt; &gt; &amp; &apos; and &quot;"
    }
    if message.contains("huge") {
      return options.huge
        ? "\(stopped)"
        : "a text is longer than libxml2's limit of 10,000,000 bytes; set `huge: true` to read it"
    }
    if message.contains("encoding") || message.contains("not proper utf-8") {
      return "the bytes do not match the encoding the feed declares; set `encoding:` to the "
        + "file's real encoding, such as windows-1252"
    }
    let badCharacter =
      error.hasCode(XML_ERR_INVALID_CHAR) || error.hasCode(XML_ERR_INVALID_CHARREF)
      || message.contains("char value") || message.contains("out of allowed range")
    if badCharacter && !options.stripControlCharacters {
      return "\(stopped); it contains a character that XML does not allow, such as a control "
        + "character, so set `strip_control_chars: true` to drop such characters"
    }
    return stopped
  }

  /// Returns the name in libxml2's "Entity 'nbsp' not defined".
  private static func entityName(in message: String) -> String? {
    guard let open = message.firstIndex(of: "'") else { return nil }
    let rest = message[message.index(after: open)...]
    guard let close = rest.firstIndex(of: "'") else { return nil }
    return String(rest[..<close])
  }
}
