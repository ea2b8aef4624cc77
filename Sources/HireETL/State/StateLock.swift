import Glibc

/// An exclusive flock(2) on `<state file>.lock`, held from opening a store until it is closed,
/// so that two runs of one job cannot write the same state. The kernel drops the lock when the
/// process exits, even by a crash, so a stale lock never blocks the next run. The file holds the
/// holder's process ID for the error message, and stays behind after the lock is released.
final class StateLock {
  let path: String
  private let descriptor: Int32

  init(statePath: String) throws(StateError) {
    path = statePath + ".lock"
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw .lockFailed(
        path: statePath, reason: "cannot open \(path): \(SystemError.describe(errno))")
    }
    // flock locks belong to the open file description, so a second open in this process is
    // refused too.
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      let code = errno
      let holder = Self.readProcessID(descriptor)
      close(descriptor)
      if code == EWOULDBLOCK {
        throw .locked(path: statePath, holderProcessID: holder)
      }
      throw .lockFailed(path: statePath, reason: SystemError.describe(code))
    }
    self.descriptor = descriptor
    writeProcessID()
  }

  deinit {
    close(descriptor)
  }

  private func writeProcessID() {
    let text = Array("\(getpid())\n".utf8)
    guard ftruncate(descriptor, 0) == 0 else { return }
    _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
  }

  private static func readProcessID(_ descriptor: Int32) -> Int? {
    var buffer = [UInt8](repeating: 0, count: 32)
    let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
    guard count > 0 else { return nil }
    return Int(String(decoding: buffer[..<count], as: UTF8.self).trimmingSpaces())
  }
}
