import Synchronization

/// Sends JSON requests to the API through the shared rate limiter, retrying as `RetryPolicy`
/// decides. Safe to call from several threads at once. It counts requests, retries and 429s for
/// the run report.
public final class APIClient: Sendable {
  /// Counts for the run report.
  public struct Statistics: Sendable, Equatable {
    public var requests = 0
    public var retries = 0
    public var tooManyRequests = 0
  }

  public let baseURL: APIBaseURL
  private let transport: any HTTPTransport
  private let limiter: RateLimiter
  private let policy: RetryPolicy
  private let random: @Sendable () -> Double
  private let sleep: @Sendable (Double) -> Void
  private let wallClock: @Sendable () -> Double
  private let counts = Mutex(Statistics())

  /// Creates a client on the real clock, sleeping and random numbers.
  public convenience init(
    baseURL: APIBaseURL, transport: any HTTPTransport, limiter: RateLimiter, policy: RetryPolicy
  ) {
    self.init(
      baseURL: baseURL, transport: transport, limiter: limiter, policy: policy,
      random: { Double.random(in: 0..<1) }, sleep: { sleepSeconds($0) },
      wallClock: { Double(wallClockMilliseconds()) / 1000 })
  }

  /// `random` returns numbers in 0..<1 for the backoff jitter, `sleep` waits between attempts,
  /// and `wallClock` returns seconds since 1970 for `Retry-After` dates.
  init(
    baseURL: APIBaseURL, transport: any HTTPTransport, limiter: RateLimiter, policy: RetryPolicy,
    random: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) -> Void,
    wallClock: @escaping @Sendable () -> Double
  ) {
    self.baseURL = baseURL
    self.transport = transport
    self.limiter = limiter
    self.policy = policy
    self.random = random
    self.sleep = sleep
    self.wallClock = wallClock
  }

  public var statistics: Statistics { counts.withLock { $0 } }

  public func get(_ path: String, query: [(String, String)] = []) throws(APIError) -> JSONValue {
    try send(.get, path, query: query, body: nil)
  }

  /// Creates a record. The request is sent again only when the server provably did not act on
  /// it: a 429, a 408, or a failure before the request went out. Otherwise the error is
  /// `outcomeUnknown`.
  public func post(_ path: String, body: JSONValue) throws(APIError) -> JSONValue {
    try send(.post, path, query: [], body: body)
  }

  public func patch(_ path: String, body: JSONValue) throws(APIError) -> JSONValue {
    try send(.patch, path, query: [], body: body)
  }

  public func delete(_ path: String) throws(APIError) {
    _ = try send(.delete, path, query: [], body: nil)
  }

  /// Sends one request, with retries, and returns the JSON body of the success response.
  public func send(
    _ method: HTTPMethod, _ path: String, query: [(String, String)], body: JSONValue?
  ) throws(APIError) -> JSONValue {
    var headers = [HTTPHeader("Accept", "application/json")]
    var bytes: [UInt8]?
    if let body {
      var encoded: [UInt8] = []
      JSONWriter.appendValue(body, to: &encoded)
      bytes = encoded
      headers.append(HTTPHeader("Content-Type", "application/json"))
    }
    let request = HTTPClientRequest(
      method: method, url: baseURL.url(path, query: query), headers: headers, body: bytes)
    let response = try sendWithRetries(request)
    return try APIResponseBody.json(response)
  }

  /// Sends `request` until it succeeds or the policy stops, and returns the success response.
  private func sendWithRetries(_ request: HTTPClientRequest) throws(APIError) -> HTTPClientResponse
  {
    var attempt = 1
    // The policy stops after `maximumRetries`; the bound only guards against a policy bug.
    while attempt <= policy.maximumRetries + 1 {
      let result = limiter.withPermit { () -> Result<HTTPClientResponse, TransportError> in
        do throws(TransportError) {
          return .success(try transport.send(request))
        } catch {
          return .failure(error)
        }
      }
      let outcome: RequestOutcome
      var retryAfter: Double?
      switch result {
      case .success(let response):
        outcome = .status(response.status)
        if response.status == 429 || response.status == 503 {
          retryAfter = response.header("Retry-After").flatMap {
            RetryAfter.seconds(from: $0, now: wallClock())
          }
        }
        if response.status == 429 {
          limiter.recordTooManyRequests(retryAfter: retryAfter)
        }
      case .failure(let error):
        outcome = .transport(error)
      }
      counts.withLock {
        $0.requests += 1
        if outcome == .status(429) { $0.tooManyRequests += 1 }
      }

      let decision = policy.decide(
        attempt: attempt, outcome: outcome, isIdempotent: request.isIdempotent,
        retryAfter: retryAfter, jitter: random())
      switch decision {
      case .success:
        guard case .success(let response) = result else {
          preconditionFailure("the retry policy called a transport error a success")
        }
        return response
      case .retry(let delay):
        counts.withLock { $0.retries += 1 }
        sleep(delay)
        attempt += 1
      case .reconcile(let outcome):
        throw .outcomeUnknown(outcome)
      case .giveUp(let reason):
        throw error(for: reason, result: result, attempts: attempt)
      }
    }
    throw .unreachable(.status(0), attempts: attempt - 1)
  }

  private func error(
    for reason: RetryGiveUpReason, result: Result<HTTPClientResponse, TransportError>,
    attempts: Int
  ) -> APIError {
    let body = (try? result.get()).map(APIResponseBody.problems)
    switch reason {
    case .credentialsRejected(let status):
      return .credentialsRejected(status: status, detail: body?.detail)
    case .rejected(let status):
      return .rejected(status: status, detail: body?.detail, problems: body?.problems ?? [])
    case .permanentTransportError(let error):
      return .unreachable(.transport(error), attempts: attempts)
    case .retriesExhausted(let outcome, let attempts):
      return .unreachable(outcome, attempts: attempts)
    case .retryAfterTooLong(let seconds):
      return .retryAfterTooLong(seconds: seconds)
    }
  }
}
