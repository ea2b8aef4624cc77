extension APIStepRunner {
  /// Sends the queued batch and records its outcome in the state and the report.
  func flush(rejects: RejectsWriter?) throws(RunAbort) {
    guard !pending.isEmpty else { return }
    let batch = pending
    pending.removeAll(keepingCapacity: true)
    let markers = batch.filter { $0.existingID == nil }.map {
      InFlightMarker(step: step.name, sourceKey: $0.key, payloadHash: $0.hash, runID: runID)
    }
    do {
      if !markers.isEmpty { try state.markInFlight(markers) }
    } catch {
      throw .failure(error.description)
    }
    var outcomes = [WriteOutcome](repeating: .notSent, count: batch.count)
    var abort: APIError?
    do throws(APIError) {
      abort = try sendAndReconcile(batch, sentAt: wallClockMilliseconds(), outcomes: &outcomes)
    } catch {
      abort = error
    }
    try settle(batch, outcomes: outcomes, rejects: rejects)
    if let abort { throw .failure(abort.description) }
  }

  private func request(for item: PendingWrite) -> WriteRequest {
    if let id = item.existingID {
      return WriteRequest(method: .patch, path: "/\(target.resource)/\(id)", body: item.body)
    }
    return WriteRequest(method: .post, path: "/\(target.resource)", body: item.body)
  }

  /// Fills `outcomes`: looks up the creates left over from an earlier run, sends the rest, and
  /// looks up the creates whose outcome is unknown before sending them again. Returns the error
  /// that stops the run, if one came. `sentAt` is the wall-clock time before the first request.
  private func sendAndReconcile(
    _ batch: [PendingWrite], sentAt: Int64, outcomes: inout [WriteOutcome]
  ) throws(APIError) -> APIError? {
    let reconciler = CreateReconciler(client: client, resource: target.resource, pageSize: pageSize)
    var toSend: [Int] = []
    for (index, item) in batch.enumerated() {
      if item.existingID == nil, let started = leftoverStarts[item.key],
        let id = try adopt(item, sentAt: started, reconciler)
      {
        outcomes[index] = .written(id: id)
      } else {
        toSend.append(index)
      }
    }
    let sender = WriteSender(client: client, threads: threads)
    for _ in 0..<maximumRounds where !toSend.isEmpty {
      let results = sender.send(toSend.map { request(for: batch[$0]) })
      var unknown: [Int] = []
      var abort: APIError?
      for (position, index) in toSend.enumerated() {
        outcomes[index] = results[position]
        switch results[position] {
        case .written(let id): takenIDs.insert(id)
        // An update is sent again by the client itself, so only creates come back unknown.
        case .unknown where batch[index].existingID == nil: unknown.append(index)
        case .aborted(let error): abort = abort ?? error
        case .unknown, .rejected, .notSent: break
        }
      }
      if let abort { return abort }
      toSend = []
      for index in unknown {
        if let id = try adopt(batch[index], sentAt: sentAt, reconciler) {
          outcomes[index] = .written(id: id)
        } else {
          toSend.append(index)
        }
      }
    }
    return nil
  }

  private func adopt(
    _ item: PendingWrite, sentAt: Int64, _ reconciler: CreateReconciler
  ) throws(APIError) -> Int64? {
    guard case .object(let body) = item.body,
      let id = try reconciler.find(body, excluding: takenIDs, sentAt: sentAt)
    else { return nil }
    takenIDs.insert(id)
    return id
  }

  /// Stores the ids written, with the payload hashes, and clears the markers of creates that
  /// did not happen, then counts and rejects. Creates whose outcome is unknown keep their markers.
  private func settle(
    _ batch: [PendingWrite], outcomes: [WriteOutcome], rejects: RejectsWriter?
  ) throws(RunAbort) {
    var written: [CrosswalkEntry] = []
    var cleared: [String] = []
    for (index, item) in batch.enumerated() {
      switch outcomes[index] {
      case .written(let id):
        written.append(
          CrosswalkEntry(
            step: step.name, sourceKey: item.key, createdID: id, payloadHash: item.hash,
            createdAt: item.createdAt, runID: runID))
        if item.existingID == nil { base.report.created += 1 } else { base.report.updated += 1 }
      case .aborted(.invalidResponse):
        // A success status came with a body that names no id: the record may exist, so its
        // marker stays for the next run to look it up.
        break
      case .rejected, .notSent, .aborted:
        if item.existingID == nil { cleared.append(item.key) }
      case .unknown:
        break
      }
    }
    do {
      try state.recordCreated(written)
      if !cleared.isEmpty { try state.clearInFlight(step: step.name, sourceKeys: cleared) }
    } catch {
      throw .failure(error.description)
    }
    for (index, item) in batch.enumerated() {
      switch outcomes[index] {
      case .rejected(let error):
        // Counted valid when it passed validation, the record is rejected by the API instead.
        base.report.valid -= 1
        try base.reject(item.record, problems: Self.problems(of: error), into: rejects)
      case .unknown(let error):
        base.report.failed += 1
        base.observer?.warning(
          "\(base.input.displayPath):\(item.record.line): \(error.description); "
            + "the next run checks it")
      default:
        break
      }
    }
  }

  private static func problems(of error: APIError) -> [RecordProblem] {
    if case .rejected(_, _, let problems) = error, !problems.isEmpty { return problems }
    return [RecordProblem(field: nil, rule: "api", message: error.description)]
  }
}
