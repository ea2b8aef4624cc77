/// Remembers the source keys seen in one input, to reject a record whose key came earlier.
///
/// It keeps a 64-bit fingerprint and the line of each key in an open-addressing table (12 bytes
/// a key), not the keys themselves, so a million keys cost about 15 MB.
/// NOTE: two different keys with the same 64-bit fingerprint would count as duplicates; the
/// chance is about n²/2⁶⁵ (3 in 100 million for a million keys).
public final class KeyTracker {
  private var fingerprints: [UInt64]
  private var lines: [UInt32]
  private var count = 0
  private var capacity: Int

  public init(expectedKeys: Int = 1024) {
    capacity = Self.capacity(for: expectedKeys)
    fingerprints = Array(repeating: 0, count: capacity)
    lines = Array(repeating: 0, count: capacity)
  }

  private static func capacity(for keys: Int) -> Int {
    max(1024, keys + keys / 4)
  }

  /// Grows the table ahead of time once the number of keys can be estimated.
  public func expect(_ keys: Int) {
    if Self.capacity(for: keys) > capacity { rehash(to: Self.capacity(for: keys)) }
  }

  /// Records the key; returns the line where it was first seen when it is a repeat.
  public func insert(_ key: UnsafeRawBufferPointer, line: Int) -> Int? {
    if (count + 1) * 5 > capacity * 4 { rehash(to: capacity * 2) }
    let fingerprint = Self.fingerprint(key)
    var slot = Self.slot(fingerprint, capacity)
    while fingerprints[slot] != 0 {
      if fingerprints[slot] == fingerprint { return Int(lines[slot]) }
      slot += 1
      if slot == capacity { slot = 0 }
    }
    fingerprints[slot] = fingerprint
    lines[slot] = UInt32(clamping: line)
    count += 1
    return nil
  }

  private func rehash(to newCapacity: Int) {
    let oldFingerprints = fingerprints
    let oldLines = lines
    fingerprints = []
    lines = []
    capacity = newCapacity
    fingerprints = Array(repeating: 0, count: capacity)
    lines = Array(repeating: 0, count: capacity)
    for index in oldFingerprints.indices where oldFingerprints[index] != 0 {
      var slot = Self.slot(oldFingerprints[index], capacity)
      while fingerprints[slot] != 0 {
        slot += 1
        if slot == capacity { slot = 0 }
      }
      fingerprints[slot] = oldFingerprints[index]
      lines[slot] = oldLines[index]
    }
  }

  @inline(__always)
  private static func slot(_ fingerprint: UInt64, _ capacity: Int) -> Int {
    Int(fingerprint.multipliedFullWidth(by: UInt64(capacity)).high)
  }

  /// FNV-1a over the bytes, finished with a SplitMix64 mixing step; never zero.
  static func fingerprint(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash ^= UInt64(byte)
      hash &*= 0x0000_0100_0000_01b3
    }
    hash ^= hash >> 30
    hash &*= 0xbf58_476d_1ce4_e5b9
    hash ^= hash >> 27
    hash &*= 0x94d0_49bb_1331_11eb
    hash ^= hash >> 31
    return hash == 0 ? 1 : hash
  }
}
