import Glibc
import Synchronization
import Testing

@testable import HireETL

/// One request as the scripted server read it.
struct ScriptedRequest: Sendable {
  var method: String
  var target: String
  /// Header names in lowercase.
  var headers: [String: String]
  var body: [UInt8]
  /// Which accepted connection it came on, from 0, and its position on that connection, from 0.
  var connection: Int
  var positionOnConnection: Int
}

/// What the scripted server does with a request.
enum ScriptedReply: Sendable {
  case respond(status: Int, headers: [(String, String)] = [], body: String = "", delay: Double = 0)
  /// Close the connection without sending a byte of response.
  case close
}

/// An HTTP/1.1 server on 127.0.0.1 whose every reply comes from a closure, for transport and
/// client tests. It keeps connections alive, records every request, and stops within a second
/// of `stop()`. Each connection's thread gives up after 10 seconds without a request.
final class ScriptedHTTPServer: Sendable {
  let port: Int
  private let listener: ListeningSocket
  private let wake: WakePipe
  private let reply: @Sendable (ScriptedRequest) -> ScriptedReply
  private let recorded = Mutex<[ScriptedRequest]>([])
  private let connectionCount = Mutex(0)

  init(reply: @escaping @Sendable (ScriptedRequest) -> ScriptedReply) throws {
    listener = try ListeningSocket(port: 0)
    wake = try WakePipe()
    port = listener.port
    self.reply = reply
    try startDetachedThread { [self] in acceptLoop() }
  }

  var baseURL: String { "http://127.0.0.1:\(port)" }
  var requests: [ScriptedRequest] { recorded.withLock { $0 } }

  func stop() {
    wake.signal()
  }

  private func acceptLoop() {
    defer { listener.close() }
    while listener.waitForConnection(orWake: wake) {
      guard let socket = try? listener.accept() else { continue }
      let index = connectionCount.withLock { count in
        defer { count += 1 }
        return count
      }
      try? startDetachedThread { [self] in serve(socket, connection: index) }
    }
  }

  private func serve(_ socket: StreamSocket, connection: Int) {
    defer { socket.close() }
    var buffer: [UInt8] = []
    var position = 0
    while let request = readRequest(socket, &buffer, connection: connection, position: position) {
      recorded.withLock { $0.append(request) }
      position += 1
      switch reply(request) {
      case .close:
        return
      case .respond(let status, let headers, let body, let delay):
        if delay > 0 { sleepSeconds(delay) }
        var head = "HTTP/1.1 \(status) Scripted\r\nContent-Length: \(body.utf8.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        guard socket.send(Array((head + "\r\n" + body).utf8)) else { return }
      }
    }
  }

  private func readRequest(
    _ socket: StreamSocket, _ buffer: inout [UInt8], connection: Int, position: Int
  ) -> ScriptedRequest? {
    let separator = Array("\r\n\r\n".utf8)
    var headEnd: Int?
    var contentLength = 0
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      if headEnd == nil, let end = firstRange(of: separator, in: buffer) {
        headEnd = end
        contentLength = Int(headerValue("content-length", head: buffer[..<end]) ?? "0") ?? 0
      }
      if let end = headEnd, buffer.count >= end + 4 + contentLength {
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        let body = Array(buffer[(end + 4)..<(end + 4 + contentLength)])
        buffer.removeFirst(end + 4 + contentLength)
        return makeRequest(head: head, body: body, connection: connection, position: position)
      }
      guard socket.waitReadable(milliseconds: 10_000) else { return nil }
      let result = chunk.withUnsafeMutableBytes { socket.receive(into: $0) }
      guard case .bytes(let count) = result else { return nil }
      buffer.append(contentsOf: chunk[..<count])
    }
  }

  private func makeRequest(head: String, body: [UInt8], connection: Int, position: Int)
    -> ScriptedRequest
  {
    let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
    let parts = lines.first?.split(separator: " ") ?? []
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...])
        .trimmingSpaces()
    }
    return ScriptedRequest(
      method: parts.count > 0 ? String(parts[0]) : "",
      target: parts.count > 1 ? String(parts[1]) : "",
      headers: headers, body: body, connection: connection, positionOnConnection: position)
  }

  private func headerValue(_ name: String, head: ArraySlice<UInt8>) -> String? {
    let text = String(decoding: head, as: UTF8.self)
    for line in text.split(separator: "\r\n") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      if line[..<colon].lowercased() == name {
        return String(line[line.index(after: colon)...]).trimmingSpaces()
      }
    }
    return nil
  }

  private func firstRange(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
    guard bytes.count >= pattern.count else { return nil }
    for start in 0...(bytes.count - pattern.count)
    where bytes[start..<(start + pattern.count)].elementsEqual(pattern) {
      return start
    }
    return nil
  }
}

@Suite struct APIScriptedServerTests {
  @Test func serverRecordsRequestAndReplies() throws {
    let server = try ScriptedHTTPServer { _ in .respond(status: 200, body: "{}") }
    defer { server.stop() }
    let transport = try CurlTransport(apiKey: APIKey("k"), limits: .init(timeout: 5))
    let response = try transport.send(HTTPClientRequest(method: .get, url: server.baseURL + "/x"))
    #expect(response.status == 200)
    #expect(server.requests.map(\.target) == ["/x"])
  }
}
