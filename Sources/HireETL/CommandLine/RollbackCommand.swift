extension CommandLineInterface {
  /// `hire-etl rollback JOB.yaml --step NAME [--dry-run]`.
  static func rollbackCommand(
    _ arguments: [String], environment: [String: String], console: Console
  ) -> Int32 {
    var jobPath: String?
    var stepName: String?
    var dryRun = false
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      switch argument {
      case "--dry-run": dryRun = true
      case "--step":
        index += 1
        guard index < arguments.count, stepName == nil else {
          return usageError("rollback needs one --step NAME", console: console)
        }
        stepName = arguments[index]
      default:
        if argument.hasPrefix("-") {
          var message = "unknown option '\(argument)'"
          if let near = NearMatch.closest(to: argument, among: ["--dry-run", "--step"]) {
            message += "; did you mean '\(near)'?"
          }
          return usageError(message, console: console)
        }
        if jobPath != nil { return usageError("rollback takes one job file", console: console) }
        jobPath = argument
      }
      index += 1
    }
    guard let jobPath, let stepName else {
      return usageError(
        "rollback needs a job file and a step: hire-etl rollback JOB.yaml --step NAME",
        console: console)
    }
    guard let job = loadJob(jobPath, environment: environment, console: console) else { return 2 }
    Interruption.install()
    let observer = ConsoleObserver(console: console, format: .text, quiet: false)
    let result = Rollback.run(job, step: stepName, dryRun: dryRun, observer: observer)
    if let message = result.error {
      observer.error(message)
      if result.exitStatus == 2 { return 2 }
    }
    let verb = dryRun ? "would delete" : "deleted"
    var line = "rollback of step '\(stepName)': \(verb) \(dryRun ? result.listed : result.deleted)"
    line += " candidates"
    if !dryRun { line += ", \(result.alreadyGone) already gone, \(result.requests) requests" }
    console.error(line + "\n")
    return result.exitStatus
  }
}
