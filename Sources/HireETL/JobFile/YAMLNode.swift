/// A position in YAML source, with 1-based line and column. Columns count Unicode scalars, not bytes.
public struct SourceMark: Equatable, Sendable, CustomStringConvertible {
  public var line: Int
  public var column: Int

  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public var description: String { "line \(line), column \(column)" }
}

/// One node of a parsed YAML document, with the position where it starts.
public indirect enum YAMLNode: Equatable, Sendable {
  case scalar(YAMLScalar)
  /// Entries in file order. Keys are unique by text.
  case mapping([YAMLMappingEntry], SourceMark)
  case sequence([YAMLNode], SourceMark)

  public var mark: SourceMark {
    switch self {
    case .scalar(let scalar): scalar.mark
    case .mapping(_, let mark): mark
    case .sequence(_, let mark): mark
    }
  }

  /// Returns a copy whose top node starts at `mark`. Nested nodes keep their own marks.
  func withMark(_ mark: SourceMark) -> YAMLNode {
    switch self {
    case .scalar(var scalar):
      scalar.mark = mark
      return .scalar(scalar)
    case .mapping(let entries, _):
      return .mapping(entries, mark)
    case .sequence(let items, _):
      return .sequence(items, mark)
    }
  }
}

/// A key and its value in a YAML mapping.
public struct YAMLMappingEntry: Equatable, Sendable {
  public var key: YAMLScalar
  public var value: YAMLNode

  public init(key: YAMLScalar, value: YAMLNode) {
    self.key = key
    self.value = value
  }
}

/// A YAML scalar with its source text and style. Typed values follow the YAML 1.2 core schema
/// and apply only to untagged plain scalars.
public struct YAMLScalar: Equatable, Sendable {
  public enum Style: Equatable, Sendable {
    case plain
    case singleQuoted
    case doubleQuoted
    /// Block scalar introduced by `|`.
    case literal
    /// Block scalar introduced by `>`.
    case folded
  }

  public var text: String
  public var style: Style
  public var mark: SourceMark
  /// Whether the scalar carries a `!!str` tag (or the non-specific `!`), which keeps a plain
  /// scalar such as `!!str 42` a string.
  public var hasStringTag: Bool

  public init(text: String, style: Style, mark: SourceMark, hasStringTag: Bool = false) {
    self.text = text
    self.style = style
    self.mark = mark
    self.hasStringTag = hasStringTag
  }

  /// Whether the scalar is null: a plain `""`, `~`, `null`, `Null` or `NULL`.
  public var isNull: Bool {
    guard isUntypedPlain else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(text)
  }

  /// The value of a plain `true`, `True`, `TRUE`, `false`, `False` or `FALSE`, and nil for any
  /// other scalar. YAML 1.1 spellings such as `yes` and `off` are strings.
  public var boolValue: Bool? {
    guard isUntypedPlain else { return nil }
    switch text {
    case "true", "True", "TRUE": return true
    case "false", "False", "FALSE": return false
    default: return nil
    }
  }

  /// The value of a plain decimal integer with an optional sign, and nil for any other scalar,
  /// including integers outside the range of `Int`.
  public var intValue: Int? {
    guard isUntypedPlain else { return nil }
    return Int(text, radix: 10)
  }

  private var isUntypedPlain: Bool { style == .plain && !hasStringTag }
}

/// A failure to load a YAML document, at the position where libyaml or the loader found it.
public struct YAMLError: Error, Equatable, Sendable {
  public var mark: SourceMark
  public var message: String

  public init(mark: SourceMark, message: String) {
    self.mark = mark
    self.message = message
  }
}
