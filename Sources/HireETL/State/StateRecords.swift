/// One crosswalk row: the record that a step created in the API for a source key.
public struct CrosswalkEntry: Sendable, Equatable {
  public var step: String
  public var sourceKey: String
  public var createdID: Int64
  /// `PayloadHash` of the body that was sent, to tell later whether the source record changed.
  public var payloadHash: String
  /// Milliseconds since 1970.
  public var createdAt: Int64
  public var runID: Int64?

  public init(
    step: String, sourceKey: String, createdID: Int64, payloadHash: String, createdAt: Int64 = 0,
    runID: Int64? = nil
  ) {
    self.step = step
    self.sourceKey = sourceKey
    self.createdID = createdID
    self.payloadHash = payloadHash
    self.createdAt = createdAt
    self.runID = runID
  }
}

/// A create that was about to be sent. It is stored and committed before the request goes out
/// and removed once the outcome is known, so one left behind by a crash tells the next run to
/// look for the record in the API before creating it again.
public struct InFlightMarker: Sendable, Equatable {
  public var step: String
  public var sourceKey: String
  public var payloadHash: String
  /// Milliseconds since 1970.
  public var startedAt: Int64
  public var runID: Int64?

  public init(
    step: String, sourceKey: String, payloadHash: String, startedAt: Int64 = 0,
    runID: Int64? = nil
  ) {
    self.step = step
    self.sourceKey = sourceKey
    self.payloadHash = payloadHash
    self.startedAt = startedAt
    self.runID = runID
  }
}

/// One row of the run log.
public struct RunLogEntry: Sendable, Equatable {
  public var id: Int64
  public var job: String
  /// Milliseconds since 1970; `finishedAt` is nil while the run goes on or after it crashed.
  public var startedAt: Int64
  public var finishedAt: Int64?
  /// Such as "completed", "completed with rejects", "aborted" or "interrupted".
  public var outcome: String?
  /// The run report as JSON text.
  public var summary: String?
}

/// A hash of a request body for the crosswalk: 64-bit FNV-1a, written as "fnv1a64:" and 16
/// hexadecimal digits. It detects changed payloads and is no defence against deliberate
/// collisions, which nothing here needs.
public enum PayloadHash {
  public static func of(_ bytes: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
  }
}
