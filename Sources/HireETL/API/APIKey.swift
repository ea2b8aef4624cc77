/// The API key, wrapped so that printing, logging or dumping it shows a placeholder instead of
/// the key. Only `authorizationValue` reveals it, for the one header that needs it.
public struct APIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
  CustomReflectable
{
  private let secret: String

  public init(_ secret: String) {
    self.secret = secret
  }

  /// The `Authorization` header's value, `ApiKey <key>`.
  public var authorizationValue: String { "ApiKey \(secret)" }

  public var description: String { "APIKey(redacted)" }
  public var debugDescription: String { description }
  public var customMirror: Mirror { Mirror(self, children: [:]) }
}
