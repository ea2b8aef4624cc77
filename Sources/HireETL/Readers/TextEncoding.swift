/// The character encodings an input file can be read in. Everything is turned into UTF-8 before
/// a reader parses it.
public enum TextEncoding: String, Sendable, CaseIterable {
  /// UTF-8, or UTF-16 when the file starts with a UTF-16 byte order mark; invalid UTF-8 switches
  /// the rest of the file to Windows-1252 and the report says so.
  case auto
  case utf8 = "utf-8"
  /// UTF-16 with the byte order taken from the byte order mark. Without one, the byte order is
  /// guessed from where the NUL bytes of the first 256 bytes fall, little-endian when unclear.
  case utf16 = "utf-16"
  case utf16LE = "utf-16le"
  case utf16BE = "utf-16be"
  case windows1252 = "windows-1252"
  case latin1 = "latin-1"

  /// Accepts the common spellings ("UTF8", "cp1252", "iso-8859-1") as well as the canonical ones.
  public init?(name: String) {
    let folded = name.lowercased().filter { $0 != "-" && $0 != "_" }
    switch folded {
    case "auto": self = .auto
    case "utf8": self = .utf8
    case "utf16": self = .utf16
    case "utf16le": self = .utf16LE
    case "utf16be": self = .utf16BE
    case "windows1252", "cp1252": self = .windows1252
    case "latin1", "iso88591": self = .latin1
    default: return nil
    }
  }
}

/// Finds where valid UTF-8 ends in a buffer.
enum UTF8Validation {
  /// The outcome of scanning a buffer.
  enum Outcome: Equatable {
    /// Every byte is valid UTF-8.
    case valid
    /// The buffer ends inside a sequence that starts at this index; more bytes may complete it.
    case incomplete(at: Int)
    /// The sequence starting at this index is invalid.
    case invalid(at: Int)
  }

  static func scan(_ bytes: UnsafeRawBufferPointer) -> Outcome {
    let count = bytes.count
    var index = 0
    while index < count {
      // ASCII runs are the common case: test eight bytes at a time.
      while index + 8 <= count {
        let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        if word & 0x8080_8080_8080_8080 != 0 { break }
        index += 8
      }
      if index >= count { break }
      let lead = bytes[index]
      if lead < 0x80 {
        index += 1
        continue
      }
      let length: Int
      var lower: UInt8 = 0x80
      var upper: UInt8 = 0xBF
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0: length = 3; lower = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED: length = 3; upper = 0x9F
      case 0xF0: length = 4; lower = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4: length = 4; upper = 0x8F
      default: return .invalid(at: index)
      }
      for offset in 1..<length {
        guard index + offset < count else { return .incomplete(at: index) }
        let byte = bytes[index + offset]
        let (low, high) = offset == 1 ? (lower, upper) : (UInt8(0x80), UInt8(0xBF))
        if byte < low || byte > high { return .invalid(at: index) }
      }
      index += length
    }
    return .valid
  }
}

/// Code points for Windows-1252 bytes 0x80...0x9F; the five undefined bytes map to the C1
/// control of the same value, as the WHATWG Encoding Standard does.
private let windows1252High: [UInt32] = [
  0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
  0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
]

/// Appends the UTF-8 form of one code point.
@inline(__always)
func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
  switch scalar {
  case 0..<0x80:
    out.append(UInt8(scalar))
  case 0x80..<0x800:
    out.append(UInt8(0xC0 | (scalar >> 6)))
    out.append(UInt8(0x80 | (scalar & 0x3F)))
  case 0x800..<0x10000:
    out.append(UInt8(0xE0 | (scalar >> 12)))
    out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
    out.append(UInt8(0x80 | (scalar & 0x3F)))
  default:
    out.append(UInt8(0xF0 | (scalar >> 18)))
    out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
    out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
    out.append(UInt8(0x80 | (scalar & 0x3F)))
  }
}

/// Appends single-byte text (Windows-1252 or Latin-1) as UTF-8.
func appendSingleByteText(
  _ bytes: UnsafeRawBufferPointer, windows1252: Bool, to out: inout [UInt8]
) {
  for byte in bytes {
    if byte < 0x80 {
      out.append(byte)
    } else if windows1252 && byte < 0xA0 {
      appendUTF8(windows1252High[Int(byte - 0x80)], to: &out)
    } else {
      appendUTF8(UInt32(byte), to: &out)
    }
  }
}

/// Guesses the byte order of UTF-16 text that has no byte order mark, from where its NUL bytes
/// fall: text in Latin script has a NUL in the high half of most code units.
enum UTF16Guess {
  enum ByteOrder {
    case littleEndian, bigEndian
  }

  /// Returns the byte order in which the first four bytes are two ASCII characters, each a NUL
  /// byte and a non-NUL byte. Returns nil for any other start.
  static func startingPattern(_ bytes: UnsafeRawBufferPointer) -> ByteOrder? {
    guard bytes.count >= 4 else { return nil }
    if bytes[0] != 0 && bytes[1] == 0 && bytes[2] != 0 && bytes[3] == 0 { return .littleEndian }
    if bytes[0] == 0 && bytes[1] != 0 && bytes[2] == 0 && bytes[3] != 0 { return .bigEndian }
    return nil
  }

  /// Returns the starting pattern's byte order, or else big-endian when more NUL bytes sit at
  /// even offsets than at odd ones, or else little-endian.
  static func byteOrder(_ bytes: UnsafeRawBufferPointer) -> ByteOrder {
    if let order = startingPattern(bytes) { return order }
    var evenNULs = 0
    var oddNULs = 0
    for (index, byte) in bytes.enumerated() where byte == 0 {
      if index % 2 == 0 { evenNULs += 1 } else { oddNULs += 1 }
    }
    return evenNULs > oddNULs ? .bigEndian : .littleEndian
  }
}
