import CSQLite

/// A value bound to a statement parameter.
enum SQLiteValue: Equatable {
  case null
  case integer(Int64)
  case text(String)
}

/// A prepared statement, owned and finalized exactly once by this object. Only its
/// `SQLiteDatabase` makes one, and the database finalizes all of them before it closes.
final class SQLiteStatement {
  private let handle: OpaquePointer
  private unowned let database: SQLiteDatabase
  let sql: String

  init(_ handle: OpaquePointer, database: SQLiteDatabase, sql: String) {
    self.handle = handle
    self.database = database
    self.sql = sql
  }

  deinit {
    sqlite3_finalize(handle)
  }

  func reset() {
    // reset returns the error of the last step, which that step already reported.
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
  }

  /// Binds `values` to parameters 1, 2, … in order.
  @discardableResult
  func bind(_ values: SQLiteValue...) throws(SQLiteError) -> SQLiteStatement {
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      let code: Int32
      switch value {
      case .null: code = sqlite3_bind_null(handle, index)
      case .integer(let number): code = sqlite3_bind_int64(handle, index, number)
      case .text(let text): code = sqlite3_bind_text(handle, index, text, -1, sqliteTransient)
      }
      try database.check(code, "bind parameter \(index) of \(sql)")
    }
    return self
  }

  /// Steps once. Returns true when a row is ready and false when the statement is done.
  func step() throws(SQLiteError) -> Bool {
    try database.check(sqlite3_step(handle), "run \(sql)") == SQLITE_ROW
  }

  /// Steps to the end, for statements that return no rows.
  func run() throws(SQLiteError) {
    while try step() {}
  }

  func integer(_ column: Int32) -> Int64 {
    sqlite3_column_int64(handle, column)
  }

  func text(_ column: Int32) -> String? {
    guard let bytes = sqlite3_column_text(handle, column) else { return nil }
    return String(cString: bytes)
  }

  func isNull(_ column: Int32) -> Bool {
    sqlite3_column_type(handle, column) == SQLITE_NULL
  }
}

/// SQLITE_TRANSIENT, which the C header defines as a cast that Swift cannot import: it tells
/// SQLite to copy a bound value before the call returns.
private let sqliteTransient = unsafeBitCast(
  -1, to: (@convention(c) (UnsafeMutableRawPointer?) -> Void).self)
