/// The API's input rules for one resource, as the Trakstar Hire OpenAPI document defines
/// `OpeningInput` and `CandidateInput`.
public struct Schema: Sendable {
  public enum PropertyType: String, Sendable {
    case string, integer
  }

  public struct Property: Sendable {
    public var name: String
    public var type: PropertyType
    public var required = false
    public var nullable = false
    public var allowedValues: [String]?
    public var defaultValue: String?
    public var isEmail = false
  }

  public var name: String
  public var properties: [Property]

  /// `OpeningInput`: a title is required; status is open, closed or draft and defaults to draft.
  public static let opening = Schema(
    name: "OpeningInput",
    properties: [
      Property(name: "title", type: .string, required: true),
      Property(
        name: "status", type: .string, allowedValues: ["open", "closed", "draft"],
        defaultValue: "draft"),
      Property(name: "department", type: .string, nullable: true),
      Property(name: "location", type: .string, nullable: true),
      Property(name: "description", type: .string, nullable: true),
    ])

  /// `CandidateInput`: first name, last name and the opening's id are required.
  public static let candidate = Schema(
    name: "CandidateInput",
    properties: [
      Property(name: "first_name", type: .string, required: true),
      Property(name: "last_name", type: .string, required: true),
      Property(name: "email", type: .string, isEmail: true),
      Property(name: "phone", type: .string, nullable: true),
      Property(name: "opening", type: .integer, required: true),
      Property(name: "source", type: .string, nullable: true),
    ])

  public var propertyNames: [String] { properties.map(\.name) }
}
