/// A job's state file: the crosswalk from source keys to created ids, in-flight markers,
/// watermarks for incremental reads, and the run log. SQLite in WAL mode with synchronous=FULL,
/// so a committed change survives a crash of the process or the machine.
///
/// A read-write store holds the job's lock (see `StateLock`) until it is released. A read-only
/// store, for dry runs, takes no lock, never writes, and leaves the file byte-identical. When the
/// file does not exist yet, a read-only store is empty and creates nothing.
///
/// Not thread-safe: the run serializes its calls, for example through one writer thread.
public final class StateStore {
  public let path: String
  public let isReadOnly: Bool
  private let database: SQLiteDatabase
  private let lock: StateLock?
  private let clock: () -> Int64

  /// Opens the state file at `path`, creating it and its folder unless `readOnly`. `clock`
  /// returns milliseconds since 1970 for the timestamps stored.
  public convenience init(path: String, readOnly: Bool = false) throws(StateError) {
    try self.init(path: path, readOnly: readOnly, clock: { wallClockMilliseconds() })
  }

  init(path: String, readOnly: Bool, clock: @escaping () -> Int64) throws(StateError) {
    self.path = path
    self.isReadOnly = readOnly
    self.clock = clock
    if readOnly {
      lock = nil
      database = try Self.openReadOnly(path)
    } else {
      do {
        try FileSystem.createParentFolders(of: path)
      } catch {
        throw .folderNotCreated(error)
      }
      lock = try StateLock(statePath: path)
      database = try Self.openReadWrite(path)
    }
  }

  // MARK: - Crosswalk

  public func crosswalkEntry(step: String, sourceKey: String) throws(StateError) -> CrosswalkEntry?
  {
    try read { () throws(SQLiteError) in
      let statement = try database.statement(
        "SELECT created_id, payload_hash, created_at, run_id FROM crosswalk "
          + "WHERE step = ? AND source_key = ?")
      try statement.bind(.text(step), .text(sourceKey))
      guard try statement.step() else { return nil }
      return CrosswalkEntry(
        step: step, sourceKey: sourceKey, createdID: statement.integer(0),
        payloadHash: statement.text(1) ?? "", createdAt: statement.integer(2),
        runID: statement.isNull(3) ? nil : statement.integer(3))
    }
  }

  /// Every created id of `step` by source key, for `lookup:` rules of later steps.
  public func createdIDs(step: String) throws(StateError) -> [String: Int64] {
    try read { () throws(SQLiteError) in
      let statement = try database.statement(
        "SELECT source_key, created_id FROM crosswalk WHERE step = ?")
      try statement.bind(.text(step))
      var ids: [String: Int64] = [:]
      while try statement.step() {
        ids[statement.text(0) ?? ""] = statement.integer(1)
      }
      return ids
    }
  }

  /// Stores the created ids of a batch and removes their in-flight markers, in one transaction.
  /// An entry whose `createdAt` is 0 gets the current time.
  public func recordCreated(_ entries: [CrosswalkEntry]) throws(StateError) {
    let now = clock()
    try write { () throws(SQLiteError) in
      for entry in entries {
        try database.statement(
          "INSERT OR REPLACE INTO crosswalk "
            + "(step, source_key, created_id, payload_hash, created_at, run_id) "
            + "VALUES (?, ?, ?, ?, ?, ?)"
        ).bind(
          .text(entry.step), .text(entry.sourceKey), .integer(entry.createdID),
          .text(entry.payloadHash), .integer(entry.createdAt == 0 ? now : entry.createdAt),
          entry.runID.map { .integer($0) } ?? .null
        ).run()
        try deleteMarker(step: entry.step, sourceKey: entry.sourceKey)
      }
    }
  }

  /// Removes crosswalk rows of `step` whose records were deleted in the API, in one transaction,
  /// so that a later run creates them again.
  public func removeCrosswalkEntries(step: String, sourceKeys: [String]) throws(StateError) {
    try write { () throws(SQLiteError) in
      for key in sourceKeys {
        try database.statement("DELETE FROM crosswalk WHERE step = ? AND source_key = ?")
          .bind(.text(step), .text(key)).run()
      }
    }
  }

  // MARK: - In-flight markers

  /// Stores markers for a batch of creates, in one committed transaction. Call it before the
  /// first request of the batch is sent.
  public func markInFlight(_ markers: [InFlightMarker]) throws(StateError) {
    let now = clock()
    try write { () throws(SQLiteError) in
      for marker in markers {
        try database.statement(
          "INSERT OR REPLACE INTO in_flight (step, source_key, payload_hash, started_at, run_id) "
            + "VALUES (?, ?, ?, ?, ?)"
        ).bind(
          .text(marker.step), .text(marker.sourceKey), .text(marker.payloadHash),
          .integer(marker.startedAt == 0 ? now : marker.startedAt),
          marker.runID.map { .integer($0) } ?? .null
        ).run()
      }
    }
  }

