import Glibc
import Testing

@testable import HireETL

@Suite struct APITransportTests {
  let key = APIKey("sekrit-KEY-42")

  func transport(timeout: Double = 5) throws -> CurlTransport {
    try CurlTransport(apiKey: key, limits: .init(connectTimeout: 2, timeout: timeout))
  }

  @Test func getReturnsStatusHeadersAndBody() throws {
    let server = try ScriptedHTTPServer { _ in
      .respond(status: 200, headers: [("X-Total", "3")], body: #"{"count":3}"#)
    }
    defer { server.stop() }
    let response = try transport().send(
      HTTPClientRequest(method: .get, url: server.baseURL + "/api/v2/openings?limit=2"))

    #expect(response.status == 200)
    #expect(response.header("x-total") == "3")
    #expect(String(decoding: response.body, as: UTF8.self) == #"{"count":3}"#)
    let request = try #require(server.requests.first)
    #expect(request.method == "GET")
    #expect(request.target == "/api/v2/openings?limit=2")
    #expect(request.headers["authorization"] == "ApiKey sekrit-KEY-42")
  }

  @Test func readsReuseOneConnection() throws {
    let server = try ScriptedHTTPServer { _ in .respond(status: 200, body: "{}") }
    defer { server.stop() }
    let transport = try transport()
    for _ in 0..<3 {
      _ = try transport.send(HTTPClientRequest(method: .get, url: server.baseURL + "/a"))
    }
    #expect(server.requests.map(\.connection) == [0, 0, 0])
  }

  @Test func methodsAndBodiesArrive() throws {
    let server = try ScriptedHTTPServer { _ in .respond(status: 201, body: "{}") }
    defer { server.stop() }
    let transport = try transport()
    let body = Array(#"{"title":"Chef"}"#.utf8)
    for method in [HTTPMethod.post, .patch, .put] {
      _ = try transport.send(
        HTTPClientRequest(
          method: method, url: server.baseURL + "/o",
          headers: [HTTPHeader("Content-Type", "application/json")], body: body))
    }
    _ = try transport.send(HTTPClientRequest(method: .delete, url: server.baseURL + "/o/1"))

    let requests = server.requests
    #expect(requests.map(\.method) == ["POST", "PATCH", "PUT", "DELETE"])
    #expect(requests.prefix(3).allSatisfy { $0.body == body })
    #expect(requests[0].headers["content-type"] == "application/json")
    #expect(requests[0].headers["expect"] == nil)
    #expect(requests[3].body.isEmpty)
  }

  @Test func largePostBodyArrivesWhole() throws {
    let server = try ScriptedHTTPServer { _ in .respond(status: 201, body: "{}") }
    defer { server.stop() }
    let body = [UInt8](repeating: UInt8(ascii: "a"), count: 200_000)
    _ = try transport().send(
      HTTPClientRequest(method: .post, url: server.baseURL + "/o", body: body))
    #expect(server.requests.first?.body.count == 200_000)
  }

  /// libcurl 7.88 resends a request whose reused connection closes before any response byte.
  /// For a read that is harmless, and this test pins that the behaviour exists at all.
  @Test func readOnClosedReusedConnectionIsResent() throws {
    let server = try ScriptedHTTPServer { request in
      request.connection == 0 && request.positionOnConnection == 1
        ? .close : .respond(status: 200, body: "{}")
    }
    defer { server.stop() }
    let transport = try transport()
    _ = try transport.send(HTTPClientRequest(method: .get, url: server.baseURL + "/first"))
    let response = try transport.send(
      HTTPClientRequest(method: .get, url: server.baseURL + "/second"))

    #expect(response.status == 200)
    #expect(server.requests.map(\.target) == ["/first", "/second", "/second"])
  }

  /// A create goes out on a connection of its own, so libcurl cannot resend it when the server
  /// drops the connection after reading it.
  @Test func createIsNeverResent() throws {
    let server = try ScriptedHTTPServer { request in
      request.method == "POST" ? .close : .respond(status: 200, body: "{}")
    }
    defer { server.stop() }
    let transport = try transport()
    _ = try transport.send(HTTPClientRequest(method: .get, url: server.baseURL + "/warm"))

    #expect {
      _ = try transport.send(
        HTTPClientRequest(method: .post, url: server.baseURL + "/o", body: Array("{}".utf8)))
    } throws: { error in
      guard case .connectionDropped(let sent, _) = error as? TransportError else { return false }
      return sent
    }
    let posts = server.requests.filter { $0.method == "POST" }
    #expect(posts.count == 1)
    #expect(posts.first?.connection == 1)
  }

  @Test func slowServerTimesOutAfterSending() throws {
    let server = try ScriptedHTTPServer { _ in .respond(status: 200, body: "{}", delay: 2) }
    defer { server.stop() }
    #expect {
      _ = try transport(timeout: 0.3).send(HTTPClientRequest(method: .get, url: server.baseURL))
    } throws: { error in
      guard case .timedOut(let sent, _) = error as? TransportError else { return false }
      return sent
    }
  }

