import Dispatch
import Glibc
import Testing

@testable import HireETL

/// Returns the bytes of a file, nil when it cannot be read.
func fileBytes(_ path: String) -> [UInt8]? {
  guard let source = try? FileByteSource(path: path) else { return nil }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let count = chunk.withUnsafeMutableBytes { try? source.read(into: $0) } ?? 0
    if count == 0 { return bytes }
    bytes.append(contentsOf: chunk[..<count])
  }
}

struct SandboxPersistenceTests {
  @Test func dataSurvivesRestart() throws {
    let path = temporarySandboxPath("restart.json")
    defer { unlink(path) }
    let first = try startTestSandbox(seed: 10) { $0.dataPath = path }
    #expect(!first.loadedDataFile)
    let client = SandboxTestClient(first)
    let opening = try client.request(
      "POST", api("/openings"), body: #"{"title": "Ελεγκτής, \"QA\"", "status": "open"}"#)
    #expect(opening.status == 201)
    let openingID = try #require(integerMember(opening.object, "id"))
    let candidate = try client.request(
      "POST", api("/candidates"),
      body:
        #"{"first_name": "Лена", "last_name": "O'Neil", "opening": \#(openingID), "email": "lena@example.org"}"#
    )
    let candidateID = try #require(integerMember(candidate.object, "id"))
    let patched = try client.request(
      "PATCH", api("/candidates/\(candidateID)"), body: #"{"source": "Referral"}"#)
    #expect(try client.request("DELETE", api("/candidates/2")).status == 204)
    let counts = first.recordCounts.map(\.count)
    try first.stop()

    let second = try startTestSandbox(seed: 99) { $0.dataPath = path }
    defer { try? second.stop() }
    #expect(second.loadedDataFile)
    #expect(second.recordCounts.map(\.count) == counts)
    let again = SandboxTestClient(second)
    #expect(try again.request("GET", api("/openings/\(openingID)")).object == opening.object)
    #expect(try again.request("GET", api("/candidates/\(candidateID)")).object == patched.object)
    #expect(try again.request("GET", api("/candidates/2")).status == 404)
    let next = try again.request("POST", api("/candidates"), body: newCandidateBody)
    #expect(integerMember(next.object, "id") == candidateID + 1)
  }

  @Test func changesAreSavedWithoutStop() throws {
    let path = temporarySandboxPath("debounce.json")
    defer { unlink(path) }
    let server = try startTestSandbox {
      $0.dataPath = path; $0.saveDelay = 0.05
    }
    defer { try? server.stop() }
    #expect(
      try SandboxTestClient(server).request("POST", api("/openings"), body: #"{"title": "Chef"}"#)
        .status == 201)
    var saved = 0
    for _ in 0..<100 {
      saved = (try? SandboxDataFile.load(path: path))?[.openings].count ?? 0
      if saved == 1 { break }
      sleepSeconds(0.05)
    }
    #expect(saved == 1)
  }

  @Test func dataFileIsPrivateAndReadable() throws {
    let path = temporarySandboxPath("mode.json")
    defer { unlink(path) }
    let server = try startTestSandbox(seed: 5) { $0.dataPath = path }
    try server.stop()
    var info = stat()
    #expect(stat(path, &info) == 0)
    #expect(info.st_mode & 0o777 == 0o600)
    let text = String(decoding: fileBytes(path) ?? [], as: UTF8.self)
    #expect(text.hasPrefix(#"{"format":"hire-etl-sandbox","format_version":1,"resources":{"#))
    #expect(text.hasSuffix("}}\n"))
  }

  @Test func encodeDecodeRoundTrip() throws {
    let data = SandboxSeeder.generate(candidates: 25)
    let decoded = try SandboxDataFile.decode(SandboxDataFile.encode(data))
    #expect(decoded == data)
  }

  struct BadFileCase: Sendable, CustomTestStringConvertible {
    var name: String
    var content: String
    var reason: String
    var testDescription: String { name }
  }

  static let badFiles: [BadFileCase] = [
    BadFileCase(
      name: "not JSON", content: "openings: []",
      reason:
        "it is not valid JSON: unexpected character 'o', expected a JSON value at byte offset 0"),
    BadFileCase(
      name: "other JSON", content: "{}",
      reason: "it is not a sandbox data file (no \"format\": \"hire-etl-sandbox\")"),
    BadFileCase(
      name: "newer version", content: #"{"format": "hire-etl-sandbox", "format_version": 2}"#,
      reason: "its format_version is not 1, the only version this hire-etl reads"),
    BadFileCase(
      name: "unknown resource",
      content: #"{"format": "hire-etl-sandbox", "format_version": 1, "resources": {"jobs": {}}}"#,
      reason: "it names an unknown resource 'jobs'"),
    BadFileCase(
      name: "record without id",
      content:
        #"{"format": "hire-etl-sandbox", "format_version": 1, "resources": {"todos": {"records": [{"title": "x"}]}}}"#,
      reason: "record 1 of todos is not an object with an integer id"),
    BadFileCase(
      name: "duplicate id",
      content:
        #"{"format": "hire-etl-sandbox", "format_version": 1, "resources": {"todos": {"records": [{"id": 1}, {"id": 1}]}}}"#,
      reason: "todos has two records with id 1"),
  ]

  @Test(arguments: badFiles)
  func invalidDataFileFailsStart(_ testCase: BadFileCase) throws {
    let path = temporarySandboxPath("bad.json")
    defer { unlink(path) }
    let file = try OutputFile(path: path)
    try file.write(testCase.content)
    try file.commit()
    #expect(throws: SandboxError.dataFileInvalid(path: path, reason: testCase.reason)) {
      _ = try startTestSandbox { $0.dataPath = path }
    }
  }

  @Test func unwritableDataPathFailsStart() throws {
    let blocker = temporarySandboxPath("blocker")
    defer { unlink(blocker) }
    let file = try OutputFile(path: blocker)
    try file.commit()
    let path = blocker + "/data.json"
    #expect(throws: SandboxError.self) {
      _ = try startTestSandbox { $0.dataPath = path }
    }
  }

