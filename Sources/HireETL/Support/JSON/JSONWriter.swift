/// Compact JSON output appended to a byte buffer.
///
/// Strings escape `"`, `\`, control characters, U+2028 and U+2029, so each output line is also
/// valid JavaScript. All other text passes through as UTF-8.
public struct JSONWriter {
  /// Appends `s` as a quoted, escaped JSON string.
  public static func appendString(_ s: String, to out: inout [UInt8]) {
    var text = s
    text.withUTF8 { appendString(UnsafeRawBufferPointer($0), to: &out) }
  }

  /// Appends UTF-8 bytes as a quoted, escaped JSON string.
  ///
  /// The bytes must already be valid UTF-8 because they are copied without checking.
  public static func appendString(_ utf8: UnsafeRawBufferPointer, to out: inout [UInt8]) {
    out.append(ASCII.quote)
    utf8.withMemoryRebound(to: UInt8.self) { bytes in
      let count = bytes.count
      var runStart = 0
      var index = 0
      while index < count {
        let byte = bytes[index]
        // Most bytes need no escape, so one combined test keeps this loop tight.
        if byte >= 0x20 && byte != ASCII.quote && byte != ASCII.backslash && byte != 0xE2 {
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
          out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
          appendEscapedScalar(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029, to: &out)
          index += 3
          runStart = index
          continue
        }

        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        appendEscape(byte, to: &out)
        index += 1
        runStart = index
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<count]))
    }
    out.append(ASCII.quote)
  }

  /// Appends `v` as compact JSON with object members in their stored order.
  ///
  /// Numbers are written as their literal text without checking that it is a valid JSON number.
  /// Nesting is walked with an explicit stack, so depth is limited by memory, not the call stack.
  public static func appendValue(_ v: JSONValue, to out: inout [UInt8]) {
    var openContainers: [OpenContainer] = []
    var next = v
    while true {
      switch next {
      case .array(let elements) where !elements.isEmpty:
        out.append(ASCII.openBracket)
        openContainers.append(OpenContainer(keys: nil, values: elements))
      case .object(let object) where object.count > 0:
        out.append(ASCII.openBrace)
        openContainers.append(OpenContainer(keys: object.keys, values: object.values))
      default:
        appendScalarOrEmpty(next, to: &out)
      }

      // Find the next member to write, closing every container that has none left.
      var found = false
      while let top = openContainers.last {
        let index = top.nextIndex
        guard index < top.values.count else {
          out.append(top.keys == nil ? ASCII.closeBracket : ASCII.closeBrace)
          openContainers.removeLast()
          continue
        }
        if index > 0 {
          out.append(ASCII.comma)
        }
        if let keys = top.keys {
          appendString(keys[index], to: &out)
          out.append(ASCII.colon)
        }
        openContainers[openContainers.count - 1].nextIndex = index + 1
        next = top.values[index]
        found = true
        break
      }
      if !found {
        return
      }
    }
  }

  /// An array or object that `appendValue` has opened but not yet closed.
  private struct OpenContainer {
    /// The object's keys, or nil for an array.
    var keys: [String]?
    var values: [JSONValue]
    var nextIndex = 0
  }

  /// Appends a value that is not a non-empty array or object.
  private static func appendScalarOrEmpty(_ value: JSONValue, to out: inout [UInt8]) {
    switch value {
    case .null:
      out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])  // null
    case .bool(true):
      out.append(contentsOf: [0x74, 0x72, 0x75, 0x65])  // true
    case .bool(false):
      out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])  // false
    case .number(let literal):
      out.append(contentsOf: literal.utf8)
    case .string(let text):
      appendString(text, to: &out)
    case .array:
      out.append(contentsOf: [ASCII.openBracket, ASCII.closeBracket])
    case .object:
      out.append(contentsOf: [ASCII.openBrace, ASCII.closeBrace])
    }
  }

  /// Appends the two-character escape for `byte`, or `\u00XX` when it has none.
  private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
    let letter: UInt8
    switch byte {
    case ASCII.quote: letter = ASCII.quote
    case ASCII.backslash: letter = ASCII.backslash
    case ASCII.lineFeed: letter = 0x6E  // n
    case ASCII.carriageReturn: letter = 0x72  // r
    case ASCII.tab: letter = 0x74  // t
    case 0x08: letter = 0x62  // b
    case 0x0C: letter = 0x66  // f
    default:
      appendEscapedScalar(UInt16(byte), to: &out)
      return
    }
    out.append(ASCII.backslash)
    out.append(letter)
  }

  /// Appends `\uXXXX` with lowercase hex digits.
  private static func appendEscapedScalar(_ codeUnit: UInt16, to out: inout [UInt8]) {
    out.append(ASCII.backslash)
    out.append(0x75)  // u
    for shift in stride(from: 12, through: 0, by: -4) {
      let digit = UInt8(truncatingIfNeeded: codeUnit >> UInt16(shift)) & 0x0F
      out.append(digit < 10 ? ASCII.zero + digit : 0x61 + digit - 10)
    }
  }
}
