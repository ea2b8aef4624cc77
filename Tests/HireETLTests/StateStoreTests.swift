import CSQLite
import Foundation
import Testing

@testable import HireETL

@Suite struct StateStoreTests {
  let folder = TemporaryFolder()
  var statePath: String { folder.path(".hire-etl/job.sqlite") }

  func open(readOnly: Bool = false, time: Int64 = 1_000) throws -> StateStore {
    try StateStore(path: statePath, readOnly: readOnly, clock: { time })
  }

  func fileBytes(_ path: String) -> Data? {
    FileManager.default.contents(atPath: path)
  }

  @Test func crosswalkRoundTrip() throws {
    let store = try open()
    try store.recordCreated([
      CrosswalkEntry(
        step: "openings", sourceKey: "R-1", createdID: 11, payloadHash: "h1", runID: 7),
      CrosswalkEntry(step: "openings", sourceKey: "R-2", createdID: 12, payloadHash: "h2"),
      CrosswalkEntry(step: "candidates", sourceKey: "R-1", createdID: 99, payloadHash: "h3"),
    ])

    let entry = try store.crosswalkEntry(step: "openings", sourceKey: "R-1")
    #expect(
      entry
        == CrosswalkEntry(
          step: "openings", sourceKey: "R-1", createdID: 11, payloadHash: "h1", createdAt: 1_000,
          runID: 7))
    #expect(try store.crosswalkEntry(step: "openings", sourceKey: "R-3") == nil)
    #expect(try store.createdIDs(step: "openings") == ["R-1": 11, "R-2": 12])
    #expect(try store.createdIDs(step: "candidates") == ["R-1": 99])
  }

  @Test func newFileKeptPrivate() throws {
    _ = try open()
    let attributes = try FileManager.default.attributesOfItem(atPath: statePath)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
  }

  @Test func existingFileMadePrivate() throws {
    _ = try open()
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: statePath)
    _ = try open()
    let attributes = try FileManager.default.attributesOfItem(atPath: statePath)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
  }

  @Test func crosswalkSurvivesReopening() throws {
    do {
      let store = try open()
      try store.recordCreated([
        CrosswalkEntry(step: "s", sourceKey: "k", createdID: 5, payloadHash: "h")
      ])
    }
    let reopened = try open()
    #expect(try reopened.crosswalkEntry(step: "s", sourceKey: "k")?.createdID == 5)
  }

  @Test func inFlightMarkerSurvivesReopening() throws {
    do {
      let store = try open(time: 500)
      try store.markInFlight([
        InFlightMarker(step: "candidates", sourceKey: "a@example.com", payloadHash: "h1", runID: 3),
        InFlightMarker(step: "candidates", sourceKey: "b@example.com", payloadHash: "h2", runID: 3),
      ])
    }
    let reopened = try open()
    let markers = try reopened.inFlightMarkers(step: "candidates")
    #expect(markers.map(\.sourceKey) == ["a@example.com", "b@example.com"])
    #expect(markers.first?.startedAt == 500)
    #expect(markers.first?.runID == 3)
    #expect(try reopened.inFlightMarkers(step: "openings").isEmpty)
    #expect(try reopened.inFlightMarkers().count == 2)
  }

  @Test func resolvingMarkersRemovesThem() throws {
    let store = try open()
    try store.markInFlight([
      InFlightMarker(step: "c", sourceKey: "created", payloadHash: "h1"),
      InFlightMarker(step: "c", sourceKey: "rejected", payloadHash: "h2"),
      InFlightMarker(step: "c", sourceKey: "unknown", payloadHash: "h3"),
    ])
    try store.recordCreated([
      CrosswalkEntry(step: "c", sourceKey: "created", createdID: 1, payloadHash: "h1")
    ])
    try store.clearInFlight(step: "c", sourceKeys: ["rejected"])

    #expect(try store.inFlightMarkers().map(\.sourceKey) == ["unknown"])
    #expect(try store.createdIDs(step: "c") == ["created": 1])
  }

  @Test func secondOpenerIsRejected() throws {
    let first = try open()
    #expect(throws: StateError.locked(path: statePath, holderProcessID: Int(getpid()))) {
      _ = try open()
    }
    _ = first
  }

  @Test func lockedMessage() {
    let error = StateError.locked(path: "/jobs/.hire-etl/lever.sqlite", holderProcessID: 4242)
    #expect(
      error.description
        == "state file /jobs/.hire-etl/lever.sqlite is in use by another run of this job "
        + "(process 4242); wait for that run to finish or stop it, then run again")
  }

  @Test func lockIsReleasedOnClose() throws {
    do { _ = try open() }
    _ = try open()
  }

  @Test func readOnlyOpenLeavesFileIdentical() throws {
    do {
      let store = try open()
      try store.recordCreated([
        CrosswalkEntry(step: "s", sourceKey: "k", createdID: 5, payloadHash: "h")
      ])
      try store.markInFlight([InFlightMarker(step: "s", sourceKey: "m", payloadHash: "h")])
      try store.setWatermark(step: "export", value: "2026-01-02T03:04:05Z")
    }
    let namesBefore = folder.list(".hire-etl")
    let before = try #require(fileBytes(statePath))

    do {
      let dryRun = try open(readOnly: true)
      #expect(try dryRun.crosswalkEntry(step: "s", sourceKey: "k")?.createdID == 5)
      #expect(try dryRun.inFlightMarkers().map(\.sourceKey) == ["m"])
      #expect(try dryRun.watermark(step: "export") == "2026-01-02T03:04:05Z")
      #expect(throws: StateError.readOnly(path: statePath)) {
        try dryRun.setWatermark(step: "export", value: "later")
      }
    }

    #expect(fileBytes(statePath) == before)
    #expect(folder.list(".hire-etl") == namesBefore)
  }

  @Test func readOnlyOpensBesideWriter() throws {
    let writer = try open()
    try writer.setWatermark(step: "export", value: "a")
    let dryRun = try open(readOnly: true)
    #expect(try dryRun.watermark(step: "export") == "a")
    try writer.setWatermark(step: "export", value: "b")
    #expect(try dryRun.watermark(step: "export") == "b")
  }

  @Test func readOnlyPathWithReservedCharacters() throws {
    let path = folder.path("a b?#%25/state.sqlite")
    do {
      let store = try StateStore(path: path)
      try store.setWatermark(step: "s", value: "v")
    }
    let dryRun = try StateStore(path: path, readOnly: true)
    #expect(try dryRun.watermark(step: "s") == "v")
  }

  @Test func readOnlyWithoutFileCreatesNothing() throws {
    let store = try open(readOnly: true)
    #expect(try store.createdIDs(step: "s").isEmpty)
    #expect(try store.watermark(step: "s") == nil)
    #expect(!folder.exists(".hire-etl"))
  }

  @Test func watermarkRoundTrip() throws {
    let store = try open()
    #expect(try store.watermark(step: "export") == nil)
    try store.setWatermark(step: "export", value: "2026-01-01T00:00:00Z")
    try store.setWatermark(step: "export", value: "2026-02-01T00:00:00Z")
    #expect(try store.watermark(step: "export") == "2026-02-01T00:00:00Z")
  }

  @Test func runLogRoundTrip() throws {
    let store = try open(time: 2_000)
    let first = try store.startRun(job: "lever")
    try store.finishRun(id: first, outcome: "completed", summary: #"{"created":3}"#)
    let second = try store.startRun(job: "lever")

    let log = try store.runLog()
    #expect(log.map(\.id) == [second, first])
    #expect(
      log[1]
        == RunLogEntry(
          id: first, job: "lever", startedAt: 2_000, finishedAt: 2_000, outcome: "completed",
          summary: #"{"created":3}"#))
    #expect(log[0].finishedAt == nil)
  }

  @Test func fileIsVersionedAndInWALMode() throws {
    do { _ = try open() }
    let bytes = try #require(fileBytes(statePath))
    // Bytes 18 and 19 of the header are 2 in WAL mode; bytes 60 to 63 hold user_version.
    #expect(bytes[18] == 2)
    #expect(bytes[19] == 2)
    #expect(Array(bytes[60..<64]) == [0, 0, 0, 1])
  }

  @Test func newerSchemaIsRejected() throws {
    do { _ = try open() }
    do {
      let raw = try SQLiteDatabase(path: statePath, mode: .readWrite)
      try raw.execute("PRAGMA user_version = 99")
    }
    #expect(throws: StateError.newerSchema(path: statePath, found: 99, supported: 1)) {
      _ = try open()
    }
    #expect(throws: StateError.newerSchema(path: statePath, found: 99, supported: 1)) {
      _ = try open(readOnly: true)
    }
  }

  @Test func sqliteErrorsCarryMessage() throws {
    let database = try SQLiteDatabase(path: ":memory:", mode: .readWrite)
    #expect(
      throws: SQLiteError(
        operation: "execute SELEC 1", code: SQLITE_ERROR, message: #"near "SELEC": syntax error"#)
    ) {
      try database.execute("SELEC 1")
    }
  }

  @Test func payloadHashIsFNV1a() {
    #expect(PayloadHash.of([]) == "fnv1a64:cbf29ce484222325")
    #expect(PayloadHash.of(Array("a".utf8)) == "fnv1a64:af63dc4c8601ec8c")
  }
}