  @Test func closedPortFailsToConnect() throws {
    let listener = try ListeningSocket(port: 0)
    let port = listener.port
    listener.close()
    #expect {
      _ = try transport().send(HTTPClientRequest(method: .get, url: "http://127.0.0.1:\(port)/"))
    } throws: { error in
      guard case .connectFailed = error as? TransportError else { return false }
      return true
    }
  }

  @Test func oversizedResponseIsRejected() throws {
    let server = try ScriptedHTTPServer { _ in
      .respond(status: 200, body: String(repeating: "x", count: 5000))
    }
    defer { server.stop() }
    let small = try CurlTransport(
      apiKey: key, limits: .init(timeout: 5, maximumResponseBytes: 1000))
    #expect(
      throws: TransportError.other(code: 23, reason: "the response body is larger than 1000 bytes")
    ) {
      _ = try small.send(HTTPClientRequest(method: .get, url: server.baseURL))
    }
  }

  @Test func keyAppearsInNoMessage() throws {
    let server = try ScriptedHTTPServer { _ in .respond(status: 200, body: "{}", delay: 1) }
    defer { server.stop() }
    let transport = try transport(timeout: 0.2)
    var texts = [
      String(describing: transport), String(reflecting: transport), String(describing: key),
      String(reflecting: key),
    ]
    var dumped = ""
    dump(key, to: &dumped)
    dump(transport, to: &dumped)
    texts.append(dumped)
    for url in [server.baseURL, "http://127.0.0.1:1/", "http://bad host/"] {
      do {
        _ = try transport.send(HTTPClientRequest(method: .post, url: url, body: []))
        Issue.record("expected \(url) to fail")
      } catch {
        texts.append(error.description)
        texts.append(String(reflecting: error))
      }
    }
    for text in texts {
      #expect(!text.contains("sekrit"), "\(text)")
    }
  }

  /// The transport must sleep in poll(2) while the server takes 2 seconds. Measured on a 2-core
  /// x86_64 machine with libcurl 7.88.1: 0.34 ms of thread CPU time for the whole 2.0 s request.
  @Test func waitingUsesNoCPU() throws {
    let server = try ScriptedHTTPServer { _ in .respond(status: 200, body: "{}", delay: 2) }
    defer { server.stop() }
    let transport = try transport()
    let cpuBefore = threadCPUSeconds()
    let wallBefore = monotonicSeconds()
    _ = try transport.send(HTTPClientRequest(method: .get, url: server.baseURL))
    let cpu = threadCPUSeconds() - cpuBefore
    let wall = monotonicSeconds() - wallBefore

    #expect(wall >= 1.9)
    #expect(cpu < 0.1, "the request used \(cpu) s of CPU time in \(wall) s")
  }

  private func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }
}
