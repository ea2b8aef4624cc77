import CLibXML2

/// A mistake in a `record:` or `fields:` path, found before anything is read.
public struct XMLPathError: Error, Equatable, Sendable {
  public var message: String

  public init(_ message: String) {
    self.message = message
  }
}

/// A name test in a `record:` or `fields:` path: a local name (or `*` for any) in one
/// namespace, in no namespace, or in any namespace.
///
/// The forms are `name` (no namespace, as in XPath 1.0), `prefix:name` with the prefix from
/// `namespaces:`, `{uri}name` (Clark notation), `{*}name` (any namespace) and `*`.
struct XMLName: Equatable, Sendable, CustomStringConvertible {
  enum Namespace: Equatable, Sendable {
    case none
    case any
    case uri(String)
  }

  /// The local name, nil for `*`.
  let local: String?
  let namespace: Namespace
  /// `local` and the namespace URI as NUL-terminated bytes, for comparing with libxml2's names.
  private let localBytes: [UInt8]?
  private let uriBytes: [UInt8]?

  static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

  init(local: String?, namespace: Namespace) {
    self.local = local
    self.namespace = namespace
    localBytes = local.map { Array($0.utf8) + [0] }
    if case .uri(let uri) = namespace { uriBytes = Array(uri.utf8) + [0] } else { uriBytes = nil }
  }

  /// Parses one name test; `namespaces` maps prefixes to URIs.
  static func parse(_ text: Substring, namespaces: [String: String]) throws(XMLPathError) -> XMLName
  {
    if text == "*" { return XMLName(local: nil, namespace: .any) }
    if text.first == "{" {
      guard let close = text.firstIndex(of: "}") else {
        throw XMLPathError("'\(text)' has no closing brace; write a namespace as {uri}name")
      }
      let uri = String(text[text.index(after: text.startIndex)..<close])
      let local = try localName(text[text.index(after: close)...], in: text)
      let namespace: Namespace = uri == "*" ? .any : (uri.isEmpty ? .none : .uri(uri))
      return XMLName(local: local, namespace: namespace)
    }
    if let colon = text.firstIndex(of: ":") {
      let prefix = String(text[..<colon])
      let local = try localName(text[text.index(after: colon)...], in: text)
      guard let uri = prefix == "xml" ? xmlNamespace : namespaces[prefix] else {
        throw XMLPathError(
          "the prefix '\(prefix)' in '\(text)' is not declared; add it under `namespaces:` "
            + "(prefix: uri), or write {uri}\(local ?? "*")")
      }
      return XMLName(local: local, namespace: .uri(uri))
    }
    return XMLName(local: try localName(text, in: text), namespace: .none)
  }

  /// Checks a local name; `*` gives nil.
  private static func localName(_ text: Substring, in whole: Substring) throws(XMLPathError)
    -> String?
  {
    if text == "*" { return nil }
    guard isName(text) else {
      throw XMLPathError("'\(whole)' is not an element or attribute name")
    }
    return String(text)
  }

  /// Returns whether `text` can be an XML name without a prefix: no markup or path characters,
  /// and no digit, `-` or `.` first.
  static func isName(_ text: Substring) -> Bool {
    guard let first = text.unicodeScalars.first else { return false }
    if first.properties.numericType != nil || first == "-" || first == "." { return false }
    return text.unicodeScalars.allSatisfy { scalar in
      scalar.value >= 0x80 || scalar == "_" || scalar == "-" || scalar == "."
        || (scalar.properties.isAlphabetic || scalar.properties.numericType != nil)
    }
  }

  /// Returns whether an element or attribute with this local name and namespace URI passes.
  @inline(__always)
  func matches(name: UnsafePointer<xmlChar>?, namespace href: UnsafePointer<xmlChar>?) -> Bool {
    if let localBytes {
      guard let name, Self.equal(name, localBytes) else { return false }
    }
    switch namespace {
    case .any:
      return true
    case .none:
      return href == nil || href!.pointee == 0
    case .uri:
      guard let href else { return false }
      return Self.equal(href, uriBytes!)
    }
  }

  @inline(__always)
  func matches(_ node: xmlNodePtr) -> Bool {
    matches(name: node.pointee.name, namespace: node.pointee.ns?.pointee.href)
  }

  /// Compares a C string with NUL-terminated bytes.
  @inline(__always)
  private static func equal(_ text: UnsafePointer<xmlChar>, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { expected in
      var index = 0
      while true {
        let byte = text[index]
        if byte != expected[index] { return false }
        if byte == 0 { return true }
        index += 1
      }
    }
  }

  var description: String {
    let name = local ?? "*"
    switch namespace {
    case .none: return name
    case .any: return "{*}\(name)"
    case .uri(let uri): return "{\(uri)}\(name)"
    }
  }

  /// Returns the node's name as messages show it: `<job>`, or `<{uri}job>` in a namespace.
  static func describe(_ node: xmlNodePtr) -> String {
    let local = node.pointee.name.map { String(cString: $0) } ?? "?"
    if let href = node.pointee.ns?.pointee.href, href.pointee != 0 {
      return "<{\(String(cString: href))}\(local)>"
    }
    return "<\(local)>"
  }
}

/// Splits a path at the slashes outside `{...}`, keeping empty parts, so `//` shows up as one.
func splitXMLPath(_ text: Substring) -> [Substring] {
  var parts: [Substring] = []
  var start = text.startIndex
  var index = text.startIndex
  var inBraces = false
  while index < text.endIndex {
    let character = text[index]
    if character == "{" {
      inBraces = true
    } else if character == "}" {
      inBraces = false
    } else if character == "/" && !inBraces {
      parts.append(text[start..<index])
      start = text.index(after: index)
    }
    index = text.index(after: index)
  }
  parts.append(text[start...])
  return parts
}
