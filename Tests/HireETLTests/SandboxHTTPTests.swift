import Dispatch
import Glibc
import Synchronization
import Testing

@testable import HireETL

// MARK: - Test client

/// A response as the test client read it off the wire.
struct SandboxTestResponse {
  var status: Int
  /// Header names in lowercase, in the order received.
  var headers: [(name: String, value: String)]
  var body: [UInt8]

  func header(_ name: String) -> String? {
    headers.first { $0.name == name.lowercased() }?.value
  }

  var text: String { String(decoding: body, as: UTF8.self) }

  /// The body as a JSON object, nil when it is not one.
  var object: JSONObject? {
    guard case .object(let object)? = try? JSONParser.parse(body) else { return nil }
    return object
  }

  /// The `detail` member of an error body.
  var detail: String? {
    guard case .string(let detail)? = object?["detail"] else { return nil }
    return detail
  }
}

enum SandboxTestError: Error, Equatable {
  /// The server closed the connection before a whole response arrived.
  case closedWithoutResponse
  case timedOut
  case malformedResponse(String)
}

/// A minimal HTTP/1.1 client over one keep-alive connection to 127.0.0.1, which reconnects when
/// the server has closed the connection. Every wait is bounded by `timeout`.
final class SandboxTestClient {
  let port: Int
  let apiKey: String
  var timeout = 10.0
  private var socket: StreamSocket?
  private var buffer: [UInt8] = []
  /// How many times the client connected, to check that keep-alive reused a connection.
  private(set) var connectionCount = 0

  init(port: Int, apiKey: String = SandboxConfiguration.developmentAPIKey) {
    self.port = port
    self.apiKey = apiKey
  }

  convenience init(_ server: SandboxServer) {
    self.init(port: server.port, apiKey: server.apiKey)
  }

  deinit {
    socket?.close()
  }

  /// Sends a request to `target` (a path such as `/api/v2/openings`) and reads the response.
  /// The API key goes along unless `authorized` is false.
  func request(
    _ method: String, _ target: String, body: String? = nil, authorized: Bool = true,
    headers: [(String, String)] = []
  ) throws -> SandboxTestResponse {
    var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
    if authorized { text += "Authorization: ApiKey \(apiKey)\r\n" }
    for (name, value) in headers { text += "\(name): \(value)\r\n" }
    if let body {
      if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
        text += "Content-Type: application/json\r\n"
      }
      text += "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
    } else {
      text += "\r\n"
    }
    try sendRaw(text)
    return try readResponse(toHead: method == "HEAD")
  }

  /// Sends the bytes of `text` as they are, connecting first when needed.
  func sendRaw(_ text: String) throws {
    if socket == nil {
      socket = try StreamSocket.connect(loopbackPort: port)
      buffer.removeAll()
      connectionCount += 1
    }
    guard socket!.send(Array(text.utf8)) else {
      close()
      throw SandboxTestError.closedWithoutResponse
    }
  }

  /// Reads one final response, skipping `100 Continue`.
  func readResponse(toHead: Bool = false) throws -> SandboxTestResponse {
    let deadline = monotonicSeconds() + timeout
    while true {
      let (status, headers, headLength) = try readHead(deadline: deadline)
      if status == 100 {
        buffer.removeFirst(headLength)
        continue
      }
      let length =
        (toHead || status == 204)
        ? 0 : Int(headers.first { $0.name == "content-length" }?.value ?? "0") ?? 0
      while buffer.count < headLength + length { try receive(deadline: deadline) }
      let body = Array(buffer[headLength..<(headLength + length)])
      buffer.removeFirst(headLength + length)
      if headers.contains(where: { $0.name == "connection" && $0.value.lowercased() == "close" }) {
        close()
      }
      return SandboxTestResponse(status: status, headers: headers, body: body)
    }
  }

  /// Reads the head of an interim (1xx) response, which has no body, and returns its status.
  func readInterimStatus() throws -> Int {
    let (status, _, headLength) = try readHead(deadline: monotonicSeconds() + timeout)
    buffer.removeFirst(headLength)
    return status
  }

  /// Waits until the server closes the connection, returning any bytes sent before that.
  func readUntilClosed() throws -> [UInt8] {
    let deadline = monotonicSeconds() + timeout
    while socket != nil {
      do {
        try receive(deadline: deadline)
      } catch SandboxTestError.closedWithoutResponse {
        break
      }
    }
    defer { buffer.removeAll() }
    return buffer
  }

  func close() {
    socket?.close()
    socket = nil
  }

  private func readHead(
    deadline: Double
  ) throws -> (Int, [(name: String, value: String)], Int) {
    while true {
      if let end = findBlankLine() {
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", let status = Int(statusParts[1])
        else { throw SandboxTestError.malformedResponse(String(lines[0])) }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() where !line.isEmpty {
          guard let colon = line.firstIndex(of: ":") else {
            throw SandboxTestError.malformedResponse(String(line))
          }
          let value = line[line.index(after: colon)...].drop { $0 == " " }
          headers.append((line[..<colon].lowercased(), String(value)))
        }
        return (status, headers, end + 4)
      }
      try receive(deadline: deadline)
    }
  }

  private func findBlankLine() -> Int? {
    guard buffer.count >= 4 else { return nil }
    for index in 0...(buffer.count - 4)
    where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13
      && buffer[index + 3] == 10
    {
      return index
    }
    return nil
  }

  private func receive(deadline: Double) throws {
    guard let socket else { throw SandboxTestError.closedWithoutResponse }
    let remaining = deadline - monotonicSeconds()
    guard remaining > 0, socket.waitReadable(milliseconds: Int32(remaining * 1000)) else {
      throw SandboxTestError.timedOut
    }
    var chunk = [UInt8](repeating: 0, count: 16 * 1024)
    let result = chunk.withUnsafeMutableBytes { socket.receive(into: $0) }
    guard case .bytes(let count) = result else {
      close()
      throw SandboxTestError.closedWithoutResponse
    }
    buffer.append(contentsOf: chunk[..<count])
  }
}

