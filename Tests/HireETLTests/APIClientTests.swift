import Synchronization
import Testing

@testable import HireETL

@Suite struct APIClientTests {
  let clock = FakeClock()

  /// Creates a client whose waits only move `clock`, with jitter fixed at 0.5.
  func client(
    _ baseURL: String, key: String = "client-test-key", retries: Int = 2
  ) throws -> APIClient {
    let transport = try CurlTransport(
      apiKey: APIKey(key), limits: .init(connectTimeout: 2, timeout: 5))
    let limiter = RateLimiter(
      .init(ratePerSecond: 1000, burst: 1000), concurrency: 2, clock: { [clock] in clock.now() },
      sleep: { [clock] in clock.sleep($0) })
    return APIClient(
      baseURL: try APIBaseURL(baseURL), transport: transport, limiter: limiter,
      policy: RetryPolicy(maximumRetries: retries, baseDelay: 1, maximumDelay: 8),
      random: { 0.5 }, sleep: { [clock] in clock.sleep($0) }, wallClock: { 784_111_777 })
  }

  /// Starts a scripted server that plays `replies` in order and then responds 200 with `{}`.
  func server(_ replies: [ScriptedReply]) throws -> ScriptedHTTPServer {
    let queue = Mutex(replies)
    return try ScriptedHTTPServer { _ in
      queue.withLock { $0.isEmpty ? .respond(status: 200, body: "{}") : $0.removeFirst() }
    }
  }

