import Testing

@testable import HireETL

/// The integer value of `member` in `object`.
func integerMember(_ object: JSONObject?, _ member: String) -> Int? {
  guard case .number(let literal)? = object?[member] else { return nil }
  return Int(literal)
}

/// The string value of `member` in `object`.
func stringMember(_ object: JSONObject?, _ member: String) -> String? {
  guard case .string(let text)? = object?[member] else { return nil }
  return text
}

/// The `results` array of a list response.
func listResults(_ response: SandboxTestResponse) -> [JSONObject] {
  guard case .array(let items)? = response.object?["results"] else { return [] }
  return items.compactMap { item in
    guard case .object(let object) = item else { return nil }
    return object
  }
}

/// The `field` of each entry of a 400 response's `errors` array.
func errorFields(_ response: SandboxTestResponse) -> [String] {
  guard case .array(let items)? = response.object?["errors"] else { return [] }
  return items.compactMap { item in
    guard case .object(let object) = item else { return nil }
    return stringMember(object, "field")
  }
}

struct SandboxAPITests {
  @Test func listPagesWithNextAndPrevious() throws {
    let server = try startTestSandbox(seed: 100)
    defer { try? server.stop() }
    let client = SandboxTestClient(server)

    let first = try client.request("GET", api("/candidates"))
    #expect(first.status == 200)
    #expect(integerMember(first.object, "count") == 100)
    #expect(listResults(first).count == 10)
    #expect(first.object?["previous"] == .null)
    #expect(
      stringMember(first.object, "next") == "\(server.baseURL)/candidates?limit=10&offset=10")

