/// The eight resources of the Trakstar Hire API v2, with the paths, methods, fields and list
/// filters that its OpenAPI document gives each one.
enum SandboxResource: String, CaseIterable, Sendable {
  case openings
  case candidates
  case candidateMessages = "candidatemessages"
  case internalNotes = "internalnotes"
  case interviews
  case reviews
  case evaluations
  case todos

  /// A list filter: the query parameter, the record field it compares and its values.
  struct Filter: Sendable {
    enum Kind: Sendable {
      /// One of a fixed list of strings.
      case enumeration([String])
      /// The integer id of a record of another resource.
      case id
    }

    var name: String
    var kind: Kind
  }

  /// The collection path segment, such as `candidatemessages`.
  var pathSegment: String { rawValue }

  /// The schema name of one record in the OpenAPI document.
  var schemaName: String {
    switch self {
    case .openings: "Opening"
    case .candidates: "Candidate"
    case .candidateMessages: "CandidateMessage"
    case .internalNotes: "InternalNote"
    case .interviews: "Interview"
    case .reviews: "Review"
    case .evaluations: "Evaluation"
    case .todos: "Todo"
    }
  }

  /// Record fields in the order of the schema, which is the order of every response.
  var fieldNames: [String] {
    switch self {
    case .openings:
      [
        "id", "title", "status", "department", "location", "description", "created_at",
        "updated_at",
      ]
    case .candidates:
      [
        "id", "first_name", "last_name", "email", "phone", "opening", "stage", "source",
        "created_at", "updated_at",
      ]
    case .candidateMessages: ["id", "candidate", "subject", "body", "sent_at"]
    case .internalNotes: ["id", "candidate", "body", "created_at"]
    case .interviews: ["id", "candidate", "scheduled_at", "interviewer", "notes", "created_at"]
    case .reviews: ["id", "candidate", "rating", "comments", "reviewer", "created_at"]
    case .evaluations: ["id", "candidate", "result", "notes", "created_at"]
    case .todos: ["id", "candidate", "title", "due_date", "completed", "created_at"]
    }
  }

  /// Fields that are null, rather than left out, when a created record has no value for them.
  var nullableFieldNames: Set<String> {
    switch self {
    case .openings: ["department", "location", "description"]
    case .candidates: ["phone", "stage", "source"]
    default: []
    }
  }

  /// The input schema of POST and PATCH requests, nil for read-only resources.
  var inputSchema: Schema? {
    switch self {
    case .openings: .opening
    case .candidates: .candidate
    default: nil
    }
  }

  /// The filter that the list operation accepts besides `limit` and `offset`.
  var filter: Filter {
    switch self {
    case .openings: Filter(name: "status", kind: .enumeration(["open", "closed", "draft"]))
    case .candidates: Filter(name: "opening", kind: .id)
    default: Filter(name: "candidate", kind: .id)
    }
  }

  /// Whether list responses carry `next` and `previous` links besides `count` and `results`.
  var listHasLinks: Bool { self == .openings || self == .candidates }

  /// Methods of the collection path, such as `/openings`.
  var collectionMethods: [String] {
    self == .openings || self == .candidates ? ["GET", "POST"] : ["GET"]
  }

  /// Methods of the item path, such as `/openings/{id}`, empty when there is no such path.
  var itemMethods: [String] {
    switch self {
    case .candidates: ["GET", "PATCH", "DELETE"]
    case .evaluations: []
    default: ["GET"]
    }
  }

  /// The resources whose records point at a candidate through their `candidate` field.
  static let candidateChildren: [SandboxResource] = [
    .candidateMessages, .internalNotes, .interviews, .reviews, .evaluations, .todos,
  ]
}
