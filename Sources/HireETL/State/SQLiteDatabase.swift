import CSQLite

/// A failed SQLite call: the operation, SQLite's extended result code and its message.
public struct SQLiteError: Error, Equatable, Sendable, CustomStringConvertible {
  public var operation: String
  public var code: Int32
  public var message: String

  /// Whether another connection holds a lock that the busy timeout did not outwait.
  public var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED }

  public var description: String { "\(operation) failed: \(message) (SQLite code \(code))" }
}

/// One SQLite connection. It owns the `sqlite3` handle and closes it exactly once, on `deinit`,
/// after finalizing the statements it prepared. Every call's result code goes through `check`.
/// Not thread-safe: one thread at a time may use it.
final class SQLiteDatabase {
  enum Mode {
    case readWrite
    case readOnly
  }

  let path: String
  private let handle: OpaquePointer
  private var statements: [String: SQLiteStatement] = [:]

  /// Opens (and in `.readWrite` mode creates) the database at `path`, which may also be
  /// ":memory:", or in `.readOnly` mode a `file:` URI. Waits up to `busyTimeout` seconds when another connection holds
  /// a lock.
  init(path: String, mode: Mode, busyTimeout: Double = 5) throws(SQLiteError) {
    var opened: OpaquePointer?
    // Only read-only opens take URIs, so a state path that happens to start with "file:" is
    // still created as a plain file.
    let flags =
      mode == .readWrite
      ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
      : SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
    let code = sqlite3_open_v2(path, &opened, flags, nil)
    guard let opened else {
      throw SQLiteError(operation: "open \(path)", code: code, message: "out of memory")
    }
    guard code == SQLITE_OK else {
      let error = SQLiteError(
        operation: "open \(path)", code: code, message: String(cString: sqlite3_errmsg(opened)))
      sqlite3_close_v2(opened)
      throw error
    }
    self.path = path
    handle = opened
    sqlite3_extended_result_codes(handle, 1)
    try check(sqlite3_busy_timeout(handle, Int32(busyTimeout * 1000)), "set the busy timeout")
  }

  deinit {
    // Statements must be finalized before the connection closes, or close_v2 defers the close.
    statements.removeAll()
    sqlite3_close_v2(handle)
  }

  /// Turns a result code other than OK, ROW or DONE into an error with SQLite's message.
  @discardableResult
  func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(SQLiteError) -> Int32 {
    guard code != SQLITE_OK && code != SQLITE_ROW && code != SQLITE_DONE else { return code }
    throw SQLiteError(
      operation: operation(), code: code, message: String(cString: sqlite3_errmsg(handle)))
  }

  /// Runs one or more statements that take no parameters and return no rows.
  func execute(_ sql: String) throws(SQLiteError) {
    try check(sqlite3_exec(handle, sql, nil, nil, nil), "execute \(sql)")
  }

  /// Returns the prepared statement for `sql`, reset and with its parameters cleared. Statements
  /// are cached per connection, so preparing the same text again costs nothing.
  func statement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
    if let cached = statements[sql] {
      cached.reset()
      return cached
    }
    var prepared: OpaquePointer?
    try check(sqlite3_prepare_v2(handle, sql, -1, &prepared, nil), "prepare \(sql)")
    guard let prepared else {
      throw SQLiteError(
        operation: "prepare \(sql)", code: SQLITE_MISUSE, message: "empty statement")
    }
    let statement = SQLiteStatement(prepared, database: self, sql: sql)
    statements[sql] = statement
    return statement
  }

  /// Reads the integer value of a PRAGMA such as `user_version`.
  func pragmaInteger(_ name: String) throws(SQLiteError) -> Int64 {
    let statement = try statement("PRAGMA \(name)")
    defer { statement.reset() }
    guard try statement.step() else { return 0 }
    return statement.integer(0)
  }

  /// Resets every cached statement. A statement left on a row keeps its read transaction open,
  /// and with it a snapshot that hides later commits of other connections.
  func resetStatements() {
    for statement in statements.values { statement.reset() }
  }
}

extension SQLiteDatabase {
  /// Returns a `file:` URI for `path` with `parameters` such as "immutable=1", escaping the characters
  /// that URIs reserve.
  static func fileURI(path: String, parameters: String) -> String {
    var uri = "file:"
    for byte in path.utf8 {
      switch byte {
      case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"), 0..<0x21, 0x7F...:
        uri +=
          "%" + String(byte >> 4, radix: 16, uppercase: true)
          + String(byte & 0xF, radix: 16, uppercase: true)
      default:
        uri.unicodeScalars.append(Unicode.Scalar(byte))
      }
    }
    return uri + "?" + parameters
  }
}
