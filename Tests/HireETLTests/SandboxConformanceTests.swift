import Foundation
import Testing

@testable import HireETL

/// The Trakstar Hire OpenAPI document in the shared folder beside the repository, read at test
/// time. A fresh clone has no such folder, so the tests that need it are skipped then.
enum OpenAPIDocument {
  /// The repository root is three levels above this file,
  /// `Tests/HireETLTests/SandboxConformanceTests.swift`.
  static let path: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("../shared/trakstar-hire-openapi.yaml")
    .standardizedFileURL.path

  static var isAvailable: Bool { FileManager.default.fileExists(atPath: path) }

  static let skipReason: Comment =
    "the OpenAPI document ../shared/trakstar-hire-openapi.yaml beside the repository is absent"

  static func load() throws -> YAMLNode {
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    return try YAMLLoader.load(bytes)
  }

  /// Returns every operation of the document, or none when it is absent or cannot be read.
  static func operations() -> [DocumentedOperation] {
    guard isAvailable, let document = try? load(), let paths = document["paths"] else { return [] }
    var result: [DocumentedOperation] = []
    for (path, item) in paths.entries {
      for (method, operation) in item.entries {
        let statuses = operation["responses"]?.entries.map(\.key) ?? []
        result.append(
          DocumentedOperation(path: path, method: method.uppercased(), statuses: statuses))
      }
    }
    return result
  }
}

/// One path and method of the OpenAPI document with its documented status codes.
struct DocumentedOperation: Sendable, CustomTestStringConvertible {
  var path: String
  var method: String
  var statuses: [String]

  var testDescription: String { "\(method) \(path)" }
  /// The path without a trailing `/{id}`.
  var collectionPath: String {
    path.hasSuffix("/{id}") ? String(path.dropLast("/{id}".count)) : path
  }
}

extension YAMLNode {
  /// The value of `key` in a mapping, nil for other nodes or a missing key.
  subscript(key: String) -> YAMLNode? {
    guard case .mapping(let entries, _) = self else { return nil }
    return entries.first { $0.key.text == key }?.value
  }

  var entries: [(key: String, value: YAMLNode)] {
    guard case .mapping(let entries, _) = self else { return [] }
    return entries.map { ($0.key.text, $0.value) }
  }

  var items: [YAMLNode] {
    guard case .sequence(let items, _) = self else { return [] }
    return items
  }

  var text: String? {
    guard case .scalar(let scalar) = self else { return nil }
    return scalar.text
  }

  var isTrue: Bool {
    guard case .scalar(let scalar) = self else { return false }
    return scalar.boolValue == true
  }

  /// Returns the node itself, or the node that its `$ref` (`#/components/...`) points at.
  func resolved(in document: YAMLNode) -> YAMLNode {
    guard let reference = self["$ref"]?.text, reference.hasPrefix("#/") else { return self }
    var node: YAMLNode? = document
    for part in reference.dropFirst(2).split(separator: "/") { node = node?[String(part)] }
    return node?.resolved(in: document) ?? self
  }
}

/// Checks JSON values against OpenAPI 3.0 schemas: types, `nullable`, `enum`, `format`,
/// `required`, and that objects have every documented property and no other.
struct OpenAPISchemaCheck {
  let document: YAMLNode
  /// Undocumented properties that the top-level object may have.
  let extensions: Set<String>
  private(set) var problems: [String] = []

  init(document: YAMLNode, extensions: Set<String> = []) {
    self.document = document
    self.extensions = extensions
  }

  mutating func check(_ value: JSONValue, against schemaNode: YAMLNode, at location: String) {
    let schema = schemaNode.resolved(in: document)
    if value == .null {
      if schema["nullable"]?.isTrue != true {
        problems.append("\(location) is null but not nullable")
      }
      return
    }
    switch schema["type"]?.text {
    case "object": checkObject(value, schema, at: location)
    case "array":
      guard case .array(let items) = value else { return mismatch(location, "an array", value) }
      for (index, item) in items.enumerated() {
        if let itemSchema = schema["items"] {
          check(item, against: itemSchema, at: "\(location)[\(index)]")
        }
      }
    case "integer":
      guard case .number(let literal) = value, Int(literal) != nil else {
        return mismatch(location, "an integer", value)
      }
    case "boolean":
      guard case .bool = value else { return mismatch(location, "a boolean", value) }
    case "string":
      guard case .string(let text) = value else { return mismatch(location, "a string", value) }
      checkString(text, schema, at: location)
    default:
      problems.append("\(location): the schema has no type this check knows")
    }
  }

