extension CommandLineInterface {
  /// The arguments of `rollback`.
  private struct RollbackArguments {
    var jobPath: String
    var stepName: String
    var dryRun: Bool
  }

  /// `hire-etl rollback JOB.yaml --step NAME [--dry-run]`.
  static func rollbackCommand(
    _ arguments: [String], environment: [String: String], console: Console
  ) -> Int32 {
    let parsed: RollbackArguments
    switch parseRollback(arguments) {
    case .success(let arguments): parsed = arguments
    case .failure(let error): return usageError(error.message, console: console)
    }
    guard let job = loadJob(parsed.jobPath, environment: environment, console: console) else {
      return 2
    }

    Interruption.install()
    let observer = ConsoleObserver(console: console, format: .text, quiet: false)
    let result = Rollback.run(
      job, step: parsed.stepName, dryRun: parsed.dryRun, observer: observer)
    if let message = result.error {
      observer.error(message)
      if result.exitStatus == 2 { return 2 }
    }
    var line = "rollback of step '\(parsed.stepName)': "
    if parsed.dryRun {
      line += "would delete \(result.listed) candidates"
    } else {
      line += "deleted \(result.deleted) candidates, \(result.alreadyGone) already gone, "
      line += "\(result.requests) requests"
    }
    console.error(line + "\n")
    return result.exitStatus
  }

  private struct UsageMistake: Error {
    var message: String
  }

  private static func parseRollback(
    _ arguments: [String]
  ) -> Result<RollbackArguments, UsageMistake> {
    var jobPath: String?
    var stepName: String?
    var dryRun = false
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      switch argument {
      case "--dry-run":
        dryRun = true
      case "--step":
        guard index < arguments.count, stepName == nil else {
          return .failure(UsageMistake(message: "rollback needs one --step NAME"))
        }
        stepName = arguments[index]
        index += 1
      default:
        if argument.hasPrefix("-") {
          var message = "unknown option '\(argument)'"
          if let near = NearMatch.closest(to: argument, among: ["--dry-run", "--step"]) {
            message += "; did you mean '\(near)'?"
          }
          return .failure(UsageMistake(message: message))
        }
        if jobPath != nil { return .failure(UsageMistake(message: "rollback takes one job file")) }
        jobPath = argument
      }
    }
    guard let jobPath, let stepName else {
      return .failure(
        UsageMistake(
          message: "rollback needs a job file and a step: hire-etl rollback JOB.yaml --step NAME"))
    }
    return .success(RollbackArguments(jobPath: jobPath, stepName: stepName, dryRun: dryRun))
  }
}
