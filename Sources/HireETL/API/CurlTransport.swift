import CCurl
import Synchronization

/// The `HTTPTransport` on libcurl. Each call borrows an idle easy handle, or makes one, and
/// returns it afterwards, so there are as many handles as requests ever ran at once and each
/// keeps its connections alive for the next request.
public final class CurlTransport: HTTPTransport, CustomStringConvertible {
  /// Time limits and the response size limit of every request.
  public struct Limits: Sendable, Equatable {
    /// Seconds allowed to set up the TCP connection and TLS.
    public var connectTimeout: Double
    /// Seconds allowed for the whole request, connecting included. Zero means no limit, as in
    /// libcurl.
    public var timeout: Double
    public var maximumResponseBytes: Int

    public init(
      connectTimeout: Double = 10, timeout: Double = 30, maximumResponseBytes: Int = 64 << 20
    ) {
      self.connectTimeout = connectTimeout
      self.timeout = timeout
      self.maximumResponseBytes = maximumResponseBytes
    }
  }

  public let limits: Limits
  private let apiKey: APIKey
  private let idleHandles = Mutex<[CurlEasyHandle]>([])

  /// The libcurl version in use, such as "7.88.1".
  public static var libraryVersion: String {
    String(cString: hire_curl_version())
  }

  public init(apiKey: APIKey, limits: Limits = Limits()) throws(TransportError) {
    guard curlGlobalInitResult == CURLE_OK else {
      throw .other(code: Int(curlGlobalInitResult.rawValue), reason: "curl_global_init failed")
    }
    self.apiKey = apiKey
    self.limits = limits
  }

  public func send(_ request: HTTPClientRequest) throws(TransportError) -> HTTPClientResponse {
    let idle = idleHandles.withLock { $0.popLast() }
    let handle: CurlEasyHandle
    if let idle {
      handle = idle
    } else {
      handle = try CurlEasyHandle()
    }
    defer { idleHandles.withLock { $0.append(handle) } }
    return try handle.perform(request, authorization: apiKey.authorizationValue, limits: limits)
  }

  public var description: String {
    "CurlTransport(timeout: \(limits.timeout)s, connectTimeout: \(limits.connectTimeout)s)"
  }
}

/// libcurl's global setup, run once per process before the first handle is made. It is never
/// undone because handles may live until the process exits.
private let curlGlobalInitResult: CURLcode = hire_curl_global_init()
