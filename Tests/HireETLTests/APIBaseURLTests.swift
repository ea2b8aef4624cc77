import Testing

@testable import HireETL

@Suite struct APIBaseURLTests {
  @Test(arguments: [
    ("https://acme.hire.trakstar.com/api/v2/", "https://acme.hire.trakstar.com/api/v2", false),
    ("http://127.0.0.1:8765/api/v2", "http://127.0.0.1:8765/api/v2", true),
    ("http://127.10.0.3/api", "http://127.10.0.3/api", true),
    ("http://localhost:9000", "http://localhost:9000", true),
    ("http://[::1]:9000/api/v2", "http://[::1]:9000/api/v2", true),
    ("HTTPS://Example.com", "HTTPS://Example.com", false),
  ])
  func accepted(text: String, expected: String, loopback: Bool) throws {
    let url = try APIBaseURL(text)
    #expect(url.string == expected)
    #expect(url.isLoopback == loopback)
  }

  @Test(arguments: [
    (
      "http://acme.hire.trakstar.com/api/v2",
      APIBaseURLError.insecure(
        "http://acme.hire.trakstar.com/api/v2", host: "acme.hire.trakstar.com")
    ),
    ("http://128.0.0.1/", .insecure("http://128.0.0.1/", host: "128.0.0.1")),
    (
      "http://127.0.0.1.evil.com/",
      .insecure("http://127.0.0.1.evil.com/", host: "127.0.0.1.evil.com")
    ),
    (
      "http://localhost.evil.com/",
      .insecure("http://localhost.evil.com/", host: "localhost.evil.com")
    ),
    ("ftp://example.com", .unsupportedScheme("ftp://example.com", scheme: "ftp")),
    ("example.com/api", .missingScheme("example.com/api")),
    ("https:///api", .missingHost("https:///api")),
    ("https://user:pw@example.com", .userInfo("https://user:pw@example.com")),
    ("https://example.com/api?x=1", .queryOrFragment("https://example.com/api?x=1")),
  ])
  func rejected(text: String, error: APIBaseURLError) {
    #expect(throws: error) { try APIBaseURL(text) }
  }

  @Test func insecureMessage() {
    let error = APIBaseURLError.insecure("http://acme.example/api", host: "acme.example")
    #expect(
      error.description
        == "base_url \"http://acme.example/api\" uses plain http to acme.example, which would send "
        + "the API key unencrypted; use https (plain http is accepted only for 127.0.0.1, ::1 "
        + "and localhost)")
  }

  @Test func urlJoinsPathAndEncodesQuery() throws {
    let base = try APIBaseURL("https://acme.example/api/v2/")
    #expect(base.url("/openings") == "https://acme.example/api/v2/openings")
    #expect(base.url("openings/7") == "https://acme.example/api/v2/openings/7")
    #expect(
      base.url("/candidates", query: [("opening", "12"), ("q", "a b&c/é")])
        == "https://acme.example/api/v2/candidates?opening=12&q=a%20b%26c%2F%C3%A9")
  }
}
