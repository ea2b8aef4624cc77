/// The responses to API requests, built from the store: routing, authentication, query and body
/// checks, and the JSON shapes of the Trakstar Hire API v2.
///
/// Checks run in this order: an unknown path is 404, a missing or wrong API key 401, a method
/// the path lacks 405, a bad query or body 400, and an unknown id 404.
struct SandboxAPI: Sendable {
  let store: SandboxStore
  let apiKey: String
  /// `http://127.0.0.1:PORT/api/v2`, the start of `next` and `previous` links.
  let baseURL: String
  /// Milliseconds since 1970 on the wall clock, for `created_at` and `updated_at`.
  let clock: @Sendable () -> Int64

  /// The resource, and the record id if any, that a request path names.
  private enum Route {
    case collection(SandboxResource)
    case item(SandboxResource, id: Int)

    var methods: [String] {
      switch self {
      case .collection(let resource): resource.collectionMethods
      case .item(let resource, _): resource.itemMethods
      }
    }
  }

  func respond(to request: HTTPRequest) -> HTTPResponse {
    let head = request.head
    guard let route = route(head.path) else {
      return .error(
        404,
        "There is no API path \(head.path). Paths start with \(SandboxConfiguration.basePath)/, such as \(SandboxConfiguration.basePath)/candidates."
      )
    }
    if let rejection = checkAuthorization(head.header("authorization")) { return rejection }
    guard route.methods.contains(head.method) else {
      var response = HTTPResponse.error(
        405,
        "Method \(head.method) is not allowed on \(head.path); it allows \(route.methods.joined(separator: ", "))."
      )
      response.headers.append(("Allow", route.methods.joined(separator: ", ")))
      return response
    }
    let query: SandboxQuery
    do {
      query = try SandboxQuery.parse(head.query)
    } catch {
      return .error(400, "Invalid query string: \(error.message).")
    }

    switch (route, head.method) {
    case (.collection(let resource), "GET"):
      return list(resource, query: query)
    case (.collection(let resource), _):
      if let rejection = rejectQueryParameters(query, path: head.path) { return rejection }
      return create(resource, request: request)
    case (.item(let resource, let id), "GET"):
      if let rejection = rejectQueryParameters(query, path: head.path) { return rejection }
      guard let record = store.record(resource, id: id) else { return notFound(resource, id) }
      return .json(200, .object(record))
    case (.item(_, let id), "PATCH"):
      if let rejection = rejectQueryParameters(query, path: head.path) { return rejection }
      return updateCandidate(id: id, request: request)
    case (.item(let resource, let id), _):
      if let rejection = rejectQueryParameters(query, path: head.path) { return rejection }
      guard store.deleteCandidate(id: id) else { return notFound(resource, id) }
      return HTTPResponse(status: 204)
    }
  }

  private func route(_ path: String) -> Route? {
    let prefix = SandboxConfiguration.basePath + "/"
    guard path.hasPrefix(prefix) else { return nil }
    let segments = path.dropFirst(prefix.count).split(
      separator: "/", omittingEmptySubsequences: false)
    guard let resource = SandboxResource(rawValue: String(segments[0])) else { return nil }
    if segments.count == 1 { return .collection(resource) }
    guard segments.count == 2, !resource.itemMethods.isEmpty, !segments[1].isEmpty,
      segments[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let id = Int(segments[1])
    else { return nil }
    return .item(resource, id: id)
  }

  /// A 401 response unless `header` is `ApiKey <key>` with the configured key. The scheme name
  /// is case-insensitive (RFC 9110, section 11.1).
  private func checkAuthorization(_ header: String?) -> HTTPResponse? {
    let detail: String
    if let header {
      let parts = header.split(separator: " ", maxSplits: 1)
      if parts.count == 2, parts[0].lowercased() == "apikey",
        Self.constantTimeEqual(Array(parts[1].utf8), Array(apiKey.utf8))
      {
        return nil
      }
      detail =
        "Invalid API key. Send the header 'Authorization: ApiKey <key>' with the sandbox's key."
    } else {
      detail =
        "Authentication credentials were not provided. Send the header 'Authorization: ApiKey <key>'."
    }
    var response = HTTPResponse.error(401, detail)
    response.headers.append(("WWW-Authenticate", "ApiKey"))
    return response
  }

  /// Compares every byte whatever the first difference, so timing does not leak the key.
  private static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
    guard left.count == right.count else { return false }
    var difference: UInt8 = 0
    for (a, b) in zip(left, right) { difference |= a ^ b }
    return difference == 0
  }

  private func rejectQueryParameters(_ query: SandboxQuery, path: String) -> HTTPResponse? {
    guard let name = query.parameters.first?.name else { return nil }
    let error = SandboxListQuery.unknownParameter(name, accepted: [], path: path)
    return .error(400, "Invalid query string: \(error.message).")
  }

