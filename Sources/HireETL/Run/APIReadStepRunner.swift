/// Runs one step that reads a list endpoint of the API and writes a file: the file step machinery
/// maps and writes the records, and this adds the `since:` cutoff, the request counts and, once
/// the file landed, its manifest and the watermark.
final class APIReadStepRunner {
  let base: StepRunner
  let source: APIInput
  let client: APIClient
  let state: StateStore
  let pageSize: Int
  let concurrency: Int

  init(base: StepRunner, source: APIInput, connection: APIWriting) {
    self.base = base
    self.source = source
    self.client = connection.client
    self.state = connection.state
    self.pageSize = connection.pageSize
    self.concurrency = connection.concurrency
  }

  var step: Step { base.step }

  /// The state key under which the `id@timestamp` of the records inside the overlap before the
  /// watermark are stored, beside the watermark itself.
  static func overlapKey(step: String) -> String { step + " overlap" }

  func execute() throws(RunAbort) -> StepReport {
    let started = monotonicSeconds()
    let before = client.statistics
    let reader = APIListReader(
      client: client, resource: source.resource, filter: source.filter, pageSize: pageSize,
      since: try sinceFilter(), concurrency: concurrency)
    base.apiReader = reader
    // The closure captures no `self`, because `base` keeping this runner alive would keep the
    // state file, and with it the run's lock, open after the run.
    base.beforeFinishing = {
      [client, source, observer = base.observer, name = step.name, weak base] report in
      // A read cut short by `--limit` leaves pages fetched ahead.
      reader.stopFetching()
      Self.count(client.statistics, since: before, into: &report)
      for column in base?.csvExportWriter?.addedColumns ?? [] {
        let note =
          "field '\(column)' is not in the API's schema of \(source.resource); it has a column of its own"
        report.notes.append(note)
        observer?.warning("step '\(name)': \(note)")
      }
      if reader.duplicates > 0 {
        report.notes.append(
          "\(reader.duplicates) records came twice while paging and were written once")
      }
      if let change = reader.countChange {
        let note = Self.driftNote(change, reader: reader)
        report.notes.append(note)
        observer?.warning("step '\(name)': \(note)")
      }
      if reader.hasCutoff {
        report.notes.append(
          "\(reader.unchanged) records not changed since the cutoff were skipped")
      }
    }
    defer {
      reader.stopFetching()
      countRequests(since: before, started: started)
    }
    let report = try base.execute()
    if !base.options.dryRun, let outputPath = base.outputPath, outputPath != "-" {
      let manifest = ExportManifest(
        resource: source.resource, step: step.name, runID: base.run.id, rows: report.written,
        columns: base.mapper.outputNames ?? base.csvExportWriter?.header
          ?? Self.schemaOrder(reader.fieldNames, resource: source.resource),
        watermark: reader.latestChange?.text)
      try manifest.write(besides: outputPath)
    }
    if !base.options.dryRun, base.outputPath != nil {
      try storeWatermark(reader)
    }
    return report
  }

  /// Describes how `count` moved during the read and what the reader read again for it.
  static func driftNote(_ change: (from: Int, to: Int), reader: APIListReader) -> String {
    var note =
      "the record count changed from \(grouped(change.from)) to \(grouped(change.to)) during the read"
    var again: [String] = []
    if reader.rereads > 0 {
      again.append(
        "\(reader.rereads) \(reader.rereads == 1 ? "pass" : "passes") from the first page that moved"
      )
    }
    if reader.stepsBack > 0 {
      again.append(
        "\(reader.stepsBack) \(reader.stepsBack == 1 ? "page" : "pages") before a shrunken page")
    }
    if !again.isEmpty { note += "; read again: " + again.joined(separator: " and ") }
    if reader.unsettled {
      note +=
        "; it was still changing after \(APIListReader.maximumRereads) passes, so records "
        + "created or deleted meanwhile can be missing: run the export again when it is quiet"
    }
    return note
  }

  /// Returns the resource's schema fields in the API's order, then the other names in the
  /// order they first came, so a manifest lists the same columns whether or not records came.
  static func schemaOrder(_ names: [String], resource: String) -> [String] {
    let schema = SandboxResource(rawValue: resource)?.fieldNames ?? []
    return schema + names.filter { !schema.contains($0) }
  }

  private static func count(
    _ now: APIClient.Statistics, since before: APIClient.Statistics, into report: inout StepReport
  ) {
    report.requests = now.requests - before.requests
    report.retries = now.retries - before.retries
    report.rateLimited = now.tooManyRequests - before.tooManyRequests
  }

  /// Keeps the counts of a step that failed, for the report of the aborted run.
  private func countRequests(since before: APIClient.Statistics, started: Double) {
    Self.count(client.statistics, since: before, into: &base.report)
    base.report.seconds = monotonicSeconds() - started
  }

  /// Builds the cutoff: the stored watermark for `last_run`, the given time otherwise.
  private func sinceFilter() throws(RunAbort) -> SinceFilter? {
    guard let since = source.since else { return nil }
    guard since == "last_run" else {
      return SinceFilter(cutoff: ChangeTime(since), overlap: 0, alreadySeen: [])
    }
    do {
      guard let stored = try state.watermark(step: step.name) else {
        return SinceFilter(cutoff: nil, overlap: 0, alreadySeen: [])
      }
      let seen = try state.watermark(step: Self.overlapKey(step: step.name)) ?? ""
      return SinceFilter(
        cutoff: ChangeTime(stored), overlap: SinceFilter.overlapMilliseconds,
        alreadySeen: Set(seen.split(separator: ",").map(String.init)))
    } catch {
      throw .failure(error.description)
    }
  }

  /// Stores the latest change time read, and the records just before it, once the output landed.
  private func storeWatermark(_ reader: APIListReader) throws(RunAbort) {
    guard let latest = reader.latestChange else { return }
    do {
      if let stored = try state.watermark(step: step.name), let old = ChangeTime(stored),
        old.milliseconds > latest.milliseconds
      {
        return
      }
      try state.setWatermark(
        step: Self.overlapKey(step: step.name),
        value: reader.recentlyChanged().joined(separator: ","))
      try state.setWatermark(step: step.name, value: latest.text)
    } catch {
      throw .failure(error.description)
    }
  }
}
