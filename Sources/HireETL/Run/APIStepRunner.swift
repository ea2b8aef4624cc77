/// Runs one step that creates records in the API: read, map, check the key, validate as a file
/// step does, then send the valid records in batches.
///
/// A record whose key is in the crosswalk is skipped. Before a batch is sent its in-flight
/// markers are committed, and afterwards the created ids replace them in one transaction. A create whose outcome is unknown (a timeout, a
/// dropped connection, a 5xx) is looked up in the API before it is sent again, and so is a
/// record whose marker an interrupted run left behind.
final class APIStepRunner {
  /// The file step machinery for reading, mapping, keys, validation, rejects and the report.
  let base: StepRunner
  private let target: APIOutput
  private let client: APIClient
  private let state: StateStore
  private let lookups: LookupTable
  private let runID: Int64?
  private let threads: Int
  private let pageSize: Int
  private var pending: [PendingCreate] = []
  /// Keys with a marker from an earlier run, whose create may have happened.
  private var leftoverKeys: Set<String> = []
  /// Ids in the crosswalk for this step, which reconciling never adopts again.
  private var takenIDs: Set<Int64> = []

  /// Rounds of sending and looking up for one batch. A create still unknown after them keeps
  /// its marker and counts as failed, so the next run looks it up first.
  static let maximumRounds = 3

  private struct PendingCreate {
    var record: SourceRecord
    var key: String
    var body: JSONValue
    var hash: String
  }

  init(
    base: StepRunner, target: APIOutput, writing: APIWriting, lookups: LookupTable, runID: Int64?
  ) {
    self.base = base
    self.target = target
    self.client = writing.client
    self.state = writing.state
    self.lookups = lookups
    self.runID = runID
    self.threads = writing.concurrency
    self.pageSize = writing.pageSize
  }

  private var step: Step { base.step }
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
        "dry run: nothing was sent; `created` counts the records that would be created")
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
      leftoverKeys = Set(try state.inFlightMarkers(step: step.name).map(\.sourceKey))
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

  /// Skips a record whose key is in the crosswalk, and queues any other for the next batch.
  private func add(_ record: SourceRecord, output: OutputRecord, rejects: RejectsWriter?)
    throws(RunAbort)
  {
    let key = base.lastKey
    let done: Bool
    do {
      done = try state.crosswalkEntry(step: step.name, sourceKey: key) != nil
    } catch {
      throw .failure(error.description)
    }
    if done {
      base.report.skipped += 1
      return
    }
    let body = JSONValue.object(output.jsonObject())
    if dryRun {
      base.report.created += 1
      lookups.addStandIn(step: step.name, key: key)
      if base.report.examples.count < 3 {
        base.report.examples.append(String(decoding: Self.encode(body), as: UTF8.self))
      }
      return
    }
    pending.append(
      PendingCreate(record: record, key: key, body: body, hash: PayloadHash.of(Self.encode(body))))
    if pending.count >= target.batchSize { try flush(rejects: rejects) }
  }

  private static func encode(_ body: JSONValue) -> [UInt8] {
    var bytes: [UInt8] = []
    JSONWriter.appendValue(body, to: &bytes)
    return bytes
  }

  /// Sends the queued batch and records its outcome in the state and the report.
  private func flush(rejects: RejectsWriter?) throws(RunAbort) {
    guard !pending.isEmpty else { return }
    let batch = pending
    pending.removeAll(keepingCapacity: true)
    do {
      try state.markInFlight(
        batch.map {
          InFlightMarker(step: step.name, sourceKey: $0.key, payloadHash: $0.hash, runID: runID)
        })
    } catch {
      throw .failure(error.description)
    }
    var outcomes = [CreateOutcome](repeating: .notSent, count: batch.count)
    var abort: APIError?
    do throws(APIError) {
      abort = try sendAndReconcile(batch, outcomes: &outcomes)
    } catch {
      abort = error
    }
    try settle(batch, outcomes: outcomes, rejects: rejects)
    if let abort { throw .failure(abort.description) }
  }

  /// Fills `outcomes`: looks up leftovers of an earlier run, sends the rest, and looks up the
  /// ones whose outcome is unknown before sending them again. Returns the error that stops the
  /// run, if one came.
  private func sendAndReconcile(
    _ batch: [PendingCreate], outcomes: inout [CreateOutcome]
  ) throws(APIError) -> APIError? {
    let reconciler = CreateReconciler(client: client, resource: target.resource, pageSize: pageSize)
    var toSend: [Int] = []
    for (index, item) in batch.enumerated() {
      if leftoverKeys.contains(item.key), let id = try adopt(item, reconciler) {
        outcomes[index] = .created(id: id)
      } else {
        toSend.append(index)
      }
    }
    let sender = CreateSender(client: client, path: "/\(target.resource)", threads: threads)
    for _ in 0..<Self.maximumRounds where !toSend.isEmpty {
      let results = sender.create(toSend.map { batch[$0].body })
      var unknown: [Int] = []
      var abort: APIError?
      for (position, index) in toSend.enumerated() {
        outcomes[index] = results[position]
        switch results[position] {
        case .created(let id): takenIDs.insert(id)
        case .unknown: unknown.append(index)
        case .aborted(let error): abort = abort ?? error
        case .rejected, .notSent: break
        }
      }
      if let abort { return abort }
      toSend = []
      for index in unknown {
        if let id = try adopt(batch[index], reconciler) {
          outcomes[index] = .created(id: id)
        } else {
          toSend.append(index)
        }
      }
    }
    return nil
  }

  private func adopt(_ item: PendingCreate, _ reconciler: CreateReconciler) throws(APIError)
    -> Int64?
  {
    guard case .object(let body) = item.body,
      let id = try reconciler.find(body, excluding: takenIDs)
    else { return nil }
    takenIDs.insert(id)
    return id
  }

  /// Stores the created ids and clears the markers of records that were not created, in the
  /// state, then counts and rejects. Unknown outcomes keep their markers.
  private func settle(
    _ batch: [PendingCreate], outcomes: [CreateOutcome], rejects: RejectsWriter?
  ) throws(RunAbort) {
    var created: [CrosswalkEntry] = []
    var cleared: [String] = []
    for (index, item) in batch.enumerated() {
      switch outcomes[index] {
      case .created(let id):
        created.append(
          CrosswalkEntry(
            step: step.name, sourceKey: item.key, createdID: id, payloadHash: item.hash,
            runID: runID))
      case .rejected, .notSent, .aborted:
        cleared.append(item.key)
      case .unknown:
        break
      }
    }
    do {
      try state.recordCreated(created)
      try state.clearInFlight(step: step.name, sourceKeys: cleared)
    } catch {
      throw .failure(error.description)
    }
    base.report.created += created.count
    for (index, item) in batch.enumerated() {
      switch outcomes[index] {
      case .rejected(let error):
        try base.reject(item.record, problems: Self.problems(of: error), into: rejects)
      case .unknown(let error):
        base.report.failed += 1
        base.observer?.warning(
          "\(base.input.displayPath):\(item.record.line): \(error.description); the next run checks it"
        )
      default:
        break
      }
    }
  }

  private static func problems(of error: APIError) -> [RecordProblem] {
    if case .rejected(_, _, let problems) = error, !problems.isEmpty { return problems }
    return [RecordProblem(field: nil, rule: "api", message: error.description)]
  }
}