  private mutating func checkObject(_ value: JSONValue, _ schema: YAMLNode, at location: String) {
    guard case .object(let object) = value else { return mismatch(location, "an object", value) }
    let properties = schema["properties"]?.entries ?? []
    let documented = Set(properties.map(\.key))
    let allowed = location == "body" ? documented.union(extensions) : documented
    for key in object.keys where !allowed.contains(key) {
      problems.append("\(location).\(key) is not a documented property")
    }
    for required in schema["required"]?.items.compactMap(\.text) ?? [] where object[required] == nil
    {
      problems.append("\(location).\(required) is required but missing")
    }
    for (name, propertySchema) in properties {
      guard let member = object[name] else {
        problems.append("\(location).\(name) is missing")
        continue
      }
      check(member, against: propertySchema, at: "\(location).\(name)")
    }
  }

  private mutating func checkString(_ text: String, _ schema: YAMLNode, at location: String) {
    if let allowed = schema["enum"]?.items.compactMap(\.text), !allowed.contains(text) {
      problems.append("\(location) is '\(text)', not one of \(allowed)")
    }
    switch schema["format"]?.text {
    case "date-time":
      let parsed = DateConversion.parse(text, format: nil)
      if parsed == nil || parsed?.hasTime != true || !(text.hasSuffix("Z") || text.contains("+")) {
        problems.append("\(location) is '\(text)', not an RFC 3339 date-time")
      }
    case "date":
      if text.count != 10 || DateConversion.parse(text, format: "%Y-%m-%d") == nil {
        problems.append("\(location) is '\(text)', not a date")
      }
    case "email":
      if !EmailAddress.isValid(text) { problems.append("\(location) is not an e-mail address") }
    default:
      break
    }
  }

  private mutating func mismatch(_ location: String, _ expected: String, _ value: JSONValue) {
    problems.append("\(location) should be \(expected), not \(value)")
  }
}

/// Runs every operation of the OpenAPI document against a sandbox over HTTP on 127.0.0.1 and
/// checks the documented status codes and response shapes.
@Suite(.enabled(if: OpenAPIDocument.isAvailable, OpenAPIDocument.skipReason))
struct SandboxConformanceTests {
  static let operations = OpenAPIDocument.operations()

  /// A sandbox seeded with 30 candidates, a client for it and the loaded document.
  final class Fixture {
    let document: YAMLNode
    let server: SandboxServer
    let client: SandboxTestClient

    init() throws {
      document = try OpenAPIDocument.load()
      server = try startTestSandbox(seed: 30)
      client = SandboxTestClient(server)
    }

    deinit {
      try? server.stop()
    }

    /// Returns the id of the first record of a collection, such as `/openings`.
    func existingID(_ collectionPath: String) throws -> Int {
      let response = try client.request("GET", api(collectionPath + "?limit=1"))
      return try #require(listResults(response).first.flatMap { integerMember($0, "id") })
    }

    /// Returns a JSON body with every property of an input schema set to a valid value.
    func validBody(_ schemaNode: YAMLNode) throws -> String {
      let schema = schemaNode.resolved(in: document)
      var object = JSONObject()
      for (name, property) in schema["properties"]?.entries ?? [] {
        let property = property.resolved(in: document)
        switch property["type"]?.text {
        case "integer":
          // The integer input properties refer to records, such as `opening`.
          object[name] = .number(String(try existingID("/\(name)s")))
        case "boolean":
          object[name] = .bool(true)
        default:
          if let first = property["enum"]?.items.first?.text {
            object[name] = .string(first)
          } else if property["format"]?.text == "email" {
            object[name] = .string("conformance@example.com")
          } else {
            object[name] = .string("Conformance \"sample\", ünïcödé")
          }
        }
      }
      var bytes: [UInt8] = []
      JSONWriter.appendValue(.object(object), to: &bytes)
      return String(decoding: bytes, as: UTF8.self)
    }

