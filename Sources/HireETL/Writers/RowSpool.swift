import Glibc

/// CSV rows kept in an unnamed temporary file until the header is final, for a CSV file whose
/// columns can grow while it is written. Each row is stored with its byte length and its number
/// of cells, so that rows written before a column was added can be padded when replayed.
final class RowSpool {
  private let path: String
  private let descriptor: Int32
  private var pending: [UInt8] = []

  /// Creates the temporary file in `folder` and unlinks it at once, so that the system frees it
  /// when the process ends, even after a crash.
  init(folder: String, for path: String) throws(WriterFailure) {
    self.path = path
    let name = folder + "/." + FileSystem.fileName(of: path) + ".rows-\(getpid())"
    let opened = open(name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard opened >= 0 else {
      throw WriterFailure(
        path: path,
        message: "creating a temporary file in its folder failed: \(SystemError.describe(errno))")
    }
    unlink(name)
    descriptor = opened
  }

  deinit { close(descriptor) }

  /// Stores one row: its CSV bytes without the line break, and its number of cells.
  func append(_ row: [UInt8], cells: Int) throws(WriterFailure) {
    Self.appendNumber(UInt32(row.count), to: &pending)
    Self.appendNumber(UInt32(cells), to: &pending)
    pending += row
    if pending.count >= 1 << 20 { try flush() }
  }

  /// Calls `body` with each stored row and its number of cells, in the order they came.
  func replay(_ body: ([UInt8], Int) throws(WriterFailure) -> Void) throws(WriterFailure) {
    try flush()
    guard lseek(descriptor, 0, SEEK_SET) == 0 else {
      throw WriterFailure(
        path: path, message: "rewinding its temporary file failed: \(SystemError.describe(errno))")
    }
    var data: [UInt8] = []
    var start = 0
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        throw WriterFailure(
          path: path, message: "reading its temporary file failed: \(SystemError.describe(errno))")
      }
      if count == 0 { break }
      data.removeFirst(start)
      start = 0
      data += chunk[..<count]
      while data.count - start >= 8 {
        let length = Int(Self.number(in: data, at: start))
        let cells = Int(Self.number(in: data, at: start + 4))
        guard data.count - start - 8 >= length else { break }
        try body(Array(data[(start + 8)..<(start + 8 + length)]), cells)
        start += 8 + length
      }
    }
  }

  private func flush() throws(WriterFailure) {
    var offset = 0
    while offset < pending.count {
      let written = pending.withUnsafeBytes {
        write(descriptor, $0.baseAddress! + offset, $0.count - offset)
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw WriterFailure(
          path: path, message: "writing its temporary file failed: \(SystemError.describe(errno))")
      }
      offset += written
    }
    pending.removeAll(keepingCapacity: true)
  }

  private static func appendNumber(_ number: UInt32, to bytes: inout [UInt8]) {
    for shift in stride(from: 0, to: 32, by: 8) {
      bytes.append(UInt8(truncatingIfNeeded: number >> shift))
    }
  }

  private static func number(in bytes: [UInt8], at index: Int) -> UInt32 {
    (0..<4).reduce(0) { $0 | UInt32(bytes[index + $1]) << ($1 * 8) }
  }
}
