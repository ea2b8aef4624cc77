import Dispatch
import Synchronization

/// The result of one create request, after the client's own retries.
enum CreateOutcome: Sendable {
  case created(id: Int64)
  /// The API rejected the record (a 4xx other than 401, 403, 408 and 429).
  case rejected(APIError)
  /// The create may have happened; the record must be looked up before it is sent again.
  case unknown(APIError)
  /// An error that stops the run: the key was rejected, or the API stayed unreachable.
  case aborted(APIError)
  /// Not sent, because another request of the batch aborted the run.
  case notSent
}

/// Sends a batch of creates on up to `threads` threads at once. The shared rate limiter inside
/// the client decides when each request goes out.
struct CreateSender {
  let client: APIClient
  let path: String
  let threads: Int

  /// Sends every body and returns the outcomes in the order of `bodies`. After the first
  /// aborting outcome, the bodies not yet sent are left as `.notSent`.
  func create(_ bodies: [JSONValue]) -> [CreateOutcome] {
    let shared = SharedBatch(count: bodies.count)
    let group = DispatchGroup()
    for _ in 0..<min(max(threads, 1), bodies.count) {
      DispatchQueue.global().async(group: group) { [client, path] in
        // Each turn takes the next unsent body, so the loop ends after `bodies.count` turns.
        while let index = shared.takeIndex() {
          let outcome = Self.send(bodies[index], to: path, client: client)
          shared.store(outcome, at: index)
        }
      }
    }
    group.wait()
    return shared.outcomes
  }

  private static func send(_ body: JSONValue, to path: String, client: APIClient) -> CreateOutcome {
    do {
      let response = try client.post(path, body: body)
      guard case .object(let record) = response, case .number(let text)? = record["id"],
        let id = Int64(text)
      else {
        return .aborted(
          .invalidResponse(
            status: 201, reason: "the created record has no integer `id`", bodyPrefix: ""))
      }
      return .created(id: id)
    } catch {
      switch error {
      case .rejected: return .rejected(error)
      case .outcomeUnknown: return .unknown(error)
      default: return .aborted(error)
      }
    }
  }
}

/// The state that the sending threads of one batch share.
private final class SharedBatch: Sendable {
  private let state: Mutex<(next: Int, stopped: Bool, outcomes: [CreateOutcome])>

  init(count: Int) {
    state = Mutex((0, false, Array(repeating: .notSent, count: count)))
  }

  /// Returns the index of the next body to send, or nil when all are taken or the batch stopped.
  func takeIndex() -> Int? {
    state.withLock { state in
      guard !state.stopped, state.next < state.outcomes.count else { return nil }
      defer { state.next += 1 }
      return state.next
    }
  }

  func store(_ outcome: CreateOutcome, at index: Int) {
    state.withLock { state in
      state.outcomes[index] = outcome
      if case .aborted = outcome { state.stopped = true }
    }
  }

  var outcomes: [CreateOutcome] { state.withLock { $0.outcomes } }
}
