import CLibXML2

/// Reads text and positions out of libxml2 nodes.
enum XMLNodeText {
  @inline(__always)
  static func isText(_ node: xmlNodePtr) -> Bool {
    let type = node.pointee.type
    return type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE
  }

  /// Appends the node's XPath string-value to `buffer`. For an element or a document that is
  /// the text and CDATA of all its descendants in document order, for an attribute its value,
  /// and for text, a comment or a processing instruction its content.
  static func appendStringValue(_ node: xmlNodePtr, to buffer: ByteBuffer) {
    switch node.pointee.type {
    case XML_TEXT_NODE, XML_CDATA_SECTION_NODE, XML_COMMENT_NODE, XML_PI_NODE:
      appendContent(of: node, to: buffer)
    case XML_NAMESPACE_DECL:
      // A namespace node from an XPath result is an xmlNs, whose string-value is its URI.
      let namespace = UnsafeMutableRawPointer(node).assumingMemoryBound(to: xmlNs.self)
      if let href = namespace.pointee.href { appendCString(href, to: buffer) }
    default:
      appendDescendantText(of: node, to: buffer)
    }
  }

  /// Appends the text and CDATA below `node`, walking the subtree without recursion.
  private static func appendDescendantText(of node: xmlNodePtr, to buffer: ByteBuffer) {
    var current = node.pointee.children
    while let visited = current {
      if isText(visited) {
        appendContent(of: visited, to: buffer)
      } else if visited.pointee.type == XML_ELEMENT_NODE, let child = visited.pointee.children {
        current = child
        continue
      }
      // Move to the next node in document order that is still inside `node`.
      var climbing: xmlNodePtr? = visited
      current = nil
      while let step = climbing, step != node {
        if let next = step.pointee.next {
          current = next
          break
        }
        climbing = step.pointee.parent
      }
    }
  }

  @inline(__always)
  private static func appendContent(of node: xmlNodePtr, to buffer: ByteBuffer) {
    if let content = node.pointee.content { appendCString(content, to: buffer) }
  }

  @inline(__always)
  private static func appendCString(_ text: UnsafePointer<xmlChar>, to buffer: ByteBuffer) {
    buffer.append(UnsafeRawPointer(text), count: strlenXML(text))
  }

  @inline(__always)
  private static func strlenXML(_ text: UnsafePointer<xmlChar>) -> Int {
    Int(xmlStrlen(text))
  }

  /// Returns the line of the element's start tag.
  ///
  /// libxml2 keeps element lines up to 65,535 only. Past that, the line comes from the first
  /// text inside the element, whose exact line `XML_PARSE_BIG_LINES` keeps: libxml2 notes it
  /// after reading the text, so the text's own line breaks are taken off again.
  /// NOTE: past line 65,535 the line is exact when the element starts with white space, short
  /// text or an element. An element that starts with a comment gets the comment's last line.
  static func startLine(of node: xmlNodePtr) -> Int {
    let line = Int(node.pointee.line)
    guard line == Int(UInt16.max) else { return line }
    var child = node.pointee.children
    while let current = child {
      if isText(current), let content = current.pointee.content {
        return Int(xmlGetLineNo(current)) - newlineCount(content)
      }
      if current.pointee.type == XML_ELEMENT_NODE { return startLine(of: current) }
      child = current.pointee.next
    }
    return Int(xmlGetLineNo(node))
  }

  private static func newlineCount(_ text: UnsafePointer<xmlChar>) -> Int {
    var count = 0
    var index = 0
    while text[index] != 0 {
      if text[index] == 0x0A { count += 1 }
      index += 1
    }
    return count
  }
}
