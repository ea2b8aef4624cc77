@testable import HireETL
import Testing

@Test func csvSmoke() throws {
  let text = "a,b\r\n1,\"x\ny\"\r\n\r\n3,4"
  for size in [1, 2, 3, 1000] {
    let reader = CSVReader(source: MemoryByteSource(Array(text.utf8), chunkSize: size), path: "t.csv", options: CSVOptions())
    var rows: [[String]] = []
    var lines: [Int] = []
    while let record = try reader.next() {
      guard case .cells(let cells) = record.content else { continue }
      rows.append((0..<cells.count).map { cells.string($0) })
      lines.append(record.line)
    }
    #expect(rows == [["1", "x\ny"], ["3", "4"]])
    #expect(lines == [2, 5])
    #expect(reader.statistics.blankSkipped == 1)
  }
}
