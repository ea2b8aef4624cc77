/// The API's base URL, such as `https://acme.hire.trakstar.com/api/v2`, checked so that the API
/// key only travels over TLS. Plain `http` is accepted for loopback hosts alone (127.0.0.0/8,
/// ::1 and localhost), where the sandbox and tests listen.
public struct APIBaseURL: Sendable, Equatable, CustomStringConvertible {
  /// The URL without a trailing slash.
  public let string: String
  public let host: String
  public let isLoopback: Bool

  public init(_ text: String) throws(APIBaseURLError) {
    let trimmed = text.trimmingSpaces()
    guard let schemeEnd = trimmed.firstRange(of: "://") else {
      throw .missingScheme(trimmed)
    }
    let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
    guard scheme == "https" || scheme == "http" else {
      throw .unsupportedScheme(trimmed, scheme: scheme)
    }
    let rest = trimmed[schemeEnd.upperBound...]
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    guard !rest.contains("?"), !rest.contains("#") else {
      throw .queryOrFragment(trimmed)
    }
    guard !authority.contains("@") else {
      throw .userInfo(trimmed)
    }
    let host = Self.host(of: authority)
    guard !host.isEmpty else { throw .missingHost(trimmed) }

    self.host = host
    self.isLoopback = Self.isLoopback(host: host)
    guard scheme == "https" || isLoopback else {
      throw .insecure(trimmed, host: host)
    }
    var string = trimmed
    while string.hasSuffix("/") { string.removeLast() }
    self.string = string
  }

  /// The URL of `path` (with or without a leading slash) below the base, with `query` items
  /// percent-encoded.
  public func url(_ path: String, query: [(String, String)] = []) -> String {
    var url = string
    if !path.hasPrefix("/") { url += "/" }
    url += path
    for (index, (name, value)) in query.enumerated() {
      url += index == 0 ? "?" : "&"
      url += Self.percentEncoded(name) + "=" + Self.percentEncoded(value)
    }
    return url
  }

  public var description: String { string }

  /// The host without brackets or port: `[::1]:8080` gives `::1`.
  private static func host<S: StringProtocol>(of authority: S) -> String {
    if authority.hasPrefix("[") {
      guard let close = authority.firstIndex(of: "]") else { return "" }
      return String(authority[authority.index(after: authority.startIndex)..<close]).lowercased()
    }
    return String(authority.prefix { $0 != ":" }).lowercased()
  }

  static func isLoopback(host: String) -> Bool {
    if host == "localhost" || host == "localhost." || host == "::1" { return true }
    let parts = host.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4, parts[0] == "127" else { return false }
    return parts.allSatisfy { part in
      guard let number = Int(part), part.allSatisfy(\.isASCII) else { return false }
      return (0...255).contains(number)
    }
  }

  /// Percent-encodes everything except RFC 3986's unreserved characters.
  static func percentEncoded(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "_"), UInt8(ascii: "~"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        let hex = Array("0123456789ABCDEF".unicodeScalars)
        out.unicodeScalars.append("%")
        out.unicodeScalars.append(hex[Int(byte >> 4)])
        out.unicodeScalars.append(hex[Int(byte & 0xF)])
      }
    }
    return out
  }
}

/// Why a base URL was rejected. Each message names the URL and says what to change.
public enum APIBaseURLError: Error, Equatable, Sendable, CustomStringConvertible {
  case missingScheme(String)
  case unsupportedScheme(String, scheme: String)
  case missingHost(String)
  case userInfo(String)
  case queryOrFragment(String)
  case insecure(String, host: String)

  public var description: String {
    switch self {
    case .missingScheme(let url):
      "base_url \"\(url)\" has no scheme; write it as https://HOST/api/v2"
    case .unsupportedScheme(let url, let scheme):
      "base_url \"\(url)\" uses the scheme \"\(scheme)\"; use https"
    case .missingHost(let url):
      "base_url \"\(url)\" has no host name"
    case .userInfo(let url):
      "base_url \"\(url)\" contains a user name or password; put the key in api_key instead"
    case .queryOrFragment(let url):
      "base_url \"\(url)\" contains a query or fragment; give only scheme, host and path"
    case .insecure(let url, let host):
      "base_url \"\(url)\" uses plain http to \(host), which would send the API key unencrypted; "
        + "use https (plain http is accepted only for 127.0.0.1, ::1 and localhost)"
    }
  }
}
