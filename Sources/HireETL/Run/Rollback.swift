/// Deletes the candidates that one step of a job created, as the state file's crosswalk lists
/// them, and removes their crosswalk rows so that a later run creates them again.
///
/// Only candidates can be rolled back, because the API has no DELETE for openings. A candidate
/// already gone (404) counts as deleted. A dry run lists what would be deleted, sends no DELETE
/// and opens the state file read-only.
public enum Rollback {
  /// The counts of a rollback and its exit status: 0, 2 for a job-file mistake, 3 when aborted,
  /// 130 when interrupted.
  public struct Result: Sendable {
    public var step: String
    public var dryRun: Bool
    /// Candidates the crosswalk lists for the step.
    public var listed = 0
    public var deleted = 0
    /// Candidates that the API no longer had (HTTP 404).
    public var alreadyGone = 0
    public var requests = 0
    public var exitStatus: Int32 = 0
    public var error: String?
  }

  /// Rows removed from the crosswalk in one transaction, after their DELETE requests.
  static let chunkSize = 50

  public static func run(
    _ job: Job, step name: String, dryRun: Bool, observer: RunObserver?
  ) -> Result {
    var result = Result(step: name, dryRun: dryRun)
    var sandbox: SandboxServer?
    var writing: APIWriting?
    defer { try? sandbox?.stop() }
    do throws(RunAbort) {
      let step = try checkStep(job, name: name)
      var options = RunOptions()
      options.dryRun = dryRun
      sandbox = try Runner.startSandbox(for: job, options: options, observer: observer)
      writing = try APIWriting.open(job, steps: [step], options: options, sandbox: sandbox)
      guard let writing else { throw .jobFile("rollback needs the job's `api:` block") }
      try delete(step: name, writing: writing, dryRun: dryRun, result: &result)
    } catch {
      switch error {
      case .jobFile(let message):
        result.exitStatus = 2
        result.error = message
      case .failure(let message):
        result.exitStatus = 3
        result.error = message
      case .interrupted:
        result.exitStatus = 130
        result.error = "interrupted; the candidates deleted so far are out of the state file"
      }
    }
    writing?.finishRollback(result)
    return result
  }

  private static func checkStep(_ job: Job, name: String) throws(RunAbort) -> Step {
    guard let step = job.steps.first(where: { $0.name == name }) else {
      var message = "there is no step '\(name)' in \(job.filePath)"
      if let near = NearMatch.closest(to: name, among: job.steps.map(\.name)) {
        message += "; did you mean '\(near)'?"
      }
      throw .jobFile(message)
    }
    guard case .api(let target) = step.output else {
      throw .jobFile("step '\(name)' writes a file, so it created nothing in the API to delete")
    }
    guard target.resource == "candidates" else {
      throw .jobFile(
        "step '\(name)' creates \(target.resource), and the API can delete only candidates")
    }
    return step
  }

  private static func delete(
    step: String, writing: APIWriting, dryRun: Bool, result: inout Result
  ) throws(RunAbort) {
    let before = writing.client.statistics.requests
    defer { result.requests = writing.client.statistics.requests - before }
    let entries: [(key: String, id: Int64)]
    do {
      entries = try writing.state.createdIDs(step: step).map { ($0.key, $0.value) }
        .sorted { $0.id < $1.id }
    } catch {
      throw .failure(error.description)
    }
    result.listed = entries.count
    guard !dryRun else { return }
    var start = 0
    while start < entries.count {
      let chunk = entries[start..<min(start + chunkSize, entries.count)]
      start += chunkSize
      var removed: [String] = []
      var abort: RunAbort?
      for entry in chunk {
        if Interruption.requested {
          abort = .interrupted
          break
        }
        do {
          try writing.client.delete("/candidates/\(entry.id)")
          result.deleted += 1
        } catch {
          guard case .rejected(404, _, _) = error else {
            abort = .failure(error.description)
            break
          }
          result.alreadyGone += 1
        }
        removed.append(entry.key)
      }
      do {
        try writing.state.removeCrosswalkEntries(step: step, sourceKeys: removed)
      } catch {
        throw .failure(error.description)
      }
      if let abort { throw abort }
    }
  }
}

extension APIWriting {
  /// Closes the rollback's entry in the run log. A failure there changes nothing deleted, so
  /// it is ignored.
  fileprivate func finishRollback(_ result: Rollback.Result) {
    guard let runID else { return }
    let outcome = result.exitStatus == 0 ? "rolled back" : "rollback stopped"
    let summary =
      "rollback of step '\(result.step)': deleted \(result.deleted), already gone "
      + "\(result.alreadyGone)"
    try? state.finishRun(id: runID, outcome: outcome, summary: summary)
  }
}
