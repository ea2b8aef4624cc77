/// Receives what a run has to tell people. The library never prints; the command line turns
/// these calls into stderr lines, a progress display or JSON log lines.
public protocol RunObserver: AnyObject {
  func stepStarted(_ step: String, dryRun: Bool)
  /// Called every fraction of a second while a step reads.
  func progress(_ progress: StepProgress)
  /// A problem worth a line of its own: a rejected record (named by file and line, never by
  /// value), an encoding fallback, an unused column.
  func warning(_ message: String)
  func stepFinished(_ report: StepReport)
  /// Something people may want to know that is neither progress nor a problem, such as where an
  /// embedded sandbox listens.
  func note(_ message: String)
}

extension RunObserver {
  public func note(_ message: String) {}
}

/// A step's progress so far.
public struct StepProgress: Sendable {
  public var step: String
  public var records: Int
  public var bytesRead: Int
  public var totalBytes: Int?
  public var seconds: Double
}