  @Test func getParsesJSON() throws {
    let server = try server([.respond(status: 200, body: #"{"count":1,"results":[{"id":7}]}"#)])
    defer { server.stop() }
    let client = try client(server.baseURL + "/api/v2")
    let value = try client.get("/openings", query: [("limit", "100")])

    #expect(
      value == .object(["count": .number("1"), "results": .array([.object(["id": .number("7")])])]))
    let request = try #require(server.requests.first)
    #expect(request.target == "/api/v2/openings?limit=100")
    #expect(request.headers["accept"] == "application/json")
    #expect(client.statistics == .init(requests: 1, retries: 0, tooManyRequests: 0))
  }

  @Test func postSendsJSONBody() throws {
    let server = try server([.respond(status: 201, body: #"{"id":3,"title":"Chef"}"#)])
    defer { server.stop() }
    let created = try client(server.baseURL).post(
      "/openings", body: .object(["title": .string("Chef")]))

    #expect(created == .object(["id": .number("3"), "title": .string("Chef")]))
    let request = try #require(server.requests.first)
    #expect(request.method == "POST")
    #expect(String(decoding: request.body, as: UTF8.self) == #"{"title":"Chef"}"#)
    #expect(request.headers["content-type"] == "application/json")
  }

  @Test func tooManyRequestsWaitsRetryAfter() throws {
    let server = try server([
      .respond(status: 429, headers: [("Retry-After", "4")], body: #"{"detail":"slow down"}"#),
      .respond(status: 201, body: #"{"id":1}"#),
    ])
    defer { server.stop() }
    let client = try client(server.baseURL)
    _ = try client.post("/candidates", body: .object([:]))

    #expect(server.requests.filter { $0.method == "POST" }.count == 2)
    #expect(client.statistics == .init(requests: 2, retries: 1, tooManyRequests: 1))
    // The client waits 4 s, when the limiter's pause ends too. The limiter's bucket is empty
    // then, so it spaces the retry by one token at the halved rate: 2 ms.
    #expect(clock.sleeps.filter { $0 > 0 } == [4, 0.002])
  }

  @Test func retryAfterDateIsHonoured() throws {
    let server = try server([
      .respond(status: 429, headers: [("Retry-After", "Sun, 06 Nov 1994 08:49:43 GMT")])
    ])
    defer { server.stop() }
    _ = try client(server.baseURL).get("/todos")
    #expect(clock.sleeps.filter { $0 > 0 }.first == 6)
  }

  @Test func readRetriesServerErrors() throws {
    let server = try server([.respond(status: 502), .respond(status: 503)])
    defer { server.stop() }
    let client = try client(server.baseURL)
    #expect(try client.get("/openings") == .object([:]))
    // Full jitter at 0.5 of ceilings 1 and 2.
    #expect(clock.sleeps.filter { $0 > 0 } == [0.5, 1])
    #expect(client.statistics.retries == 2)
  }

  @Test func readGivesUpAfterRetries() throws {
    let server = try server(Array(repeating: .respond(status: 500, body: "oops"), count: 5))
    defer { server.stop() }
    #expect(throws: APIError.unreachable(.status(500), attempts: 3)) {
      _ = try client(server.baseURL).get("/openings")
    }
    #expect(server.requests.count == 3)
  }

  @Test func createGatewayTimeoutIsUnknown() throws {
    let server = try server([.respond(status: 504, body: "<html>Gateway Timeout</html>")])
    defer { server.stop() }
    #expect(throws: APIError.outcomeUnknown(.status(504))) {
      _ = try client(server.baseURL).post("/candidates", body: .object([:]))
    }
    #expect(server.requests.count == 1)
  }

  @Test func createDroppedAfterSendingIsUnknown() throws {
    let server = try server([.close])
    defer { server.stop() }
    #expect {
      _ = try client(server.baseURL).post("/candidates", body: .object([:]))
    } throws: { error in
      guard case .outcomeUnknown(.transport(.connectionDropped(true, _))) = error as? APIError
      else {
        return false
      }
      return true
    }
    #expect(server.requests.count == 1)
  }

  @Test func badRequestListsProblems() throws {
    let body =
      #"{"detail":"The request body is not valid.","errors":[{"field":"email","rule":"format","message":"email is not a valid e-mail address"},{"field":null,"rule":"body","message":"too big"}]}"#
    let server = try server([.respond(status: 400, body: body)])
    defer { server.stop() }
    #expect(
      throws: APIError.rejected(
        status: 400, detail: "The request body is not valid.",
        problems: [
          RecordProblem(
            field: "email", rule: "format", message: "email is not a valid e-mail address"),
          RecordProblem(field: nil, rule: "body", message: "too big"),
        ])
    ) {
      _ = try client(server.baseURL).post("/candidates", body: .object([:]))
    }
  }

  @Test func badRequestFieldMapBody() throws {
    let body = #"{"email":["Enter a valid email address."],"first_name":"This field is required."}"#
    let server = try server([.respond(status: 400, body: body)])
    defer { server.stop() }
    #expect(
      throws: APIError.rejected(
        status: 400, detail: nil,
        problems: [
          RecordProblem(field: "email", rule: "api", message: "Enter a valid email address."),
          RecordProblem(field: "first_name", rule: "api", message: "This field is required."),
        ])
    ) {
      _ = try client(server.baseURL).post("/candidates", body: .object([:]))
    }
  }

  @Test func unauthorizedIsCredentialsError() throws {
    let server = try server([.respond(status: 401, body: #"{"detail":"Invalid API key."}"#)])
    defer { server.stop() }
    let expected = APIError.credentialsRejected(status: 401, detail: "Invalid API key.")
    #expect(throws: expected) { _ = try client(server.baseURL).get("/openings") }
    #expect(
      expected.description
        == "the API rejected the API key (HTTP 401: Invalid API key.); check api_key or api_key_file"
    )
  }

  @Test func nonJSONBodyShowsStatusAndStart() throws {
    let server = try server([.respond(status: 200, body: "<html>\n<body>Maintenance</body></html>")]
    )
    defer { server.stop() }
    #expect {
      _ = try client(server.baseURL).get("/openings")
    } throws: { error in
      guard case .invalidResponse(200, _, let prefix) = error as? APIError else { return false }
      return prefix == #"<html>\n<body>Maintenance</body></html>"#
    }
  }

  @Test func sandboxCreateAndFetch() throws {
    let sandbox = try startTestSandbox()
    defer { try? sandbox.stop() }
    let client = try client(sandbox.baseURL, key: sandbox.apiKey)
    let created = try client.post("/openings", body: .object(["title": .string("Chef")]))
    guard case .object(let record) = created, case .number(let id)? = record["id"] else {
      Issue.record("no id in \(created)")
      return
    }
    let fetched = try client.get("/openings/\(id)")
    #expect(fetched == created)

    #expect {
      _ = try client.post("/candidates", body: .object([:]))
    } throws: { error in
      guard case .rejected(400, _, let problems) = error as? APIError else { return false }
      return problems.map(\.field) == ["first_name", "last_name", "opening"]
    }
  }

  @Test func sandboxRejectsWrongKey() throws {
    let sandbox = try startTestSandbox()
    defer { try? sandbox.stop() }
    #expect {
      _ = try client(sandbox.baseURL, key: "wrong-key").get("/openings")
    } throws: { error in
      guard case .credentialsRejected(401, _) = error as? APIError else { return false }
      return true
    }
  }
}
