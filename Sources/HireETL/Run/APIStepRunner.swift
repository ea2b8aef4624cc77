/// Runs one step that writes records to the API: read, map, check the key, validate as a file
/// step does, then send the valid records in batches.
///
/// `mode: create` skips a record whose key is in the crosswalk. `update` and `upsert` send a
/// `PATCH` for such a record when its payload changed, and skip it otherwise. Before a batch is
/// sent, the in-flight markers of its creates are committed, and afterwards the ids replace them
/// in one transaction. A create whose outcome is unknown (a timeout, a dropped connection, a
/// 5xx) is looked up in the API before it is sent again, and so is a record whose marker an
/// interrupted run left behind.
final class APIStepRunner {
  /// The file step machinery for reading, mapping, keys, validation, rejects and the report.
  let base: StepRunner
  let target: APIOutput
  let client: APIClient
  let state: StateStore
  private let lookups: LookupTable
  let runID: Int64?
  let threads: Int
  let pageSize: Int
  /// Rounds of sending and looking up for one batch: the job's `retries` plus one. A create
  /// still unknown after them keeps its marker and counts as failed, so the next run looks it
  /// up first.
  let maximumRounds: Int
  var pending: [PendingWrite] = []
  /// Keys with a marker from an earlier run, whose create may have happened.
  /// When each create left unsettled by an earlier run was sent, in milliseconds since 1970, by
  /// source key.
  var leftoverStarts: [String: Int64] = [:]
  /// Ids in the crosswalk for this step, which reconciling never adopts again.
  var takenIDs: Set<Int64> = []

  /// A valid record waiting for its batch.
  struct PendingWrite {
    var record: SourceRecord
    var key: String
    var body: JSONValue
    var hash: String
    /// The id the crosswalk has for the key, for an update; nil for a create.
    var existingID: Int64?
    /// The time the crosswalk entry of an update was first stored, which the update keeps.
    var createdAt: Int64 = 0
  }

  init(
    base: StepRunner, target: APIOutput, writing: APIWriting, lookups: LookupTable
  ) {
    self.base = base
    self.target = target
    self.client = writing.client
    self.state = writing.state
    self.lookups = lookups
    self.runID = writing.runID
    self.threads = writing.concurrency
    self.pageSize = writing.pageSize
    self.maximumRounds = writing.retries + 1
  }

  var step: Step { base.step }
  private var dryRun: Bool { base.options.dryRun }

  func execute() throws(RunAbort) -> StepReport {
    let started = monotonicSeconds()
    let before = client.statistics
    base.observer?.stepStarted(step.name, dryRun: dryRun)
    defer { countRequests(since: before, started: started) }
    try loadState()
    base.mapper.lookup = try lookups.resolver(for: step, state: state)
    let reader = try base.openReader()
    base.report.input = base.input.displayPath
    let rejects = dryRun ? nil : RejectsWriter(path: step.rejectsPath)
    do throws(RunAbort) {
      try process(reader, rejects: rejects, started: started)
      try flush(rejects: rejects)
      try base.finish(
        reader.statistics, columnNames: reader.columnNames,
        unknownFields: base.validator?.unknownFields ?? [], writer: nil, rejects: rejects)
    } catch {
      rejects?.discard()
      throw error
    }
    if dryRun {
      base.report.notes.append(
        "dry run: nothing was sent; `created` and `updated` count the records that would be")
    }
    countRequests(since: before, started: started)
    base.observer?.stepFinished(base.report)
    return base.report
  }

  private func countRequests(since before: APIClient.Statistics, started: Double) {
    let now = client.statistics
    base.report.requests = now.requests - before.requests
    base.report.retries = now.retries - before.retries
    base.report.rateLimited = now.tooManyRequests - before.tooManyRequests
    base.report.seconds = monotonicSeconds() - started
  }

  private func loadState() throws(RunAbort) {
    do {
      for marker in try state.inFlightMarkers(step: step.name) {
        leftoverStarts[marker.sourceKey] = marker.startedAt
      }
      takenIDs = Set(try state.createdIDs(step: step.name).values)
    } catch {
      throw .failure(error.description)
    }
  }

  private func process(
    _ reader: RecordReader, rejects: RejectsWriter?, started: Double
  ) throws(RunAbort) {
    var output = OutputRecord(
      names: base.validator?.completedNames(base.mapper.outputNames ?? []) ?? base.mapper
        .outputNames ?? [])
    var problems: [RecordProblem] = []
    var lastProgress = started
    while true {
      if let limit = base.options.limit, base.report.read >= limit { break }
      if Interruption.requested { throw .interrupted }
      lastProgress = base.reportProgress(reader.statistics, started: started, last: lastProgress)
      let next: SourceRecord?
      do {
        next = try reader.next()
      } catch {
        throw .failure(error.description)
      }
      guard let record = next else { break }
      base.report.read += 1
      problems = record.problems
      if problems.isEmpty { try base.mapAndCheck(record, into: &output, problems: &problems) }
      guard problems.isEmpty else {
        try base.reject(record, problems: problems, into: rejects)
        continue
      }
      base.report.valid += 1
      try add(record, output: output, rejects: rejects)
    }
  }

  /// Skips the record, rejects it, or queues it for the next batch as a create or an update.
  private func add(_ record: SourceRecord, output: OutputRecord, rejects: RejectsWriter?)
    throws(RunAbort)
  {
    let key = base.lastKey
    let body = JSONValue.object(output.jsonObject())
    let hash = PayloadHash.of(Self.encode(body))
    let entry: CrosswalkEntry?
    do {
      entry = try state.crosswalkEntry(step: step.name, sourceKey: key)
    } catch {
      throw .failure(error.description)
    }
    if let entry, target.mode == .create || entry.payloadHash == hash {
      base.report.skipped += 1
      return
    }
    if entry == nil && target.mode == .update {
      let keyName = step.key.joined(separator: " + ")
      let problem = RecordProblem(
        field: keyName, rule: "update",
        message: "no earlier run created a record for this key (\(keyName)), so there is "
          + "nothing to update; use `mode: upsert` to create it")
      // The record passed validation and was counted valid; it is rejected instead.
      base.report.valid -= 1
      try base.reject(record, problems: [problem], into: rejects)
      return
    }
    if dryRun {
      if entry == nil {
        base.report.created += 1
        lookups.addStandIn(step: step.name, key: key)
      } else {
        base.report.updated += 1
      }
      if base.report.examples.count < 3 {
        base.report.examples.append(String(decoding: Self.encode(body), as: UTF8.self))
      }
      return
    }
    pending.append(
      PendingWrite(
        record: record, key: key, body: body, hash: hash, existingID: entry?.createdID,
        createdAt: entry?.createdAt ?? 0))
    if pending.count >= target.batchSize { try flush(rejects: rejects) }
  }

  private static func encode(_ body: JSONValue) -> [UInt8] {
    var bytes: [UInt8] = []
    JSONWriter.appendValue(body, to: &bytes)
    return bytes
  }
}