  private func notFound(_ resource: SandboxResource, _ id: Int) -> HTTPResponse {
    .error(404, "No \(resource.schemaName) with id \(id) exists.")
  }

  private func list(_ resource: SandboxResource, query: SandboxQuery) -> HTTPResponse {
    let parameters: SandboxListQuery
    do {
      parameters = try SandboxListQuery.parse(query, for: resource)
    } catch {
      return .error(400, "Invalid query string: \(error.message).")
    }
    let filter = parameters.filter.map { (field: $0.name, value: $0.value) }
    let page = store.page(
      resource, filter: filter, offset: parameters.offset, limit: parameters.limit)
    var envelope: JSONObject = ["count": .number(String(page.count))]
    if resource.listHasLinks {
      envelope["next"] = link(
        resource, parameters, offset: parameters.offset + parameters.limit, count: page.count)
      envelope["previous"] = previousLink(resource, parameters)
    }
    envelope["results"] = .array(page.results.map(JSONValue.object))
    return .json(200, .object(envelope))
  }

  /// Returns the URL of the page at `offset`, or null when it would be past the last record.
  private func link(
    _ resource: SandboxResource, _ parameters: SandboxListQuery, offset: Int, count: Int
  ) -> JSONValue {
    guard offset < count else { return .null }
    return .string(pageURL(resource, parameters, offset: offset))
  }

  private func previousLink(_ resource: SandboxResource, _ parameters: SandboxListQuery)
    -> JSONValue
  {
    guard parameters.offset > 0 else { return .null }
    return .string(
      pageURL(resource, parameters, offset: max(0, parameters.offset - parameters.limit)))
  }

  /// Returns the list URL with the filter, `limit`, and `offset` unless it is 0.
  private func pageURL(_ resource: SandboxResource, _ parameters: SandboxListQuery, offset: Int)
    -> String
  {
    var pieces: [String] = []
    if let filter = parameters.filter {
      switch filter.value {
      case .string(let text): pieces.append("\(filter.name)=\(text)")
      case .number(let literal): pieces.append("\(filter.name)=\(literal)")
      default: break
      }
    }
    pieces.append("limit=\(parameters.limit)")
    if offset > 0 { pieces.append("offset=\(offset)") }
    return "\(baseURL)/\(resource.pathSegment)?" + pieces.joined(separator: "&")
  }

  private func create(_ resource: SandboxResource, request: HTTPRequest) -> HTTPResponse {
    guard let schema = resource.inputSchema else { return .error(500, "No input schema.") }
    if let rejection = checkContentType(request.head.header("content-type")) { return rejection }
    let fields: JSONObject
    switch SandboxInput.decode(request.body, schema: schema, mode: .create) {
    case .success(let decoded): fields = decoded
    case .failure(let rejection): return rejection.response
    }
    let timestamp = SandboxTimestamp.dateTime(milliseconds: clock())
    switch store.create(resource, fields: fields, timestamp: timestamp) {
    case .created(let record):
      var response = HTTPResponse.json(201, .object(record))
      if let id = SandboxTable.id(of: record) {
        response.headers.append(("Location", "\(baseURL)/\(resource.pathSegment)/\(id)"))
      }
      return response
    case .rejected(let problem):
      return Self.referenceRejection(problem, schema: schema).response
    }
  }

  private func updateCandidate(id: Int, request: HTTPRequest) -> HTTPResponse {
    guard store.record(.candidates, id: id) != nil else { return notFound(.candidates, id) }
    if let rejection = checkContentType(request.head.header("content-type")) { return rejection }
    let fields: JSONObject
    switch SandboxInput.decode(request.body, schema: .candidate, mode: .update) {
    case .success(let decoded): fields = decoded
    case .failure(let rejection): return rejection.response
    }
    let timestamp = SandboxTimestamp.dateTime(milliseconds: clock())
    switch store.updateCandidate(id: id, fields: fields, timestamp: timestamp) {
    case .updated(let record): return .json(200, .object(record))
    case .notFound: return notFound(.candidates, id)
    case .rejected(let problem):
      return Self.referenceRejection(problem, schema: .candidate).response
    }
  }

  private static func referenceRejection(_ problem: RecordProblem, schema: Schema)
    -> SandboxInputRejection
  {
    SandboxInputRejection(
      detail: "The request body is not a valid \(schema.name): \(problem.message).",
      problems: [problem])
  }

  /// Returns a 415 response unless the body is declared as JSON or not declared at all.
  private func checkContentType(_ header: String?) -> HTTPResponse? {
    guard let header else { return nil }
    let mediaType = header.split(separator: ";", maxSplits: 1).first.map {
      String($0).trimmingSpaces().lowercased()
    }
    if mediaType == "application/json" { return nil }
    return .error(
      415, "Content-Type '\(header)' is not supported; send the body as application/json.")
  }
}
