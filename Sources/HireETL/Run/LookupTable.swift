/// The ids that `lookup: STEP` rules resolve source keys to: those in the crosswalk, from this run
/// or an earlier one, and in a dry run stand-in ids for the records an earlier step would create.
final class LookupTable {
  /// Dry run: by step, the stand-in id of each key the step would create. Stand-ins are
  /// negative, so they never equal a real id.
  private var standIns: [String: [String: Int]] = [:]
  private var nextStandIn = -1
  /// The job's state file, read when no step of this run opened it, as when `--step` selects
  /// only a step that writes a file but looks ids up.
  private let statePath: String

  init(statePath: String) {
    self.statePath = statePath
  }

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
    do throws(StateError) {
      let store: StateStore
      if let state {
        store = state
      } else {
        store = try StateStore(path: statePath, readOnly: true)
      }
      for target in targets {
        var table = standIns[target] ?? [:]
        for (key, id) in try store.createdIDs(step: target) { table[key] = Int(id) }
        ids[target] = table
      }
    } catch {
      throw .failure(error.description)
    }
    let snapshot = ids
    return { step, key in
      guard let id = snapshot[step]?[key] else { return .missing }
      return .found(id)
    }
  }
}
