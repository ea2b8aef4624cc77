import Testing

@testable import HireETL

/// Inserts a text key and returns the line where it was first seen, if it was.
private func insert(_ tracker: KeyTracker, _ key: String, line: Int) -> Int? {
  Array(key.utf8).withUnsafeBytes { tracker.insert($0, line: line) }
}

@Suite struct KeyTrackerTests {
  @Test func repeatNamesFirstLine() {
    let tracker = KeyTracker()
    #expect(insert(tracker, "ada@example.com", line: 2) == nil)
    #expect(insert(tracker, "alan@example.com", line: 3) == nil)
    #expect(insert(tracker, "ada@example.com", line: 7) == 2)
    #expect(insert(tracker, "ada@example.com", line: 9) == 2)
  }

  @Test func keysDifferingInCase() {
    let tracker = KeyTracker()
    #expect(insert(tracker, "Ada", line: 2) == nil)
    #expect(insert(tracker, "ada", line: 3) == nil)
  }

  @Test func growsPastCapacity() {
    let tracker = KeyTracker(expectedKeys: 10)
    for number in 0..<5000 {
      #expect(insert(tracker, "key-\(number)", line: number + 2) == nil)
    }
    tracker.expect(20_000)
    #expect(insert(tracker, "key-0", line: 9000) == 2)
    #expect(insert(tracker, "key-4999", line: 9001) == 5001)
    #expect(insert(tracker, "key-5000", line: 9002) == nil)
  }
}
