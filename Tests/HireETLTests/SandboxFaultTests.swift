import Testing

@testable import HireETL

/// Returns the number of records of `resource` in the server.
func recordCount(_ server: SandboxServer, _ resource: String) -> Int? {
  server.recordCounts.first { $0.resource == resource }?.count
}

let newCandidateBody = #"{"first_name": "Ana", "last_name": "Lima", "opening": 1}"#

struct SandboxFaultPolicyTests {
  @Test func tokenBucketAllowsBurstThenRate() {
    var bucket = TokenBucket(rate: 2, capacity: 3)
    #expect(bucket.take(at: 10.0) == nil)
    #expect(bucket.take(at: 10.0) == nil)
    #expect(bucket.take(at: 10.0) == nil)
    #expect(bucket.take(at: 10.0) == 0.5)
    #expect(bucket.take(at: 10.25) == 0.25)
    #expect(bucket.take(at: 10.5) == nil)
    #expect(bucket.take(at: 10.5) == 0.5)
    // A long quiet spell refills only up to the capacity.
    #expect(bucket.take(at: 100) == nil)
    #expect(bucket.take(at: 100) == nil)
    #expect(bucket.take(at: 100) == nil)
    #expect(bucket.take(at: 100) != nil)
  }

  @Test func sameSeedGivesSameDecisions() {
    var faults = SandboxFaults()
    faults.failRate = 0.3
    faults.loseRate = 0.2
    faults.dropRate = 0.1
    faults.randomSeed = 42
    let first = SandboxFaultInjector(faults)
    let second = SandboxFaultInjector(faults)
    let firstDecisions = (0..<200).map { first.decide(at: Double($0)) }
    let secondDecisions = (0..<200).map { second.decide(at: Double($0)) }
    #expect(firstDecisions == secondDecisions)
  }

  @Test func failRateSetsShareOfFailures() {
    var faults = SandboxFaults()
    faults.failRate = 0.3
    faults.randomSeed = 7
    let injector = SandboxFaultInjector(faults)
    let failures = (0..<2000).filter { injector.decide(at: Double($0)) == .fail }.count
    #expect((500...700).contains(failures))
  }

  @Test func alternateLosesWith504ThenDrop() {
    var faults = SandboxFaults()
    faults.loseRate = 1
    faults.randomSeed = 1
    let injector = SandboxFaultInjector(faults)
    let decisions = (0..<4).map { injector.decide(at: Double($0)) }
    #expect(
      decisions == [
        .handle(losing: .gatewayTimeout), .handle(losing: .drop), .handle(losing: .gatewayTimeout),
        .handle(losing: .drop),
      ])
  }

  @Test func rateLimitRoundsRetryAfterUp() {
    var faults = SandboxFaults()
    faults.rateLimit = 0.5
    let injector = SandboxFaultInjector(faults)
    #expect(injector.decide(at: 0) == .handle(losing: nil))
    #expect(injector.decide(at: 0.1) == .rateLimit(retryAfter: 2))
  }
}

struct SandboxFaultTests {
  @Test func rateLimitAnswers429WithRetryAfter() throws {
    let server = try startTestSandbox(seed: 3) {
      $0.faults.rateLimit = 10
      $0.faults.burst = 5
    }
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    let start = monotonicSeconds()
    var responses: [SandboxTestResponse] = []
    for _ in 0..<40 { responses.append(try client.request("GET", api("/openings"))) }
    let elapsed = monotonicSeconds() - start

    let successes = responses.filter { $0.status == 200 }.count
    let limited = responses.filter { $0.status == 429 }
    #expect(successes + limited.count == 40)
    #expect(successes >= 5)
    // The burst plus what the bucket refilled while the requests ran, plus one for rounding.
    #expect(Double(successes) <= 5 + 10 * elapsed + 1)
    #expect(!limited.isEmpty)
    for response in limited {
      #expect(Int(response.header("retry-after") ?? "") == 1)
      #expect(response.detail?.hasPrefix("Too many requests") == true)
    }
  }

