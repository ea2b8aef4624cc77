import Synchronization
import Testing

@testable import HireETL

/// A seeded sandbox on 127.0.0.1 and a job folder whose job exports from it.
final class ExportFixture {
  static let apiKey = "export-test-key"
  let folder = TemporaryFolder()
  let server: SandboxServer

  init(candidates: Int = 60, faults: SandboxFaults = SandboxFaults()) throws {
    var configuration = SandboxConfiguration()
    configuration.port = 0
    configuration.apiKey = Self.apiKey
    configuration.seed = candidates
    configuration.faults = faults
    server = try SandboxServer(configuration)
  }

  deinit { try? server.stop() }

  /// Writes `job.yaml` with one step `export` that reads `read` and writes `out/export.jsonl`.
  /// With `concurrency: 1` the reader follows `next` links, and otherwise it fetches by offset.
  func writeJob(read: String, pageSize: Int = 7, concurrency: Int = 4) {
    folder.write(
      "job.yaml",
      """
      version: 1
      name: export
      api:
        base_url: \(server.baseURL)
        api_key: \(Self.apiKey)
        rate_limit: 200/s
        page_size: \(pageSize)
        concurrency: \(concurrency)
        timeout: 10s
      steps:
        - name: export
          read: \(read)
          write: { path: out/export.jsonl }
      """)
  }

  func run(_ options: [String] = []) -> CommandResult {
    runCommandLine(["run", folder.path("job.yaml")] + options)
  }

  /// Returns the records of the output file.
  func exported() throws -> [JSONObject] {
    let text = folder.read("out/export.jsonl") ?? ""
    return try text.split(separator: "\n").map { line in
      guard case .object(let object) = try JSONParser.parse(Array(line.utf8)) else {
        throw ReaderFailure(SourceLocation(file: "out/export.jsonl"), "a line is not an object")
      }
      return object
    }
  }

  /// Returns the records of the output file and removes it with its manifest, as a warehouse
  /// loader that moves loaded files away would.
  func loaded() throws -> [JSONObject] {
    let records = try exported()
    folder.remove("out/export.jsonl")
    folder.remove("out/export.jsonl.manifest.json")
    return records
  }

  var client: APIClient {
    get throws {
      APIClient(
        baseURL: try APIBaseURL(server.baseURL),
        transport: try CurlTransport(apiKey: APIKey(server.apiKey)),
        limiter: RateLimiter(.init(ratePerSecond: 1000, burst: 100), concurrency: 1),
        policy: RetryPolicy(maximumRetries: 5, baseDelay: 0.01, maximumDelay: 0.1))
    }
  }

  /// Reads every id of `resource` straight from the API, one page of 100 after another.
  func allIDs(_ resource: String, filter: [(String, String)] = []) throws -> [String] {
    var ids: [String] = []
    var offset = 0
    while true {
      let page = try client.get(
        "/\(resource)", query: filter + [("limit", "100"), ("offset", String(offset))])
      guard case .object(let envelope) = page, case .array(let results)? = envelope["results"],
        !results.isEmpty
      else { return ids }
      for case .object(let object) in results { ids.append(Mapper.text(of: object["id"])) }
      offset += results.count
    }
  }
}

private func ids(_ records: [JSONObject]) -> [String] {
  records.map { Mapper.text(of: $0["id"]) }
}

@Suite(.serialized) struct APIReaderTests {
  @Test(arguments: apiResources) func exportHoldsEveryIDOnce(resource: String) throws {
    let fixture = try ExportFixture()
    let expected = try fixture.allIDs(resource)
    #expect(!expected.isEmpty)
    for concurrency in [1, 4] {
      fixture.writeJob(read: "{ resource: \(resource) }", concurrency: concurrency)
      let result = fixture.run()
      #expect(result.status == 0, "concurrency \(concurrency): \(result.error)")
      let exported = ids(try fixture.exported())
      #expect(exported.count == Set(exported).count, "concurrency \(concurrency)")
      #expect(Set(exported) == Set(expected), "concurrency \(concurrency)")
    }
  }