/// Starts a sandbox on a free port of 127.0.0.1 with the given settings.
func startTestSandbox(
  seed: Int? = nil, _ configure: (inout SandboxConfiguration) -> Void = { _ in }
) throws -> SandboxServer {
  var configuration = SandboxConfiguration()
  configuration.port = 0
  configuration.seed = seed
  configure(&configuration)
  return try SandboxServer(configuration)
}

/// Returns `/api/v2` followed by `path`.
func api(_ path: String) -> String {
  SandboxConfiguration.basePath + path
}

/// Returns a path for a scratch file that does not exist yet, in the system's temporary folder.
func temporarySandboxPath(_ name: String) -> String {
  let path = "/tmp/hire-etl-sandbox-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)"
  unlink(path)
  return path
}

// MARK: - Request parsing

struct SandboxHTTPParserTests {
  private func parse(_ text: String, limits: HTTPRequestLimits = HTTPRequestLimits())
    throws(HTTPRequestError) -> (head: HTTPRequestHead, length: Int)?
  {
    try HTTPRequestParser.parseHead(Array(text.utf8)[...], limits: limits)
  }

  @Test func parsesRequestLineAndHeaders() throws {
    let text = "GET /api/v2/openings?limit=5 HTTP/1.1\r\nHost: x\r\nX-Test:  a b \r\n\r\nrest"
    let parsed = try #require(try parse(text))
    #expect(parsed.head.method == "GET")
    #expect(parsed.head.path == "/api/v2/openings")
    #expect(parsed.head.query == "limit=5")
    #expect(parsed.head.header("x-test") == "a b")
    #expect(parsed.head.keepAlive)
    #expect(parsed.length == text.utf8.count - 4)
  }

  @Test func incompleteHeadReturnsNil() throws {
    #expect(try parse("GET / HTTP/1.1\r\nHost: x\r\n") == nil)
  }

  @Test func bareLineFeedsAndLeadingBlankLines() throws {
    let parsed = try #require(try parse("\r\nGET /a HTTP/1.1\nHost: x\n\n"))
    #expect(parsed.head.path == "/a")
  }