    /// Returns a body that breaks the schema: its first required property has the wrong JSON type.
    func invalidBody(_ schemaNode: YAMLNode) throws -> String {
      let schema = schemaNode.resolved(in: document)
      let name = try #require(schema["required"]?.items.first?.text)
      let type = schema["properties"]?[name]?["type"]?.text
      return type == "string" ? "{\"\(name)\": 12345}" : "{\"\(name)\": \"text\"}"
    }
  }

  @Test(arguments: operations)
  func operationAnswersDocumentedStatuses(_ operation: DocumentedOperation) throws {
    let fixture = try Fixture()
    let paths = try #require(fixture.document["paths"])
    let node = try #require(paths[operation.path]?[operation.method.lowercased()])
    let responses = try #require(node["responses"]?.entries)
    #expect(!responses.isEmpty)

    for (code, responseNode) in responses {
      let response = try send(operation, provoking: code, node: node, fixture: fixture)
      #expect(
        response.status == Int(code), "\(operation.testDescription) for \(code): \(response.text)")
      let documented = responseNode.resolved(in: fixture.document)
      guard let schema = documented["content"]?["application/json"]?["schema"] else {
        #expect(
          response.body.isEmpty, "\(operation.testDescription) \(code) has no documented body")
        continue
      }
      #expect(response.header("content-type") == "application/json")
      let json = try JSONParser.parse(response.body)
      // The sandbox adds per-field `errors` to the documented `detail` of a 400 response.
      var check = OpenAPISchemaCheck(
        document: fixture.document, extensions: code == "400" ? ["errors"] : [])
      check.check(json, against: schema, at: "body")
      #expect(check.problems.isEmpty, "\(operation.testDescription) \(code): \(check.problems)")
    }
  }

  /// Sends the request that should get `code` from the operation.
  private func send(
    _ operation: DocumentedOperation, provoking code: String, node: YAMLNode, fixture: Fixture
  ) throws -> SandboxTestResponse {
    var path = operation.path
    if path.contains("{id}") {
      let id: Int
      if code == "404" {
        id = 987_654_321
      } else if operation.method == "DELETE" {
        // Delete a candidate made for this request, so the other records stay.
        let created = try fixture.client.request(
          "POST", api("/candidates"),
          body: try fixture.validBody(
            try #require(fixture.document["components"]?["schemas"]?["CandidateInput"])))
        id = try #require(integerMember(created.object, "id"))
      } else {
        id = try fixture.existingID(operation.collectionPath)
      }
      path = path.replacingOccurrences(of: "{id}", with: String(id))
    }
    var body: String?
    if let schema = node["requestBody"]?["content"]?["application/json"]?["schema"] {
      body = code == "400" ? try fixture.invalidBody(schema) : try fixture.validBody(schema)
    }
    return try fixture.client.request(
      operation.method, api(path), body: body, authorized: code != "401")
  }

  @Test func undocumentedMethodsAre405WithAllow() throws {
    let fixture = try Fixture()
    for (path, item) in try #require(fixture.document["paths"]).entries {
      let documented = Set(item.entries.map { $0.key.uppercased() })
      let target = path.replacingOccurrences(
        of: "{id}",
        with: String(
          try fixture.existingID(
            DocumentedOperation(path: path, method: "", statuses: []).collectionPath)))
      for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] where !documented.contains(method) {
        let response = try fixture.client.request(method, api(target), body: "{}")
        #expect(response.status == 405, "\(method) \(path)")
        let allowed = Set(
          (response.header("allow") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
          })
        #expect(allowed == documented, "\(method) \(path)")
      }
    }
  }

  @Test func listParametersWork() throws {
    let fixture = try Fixture()
    for operation in Self.operations
    where operation.method == "GET" && !operation.path.contains("{") {
      let node = try #require(fixture.document["paths"]?[operation.path]?["get"])
      let all = try fixture.client.request("GET", api(operation.path + "?limit=100"))
      let total = try #require(integerMember(all.object, "count"))

      for parameter in node["parameters"]?.items ?? [] where parameter["in"]?.text == "query" {
        let name = try #require(parameter["name"]?.text)
        let schema = try #require(parameter["schema"])
        let value: String
        switch name {
        case "limit":
          value = schema["maximum"]?.text ?? "100"
          let defaulted = try fixture.client.request("GET", api(operation.path))
          let defaultLimit = try #require(Int(schema["default"]?.text ?? ""))
          #expect(
            listResults(defaulted).count == min(defaultLimit, total),
            "\(operation.path) default limit")
        case "offset":
          value = "1"
        default:
          if let first = schema["enum"]?.items.first?.text {
            value = first
          } else {
            value = String(try fixture.existingID("/\(name)s"))
          }
        }
        let response = try fixture.client.request("GET", api("\(operation.path)?\(name)=\(value)"))
        #expect(response.status == 200, "\(operation.path)?\(name)=\(value): \(response.text)")
        if !["limit", "offset"].contains(name) {
          let results = listResults(response)
          let matches = results.allSatisfy { record in
            record[name] == .string(value) || record[name] == .number(value)
          }
          #expect(matches, "\(operation.path)?\(name)=\(value) returned other records")
        }
        if name == "limit", let maximum = schema["maximum"]?.text.flatMap(Int.init) {
          let over = try fixture.client.request(
            "GET", api("\(operation.path)?limit=\(maximum + 1)"))
          #expect(over.status == 400, "\(operation.path) limit over the maximum")
        }
      }
    }
  }

  @Test func recordFieldsMatchSchemas() throws {
    let document = try OpenAPIDocument.load()
    for resource in SandboxResource.allCases {
      let schema = try #require(document["components"]?["schemas"]?[resource.schemaName])
      #expect(
        schema["properties"]?.entries.map(\.key) == resource.fieldNames, "\(resource.schemaName)")
    }
  }

  @Test func inputSchemasMatchValidatorSchemas() throws {
    let document = try OpenAPIDocument.load()
    for schema in [Schema.opening, Schema.candidate] {
      let node = try #require(document["components"]?["schemas"]?[schema.name])
      let required = Set(node["required"]?.items.compactMap(\.text) ?? [])
      let properties = node["properties"]?.entries ?? []
      #expect(properties.map(\.key) == schema.propertyNames, "\(schema.name)")
      for property in schema.properties {
        let documented = try #require(node["properties"]?[property.name])
        #expect(
          documented["type"]?.text == property.type.rawValue, "\(schema.name).\(property.name)")
        #expect(
          required.contains(property.name) == property.required, "\(schema.name).\(property.name)")
        #expect(
          (documented["nullable"]?.isTrue ?? false) == property.nullable,
          "\(schema.name).\(property.name)")
        #expect(
          documented["enum"]?.items.compactMap(\.text) == property.allowedValues,
          "\(schema.name).\(property.name)")
        #expect(
          documented["default"]?.text == property.defaultValue, "\(schema.name).\(property.name)")
        #expect(
          (documented["format"]?.text == "email") == property.isEmail,
          "\(schema.name).\(property.name)")
      }
    }
  }

  @Test func serverURLAndSecuritySchemeMatch() throws {
    let document = try OpenAPIDocument.load()
    let url = try #require(document["servers"]?.items.first?["url"]?.text)
    #expect(url.hasSuffix(SandboxConfiguration.basePath))
    let scheme = try #require(document["components"]?["securitySchemes"]?["apiKey"])
    #expect(scheme["in"]?.text == "header")
    #expect(scheme["name"]?.text == "Authorization")
  }

  @Test func nextLinksLeadToFollowingPages() throws {
    let fixture = try Fixture()
    for collection in ["/openings", "/candidates"] {
      var target: String? = fixture.server.baseURL + collection + "?limit=7"
      var seen: [Int] = []
      var pages = 0
      while let url = target, pages < 20 {
        let path = String(url.dropFirst("http://127.0.0.1:\(fixture.server.port)".count))
        let response = try fixture.client.request("GET", path)
        seen += listResults(response).compactMap { integerMember($0, "id") }
        target = stringMember(response.object, "next")
        pages += 1
      }
      let count = try #require(
        integerMember(try fixture.client.request("GET", api(collection)).object, "count"))
      #expect(seen.count == count, "\(collection)")
      #expect(seen == seen.sorted(), "\(collection)")
    }
  }
}
