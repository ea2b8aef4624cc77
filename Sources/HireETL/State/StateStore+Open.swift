import CSQLite
import Glibc

extension StateStore {
  /// Opens or creates the file, switches it to WAL and brings its schema up to date.
  static func openReadWrite(_ path: String) throws(StateError) -> SQLiteDatabase {
    let database: SQLiteDatabase
    keepPrivate(path)
    do throws(SQLiteError) {
      database = try SQLiteDatabase(path: path, mode: .readWrite)
      // journal_mode returns the mode in force as a row.
      let journal = try database.statement("PRAGMA journal_mode = WAL")
      _ = try journal.step()
      let mode = journal.text(0) ?? "unknown"
      journal.reset()
      guard mode == "wal" else {
        throw SQLiteError(
          operation: "switch to WAL", code: SQLITE_ERROR, message: "the journal mode stayed \(mode)"
        )
      }
      try database.execute("PRAGMA synchronous = FULL")
    } catch {
      throw .database(path: path, error)
    }
    try migrate(database, path: path)
    return database
  }

  /// Creates the file with mode 0600, or takes the group's and others' permissions off an
  /// existing one, because its crosswalk contains source keys such as e-mail addresses. SQLite
  /// gives its write-ahead log the same permissions. A failure here is left for the open to
  /// report.
  private static func keepPrivate(_ path: String) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { return }
    defer { close(descriptor) }
    var status = stat()
    if fstat(descriptor, &status) == 0, status.st_mode & 0o077 != 0 {
      fchmod(descriptor, status.st_mode & 0o700)
    }
  }

  /// Opens an existing file read-only, or an empty in-memory store when there is no file, so
  /// that a dry run creates nothing.
  ///
  /// Without a write-ahead log beside the file, nothing is uncommitted to the main file, and the
  /// file opens as immutable: SQLite then creates no -wal or -shm file either. The price is that
  /// commits of a run that starts later stay unseen, which suits a dry run. With a log beside it
  /// (a run is going on, or one crashed), the file opens normally to read the log too.
  static func openReadOnly(_ path: String) throws(StateError) -> SQLiteDatabase {
    let database: SQLiteDatabase
    let version: Int64
    do {
      guard FileSystem.exists(path) else { return try emptyInMemory() }
      let location =
        FileSystem.exists(path + "-wal")
        ? path : SQLiteDatabase.fileURI(path: path, parameters: "immutable=1")
      database = try SQLiteDatabase(path: location, mode: .readOnly)
      version = try database.pragmaInteger("user_version")
      if version == 0 { return try emptyInMemory() }
    } catch {
      throw .database(path: path, error)
    }
    guard version <= StateSchema.currentVersion else {
      throw .newerSchema(path: path, found: version, supported: StateSchema.currentVersion)
    }
    // NOTE: a file of an older schema version is read as it is; no older version exists yet.
    return database
  }

  private static func emptyInMemory() throws(SQLiteError) -> SQLiteDatabase {
    let database = try SQLiteDatabase(path: ":memory:", mode: .readWrite)
    for migration in StateSchema.migrations { try database.execute(migration) }
    return database
  }

  /// Runs the migrations that the file has not had, and records the new version, in one
  /// transaction.
  private static func migrate(_ database: SQLiteDatabase, path: String) throws(StateError) {
    do {
      try database.execute("BEGIN IMMEDIATE")
    } catch {
      throw .database(path: path, error)
    }
    do {
      let version = try database.pragmaInteger("user_version")
      guard version <= StateSchema.currentVersion else {
        try? database.execute("ROLLBACK")
        throw StateError.newerSchema(
          path: path, found: version, supported: StateSchema.currentVersion)
      }
      for migration in StateSchema.migrations.dropFirst(Int(version)) {
        try database.execute(migration)
      }
      try database.execute("PRAGMA user_version = \(StateSchema.currentVersion)")
      try database.execute("COMMIT")
    } catch let error as SQLiteError {
      try? database.execute("ROLLBACK")
      throw .database(path: path, error)
    } catch let error as StateError {
      throw error
    } catch {
      preconditionFailure("only SQLiteError and StateError are thrown here, not \(error)")
    }
  }
}
