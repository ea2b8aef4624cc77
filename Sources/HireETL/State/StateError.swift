/// Why the state file could not be opened, read or written. Any of these aborts a run, which
/// can be started again once the cause is fixed.
public enum StateError: Error, Equatable, Sendable, CustomStringConvertible {
  case database(path: String, SQLiteError)
  /// Another process, or another open store in this one, holds the state file's lock.
  case locked(path: String, holderProcessID: Int?)
  case lockFailed(path: String, reason: String)
  case folderNotCreated(WriterFailure)
  /// The file was written by a newer hire-etl, whose tables this version does not know.
  case newerSchema(path: String, found: Int64, supported: Int64)
  /// A write was attempted on a store opened read-only for a dry run: a bug in the caller.
  case readOnly(path: String)

  public var description: String {
    switch self {
    case .database(let path, let error):
      return "state file \(path): \(error)"
    case .locked(let path, let holder):
      let who = holder.map { "process \($0)" } ?? "another process"
      return "state file \(path) is in use by another run of this job (\(who)); wait for that "
        + "run to finish or stop it, then run again"
    case .lockFailed(let path, let reason):
      return "state file \(path): could not take the lock: \(reason)"
    case .folderNotCreated(let failure):
      return "state file \(failure)"
    case .newerSchema(let path, let found, let supported):
      return "state file \(path) has schema version \(found), but this hire-etl reads version "
        + "\(supported) and older; use a newer hire-etl"
    case .readOnly(let path):
      return "internal error: state file \(path) was opened read-only for a dry run, but a "
        + "change was attempted"
    }
  }
}
