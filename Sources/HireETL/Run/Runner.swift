/// Runs a job's steps in order and settles the exit status the contract defines: 0 when every
/// record was written, 1 when some were rejected, 2 for a job-file mistake, 3 when the run was
/// aborted, 130 when interrupted.
public enum Runner {
  public static func run(_ job: Job, options: RunOptions, observer: RunObserver?) -> RunReport {
    let identity = RunIdentity.now()
    var report = RunReport(
      runID: identity.id, job: job.name, startedAt: identity.startedAt, dryRun: options.dryRun)
    let selected = job.steps.filter { options.steps.isEmpty || options.steps.contains($0.name) }
    // The step under way, so that a report of an aborted run still shows how far it got.
    var running: StepRunner?
    do throws(RunAbort) {
      for step in selected {
        guard case .file(let input) = step.input else {
          throw .jobFile("step '\(step.name)': reading from the API is not available in this version yet")
        }
        let runner = StepRunner(
          step: step, input: input, options: options, run: identity, observer: observer)
        running = runner
        report.steps.append(try runner.execute())
        running = nil
      }
      let rejected = report.steps.contains { $0.rejected > 0 || $0.failed > 0 }
      report.exitStatus = rejected ? 1 : 0
    } catch {
      if let running { report.steps.append(running.report) }
      switch error {
      case .jobFile(let message):
        report.exitStatus = 2
        report.error = message
      case .failure(let message):
        report.exitStatus = 3
        report.error = message
      case .interrupted:
        report.exitStatus = 130
        report.error = "interrupted; files being written were discarded, so running the job again starts clean"
      }
    }
    report.finishedAt = RunIdentity.now().startedAt
    return report
  }
}
