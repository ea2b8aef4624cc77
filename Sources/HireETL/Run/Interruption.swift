import Glibc
import Synchronization

/// Set by SIGINT and SIGTERM; a run checks it between records and stops cleanly.
let interruptRequested = Atomic<Bool>(false)

/// Routes SIGINT and SIGTERM to a flag the run checks, so it can drop half-written files and
/// exit with status 130.
public enum Interruption {
  public static func install() {
    let handler: @convention(c) (Int32) -> Void = { _ in
      interruptRequested.store(true, ordering: .relaxed)
    }
    signal(SIGINT, handler)
    signal(SIGTERM, handler)
    // A parent can start the process with these signals blocked, and threads started later
    // inherit the mask, so the handler would never run: unblock them here.
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
  }

  public static var requested: Bool {
    interruptRequested.load(ordering: .relaxed)
  }
}
