import Synchronization

/// The records of one resource, in ascending id order.
struct SandboxTable: Equatable, Sendable {
  private(set) var records: [JSONObject] = []
  /// The id of each record, parallel to `records`, for binary search.
  private(set) var ids: [Int] = []
  /// The id that the next created record gets. Ids are never reused, even after a delete.
  var nextID = 1

  init() {}

  /// Creates a table from records that each have an integer `id`, sorting them by id.
  init(records: [JSONObject], nextID: Int) {
    let sorted = records.compactMap { record in Self.id(of: record).map { ($0, record) } }
      .sorted { $0.0 < $1.0 }
    self.records = sorted.map(\.1)
    self.ids = sorted.map(\.0)
    self.nextID = max(nextID, (ids.last ?? 0) + 1)
  }

  var count: Int { records.count }

  func index(of id: Int) -> Int? {
    var low = 0
    var high = ids.count
    while low < high {
      let middle = (low + high) / 2
      if ids[middle] < id { low = middle + 1 } else { high = middle }
    }
    return low < ids.count && ids[low] == id ? low : nil
  }

  /// Appends a record whose id is above every id in the table.
  mutating func append(_ record: JSONObject, id: Int) {
    records.append(record)
    ids.append(id)
    nextID = max(nextID, id + 1)
  }

  mutating func replace(at index: Int, with record: JSONObject) {
    records[index] = record
  }

  mutating func removeAll(where shouldRemove: (JSONObject) -> Bool) {
    var keptRecords: [JSONObject] = []
    var keptIDs: [Int] = []
    for (record, id) in zip(records, ids) where !shouldRemove(record) {
      keptRecords.append(record)
      keptIDs.append(id)
    }
    records = keptRecords
    ids = keptIDs
  }

  static func id(of record: JSONObject) -> Int? {
    guard case .number(let literal) = record["id"] else { return nil }
    return SandboxInput.integer(literal)
  }
}

/// Every resource's table: the sandbox's whole state, as saved to and loaded from a data file.
struct SandboxData: Equatable, Sendable {
  /// One table per resource, in the order of `SandboxResource.allCases`.
  private var tables = Array(repeating: SandboxTable(), count: SandboxResource.allCases.count)

  init() {}

  /// The resource's table, changed in place so that its records are not copied.
  subscript(resource: SandboxResource) -> SandboxTable {
    get { tables[Self.position(of: resource)] }
    _modify { yield &tables[Self.position(of: resource)] }
  }

  private static func position(of resource: SandboxResource) -> Int {
    SandboxResource.allCases.firstIndex(of: resource)!
  }
}

/// The outcome of a POST.
enum SandboxCreateOutcome: Equatable {
  case created(JSONObject)
  case rejected(RecordProblem)
}

/// The outcome of a PATCH.
enum SandboxUpdateOutcome: Equatable {
  case updated(JSONObject)
  case notFound
  case rejected(RecordProblem)
}

/// The sandbox's records behind one lock, shared by every connection.
///
/// Each change raises `version`, so the saver can tell whether there is anything to write.
final class SandboxStore: Sendable {
  private struct State {
    var data: SandboxData
    var version = 0
  }

  private let state: Mutex<State>

  init(data: SandboxData) {
    state = Mutex(State(data: data))
  }

  /// The state and its version, copied under the lock. The copy shares storage until changed.
  func snapshot() -> (data: SandboxData, version: Int) {
    state.withLock { ($0.data, $0.version) }
  }

  func count(of resource: SandboxResource) -> Int {
    state.withLock { $0.data[resource].count }
  }

  func record(_ resource: SandboxResource, id: Int) -> JSONObject? {
    state.withLock { state in
      let table = state.data[resource]
      return table.index(of: id).map { table.records[$0] }
    }
  }

  /// Returns the records whose `field` equals `value` (all records without a filter), skipping `offset`
  /// and returning at most `limit`, with the number that matched in all.
  func page(
    _ resource: SandboxResource, filter: (field: String, value: JSONValue)?, offset: Int,
    limit: Int
  ) -> (count: Int, results: [JSONObject]) {
    state.withLock { state in
      let records = state.data[resource].records
      guard let filter else {
        let start = min(offset, records.count)
        return (records.count, Array(records[start..<min(records.count, start + limit)]))
      }
      var count = 0
      var results: [JSONObject] = []
      for record in records where record[filter.field] == filter.value {
        if count >= offset && results.count < limit { results.append(record) }
        count += 1
      }
      return (count, results)
    }
  }

  /// Creates a record from checked input fields, giving it an id and timestamps. A candidate's
  /// `opening` must name an existing opening.
  func create(
    _ resource: SandboxResource, fields: JSONObject, timestamp: String
  ) -> SandboxCreateOutcome {
    state.withLock { state in
      if let problem = Self.missingOpening(fields, in: state.data) { return .rejected(problem) }
      let id = state.data[resource].nextID
      var values = fields
      values["id"] = .number(String(id))
      values["created_at"] = .string(timestamp)
      values["updated_at"] = .string(timestamp)
      let record = Self.ordered(values, for: resource, fillNulls: true)
      state.data[resource].append(record, id: id)
      state.version += 1
      return .created(record)
    }
  }

  /// Changes the given fields of a candidate and sets its `updated_at`.
  func updateCandidate(id: Int, fields: JSONObject, timestamp: String) -> SandboxUpdateOutcome {
    state.withLock { state in
      guard let index = state.data[.candidates].index(of: id) else { return .notFound }
      if let problem = Self.missingOpening(fields, in: state.data) { return .rejected(problem) }
      var record = state.data[.candidates].records[index]
      for (key, value) in zip(fields.keys, fields.values) { record[key] = value }
      record["updated_at"] = .string(timestamp)
      record = Self.ordered(record, for: .candidates, fillNulls: false)
      state.data[.candidates].replace(at: index, with: record)
      state.version += 1
      return .updated(record)
    }
  }

  /// Deletes a candidate and every message, note, interview, review, evaluation and to-do that
  /// points at it. Returns false when there is no such candidate.
  func deleteCandidate(id: Int) -> Bool {
    state.withLock { state in
      guard state.data[.candidates].index(of: id) != nil else { return false }
      let idValue = JSONValue.number(String(id))
      state.data[.candidates].removeAll { $0["id"] == idValue }
      for child in SandboxResource.candidateChildren {
        state.data[child].removeAll { $0["candidate"] == idValue }
      }
      state.version += 1
      return true
    }
  }

  private static func missingOpening(_ fields: JSONObject, in data: SandboxData) -> RecordProblem? {
    guard case .number(let literal) = fields["opening"], let id = SandboxInput.integer(literal)
    else { return nil }
    if data[.openings].index(of: id) != nil { return nil }
    return RecordProblem(
      field: "opening", rule: "reference", message: "opening \(id) does not exist")
  }

  /// Returns the record's fields in schema order. With `fillNulls`, absent nullable fields become null.
  static func ordered(
    _ values: JSONObject, for resource: SandboxResource, fillNulls: Bool
  ) -> JSONObject {
    var record = JSONObject()
    let nullable = resource.nullableFieldNames
    for name in resource.fieldNames {
      if let value = values[name] {
        record.append(key: name, value: value)
      } else if fillNulls && nullable.contains(name) {
        record.append(key: name, value: .null)
      }
    }
    return record
  }
}
