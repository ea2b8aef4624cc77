import Foundation
import Testing

@testable import HireETL

/// A sandbox on 127.0.0.1 for one test, and a job folder whose job writes to it.
final class WriterFixture {
  static let apiKey = "writer-test-key"
  let folder = TemporaryFolder()
  let server: SandboxServer

  init(faults: SandboxFaults = SandboxFaults()) throws {
    var configuration = SandboxConfiguration()
    configuration.port = 0
    configuration.apiKey = Self.apiKey
    configuration.faults = faults
    configuration.logPath = folder.path("sandbox.log")
    server = try SandboxServer(configuration)
    folder.write(
      "openings.csv",
      """
      Req,Title,Department
      R1,Backend Engineer,Engineering
      R2,Product Designer,Design
      R3,Recruiter,People

      """)
    folder.write(
      "candidates.csv",
      """
      Email,First,Last,Req
      ada@example.com,Ada,Lovelace,R1
      alan@example.com,Alan,Turing,R1
      grace@example.com,Grace,Hopper,R2
      edsger@example.com,Edsger,Dijkstra,R2
      barbara@example.com,Barbara,Liskov,R3
      donald@example.com,Donald,Knuth,R3

      """)
  }

  deinit { try? server.stop() }

  /// Writes `job.yaml`: openings, then candidates that look their opening up.
  func writeJob(
    apiKey: String = WriterFixture.apiKey, rateLimit: String = "50/s", concurrency: Int = 2,
    retries: Int = 5, candidateMode: String = "create"
  ) {
    folder.write(
      "job.yaml",
      """
      version: 1
      name: writer
      api:
        base_url: \(server.baseURL)
        api_key: \(apiKey)
        rate_limit: \(rateLimit)
        concurrency: \(concurrency)
        retries: \(retries)
        timeout: 10s
      steps:
        - name: openings
          read: { path: openings.csv }
          key: Req
          map:
            title: Title
            department: Department
            status: { const: open }
          write: { resource: openings, batch_size: 2 }
        - name: candidates
          read: { path: candidates.csv }
          key: Email
          map:
            first_name: First
            last_name: Last
            email: Email
            opening: { field: Req, lookup: openings }
          write: { resource: candidates, mode: \(candidateMode), batch_size: 4 }
      """)
  }

  func run(_ options: [String] = []) -> CommandResult {
    runCommandLine(["run", folder.path("job.yaml")] + options)
  }

  /// Returns the number of records of `resource`, read through the sandbox's API.
  func count(_ resource: String) throws -> Int {
    try countRecords(resource, server: server)
  }

  /// Request log lines whose method is `method`.
  func logLines(_ method: String) -> [String] {
    settledLog().split(separator: "\n").map(String.init).filter {
      $0.split(separator: " ").dropFirst().first == Substring(method)
    }
  }

  /// The request log once it stops growing. The sandbox writes a line just after sending its
  /// response, so the last line can land a moment after the client has its answer.
  func settledLog(atLeast lines: Int = 0) -> String {
    var previous = folder.read("sandbox.log") ?? ""
    for _ in 0..<40 {
      usleep(50_000)
      let current = folder.read("sandbox.log") ?? ""
      let enough = current.split(separator: "\n").count >= lines
      if current == previous && enough { return current }
      previous = current
    }
    return previous
  }
}

/// Returns the number of records of `resource` in `server`, read through its API.
func countRecords(_ resource: String, server: SandboxServer) throws -> Int {
  let client = APIClient(
    baseURL: try APIBaseURL(server.baseURL),
    transport: try CurlTransport(apiKey: APIKey(server.apiKey)),
    limiter: RateLimiter(.init(ratePerSecond: 1000, burst: 100), concurrency: 1),
    policy: RetryPolicy(maximumRetries: 20, baseDelay: 0.01, maximumDelay: 0.1))
  let page = try client.get("/\(resource)", query: [("limit", "1")])
  guard case .object(let envelope) = page, case .number(let text)? = envelope["count"] else {
    return -1
  }
  return Int(text) ?? -1
}