  @Test func absoluteFormTargetKeepsPathAndQuery() throws {
    let parsed = try #require(
      try parse("GET http://127.0.0.1:9/api/v2/todos?x=1 HTTP/1.1\r\nHost: x\r\n\r\n"))
    #expect(parsed.head.path == "/api/v2/todos")
    #expect(parsed.head.query == "x=1")
  }

  @Test func connectionHeaderSetsKeepAlive() throws {
    let closing = try #require(try parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
    #expect(!closing.head.keepAlive)
    let old = try #require(try parse("GET / HTTP/1.0\r\n\r\n"))
    #expect(!old.head.keepAlive)
    let oldKept = try #require(try parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"))
    #expect(oldKept.head.keepAlive)
  }

  @Test func expectContinueIsRecognized() throws {
    let text = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-Continue\r\n\r\n"
    let parsed = try #require(try parse(text))
    #expect(parsed.head.expectsContinue)
    #expect(parsed.head.contentLength == 2)
  }

  struct RejectCase: Sendable, CustomTestStringConvertible {
    var name: String
    var request: String
    var status: Int
    var message: String
    var testDescription: String { name }
  }

  static let rejectCases: [RejectCase] = [
    RejectCase(
      name: "chunked body",
      request: "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
      status: 411,
      message:
        "request bodies with 'Transfer-Encoding: chunked' are not supported; send the body with a Content-Length header"
    ),
    RejectCase(
      name: "POST without length", request: "POST /a HTTP/1.1\r\nHost: x\r\n\r\n", status: 411,
      message: "a POST request needs a Content-Length header"),
    RejectCase(
      name: "missing Host", request: "GET /a HTTP/1.1\r\n\r\n", status: 400,
      message: "the Host header is missing"),
    RejectCase(
      name: "two Host headers", request: "GET /a HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      status: 400,
      message: "the Host header is sent more than once"),
    RejectCase(
      name: "HTTP/2.0", request: "GET /a HTTP/2.0\r\n\r\n", status: 505,
      message: "HTTP version 'HTTP/2.0' is not supported; use HTTP/1.1"),
    RejectCase(
      name: "garbage request line", request: "hello\r\n\r\n", status: 400,
      message: "the request line is not 'METHOD TARGET HTTP/1.1'"),
    RejectCase(
      name: "relative target", request: "GET api HTTP/1.1\r\nHost: x\r\n\r\n", status: 400,
      message: "the request target 'api' does not start with '/'"),
    RejectCase(
      name: "folded header", request: "GET /a HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", status: 400,
      message: "header lines folded onto the next line are not supported"),
    RejectCase(
      name: "space before colon", request: "GET /a HTTP/1.1\r\nHost : x\r\n\r\n", status: 400,
      message: "a header line is not 'Name: value'"),
    RejectCase(
      name: "bad length", request: "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
      status: 400, message: "Content-Length '-1' is not a number of bytes"),
    RejectCase(
      name: "two lengths",
      request: "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      status: 400, message: "the request has two different Content-Length values"),
    RejectCase(
      name: "body too large",
      request: "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n",
      status: 413,
      message: "the request body of 2000000 bytes is larger than the maximum of 1048576 bytes"),
    RejectCase(
      name: "unknown expectation", request: "GET /a HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n",
      status: 417, message: "the expectation 'magic' is not supported"),
  ]

  @Test(arguments: rejectCases)
  func rejectsBadRequest(_ testCase: RejectCase) {
    #expect(throws: HTTPRequestError(status: testCase.status, message: testCase.message)) {
      _ = try parse(testCase.request)
    }
  }

  @Test func headLongerThanLimitIs431() {
    var limits = HTTPRequestLimits()
    limits.maximumHeadBytes = 64
    let text = "GET /a HTTP/1.1\r\nHost: x\r\nX-Long: " + String(repeating: "a", count: 100)
    #expect(
      throws: HTTPRequestError(status: 431, message: "the request headers are longer than 64 bytes")
    ) {
      _ = try parse(text, limits: limits)
    }
  }

  @Test func requestLineLongerThanLimitIs414() {
    var limits = HTTPRequestLimits()
    limits.maximumHeadBytes = 64
    let text = "GET /" + String(repeating: "a", count: 100)
    #expect(
      throws: HTTPRequestError(status: 414, message: "the request line is longer than 64 bytes")
    ) {
      _ = try parse(text, limits: limits)
    }
  }
}

// MARK: - The server over real sockets

struct SandboxHTTPTests {
  @Test func keepAliveServesManyRequestsOnOneConnection() throws {
    let server = try startTestSandbox(seed: 5)
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    for _ in 0..<20 {
      let response = try client.request("GET", api("/openings"))
      #expect(response.status == 200)
      #expect(response.header("content-type") == "application/json")
      #expect(response.header("connection") == nil)
    }
    #expect(client.connectionCount == 1)
  }

  @Test func pipelinedRequestsGetResponsesInOrder() throws {
    let server = try startTestSandbox(seed: 5)
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    let key = "Authorization: ApiKey \(server.apiKey)\r\n"
    try client.sendRaw(
      "GET \(api("/openings/1")) HTTP/1.1\r\nHost: a\r\n\(key)\r\n"
        + "GET \(api("/openings/999")) HTTP/1.1\r\nHost: a\r\n\(key)\r\n"
        + "GET \(api("/candidates/1")) HTTP/1.1\r\nHost: a\r\n\(key)\r\n")
    #expect(try client.readResponse().status == 200)
    #expect(try client.readResponse().status == 404)
    #expect(try client.readResponse().status == 200)
  }