  @Test func stopFinishesRequestInProgress() throws {
    let server = try startTestSandbox(seed: 3) { $0.faults.latency = 0.4 }
    let port = server.port
    let client = SandboxTestClient(server)
    try client.sendRaw(
      "GET \(api("/openings")) HTTP/1.1\r\nHost: a\r\nAuthorization: ApiKey \(server.apiKey)\r\n\r\n"
    )
    sleepSeconds(0.1)

    let stopped = DispatchSemaphore(value: 0)
    try startDetachedThread {
      try? server.stop()
      stopped.signal()
    }
    let response = try client.readResponse()
    #expect(response.status == 200)
    #expect(response.header("connection") == "close")
    #expect(stopped.wait(timeout: .now() + 5) == .success)
    #expect(throws: SystemCallError.self) {
      _ = try StreamSocket.connect(loopbackPort: port)
    }
  }

  @Test func stopClosesIdleConnectionsQuickly() throws {
    let server = try startTestSandbox(seed: 3)
    let clients = (0..<5).map { _ in SandboxTestClient(server) }
    for client in clients { #expect(try client.request("GET", api("/openings")).status == 200) }
    let start = monotonicSeconds()
    try server.stop()
    #expect(monotonicSeconds() - start < 2)
    for client in clients { #expect(try client.readUntilClosed().isEmpty) }
    try server.stop()
  }
}

struct SandboxRequestLogTests {
  @Test func logHasOneLinePerRequestWithoutSecrets() throws {
    let path = temporarySandboxPath("requests.log")
    defer { unlink(path) }
    let server = try startTestSandbox(seed: 3) {
      $0.logPath = path
      $0.apiKey = "very-secret-key"
    }
    let client = SandboxTestClient(server)
    _ = try client.request("GET", api("/openings?limit=2"))
    _ = try client.request(
      "POST", api("/candidates"),
      body: #"{"first_name": "Private", "last_name": "Person", "opening": 1}"#)
    _ = try client.request("GET", api("/todos?token=very-secret-key"))
    _ = try client.request("GET", api("/openings"), authorized: false)
    try server.stop()

    let lines = String(decoding: fileBytes(path) ?? [], as: UTF8.self).split(separator: "\n")
    #expect(lines.count == 4)
    #expect(lines[0].hasSuffix("ms"))
    #expect(lines[0].contains(" GET /api/v2/openings?limit=2 200 "))
    #expect(lines[1].contains(" POST /api/v2/candidates 201 "))
    #expect(lines[2].contains(" GET /api/v2/todos?token=[redacted] 400 "))
    #expect(lines[3].contains(" GET /api/v2/openings 401 "))
    for line in lines {
      #expect(!line.contains("very-secret-key"))
      #expect(!line.contains("Private"))
      #expect(!line.contains("Authorization"))
    }
  }

  @Test func logNamesInjectedFaults() throws {
    let path = temporarySandboxPath("faults.log")
    defer { unlink(path) }
    let server = try startTestSandbox(seed: 3) {
      $0.logPath = path
      $0.faults.loseRate = 1
    }
    let client = SandboxTestClient(server)
    _ = try? client.request("GET", api("/openings"))
    _ = try? client.request("GET", api("/openings"))
    try server.stop()
    let lines = String(decoding: fileBytes(path) ?? [], as: UTF8.self).split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines[0].hasSuffix(" fault=lose-504(200)"))
    #expect(lines[0].contains(" 504 "))
    #expect(lines[1].hasSuffix(" fault=lose-drop(200)"))
    #expect(lines[1].contains(" - "))
  }

  @Test func lineFormat() {
    let entry = SandboxLogEntry(
      startedAt: 1_709_647_620_250, method: "GET", target: "/api/v2/todos?candidate=3", status: 200,
      seconds: 0.00123, fault: nil)
    #expect(
      entry.line(redacting: "key")
        == "2024-03-05T14:07:00.250Z GET /api/v2/todos?candidate=3 200 1.2ms\n")
    let unreadable = SandboxLogEntry(
      startedAt: 0, method: nil, target: nil, status: 400, seconds: 0, fault: nil)
    #expect(unreadable.line(redacting: "key") == "1970-01-01T00:00:00.000Z - - 400 0.0ms\n")
  }
}