@Suite(.serialized) struct APIWriterTests {
  @Test func migrationCreatesThenSkips() throws {
    let fixture = try WriterFixture()
    fixture.writeJob()
    let first = fixture.run()
    #expect(first.status == 0, "\(first.error)")
    #expect(first.error.contains("created 3,"))
    #expect(first.error.contains("created 6,"))
    #expect(try fixture.count("openings") == 3)
    #expect(try fixture.count("candidates") == 6)

    let second = fixture.run()
    #expect(second.status == 0, "\(second.error)")
    #expect(second.error.contains("created 0, updated 0, skipped 3,"))
    #expect(second.error.contains("created 0, updated 0, skipped 6,"))
    #expect(try fixture.count("openings") == 3)
    #expect(try fixture.count("candidates") == 6)
  }

  @Test func candidatesPointAtCreatedOpenings() throws {
    let fixture = try WriterFixture()
    fixture.writeJob()
    #expect(fixture.run().status == 0)
    let state = try StateStore(path: fixture.folder.path(".hire-etl/writer.sqlite"), readOnly: true)
    let openings = try state.createdIDs(step: "openings")
    let candidates = try state.createdIDs(step: "candidates")
    #expect(openings.count == 3)
    #expect(candidates.count == 6)
    let client = APIClient(
      baseURL: try APIBaseURL(fixture.server.baseURL),
      transport: try CurlTransport(apiKey: APIKey(WriterFixture.apiKey)),
      limiter: RateLimiter(.init(ratePerSecond: 1000, burst: 100), concurrency: 1),
      policy: RetryPolicy(maximumRetries: 2))
    let grace = try #require(candidates["grace@example.com"])
    let record = try client.get("/candidates/\(grace)")
    guard case .object(let object) = record else {
      Issue.record("the candidate is not a JSON object")
      return
    }
    #expect(object["opening"] == .number(String(try #require(openings["R2"]))))
  }

  @Test func runLogRecordsOutcome() throws {
    let fixture = try WriterFixture()
    fixture.writeJob()
    #expect(fixture.run().status == 0)
    fixture.folder.write(
      "candidates.csv", "Email,First,Last,Req\nada@example.com,Ada,Lovelace,R7\n")
    #expect(fixture.run().status == 1)
    let state = try StateStore(path: fixture.folder.path(".hire-etl/writer.sqlite"), readOnly: true)
    let log = try state.runLog()
    #expect(log.map(\.outcome) == ["completed with rejects", "completed"])
    #expect(log.allSatisfy { $0.finishedAt != nil })
    #expect(log.last?.summary?.contains("\"created\":6") == true)
    let entry = try state.crosswalkEntry(step: "openings", sourceKey: "R1")
    #expect(entry?.runID == log.last?.id)
  }

  @Test func apiRejectionGoesToRejects() throws {
    let fixture = try WriterFixture()
    fixture.writeJob()
    // The validator accepts an integer opening; only the API can tell that 999 does not exist.
    fixture.folder.write(
      "candidates.csv", "Email,First,Last,Req\nada@example.com,Ada,Lovelace,R1\n")
    let job = fixture.folder.read("job.yaml")!.replacingAll(
      "opening: { field: Req, lookup: openings }", with: "opening: { const: 999 }")
    fixture.folder.write("job.yaml", job)
    let result = fixture.run()
    #expect(result.status == 1, "\(result.error)")
    let rejects = try #require(fixture.folder.read("rejects/candidates.csv"))
    #expect(rejects.contains("ada@example.com"))
    #expect(rejects.contains("opening 999 does not exist"))
    #expect(result.error.contains("candidates.csv:2: rejected: opening 999 does not exist"))
    #expect(result.error.contains("step 'candidates': read 1, valid 0, rejected 1,"))
    #expect(try fixture.count("candidates") == 0)
  }

  @Test func wrongKeyAbortsAfterOneRequest() throws {
    let fixture = try WriterFixture()
    fixture.writeJob(apiKey: "not-the-key")
    let result = fixture.run()
    #expect(result.status == 3)
    #expect(result.error.contains("the API rejected the API key (HTTP 401"))
    #expect(!result.error.contains("not-the-key"))
    let lines = fixture.settledLog(atLeast: 1).split(separator: "\n")
    #expect(lines.count == 1)
    #expect(!fixture.folder.exists(".hire-etl"))
    #expect(try fixture.count("openings") == 0)
  }

