import Dispatch
import Synchronization

/// The driver of the rate policy: every request of a run passes through one `RateLimiter`, which
/// bounds the requests in flight and waits for the token bucket. It is the only piece that
/// sleeps. Tests inject `clock` and `sleep`.
public final class RateLimiter: Sendable {
  public let concurrency: Int
  private let policy: Mutex<RateLimitPolicy>
  private let slots: DispatchSemaphore
  private let clock: @Sendable () -> Double
  private let sleep: @Sendable (Double) -> Void

  /// Creates a limiter on the monotonic clock that sleeps the calling thread while it waits.
  public convenience init(_ settings: RateLimitPolicy.Settings, concurrency: Int) {
    self.init(
      settings, concurrency: concurrency, clock: { monotonicSeconds() },
      sleep: { sleepSeconds($0) })
  }

  /// `clock` returns monotonic seconds and `sleep` blocks the calling thread for the seconds given.
  init(
    _ settings: RateLimitPolicy.Settings, concurrency: Int,
    clock: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) -> Void
  ) {
    precondition(concurrency >= 1, "concurrency must be at least 1")
    self.concurrency = concurrency
    policy = Mutex(RateLimitPolicy(settings))
    slots = DispatchSemaphore(value: concurrency)
    self.clock = clock
    self.sleep = sleep
  }

  /// Creates a limiter for the job file's `api:` settings.
  public convenience init(_ settings: APISettings) {
    let policy = RateLimitPolicy.Settings(
      ratePerSecond: settings.requestsPerSecond, burst: settings.burst)
    self.init(policy, concurrency: settings.concurrency)
  }

  /// Runs `body` once a slot for a request in flight is free and the bucket allows one more
  /// request, and frees the slot when `body` returns or throws.
  public func withPermit<Result, Failure: Error>(
    _ body: () throws(Failure) -> Result
  ) throws(Failure) -> Result {
    slots.wait()
    defer { slots.signal() }
    waitForToken()
    return try body()
  }

  /// Records a 429 response so that every request pauses and the rate drops.
  public func recordTooManyRequests(retryAfter: Double?) {
    let now = clock()
    policy.withLock { $0.recordTooManyRequests(at: now, retryAfter: retryAfter) }
  }

  public var tooManyRequestsCount: Int {
    policy.withLock { $0.tooManyRequestsCount }
  }

  /// The rate in force now, in requests per second.
  public var currentRate: Double {
    let now = clock()
    return policy.withLock { $0.rate(at: now) }
  }

  private func waitForToken() {
    let now = clock()
    let wait = policy.withLock { $0.reserve(at: now) }
    sleep(wait)
    // A 429 that arrived while this request slept starts a pause that it must honour too. Each
    // round sleeps until the pause ends, so this ends unless 429s keep extending the pause.
    for _ in 0..<100 {
      let now = clock()
      let remaining = policy.withLock { $0.pauseRemaining(at: now) }
      guard remaining > 0 else { return }
      sleep(remaining)
    }
  }
}
