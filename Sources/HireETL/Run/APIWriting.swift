/// The connection that the steps of one run that read or write the API share: the client with its rate limiter,
/// and the state file, read-only in a dry run.
struct APIWriting {
  let client: APIClient
  let state: StateStore
  let concurrency: Int
  /// Records per list page when looking up creates whose outcome is unknown.
  let pageSize: Int
  /// The job's `retries`, which also bounds how often a create of unknown outcome is sent.
  let retries: Int
  /// The id of this run in the state's run log; nil in a dry run, which writes no log.
  let runID: Int64?

  /// Opens the state and the client, and checks the key with one read, when any of `steps`
  /// reads or writes the API; returns nil otherwise.
  static func open(
    _ job: Job, steps: [Step], options: RunOptions, sandbox: SandboxServer?
  ) throws(RunAbort) -> APIWriting? {
    let writes = steps.contains { step in
      if case .api = step.output { return true }
      if case .api = step.input { return true }
      return false
    }
    guard writes, let api = job.api else { return nil }
    // The key is checked first, so that a wrong one leaves no state file behind.
    let client = try APIConnection.open(api, sandbox: sandbox, folder: job.folder)
    try APIConnection.check(client)
    let state: StateStore
    do {
      state = try StateStore(path: job.statePath, readOnly: options.dryRun)
    } catch {
      throw .failure(error.description)
    }
    var runID: Int64?
    if !options.dryRun {
      do {
        runID = try state.startRun(job: job.name)
      } catch {
        throw .failure(error.description)
      }
    }
    return APIWriting(
      client: client, state: state, concurrency: api.concurrency, pageSize: api.pageSize,
      retries: api.retries, runID: runID)
  }

  /// Closes this run's entry in the run log with its outcome and the report as JSON. A failure
  /// here changes nothing that was written, so it keeps the exit status and only fills the
  /// report's `error` when that is empty.
  func finish(_ report: inout RunReport) {
    guard let runID else { return }
    let outcome: String
    switch report.exitStatus {
    case 0: outcome = "completed"
    case 1: outcome = "completed with rejects"
    case 130: outcome = "interrupted"
    default: outcome = "aborted"
    }
    var summary: [UInt8] = []
    JSONWriter.appendValue(report.json(), to: &summary)
    do {
      try state.finishRun(
        id: runID, outcome: outcome, summary: String(decoding: summary, as: UTF8.self))
    } catch {
      let note = "the run log in the state file could not be updated: \(error)"
      if report.error == nil { report.error = note }
    }
  }
}
