/// Compact JSON output appended to a byte buffer.
///
/// Strings escape `"`, `\`, control characters, U+2028 and U+2029, so each output line is also
/// valid JavaScript. All other text passes through as UTF-8.
public struct JSONWriter {
  /// Appends `s` as a quoted, escaped JSON string.
  public static func appendString(_ s: String, to out: inout [UInt8]) {
    let appended: Void? = s.utf8.withContiguousStorageIfAvailable { utf8 in
      appendString(UnsafeRawBufferPointer(utf8), to: &out)
    }
    if appended == nil {
      Array(s.utf8).withUnsafeBytes { appendString($0, to: &out) }
    }
  }

  /// Appends UTF-8 bytes as a quoted, escaped JSON string.
  ///
  /// The bytes must already be valid UTF-8 because they are copied without checking.
  public static func appendString<Sink: ByteSink>(
    _ utf8: UnsafeRawBufferPointer, to out: inout Sink
  ) {
    out.appendByte(JSONByte.quote)
    appendEscaped(utf8, to: &out)
    out.appendByte(JSONByte.quote)
  }

  /// Appends UTF-8 bytes escaped for the inside of a JSON string, without the quotes.
  static func appendEscaped<Sink: ByteSink>(_ utf8: UnsafeRawBufferPointer, to out: inout Sink) {
    utf8.withMemoryRebound(to: UInt8.self) { bytes in
      let count = bytes.count
      var runStart = 0
      var index = 0
      while index < count {
        // Skip eight bytes at a time while none of them may need an escape.
        if index + 8 <= count {
          let word = JSONByteWord.load(bytes.baseAddress! + index)
          let candidates = JSONByteWord.marksEscapeCandidates(word)
          if candidates == 0 {
            index += 8
            continue
          }
          index += JSONByteWord.bytesBeforeFirstMark(candidates)
        }

        let byte = bytes[index]
        if byte >= 0x20 && byte != JSONByte.quote && byte != JSONByte.backslash && byte != 0xE2 {
          index += 1
          continue
        }

        // U+2028 is E2 80 A8 and U+2029 is E2 80 A9 in UTF-8.
        if byte == 0xE2 {
          guard index + 2 < count, bytes[index + 1] == 0x80,
            bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9
          else {
            index += 1
            continue
          }
          out.appendBytes(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
          appendEscapedScalar(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029, to: &out)
          index += 3
          runStart = index
          continue
        }

        out.appendBytes(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        appendEscape(byte, to: &out)
        index += 1
        runStart = index
      }
      out.appendBytes(UnsafeBufferPointer(rebasing: bytes[runStart..<count]))
    }
  }

  /// Appends `v` as compact JSON with object members in their stored order.
  ///
  /// Numbers are written as their literal text without checking that it is a valid JSON number.
  /// Nesting is walked with an explicit stack, so depth is limited by memory, not the call stack.
  public static func appendValue(_ v: JSONValue, to out: inout [UInt8]) {
    var current: OpenContainer
    switch v {
    case .array(let elements) where !elements.isEmpty:
      out.append(JSONByte.openBracket)
      current = OpenContainer(isObject: false, keys: [], values: elements)
    case .object(let object) where object.count > 0:
      out.append(JSONByte.openBrace)
      current = OpenContainer(isObject: true, keys: object.keys, values: object.values)
    default:
      appendScalarOrEmpty(v, to: &out)
      return
    }

    // Containers whose remaining members wait until a nested container is written.
    var suspended: [OpenContainer] = []
    while true {
      while current.nextIndex < current.values.count {
        let index = current.nextIndex
        current.nextIndex += 1
        if index > 0 {
          out.append(JSONByte.comma)
        }
        if current.isObject {
          appendString(current.keys[index], to: &out)
          out.append(JSONByte.colon)
        }

        switch current.values[index] {
        case .array(let elements) where !elements.isEmpty:
          out.append(JSONByte.openBracket)
          suspended.append(current)
          current = OpenContainer(isObject: false, keys: [], values: elements)
        case .object(let object) where object.count > 0:
          out.append(JSONByte.openBrace)
          suspended.append(current)
          current = OpenContainer(isObject: true, keys: object.keys, values: object.values)
        default:
          appendScalarOrEmpty(current.values[index], to: &out)
        }
      }

      out.append(current.isObject ? JSONByte.closeBrace : JSONByte.closeBracket)
      guard let parent = suspended.popLast() else {
        return
      }
      current = parent
    }
  }

  /// An array or object that `appendValue` has opened but not yet closed.
  private struct OpenContainer {
    var isObject: Bool
    /// The object's keys, or empty for an array.
    var keys: [String]
    var values: [JSONValue]
    var nextIndex = 0
  }

  /// Appends a value that is not a non-empty array or object.
  private static func appendScalarOrEmpty(_ value: JSONValue, to out: inout [UInt8]) {
    switch value {
    case .null:
      out.append(contentsOf: "null".utf8)
    case .bool(true):
      out.append(contentsOf: "true".utf8)
    case .bool(false):
      out.append(contentsOf: "false".utf8)
    case .number(let literal):
      out.append(contentsOf: literal.utf8)
    case .string(let text):
      appendString(text, to: &out)
    case .array:
      out.append(contentsOf: [JSONByte.openBracket, JSONByte.closeBracket])
    case .object:
      out.append(contentsOf: [JSONByte.openBrace, JSONByte.closeBrace])
    }
  }

  /// Appends the two-character escape for `byte`, or `\u00XX` when it has none.
  private static func appendEscape<Sink: ByteSink>(_ byte: UInt8, to out: inout Sink) {
    let letter: UInt8
    switch byte {
    case JSONByte.quote: letter = JSONByte.quote
    case JSONByte.backslash: letter = JSONByte.backslash
    case JSONByte.lineFeed: letter = 0x6E  // n
    case JSONByte.carriageReturn: letter = 0x72  // r
    case JSONByte.tab: letter = 0x74  // t
    case 0x08: letter = 0x62  // b
    case 0x0C: letter = 0x66  // f
    default:
      appendEscapedScalar(UInt16(byte), to: &out)
      return
    }
    out.appendByte(JSONByte.backslash)
    out.appendByte(letter)
  }

  /// Appends `\uXXXX` with lowercase hex digits.
  private static func appendEscapedScalar<Sink: ByteSink>(_ codeUnit: UInt16, to out: inout Sink) {
    out.appendByte(JSONByte.backslash)
    out.appendByte(0x75)  // u
    for shift in stride(from: 12, through: 0, by: -4) {
      let digit = UInt8(truncatingIfNeeded: codeUnit >> UInt16(shift)) & 0x0F
      out.appendByte(digit < 10 ? JSONByte.zero + digit : 0x61 + digit - 10)
    }
  }
}

/// A place JSON text can be appended to: a byte array, or a `ByteBuffer` on the hot path.
public protocol ByteSink {
  mutating func appendByte(_ byte: UInt8)
  mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: ByteSink where Element == UInt8 {
  @inline(__always)
  public mutating func appendByte(_ byte: UInt8) { append(byte) }

  @inline(__always)
  public mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
    append(contentsOf: bytes)
  }
}

extension ByteBuffer: ByteSink {
  @inline(__always)
  public func appendByte(_ byte: UInt8) { append(byte) }

  @inline(__always)
  public func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let base = bytes.baseAddress else { return }
    append(UnsafeRawPointer(base), count: bytes.count)
  }
}

extension ByteBuffer {
  /// Appends UTF-8 bytes as a quoted, escaped JSON string, byte for byte as
  /// `JSONWriter.appendString` writes it.
  ///
  /// Bytes that need no escape go straight into storage, eight at a time, with no `memcpy`
  /// call, because for short fields such as names the call costs more than the copy. At the
  /// first byte that may need an escape, the general loop takes the rest.
  @inline(__always)
  func appendJSONString(_ utf8: UnsafeRawBufferPointer) {
    let length = utf8.count
    guard let source = utf8.baseAddress else {
      append(JSONByte.quote)
      append(JSONByte.quote)
      return
    }
    // Room for the quotes and every byte unescaped, so the stores below stay inside storage.
    reserve(length + 2)
    let target = UnsafeMutableRawPointer(storage + count)
    target.storeBytes(of: JSONByte.quote, as: UInt8.self)
    let clean = Self.copyUnescaped(from: source, count: length, to: target + 1)
    if clean == length {
      (target + 1 + length).storeBytes(of: JSONByte.quote, as: UInt8.self)
      advanceCount(by: length + 2)
      return
    }
    advanceCount(by: 1 + clean)
    var sink = self
    JSONWriter.appendEscaped(UnsafeRawBufferPointer(rebasing: utf8[clean...]), to: &sink)
    append(JSONByte.quote)
  }

