/// The value one field collects from the nodes its path selects: the first non-empty one,
/// or all non-empty ones joined with the separator.
struct XMLFieldValue {
  var value = XMLRawValue.null
  var complete = false

  /// Adds the value whose bytes were just appended to `arena`, from `start` to its end.
  mutating func addBytes(from start: Int, in arena: ByteBuffer, separator: String, first: Bool) {
    let range = start..<arena.count
    if complete || (range.isEmpty && hasText) {
      arena.removeLast(range.count)
      return
    }
    if hasText {
      value = .text(text(in: arena) + separator + arena.string(range))
      arena.removeLast(range.count)
    } else {
      value = .bytes(range)
      complete = first && !range.isEmpty
    }
  }

  mutating func add(_ text: String, in arena: ByteBuffer, separator: String, first: Bool) {
    if complete || (text.isEmpty && hasText) { return }
    if hasText {
      value = .text(self.text(in: arena) + separator + text)
    } else {
      value = .text(text)
      complete = first && !text.isEmpty
    }
  }

  private var hasText: Bool {
    switch value {
    case .null: false
    case .bytes(let range): !range.isEmpty
    case .text(let text): !text.isEmpty
    }
  }

  func text(in arena: ByteBuffer) -> String {
    switch value {
    case .null: ""
    case .bytes(let range): arena.string(range)
    case .text(let text): text
    }
  }
}