  @Test func missingKeyStopsBeforeRequests() throws {
    let fixture = try WriterFixture()
    fixture.writeJob()
    let job = fixture.folder.read("job.yaml")!.replacingAll(
      "  api_key: \(WriterFixture.apiKey)\n", with: "")
    fixture.folder.write("job.yaml", job)
    let result = fixture.run()
    #expect(result.status == 2)
    #expect(result.error.contains("so `api:` needs `api_key:` or `api_key_file:`"))
    #expect((fixture.folder.read("sandbox.log") ?? "").isEmpty)
    #expect(!fixture.folder.exists(".hire-etl"))
  }

  @Test func keyFileRead() throws {
    let fixture = try WriterFixture()
    fixture.writeJob()
    fixture.folder.write("secret/key.txt", WriterFixture.apiKey + "\n")
    let job = fixture.folder.read("job.yaml")!.replacingAll(
      "api_key: \(WriterFixture.apiKey)", with: "api_key_file: secret/key.txt")
    fixture.folder.write("job.yaml", job)
    let result = fixture.run()
    #expect(result.status == 0, "\(result.error)")
    #expect(try fixture.count("candidates") == 6)
  }

  @Test func missingKeyFileStopsCheckAndRun() throws {
    let fixture = try WriterFixture()
    fixture.writeJob()
    let job = fixture.folder.read("job.yaml")!.replacingAll(
      "api_key: \(WriterFixture.apiKey)", with: "api_key_file: secret/key.txt")
    fixture.folder.write("job.yaml", job)
    let keyPath = fixture.folder.path("secret/key.txt")
    let check = runCommandLine(["check", fixture.folder.path("job.yaml")])
    #expect(check.status == 2)
    #expect(check.error.contains("error: api_key_file \(keyPath) does not exist"))
    let result = fixture.run()
    #expect(result.status == 2)
    #expect(result.error.contains("api_key_file \(keyPath) does not exist"))
    #expect(fixture.logLines("GET").isEmpty)
  }