  @Test func reportCountsPageRequests() throws {
    let fixture = try ExportFixture(candidates: 30)
    fixture.writeJob(read: "{ resource: candidates }", pageSize: 7)
    let result = fixture.run()
    #expect(result.status == 0, "\(result.error)")
    // 30 records in pages of 7 take 5 pages, after the one request that checks the key.
    #expect(result.error.contains("written 30,"), "\(result.error)")
    #expect(result.error.contains("requests 5,"), "\(result.error)")
  }

  @Test func filterKeepsOneOpening() throws {
    let fixture = try ExportFixture(candidates: 200)
    let expected = Set(try fixture.allIDs("candidates", filter: [("opening", "2")]))
    #expect(expected.count > 7)
    for concurrency in [1, 4] {
      fixture.writeJob(
        read: "{ resource: candidates, filter: { opening: 2 } }", concurrency: concurrency)
      let result = fixture.run()
      #expect(result.status == 0, "concurrency \(concurrency): \(result.error)")
      let records = try fixture.exported()
      for record in records {
        #expect(Mapper.text(of: record["opening"]) == "2", "concurrency \(concurrency)")
      }
      #expect(Set(ids(records)) == expected, "concurrency \(concurrency)")
    }
  }

  @Test func reportCountsRateLimitedPages() throws {
    var faults = SandboxFaults()
    faults.rateLimit = 20
    faults.burst = 2
    let fixture = try ExportFixture(candidates: 60, faults: faults)
    fixture.writeJob(read: "{ resource: candidates }", pageSize: 5)
    let result = fixture.run()
    #expect(result.status == 0, "\(result.error)")
    #expect(try fixture.exported().count == 60)
    let summary = try #require(
      result.error.split(separator: "\n").first { $0.contains("step 'export': read") })
    // The job allows 200 requests a second against the sandbox's 20, so some pages get a 429
    // and are sent again.
    #expect(!summary.contains("429 responses 0 "), "\(summary)")
    #expect(!summary.contains("retries 0,"), "\(summary)")
  }

  @Test func sinceLastRunWritesChangedOnly() throws {
    let fixture = try ExportFixture()
    fixture.writeJob(read: "{ resource: candidates, since: last_run }")
    let first = fixture.run()
    #expect(first.status == 0, "\(first.error)")
    #expect(try fixture.loaded().count == 60)

    let changed = ["3", "11", "25", "40", "58"]
    for id in changed {
      let body = JSONValue.object(JSONObject(keys: ["phone"], values: [.string("+1 555 0100")]))
      _ = try fixture.client.patch("/candidates/\(id)", body: body)
    }
    let second = fixture.run()
    #expect(second.status == 0, "\(second.error)")
    let secondRecords = try fixture.loaded()
    #expect(Set(ids(secondRecords)) == Set(changed))
    #expect(secondRecords.count == 5)

    let third = fixture.run()
    #expect(third.status == 0, "\(third.error)")
    #expect(try fixture.loaded().isEmpty)
  }

  /// A `since: last_run` step would lose the records of the file it replaces, so the run stops
  /// before reading anything while that file is still there.
  @Test func incrementalOutputNotReplaced() throws {
    let fixture = try ExportFixture()
    fixture.writeJob(read: "{ resource: candidates, since: last_run }")
    #expect(fixture.run().status == 0)
    let output = fixture.folder.read("out/export.jsonl")
    let statePath = fixture.folder.path(".hire-etl/export.sqlite")
    let watermark = try StateStore(path: statePath, readOnly: true).watermark(step: "export")

    let body = JSONValue.object(JSONObject(keys: ["phone"], values: [.string("+1 555 0142")]))
    _ = try fixture.client.patch("/candidates/9", body: body)
    let check = runCommandLine(["check", fixture.folder.path("job.yaml")])
    #expect(check.status == 2)
    #expect(check.error.contains("out/export.jsonl already exists"), "\(check.error)")
    let dryRun = fixture.run(["--dry-run"])
    #expect(dryRun.status == 2)
    let second = fixture.run()
    #expect(second.status == 2)
    #expect(second.error.contains("out/export.jsonl already exists"), "\(second.error)")
    #expect(second.error.contains("put {run} in the path"))
    #expect(fixture.folder.read("out/export.jsonl") == output)
    #expect(try StateStore(path: statePath, readOnly: true).watermark(step: "export") == watermark)

    _ = try fixture.loaded()
    #expect(fixture.run().status == 0)
    #expect(ids(try fixture.exported()) == ["9"])
  }

  @Test func sinceTimestampKeepsLaterChanges() throws {
    let fixture = try ExportFixture()
    fixture.writeJob(read: "{ resource: candidates, since: \"2030-01-01T00:00:00Z\" }")
    let result = fixture.run()
    #expect(result.status == 0, "\(result.error)")
    #expect(try fixture.exported().isEmpty)
  }

  @Test func dryRunLeavesStateUnchanged() throws {
    let fixture = try ExportFixture()
    fixture.writeJob(read: "{ resource: candidates, since: last_run }")
    #expect(fixture.run().status == 0)
    let statePath = fixture.folder.path(".hire-etl/export.sqlite")
    let before = try StateStore(path: statePath, readOnly: true).watermark(step: "export")
    #expect(before != nil)
    _ = try fixture.loaded()

    let body = JSONValue.object(JSONObject(keys: ["phone"], values: [.string("+1 555 0199")]))
    _ = try fixture.client.patch("/candidates/7", body: body)
    let dryRun = fixture.run(["--dry-run"])
    #expect(dryRun.status == 0, "\(dryRun.error)")
    #expect(try StateStore(path: statePath, readOnly: true).watermark(step: "export") == before)
    #expect(!fixture.folder.exists("out/export.jsonl"))

    // The change the dry run saw is still exported by the next real run.
    #expect(fixture.run().status == 0)
    #expect(ids(try fixture.exported()) == ["7"])
  }

  @Test func manifestMatchesOutputFile() throws {
    let fixture = try ExportFixture()
    fixture.writeJob(read: "{ resource: candidates, filter: { opening: 2 } }")
    #expect(fixture.run().status == 0)
    let text = try #require(fixture.folder.read("out/export.jsonl.manifest.json"))
    guard case .object(let manifest) = try JSONParser.parse(Array(text.utf8)) else {
      Issue.record("the manifest is not a JSON object")
      return
    }
    let output = try #require(fixture.folder.read("out/export.jsonl"))
    var hasher = SHA256()
    hasher.update(Array(output.utf8))
    #expect(manifest["sha256"] == .string(hasher.finalize()))
    #expect(manifest["rows"] == .number(String(try fixture.exported().count)))
    #expect(manifest["resource"] == .string("candidates"))
    #expect(manifest["file"] == .string("export.jsonl"))
    guard case .array(let columns)? = manifest["columns"] else {
      Issue.record("the manifest has no columns list")
      return
    }
    let schema = SandboxResource.candidates.fieldNames
    #expect(columns == schema.map { .string($0) })
    guard case .string(let watermark)? = manifest["watermark"] else {
      Issue.record("the manifest has no watermark")
      return
    }
    #expect(ChangeTime(watermark) != nil)
    #expect(fixture.folder.list("out").sorted() == ["export.jsonl", "export.jsonl.manifest.json"])
  }

  @Test func unknownSourceFieldWarned() throws {
    let fixture = try ExportFixture()
    fixture.writeJob(
      read: "{ resource: candidates }\n    map: { id: id, updated: modified_at }")
    let result = fixture.run()
    #expect(result.status == 0, "\(result.error)")
    #expect(
      result.error.contains(
        "step 'export': field 'modified_at' came in none of the 60 records read; check the "
          + "name against the API's fields of candidates"), "\(result.error)")
    #expect(!result.error.contains("field 'id' came in none"))
  }

  @Test func emptyExportManifestListsColumns() throws {
    let fixture = try ExportFixture()
    fixture.writeJob(read: "{ resource: candidates, since: \"2030-01-01T00:00:00Z\" }")
    #expect(fixture.run().status == 0)
    let text = try #require(fixture.folder.read("out/export.jsonl.manifest.json"))
    let names = SandboxResource.candidates.fieldNames.map { "\"\($0)\"" }
    #expect(text.contains("\"columns\":[\(names.joined(separator: ","))]"), "\(text)")
    #expect(text.contains("\"rows\":0"))
  }

  @Test func dryRunWritesNoManifest() throws {
    let fixture = try ExportFixture()
    fixture.writeJob(read: "{ resource: candidates }")
    #expect(fixture.run().status == 0)
    #expect(fixture.folder.exists("out/export.jsonl.manifest.json"))
    let manifest = fixture.folder.read("out/export.jsonl.manifest.json")
    #expect(fixture.run(["--dry-run"]).status == 0)
    #expect(fixture.folder.read("out/export.jsonl.manifest.json") == manifest)
  }

  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
  ])
  func sha256MatchesKnownDigests(input: String, digest: String) {
    var hasher = SHA256()
    hasher.update(Array(input.utf8))
    #expect(hasher.finalize() == digest)
  }

  @Test func sha256OfFileMatchesBytes() {
    let folder = TemporaryFolder()
    let text = String(repeating: "hire-etl manifest ", count: 10_000)
    folder.write("big.txt", text)
    var hasher = SHA256()
    hasher.update(Array(text.utf8))
    #expect(SHA256.ofFile(folder.path("big.txt")) == hasher.finalize())
    #expect(SHA256.ofFile(folder.path("missing.txt")) == nil)
  }

  @Test func decoderRejectsUnknownFilter() throws {
    let fixture = try ExportFixture(candidates: 1)
    fixture.writeJob(read: "{ resource: interviews, filter: { opening: 2 } }")
    let result = runCommandLine(["check", fixture.folder.path("job.yaml")])
    #expect(result.status == 2)
    #expect(result.error.contains("opening"), "\(result.error)")
  }

  @Test func decoderRejectsBadSince() throws {
    let fixture = try ExportFixture(candidates: 1)
    fixture.writeJob(read: "{ resource: candidates, since: yesterday }")
    let result = runCommandLine(["check", fixture.folder.path("job.yaml")])
    #expect(result.status == 2)
    #expect(result.error.contains("since must be `last_run`"), "\(result.error)")
  }

  @Test func changeTimeParsesOffsets() {
    #expect(ChangeTime.milliseconds(of: "1970-01-01T00:00:01.5Z") == 1500)
    #expect(ChangeTime.milliseconds(of: "1970-01-02") == 86_400_000)
    #expect(ChangeTime.milliseconds(of: "1970-01-01T02:00:00+02:00") == 0)
    #expect(ChangeTime.milliseconds(of: "2024-03-05T10:20:30.123Z") == 1_709_634_030_123)
    #expect(ChangeTime.milliseconds(of: "2024-13-05") == nil)
    #expect(ChangeTime.milliseconds(of: "yesterday") == nil)
  }

  @Test(arguments: [
    ("2024-03-05T10:00:00", "2024-03-05T10:00:00Z"),
    ("2024-03-05 10:00", "2024-03-05T10:00:00Z"),
    ("2024-03-05T10:00", "2024-03-05T10:00:00+00:00"),
    ("2024-03-05", "2024-03-05T00:00:00Z"),
  ])
  func changeTimeWithoutOffsetIsUTC(local: String, utc: String) {
    let milliseconds = ChangeTime.milliseconds(of: local)
    #expect(milliseconds != nil)
    #expect(milliseconds == ChangeTime.milliseconds(of: utc))
  }

  @Test func decoderAcceptsSinceWithoutOffset() throws {
    let fixture = try ExportFixture(candidates: 1)
    for since in ["2024-03-05T10:00:00", "\"2024-03-05 10:00\"", "2024-03-05"] {
      fixture.writeJob(read: "{ resource: candidates, since: \(since) }")
      let result = runCommandLine(["check", fixture.folder.path("job.yaml")])
      #expect(result.status == 0, "since: \(since): \(result.error)")
    }
  }
}
