/// The rate policy shared by every request of a run: a token bucket that returns how long a
/// request must wait, given the time. It never reads a clock or sleeps; `RateLimiter` does both.
///
/// A 429 response pauses every request for the `Retry-After` time and halves the rate. The rate
/// stays lowered for `Settings.holdSeconds` after the last 429 and then climbs back to the
/// configured rate over `Settings.recoverySeconds`.
public struct RateLimitPolicy: Sendable, Equatable {
  public struct Settings: Sendable, Equatable {
    public var ratePerSecond: Double
    /// Tokens the bucket holds when full: how many requests may start at once after a quiet spell.
    public var burst: Int
    /// Seconds to pause after a 429 without a usable `Retry-After`.
    public var defaultPause = 1.0
    public var holdSeconds = 30.0
    public var recoverySeconds = 60.0
    /// The rate never drops below this share of the configured rate.
    public var minimumRateShare = 1.0 / 16
    /// 429s arriving this soon after the last cut are one event, because requests already in
    /// flight when the server began refusing all come back refused together.
    public var cutInterval = 1.0

    public init(ratePerSecond: Double, burst: Int) {
      self.ratePerSecond = ratePerSecond
      self.burst = burst
    }
  }

  public let settings: Settings
  /// Tokens available at `updatedAt`. Negative when reservations run ahead of the refill.
  public private(set) var tokens: Double
  /// The time `tokens` refers to. Later than now while a 429 pause lasts, so nothing refills.
  private var updatedAt: Double?
  /// The lowered rate and the time of the 429 that set it, or nil at the configured rate.
  private var cut: RateCut?
  /// Number of 429 responses reported.
  public private(set) var tooManyRequestsCount = 0

  public init(_ settings: Settings) {
    self.settings = settings
    tokens = Double(settings.burst)
  }

  /// Takes one token for a request that would start at `now` and returns the seconds it must
  /// wait first. Tokens are taken in call order, so concurrent callers get successive slots.
  public mutating func reserve(at now: Double) -> Double {
    refill(to: now)
    tokens -= 1
    let start = updatedAt ?? now
    let debt = tokens < 0 ? -tokens / rate(at: now) : 0
    return max(0, start - now + debt)
  }

  /// Seconds left of the pause that the last 429 started, zero when none is running.
  public func pauseRemaining(at now: Double) -> Double {
    guard let updatedAt else { return 0 }
    return max(0, updatedAt - now)
  }

  /// Records a 429 response: pauses every request for `retryAfter` seconds (or the default
  /// pause), empties the bucket and halves the rate, unless a cut happened just before.
  public mutating func recordTooManyRequests(at now: Double, retryAfter: Double?) {
    tooManyRequestsCount += 1
    refill(to: now)
    if let last = cut, now - last.at < settings.cutInterval {
      cut = RateCut(rate: last.rate, at: now)
    } else {
      let minimum = settings.ratePerSecond * settings.minimumRateShare
      cut = RateCut(rate: max(minimum, rate(at: now) / 2), at: now)
    }
    let pauseEnd = now + max(0, retryAfter ?? settings.defaultPause)
    updatedAt = max(updatedAt ?? now, pauseEnd)
    tokens = min(tokens, 0)
  }

  /// The rate in requests per second in force at `now`.
  public func rate(at now: Double) -> Double {
    guard let cut else { return settings.ratePerSecond }
    let recovering = now - cut.at - settings.holdSeconds
    if recovering <= 0 { return cut.rate }
    let share = min(1, recovering / settings.recoverySeconds)
    return cut.rate + (settings.ratePerSecond - cut.rate) * share
  }

  /// Adds the tokens earned since `updatedAt` at the current rate, up to the burst size.
  private mutating func refill(to now: Double) {
    guard let last = updatedAt else {
      updatedAt = now
      return
    }
    guard now > last else { return }
    tokens = min(Double(settings.burst), tokens + (now - last) * rate(at: now))
    updatedAt = now
  }
}

private struct RateCut: Sendable, Equatable {
  var rate: Double
  var at: Double
}
