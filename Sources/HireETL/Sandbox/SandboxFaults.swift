import Synchronization

/// Faults the sandbox injects to rehearse a bad day: a rate limit, added latency, refused
/// requests, lost responses and dropped connections. Every rate is a probability from 0 to 1 per
/// request.
public struct SandboxFaults: Equatable, Sendable {
  /// The form a lost response takes for the client. The change is made either way.
  public enum LostResponse: String, Equatable, Sendable, CaseIterable {
    /// A 504 response in place of the real one.
    case gatewayTimeout = "504"
    /// The connection closes without a response.
    case drop
    /// 504 and drop in turn, starting with 504.
    case alternate
  }

  /// Requests per second that the token bucket lets through, nil for no limit.
  public var rateLimit: Double?
  /// Token bucket size: requests that may come at once after a quiet spell. Nil means the rate
  /// rounded up, and at least 1.
  public var burst: Int?
  /// Seconds added before every response.
  public var latency: Double = 0
  /// Share of requests that get a 503 response before anything is changed.
  public var failRate: Double = 0
  /// Share of requests whose change is made but whose response is lost.
  public var loseRate: Double = 0
  public var lostResponse = LostResponse.alternate
  /// Share of connections dropped before the request is handled.
  public var dropRate: Double = 0
  /// Seed of the generator that picks the failed, lost and dropped requests. Nil picks a seed
  /// from the system's random source.
  public var randomSeed: UInt64?

  public init() {}

  /// Whether any fault is switched on.
  public var isActive: Bool {
    rateLimit != nil || latency > 0 || failRate > 0 || loseRate > 0 || dropRate > 0
  }
}

/// A token bucket: it holds up to `capacity` tokens, refills at `rate` tokens a second, and each
/// request takes one. Times are seconds on any monotonic clock, so tests pass them in.
struct TokenBucket: Sendable {
  let rate: Double
  let capacity: Double
  private var tokens: Double
  private var lastRefill: Double?

  init(rate: Double, capacity: Int) {
    self.rate = rate
    self.capacity = Double(max(1, capacity))
    tokens = self.capacity
  }

  /// Takes a token at time `now`. Returns nil when one was there, else the seconds until the
  /// next token.
  mutating func take(at now: Double) -> Double? {
    if let lastRefill {
      tokens = min(capacity, tokens + max(0, now - lastRefill) * rate)
    }
    lastRefill = now
    if tokens >= 1 {
      tokens -= 1
      return nil
    }
    return (1 - tokens) / rate
  }
}

/// The sandbox's fault handling of one request, before and after handling it.
enum SandboxFaultDecision: Equatable, Sendable {
  /// Close the connection without reading the request any further.
  case drop
  /// Respond 429 with `Retry-After` set to this many seconds.
  case rateLimit(retryAfter: Int)
  /// Respond 503 without handling the request.
  case fail
  /// Handle the request, then lose the response this way, or send it when nil.
  case handle(losing: SandboxFaults.LostResponse?)
}

/// The fault policy shared by every connection: one token bucket and one random sequence.
final class SandboxFaultInjector: Sendable {
  private struct State {
    var random: SandboxRandom
    var bucket: TokenBucket?
    var nextLostIsDrop = false
  }

  let faults: SandboxFaults
  private let state: Mutex<State>

  init(_ faults: SandboxFaults) {
    self.faults = faults
    var bucket: TokenBucket?
    if let rate = faults.rateLimit {
      bucket = TokenBucket(rate: rate, capacity: faults.burst ?? Int(rate.rounded(.up)))
    }
    let seed = faults.randomSeed ?? UInt64.random(in: 0...UInt64.max)
    state = Mutex(State(random: SandboxRandom(seed: seed), bucket: bucket))
  }

  /// Decides the faults of the next request, arriving at `now` seconds on the monotonic clock.
  func decide(at now: Double) -> SandboxFaultDecision {
    guard faults.isActive else { return .handle(losing: nil) }
    return state.withLock { state in
      if state.random.chance(faults.dropRate) { return .drop }
      if let wait = state.bucket?.take(at: now) {
        return .rateLimit(retryAfter: max(1, Int(wait.rounded(.up))))
      }
      if state.random.chance(faults.failRate) { return .fail }
      guard state.random.chance(faults.loseRate) else { return .handle(losing: nil) }
      switch faults.lostResponse {
      case .gatewayTimeout, .drop:
        return .handle(losing: faults.lostResponse)
      case .alternate:
        defer { state.nextLostIsDrop.toggle() }
        return .handle(losing: state.nextLostIsDrop ? .drop : .gatewayTimeout)
      }
    }
  }
}
