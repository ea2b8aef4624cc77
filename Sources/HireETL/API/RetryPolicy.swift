/// The result of one attempt at a request: an HTTP status or a transport failure.
public enum RequestOutcome: Sendable, Equatable, CustomStringConvertible {
  case status(Int)
  case transport(TransportError)

  public var description: String {
    switch self {
    case .status(let status): "HTTP \(status)"
    case .transport(let error): error.description
    }
  }
}

/// The retry policy's verdict on one attempt.
public enum RetryDecision: Sendable, Equatable {
  case success
  case retry(after: Double)
  case giveUp(RetryGiveUpReason)
  /// A create may or may not have happened. Sending it again could make a duplicate, so the
  /// caller must first look for the record (or leave its in-flight marker for the next run).
  case reconcile(RequestOutcome)
}

public enum RetryGiveUpReason: Sendable, Equatable {
  /// 401 or 403: the API key was rejected, and every further request would be too.
  case credentialsRejected(status: Int)
  /// Another status that retrying cannot change, such as 400, 404 or 409.
  case rejected(status: Int)
  /// A failure that retrying cannot fix: an invalid URL or a TLS failure.
  case permanentTransportError(TransportError)
  case retriesExhausted(RequestOutcome, attempts: Int)
  /// The server asked for a wait longer than `RetryPolicy.maximumRetryAfter`.
  case retryAfterTooLong(seconds: Double)
}

/// Decides whether a failed request is sent again, and after how long. Pure: the caller passes
/// the attempt number, the outcome, the `Retry-After` seconds and a random number.
///
/// 429, 408, 5xx, timeouts and dropped connections are retried with capped exponential backoff
/// and full jitter, and `Retry-After` replaces the backoff when the server sends one. Other 4xx
/// are final. A create whose outcome is unknown (a 5xx, a timeout or a dropped connection after
/// the request went out) is never retried blindly but returned as `.reconcile`.
public struct RetryPolicy: Sendable, Equatable {
  /// Retries after the first attempt, so a request is sent at most `maximumRetries + 1` times.
  public var maximumRetries: Int
  /// Backoff ceiling of the first retry, in seconds, doubled for each later retry.
  public var baseDelay: Double
  public var maximumDelay: Double
  public var maximumRetryAfter: Double

  public init(
    maximumRetries: Int, baseDelay: Double = 0.5, maximumDelay: Double = 30,
    maximumRetryAfter: Double = 900
  ) {
    self.maximumRetries = maximumRetries
    self.baseDelay = baseDelay
    self.maximumDelay = maximumDelay
    self.maximumRetryAfter = maximumRetryAfter
  }

  /// Decides what follows attempt number `attempt` (1 for the first send). `jitter` is a random
  /// number in 0..<1 and `retryAfter` the seconds from a `Retry-After` header, if any.
  public func decide(
    attempt: Int, outcome: RequestOutcome, isIdempotent: Bool, retryAfter: Double? = nil,
    jitter: Double
  ) -> RetryDecision {
    switch classify(outcome, isIdempotent: isIdempotent) {
    case .success:
      return .success
    case .final(let reason):
      return .giveUp(reason)
    case .unknownOutcome:
      return .reconcile(outcome)
    case .transient:
      guard attempt <= maximumRetries else {
        return .giveUp(.retriesExhausted(outcome, attempts: attempt))
      }
      if let retryAfter {
        guard retryAfter <= maximumRetryAfter else {
          return .giveUp(.retryAfterTooLong(seconds: retryAfter))
        }
        return .retry(after: max(0, retryAfter))
      }
      return .retry(after: backoff(attempt: attempt, jitter: jitter))
    }
  }

  /// Full jitter: a uniform pick between zero and `baseDelay * 2^(attempt - 1)`, capped at
  /// `maximumDelay`.
  public func backoff(attempt: Int, jitter: Double) -> Double {
    let exponent = Double(min(max(attempt - 1, 0), 62))
    let ceiling = min(maximumDelay, baseDelay * pow2(exponent))
    return ceiling * min(max(jitter, 0), 1)
  }

  private enum Kind {
    case success, transient, unknownOutcome
    case final(RetryGiveUpReason)
  }

  private func classify(_ outcome: RequestOutcome, isIdempotent: Bool) -> Kind {
    switch outcome {
    case .status(let status):
      switch status {
      case 200..<300: return .success
      case 401, 403: return .final(.credentialsRejected(status: status))
      // The server refused a 429 or 408 before acting on it, so even a create is safe to resend.
      case 408, 429: return .transient
      case 500..<600: return isIdempotent ? .transient : .unknownOutcome
      default: return .final(.rejected(status: status))
      }
    case .transport(let error):
      switch error {
      case .invalidURL, .tls: return .final(.permanentTransportError(error))
      case .connectFailed, .timedOut, .connectionDropped, .other:
        return isIdempotent || !error.requestMayHaveArrived ? .transient : .unknownOutcome
      }
    }
  }

  private func pow2(_ exponent: Double) -> Double {
    var value = 1.0
    for _ in 0..<Int(exponent) { value *= 2 }
    return value
  }
}