  @Test func failuresAndRateLimitCreateOnce() throws {
    var faults = SandboxFaults()
    faults.failRate = 0.3
    faults.rateLimit = 8
    faults.burst = 2
    faults.randomSeed = 7
    let fixture = try WriterFixture(faults: faults)
    fixture.writeJob(rateLimit: "40/s", concurrency: 3, retries: 10)
    let result = fixture.run()
    #expect(result.status == 0, "\(result.error)")
    #expect(try fixture.count("openings") == 3)
    #expect(try fixture.count("candidates") == 6)
    #expect(!fixture.logLines("POST").filter { $0.contains(" 503 ") }.isEmpty)
    #expect(
      !fixture.settledLog().split(separator: "\n").filter {
        $0.contains(" 429 ")
      }.isEmpty)
  }

  @Test func lostAnswersCreateNothingTwice() throws {
    var faults = SandboxFaults()
    faults.loseRate = 0.3
    faults.lostResponse = .alternate
    faults.randomSeed = 11
    let fixture = try WriterFixture(faults: faults)
    fixture.writeJob(concurrency: 1, retries: 10)
    let first = fixture.run()
    #expect(first.status == 0, "\(first.error)")
    let lost = fixture.logLines("POST").filter { $0.contains("fault=lose") }
    #expect(!lost.isEmpty)
    #expect(try fixture.count("openings") == 3)
    #expect(try fixture.count("candidates") == 6)
    let second = fixture.run()
    #expect(second.status == 0, "\(second.error)")
    #expect(try fixture.count("openings") == 3)
    #expect(try fixture.count("candidates") == 6)
  }

  @Test(arguments: [SandboxFaults.LostResponse.gatewayTimeout, .drop])
  func lostAnswersAdoptRightIDs(_ kind: SandboxFaults.LostResponse) throws {
    var faults = SandboxFaults()
    faults.loseRate = 0.5
    faults.lostResponse = kind
    faults.randomSeed = 5
    let fixture = try WriterFixture(faults: faults)
    fixture.writeJob(concurrency: 3, retries: 12)
    let result = fixture.run()
    #expect(result.status == 0, "\(result.error)")
    #expect(try fixture.count("openings") == 3)
    #expect(try fixture.count("candidates") == 6)

    // Every adopted id must be the record of its own key.
    let state = try StateStore(path: fixture.folder.path(".hire-etl/writer.sqlite"), readOnly: true)
    #expect(try state.inFlightMarkers().isEmpty)
    let client = APIClient(
      baseURL: try APIBaseURL(fixture.server.baseURL),
      transport: try CurlTransport(apiKey: APIKey(WriterFixture.apiKey)),
      limiter: RateLimiter(.init(ratePerSecond: 1000, burst: 100), concurrency: 1),
      policy: RetryPolicy(maximumRetries: 20, baseDelay: 0.01, maximumDelay: 0.1))
    for (email, id) in try state.createdIDs(step: "candidates") {
      guard case .object(let record) = try client.get("/candidates/\(id)") else {
        Issue.record("candidate \(id) is not a JSON object")
        continue
      }
      #expect(record["email"] == .string(email))
    }
    let titles = ["R1": "Backend Engineer", "R2": "Product Designer", "R3": "Recruiter"]
    for (key, id) in try state.createdIDs(step: "openings") {
      guard case .object(let record) = try client.get("/openings/\(id)") else {
        Issue.record("opening \(id) is not a JSON object")
        continue
      }
      #expect(record["title"] == titles[key].map(JSONValue.string))
    }
  }

  @Test func requestsOverlapUpToConcurrency() throws {
    var faults = SandboxFaults()
    faults.latency = 0.2
    let fixture = try WriterFixture(faults: faults)
    let rows = (1...8).map { "R\($0),Title \($0),Department \($0)" }
    fixture.folder.write(
      "openings.csv", "Req,Title,Department\n" + rows.joined(separator: "\n") + "\n")
    fixture.writeJob(rateLimit: "100/s", concurrency: 8)
    let job = fixture.folder.read("job.yaml")!.replacingAll("batch_size: 2", with: "batch_size: 8")
    fixture.folder.write("job.yaml", job)
    let started = monotonicSeconds()
    let result = fixture.run(["--step", "openings"])
    let seconds = monotonicSeconds() - started
    #expect(result.status == 0, "\(result.error)")
    #expect(try fixture.count("openings") == 8)
    // One at a time, the check read and 8 creates take 1.8 s. Two at a time, one per core of
    // a 2-core machine, they take 1.0 s, and all 8 at once about 0.4 s.
    #expect(seconds < 0.9, "took \(seconds) s")
  }

  @Test func manyRecordsUnderFaultsOnce() throws {
    var faults = SandboxFaults()
    faults.failRate = 0.1
    faults.loseRate = 0.15
    faults.dropRate = 0.05
    faults.randomSeed = 23
    let fixture = try WriterFixture(faults: faults)
    let rows = (1...100).map { "person\($0)@example.com,First\($0),Last\($0),R\($0 % 3 + 1)" }
    fixture.folder.write(
      "candidates.csv", "Email,First,Last,Req\n" + rows.joined(separator: "\n") + "\n")
    fixture.writeJob(rateLimit: "500/s", concurrency: 4, retries: 12)
    let result = fixture.run()
    #expect(result.status == 0, "\(result.error)")
    #expect(result.error.contains("created 100,"))
    #expect(try fixture.count("openings") == 3)
    #expect(try fixture.count("candidates") == 100)
    let state = try StateStore(path: fixture.folder.path(".hire-etl/writer.sqlite"), readOnly: true)
    #expect(Set(try state.createdIDs(step: "candidates").values).count == 100)
    #expect(try state.inFlightMarkers().isEmpty)
  }

  @Test func leftoverMarkerIsAdopted() throws {
    let fixture = try WriterFixture()
    fixture.writeJob()
    #expect(fixture.run().status == 0)
    // A run killed after sending this create: the record exists, and only its marker records that.
    fixture.folder.write(
      "openings.csv",
      "Req,Title,Department\nR1,Backend Engineer,Engineering\nR4,Data Engineer,Data\n")
    let client = APIClient(
      baseURL: try APIBaseURL(fixture.server.baseURL),
      transport: try CurlTransport(apiKey: APIKey(WriterFixture.apiKey)),
      limiter: RateLimiter(.init(ratePerSecond: 1000, burst: 100), concurrency: 1),
      policy: RetryPolicy(maximumRetries: 2))
    _ = try client.post(
      "/openings",
      body: .object([
        "title": .string("Data Engineer"), "department": .string("Data"), "status": .string("open"),
      ]))
    do {
      let state = try StateStore(path: fixture.folder.path(".hire-etl/writer.sqlite"))
      try state.markInFlight([InFlightMarker(step: "openings", sourceKey: "R4", payloadHash: "")])
    }
    let result = fixture.run(["--step", "openings"])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.error.contains("created 1, updated 0, skipped 1,"))
    #expect(try fixture.count("openings") == 4)
    #expect(fixture.logLines("POST").count == 10)
    let state = try StateStore(path: fixture.folder.path(".hire-etl/writer.sqlite"), readOnly: true)
    #expect(try state.inFlightMarkers().isEmpty)
  }

  @Test func dryRunSendsNoWrites() throws {
    let fixture = try WriterFixture()
    fixture.writeJob()
    #expect(fixture.run().status == 0)
    fixture.folder.write(
      "openings.csv",
      "Req,Title,Department\nR1,Backend Engineer,Engineering\nR9,Data Engineer,Data\n")
    fixture.folder.write(
      "candidates.csv",
      "Email,First,Last,Req\nada@example.com,Ada,Lovelace,R1\nnew@example.com,New,Person,R9\n")
    let statePath = ".hire-etl/writer.sqlite"
    let before = try #require(fixture.folder.read(statePath))
    let postsBefore = fixture.logLines("POST").count
    let filesBefore = fixture.folder.list(".hire-etl").sorted()
    let result = fixture.run(["--dry-run"])
    #expect(result.status == 0, "\(result.error)")
    // R9 is stood in for, so its candidate is not rejected for a missing lookup.
    #expect(result.error.contains("created 1, updated 0, skipped 1,"))
    #expect(result.error.contains("would write 1 record, for example:"))
    #expect(fixture.logLines("POST").count == postsBefore)
    #expect(fixture.folder.read(statePath) == before)
    #expect(fixture.folder.list(".hire-etl").sorted() == filesBefore)
    #expect(try fixture.count("openings") == 3)
  }

  @Test func upsertUpdatesChangedRecords() throws {
    let fixture = try WriterFixture()
    fixture.writeJob(candidateMode: "upsert")
    #expect(fixture.run().status == 0)
    fixture.folder.write(
      "candidates.csv",
      """
      Email,First,Last,Req
      ada@example.com,Ada,King,R1
      alan@example.com,Alan,Turing,R1
      grace@example.com,Grace,Hopper,R2
      edsger@example.com,Edsger,Dijkstra,R2
      barbara@example.com,Barbara,Liskov,R3
      donald@example.com,Donald,Knuth,R3
      john@example.com,John,Backus,R3

      """)
    let patchesBefore = fixture.logLines("PATCH").count
    let result = fixture.run()
    #expect(result.status == 0, "\(result.error)")
    #expect(result.error.contains("created 1, updated 1, skipped 5,"))
    #expect(fixture.logLines("PATCH").count == patchesBefore + 1)
    #expect(try fixture.count("candidates") == 7)

    let state = try StateStore(path: fixture.folder.path(".hire-etl/writer.sqlite"), readOnly: true)
    let ada = try #require(try state.createdIDs(step: "candidates")["ada@example.com"])
    let client = APIClient(
      baseURL: try APIBaseURL(fixture.server.baseURL),
      transport: try CurlTransport(apiKey: APIKey(WriterFixture.apiKey)),
      limiter: RateLimiter(.init(ratePerSecond: 1000, burst: 100), concurrency: 1),
      policy: RetryPolicy(maximumRetries: 2))
    guard case .object(let record) = try client.get("/candidates/\(ada)") else {
      Issue.record("the candidate is not a JSON object")
      return
    }
    #expect(record["last_name"] == .string("King"))

    let third = fixture.run()
    #expect(third.status == 0)
    #expect(third.error.contains("created 0, updated 0, skipped 7,"))
  }

  @Test func updateRejectsUnknownKey() throws {
    let fixture = try WriterFixture()
    fixture.writeJob(candidateMode: "update")
    let result = fixture.run()
    #expect(result.status == 1)
    #expect(result.error.contains("no earlier run created a record for this key (Email)"))
    #expect(result.error.contains("step 'candidates': read 6, valid 0, rejected 6,"))
    #expect(try fixture.count("candidates") == 0)
    #expect(fixture.logLines("PATCH").isEmpty)
  }

  @Test func rollbackDeletesCandidates() throws {
    let fixture = try WriterFixture()
    fixture.writeJob()
    #expect(fixture.run().status == 0)
    let job = fixture.folder.path("job.yaml")
    let statePath = ".hire-etl/writer.sqlite"
    let before = try #require(fixture.folder.read(statePath))

    let dry = runCommandLine(["rollback", job, "--step", "candidates", "--dry-run"])
    #expect(dry.status == 0, "\(dry.error)")
    #expect(dry.error.contains("rollback of step 'candidates': would delete 6 candidates"))
    #expect(fixture.logLines("DELETE").isEmpty)
    #expect(fixture.folder.read(statePath) == before)

    let result = runCommandLine(["rollback", job, "--step", "candidates"])
    #expect(result.status == 0, "\(result.error)")
    #expect(
      result.error.contains("rollback of step 'candidates': deleted 6 candidates, 0 already gone"))
    #expect(fixture.logLines("DELETE").count == 6)
    #expect(try fixture.count("candidates") == 0)
    #expect(try fixture.count("openings") == 3)

    let again = fixture.run()
    #expect(again.status == 0)
    #expect(again.error.contains("created 0, updated 0, skipped 3,"))
    #expect(again.error.contains("created 6, updated 0, skipped 0,"))
    #expect(try fixture.count("candidates") == 6)
  }

  @Test func rollbackRejectsOpeningsStep() throws {
    let fixture = try WriterFixture()
    fixture.writeJob()
    let result = runCommandLine(["rollback", fixture.folder.path("job.yaml"), "--step", "openings"])
    #expect(result.status == 2)
    #expect(
      result.error.contains(
        "step 'openings' creates openings, and the API can delete only candidates"))
    #expect((fixture.folder.read("sandbox.log") ?? "").isEmpty)
  }

  @Test func fileStepLooksUpAlone() throws {
    let fixture = try WriterFixture()
    fixture.writeJob()
    #expect(fixture.run().status == 0)
    let job =
      fixture.folder.read("job.yaml")! + """

          - name: candidates-file
            read: { path: candidates.csv }
            map:
              email: Email
              opening: { field: Req, lookup: openings }
            write: { path: out/candidates.jsonl }
        """
    fixture.folder.write("job.yaml", job)
    let result = fixture.run(["--step", "candidates-file"])
    #expect(result.status == 0, "\(result.error)")
    let state = try StateStore(path: fixture.folder.path(".hire-etl/writer.sqlite"), readOnly: true)
    let r1 = try #require(try state.createdIDs(step: "openings")["R1"])
    let lines = (fixture.folder.read("out/candidates.jsonl") ?? "").split(separator: "\n")
    #expect(lines.count == 6)
    #expect(lines.first == #"{"email":"ada@example.com","opening":\#(r1)}"#)
  }

  @Test func jsonLinesInputCreatesOnce() throws {
    let fixture = try WriterFixture()
    fixture.writeJob()
    fixture.folder.write(
      "candidates.jsonl",
      """
      {"email": "ada@example.com", "first": "Ada", "last": "Lovelace", "req": "R1"}
      {"email": "alan@example.com", "first": "Alan", "last": "Turing", "req": "R2"}

      """)
    let job = fixture.folder.read("job.yaml")!
      .replacingAll("read: { path: candidates.csv }", with: "read: { path: candidates.jsonl }")
      .replacingAll("key: Email", with: "key: email")
      .replacingAll("email: Email", with: "email: email")
      .replacingAll("first_name: First", with: "first_name: first")
      .replacingAll("last_name: Last", with: "last_name: last")
      .replacingAll("{ field: Req, lookup: openings }", with: "{ field: req, lookup: openings }")
    fixture.folder.write("job.yaml", job)
    let first = fixture.run()
    #expect(first.status == 0, "\(first.error)")
    #expect(first.error.contains("created 2, updated 0, skipped 0,"))
    let second = fixture.run()
    #expect(second.status == 0, "\(second.error)")
    #expect(second.error.contains("created 0, updated 0, skipped 2,"))
    #expect(try fixture.count("candidates") == 2)
  }

  @Test func missingLookupRejectsNamingKey() throws {
    let fixture = try WriterFixture()
    fixture.writeJob()
    fixture.folder.write(
      "candidates.csv", "Email,First,Last,Req\nada@example.com,Ada,Lovelace,R7\n")
    let result = fixture.run()
    #expect(result.status == 1)
    #expect(result.error.contains("opening: step 'openings' created no record for the key in Req"))
    #expect(!result.error.contains("R7"))
    #expect(fixture.folder.read("rejects/candidates.csv")?.contains("R7") == true)
    #expect(try fixture.count("candidates") == 0)
  }
}

