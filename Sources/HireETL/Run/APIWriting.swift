/// The connection that the API-writing steps of one run share: the client with its rate limiter,
/// and the state file, read-only in a dry run.
struct APIWriting {
  let client: APIClient
  let state: StateStore
  let concurrency: Int
  /// Records per list page when looking up creates whose outcome is unknown.
  let pageSize: Int

  /// Opens the state and the client, and checks the key with one read, when any of `steps`
  /// writes to the API; returns nil otherwise.
  static func open(
    _ job: Job, steps: [Step], options: RunOptions, sandbox: SandboxServer?
  ) throws(RunAbort) -> APIWriting? {
    let writes = steps.contains { step in
      if case .api = step.output { return true }
      return false
    }
    guard writes, let api = job.api else { return nil }
    let state: StateStore
    do {
      state = try StateStore(path: job.statePath, readOnly: options.dryRun)
    } catch {
      throw .failure(error.description)
    }
    let client = try APIConnection.open(api, sandbox: sandbox, folder: job.folder)
    try APIConnection.check(client)
    return APIWriting(
      client: client, state: state, concurrency: api.concurrency, pageSize: api.pageSize)
  }
}
