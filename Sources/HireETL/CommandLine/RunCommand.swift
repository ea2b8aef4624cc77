extension CommandLineInterface {
  /// `hire-etl run JOB.yaml [options]`.
  static func runCommand(
    _ arguments: [String], environment: [String: String], console: Console
  ) -> Int32 {
    var options = RunOptions()
    var jobPath: String?
    var reportPath: String?
    var format = ConsoleObserver.Format.text
    var quiet = false
    var verbose = false
    var index = 0
    func value(_ flag: String) -> String? {
      index += 1
      return index < arguments.count ? arguments[index] : nil
    }
    while index < arguments.count {
      let argument = arguments[index]
      switch argument {
      case "--help", "-h":
        console.out(Usage.run)
        return 0
      case "--dry-run": options.dryRun = true
      case "-q", "--quiet": quiet = true
      case "-v", "--verbose":
        verbose = true
        options.maxProblemLines = Int.max
      case "--step":
        guard let name = value(argument) else {
          return usageError("--step needs a step name", console: console)
        }
        options.steps.append(name)
      case "--limit":
        guard let text = value(argument), let limit = Int(text), limit >= 0 else {
          return usageError("--limit needs a whole number of records", console: console)
        }
        options.limit = limit
      case "--report":
        guard let path = value(argument) else {
          return usageError("--report needs a file name", console: console)
        }
        reportPath = path
      case "--log-format":
        switch value(argument) {
        case "text": format = .text
        case "json": format = .json
        default: return usageError("--log-format is text or json", console: console)
        }
      default:
        if argument.hasPrefix("-") && argument != "-" {
          var message = "unknown option '\(argument)'"
          let known = [
            "--dry-run", "--step", "--limit", "--report", "--log-format", "--verbose", "--quiet",
          ]
          if let near = NearMatch.closest(to: argument, among: known) {
            message += "; did you mean '\(near)'?"
          }
          return usageError(message, console: console)
        }
        if jobPath != nil { return usageError("run takes one job file", console: console) }
        jobPath = argument
      }
      index += 1
    }
    guard let jobPath else {
      return usageError("run needs a job file: hire-etl run JOB.yaml", console: console)
    }
    if quiet && verbose {
      return usageError("-q and -v contradict each other; give one of them", console: console)
    }
    guard let job = loadJob(jobPath, environment: environment, console: console) else { return 2 }
    let names = job.steps.map(\.name)
    for name in options.steps where !names.contains(name) {
      var message = "there is no step '\(name)' in \(jobPath)"
      if let near = NearMatch.closest(to: name, among: names) {
        message += "; did you mean '\(near)'?"
      } else {
        message += "; its steps are \(names.map { "'\($0)'" }.joined(separator: ", "))"
      }
      return usageError(message, console: console)
    }
    let plan = PlanPrinter.plan(job)
    if let problem = plan.problems.first {
      console.error("error: \(problem)\n")
      return 2
    }
    Interruption.install()
    let observer = ConsoleObserver(console: console, format: format, quiet: quiet)
    let report = Runner.run(job, options: options, observer: observer)
    if let message = report.error { observer.error(message) }
    if let reportPath, !writeReport(report, to: reportPath, console: console) { return 3 }
    return report.exitStatus
  }

  private static func writeReport(_ report: RunReport, to path: String, console: Console) -> Bool {
    var bytes: [UInt8] = []
    JSONWriter.appendValue(report.json(), to: &bytes)
    bytes.append(UInt8(ascii: "\n"))
    do {
      let file = try OutputFile(path: path)
      try file.write(bytes)
      try file.commit()
      return true
    } catch {
      console.error("error: cannot write the report: \(error)\n")
      return false
    }
  }
}
