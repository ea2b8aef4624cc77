/// The request line and headers of one HTTP/1.x request, with the body length and connection
/// options that the headers set.
struct HTTPRequestHead: Equatable, Sendable {
  var method: String
  /// The request target as sent, such as `/api/v2/candidates?limit=10`.
  var target: String
  /// The target up to `?`, not percent-decoded.
  var path: String
  /// The target after `?`, empty when there is none.
  var query: String
  /// Header names in lowercase, with values trimmed, in the order sent.
  var headers: [(name: String, value: String)]
  var contentLength: Int
  /// Whether the client sent `Expect: 100-continue` and waits before sending the body.
  var expectsContinue: Bool
  /// Whether the connection stays open after the response: the HTTP/1.1 default unless the
  /// client sent `Connection: close`, and for HTTP/1.0 only with `Connection: keep-alive`.
  var keepAlive: Bool

  /// The value of the first header named `name`, which must be lowercase.
  func header(_ name: String) -> String? {
    headers.first { $0.name == name }?.value
  }

  static func == (left: HTTPRequestHead, right: HTTPRequestHead) -> Bool {
    left.method == right.method && left.target == right.target
      && left.headers.map(\.name) == right.headers.map(\.name)
      && left.headers.map(\.value) == right.headers.map(\.value)
      && left.contentLength == right.contentLength && left.expectsContinue == right.expectsContinue
      && left.keepAlive == right.keepAlive
  }
}

/// A request with its whole body.
struct HTTPRequest: Sendable {
  var head: HTTPRequestHead
  var body: [UInt8]
}

/// A request that cannot be read, with the status code to respond with. The server closes the
/// connection after the response, because the next request's start is unknown.
struct HTTPRequestError: Error, Equatable, Sendable {
  var status: Int
  var message: String
}

/// Size limits on one request.
struct HTTPRequestLimits: Sendable {
  /// Maximum bytes of the request line and headers together, including line ends.
  var maximumHeadBytes = 16 * 1024
  var maximumHeaderCount = 100
  var maximumBodyBytes = 1024 * 1024
}

/// Parser of HTTP/1.x request heads (RFC 9112). Lines may end with CRLF or a bare LF.
enum HTTPRequestParser {
  /// Parses the head at the start of `bytes`. Returns nil when the empty line that ends it has
  /// not arrived yet, else the head and its length in bytes, empty line included.
  static func parseHead(
    _ bytes: ArraySlice<UInt8>, limits: HTTPRequestLimits
  ) throws(HTTPRequestError) -> (head: HTTPRequestHead, length: Int)? {
    var lines: [ArraySlice<UInt8>] = []
    var lineStart = bytes.startIndex
    var index = bytes.startIndex
    while index < bytes.endIndex {
      if index - bytes.startIndex >= limits.maximumHeadBytes { break }
      if bytes[index] == UInt8(ascii: "\n") {
        var line = bytes[lineStart..<index]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        lineStart = index + 1
        // Empty lines before the request line are skipped, as RFC 9112 section 2.2 allows.
        if line.isEmpty && !lines.isEmpty {
          let head = try parseLines(lines, limits: limits)
          return (head, lineStart - bytes.startIndex)
        }
        if !line.isEmpty { lines.append(line) }
        if lines.count > limits.maximumHeaderCount + 1 {
          throw HTTPRequestError(
            status: 431, message: "the request has more than \(limits.maximumHeaderCount) headers")
        }
      }
      index += 1
    }
    if bytes.count >= limits.maximumHeadBytes {
      if lines.isEmpty {
        throw HTTPRequestError(
          status: 414,
          message: "the request line is longer than \(limits.maximumHeadBytes) bytes")
      }
      throw HTTPRequestError(
        status: 431, message: "the request headers are longer than \(limits.maximumHeadBytes) bytes"
      )
    }
    return nil
  }

  private static func parseLines(
    _ lines: [ArraySlice<UInt8>], limits: HTTPRequestLimits
  ) throws(HTTPRequestError) -> HTTPRequestHead {
    let (method, target, minorVersion) = try parseRequestLine(lines[0])
    var headers: [(name: String, value: String)] = []
    for line in lines.dropFirst() {
      headers.append(try parseHeader(line))
    }
    let (path, query) = try splitTarget(target)
    var head = HTTPRequestHead(
      method: method, target: target, path: path, query: query, headers: headers,
      contentLength: 0, expectsContinue: false, keepAlive: minorVersion == 1)
    try applyHeaders(to: &head, minorVersion: minorVersion, limits: limits)
    return head
  }