  /// Copies bytes from `source` to `target` up to the first one that may need a JSON escape,
  /// and returns how many it copied. `target` must have room for `count` bytes.
  @inline(__always)
  private static func copyUnescaped(
    from source: UnsafeRawPointer, count: Int, to target: UnsafeMutableRawPointer
  ) -> Int {
    var index = 0
    if count >= 8 {
      while index + 8 <= count {
        let word = source.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        if JSONByteWord.marksEscapeCandidates(UInt64(littleEndian: word)) != 0 { return index }
        target.storeBytes(of: word, toByteOffset: index, as: UInt64.self)
        index += 8
      }
      if index == count { return count }
      // The last eight bytes as one word, overlapping bytes already copied.
      let last = count - 8
      let word = source.loadUnaligned(fromByteOffset: last, as: UInt64.self)
      if JSONByteWord.marksEscapeCandidates(UInt64(littleEndian: word)) == 0 {
        target.storeBytes(of: word, toByteOffset: last, as: UInt64.self)
        return count
      }
    } else if count >= 4 {
      // The first and the last four bytes, which overlap for fewer than eight, tested as one
      // word.
      let head = source.loadUnaligned(as: UInt32.self)
      let tail = source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
      let word = UInt64(UInt32(littleEndian: head)) | UInt64(UInt32(littleEndian: tail)) << 32
      if JSONByteWord.marksEscapeCandidates(word) == 0 {
        target.storeBytes(of: head, as: UInt32.self)
        target.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        return count
      }
    }
    while index < count {
      let byte = source.load(fromByteOffset: index, as: UInt8.self)
      if byte < 0x20 || byte == JSONByte.quote || byte == JSONByte.backslash || byte == 0xE2 {
        break
      }
      target.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
      index += 1
    }
    return index
  }
}
