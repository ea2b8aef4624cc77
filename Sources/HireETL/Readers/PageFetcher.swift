import Dispatch
import Synchronization

/// Fetches list pages on up to `threads` threads at once. The shared rate limiter inside the
/// client decides when each request goes out.
struct PageFetcher {
  let client: APIClient
  let threads: Int

  /// Returns the response of each query, in the order of `queries`.
  func fetch(_ path: String, _ queries: [[(String, String)]]) -> [Result<JSONValue, APIError>] {
    let shared = SharedPages(count: queries.count)
    let group = DispatchGroup()
    for thread in 0..<min(max(threads, 1), queries.count) {
      // A queue of its own for each thread, because these wait on the network.
      DispatchQueue(label: "hire-etl.api.page.\(thread)").async(group: group) { [client] in
        while true {
          guard let index = shared.takeIndex() else { return }
          let result: Result<JSONValue, APIError>
          do throws(APIError) {
            result = .success(try client.get(path, query: queries[index]))
          } catch {
            result = .failure(error)
          }
          shared.store(result, at: index)
        }
      }
    }
    group.wait()
    return shared.results
  }
}

/// The state that the fetching threads of one batch of pages share.
private final class SharedPages: Sendable {
  private let state: Mutex<(next: Int, results: [Result<JSONValue, APIError>?])>

  init(count: Int) {
    state = Mutex((0, Array(repeating: nil, count: count)))
  }

  /// Returns the index of the next page to fetch, or nil when every page was taken.
  func takeIndex() -> Int? {
    state.withLock { state in
      guard state.next < state.results.count else { return nil }
      defer { state.next += 1 }
      return state.next
    }
  }

  func store(_ result: Result<JSONValue, APIError>, at index: Int) {
    state.withLock { $0.results[index] = result }
  }

  /// The results, read after `fetch` waited for every thread. `takeIndex` hands out each index
  /// once, so by then every page has its result.
  var results: [Result<JSONValue, APIError>] {
    state.withLock { $0.results.map { $0! } }
  }
}
