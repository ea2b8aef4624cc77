/// The state file's tables, versioned with `PRAGMA user_version`. A new version appends a step
/// to `migrations`; a file is upgraded by running the steps it has not had, in one transaction.
enum StateSchema {
  static let migrations: [String] = [
    // Version 1.
    """
    CREATE TABLE crosswalk (
      step TEXT NOT NULL,
      source_key TEXT NOT NULL,
      created_id INTEGER NOT NULL,
      payload_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      run_id INTEGER,
      PRIMARY KEY (step, source_key)
    ) WITHOUT ROWID;
    CREATE INDEX crosswalk_by_id ON crosswalk (step, created_id);
    CREATE TABLE in_flight (
      step TEXT NOT NULL,
      source_key TEXT NOT NULL,
      payload_hash TEXT NOT NULL,
      started_at INTEGER NOT NULL,
      run_id INTEGER,
      PRIMARY KEY (step, source_key)
    ) WITHOUT ROWID;
    CREATE TABLE watermarks (
      step TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE TABLE runs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      job TEXT NOT NULL,
      started_at INTEGER NOT NULL,
      finished_at INTEGER,
      outcome TEXT,
      summary TEXT
    );
    """
  ]

  static var currentVersion: Int64 { Int64(migrations.count) }
}
