/// The ids that `lookup: STEP` rules resolve source keys to: those in the crosswalk, from this run
/// or an earlier one, and in a dry run stand-in ids for the records an earlier step would create.
final class LookupTable {
  /// Dry run: by step, the stand-in id of each key the step would create. Stand-ins are
  /// negative, so they never equal a real id.
  private var standIns: [String: [String: Int]] = [:]
  private var nextStandIn = -1

  /// Records that the dry run would create `key` in `step`.
  func addStandIn(step: String, key: String) {
    standIns[step, default: [:]][key] = nextStandIn
    nextStandIn -= 1
  }

  /// Builds the resolver for a step's `Mapper`, with a snapshot of the ids of every step that
  /// its rules look up. The snapshot never changes, so worker threads may call it.
  func resolver(
    for step: Step, state: StateStore?
  ) throws(RunAbort) -> (@Sendable (String, String) -> Mapper.LookupResult)? {
    let targets = Set((step.map ?? []).compactMap(\.rule.lookupStep))
    guard !targets.isEmpty else { return nil }
    var ids: [String: [String: Int]] = [:]
    for target in targets {
      var table = standIns[target] ?? [:]
      if let state {
        do {
          for (key, id) in try state.createdIDs(step: target) { table[key] = Int(id) }
        } catch {
          throw .failure(error.description)
        }
      }
      ids[target] = table
    }
    let snapshot = ids
    return { step, key in
      guard let id = snapshot[step]?[key] else { return .missing }
      return .found(id)
    }
  }
}
