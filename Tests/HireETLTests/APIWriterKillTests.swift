import Foundation
import Glibc
import Testing

@testable import HireETL

/// A SplitMix64 generator, so the kill points are the same on every run of the test.
private struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }
}

/// How a child `hire-etl` process ended.
private enum ChildOutcome: Equatable {
  case exited(Int32)
  case killed
  case timedOut
}

/// Runs the built `hire-etl` with `arguments` in `folder`, with standard error in
/// `errorFile`. After `killAfter` seconds the process gets SIGKILL, unless it ended first.
/// Without `killAfter`, a process still running after `timeout` seconds gets SIGKILL and
/// counts as timed out.
private func runExecutable(
  _ arguments: [String], in folder: TemporaryFolder, errorFile: String,
  killAfter: Double? = nil, timeout: Double = 20
) throws -> ChildOutcome {
  let errorPath = folder.path(errorFile)
  _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: SandboxExecutable.path!)
  process.arguments = arguments
  process.currentDirectoryURL = URL(fileURLWithPath: folder.path("."))
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle(forWritingAtPath: errorPath)
  try process.run()

  let deadline = monotonicSeconds() + (killAfter ?? timeout)
  while process.isRunning && monotonicSeconds() < deadline { sleepSeconds(0.01) }
  let endedByItself = !process.isRunning
  if !endedByItself { kill(process.processIdentifier, SIGKILL) }
  let reapDeadline = monotonicSeconds() + 10
  while process.isRunning && monotonicSeconds() < reapDeadline { sleepSeconds(0.01) }
  if process.isRunning { return .timedOut }

  if endedByItself { return .exited(process.terminationStatus) }
  return killAfter == nil ? .timedOut : .killed
}

/// Kills `hire-etl run` with SIGKILL in the middle of a 2,000-candidate import, at seeded
/// random points, and checks that the reruns finish the import with no candidate created
/// twice and none missing. The sandbox delays every response by 5 ms, and the job's rate
/// limit of 250 requests per second makes the whole import take about 8 s, so each kill,
/// 0.3 to 2 s after its run starts, lands before the import is done.
@Suite(
  .serialized,
  .enabled(
    if: SandboxExecutable.path != nil,
    "the hire-etl executable is not built beside the test bundle; run swift build first"))
struct APIWriterKillTests {
  static let candidateCount = 2000
  static let apiKey = "kill-test-key"

  @Test func sigkillThenRerunCreatesEachOnce() throws {
    let folder = TemporaryFolder()
    var configuration = SandboxConfiguration()
    configuration.port = 0
    configuration.apiKey = Self.apiKey
    configuration.faults.latency = 0.005
    configuration.dataPath = folder.path("sandbox.json")
    let server = try SandboxServer(configuration)
    defer { try? server.stop() }

    let client = SandboxTestClient(server)
    let opening = try client.request(
      "POST", api("/openings"), body: #"{"title": "Site Reliability Engineer", "status": "open"}"#)
    try #require(opening.status == 201, "creating the opening: \(opening.text)")
    guard case .number(let openingID)? = opening.object?["id"] else {
      Issue.record("the created opening has no numeric id: \(opening.text)")
      return
    }

    let expectedEmails = (1...Self.candidateCount).map { String(format: "kill-%05d@example.com", $0) }
    var csv = "Email,First,Last\n"
    for (index, email) in expectedEmails.enumerated() {
      csv += "\(email),Candidate\(index + 1),Tester\n"
    }
    folder.write("candidates.csv", csv)
    folder.write(
      "job.yaml",
      """
      version: 1
      name: kill
      api:
        base_url: \(server.baseURL)
        api_key: \(Self.apiKey)
        rate_limit: 250/s
        concurrency: 4
        retries: 5
        timeout: 10s
      steps:
        - name: candidates
          read: { path: candidates.csv }
          key: Email
          map:
            first_name: First
            last_name: Last
            email: Email
            opening: { const: \(openingID) }
          write: { resource: candidates, batch_size: 50 }
      """)
    let run = ["run", folder.path("job.yaml")]

    var generator = SeededGenerator(seed: 20_261_204)
    var countsAfterKills: [Int] = []
    for attempt in 1...3 {
      let delay = Double.random(in: 0.3...2.0, using: &generator)
      let outcome = try runExecutable(
        run, in: folder, errorFile: "killed-\(attempt).log", killAfter: delay)
      #expect(outcome == .killed, "run \(attempt), killed after \(delay) s: \(outcome)")
      countsAfterKills.append(try countRecords("candidates", server: server))
    }
    // At least one kill must land after some candidates and before the last, or the test
    // would not exercise a resume.
    #expect(
      countsAfterKills.contains { $0 > 0 && $0 < Self.candidateCount },
      "candidates in the sandbox after each kill: \(countsAfterKills)")

    let final = try runExecutable(run, in: folder, errorFile: "final.log")
    #expect(final == .exited(0), "final run: \(folder.read("final.log") ?? "")")

    let rerun = try runExecutable(
      run + ["--report", folder.path("report.json")], in: folder, errorFile: "rerun.log")
    #expect(rerun == .exited(0), "rerun: \(folder.read("rerun.log") ?? "")")
    let reportText = folder.read("report.json") ?? ""
    let report = try JSONParser.parse(Array(reportText.utf8))
    guard case .object(let reportObject) = report, case .array(let steps)? = reportObject["steps"],
      case .object(let step)? = steps.first
    else {
      Issue.record("the rerun's report has no step: \(reportText)")
      return
    }
    #expect(step["created"] == .number("0"), "rerun report: \(reportText)")
    #expect(step["skipped"] == .number("\(Self.candidateCount)"), "rerun report: \(reportText)")

    try server.stop()
    let saved = try SandboxDataFile.load(path: folder.path("sandbox.json"))
    let emails = saved[.candidates].records.compactMap { record -> String? in
      guard case .string(let email)? = record["email"] else { return nil }
      return email
    }
    #expect(saved[.candidates].count == Self.candidateCount)
    #expect(emails.count == Self.candidateCount, "candidates without an e-mail address")
    #expect(Set(emails).count == emails.count, "candidates created twice")
    #expect(Set(emails) == Set(expectedEmails), "missing or unexpected candidates")
  }
}
