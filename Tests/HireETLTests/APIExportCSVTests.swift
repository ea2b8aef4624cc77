import Testing

@testable import HireETL

/// Exports through the real command from a scripted API whose candidates leave out null fields,
/// list fields in their own order, and bring fields that the schema does not have.
@Suite struct APIExportCSVColumnsTests {
  static let pages = [
    #"{"count":3,"next":"/api/v2/candidates?limit=2&offset=2","results":["#
      + #"{"last_name":"Lovelace","id":1,"first_name":"Ada","opening":4},"#
      + #"{"id":2,"first_name":"Bo","last_name":"Ek","opening":4,"stage":"New"}]}"#,
    #"{"count":3,"next":null,"results":["#
      + #"{"id":3,"first_name":"Cy","last_name":"Oh","opening":4,"tags":["a","b"],"score":7}]}"#,
  ]

  @Test func exportKeepsSchemaOrderAndExtraFields() throws {
    let server = try ScriptedHTTPServer { request in
      let page = request.target.contains("offset=2") ? Self.pages[1] : Self.pages[0]
      return .respond(status: 200, headers: [("Content-Type", "application/json")], body: page)
    }
    defer { server.stop() }
    let folder = TemporaryFolder()
    folder.write(
      "job.yaml",
      """
      version: 1
      name: columns
      api:
        base_url: \(server.baseURL)/api/v2
        api_key: scripted-key
        page_size: 2
        concurrency: 1
      steps:
        - name: export
          read: { resource: candidates }
          write: { path: out/candidates.csv }
      """)
    let result = runCommandLine(["run", folder.path("job.yaml")])
    #expect(result.status == 0, "\(result.error)")
    let header =
      "id,first_name,last_name,email,phone,opening,stage,source,created_at,updated_at,tags,score"
    let rows = [
      header, "1,Ada,Lovelace,,,4,,,,,,", "2,Bo,Ek,,,4,New,,,,,",
      #"3,Cy,Oh,,,4,,,,,"[""a"",""b""]",7"#,
    ]
    #expect(folder.read("out/candidates.csv") == rows.joined(separator: "\n") + "\n")
    #expect(result.error.contains("field 'tags' is not in the API's schema of candidates"))
    #expect(result.error.contains("field 'score' is not in the API's schema of candidates"))
    let manifest = try #require(folder.read("out/candidates.csv.manifest.json"))
    #expect(
      manifest.contains(
        #""columns":["# + header.split(separator: ",").map { "\"\($0)\"" }.joined(separator: ",")
          + "]"))
  }
}
