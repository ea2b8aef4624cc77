/// The types a mapping can convert a value to with `type:`.
public enum ValueType: String, Sendable, CaseIterable {
  case string, integer, boolean, date, datetime
}

/// The half of a full name that `split_name` keeps.
public enum NamePart: String, Sendable, CaseIterable {
  case first, last
}

/// The options a field-like rule (`field`, `path`, `join`, `template`) can carry.
public struct FieldOptions: Equatable, Sendable {
  /// The value used when the source is missing or empty; `.some(.null)` is an explicit null.
  public var defaultValue: JSONValue?
  public var trim = true
  /// A value table; `"*"` maps every value the table does not name.
  public var values: [String: JSONValue]?
  public var type: ValueType?
  public var dateFormat: String?
  public var splitName: NamePart?
  public var stripHTML = false
  /// The step whose created ids this field is looked up in.
  public var lookup: String?

  public init() {}

  /// True when the value goes through unchanged apart from trimming, so no String is needed.
  var isPlain: Bool {
    values == nil && type == nil && splitName == nil && !stripHTML && lookup == nil
  }
}

/// One part of a `template:` string.
public enum TemplatePart: Equatable, Sendable {
  case literal(String)
  case field(String)
}

/// The rule that gives one output field its value.
public enum MappingRule: Equatable, Sendable {
  case field(String, FieldOptions)
  /// A path into nested JSON, `a.b.0.c`; on CSV input the whole dotted text names a column.
  case path([String], FieldOptions)
  case constant(JSONValue)
  /// Source fields joined with a separator, empty parts skipped.
  case join([String], separator: String, FieldOptions)
  case template([TemplatePart], FieldOptions)

  /// The options of a field-like rule; nil for `const`.
  public var options: FieldOptions? {
    switch self {
    case .field(_, let options), .path(_, let options), .join(_, _, let options),
      .template(_, let options):
      options
    case .constant:
      nil
    }
  }

  /// The source fields the rule reads.
  public var sourceFields: [String] {
    switch self {
    case .field(let name, _): [name]
    case .path(let parts, _): [parts.joined(separator: ".")]
    case .constant: []
    case .join(let names, _, _): names
    case .template(let parts, _):
      parts.compactMap { part in
        if case .field(let name) = part { return name }
        return nil
      }
    }
  }
}

/// An output field and its rule, with where the job file defines it.
public struct FieldMapping: Equatable, Sendable {
  public var name: String
  public var rule: MappingRule
  /// The position of the output field's name in the job file.
  public var mark: SourceMark?
  /// The positions in the job file of the names in `rule.sourceFields`, in the same order. A template, whose
  /// fields all sit in one string, has that string's mark once.
  public var sourceMarks: [SourceMark]

  public init(
    name: String, rule: MappingRule, mark: SourceMark? = nil, sourceMarks: [SourceMark] = []
  ) {
    self.name = name
    self.rule = rule
    self.mark = mark
    self.sourceMarks = sourceMarks
  }

  /// Returns where the job file names the source field at `position` of `rule.sourceFields`,
  /// or where it names the output field when that is not known.
  public func mark(ofSourceField position: Int) -> SourceMark? {
    if sourceMarks.indices.contains(position) { return sourceMarks[position] }
    return sourceMarks.last ?? mark
  }
}

extension TemplatePart {
  /// Splits `"{City} ({Country})"` into parts; `{{` and `}}` stand for literal braces. Returns
  /// nil when a brace is left open.
  public static func parse(_ template: String) -> [TemplatePart]? {
    var parts: [TemplatePart] = []
    var literal = ""
    var index = template.startIndex
    while index < template.endIndex {
      let character = template[index]
      let next = template.index(after: index)
      if character == "{" && next < template.endIndex && template[next] == "{" {
        literal.append("{")
        index = template.index(after: next)
      } else if character == "}" && next < template.endIndex && template[next] == "}" {
        literal.append("}")
        index = template.index(after: next)
      } else if character == "{" {
        guard let close = template[next...].firstIndex(of: "}") else { return nil }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        literal = ""
        parts.append(.field(String(template[next..<close])))
        index = template.index(after: close)
      } else {
        literal.append(character)
        index = next
      }
    }
    if !literal.isEmpty { parts.append(.literal(literal)) }
    return parts
  }
}
