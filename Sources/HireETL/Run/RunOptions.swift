/// The command-line choices that shape a run.
public struct RunOptions: Sendable {
  public var dryRun = false
  /// Only these steps, in job order; empty runs them all.
  public var steps: [String] = []
  /// Read at most this many records per step.
  public var limit: Int?
  /// The most rejected-record lines printed per step; the rest are counted.
  public var maxProblemLines = 20
  /// Whether CSV-to-JSON-Lines steps parse and encode on other threads; nil decides by the
  /// number of processors. Tests set it to compare both paths.
  public var parallelRows: Bool?
  /// The number of encoding threads for that path; nil picks one per spare core.
  public var rowWorkers: Int?

  public init() {}
}

/// The reason a run stopped before its end.
public enum RunAbort: Error, Sendable {
  /// A mistake in the job file found only once the input was opened (a mapped column the
  /// header lacks): exit status 2.
  case jobFile(String)
  /// The input or output failed: exit status 3.
  case failure(String)
  /// SIGINT or SIGTERM: exit status 130.
  case interrupted
}
