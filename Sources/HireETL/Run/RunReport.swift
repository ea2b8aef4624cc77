/// The counts of one step, for the JSON report and the summary on stderr.
public struct StepReport: Sendable {
  public var name: String
  public var read = 0
  public var valid = 0
  public var rejected = 0
  /// Records written to a file.
  public var written = 0
  public var created = 0
  public var updated = 0
  /// Records already done in an earlier run.
  public var skipped = 0
  public var failed = 0
  public var requests = 0
  public var retries = 0
  public var rateLimited = 0
  /// Blank lines and empty CSV rows passed over without making a record.
  public var blankSkipped = 0
  public var seconds = 0.0
  public var input: String?
  public var output: String?
  public var rejectsFile: String?
  public var encoding: String?
  public var notes: [String] = []
  /// In a dry run: a few payloads that would be written, as JSON text. They hold personal
  /// data, so they are shown on a terminal only, never in the report or in JSON log lines.
  public var examples: [String] = []

  public init(name: String) {
    self.name = name
  }
}

/// The outcome and step counts of a whole run.
public struct RunReport: Sendable {
  public var runID: String
  public var job: String
  public var startedAt: Double
  public var finishedAt: Double = 0
  public var dryRun: Bool
  public var exitStatus: Int32 = 0
  public var error: String?
  public var steps: [StepReport] = []

  /// Returns the report as the JSON document `--report` writes.
  public func json() -> JSONValue {
    var object = JSONObject()
    object["run_id"] = .string(runID)
    object["job"] = .string(job)
    object["version"] = .string(hireETLVersion)
    object["started_at"] = .string(RunIdentity.timestamp(startedAt))
    object["finished_at"] = .string(RunIdentity.timestamp(finishedAt))
    object["dry_run"] = .bool(dryRun)
    object["exit_status"] = .number(String(exitStatus))
    object["error"] = error.map { .string($0) } ?? .null
    object["steps"] = .array(steps.map { .object($0.json()) })
    return .object(object)
  }
}

extension StepReport {
  func json() -> JSONObject {
    var object = JSONObject()
    object["name"] = .string(name)
    let counts: [(String, Int)] = [
      ("read", read), ("valid", valid), ("rejected", rejected), ("written", written),
      ("created", created), ("updated", updated), ("skipped", skipped), ("failed", failed),
      ("requests", requests), ("retries", retries), ("rate_limited", rateLimited),
      ("blank_skipped", blankSkipped),
    ]
    for (key, value) in counts { object[key] = .number(String(value)) }
    object["seconds"] = .number(String(Double(Int(seconds * 1000)) / 1000))
    object["input"] = input.map { .string($0) } ?? .null
    object["output"] = output.map { .string($0) } ?? .null
    object["rejects_file"] = rejectsFile.map { .string($0) } ?? .null
    object["encoding"] = encoding.map { .string($0) } ?? .null
    object["notes"] = .array(notes.map { .string($0) })
    return object
  }
}