  /// Removes markers of creates that the API rejected, so that nothing was created.
  public func clearInFlight(step: String, sourceKeys: [String]) throws(StateError) {
    try write { () throws(SQLiteError) in
      for key in sourceKeys { try deleteMarker(step: step, sourceKey: key) }
    }
  }

  /// Markers left by creates whose outcome is unknown, oldest first; all steps when `step` is nil.
  public func inFlightMarkers(step: String? = nil) throws(StateError) -> [InFlightMarker] {
    try read { () throws(SQLiteError) in
      let statement = try database.statement(
        "SELECT step, source_key, payload_hash, started_at, run_id FROM in_flight "
          + "WHERE ?1 IS NULL OR step = ?1 ORDER BY started_at, step, source_key")
      try statement.bind(step.map { .text($0) } ?? .null)
      var markers: [InFlightMarker] = []
      while try statement.step() {
        markers.append(
          InFlightMarker(
            step: statement.text(0) ?? "", sourceKey: statement.text(1) ?? "",
            payloadHash: statement.text(2) ?? "", startedAt: statement.integer(3),
            runID: statement.isNull(4) ? nil : statement.integer(4)))
      }
      return markers
    }
  }

  private func deleteMarker(step: String, sourceKey: String) throws(SQLiteError) {
    try database.statement("DELETE FROM in_flight WHERE step = ? AND source_key = ?")
      .bind(.text(step), .text(sourceKey)).run()
  }

  // MARK: - Watermarks

  /// The timestamp up to which `step` has read, as the API wrote it, or nil before the first run.
  public func watermark(step: String) throws(StateError) -> String? {
    try read { () throws(SQLiteError) in
      let statement = try database.statement("SELECT value FROM watermarks WHERE step = ?")
      try statement.bind(.text(step))
      return try statement.step() ? statement.text(0) : nil
    }
  }

  public func setWatermark(step: String, value: String) throws(StateError) {
    let now = clock()
    try write { () throws(SQLiteError) in
      try database.statement(
        "INSERT OR REPLACE INTO watermarks (step, value, updated_at) VALUES (?, ?, ?)"
      ).bind(.text(step), .text(value), .integer(now)).run()
    }
  }

  // MARK: - Run log

  /// Adds a run to the log and returns its id.
  public func startRun(job: String) throws(StateError) -> Int64 {
    let now = clock()
    return try write { () throws(SQLiteError) in
      let statement = try database.statement(
        "INSERT INTO runs (job, started_at) VALUES (?, ?) RETURNING id")
      try statement.bind(.text(job), .integer(now))
      _ = try statement.step()
      let id = statement.integer(0)
      try statement.run()
      return id
    }
  }

  public func finishRun(id: Int64, outcome: String, summary: String?) throws(StateError) {
    let now = clock()
    try write { () throws(SQLiteError) in
      try database.statement(
        "UPDATE runs SET finished_at = ?, outcome = ?, summary = ? WHERE id = ?"
      ).bind(.integer(now), .text(outcome), summary.map { .text($0) } ?? .null, .integer(id))
        .run()
    }
  }

  /// The run log, newest first.
  public func runLog(limit: Int = 100) throws(StateError) -> [RunLogEntry] {
    try read { () throws(SQLiteError) in
      let statement = try database.statement(
        "SELECT id, job, started_at, finished_at, outcome, summary FROM runs "
          + "ORDER BY id DESC LIMIT ?")
      try statement.bind(.integer(Int64(limit)))
      var entries: [RunLogEntry] = []
      while try statement.step() {
        entries.append(
          RunLogEntry(
            id: statement.integer(0), job: statement.text(1) ?? "",
            startedAt: statement.integer(2),
            finishedAt: statement.isNull(3) ? nil : statement.integer(3),
            outcome: statement.text(4), summary: statement.text(5)))
      }
      return entries
    }
  }

  // MARK: - Transactions

  /// Runs `body` in one write transaction, committed when it returns and rolled back when it
  /// throws. `BEGIN IMMEDIATE` takes the write lock at once, so a conflict surfaces here.
  private func write<Result>(
    _ body: () throws(SQLiteError) -> Result
  ) throws(StateError) -> Result {
    guard !isReadOnly else { throw .readOnly(path: path) }
    defer { database.resetStatements() }
    do {
      try database.execute("BEGIN IMMEDIATE")
    } catch {
      throw .database(path: path, error)
    }
    do {
      let result = try body()
      database.resetStatements()
      try database.execute("COMMIT")
      return result
    } catch {
      try? database.execute("ROLLBACK")
      throw .database(path: path, error)
    }
  }

  private func read<Result>(_ body: () throws(SQLiteError) -> Result) throws(StateError) -> Result {
    defer { database.resetStatements() }
    do {
      return try body()
    } catch {
      throw .database(path: path, error)
    }
  }
}
