/// The request methods the API client sends.
public enum HTTPMethod: String, Sendable, CaseIterable {
  case get = "GET"
  case post = "POST"
  case put = "PUT"
  case patch = "PATCH"
  case delete = "DELETE"

  /// Whether sending the request twice has the same effect as sending it once. POST creates a
  /// record each time; PATCH counts as idempotent here because the API's PATCH sets fields to the
  /// values given rather than applying a relative change.
  public var isIdempotent: Bool { self != .post }
}

/// One request as the API client hands it to an `HTTPTransport`. It never contains the API key,
/// which the transport adds as it sends, so logging a request cannot leak the key.
public struct HTTPClientRequest: Sendable, Equatable {
  public var method: HTTPMethod
  /// The absolute URL, query string included.
  public var url: String
  public var headers: [HTTPHeader]
  public var body: [UInt8]?
  /// Whether the transport may send this request again by itself, for example on a kept-alive
  /// connection that turns out to be closed. False for creates.
  public var isIdempotent: Bool

  public init(
    method: HTTPMethod, url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil,
    isIdempotent: Bool? = nil
  ) {
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
    self.isIdempotent = isIdempotent ?? method.isIdempotent
  }
}

/// One header field; names compare without regard to case.
public struct HTTPHeader: Sendable, Equatable {
  public var name: String
  public var value: String

  public init(_ name: String, _ value: String) {
    self.name = name
    self.value = value
  }
}

/// A complete response: the final status, its header fields in the order received and the body.
public struct HTTPClientResponse: Sendable, Equatable {
  public var status: Int
  public var headers: [HTTPHeader]
  public var body: [UInt8]

  public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// The value of the first header field named `name`, compared without regard to case.
  public func header(_ name: String) -> String? {
    let wanted = name.lowercased()
    return headers.first { $0.name.lowercased() == wanted }?.value
  }
}
