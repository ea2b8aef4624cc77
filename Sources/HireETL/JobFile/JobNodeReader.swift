/// Typed access to job file nodes that records every problem it meets, with its position,
/// instead of stopping at the first.
final class JobNodeReader {
  let file: String
  let variables: Variables
  private(set) var errors: [JobFileError] = []

  init(file: String, variables: Variables) {
    self.file = file
    self.variables = variables
  }

  func fail(_ mark: SourceMark?, _ message: String) {
    errors.append(JobFileError(file: file, mark: mark, message: message))
  }

  /// Returns the entries of a mapping after checking every key against `allowed`. An unknown
  /// key is reported with the nearest allowed one.
  func entries(_ node: YAMLNode, in context: String, allowed: [String]) -> [String: YAMLMappingEntry]? {
    guard case .mapping(let list, _) = node else {
      fail(node.mark, "\(context) must be a mapping of keys to values")
      return nil
    }
    var result: [String: YAMLMappingEntry] = [:]
    for entry in list {
      let key = entry.key.text
      if allowed.contains(key) {
        result[key] = entry
        continue
      }
      var message = "unknown key '\(key)' in \(context)"
      if let near = NearMatch.closest(to: key, among: allowed) {
        message += "; did you mean '\(near)'?"
      } else {
        message += "; the keys allowed here are: \(allowed.joined(separator: ", "))"
      }
      fail(entry.key.mark, message)
    }
    return result
  }

  /// Returns a scalar's text with variables substituted, or nil (and an error) for anything else.
  func string(_ node: YAMLNode?, _ what: String) -> String? {
    guard let node else { return nil }
    guard case .scalar(let scalar) = node else {
      fail(node.mark, "\(what) must be a single value, not a list or mapping")
      return nil
    }
    switch variables.substitute(scalar.text) {
    case .success(let text): return text
    case .failure(let error):
      fail(scalar.mark, error.message)
      return nil
    }
  }

  func integer(_ node: YAMLNode?, _ what: String, range: ClosedRange<Int>) -> Int? {
    guard let node, let text = string(node, what) else { return nil }
    guard let value = Int(text.trimmingSpaces()), range.contains(value) else {
      fail(node.mark, "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
      return nil
    }
    return value
  }

  func boolean(_ node: YAMLNode?, _ what: String) -> Bool? {
    guard let node, let text = string(node, what) else { return nil }
    switch text.lowercased() {
    case "true": return true
    case "false": return false
    default:
      fail(node.mark, "\(what) must be true or false")
      return nil
    }
  }

  /// Returns the value when it is one of `allowed`, else nil and an error.
  func choice(_ node: YAMLNode?, _ what: String, among allowed: [String]) -> String? {
    guard let node, let text = string(node, what) else { return nil }
    if allowed.contains(text) { return text }
    var message = "\(what) must be one of \(allowed.joined(separator: ", "))"
    if let near = NearMatch.closest(to: text, among: allowed) { message += "; did you mean '\(near)'?" }
    fail(node.mark, message)
    return nil
  }

  /// Returns a list of strings. A single string counts as a list of one.
  func strings(_ node: YAMLNode?, _ what: String) -> [String]? {
    guard let node else { return nil }
    if case .sequence(let items, _) = node {
      return items.compactMap { string($0, what) }
    }
    return string(node, what).map { [$0] }
  }

  /// Converts a YAML value to a JSON value: typed plain scalars, strings, lists and mappings.
  /// A plain decimal such as `1.5` or `2e3` becomes a number. YAML spellings that JSON lacks
  /// (`.5`, `1.`, `+1.5`, `.inf`) stay strings.
  func jsonValue(_ node: YAMLNode) -> JSONValue? {
    switch node {
    case .scalar(let scalar):
      if scalar.isNull { return .null }
      if let flag = scalar.boolValue { return .bool(flag) }
      if let number = scalar.intValue { return .number(String(number)) }
      if scalar.style == .plain, !scalar.hasStringTag,
        case .number(let literal)? = try? JSONParser.parse(Array(scalar.text.utf8))
      {
        return .number(literal)
      }
      return string(node, "the value").map { .string($0) }
    case .sequence(let items, _):
      return .array(items.compactMap(jsonValue))
    case .mapping(let entries, _):
      var object = JSONObject()
      for entry in entries { object[entry.key.text] = jsonValue(entry.value) ?? .null }
      return .object(object)
    }
  }
}

extension String {
  func trimmingSpaces() -> String {
    var scalars = Substring(self).unicodeScalars
    while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
    while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
    return String(scalars)
  }
}