  @Test func chunkedBodyIs411AndClosesConnection() throws {
    let server = try startTestSandbox()
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    try client.sendRaw(
      "POST \(api("/openings")) HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\n")
    let response = try client.readResponse()
    #expect(response.status == 411)
    #expect(response.header("connection") == "close")
    #expect(
      response.detail
        == "Request bodies with 'Transfer-Encoding: chunked' are not supported; send the body with a Content-Length header."
    )
  }

  @Test func bodyOverLimitIs413() throws {
    let server = try startTestSandbox { $0.maximumBodyBytes = 100 }
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    let response = try client.request(
      "POST", api("/openings"), body: "{\"title\": \"" + String(repeating: "x", count: 200) + "\"}")
    #expect(response.status == 413)
  }

  @Test func expectContinueGetsInterimResponse() throws {
    let server = try startTestSandbox()
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    let body = #"{"title": "Nurse"}"#
    try client.sendRaw(
      "POST \(api("/openings")) HTTP/1.1\r\nHost: a\r\nAuthorization: ApiKey \(server.apiKey)\r\n"
        + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
        + "Expect: 100-continue\r\n\r\n")
    // The server must send 100 Continue before the client sends the body.
    #expect(try client.readInterimStatus() == 100)
    try client.sendRaw(body)
    let response = try client.readResponse()
    #expect(response.status == 201)
  }

  @Test func manyConnectionsAtOnce() throws {
    let server = try startTestSandbox(seed: 20)
    defer { try? server.stop() }
    // Every client keeps its connection open while the others send requests in turn.
    let clients = (0..<16).map { _ in SandboxTestClient(server) }
    var statuses: [Int] = []
    for round in 0..<5 {
      for client in clients {
        statuses.append(
          try client.request("GET", api("/candidates?limit=5&offset=\(round)")).status)
      }
    }
    #expect(statuses.count == 80)
    #expect(statuses.allSatisfy { $0 == 200 })
    #expect(clients.allSatisfy { $0.connectionCount == 1 })
  }

  @Test func concurrentClientsOnThreads() throws {
    let server = try startTestSandbox(seed: 20)
    defer { try? server.stop() }
    let port = server.port
    let finished = DispatchSemaphore(value: 0)
    let failures = Mutex(0)
    for _ in 0..<8 {
      try startDetachedThread {
        let client = SandboxTestClient(port: port)
        for _ in 0..<25 {
          let status = try? client.request("GET", api("/candidates/1")).status
          if status != 200 { failures.withLock { $0 += 1 } }
        }
        finished.signal()
      }
    }
    for _ in 0..<8 { #expect(finished.wait(timeout: .now() + 30) == .success) }
    #expect(failures.withLock { $0 } == 0)
  }

  @Test func connectionsOverMaximumGet503() throws {
    let server = try startTestSandbox { $0.maximumConnections = 2 }
    defer { try? server.stop() }
    let first = SandboxTestClient(server)
    let second = SandboxTestClient(server)
    #expect(try first.request("GET", api("/todos")).status == 200)
    #expect(try second.request("GET", api("/todos")).status == 200)
    let third = SandboxTestClient(server)
    let response = try third.request("GET", api("/todos"))
    #expect(response.status == 503)
    #expect(response.header("retry-after") == "1")
    first.close()
    // The server notices the close within its poll interval, so retry for up to 5 s.
    var status = 0
    for _ in 0..<50 {
      status = try SandboxTestClient(server).request("GET", api("/todos")).status
      if status == 200 { break }
      sleepSeconds(0.1)
    }
    #expect(status == 200)
  }

  @Test func idleConnectionIsClosedAfterTimeout() throws {
    let server = try startTestSandbox { $0.idleTimeout = 0.3 }
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    #expect(try client.request("GET", api("/todos")).status == 200)
    let start = monotonicSeconds()
    #expect(try client.readUntilClosed().isEmpty)
    #expect(monotonicSeconds() - start < 5)
  }

  @Test func portZeroPicksFreePortAndBusyPortFails() throws {
    let server = try startTestSandbox()
    defer { try? server.stop() }
    #expect(server.port > 0)
    #expect(server.baseURL == "http://127.0.0.1:\(server.port)/api/v2")
    #expect(throws: SandboxError.listenFailed(port: server.port, reason: "Address already in use"))
    {
      _ = try startTestSandbox { $0.port = server.port }
    }
  }
}
