import Glibc

/// A failure to write an output, rejects or report file.
public struct WriterFailure: Error, Equatable, Sendable, CustomStringConvertible {
  public var path: String
  public var message: String

  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }

  public var description: String { "\(path): \(message)" }
}

/// A file written aside and renamed into place on `commit()`, so it appears whole or not at all.
/// `-` writes to standard output instead, as the bytes come.
public final class OutputFile {
  public let path: String
  private let temporaryPath: String?
  private let descriptor: Int32
  private let buffer = ByteBuffer(capacity: 1 << 20)
  private var closed = false
  /// Folders this file created on its way, removed again if the file is discarded.
  private var createdFolders: [String] = []
  public private(set) var bytesWritten = 0
  private var writebackStarted = 0

  /// Creates the folders on the way and the file aside; `mode` is the final file's permission
  /// bits (0600 for files holding personal data).
  public init(path: String, mode: mode_t = 0o644) throws(WriterFailure) {
    self.path = path
    if path == "-" {
      temporaryPath = nil
      descriptor = STDOUT_FILENO
      return
    }
    let created = try FileSystem.createParentFolders(of: path)
    let aside =
      FileSystem.folder(of: path) + "/." + FileSystem.fileName(of: path)
      + ".part-\(getpid())"
    let opened = open(aside, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard opened >= 0 else {
      let reason = SystemError.describe(errno)
      FileSystem.removeEmptyFolders(created)
      throw WriterFailure(path: path, message: "cannot create: \(reason)")
    }
    createdFolders = created
    // The umask narrows ordinary outputs; a mode that keeps others out is set whatever the umask.
    if mode & 0o077 == 0 { fchmod(opened, mode) }
    temporaryPath = aside
    descriptor = opened
  }

  deinit {
    discard()
  }

  public func write(_ bytes: UnsafeRawBufferPointer) throws(WriterFailure) {
    // A large block, such as a batch of encoded lines, goes out without the copy into the
    // buffer, after whatever the buffer holds.
    if bytes.count >= Self.directWriteBytes {
      try flush()
      try writeAll(bytes)
      bytesWritten += bytes.count
      startWriteback()
      return
    }
    buffer.append(bytes)
    if buffer.count >= 1 << 20 { try flush() }
  }

  /// The size from which `write(_:)` skips the buffer, an estimate of where one more `write`
  /// call costs less than copying the block.
  private static let directWriteBytes = 64 << 10

  public func write(_ bytes: [UInt8]) throws(WriterFailure) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 1 << 20 { try flush() }
  }

  /// Lets `body` append straight into the write buffer, then writes it out once it is full.
  @inline(__always)
  public func append(_ body: (ByteBuffer) -> Void) throws(WriterFailure) {
    body(buffer)
    if buffer.count >= 1 << 20 { try flush() }
  }

  public func write(_ text: String) throws(WriterFailure) {
    try write(Array(text.utf8))
  }

  private func flush() throws(WriterFailure) {
    try writeAll(buffer.allBytes)
    bytesWritten += buffer.count
    buffer.removeAll()
    startWriteback()
  }

  private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(WriterFailure) {
    guard let base = bytes.baseAddress else { return }
    var offset = 0
    while offset < bytes.count {
      let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        throw WriterFailure(path: path, message: "write failed: \(SystemError.describe(errno))")
      }
      offset += written
    }
  }

  /// Asks the kernel to start writing out what has piled up, every 8 MiB, so the `fsync` in
  /// `commit()` has little left to wait for. On Linux, POSIX_FADV_DONTNEED starts writeback of
  /// dirty pages without waiting for it.
  private func startWriteback() {
    let step = 8 << 20
    guard temporaryPath != nil, bytesWritten - writebackStarted >= step else { return }
    posix_fadvise(
      descriptor, off_t(writebackStarted), off_t(bytesWritten - writebackStarted),
      POSIX_FADV_DONTNEED)
    writebackStarted = bytesWritten
  }

  /// Flushes, syncs and renames the file into place.
  public func commit() throws(WriterFailure) {
    try flush()
    guard let temporaryPath, !closed else { return }
    closed = true
    if fsync(descriptor) != 0 {
      let reason = SystemError.describe(errno)
      close(descriptor)
      unlink(temporaryPath)
      throw WriterFailure(path: path, message: "sync failed: \(reason)")
    }
    close(descriptor)
    guard rename(temporaryPath, path) == 0 else {
      let reason = SystemError.describe(errno)
      unlink(temporaryPath)
      throw WriterFailure(path: path, message: "rename into place failed: \(reason)")
    }
    FileSystem.syncFolder(of: path)
  }

  /// Drops the file written aside; the final path is left untouched.
  public func discard() {
    guard let temporaryPath, !closed else { return }
    closed = true
    close(descriptor)
    unlink(temporaryPath)
    FileSystem.removeEmptyFolders(createdFolders)
  }
}

/// Path helpers over the POSIX calls.
public enum FileSystem {
  public static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  public static func fileName(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }

  /// Resolves `path` against `folder` unless it is absolute or `-`.
  public static func resolve(_ path: String, against folder: String) -> String {
    if path.hasPrefix("/") || path == "-" { return path }
    if folder == "." || folder.isEmpty { return path }
    return folder + "/" + path
  }

  /// Drops `.` parts and folds `name/..` pairs, for showing a path to people; the path that is
  /// opened stays as written, because folding is wrong across a symbolic link.
  public static func tidy(_ path: String) -> String {
    let absolute = path.hasPrefix("/")
    var parts: [Substring] = []
    for part in path.split(separator: "/") where part != "." {
      if part == "..", let last = parts.last, last != ".." {
        parts.removeLast()
      } else if !(part == ".." && absolute && parts.isEmpty) {
        parts.append(part)
      }
    }
    let joined = parts.joined(separator: "/")
    if absolute { return "/" + joined }
    return joined.isEmpty ? "." : joined
  }

  public static func exists(_ path: String) -> Bool {
    access(path, F_OK) == 0
  }

  /// Creates the folders a file needs; returns the ones that did not exist, outermost first.
  @discardableResult
  public static func createParentFolders(of path: String) throws(WriterFailure) -> [String] {
    try createFolders(folder(of: path), for: path)
  }

  @discardableResult
  public static func createFolders(_ folder: String, for path: String) throws(WriterFailure)
    -> [String]
  {
    var current = folder.hasPrefix("/") ? "" : "."
    var created: [String] = []
    for part in folder.split(separator: "/") {
      current += "/" + part
      if mkdir(current, 0o755) == 0 {
        created.append(current)
      } else if errno != EEXIST {
        let reason = SystemError.describe(errno)
        removeEmptyFolders(created)
        throw WriterFailure(path: path, message: "cannot create the folder \(current): \(reason)")
      }
    }
    return created
  }

  /// Removes folders, innermost first, as long as they are empty.
  static func removeEmptyFolders(_ folders: [String]) {
    for folder in folders.reversed() where rmdir(folder) != 0 { return }
  }

  static func syncFolder(of path: String) {
    let descriptor = open(folder(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if descriptor >= 0 {
      fsync(descriptor)
      close(descriptor)
    }
  }

  public static func remove(_ path: String) {
    unlink(path)
  }
}