    let middle = try client.request("GET", api("/candidates?limit=30&offset=30"))
    #expect(listResults(middle).map { integerMember($0, "id") } == (31...60).map { $0 })
    #expect(
      stringMember(middle.object, "previous") == "\(server.baseURL)/candidates?limit=30")
    #expect(
      stringMember(middle.object, "next") == "\(server.baseURL)/candidates?limit=30&offset=60")

    let last = try client.request("GET", api("/candidates?limit=30&offset=90"))
    #expect(listResults(last).count == 10)
    #expect(last.object?["next"] == .null)
  }

  @Test func otherListsHaveCountAndResultsOnly() throws {
    let server = try startTestSandbox(seed: 30)
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    for path in [
      "/candidatemessages", "/internalnotes", "/interviews", "/reviews", "/evaluations", "/todos",
    ] {
      let response = try client.request("GET", api(path))
      #expect(response.status == 200, "\(path)")
      #expect(response.object?.keys == ["count", "results"], "\(path)")
    }
  }

  @Test func filtersSelectMatchingRecords() throws {
    let server = try startTestSandbox(seed: 60)
    defer { try? server.stop() }
    let client = SandboxTestClient(server)

    let open = try client.request("GET", api("/openings?status=open&limit=100"))
    #expect(!listResults(open).isEmpty)
    #expect(listResults(open).allSatisfy { stringMember($0, "status") == "open" })
    let nextOfFiltered = try client.request("GET", api("/openings?status=closed&limit=1"))
    if integerMember(nextOfFiltered.object, "count")! > 1 {
      #expect(
        stringMember(nextOfFiltered.object, "next")
          == "\(server.baseURL)/openings?status=closed&limit=1&offset=1")
    }

    let byOpening = try client.request("GET", api("/candidates?opening=2&limit=100"))
    #expect(listResults(byOpening).allSatisfy { integerMember($0, "opening") == 2 })
    #expect(integerMember(byOpening.object, "count") == listResults(byOpening).count)

    let notes = try client.request("GET", api("/internalnotes?candidate=1&limit=100"))
    #expect(listResults(notes).allSatisfy { integerMember($0, "candidate") == 1 })
    let none = try client.request("GET", api("/todos?candidate=99999"))
    #expect(integerMember(none.object, "count") == 0)
  }

  struct QueryCase: Sendable, CustomTestStringConvertible {
    var target: String
    var detail: String
    var testDescription: String { target }
  }

  static let badQueries: [QueryCase] = [
    QueryCase(
      target: "/openings?limit=101",
      detail: "Invalid query string: limit must be a whole number from 1 to 100, not '101'."),
    QueryCase(
      target: "/openings?limit=0",
      detail: "Invalid query string: limit must be a whole number from 1 to 100, not '0'."),
    QueryCase(
      target: "/todos?offset=-1",
      detail: "Invalid query string: offset must be a whole number of 0 or more, not '-1'."),
    QueryCase(
      target: "/openings?status=archived",
      detail: "Invalid query string: status must be one of open, closed, draft, not 'archived'."),
    QueryCase(
      target: "/candidates?opening=abc",
      detail: "Invalid query string: opening must be an integer id, not 'abc'."),
    QueryCase(
      target: "/candidates?limt=5",
      detail:
        "Invalid query string: unknown query parameter 'limt' (did you mean 'limit'?); candidates accepts limit, offset, opening."
    ),
    QueryCase(
      target: "/reviews?status=open",
      detail:
        "Invalid query string: unknown query parameter 'status'; reviews accepts limit, offset, candidate."
    ),
    QueryCase(
      target: "/openings?limit=5&limit=6",
      detail: "Invalid query string: the query parameter 'limit' is given more than once."),
    QueryCase(
      target: "/openings/1?expand=true",
      detail:
        "Invalid query string: unknown query parameter 'expand'; this operation takes no query parameters."
    ),
    QueryCase(
      target: "/openings?limit=%ZZ",
      detail:
        "Invalid query string: the query string has a '%' that is not followed by two hex digits."),
  ]

  @Test(arguments: badQueries)
  func badQueryIs400(_ testCase: QueryCase) throws {
    let server = try startTestSandbox(seed: 3)
    defer { try? server.stop() }
    let response = try SandboxTestClient(server).request("GET", api(testCase.target))
    #expect(response.status == 400)
    #expect(response.detail == testCase.detail)
  }

  @Test func percentEncodedQueryIsDecoded() throws {
    let server = try startTestSandbox(seed: 20)
    defer { try? server.stop() }
    let response = try SandboxTestClient(server).request("GET", api("/openings?%73tatus=op%65n"))
    #expect(response.status == 200)
  }

  @Test func createOpeningSetsServerFields() throws {
    let server = try startTestSandbox()
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    let body =
      #"{"id": 77, "created_at": "1999-01-01T00:00:00Z", "title": "Nurse, \"Night\" 🌙", "location": null}"#
    let response = try client.request("POST", api("/openings"), body: body)
    #expect(response.status == 201)
    let record = try #require(response.object)
    #expect(
      record.keys == [
        "id", "title", "status", "department", "location", "description", "created_at",
        "updated_at",
      ])
    #expect(integerMember(record, "id") == 1)
    #expect(stringMember(record, "title") == "Nurse, \"Night\" 🌙")
    #expect(stringMember(record, "status") == "draft")
    #expect(record["location"] == .null)
    #expect(stringMember(record, "created_at") != "1999-01-01T00:00:00Z")
    #expect(stringMember(record, "created_at") == stringMember(record, "updated_at"))
    #expect(response.header("location") == "\(server.baseURL)/openings/1")

    let fetched = try client.request("GET", api("/openings/1"))
    #expect(fetched.object == record)
  }

  @Test func createCandidateChecksEveryField() throws {
    let server = try startTestSandbox()
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    let body =
      #"{"first_name": "", "last_name": 5, "email": "not-an-address", "opening": "3", "stage": "x", "phone": null}"#
    let response = try client.request("POST", api("/candidates"), body: body)
    #expect(response.status == 400)
    #expect(errorFields(response) == ["first_name", "last_name", "opening", "stage", "email"])
    #expect(
      response.detail
        == "The request body is not a valid CandidateInput: first_name must not be empty; last_name must be a string, not the number 5; opening must be an integer, not a string; stage is not a field of CandidateInput; email is not a valid e-mail address."
    )
  }

  @Test func candidateNeedsExistingOpening() throws {
    let server = try startTestSandbox()
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    let response = try client.request(
      "POST", api("/candidates"),
      body: #"{"first_name": "Ana", "last_name": "Lima", "opening": 42}"#)
    #expect(response.status == 400)
    #expect(errorFields(response) == ["opening"])
    #expect(
      response.detail
        == "The request body is not a valid CandidateInput: opening 42 does not exist.")
  }

  @Test func missingRequiredFieldsAreListed() throws {
    let server = try startTestSandbox()
    defer { try? server.stop() }
    let response = try SandboxTestClient(server).request("POST", api("/candidates"), body: "{}")
    #expect(response.status == 400)
    #expect(errorFields(response) == ["first_name", "last_name", "opening"])
  }

  struct BodyCase: Sendable, CustomTestStringConvertible {
    var name: String
    var body: String
    var detail: String
    var testDescription: String { name }
  }

  static let badBodies: [BodyCase] = [
    BodyCase(name: "empty", body: "", detail: "The request body is empty; send a JSON object."),
    BodyCase(name: "array", body: "[]", detail: "The request body must be a JSON object."),
    BodyCase(
      name: "invalid JSON", body: "{\"title\": ",
      detail:
        "The request body is not valid JSON: unexpected end of input, expected a JSON value at byte offset 10."
    ),
    BodyCase(
      name: "bad status", body: #"{"title": "A", "status": "Open"}"#,
      detail:
        "The request body is not a valid OpeningInput: status must be one of open, closed, draft (did you mean 'open'?)."
    ),
    BodyCase(
      name: "null status", body: #"{"title": "A", "status": null}"#,
      detail: "The request body is not a valid OpeningInput: status must not be null."),
    BodyCase(
      name: "duplicate key", body: #"{"title": "A", "title": "B"}"#,
      detail: "The request body is not a valid OpeningInput: title is given more than once."),
  ]

  @Test(arguments: badBodies)
  func badOpeningBodyIs400(_ testCase: BodyCase) throws {
    let server = try startTestSandbox()
    defer { try? server.stop() }
    let response = try SandboxTestClient(server).request(
      "POST", api("/openings"), body: testCase.body)
    #expect(response.status == 400)
    #expect(response.detail == testCase.detail)
    #expect(server.recordCounts.first { $0.resource == "openings" }?.count == 0)
  }

  @Test func nonJSONContentTypeIs415() throws {
    let server = try startTestSandbox()
    defer { try? server.stop() }
    let response = try SandboxTestClient(server).request(
      "POST", api("/openings"), body: "title=A",
      headers: [("Content-Type", "application/x-www-form-urlencoded")])
    #expect(response.status == 415)
  }

  @Test func patchChangesOnlyGivenFields() throws {
    let server = try startTestSandbox(seed: 10)
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    let before = try #require(try client.request("GET", api("/candidates/4")).object)
    let response = try client.request(
      "PATCH", api("/candidates/4"), body: #"{"phone": null, "source": "Referral", "id": 1000}"#)
    #expect(response.status == 200)
    let after = try #require(response.object)
    #expect(after.keys == before.keys)
    #expect(after["phone"] == .null)
    #expect(stringMember(after, "source") == "Referral")
    #expect(integerMember(after, "id") == 4)
    #expect(after["first_name"] == before["first_name"])
    #expect(stringMember(after, "updated_at") != stringMember(before, "updated_at"))

    let invalid = try client.request("PATCH", api("/candidates/4"), body: #"{"first_name": null}"#)
    #expect(invalid.status == 400)
    let missing = try client.request("PATCH", api("/candidates/9999"), body: #"{"source": "x"}"#)
    #expect(missing.status == 404)
  }

  @Test func deleteRemovesCandidateAndRelatedRecords() throws {
    let server = try startTestSandbox(seed: 40)
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    let children = [
      "/candidatemessages", "/internalnotes", "/interviews", "/reviews", "/evaluations", "/todos",
    ]
    // Find a candidate with at least one related record.
    var candidate = 1
    for id in 1...40 {
      let messages = try client.request("GET", api("/candidatemessages?candidate=\(id)"))
      if integerMember(messages.object, "count")! > 0 {
        candidate = id
        break
      }
    }
    let deleted = try client.request("DELETE", api("/candidates/\(candidate)"))
    #expect(deleted.status == 204)
    #expect(deleted.body.isEmpty)
    #expect(deleted.header("content-length") == nil)
    #expect(try client.request("GET", api("/candidates/\(candidate)")).status == 404)
    #expect(try client.request("DELETE", api("/candidates/\(candidate)")).status == 404)
    for path in children {
      let remaining = try client.request("GET", api("\(path)?candidate=\(candidate)"))
      #expect(integerMember(remaining.object, "count") == 0, "\(path)")
    }
  }

  @Test func idsAreNotReusedAfterDelete() throws {
    let server = try startTestSandbox(seed: 3)
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    #expect(try client.request("DELETE", api("/candidates/3")).status == 204)
    let created = try client.request(
      "POST", api("/candidates"), body: #"{"first_name": "Ana", "last_name": "Lima", "opening": 1}"#
    )
    #expect(integerMember(created.object, "id") == 4)
  }

  @Test func authorizationIsRequired() throws {
    let server = try startTestSandbox(seed: 3) { $0.apiKey = "right-key" }
    defer { try? server.stop() }
    let missing = try SandboxTestClient(server).request("GET", api("/openings"), authorized: false)
    #expect(missing.status == 401)
    #expect(missing.header("www-authenticate") == "ApiKey")
    let wrong = try SandboxTestClient(port: server.port, apiKey: "wrong-key").request(
      "GET", api("/openings"))
    #expect(wrong.status == 401)
    #expect(
      wrong.detail
        == "Invalid API key. Send the header 'Authorization: ApiKey <key>' with the sandbox's key.")
    let bearer = try SandboxTestClient(server).request(
      "GET", api("/openings"), authorized: false, headers: [("Authorization", "Bearer right-key")])
    #expect(bearer.status == 401)
    let lowercase = try SandboxTestClient(server).request(
      "GET", api("/openings"), authorized: false, headers: [("Authorization", "apikey right-key")])
    #expect(lowercase.status == 200)
  }

  @Test(arguments: [
    "/", "/api/v2", "/api/v2/", "/api/v1/openings", "/api/v2/openings/", "/api/v2/jobs",
    "/api/v2/openings/abc", "/api/v2/openings/1/candidates", "/api/v2/evaluations/1",
    "/api/v2/openings/99999",
  ])
  func unknownPathOrIdIs404(_ target: String) throws {
    let server = try startTestSandbox(seed: 3)
    defer { try? server.stop() }
    let response = try SandboxTestClient(server).request("GET", target)
    #expect(response.status == 404)
    #expect(response.detail != nil)
  }

  @Test func undocumentedMethodIs405WithAllow() throws {
    let server = try startTestSandbox(seed: 3)
    defer { try? server.stop() }
    let client = SandboxTestClient(server)
    let cases: [(String, String, String)] = [
      ("DELETE", "/openings/1", "GET"),
      ("PUT", "/candidates/1", "GET, PATCH, DELETE"),
      ("POST", "/todos", "GET"),
      ("PATCH", "/openings", "GET, POST"),
      ("HEAD", "/reviews/1", "GET"),
    ]
    for (method, path, allow) in cases {
      let response = try client.request(method, api(path), body: method == "HEAD" ? nil : "{}")
      #expect(response.status == 405, "\(method) \(path)")
      #expect(response.header("allow") == allow, "\(method) \(path)")
    }
  }

  @Test func unauthorizedBeatsMethodNotAllowed() throws {
    let server = try startTestSandbox(seed: 3)
    defer { try? server.stop() }
    let response = try SandboxTestClient(server).request(
      "DELETE", api("/openings/1"), authorized: false)
    #expect(response.status == 401)
  }
}
