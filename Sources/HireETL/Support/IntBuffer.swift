/// A growable array of `Int` for the offsets that the CSV hot path records per cell and per row.
/// An `Array` stored in a class checks that its storage is unique on every append, and emptying
/// it goes through `replaceSubrange`. This buffer only compares the count with the capacity.
final class IntBuffer {
  private(set) var storage: UnsafeMutablePointer<Int>
  private(set) var count = 0
  private var capacity: Int

  init(capacity: Int = 64) {
    self.capacity = max(capacity, 4)
    storage = .allocate(capacity: self.capacity)
  }

  deinit {
    storage.deallocate()
  }

  @inline(__always)
  func append(_ value: Int) {
    if count == capacity { grow() }
    storage[count] = value
    count += 1
  }

  private func grow() {
    let bigger = UnsafeMutablePointer<Int>.allocate(capacity: capacity * 2)
    bigger.moveInitialize(from: storage, count: count)
    storage.deallocate()
    storage = bigger
    capacity *= 2
  }

  /// Returns the element at `index`, which must be below `count`.
  @inline(__always)
  subscript(index: Int) -> Int {
    storage[index]
  }

  var isEmpty: Bool { count == 0 }

  var last: Int? { count == 0 ? nil : storage[count - 1] }

  /// The elements as a copy, for the paths that keep them beyond the next change.
  var elements: [Int] { Array(UnsafeBufferPointer(start: storage, count: count)) }

  func removeAll() {
    count = 0
  }
}
