/// How to read an XML feed: a preset or a `record:` path, the fields, and the opt-in repairs.
public struct XMLReaderOptions: Equatable, Sendable {
  /// One of `XMLPreset.names`.
  public var preset: String?
  /// The record element path; with a preset it replaces the preset's.
  public var record: String?
  /// Prefixes for names in `record:` and `fields:`, mapped to namespace URIs.
  public var namespaces: [String: String] = [:]
  /// Fields to read; with a preset they are added to its fields, replacing those of the same
  /// name.
  public var fields: [XMLFieldSpec] = []
  /// Turns references to HTML entities such as `&nbsp;` into the characters they name.
  public var htmlEntities = false
  /// Drops the characters that XML does not allow, such as U+000B, instead of stopping.
  public var stripControlCharacters = false
  /// Lifts libxml2's limit of 10,000,000 bytes on one text node (`XML_PARSE_HUGE`).
  public var huge = false

  public init() {}

  /// The job-file keys of `read:` that apply to XML input only.
  public static let jobFileKeys = [
    "preset", "record", "namespaces", "fields", "html_entities", "strip_control_chars", "huge",
  ]

  /// Resolves the preset and the settings into what the reader follows.
  func plan() throws(XMLPathError) -> XMLReadPlan {
    var preset: XMLPreset?
    if let name = self.preset {
      guard let found = XMLPreset.named(name) else {
        throw XMLPathError(
          "unknown preset '\(name)'; the presets are \(XMLPreset.names.joined(separator: ", "))")
      }
      preset = found
    }
    guard let recordText = record ?? preset?.record else {
      throw XMLPathError(
        "reading XML needs `preset:` (\(XMLPreset.names.joined(separator: ", "))) or `record:` "
          + "naming the record element, such as source/job")
    }
    let namespaces = (preset?.namespaces ?? [:]).merging(self.namespaces) { $1 }
    let record = try XMLRecordPath(recordText, namespaces: namespaces)
    var fieldsByNamespace: [String: [XMLFieldSpec]] = [:]
    for (namespace, fields) in preset?.fieldsByNamespace ?? [:] {
      fieldsByNamespace[namespace] = Self.merge(fields, with: self.fields)
    }
    return XMLReadPlan(
      record: record, namespaces: namespaces,
      fields: Self.merge(preset?.fields ?? [], with: fields),
      fieldsByNamespace: fieldsByNamespace,
      passThrough: preset?.passThrough ?? fields.isEmpty,
      valueAttribute: preset?.valueAttribute, keyField: preset?.keyField)
  }

  /// Returns the preset's fields with `extra` added; an extra field replaces the one of its name.
  private static func merge(_ fields: [XMLFieldSpec], with extra: [XMLFieldSpec]) -> [XMLFieldSpec]
  {
    var merged = fields
    for field in extra {
      if let index = merged.firstIndex(where: { $0.name == field.name }) {
        merged[index] = field
      } else {
        merged.append(field)
      }
    }
    return merged
  }

  /// Checks everything a read would check before its first byte: the preset, the record path
  /// and every field path. Returns the first mistake.
  public func check() -> XMLPathError? {
    do {
      let plan = try plan()
      _ = try plan.makeFields(forNamespace: "")
      for namespace in plan.fieldsByNamespace.keys {
        _ = try plan.makeFields(forNamespace: namespace)
      }
      return nil
    } catch {
      return error
    }
  }
}

/// The resolved reading of a feed.
struct XMLReadPlan {
  var record: XMLRecordPath
  var namespaces: [String: String]
  var fields: [XMLFieldSpec]
  var fieldsByNamespace: [String: [XMLFieldSpec]]
  var passThrough: Bool
  var valueAttribute: String?
  /// The preset's key field, which names records in messages when the step has no `key:`.
  var keyField: String?

  /// Compiles the fields for record elements in `namespace`.
  func makeFields(forNamespace namespace: String) throws(XMLPathError) -> XMLRecordFields {
    try XMLRecordFields(
      fieldsByNamespace[namespace] ?? fields, passThrough: passThrough,
      valueAttribute: valueAttribute, namespaces: namespaces)
  }
}
