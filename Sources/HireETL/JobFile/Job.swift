/// A parsed, checked job file: where state goes, the API settings and the steps in order.
public struct Job: Sendable {
  /// The job file's path as given, and the folder relative paths resolve against.
  public var filePath: String
  public var folder: String
  public var version: Int
  public var name: String
  public var statePath: String
  public var api: APISettings?
  public var steps: [Step]
}

/// The `api:` block.
public struct APISettings: Sendable {
  public var baseURL: String
  /// The key itself; never printed, logged or written to any file.
  public var apiKey: String?
  public var apiKeyFile: String?
  public var requestsPerSecond: Double = 5
  public var burst = 5
  public var concurrency = 4
  public var timeoutSeconds: Double = 30
  public var retries = 5
  public var pageSize = 100
  /// Candidates, with their related records, that an embedded sandbox generates when its data
  /// file is new; nil starts it empty.
  public var sandboxSeed: Int?
}

/// One entry of `steps:`.
public struct Step: Sendable {
  public enum Input: Sendable {
    case file(FileInput)
    case api(APIInput)
  }

  public enum Output: Sendable {
    case file(FileOutput)
    case api(APIOutput)
  }

  public var name: String
  public var mark: SourceMark
  public var input: Input
  /// Source fields that name a record across runs; empty when the step has no `key:`.
  public var key: [String]
  /// The positions in the job file of the `key` fields, in the same order.
  public var keyMarks: [SourceMark] = []
  /// Output fields in order; nil passes every source field through.
  public var map: [FieldMapping]?
  public var schema: Schema?
  public var output: Output
  public var rejectsPath: String

  /// Whether the step only updates records that earlier runs created (`mode: update`).
  public var isUpdateOnly: Bool {
    if case .api(let target) = output { return target.mode == .update }
    return false
  }
}

/// The formats a file can be read or written in.
public enum FileFormat: String, Sendable, CaseIterable {
  case csv, jsonl, xml

  /// The format a path's extension names: .csv .tsv .jsonl .ndjson .xml.
  public init?(path: String) {
    let lower = path.lowercased()
    if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") {
      self = .csv
    } else if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") {
      self = .jsonl
    } else if lower.hasSuffix(".xml") {
      self = .xml
    } else {
      return nil
    }
  }
}

/// A step's `read:` for a file.
public struct FileInput: Sendable {
  /// The path as the job file gives it, and resolved against the job file's folder.
  public var displayPath: String
  public var path: String
  public var format: FileFormat
  public var csv = CSVOptions()
  public var encoding = TextEncoding.auto
  public var xml = XMLReaderOptions()
}

/// A step's `read:` from an API list endpoint.
public struct APIInput: Sendable {
  public var resource: String
  public var filter: [(String, String)]
  public var since: String?
}

/// A step's `write:` to a file.
public struct FileOutput: Sendable {
  /// The path with `{date}`, `{time}`, `{step}` and `{run}` still in it, resolved against the
  /// job file's folder.
  public var pathTemplate: String
  public var displayPath: String
  public var format: FileFormat
  public var excelSafe = false
  public var delimiter = UInt8(ascii: ",")
}

/// A step's `write:` to the API.
public struct APIOutput: Sendable {
  public enum Mode: String, Sendable, CaseIterable {
    case create, update, upsert
  }

  public var resource: String
  public var mode: Mode
  public var batchSize: Int
}

/// The eight list endpoints of the API.
public let apiResources = [
  "openings", "candidates", "candidatemessages", "internalnotes", "interviews", "reviews",
  "evaluations", "todos",
]