/// Checks the job file rules for `write: { resource: ... }`.
@Suite struct APIWriterJobFileTests {
  private static func job(_ write: String, key: String = "key: Email") -> String {
    """
    version: 1
    api: { base_url: sandbox }
    steps:
      - name: people
        read: { path: in.csv }
        \(key)
        write: \(write)
    """
  }

  @Test func resourceDecodes() throws {
    let (job, problems) = loadJob(Self.job("{ resource: candidates, batch_size: 20 }"))
    #expect(problems == [])
    let step = try #require(job?.steps.first)
    guard case .api(let target) = step.output else {
      Issue.record("the step does not write to the API")
      return
    }
    #expect(target.resource == "candidates")
    #expect(target.mode == .create)
    #expect(target.batchSize == 20)
    #expect(step.schema?.name == "CandidateInput")
  }

  @Test func keyRequired() {
    let (_, problems) = loadJob(Self.job("{ resource: candidates }", key: ""))
    #expect(problems.count == 1)
    #expect(problems.first?.contains("step 'people' writes to the API, so it needs `key:`") == true)
  }

  @Test func updateModeDecodes() throws {
    let (job, problems) = loadJob(Self.job("{ resource: candidates, mode: update }"))
    #expect(problems == [])
    let step = try #require(job?.steps.first)
    #expect(step.isUpdateOnly)
  }

