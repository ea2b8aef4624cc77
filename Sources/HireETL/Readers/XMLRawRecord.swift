/// One field value of a record read from XML, before it becomes a String.
enum XMLRawValue {
  /// The path selected nothing.
  case null
  /// UTF-8 text at this range of the record's arena.
  case bytes(Range<Int>)
  /// Text built while reading, such as joined values or an XPath result.
  case text(String)
}

/// A record read from XML whose text still lies in a byte arena. The parsing thread copies the
/// text out of libxml2's nodes into the arena, and the thread that uses the records makes the
/// Strings, so that allocating and freeing them happen on the same thread.
struct XMLRawRecord {
  var line: Int
  var number: Int
  var keys: [String]
  var values: [XMLRawValue]
  var problems: [RecordProblem]

  /// Makes the record that readers hand on: an object of field name to string, with null for
  /// a field whose path selected nothing.
  func sourceRecord(arena: ByteBuffer) -> SourceRecord {
    let strings = values.map { value -> JSONValue in
      switch value {
      case .null: .null
      case .bytes(let range): .string(arena.string(range))
      case .text(let text): .string(text)
      }
    }
    return SourceRecord(
      line: line, number: number, content: .object(JSONObject(keys: keys, values: strings)),
      problems: problems)
  }

  /// Copies the record's bytes from `arena` to the end of `target`.
  func moved(from arena: ByteBuffer, to target: ByteBuffer) -> XMLRawRecord {
    var copy = self
    copy.values = values.map { value in
      guard case .bytes(let range) = value else { return value }
      let start = target.count
      target.append(arena.bytes(range))
      return .bytes(start..<target.count)
    }
    return copy
  }

  /// Returns a field's text; nil when the field is absent or null.
  func text(of name: String, arena: ByteBuffer) -> String? {
    guard let index = keys.firstIndex(of: name) else { return nil }
    switch values[index] {
    case .null: return nil
    case .bytes(let range): return arena.string(range)
    case .text(let text): return text
    }
  }
}
