/// A run of CSV rows copied out of the reader, and what a worker made of each: the JSON line, or
/// the problems that reject it. Batches are reused, so a row that passes allocates nothing.
final class RowBatch: @unchecked Sendable {
  /// The batch's place in the input; the main thread writes batches in this order.
  var sequence = 0
  var header: CSVHeader?

  /// The cells of every row, back to back.
  let bytes = ByteBuffer(capacity: 256 * 1024)
  /// The end offset in `bytes` of each cell of every row.
  let cellEnds: IntBuffer
  /// For each row: its first entry in `cellEnds` and the offset of its first byte.
  private let firstCells: IntBuffer
  private let firstBytes: IntBuffer
  let lines: IntBuffer
  private let numbers: IntBuffer
  /// The reader's problems by row index. Most rows have none, so they take no entry.
  private var readerProblemsByRow: [Int: [RecordProblem]] = [:]

  /// Set by the reading thread on the last batch.
  var failure: ReaderFailure?
  var finished = false
  var statistics = ReaderStatistics()

  /// Filled by a worker: the JSON lines of the rows that passed, back to back.
  let encoded = ByteBuffer(capacity: 512 * 1024)
  /// The end offset in `encoded` of each row's line (the previous end for a rejected row).
  let encodedEnds: IntBuffer
  /// The problems of each rejected row after mapping and validation, by row index, and how many
  /// of them came from mapping.
  private var problemsByRow: [Int: (problems: [RecordProblem], mappingCount: Int)] = [:]
  /// True when the worker found no problem in any row.
  private(set) var allPassed = true

  var count: Int { lines.count }

  /// Sizes the per-row buffers for `rowCapacity` rows of up to eight cells. They grow for more.
  init(rowCapacity: Int) {
    cellEnds = IntBuffer(capacity: rowCapacity * 8)
    firstCells = IntBuffer(capacity: rowCapacity)
    firstBytes = IntBuffer(capacity: rowCapacity)
    lines = IntBuffer(capacity: rowCapacity)
    numbers = IntBuffer(capacity: rowCapacity)
    encodedEnds = IntBuffer(capacity: rowCapacity)
  }

  func reset() {
    bytes.removeAll()
    cellEnds.removeAll()
    firstCells.removeAll()
    firstBytes.removeAll()
    lines.removeAll()
    numbers.removeAll()
    if !readerProblemsByRow.isEmpty { readerProblemsByRow.removeAll(keepingCapacity: true) }
    failure = nil
    finished = false
    encoded.removeAll()
    encodedEnds.removeAll()
    if !problemsByRow.isEmpty { problemsByRow.removeAll(keepingCapacity: true) }
    allPassed = true
  }

  /// Copies a CSV record into the batch.
  func append(_ record: SourceRecord) {
    guard case .cells(let cells) = record.content else { return }
    if header !== cells.header { header = cells.header }
    let start = bytes.count
    cells.bytes.withUnsafeBytes { bytes.append($0) }
    setReaderProblems(record.problems, ofRow: count)
    appendRowInfo(start: start, line: record.line, number: record.number)
    for end in cells.ends { cellEnds.append(start + end) }
  }

  /// Records a row the parser already wrote to the end of `bytes`, starting at `start`, with
  /// `ends` relative to that start.
  func appendParsedRow(start: Int, ends: IntBuffer, line: Int, number: Int) {
    appendRowInfo(start: start, line: line, number: number)
    for index in 0..<ends.count { cellEnds.append(start + ends[index]) }
  }

  private func appendRowInfo(start: Int, line: Int, number: Int) {
    firstCells.append(cellEnds.count)
    firstBytes.append(start)
    lines.append(line)
    numbers.append(number)
  }

  /// Records the reader's problems with a row.
  func setReaderProblems(_ problems: [RecordProblem], ofRow index: Int) {
    if !problems.isEmpty { readerProblemsByRow[index] = problems }
  }

  /// Returns the reader's problems with a row, empty for most rows.
  func readerProblems(_ index: Int) -> [RecordProblem] {
    readerProblemsByRow.isEmpty ? [] : readerProblemsByRow[index] ?? []
  }

  /// Records the problems that reject a row, after the worker mapped and validated it.
  func reject(_ index: Int, problems: [RecordProblem], mappingCount: Int) {
    problemsByRow[index] = (problems, mappingCount)
    allPassed = false
  }

  /// Returns a row's problems after mapping and validation, empty when it passed.
  func problems(_ index: Int) -> [RecordProblem] {
    problemsByRow.isEmpty ? [] : problemsByRow[index]?.problems ?? []
  }

  /// Returns how many of a row's problems came from mapping, which come before any others.
  func mappingProblemCount(_ index: Int) -> Int {
    problemsByRow.isEmpty ? 0 : problemsByRow[index]?.mappingCount ?? 0
  }

  /// The row as pointers into `bytes` and `cellEnds`, which must stay unchanged while it is
  /// used.
  func row(_ index: Int) -> RowView {
    let first = firstCells[index]
    let next = index + 1 < count ? firstCells[index + 1] : cellEnds.count
    return RowView(
      bytes: UnsafeRawPointer(bytes.storage), ends: UnsafePointer(cellEnds.storage + first),
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
      ends: (first..<next).map { cellEnds[$0] - start })
    return SourceRecord(
      line: lines[index], number: numbers[index], content: .cells(cells),
      problems: readerProblems(index))
  }
}
