import Testing

@testable import HireETL

/// Reconciling a create whose response was lost, in an account that already contains a record
/// with the same fields.
@Suite struct APIReconcileTests {
  @Test func olderLookAlikeIsNotAdopted() throws {
    var faults = SandboxFaults()
    faults.loseRate = 0.5
    faults.lostResponse = .gatewayTimeout
    faults.randomSeed = 3
    let fixture = try ExportFixture(candidates: 50, faults: faults)
    let client = try fixture.client
    // Seeded records were created in 2024, long before this run.
    guard case .object(let page) = try client.get("/candidates", query: [("limit", "1")]),
      case .array(let results)? = page["results"], case .object(let existing)? = results.first
    else {
      Issue.record("the sandbox listed no candidate")
      return
    }
    let existingID = Mapper.text(of: existing["id"])
    let row = ["first_name", "last_name", "email", "opening"].map { Mapper.text(of: existing[$0]) }
    fixture.folder.write(
      "candidates.csv", "First,Last,Email,Opening\n\(row.joined(separator: ","))\n")
    fixture.folder.write(
      "job.yaml",
      """
      version: 1
      name: reconcile
      api:
        base_url: \(fixture.server.baseURL)
        api_key: \(ExportFixture.apiKey)
        rate_limit: 200/s
        concurrency: 1
        retries: 30
        timeout: 10s
      steps:
        - name: candidates
          read: { path: candidates.csv }
          key: Email
          map:
            first_name: First
            last_name: Last
            email: Email
            opening: { field: Opening, type: integer }
          write: { resource: candidates }
      """)
    let before = try fixture.allIDs("candidates")
    let result = fixture.run()
    #expect(result.status == 0, "\(result.error)")
    let after = try fixture.allIDs("candidates")
    #expect(after.count == before.count + 1)
    let state = try StateStore(
      path: fixture.folder.path(".hire-etl/reconcile.sqlite"), readOnly: true)
    let created = try #require(try state.createdIDs(step: "candidates").values.first)
    #expect(String(created) != existingID)
    #expect(Set(after).subtracting(before) == [String(created)])
  }
}
