import Dispatch

/// Fetches a known list of pages on `threads` threads and hands their responses back in order.
///
/// Each thread takes the next page as soon as its previous request returns, so up to `threads`
/// requests stay in flight and the run's rate limiter inside the client, not the slowest page
/// of a group, sets the pace. Threads fetch at most `lookAhead` pages beyond the one the caller
/// takes next, which bounds the responses held in memory. After a failed page, no further page
/// is started. `stop()`, or releasing the stream, ends the fetching early.
final class PageStream {
  private let shared: SharedPageQueue

  /// Starts fetching `queries` of `path`. `lookAhead` is raised to `threads` when lower, so that
  /// every thread can have a request in flight.
  init(client: APIClient, path: String, queries: [[(String, String)]], threads: Int, lookAhead: Int)
  {
    let threadCount = min(max(threads, 1), queries.count)
    shared = SharedPageQueue(
      count: queries.count, lookAhead: max(lookAhead, threadCount), threads: threadCount)
    for thread in 0..<threadCount {
      // A queue of its own for each thread, not the global pool, because these block on the
      // network and on the look-ahead limit.
      DispatchQueue(label: "hire-etl.api.page.\(thread)").async { [shared] in
        while let index = shared.takeIndex() {
          let result: Result<JSONValue, APIError>
          do throws(APIError) {
            result = .success(try client.get(path, query: queries[index]))
          } catch {
            result = .failure(error)
          }
          shared.store(result, at: index)
        }
        shared.threadFinished()
      }
    }
  }

  /// Stops the threads without waiting for their requests in flight.
  deinit {
    shared.cancel(waiting: false)
  }

  /// Stops the threads and waits until their requests in flight returned, so that no request of
  /// this stream is sent or counted afterwards.
  func stop() {
    shared.cancel(waiting: true)
  }

  /// Returns the response of the next page in the order of `queries`, waiting until it arrived,
  /// or nil after the last page.
  func next() -> Result<JSONValue, APIError>? {
    shared.takeResult()
  }
}

/// The state that the fetching threads and the caller of one `PageStream` share.
private final class SharedPageQueue: @unchecked Sendable {
  // Every stored property below `lock` is read and written inside `lock.withLock`.
  private let lock = ConditionLock()
  /// The response of each page that arrived and was not taken yet, by page index.
  private var results: [Result<JSONValue, APIError>?]
  /// The index of the next page a thread starts.
  private var nextToFetch = 0
  /// The index of the next page the caller takes.
  private var nextToTake = 0
  private var failed = false
  private var cancelled = false
  /// Fetching threads that have not returned yet.
  private var runningThreads: Int
  private let lookAhead: Int

  init(count: Int, lookAhead: Int, threads: Int) {
    results = Array(repeating: nil, count: count)
    self.lookAhead = lookAhead
    runningThreads = threads
  }

  /// Returns the index of the next page to fetch, waiting while the threads are `lookAhead` pages
  /// ahead of the caller. Returns nil once every page was started, a page failed or the stream
  /// was cancelled.
  func takeIndex() -> Int? {
    lock.withLock {
      while !cancelled && !failed && nextToFetch < results.count
        && nextToFetch >= nextToTake + lookAhead
      {
        lock.wait()
      }
      if cancelled || failed || nextToFetch >= results.count { return nil }
      defer { nextToFetch += 1 }
      return nextToFetch
    }
  }

  func store(_ result: Result<JSONValue, APIError>, at index: Int) {
    lock.withLock {
      if case .failure = result { failed = true }
      results[index] = result
      lock.broadcast()
    }
  }

  /// Removes and returns the response of the next page, waiting until it arrived. Returns nil
  /// after the last page, and after a failed page for the pages that no thread started.
  func takeResult() -> Result<JSONValue, APIError>? {
    lock.withLock {
      guard nextToTake < results.count else { return nil }
      while results[nextToTake] == nil {
        // A thread took every page below `nextToFetch`, so each of those arrives.
        if failed && nextToTake >= nextToFetch { return nil }
        lock.wait()
      }
      let result = results[nextToTake]
      results[nextToTake] = nil
      nextToTake += 1
      lock.broadcast()
      return result
    }
  }

  func threadFinished() {
    lock.withLock {
      runningThreads -= 1
      lock.broadcast()
    }
  }

  /// Stops the threads: none starts another page, and the responses kept are dropped. With
  /// `waiting`, it returns only after every thread has returned.
  func cancel(waiting: Bool) {
    lock.withLock {
      cancelled = true
      results = results.map { _ in nil }
      lock.broadcast()
      while waiting && runningThreads > 0 { lock.wait() }
    }
  }
}
