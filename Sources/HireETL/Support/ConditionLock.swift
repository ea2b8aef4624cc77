import Glibc

/// A pthread mutex with one condition variable, for state that threads share and wait on. The
/// owner keeps its stored properties behind `withLock` and calls `wait` and `broadcast` inside.
final class ConditionLock: @unchecked Sendable {
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private let condition: UnsafeMutablePointer<pthread_cond_t>

  init() {
    mutex = .allocate(capacity: 1)
    condition = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(condition, nil)
  }

  deinit {
    pthread_cond_destroy(condition)
    pthread_mutex_destroy(mutex)
    condition.deallocate()
    mutex.deallocate()
  }

  /// Runs `body` with the mutex held and returns its result.
  func withLock<Result>(_ body: () -> Result) -> Result {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return body()
  }

  /// Releases the mutex until another thread calls `broadcast`, then takes it again. Call it
  /// inside `withLock`, in a loop that tests the awaited condition.
  func wait() {
    pthread_cond_wait(condition, mutex)
  }

  /// Wakes every thread in `wait`. Call it inside `withLock`.
  func broadcast() {
    pthread_cond_broadcast(condition)
  }
}
