/// Replaces `${NAME}` and `${NAME:-fallback}` in job file strings with environment variables;
/// `$${` stands for a literal `${`.
public struct Variables: Sendable {
  public var environment: [String: String]

  public init(environment: [String: String]) {
    self.environment = environment
  }

  /// The text with every reference replaced, or the message for the first unset variable.
  public func substitute(_ text: String) -> Result<String, VariableError> {
    guard text.contains("$") else { return .success(text) }
    var result = ""
    var rest = Substring(text)
    while let dollar = rest.firstIndex(of: "$") {
      result += rest[..<dollar]
      let afterDollar = rest[rest.index(after: dollar)...]
      if afterDollar.hasPrefix("${") {
        result += "${"
        rest = afterDollar.dropFirst(2)
        continue
      }
      guard afterDollar.hasPrefix("{"), let close = afterDollar.firstIndex(of: "}") else {
        result += "$"
        rest = afterDollar
        continue
      }
      let inside = afterDollar[afterDollar.index(after: afterDollar.startIndex)..<close]
      rest = afterDollar[afterDollar.index(after: close)...]
      let name: Substring
      var fallback: Substring?
      if let separator = inside.firstRange(of: ":-") {
        name = inside[..<separator.lowerBound]
        fallback = inside[separator.upperBound...]
      } else {
        name = inside
      }
      guard Self.isValidName(name) else {
        return .failure(VariableError(message: "'${\(inside)}' is not a valid variable reference; "
          + "names use letters, digits and underscores"))
      }
      if let value = environment[String(name)], !value.isEmpty {
        result += value
      } else if let fallback {
        result += fallback
      } else if environment[String(name)] != nil {
        // An empty value is refused like a missing one: `${OUT_DIR}/x.jsonl` would otherwise
        // become the absolute path `/x.jsonl`.
        return .failure(
          VariableError(
            message: "the environment variable \(name) is set but empty; give it a value, or "
              + "give a fallback with ${\(name):-value}"))
      } else {
        return .failure(
          VariableError(
            message: "the environment variable \(name) is not set; set it, or give a fallback "
              + "with ${\(name):-value}"))
      }
    }
    return .success(result + rest)
  }

  private static func isValidName(_ name: Substring) -> Bool {
    guard let first = name.first, first == "_" || first.isLetter else { return false }
    return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
  }
}

public struct VariableError: Error, Equatable, Sendable {
  public var message: String
}
