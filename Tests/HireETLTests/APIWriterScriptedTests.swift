import Synchronization
import Testing

@testable import HireETL

/// Checks creates whose outcome is unknown against a scripted server, which responds to one
/// only after the client's timeout and to another with a success that names no id.
@Suite struct APIWriterScriptedTests {
  private static let job = """
    version: 1
    name: timeouts
    api:
      base_url: BASE/api/v2
      api_key: scripted-key
      timeout: 1s
      retries: 2
    steps:
      - name: openings
        read: { path: openings.csv }
        key: Req
        map: { title: Title, status: { const: open } }
        write: { resource: openings }
    """

  /// Runs the job against a server whose list of openings contains `listed` after the first POST.
  private static func run(listedAfterTimeout listed: String) throws -> (
    status: Int32, requests: [ScriptedRequest], state: [String: Int64]
  ) {
    let posts = Mutex(0)
    let server = try ScriptedHTTPServer { request in
      if request.method == "POST" {
        let count = posts.withLock { count in
          count += 1
          return count
        }
        if count == 1 {
          return .respond(status: 201, body: #"{"id": 41, "title": "Backend Engineer"}"#, delay: 2)
        }
        return .respond(status: 201, body: #"{"id": 42, "title": "Backend Engineer"}"#)
      }
      let results = posts.withLock { $0 } == 0 ? "" : listed
      return .respond(
        status: 200, headers: [("Content-Type", "application/json")],
        body: #"{"count": 1, "next": null, "previous": null, "results": [\#(results)]}"#)
    }
    defer { server.stop() }
    let folder = TemporaryFolder()
    folder.write("openings.csv", "Req,Title\nR1,Backend Engineer\n")
    folder.write("job.yaml", job.replacingAll("BASE", with: server.baseURL))
    let result = runCommandLine(["run", folder.path("job.yaml"), "-q"])
    let state = try StateStore(path: folder.path(".hire-etl/timeouts.sqlite"), readOnly: true)
    return (result.status, server.requests, try state.createdIDs(step: "openings"))
  }

  @Test func timedOutCreateAdopted() throws {
    let outcome = try Self.run(
      listedAfterTimeout: #"{"id": 41, "title": "Backend Engineer", "status": "open"}"#)
    #expect(outcome.status == 0)
    #expect(outcome.requests.filter { $0.method == "POST" }.count == 1)
    #expect(outcome.state == ["R1": 41])
  }

  @Test func timedOutCreateNotFoundSentAgain() throws {
    let outcome = try Self.run(listedAfterTimeout: "")
    #expect(outcome.status == 0)
    #expect(outcome.requests.filter { $0.method == "POST" }.count == 2)
    #expect(outcome.state == ["R1": 42])
  }

  @Test func reconcileFiltersByStatus() throws {
    let outcome = try Self.run(listedAfterTimeout: "")
    let lookups = outcome.requests.filter { $0.method == "GET" }.map(\.target)
    #expect(
      lookups == ["/api/v2/openings?limit=1", "/api/v2/openings?status=open&limit=100&offset=0"])
  }

  @Test func createWithoutIDKeepsMarker() throws {
    let posts = Mutex(0)
    let server = try ScriptedHTTPServer { request in
      if request.method == "POST" {
        posts.withLock { $0 += 1 }
        return .respond(status: 201, headers: [("Content-Type", "application/json")], body: "{}")
      }
      let results =
        posts.withLock { $0 } == 0 ? "" : #"{"id": 7, "title": "Backend Engineer"}"#
      return .respond(
        status: 200, headers: [("Content-Type", "application/json")],
        body: #"{"count": 1, "next": null, "previous": null, "results": [\#(results)]}"#)
    }
    defer { server.stop() }
    let folder = TemporaryFolder()
    folder.write("openings.csv", "Req,Title\nR1,Backend Engineer\n")
    folder.write("job.yaml", Self.job.replacingAll("BASE", with: server.baseURL))

    let first = runCommandLine(["run", folder.path("job.yaml"), "-q"])
    #expect(first.status == 3)
    #expect(first.error.contains("the record sent back has no integer `id`"))
    do {
      let state = try StateStore(path: folder.path(".hire-etl/timeouts.sqlite"), readOnly: true)
      #expect(try state.inFlightMarkers().map(\.sourceKey) == ["R1"])
    }

    let second = runCommandLine(["run", folder.path("job.yaml"), "-q"])
    #expect(second.status == 0, "\(second.error)")
    #expect(posts.withLock { $0 } == 1)
    let state = try StateStore(path: folder.path(".hire-etl/timeouts.sqlite"), readOnly: true)
    #expect(try state.createdIDs(step: "openings") == ["R1": 7])
    #expect(try state.inFlightMarkers().isEmpty)
  }
}
