import Testing

@testable import HireETL

@Suite struct APIRetryPolicyTests {
  let policy = RetryPolicy(maximumRetries: 3, baseDelay: 0.5, maximumDelay: 4)

  static let sentDrop = TransportError.connectionDropped(requestSent: true, reason: "reset")
  static let unsentDrop = TransportError.connectionDropped(requestSent: false, reason: "reset")
  static let sentTimeout = TransportError.timedOut(requestSent: true, reason: "slow")
  static let unsentTimeout = TransportError.timedOut(requestSent: false, reason: "slow")
  static let refused = TransportError.connectFailed(reason: "refused")
  static let badCertificate = TransportError.tls(reason: "bad certificate")

  /// (outcome, idempotent, decision on the first attempt with jitter 1)
  static let firstAttempt: [(RequestOutcome, Bool, RetryDecision)] = [
    (.status(200), true, .success),
    (.status(201), false, .success),
    (.status(204), true, .success),
    (.status(429), true, .retry(after: 0.5)),
    (.status(429), false, .retry(after: 0.5)),
    (.status(408), false, .retry(after: 0.5)),
    (.status(500), true, .retry(after: 0.5)),
    (.status(503), true, .retry(after: 0.5)),
    (.status(504), false, .reconcile(.status(504))),
    (.status(500), false, .reconcile(.status(500))),
    (.status(400), true, .giveUp(.rejected(status: 400))),
    (.status(400), false, .giveUp(.rejected(status: 400))),
    (.status(404), true, .giveUp(.rejected(status: 404))),
    (.status(409), false, .giveUp(.rejected(status: 409))),
    (.status(301), true, .giveUp(.rejected(status: 301))),
    (.status(401), true, .giveUp(.credentialsRejected(status: 401))),
    (.status(403), false, .giveUp(.credentialsRejected(status: 403))),
    (.transport(refused), false, .retry(after: 0.5)),
    (.transport(refused), true, .retry(after: 0.5)),
    (.transport(unsentTimeout), false, .retry(after: 0.5)),
    (.transport(unsentDrop), false, .retry(after: 0.5)),
    (.transport(sentTimeout), true, .retry(after: 0.5)),
    (.transport(sentDrop), true, .retry(after: 0.5)),
    (.transport(sentTimeout), false, .reconcile(.transport(sentTimeout))),
    (.transport(sentDrop), false, .reconcile(.transport(sentDrop))),
    (
      .transport(.other(code: 99, reason: "odd")), false,
      .reconcile(.transport(.other(code: 99, reason: "odd")))
    ),
    (.transport(badCertificate), true, .giveUp(.permanentTransportError(badCertificate))),
    (.transport(.invalidURL("x")), true, .giveUp(.permanentTransportError(.invalidURL("x")))),
  ]

  @Test(arguments: firstAttempt)
  func firstAttemptDecision(outcome: RequestOutcome, idempotent: Bool, expected: RetryDecision) {
    let decision = policy.decide(attempt: 1, outcome: outcome, isIdempotent: idempotent, jitter: 1)
    #expect(decision == expected)
  }

  @Test func backoffDoublesUpToCap() {
    let ceilings = (1...6).map { policy.backoff(attempt: $0, jitter: 1) }
    #expect(ceilings == [0.5, 1, 2, 4, 4, 4])
  }

  @Test func backoffIsFullJitter() {
    #expect(policy.backoff(attempt: 3, jitter: 0) == 0)
    #expect(policy.backoff(attempt: 3, jitter: 0.25) == 0.5)
    #expect(policy.backoff(attempt: 100, jitter: 0.5) == 2)
  }

  @Test func retriesStopAfterMaximum() {
    let outcome = RequestOutcome.status(503)
    for attempt in 1...3 {
      let decision = policy.decide(
        attempt: attempt, outcome: outcome, isIdempotent: true, jitter: 0)
      #expect(decision == .retry(after: 0))
    }
    let last = policy.decide(attempt: 4, outcome: outcome, isIdempotent: true, jitter: 0)
    #expect(last == .giveUp(.retriesExhausted(outcome, attempts: 4)))
  }

  @Test func zeroRetriesGivesUpAtOnce() {
    let none = RetryPolicy(maximumRetries: 0)
    let decision = none.decide(attempt: 1, outcome: .status(429), isIdempotent: true, jitter: 0.5)
    #expect(decision == .giveUp(.retriesExhausted(.status(429), attempts: 1)))
  }

  @Test func retryAfterReplacesBackoff() {
    let decision = policy.decide(
      attempt: 1, outcome: .status(429), isIdempotent: false, retryAfter: 12, jitter: 0.1)
    #expect(decision == .retry(after: 12))
  }

  @Test func retryAfterTooLongGivesUp() {
    let decision = policy.decide(
      attempt: 1, outcome: .status(503), isIdempotent: true, retryAfter: 3600, jitter: 0.1)
    #expect(decision == .giveUp(.retryAfterTooLong(seconds: 3600)))
  }

  @Test func retryAfterIgnoredForUnknownCreate() {
    let decision = policy.decide(
      attempt: 1, outcome: .status(503), isIdempotent: false, retryAfter: 5, jitter: 0.1)
    #expect(decision == .reconcile(.status(503)))
  }
}
