import Dispatch
import Foundation
import Synchronization
import Testing

@testable import HireETL

/// Writes a job with one step a resource, each exporting to `out/<resource>.jsonl` the records
/// changed since the last run (all of them on the first run).
private func writeExportAllJob(_ fixture: ExportFixture) {
  let steps = apiResources.map { resource in
    """
      - name: \(resource)
        read: { resource: \(resource), since: last_run }
        write: { path: out/\(resource).jsonl }
    """
  }
  fixture.folder.write(
    "job.yaml",
    """
    version: 1
    name: export-all
    api:
      base_url: \(fixture.server.baseURL)
      api_key: \(ExportFixture.apiKey)
      rate_limit: 1000/s
      burst: 100
      page_size: 100
      concurrency: 4
      timeout: 30s
    steps:
    \(steps.joined(separator: "\n"))
    """)
}

/// Returns the `id` of every line of an exported file.
private func exportedIDs(_ fixture: ExportFixture, _ resource: String) throws -> [String] {
  let text = fixture.folder.read("out/\(resource).jsonl") ?? ""
  return try text.split(separator: "\n").map { line in
    guard case .object(let object) = try JSONParser.parse(Array(line.utf8)) else {
      throw ReaderFailure(SourceLocation(file: "\(resource).jsonl"), "a line is not an object")
    }
    return Mapper.text(of: object["id"])
  }
}

/// Creates candidates through the API on a thread of its own until `stop` is called.
private final class CandidateCreator: Sendable {
  private let running = Atomic(true)
  private let created = Mutex<[String]>([])
  private let done = DispatchSemaphore(value: 0)

  init(_ client: APIClient, opening: String) {
    let thread = Thread { [self] in
      var number = 0
      while running.load(ordering: .relaxed) {
        number += 1
        let body = JSONValue.object([
          "first_name": .string("Created"), "last_name": .string("During Export \(number)"),
          "opening": .number(opening),
        ])
        if case .object(let record)? = try? client.post("/candidates", body: body) {
          let id = Mapper.text(of: record["id"])
          created.withLock { $0.append(id) }
        }
      }
      done.signal()
    }
    thread.start()
  }

  /// Stops creating and returns the ids of the candidates created.
  func stop() -> [String] {
    running.store(false, ordering: .relaxed)
    done.wait()
    return created.withLock { $0 }
  }

  var count: Int { created.withLock { $0.count } }
}

/// Checks at account size: a sandbox seeded with 10,000 candidates and their related records,
/// exported whole by one job.
@Suite(.serialized) struct APIExportScaleTests {
  @Test func everyIDOfEveryResourceComesOnce() throws {
    let fixture = try ExportFixture(candidates: 10_000)
    writeExportAllJob(fixture)
    let result = fixture.run()
    #expect(result.status == 0, "\(result.error)")
    for resource in apiResources {
      let expected = try fixture.allIDs(resource)
      let exported = try exportedIDs(fixture, resource)
      #expect(exported.count == Set(exported).count, "\(resource): an id came twice")
      #expect(Set(exported) == Set(expected), "\(resource)")
      if resource == "candidates" { #expect(exported.count == 10_000) }
    }

    // Five candidates change; the next `since: last_run` run writes exactly those five.
    let changed = ["17", "2048", "5000", "7777", "9999"]
    let client = try fixture.client
    for id in changed {
      _ = try client.patch("/candidates/\(id)", body: .object(["phone": .string("555-0100")]))
    }
    fixture.folder.remove("out")
    let second = fixture.run()
    #expect(second.status == 0, "\(second.error)")
    #expect(try exportedIDs(fixture, "candidates").sorted() == changed.sorted())
    #expect(try exportedIDs(fixture, "todos") == [])
  }

  /// Candidates created during the export come at most once, and every record that was there
  /// before comes exactly once.
  @Test func recordsCreatedDuringTheExportDoNotDisturbIt() throws {
    var faults = SandboxFaults()
    // A little latency keeps the export running long enough to overlap the creates.
    faults.latency = 0.002
    let fixture = try ExportFixture(candidates: 10_000, faults: faults)
    writeExportAllJob(fixture)
    let before = try Dictionary(
      uniqueKeysWithValues: apiResources.map { ($0, Set(try fixture.allIDs($0))) })
    let opening = try #require(before["openings"]?.min())
    let creator = CandidateCreator(try fixture.client, opening: opening)
    while creator.count < 20 { Thread.sleep(forTimeInterval: 0.01) }
    let result = fixture.run()
    let created = creator.stop()
    #expect(result.status == 0, "\(result.error)")
    #expect(created.count > 20)
    #expect(result.error.contains("step 'candidates': the record count changed from"))
    for resource in apiResources {
      let exported = try exportedIDs(fixture, resource)
      #expect(exported.count == Set(exported).count, "\(resource): an id came twice")
      let missing = before[resource, default: []].subtracting(exported)
      #expect(missing.isEmpty, "\(resource): missing \(missing.sorted().prefix(5))")
      let unknown = Set(exported).subtracting(before[resource, default: []]).subtracting(created)
      #expect(unknown.isEmpty, "\(resource): ids that never existed \(unknown.prefix(5))")
    }
  }
}
