/// One HTTP response, with a JSON body or none.
struct HTTPResponse: Sendable {
  var status: Int
  /// Headers beyond the ones every response gets (`Content-Type`, `Content-Length`, `Date`,
  /// `Connection`).
  var headers: [(name: String, value: String)] = []
  var body: [UInt8] = []
  /// Whether the server closes the connection after this response, whatever the client asked.
  var closesConnection = false

  /// The interim response to `Expect: 100-continue`.
  static let continueBytes = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

  static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
    var body: [UInt8] = []
    body.reserveCapacity(1024)
    JSONWriter.appendValue(value, to: &body)
    return HTTPResponse(status: status, body: body)
  }

  /// Returns an error response in the API's `Error` schema, `{"detail": "..."}`, with any `extra`
  /// members after `detail`.
  static func error(_ status: Int, _ detail: String, extra: JSONObject = JSONObject())
    -> HTTPResponse
  {
    var object: JSONObject = ["detail": .string(detail)]
    for (key, value) in zip(extra.keys, extra.values) { object.append(key: key, value: value) }
    return json(status, .object(object))
  }

  /// Returns the status line, headers and body, ready to send. `keepAlive` tells whether the
  /// client asked to keep the connection open, and `closesConnection` overrides it.
  func serialized(keepAlive: Bool, dateMilliseconds: Int64) -> [UInt8] {
    var head = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
    head += "Date: \(SandboxTimestamp.httpDate(milliseconds: dateMilliseconds))\r\n"
    // RFC 9110 section 8.6 forbids Content-Length in a 204 response.
    if status != 204 {
      head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
    }
    for header in headers { head += "\(header.name): \(header.value)\r\n" }
    if closesConnection || !keepAlive { head += "Connection: close\r\n" }
    head += "\r\n"
    var bytes = Array(head.utf8)
    bytes.append(contentsOf: body)
    return bytes
  }

  static func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 200: "OK"
    case 201: "Created"
    case 204: "No Content"
    case 400: "Bad Request"
    case 401: "Unauthorized"
    case 404: "Not Found"
    case 405: "Method Not Allowed"
    case 411: "Length Required"
    case 413: "Content Too Large"
    case 414: "URI Too Long"
    case 415: "Unsupported Media Type"
    case 417: "Expectation Failed"
    case 429: "Too Many Requests"
    case 431: "Request Header Fields Too Large"
    case 500: "Internal Server Error"
    case 503: "Service Unavailable"
    case 504: "Gateway Timeout"
    case 505: "HTTP Version Not Supported"
    default: "Unknown"
    }
  }
}
