/// Settles the delimiter before parsing when the job file sets none: an Excel `sep=` first line
/// wins, then the `.tsv` extension, then sniffing the first lines.
enum CSVDialect {
  static let candidates: [UInt8] = [",", ";", "\t", "|"].map { UInt8(ascii: $0) }

  /// The delimiter named by an Excel `sep=X` first line, and the length of that line with its
  /// line break.
  static func excelSeparatorLine(_ bytes: UnsafeRawBufferPointer) -> (UInt8, Int)? {
    let marker = Array("sep=".utf8)
    guard bytes.count >= 5 else { return nil }
    for (index, byte) in marker.enumerated() where bytes[index] | 0x20 != byte | 0x20 {
      return nil
    }
    let separator = bytes[4]
    var length = 5
    if length < bytes.count && bytes[length] == UInt8(ascii: "\r") { length += 1 }
    if length < bytes.count && bytes[length] == UInt8(ascii: "\n") { length += 1 }
    let endsLine = length > 5 || length == bytes.count
    return endsLine && separator >= 0x20 ? (separator, length) : nil
  }

  /// Picks the candidate that splits the header line into the most fields and splits the lines
  /// after it the same way, or a comma when no candidate appears. The first `rowsAbove` rows,
  /// blank ones included, are above the header and left out.
  static func sniff(_ bytes: UnsafeRawBufferPointer, quote: UInt8, rowsAbove: Int) -> UInt8 {
    let lines = countPerLine(bytes, quote: quote, rowsAbove: rowsAbove, maxLines: 20)
    guard let header = lines.first else { return UInt8(ascii: ",") }
    var best = UInt8(ascii: ",")
    var bestScore = (0, 0)
    for (slot, candidate) in candidates.enumerated() where header[slot] > 0 {
      let agreeing = lines.dropFirst().filter { $0[slot] == header[slot] }.count
      let score = (agreeing, header[slot])
      if score > bestScore {
        bestScore = score
        best = candidate
      }
    }
    return best
  }

  /// Counts each candidate outside quotes, line by line.
  private static func countPerLine(
    _ bytes: UnsafeRawBufferPointer, quote: UInt8, rowsAbove: Int, maxLines: Int
  ) -> [[Int]] {
    var lines: [[Int]] = []
    var counts = [Int](repeating: 0, count: candidates.count)
    var inQuotes = false
    var lineHasText = false
    var rowsToSkip = rowsAbove
    var previousWasCarriageReturn = false
    for byte in bytes {
      if byte == quote {
        inQuotes.toggle()
      } else if !inQuotes && (byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")) {
        // The LF of a CRLF ends the same row as its CR.
        let endsRowAgain = byte == UInt8(ascii: "\n") && previousWasCarriageReturn
        previousWasCarriageReturn = byte == UInt8(ascii: "\r")
        if endsRowAgain { continue }
        if rowsToSkip > 0 {
          rowsToSkip -= 1
        } else if lineHasText {
          lines.append(counts)
        }
        if lines.count >= maxLines { return lines }
        counts = [Int](repeating: 0, count: candidates.count)
        lineHasText = false
        continue
      } else if !inQuotes, let slot = candidates.firstIndex(of: byte) {
        counts[slot] += 1
      }
      previousWasCarriageReturn = false
      lineHasText = true
    }
    // A last line without a line break counts only when it is all there is.
    if lineHasText && lines.isEmpty { lines.append(counts) }
    return lines
  }
}
