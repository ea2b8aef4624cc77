import Dispatch
import Synchronization

/// The result of one create or update request, after the client's own retries.
enum WriteOutcome: Sendable {
  /// The id of the record created or updated.
  case written(id: Int64)
  /// The API rejected the record (a 4xx other than 401, 403, 408 and 429).
  case rejected(APIError)
  /// The create may have happened; the record must be looked up before it is sent again.
  case unknown(APIError)
  /// An error that stops the run: the key was rejected, or the API stayed unreachable.
  case aborted(APIError)
  /// Not sent, because another request of the batch aborted the run.
  case notSent
}

/// One request of a batch: `POST /candidates` with the record, or `PATCH /candidates/{id}`.
struct WriteRequest: Sendable {
  var method: HTTPMethod
  var path: String
  var body: JSONValue
}

/// Sends a batch of writes on up to `threads` threads at once. The shared rate limiter inside
/// the client decides when each request goes out.
struct WriteSender {
  let client: APIClient
  let threads: Int

  /// Sends every request and returns the outcomes in the order of `requests`. After the first
  /// aborting outcome, the requests not yet sent are left as `.notSent`.
  func send(_ requests: [WriteRequest]) -> [WriteOutcome] {
    let shared = SharedBatch(count: requests.count)
    let group = DispatchGroup()
    for thread in 0..<min(max(threads, 1), requests.count) {
      // A queue of its own for each sender, because the global pool starts no more threads
      // than cores while its threads wait, and these wait on the network.
      DispatchQueue(label: "hire-etl.api.send.\(thread)").async(group: group) { [client] in
        // Each turn takes the next unsent request, so the threads stop after `requests.count` turns.
        while let index = shared.takeIndex() {
          let outcome = Self.send(requests[index], client: client)
          shared.store(outcome, at: index)
        }
      }
    }
    group.wait()
    return shared.outcomes
  }

  private static func send(_ request: WriteRequest, client: APIClient) -> WriteOutcome {
    do {
      let response = try client.send(
        request.method, request.path, query: [], body: request.body)
      guard case .object(let record) = response, case .number(let text)? = record["id"],
        let id = Int64(text)
      else {
        return .aborted(
          .invalidResponse(
            status: request.method == .post ? 201 : 200,
            reason: "the record sent back has no integer `id`", bodyPrefix: ""))
      }
      return .written(id: id)
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
  private let state: Mutex<(next: Int, stopped: Bool, outcomes: [WriteOutcome])>

  init(count: Int) {
    state = Mutex((0, false, Array(repeating: .notSent, count: count)))
  }

  /// Returns the index of the next request to send, or nil when all are taken or the batch stopped.
  func takeIndex() -> Int? {
    state.withLock { state in
      guard !state.stopped, state.next < state.outcomes.count else { return nil }
      defer { state.next += 1 }
      return state.next
    }
  }

  func store(_ outcome: WriteOutcome, at index: Int) {
    state.withLock { state in
      state.outcomes[index] = outcome
      if case .aborted = outcome { state.stopped = true }
    }
  }

  var outcomes: [WriteOutcome] { state.withLock { $0.outcomes } }
}
