import Dispatch
import Synchronization
import Testing

@testable import HireETL

@Suite struct APIRateLimitTests {
  func policy(rate: Double = 5, burst: Int = 5) -> RateLimitPolicy {
    RateLimitPolicy(.init(ratePerSecond: rate, burst: burst))
  }

  @Test func burstThenSpacedByRate() {
    var bucket = policy()
    let waits = (0..<8).map { _ in bucket.reserve(at: 100) }
    let expected = [0, 0, 0, 0, 0, 0.2, 0.4, 0.6]
    for (wait, want) in zip(waits, expected) {
      #expect(abs(wait - want) < 1e-9, "\(waits)")
    }
  }

  @Test func quietSpellRefillsToBurstOnly() {
    var bucket = policy()
    for _ in 0..<5 { _ = bucket.reserve(at: 0) }
    let waits = (0..<6).map { _ in bucket.reserve(at: 60) }
    #expect(waits.prefix(5).allSatisfy { $0 == 0 })
    #expect(abs(waits[5] - 0.2) < 1e-9)
  }

  @Test func tooManyRequestsPausesForRetryAfter() {
    var bucket = policy()
    bucket.recordTooManyRequests(at: 10, retryAfter: 3)
    #expect(bucket.pauseRemaining(at: 11) == 2)
    #expect(bucket.pauseRemaining(at: 13.5) == 0)
    // The bucket is empty after the pause and refills at the halved rate, 2.5 per second.
    #expect(abs(bucket.reserve(at: 10) - 3.4) < 1e-9)
    #expect(abs(bucket.reserve(at: 10) - 3.8) < 1e-9)
  }

  @Test func tooManyRequestsWithoutRetryAfterPausesOneSecond() {
    var bucket = policy()
    bucket.recordTooManyRequests(at: 0, retryAfter: nil)
    #expect(bucket.pauseRemaining(at: 0) == 1)
  }

  @Test func rateHalvesOncePerBurstOfRefusals() {
    var bucket = policy(rate: 8)
    bucket.recordTooManyRequests(at: 0, retryAfter: 0)
    bucket.recordTooManyRequests(at: 0.5, retryAfter: 0)
    #expect(bucket.rate(at: 1) == 4)
    bucket.recordTooManyRequests(at: 5, retryAfter: 0)
    #expect(bucket.rate(at: 5) == 2)
    for second in 6..<20 { bucket.recordTooManyRequests(at: Double(second * 2), retryAfter: 0) }
    #expect(bucket.rate(at: 40) == 0.5)
    #expect(bucket.tooManyRequestsCount == 17)
  }

  @Test func rateRecoversAfterHold() {
    var bucket = policy(rate: 8)
    bucket.recordTooManyRequests(at: 0, retryAfter: 0)
    #expect(bucket.rate(at: 29) == 4)
    #expect(bucket.rate(at: 60) == 6)
    #expect(bucket.rate(at: 90) == 8)
    #expect(bucket.rate(at: 500) == 8)
  }

  @Test(arguments: [
    ("120", 120.0),
    ("0", 0),
    (" 7 ", 7),
    ("Sun, 06 Nov 1994 08:49:47 GMT", 10),
    ("Sunday, 06-Nov-94 08:49:47 GMT", 10),
    ("Sun Nov  6 08:49:47 1994", 10),
    ("Sun, 06 Nov 1994 08:00:00 GMT", 0),
  ])
  func retryAfterForms(value: String, seconds: Double) {
    // 784111777 is 1994-11-06 08:49:37 UTC.
    #expect(RetryAfter.seconds(from: value, now: 784_111_777) == seconds)
  }

  @Test(arguments: [
    "", "-5", "1.5", "soon", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT",
  ])
  func retryAfterInvalid(value: String) {
    #expect(RetryAfter.seconds(from: value, now: 0) == nil)
  }

  @Test func retryAfterLeapDay() {
    #expect(RetryAfter.httpDate("Thu, 29 Feb 2024 00:00:00 GMT") == 1_709_164_800)
  }

  @Test func limiterSleepsOnInjectedClock() {
    let clock = FakeClock()
    let limiter = RateLimiter(
      .init(ratePerSecond: 5, burst: 2), concurrency: 1, clock: { clock.now() },
      sleep: { clock.sleep($0) })
    for _ in 0..<4 { limiter.withPermit {} }
    #expect(clock.sleeps.filter { $0 > 0 } == [0.2, 0.2])
    #expect(abs(clock.now() - 0.4) < 1e-9)
  }

  @Test func limiterHonoursPauseStartedWhileWaiting() {
    let clock = FakeClock()
    let limiter = RateLimiter(
      .init(ratePerSecond: 5, burst: 1), concurrency: 1, clock: { clock.now() },
      sleep: { clock.sleep($0) })
    limiter.withPermit {}
    clock.onFirstSleep = { limiter.recordTooManyRequests(retryAfter: 3) }
    limiter.withPermit {}
    #expect(clock.now() >= 3)
    #expect(limiter.tooManyRequestsCount == 1)
  }

  @Test func limiterBoundsRequestsInFlight() {
    let limiter = RateLimiter(.init(ratePerSecond: 10_000, burst: 10_000), concurrency: 3)
    let inFlight = Mutex((now: 0, maximum: 0))
    let group = DispatchGroup()
    for _ in 0..<8 {
      group.enter()
      try? startDetachedThread {
        limiter.withPermit {
          inFlight.withLock {
            $0.now += 1
            $0.maximum = max($0.maximum, $0.now)
          }
          sleepSeconds(0.02)
          inFlight.withLock { $0.now -= 1 }
        }
        group.leave()
      }
    }
    #expect(group.wait(timeout: .now() + 10) == .success)
    #expect(inFlight.withLock { $0.maximum } <= 3)
    #expect(inFlight.withLock { $0.maximum } >= 1)
  }
}

/// A clock that only moves when `sleep` is called, and records every sleep.
final class FakeClock: Sendable {
  private let state = Mutex((time: 0.0, sleeps: [Double](), hook: nil as (@Sendable () -> Void)?))

  var sleeps: [Double] { state.withLock { $0.sleeps } }

  var onFirstSleep: (@Sendable () -> Void)? {
    get { state.withLock { $0.hook } }
    set { state.withLock { $0.hook = newValue } }
  }

  func now() -> Double {
    state.withLock { $0.time }
  }

  func sleep(_ seconds: Double) {
    let hook = state.withLock { state -> (@Sendable () -> Void)? in
      state.time += seconds
      state.sleeps.append(seconds)
      defer { state.hook = nil }
      return state.hook
    }
    hook?()
  }
}
