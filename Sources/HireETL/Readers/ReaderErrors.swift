/// Where in an input something was found. Line and column are 1-based; the column counts
/// characters from the start of the line.
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
  public var file: String
  public var line: Int?
  public var column: Int?

  public init(file: String, line: Int? = nil, column: Int? = nil) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String {
    var text = file
    if let line { text += ":\(line)" }
    if let column { text += ":\(column)" }
    return text
  }
}

/// A fault that stops a reader: the input cannot be read any further (unreadable file, invalid
/// encoding under a strict setting, a field past the size cap, a broken header).
public struct ReaderFailure: Error, Equatable, Sendable, CustomStringConvertible {
  public var location: SourceLocation
  public var message: String

  public init(_ location: SourceLocation, _ message: String) {
    self.location = location
    self.message = message
  }

  public init(_ error: InputError) {
    self.init(SourceLocation(file: error.path), error.message)
  }

  public var description: String { "\(location): \(message)" }
}