  @Test func openingsOnlyCreated() {
    let (_, problems) = loadJob(Self.job("{ resource: openings, mode: upsert }"))
    #expect(
      problems == [
        "7:40: openings can only be created (`mode: create`), because the API has no PATCH /openings/{id}"
      ])
  }

  @Test func remoteNeedsKeyAndHTTPS() {
    let text = Self.job("{ resource: openings }").replacingAll(
      "api: { base_url: sandbox }", with: "api: { base_url: 'http://hire.example.com/api/v2' }")
    let (_, problems) = loadJob(text)
    #expect(problems.count == 2)
    #expect(problems.first?.contains("base_url is invalid") == true)
    #expect(
      problems.last?.hasSuffix(
        "writes to http://hire.example.com/api/v2, so `api:` needs `api_key:` or `api_key_file:`"
      ) == true)
  }

  @Test func apiBlockRequired() {
    let text = Self.job("{ resource: openings }").replacingAll(
      "api: { base_url: sandbox }\n", with: "")
    let (_, problems) = loadJob(text)
    #expect(problems.count == 1)
    #expect(problems.first?.contains("writes to the API, so the job needs an `api:` block") == true)
  }
}

/// `Samples/migration-to-sandbox.yaml`, run twice on a copy of `Samples/`.
@Suite struct APIWriterSampleTests {
  @Test func sampleMigrationRunsTwice() throws {
    let folder = TemporaryFolder()
    let manager = FileManager.default
    try manager.copyItem(
      atPath: SamplesTests.samples.appendingPathComponent("data").path, toPath: folder.path("data"))
    try manager.copyItem(
      atPath: SamplesTests.samples.appendingPathComponent("migration-to-sandbox.yaml").path,
      toPath: folder.path("job.yaml"))

    let first = runCommandLine(["run", folder.path("job.yaml")])
    #expect(first.status == 0, "\(first.error)")
    #expect(
      first.error.contains("step 'openings': read 4, valid 4, rejected 0, written 0, created 4,"))
    #expect(
      first.error.contains(
        "step 'candidates': read 10, valid 10, rejected 0, written 0, created 10,"))
    let second = runCommandLine(["run", folder.path("job.yaml")])
    #expect(second.status == 0, "\(second.error)")
    #expect(second.error.contains("created 0, updated 0, skipped 4, failed 0, requests 0,"))
    #expect(second.error.contains("created 0, updated 0, skipped 10, failed 0, requests 0,"))

    // The embedded sandbox kept its records in this file; serve it again to count them.
    var configuration = SandboxConfiguration()
    configuration.port = 0
    configuration.dataPath = folder.path(".hire-etl/migration-to-sandbox.sandbox.jsonl")
    let server = try SandboxServer(configuration)
    defer { try? server.stop() }
    #expect(server.loadedDataFile)
    #expect(try countRecords("openings", server: server) == 4)
    #expect(try countRecords("candidates", server: server) == 10)
  }
}

