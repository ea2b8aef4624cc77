/// The `hire-etl` command line: parses the arguments, runs the command and returns the exit
/// status. The executable is a thin wrapper around `main`.
public enum CommandLineInterface {
  public static func main(
    arguments: [String], environment: [String: String], console: Console
  ) -> Int32 {
    guard let command = arguments.first else {
      console.error(Usage.overview)
      return 2
    }
    let rest = Array(arguments.dropFirst())
    switch command {
    case "run": return runCommand(rest, environment: environment, console: console)
    case "check": return checkCommand(rest, environment: environment, console: console)
    case "init": return initCommand(rest, console: console)
    case "help", "--help", "-h":
      if let topic = rest.first {
        guard let text = Usage.text(for: topic) else {
          return usageError("there is no help for '\(topic)'", console: console)
        }
        console.out(text)
      } else {
        console.out(Usage.overview)
      }
      return 0
    case "--version", "version":
      console.out("hire-etl \(hireETLVersion) (\(linkedLibraryVersions()))\n")
      return 0
    case "sandbox": return sandboxCommand(rest, console: console)
    case "rollback": return rollbackCommand(rest, environment: environment, console: console)
    default:
      var message = "unknown command '\(command)'"
      let commands = ["run", "check", "init", "help", "rollback", "sandbox"]
      if let near = NearMatch.closest(to: command, among: commands) {
        message += "; did you mean '\(near)'?"
      }
      return usageError(message, console: console)
    }
  }

  static func usageError(_ message: String, console: Console) -> Int32 {
    console.error("error: \(message)\n\(Usage.line)\n")
    return 2
  }

  /// Loads the job file, printing every problem; nil when there are any.
  static func loadJob(_ path: String, environment: [String: String], console: Console) -> Job? {
    do {
      return try JobDecoder.load(path: path, environment: environment)
    } catch {
      for problem in error.errors { console.error("error: \(problem)\n") }
      let count = error.errors.count
      console.error("\(count) problem\(count == 1 ? "" : "s") in \(path); nothing was run\n")
      return nil
    }
  }

  private static func checkCommand(
    _ arguments: [String], environment: [String: String], console: Console
  ) -> Int32 {
    guard arguments.count == 1, let path = arguments.first, !path.hasPrefix("-") else {
      return usageError("check takes one job file: hire-etl check JOB.yaml", console: console)
    }
    guard let job = loadJob(path, environment: environment, console: console) else { return 2 }
    let plan = PlanPrinter.plan(job)
    console.out(plan.text)
    // A run checks these for the steps it runs only, so they are not part of the plan.
    let problems =
      plan.problems + Runner.incrementalOutputProblems(of: job.steps, run: RunIdentity.now())
    for problem in problems { console.error("error: \(problem)\n") }
    return problems.isEmpty ? 0 : 2
  }

  private static func initCommand(_ arguments: [String], console: Console) -> Int32 {
    guard let kind = arguments.first, arguments.count <= 2 else {
      return usageError(
        "init needs a kind: hire-etl init migration|export [FILE]", console: console)
    }
    let text: String
    switch kind {
    case "migration": text = StarterJobs.migration
    case "export": text = StarterJobs.export
    default:
      return usageError(
        "init makes a `migration` or an `export` job, not '\(kind)'", console: console)
    }
    let path = arguments.count == 2 ? arguments[1] : "\(kind).yaml"
    if FileSystem.exists(path) {
      console.error("error: \(path) already exists; choose another file name or remove it first\n")
      return 2
    }
    do {
      let file = try OutputFile(path: path)
      try file.write(text)
      try file.commit()
    } catch {
      console.error("error: \(error)\n")
      return 3
    }
    console.out("wrote \(path); edit it, then run `hire-etl check \(path)`\n")
    return 0
  }
}