  @Test func rateLimitLetsRequestsThroughAfterWaiting() throws {
    let server = try startTestSandbox(seed: 3) {
      $0.faults.rateLimit = 20
      $0.faults.burst = 1
    }
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    #expect(try client.request("GET", api("/openings")).status == 200)
    #expect(try client.request("GET", api("/openings")).status == 429)
    sleepSeconds(0.1)
    #expect(try client.request("GET", api("/openings")).status == 200)
  }

  @Test func failRateAnswers503AtItsShare() throws {
    let server = try startTestSandbox(seed: 3) {
      $0.faults.failRate = 0.3
      $0.faults.randomSeed = 7
    }
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    var statuses: [Int] = []
    for _ in 0..<200 { statuses.append(try client.request("GET", api("/todos")).status) }
    let failures = statuses.filter { $0 == 503 }.count
    #expect(statuses.allSatisfy { $0 == 200 || $0 == 503 })
    #expect((40...80).contains(failures))
  }

  @Test func failedRequestChangesNothing() throws {
    let server = try startTestSandbox(seed: 3) { $0.faults.failRate = 1 }
    defer { try? server.stop() }
    let response = try SandboxTestClient(server).request(
      "POST", api("/candidates"), body: newCandidateBody)
    #expect(response.status == 503)
    #expect(recordCount(server, "candidates") == 3)
  }

  @Test func latencyDelaysEveryResponse() throws {
    let server = try startTestSandbox(seed: 3) { $0.faults.latency = 0.15 }
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    for target in ["/openings", "/candidates/1", "/nothing-here"] {
      let start = monotonicSeconds()
      _ = try client.request("GET", api(target))
      #expect(monotonicSeconds() - start >= 0.15, "\(target)")
    }
  }

  @Test func lostResponseAs504KeepsChange() throws {
    let server = try startTestSandbox(seed: 3) {
      $0.faults.loseRate = 1
      $0.faults.lostResponse = .gatewayTimeout
    }
    defer { try? server.stop() }
    let response = try SandboxTestClient(server).request(
      "POST", api("/candidates"), body: newCandidateBody)
    #expect(response.status == 504)
    #expect(recordCount(server, "candidates") == 4)
  }

  @Test func lostResponseAsDropKeepsChange() throws {
    let server = try startTestSandbox(seed: 3) {
      $0.faults.loseRate = 1
      $0.faults.lostResponse = .drop
    }
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    #expect(throws: SandboxTestError.closedWithoutResponse) {
      _ = try client.request("POST", api("/candidates"), body: newCandidateBody)
    }
    #expect(recordCount(server, "candidates") == 4)
  }

  @Test func alternateLostResponses() throws {
    let server = try startTestSandbox(seed: 3) { $0.faults.loseRate = 1 }
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    #expect(try client.request("DELETE", api("/candidates/1")).status == 504)
    #expect(throws: SandboxTestError.closedWithoutResponse) {
      _ = try client.request("DELETE", api("/candidates/2"))
    }
    #expect(recordCount(server, "candidates") == 1)
  }

  @Test func droppedConnectionChangesNothing() throws {
    let server = try startTestSandbox(seed: 3) { $0.faults.dropRate = 1 }
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    for _ in 0..<3 {
      #expect(throws: SandboxTestError.closedWithoutResponse) {
        _ = try client.request("POST", api("/candidates"), body: newCandidateBody)
      }
    }
    #expect(client.connectionCount == 3)
    #expect(recordCount(server, "candidates") == 3)
  }

  @Test func dropRateDropsItsShare() throws {
    let server = try startTestSandbox(seed: 3) {
      $0.faults.dropRate = 0.25
      $0.faults.randomSeed = 11
    }
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    var dropped = 0
    for _ in 0..<100 {
      do {
        #expect(try client.request("GET", api("/reviews")).status == 200)
      } catch SandboxTestError.closedWithoutResponse {
        dropped += 1
      }
    }
    #expect((12...40).contains(dropped))
  }
}
