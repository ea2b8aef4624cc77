import Glibc

/// A stream of raw input bytes, pulled a chunk at a time so memory stays flat.
public protocol ByteSource: AnyObject {
  /// Reads up to `buffer.count` bytes into `buffer`; returns 0 at the end of input.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int
  /// Total size in bytes when known (a regular file), for progress.
  var totalBytes: Int? { get }
  /// Returns a new source that reads the same input again from its start, or nil when the input
  /// cannot be read twice, as standard input cannot.
  func reopened() -> ByteSource?
}

extension ByteSource {
  public func reopened() -> ByteSource? { nil }
}

/// A failure to open or read an input file.
public struct InputError: Error, Equatable, Sendable {
  public var path: String
  public var message: String

  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }
}

/// Reads a file (or standard input for `-`) with plain `read(2)` calls.
public final class FileByteSource: ByteSource {
  private let descriptor: Int32
  private let ownsDescriptor: Bool
  public let path: String
  public let totalBytes: Int?

  public init(path: String) throws(InputError) {
    self.path = path
    if path == "-" {
      descriptor = STDIN_FILENO
      ownsDescriptor = false
      totalBytes = nil
      return
    }
    let opened = open(path, O_RDONLY | O_CLOEXEC)
    guard opened >= 0 else {
      throw InputError(path: path, message: "cannot open: \(SystemError.describe(errno))")
    }
    var info = stat()
    if fstat(opened, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
      close(opened)
      throw InputError(path: path, message: "is a folder, not a file")
    }
    descriptor = opened
    ownsDescriptor = true
    totalBytes = (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
  }

  public func reopened() -> ByteSource? {
    ownsDescriptor ? try? FileByteSource(path: path) : nil
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
    while true {
      let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
      if count >= 0 { return count }
      if errno == EINTR { continue }
      throw InputError(path: path, message: "read failed: \(SystemError.describe(errno))")
    }
  }
}

/// Serves bytes from memory in chunks of a fixed size; tests use it to feed input a few bytes
/// at a time.
public final class MemoryByteSource: ByteSource {
  private let bytes: [UInt8]
  private let chunkSize: Int
  private var position = 0
  public var totalBytes: Int? { bytes.count }

  public init(_ bytes: [UInt8], chunkSize: Int = 1 << 20) {
    self.bytes = bytes
    self.chunkSize = max(1, chunkSize)
  }

  public func reopened() -> ByteSource? { MemoryByteSource(bytes, chunkSize: chunkSize) }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
    let count = min(buffer.count, chunkSize, bytes.count - position)
    if count <= 0 { return 0 }
    bytes.withUnsafeBytes { source in
      buffer.baseAddress!.copyMemory(
        from: source.baseAddress! + position, byteCount: count)
    }
    position += count
    return count
  }
}

/// Turns `errno` values into readable text; the one place that calls `strerror`.
public enum SystemError {
  public static func describe(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
  }
}
