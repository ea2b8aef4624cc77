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
    var sandbox: SandboxServer?
    var writing: APIWriting?
    defer { try? sandbox?.stop() }
    do throws(RunAbort) {
      try checkColumns(of: selected, jobFile: job.filePath)
      try checkIncrementalOutputs(of: selected, run: identity)
      sandbox = try startSandbox(for: job, options: options, observer: observer)
      writing = try APIWriting.open(job, steps: selected, options: options, sandbox: sandbox)
      let writer = writing
      let lookups = LookupTable(statePath: job.statePath)
      for step in selected {
        let input: FileInput
        switch step.input {
        case .file(let file):
          input = file
        case .api(let source):
          // The file step machinery reports where records came from by this name.
          input = FileInput(displayPath: "GET /\(source.resource)", path: "", format: .jsonl)
        }
        let runner = StepRunner(
          step: step, input: input, options: options, run: identity, observer: observer,
          jobFile: job.filePath)
        running = runner
        if case .api(let source) = step.input {
          guard let writer else {
            throw .jobFile(
              "step '\(step.name)' reads from the API, so the job needs an `api:` block")
          }
          let readRunner = APIReadStepRunner(base: runner, source: source, connection: writer)
          report.steps.append(try readRunner.execute())
        } else if case .api(let target) = step.output, let writer {
          let apiRunner = APIStepRunner(
            base: runner, target: target, writing: writer, lookups: lookups)
          report.steps.append(try apiRunner.execute())
        } else {
          runner.mapper.lookup = try lookups.resolver(for: step, state: writer?.state)
          report.steps.append(try runner.execute())
        }
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
        report.error =
          "interrupted; the files being written were discarded, and running the job again "
          + "resumes without creating anything twice"
      }
    }
    report.finishedAt = RunIdentity.now().startedAt
    writing?.finish(&report)
    return report
  }

  /// Stops the run (exit status 2) before anything is read when a `since: last_run` step would
  /// replace a file that exists. That file contains the changes of an earlier run, which the
  /// watermark has already moved past, so replacing it would lose them for good.
  private static func checkIncrementalOutputs(of steps: [Step], run: RunIdentity) throws(RunAbort) {
    if let problem = incrementalOutputProblems(of: steps, run: run).first {
      throw .jobFile(problem)
    }
  }

  /// Describes each `since: last_run` step whose output file exists already, for the run and
  /// for `check`.
  static func incrementalOutputProblems(of steps: [Step], run: RunIdentity) -> [String] {
    steps.compactMap { step in
      guard case .api(let source) = step.input, source.since == "last_run",
        case .file(let output) = step.output, output.pathTemplate != "-",
        FileSystem.exists(PathTemplate.expand(output.pathTemplate, step: step.name, run: run))
      else { return nil }
      let displayPath = PathTemplate.expand(output.displayPath, step: step.name, run: run)
      return "step '\(step.name)': \(displayPath) already exists, and this step writes only the "
        + "records changed since the last run, so replacing the file would lose the ones it "
        + "holds; put {run} in the path, or move the file away once it is loaded"
    }
  }

  /// Reads the header of every CSV input that exists before any step runs, so a mapped or key
  /// column the file lacks stops the run (exit status 2) before anything is written. Inputs
  /// an earlier step writes are checked when their step opens them.
  private static func checkColumns(of steps: [Step], jobFile: String) throws(RunAbort) {
    var written: [String] = []
    for step in steps {
      defer {
        if case .file(let output) = step.output { written.append(output.pathTemplate) }
      }
      guard case .file(let input) = step.input, input.format == .csv, input.path != "-",
        !written.contains(input.path), FileSystem.exists(input.path)
      else { continue }
      guard let source = try? FileByteSource(path: input.path) else { continue }
      let reader = CSVReader(source: source, path: input.displayPath, options: input.csv)
      // A header or first record that would stop the step (duplicate columns, say) stops the
      // run here with the same message and exit status, before any step writes a file.
      do {
        guard try reader.next() != nil else { continue }
      } catch {
        throw .failure(error.description)
      }
      guard let names = reader.columnNames else { continue }
      do throws(MappingError) {
        let header = CSVHeader(names: names)
        try Mapper(mappings: step.map).bind(header: header)
        _ = try step.keyColumns(in: header)
      } catch {
        let message = MissingColumnMessage(
          jobFile: jobFile, step: step.name, input: input.displayPath, columns: names,
          delimiter: reader.delimiter, delimiterIsSet: input.csv.delimiter != nil)
        throw .jobFile(message.text(for: error))
      }
    }
  }

  /// Returns the file an embedded sandbox keeps its records in, beside the job's state.
  public static func sandboxDataPath(for job: Job) -> String {
    var path = job.statePath
    if path.hasSuffix(".sqlite") { path.removeLast(".sqlite".count) }
    return path + ".sandbox.jsonl"
  }

  /// Starts the local sandbox for `base_url: sandbox` on a free loopback port, for this run only.
  static func startSandbox(
    for job: Job, options: RunOptions, observer: RunObserver?
  ) throws(RunAbort) -> SandboxServer? {
    guard let api = job.api, api.baseURL == "sandbox" else { return nil }
    var configuration = SandboxConfiguration()
    configuration.port = 0
    configuration.apiKey = api.apiKey ?? SandboxConfiguration.developmentAPIKey
    configuration.seed = api.sandboxSeed
    // NOTE: a dry run keeps the sandbox in memory so that nothing beside the state changes. So
    // it starts empty instead of with the records of earlier runs.
    if !options.dryRun { configuration.dataPath = sandboxDataPath(for: job) }
    do {
      if !options.dryRun { try FileSystem.createParentFolders(of: sandboxDataPath(for: job)) }
      let server = try SandboxServer(configuration)
      let data = configuration.dataPath.map { ", records kept in \($0)" } ?? ""
      observer?.note("sandbox: serving \(server.baseURL) for this run\(data)")
      return server
    } catch let error as SandboxError {
      throw .failure("the embedded sandbox could not start: \(error)")
    } catch {
      throw .failure(String(describing: error))
    }
  }
}