/// An XML job feed read straight into `POST /openings`.
@Suite struct APIWriterXMLTests {
  @Test func indeedFeedCreatesOpenings() throws {
    let fixture = try WriterFixture()
    try FileManager.default.copyItem(
      atPath: SamplesTests.samples.appendingPathComponent("xml/indeed-feed.xml").path,
      toPath: fixture.folder.path("feed.xml"))
    fixture.folder.write(
      "job.yaml",
      """
      version: 1
      name: writer
      api: { base_url: \(fixture.server.baseURL), api_key: \(WriterFixture.apiKey) }
      steps:
        - name: openings
          read: { path: feed.xml, preset: indeed }
          key: referencenumber
          map:
            title: title
            department: category
            status: { const: open }
          write: { resource: openings }
      """)
    let first = fixture.run()
    #expect(first.status == 0, "\(first.error)")
    #expect(first.error.contains("read 4, valid 4, rejected 0, written 0, created 4,"))
    let second = fixture.run()
    #expect(second.status == 0, "\(second.error)")
    #expect(second.error.contains("created 0, updated 0, skipped 4,"))
    #expect(try fixture.count("openings") == 4)
  }
}

/// Usage mistakes of `hire-etl rollback`, each stopped with exit status 2 before any job loads.
@Suite struct RollbackUsageTests {
  @Test(
    arguments: [
      (["rollback", "job.yaml", "--step", "a", "--step", "b"], "rollback needs one --step NAME"),
      (["rollback", "job.yaml", "--step"], "rollback needs one --step NAME"),
      (
        ["rollback", "job.yaml", "--dry-rn", "--step", "a"],
        "unknown option '--dry-rn'; did you mean '--dry-run'?"
      ),
      (["rollback", "a.yaml", "b.yaml", "--step", "a"], "rollback takes one job file"),
      (
        ["rollback", "--step", "a"],
        "rollback needs a job file and a step: hire-etl rollback JOB.yaml --step NAME"
      ),
    ])
  func usageMistake(_ arguments: [String], _ message: String) {
    let result = runCommandLine(arguments)
    #expect(result.status == 2)
    #expect(result.error.hasPrefix("error: \(message)\n"))
  }
}
