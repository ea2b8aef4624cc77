/// Counts line breaks the way the readers number lines: `\r\n`, `\n` and a lone `\r` each end
/// one line. It keeps its state across buffers, so a `\r\n` split between two counts once.
struct LineBreakCounter {
  /// Line breaks seen so far.
  private(set) var total = 0
  private var previousWasCarriageReturn = false

  private static let ones: UInt64 = 0x0101_0101_0101_0101
  private static let highBits: UInt64 = 0x8080_8080_8080_8080
  private static let lowBits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

  /// Adds the line breaks in `bytes`. Eight bytes are tested at a time, because this runs over
  /// every byte of a UTF-8 input.
  mutating func count(_ bytes: UnsafeRawBufferPointer) {
    let length = bytes.count
    var index = 0
    while index + 8 <= length {
      let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
      let lineFeeds = Self.positions(of: 0x0A, in: word)
      let carriageReturns = Self.positions(of: 0x0D, in: word)
      if lineFeeds | carriageReturns != 0 {
        // A CR LF inside the word, or a CR ending the previous word before an LF starting this
        // one, is one line break and not two.
        var pairs = ((carriageReturns << 8) & lineFeeds).nonzeroBitCount
        if previousWasCarriageReturn && lineFeeds & 0x80 != 0 { pairs += 1 }
        total += lineFeeds.nonzeroBitCount + carriageReturns.nonzeroBitCount - pairs
      }
      previousWasCarriageReturn = carriageReturns >> 63 != 0
      index += 8
    }
    while index < length {
      let byte = bytes[index]
      if byte == 0x0A {
        if !previousWasCarriageReturn { total += 1 }
      } else if byte == 0x0D {
        total += 1
      }
      previousWasCarriageReturn = byte == 0x0D
      index += 1
    }
  }

  /// Returns a word with the high bit set in each byte of `word` that equals `byte`, and no
  /// other bit set.
  @inline(__always)
  private static func positions(of byte: UInt8, in word: UInt64) -> UInt64 {
    let difference = word ^ (UInt64(byte) &* ones)
    // A byte of `difference` is zero exactly when adding 0x7F to its low seven bits leaves its
    // high bit clear and its own high bit is clear too.
    return ~(((difference & lowBits) &+ lowBits) | difference) & highBits
  }
}
