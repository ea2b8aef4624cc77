/// A problem with the job file, with where it is. `check` lists them all; `run` stops at them
/// with exit status 2 before reading or writing anything.
public struct JobFileError: Error, Equatable, Sendable, CustomStringConvertible {
  public var file: String
  public var mark: SourceMark?
  public var message: String

  public init(file: String, mark: SourceMark?, message: String) {
    self.file = file
    self.mark = mark
    self.message = message
  }

  public var description: String {
    guard let mark else { return "\(file): \(message)" }
    return "\(file):\(mark.line):\(mark.column): \(message)"
  }
}

/// Every problem found in one job file.
public struct JobFileErrors: Error, Sendable {
  public var errors: [JobFileError]
}
