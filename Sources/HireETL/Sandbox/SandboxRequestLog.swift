/// One line of the request log.
struct SandboxLogEntry: Equatable, Sendable {
  /// Milliseconds since 1970 on the wall clock when the request arrived.
  var startedAt: Int64
  /// Nil when the request line could not be read.
  var method: String?
  /// The request target with its query string, nil when the request line could not be read.
  var target: String?
  /// The status sent, nil when the connection closed without a response.
  var status: Int?
  var seconds: Double
  /// The injected fault, such as `fail` or `lose-504`, nil when there was none.
  var fault: String?

  /// `2024-03-05T14:07:00.250Z GET /api/v2/openings?limit=10 200 1.4ms`, with ` fault=NAME`
  /// after an injected fault. Occurrences of `apiKey` in the target are replaced.
  func line(redacting apiKey: String) -> String {
    var target = target ?? "-"
    if !apiKey.isEmpty { target = target.replacingAll(apiKey, with: "[redacted]") }
    let milliseconds = (seconds * 10_000).rounded() / 10
    var text =
      SandboxTimestamp.dateTime(milliseconds: startedAt) + " " + (method ?? "-") + " "
      + target + " " + (status.map(String.init) ?? "-") + " \(milliseconds)ms"
    if let fault { text += " fault=\(fault)" }
    return text + "\n"
  }
}

/// The request log file: one line per request with the method, the target, the status and the
/// time taken. Headers and bodies are never written, because they carry the API key and
/// candidates' personal data.
final class SandboxRequestLog: Sendable {
  let path: String
  private let file: AppendOnlyFile
  private let apiKey: String

  init(path: String, apiKey: String) throws(SandboxError) {
    self.path = path
    self.apiKey = apiKey
    do {
      file = try AppendOnlyFile(path: path)
    } catch {
      throw .logFileFailed(path: path, reason: error.reason)
    }
  }

  /// Appends one line. A failed write is ignored, because logging must not stop the server.
  func record(_ entry: SandboxLogEntry) {
    _ = file.append(Array(entry.line(redacting: apiKey).utf8))
  }

  func close() {
    file.close()
  }
}
