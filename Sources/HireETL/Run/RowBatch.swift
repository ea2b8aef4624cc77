/// A run of CSV rows copied out of the reader, and what a worker made of each: the JSON line, or
/// the problems that reject it. Batches are reused, so a row that passes allocates nothing.
final class RowBatch: @unchecked Sendable {
  /// The batch's place in the input; the main thread writes batches in this order.
  var sequence = 0
  var header: CSVHeader?

  /// The cells of every row, back to back.
  let bytes = ByteBuffer(capacity: 256 * 1024)
  /// The end offset in `bytes` of each cell of every row.
  private(set) var cellEnds: [Int] = []
  /// For each row: its first entry in `cellEnds` and the offset of its first byte.
  private var firstCells: [Int] = []
  private var firstBytes: [Int] = []
  private(set) var lines: [Int] = []
  private(set) var numbers: [Int] = []
  private(set) var readerProblems: [[RecordProblem]] = []

  /// Set by the reading thread on the last batch.
  var failure: ReaderFailure?
  var finished = false
  var statistics = ReaderStatistics()

  /// Filled by a worker: the JSON lines of the rows that passed, back to back.
  let encoded = ByteBuffer(capacity: 512 * 1024)
  /// The end offset in `encoded` of each row's line (the previous end for a rejected row).
  var encodedEnds: [Int] = []
  /// Each row's problems after mapping and validation, and how many came from mapping.
  var problems: [[RecordProblem]] = []
  var mappingProblemCounts: [Int] = []
  /// True when the worker found no problem in any row.
  var allPassed = true

  var count: Int { lines.count }

  func reset() {
    bytes.removeAll()
    cellEnds.removeAll(keepingCapacity: true)
    firstCells.removeAll(keepingCapacity: true)
    firstBytes.removeAll(keepingCapacity: true)
    lines.removeAll(keepingCapacity: true)
    numbers.removeAll(keepingCapacity: true)
    readerProblems.removeAll(keepingCapacity: true)
    failure = nil
    finished = false
    encoded.removeAll()
    encodedEnds.removeAll(keepingCapacity: true)
    problems.removeAll(keepingCapacity: true)
    mappingProblemCounts.removeAll(keepingCapacity: true)
    allPassed = true
  }

  /// Copies a CSV record into the batch.
  func append(_ record: SourceRecord) {
    guard case .cells(let cells) = record.content else { return }
    cells.bytes.withUnsafeBytes { row in
      appendRow(
        bytes: row, ends: cells.ends, header: cells.header, line: record.line,
        number: record.number, problems: record.problems)
    }
  }

  /// Records a row the parser already wrote to the end of `bytes`, starting at `start`, with
  /// `ends` relative to that start.
  func appendParsedRow(
    start: Int, ends: [Int], line: Int, number: Int, problems: [RecordProblem]
  ) {
    firstCells.append(cellEnds.count)
    firstBytes.append(start)
    for end in ends { cellEnds.append(start + end) }
    lines.append(line)
    numbers.append(number)
    readerProblems.append(problems)
  }

  /// Copies one row's cells (back to back, `ends` relative to `bytes`) into the batch.
  func appendRow(
    bytes row: UnsafeRawBufferPointer, ends: [Int], header: CSVHeader, line: Int, number: Int,
    problems: [RecordProblem]
  ) {
    if self.header !== header { self.header = header }
    let start = bytes.count
    bytes.append(row)
    appendParsedRow(start: start, ends: ends, line: line, number: number, problems: problems)
  }

  /// The row as pointers into `bytes` and `ends`, which must stay unchanged while it is used.
  func row(_ index: Int, ends: UnsafeBufferPointer<Int>) -> RowView {
    let first = firstCells[index]
    let next = index + 1 < count ? firstCells[index + 1] : cellEnds.count
    return RowView(
      bytes: UnsafeRawPointer(bytes.storage), ends: ends.baseAddress.map { $0 + first },
      count: next - first, firstStart: firstBytes[index])
  }

  /// Rebuilds the row as a record of its own, for the rejects file.
  func sourceRecord(_ index: Int) -> SourceRecord {
    let first = firstCells[index]
    let next = index + 1 < count ? firstCells[index + 1] : cellEnds.count
    let start = firstBytes[index]
    let end = next > first ? cellEnds[next - 1] : start
    let cells = CSVCells(
      header: header!, bytes: Array(bytes.bytes(start..<end)),
      ends: cellEnds[first..<next].map { $0 - start })
    return SourceRecord(
      line: lines[index], number: numbers[index], content: .cells(cells),
      problems: readerProblems[index])
  }
}
