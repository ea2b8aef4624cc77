/// The reason an API request failed after the client's retries. The run maps these to its own
/// outcomes: `credentialsRejected` and `unreachable` abort it, `rejected` sends the record to the
/// rejects file, and `outcomeUnknown` leaves the create's in-flight marker to reconcile.
public enum APIError: Error, Equatable, Sendable, CustomStringConvertible {
  /// 401 or 403: the API key is wrong or lacks the permission.
  case credentialsRejected(status: Int, detail: String?)
  /// A 4xx that retrying cannot change, with the API's `detail` and its problems per field.
  case rejected(status: Int, detail: String?, problems: [RecordProblem])
  /// A create may have been carried out, but no success response arrived.
  case outcomeUnknown(RequestOutcome)
  /// Retries ran out, or a failure that retrying cannot fix, such as a TLS failure.
  case unreachable(RequestOutcome, attempts: Int)
  /// The server asked for a longer wait than the client accepts.
  case retryAfterTooLong(seconds: Double)
  /// A success response whose body is not the JSON expected, with the first bytes of it.
  case invalidResponse(status: Int, reason: String, bodyPrefix: String)

  public var description: String {
    switch self {
    case .credentialsRejected(let status, let detail):
      return "the API rejected the API key (HTTP \(status)\(detail.map { ": \($0)" } ?? "")); "
        + "check api_key or api_key_file"
    case .rejected(let status, let detail, let problems):
      var text = "the API rejected the request (HTTP \(status))"
      if let detail { text += ": \(detail)" }
      for problem in problems {
        text += "; \(problem.field ?? "record"): \(problem.message)"
      }
      return text
    case .outcomeUnknown(let outcome):
      return "the create may or may not have happened (\(outcome)); it will be checked before "
        + "it is sent again"
    case .unreachable(let outcome, let attempts):
      return "the API request failed after \(attempts) \(attempts == 1 ? "attempt" : "attempts"): "
        + outcome.description
    case .retryAfterTooLong(let seconds):
      return "the API asked to wait \(Int(seconds)) seconds before retrying, longer than "
        + "hire-etl waits"
    case .invalidResponse(let status, let reason, let prefix):
      return "the API sent an invalid response (HTTP \(status)): \(reason); it starts with "
        + "\"\(prefix)\""
    }
  }
}