  private static func parseRequestLine(
    _ line: ArraySlice<UInt8>
  ) throws(HTTPRequestError) -> (String, String, Int) {
    let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
    guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte),
      !parts[1].isEmpty, parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
    else {
      throw HTTPRequestError(
        status: 400, message: "the request line is not 'METHOD TARGET HTTP/1.1'")
    }
    let version = String(decoding: parts[2], as: UTF8.self)
    let minorVersion: Int
    switch version {
    case "HTTP/1.1": minorVersion = 1
    case "HTTP/1.0": minorVersion = 0
    default:
      if version.hasPrefix("HTTP/") {
        throw HTTPRequestError(
          status: 505, message: "HTTP version '\(version)' is not supported; use HTTP/1.1")
      }
      throw HTTPRequestError(
        status: 400, message: "the request line is not 'METHOD TARGET HTTP/1.1'")
    }
    return (
      String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self),
      minorVersion
    )
  }

  private static func parseHeader(
    _ line: ArraySlice<UInt8>
  ) throws(HTTPRequestError) -> (name: String, value: String) {
    if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
      throw HTTPRequestError(
        status: 400, message: "header lines folded onto the next line are not supported")
    }
    guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
      line[..<colon].allSatisfy(isTokenByte)
    else {
      throw HTTPRequestError(status: 400, message: "a header line is not 'Name: value'")
    }
    var value = line[(colon + 1)...]
    while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
    while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
    if value.contains(where: { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F }) {
      throw HTTPRequestError(status: 400, message: "a header value contains a control character")
    }
    return (
      String(decoding: line[..<colon], as: UTF8.self).lowercased(),
      String(decoding: value, as: UTF8.self)
    )
  }

  /// Splits an origin-form target at `?`. An absolute-form target (`http://host/path`) is
  /// reduced to its path and query, as RFC 9112 section 3.2.2 requires servers to accept.
  private static func splitTarget(_ target: String) throws(HTTPRequestError) -> (String, String) {
    var pathAndQuery = Substring(target)
    if !target.hasPrefix("/") {
      guard target.lowercased().hasPrefix("http://") else {
        throw HTTPRequestError(
          status: 400, message: "the request target '\(target)' does not start with '/'")
      }
      let authorityAndPath = target.dropFirst("http://".count)
      pathAndQuery = authorityAndPath.firstIndex(of: "/").map { authorityAndPath[$0...] } ?? "/"
    }
    guard let mark = pathAndQuery.firstIndex(of: "?") else { return (String(pathAndQuery), "") }
    return (
      String(pathAndQuery[..<mark]), String(pathAndQuery[pathAndQuery.index(after: mark)...])
    )
  }

  private static func applyHeaders(
    to head: inout HTTPRequestHead, minorVersion: Int, limits: HTTPRequestLimits
  ) throws(HTTPRequestError) {
    let hosts = head.headers.filter { $0.name == "host" }
    if minorVersion == 1 && hosts.count != 1 {
      throw HTTPRequestError(
        status: 400,
        message: hosts.isEmpty
          ? "the Host header is missing" : "the Host header is sent more than once")
    }
    if let encoding = head.header("transfer-encoding") {
      throw HTTPRequestError(
        status: 411,
        message: "request bodies with 'Transfer-Encoding: \(encoding)' are not supported; "
          + "send the body with a Content-Length header")
    }
    head.contentLength = try contentLength(head.headers, limits: limits)
    if head.header("content-length") == nil && ["POST", "PATCH", "PUT"].contains(head.method) {
      throw HTTPRequestError(
        status: 411, message: "a \(head.method) request needs a Content-Length header")
    }
    for header in head.headers where header.name == "connection" {
      let options = header.value.lowercased().split(separator: ",").map {
        String($0).trimmingSpaces()
      }
      if options.contains("close") { head.keepAlive = false }
      if options.contains("keep-alive") && minorVersion == 0 { head.keepAlive = true }
    }
    if let expectation = head.header("expect") {
      guard expectation.lowercased() == "100-continue" else {
        throw HTTPRequestError(
          status: 417, message: "the expectation '\(expectation)' is not supported")
      }
      head.expectsContinue = minorVersion == 1
    }
  }

  /// Returns the body length from Content-Length, 0 without one. Repeated equal values are
  /// accepted.
  private static func contentLength(
    _ headers: [(name: String, value: String)], limits: HTTPRequestLimits
  ) throws(HTTPRequestError) -> Int {
    var length: Int?
    for header in headers where header.name == "content-length" {
      for part in header.value.split(separator: ",", omittingEmptySubsequences: false) {
        let text = String(part).trimmingSpaces()
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
          let value = Int(text)
        else {
          throw HTTPRequestError(
            status: 400, message: "Content-Length '\(header.value)' is not a number of bytes")
        }
        if let length, length != value {
          throw HTTPRequestError(
            status: 400, message: "the request has two different Content-Length values")
        }
        length = value
      }
    }
    if let length, length > limits.maximumBodyBytes {
      throw HTTPRequestError(
        status: 413,
        message: "the request body of \(length) bytes is larger than the maximum of "
          + "\(limits.maximumBodyBytes) bytes")
    }
    return length ?? 0
  }

  /// The token characters of RFC 9110 section 5.6.2, which method and header names use.
  private static func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      return true
    default:
      return "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
  }
}
