import Glibc

/// The command line's output channels: standard output and standard error, or buffers in
/// tests.
public final class Console: @unchecked Sendable {
  private let writeOut: (String) -> Void
  private let writeError: (String) -> Void
  /// True when standard error is a terminal, so progress can redraw one line.
  public let errorIsTerminal: Bool

  public init(out: @escaping (String) -> Void, error: @escaping (String) -> Void, errorIsTerminal: Bool) {
    self.writeOut = out
    self.writeError = error
    self.errorIsTerminal = errorIsTerminal
  }

  /// Returns a console on the process's own standard output and standard error.
  public static func standard() -> Console {
    Console(
      out: { writeAll(STDOUT_FILENO, $0) }, error: { writeAll(STDERR_FILENO, $0) },
      errorIsTerminal: isatty(STDERR_FILENO) == 1)
  }

  public func out(_ text: String) { writeOut(text) }
  public func error(_ text: String) { writeError(text) }

  private static func writeAll(_ descriptor: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeMutableBytes { buffer in
        Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
      }
      if written < 0 && errno == EINTR { continue }
      if written <= 0 { return }
      offset += written
    }
    bytes.removeAll()
  }
}

/// Formats numbers for people: 1234567 as "1,234,567".
func grouped(_ number: Int) -> String {
  let digits = String(abs(number))
  var result = ""
  for (index, digit) in digits.enumerated() {
    if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
    result.append(digit)
  }
  return number < 0 ? "-" + result : result
}

/// Formats seconds with one or two decimals.
func formattedSeconds(_ seconds: Double) -> String {
  let hundredths = Int((seconds * 100).rounded())
  let fraction = hundredths % 100
  return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) s"
}

/// Reads the process's environment variables.
public func processEnvironment() -> [String: String] {
  var result: [String: String] = [:]
  var cursor = environ
  while let entry = cursor.pointee {
    let text = String(cString: entry)
    if let equals = text.firstIndex(of: "=") {
      result[String(text[..<equals])] = String(text[text.index(after: equals)...])
    }
    cursor += 1
  }
  return result
}
