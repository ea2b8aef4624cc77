import Glibc

/// A growable byte buffer that appends with `memcpy`. The hot paths of the readers and writers
/// build records in one of these instead of allocating per field.
public final class ByteBuffer {
  public private(set) var storage: UnsafeMutablePointer<UInt8>
  public private(set) var count = 0
  public private(set) var capacity: Int

  public init(capacity: Int = 4096) {
    self.capacity = max(capacity, 16)
    storage = .allocate(capacity: self.capacity)
  }

  deinit {
    storage.deallocate()
  }

  @inline(__always)
  public func reserve(_ extra: Int) {
    if count + extra > capacity { grow(to: count + extra) }
  }

  private func grow(to needed: Int) {
    var newCapacity = capacity * 2
    while newCapacity < needed { newCapacity *= 2 }
    let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    bigger.update(from: storage, count: count)
    storage.deallocate()
    storage = bigger
    capacity = newCapacity
  }

  @inline(__always)
  public func append(_ byte: UInt8) {
    if count == capacity { grow(to: count + 1) }
    storage[count] = byte
    count += 1
  }

  @inline(__always)
  public func append(_ bytes: UnsafeRawPointer, count length: Int) {
    guard length > 0 else { return }
    reserve(length)
    memcpy(storage + count, bytes, length)
    count += length
  }

  public func append(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress else { return }
    append(base, count: bytes.count)
  }

  public func append(_ text: String) {
    var text = text
    text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
  }

  public func append(contentsOf bytes: [UInt8]) {
    bytes.withUnsafeBytes { append($0) }
  }

  /// Counts `length` more bytes as appended, which the caller has already written after the
  /// end, into room that `reserve` made.
  @inline(__always)
  func advanceCount(by length: Int) {
    count += length
  }

  public func removeAll() {
    count = 0
  }

  public func removeLast(_ length: Int) {
    count -= min(length, count)
  }

  /// Returns the bytes in `range`, valid until the buffer is next changed.
  @inline(__always)
  public func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: storage + range.lowerBound, count: range.count)
  }

  public var allBytes: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: storage, count: count)
  }

  public func string(_ range: Range<Int>) -> String {
    String(decoding: bytes(range), as: UTF8.self)
  }
}
