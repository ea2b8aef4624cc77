/// Sends one HTTP request and waits for the whole response. Implementations block the calling
/// thread while they wait, without spinning, and are safe to call from several threads at once.
/// `CurlTransport` is the real one; tests inject scripted ones.
public protocol HTTPTransport: Sendable {
  func send(_ request: HTTPClientRequest) throws(TransportError) -> HTTPClientResponse
}

/// A failure below HTTP: no response arrived. `reason` is the transport library's message, which
/// names the host but never a header value, so the API key cannot appear in it.
public enum TransportError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The URL is malformed or uses a scheme the transport does not speak.
  case invalidURL(String)
  /// The host name did not resolve, or the TCP connection was refused or unreachable.
  case connectFailed(reason: String)
  /// The time limit passed. `requestSent` tells whether the request had been sent in full, in
  /// which case the server may have acted on it.
  case timedOut(requestSent: Bool, reason: String)
  /// The connection closed or reset before a complete response arrived.
  case connectionDropped(requestSent: Bool, reason: String)
  /// The TLS handshake failed or the server's certificate was not trusted.
  case tls(reason: String)
  /// Any other failure of the transport library, with its code.
  case other(code: Int, reason: String)

  /// Whether the server may have received the whole request and acted on it.
  public var requestMayHaveArrived: Bool {
    switch self {
    case .timedOut(let sent, _), .connectionDropped(let sent, _): sent
    case .invalidURL, .connectFailed, .tls: false
    // An unknown failure is treated as possibly delivered, the safe side for creates.
    case .other: true
    }
  }

  public var description: String {
    switch self {
    case .invalidURL(let reason):
      "invalid URL: \(reason)"
    case .connectFailed(let reason):
      "could not connect: \(reason)"
    case .timedOut(let sent, let reason):
      "timed out \(sent ? "waiting for the response" : "before the request was sent"): \(reason)"
    case .connectionDropped(let sent, let reason):
      "connection closed \(sent ? "after the request was sent" : "before the request was sent"): "
        + reason
    case .tls(let reason):
      "TLS failed: \(reason)"
    case .other(let code, let reason):
      "transport failed (libcurl error \(code)): \(reason)"
    }
  }
}
