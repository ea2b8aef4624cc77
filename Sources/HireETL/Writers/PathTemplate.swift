import Glibc

/// Expands `{date}`, `{time}`, `{step}` and `{run}` in an output path. Date and time are UTC:
/// `{date}` is 2026-12-04 and `{time}` is 211530.
public enum PathTemplate {
  public static func expand(_ path: String, step: String, run: RunIdentity) -> String {
    path.replacingAll("{date}", with: run.date)
      .replacingAll("{time}", with: run.time)
      .replacingAll("{step}", with: step)
      .replacingAll("{run}", with: run.id)
  }
}

/// When a run started and the id that names it in reports and file names.
public struct RunIdentity: Sendable {
  public var id: String
  public var date: String
  public var time: String
  /// Seconds since 1970, UTC.
  public var startedAt: Double

  public static func now() -> RunIdentity {
    var clock = timespec()
    clock_gettime(CLOCK_REALTIME, &clock)
    var seconds = clock.tv_sec
    var parts = tm()
    gmtime_r(&seconds, &parts)
    let date = String(
      format4: Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
    let time = pad(Int(parts.tm_hour)) + pad(Int(parts.tm_min)) + pad(Int(parts.tm_sec))
    let suffix = String(UInt32(truncatingIfNeeded: clock.tv_nsec) % 0x10000, radix: 16)
    let id = date.replacingAll("-", with: "") + "T" + time + "Z-" + suffix
    return RunIdentity(
      id: id, date: date, time: time,
      startedAt: Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9)
  }

  /// Formats seconds since 1970 as an ISO 8601 UTC timestamp.
  public static func timestamp(_ seconds: Double) -> String {
    var whole = time_t(seconds)
    var parts = tm()
    gmtime_r(&whole, &parts)
    let date = String(
      format4: Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
    return date + "T" + pad(Int(parts.tm_hour)) + ":" + pad(Int(parts.tm_min)) + ":"
      + pad(Int(parts.tm_sec)) + "Z"
  }

  private static func pad(_ number: Int) -> String {
    number < 10 ? "0\(number)" : "\(number)"
  }
}

extension String {
  fileprivate init(format4 year: Int, _ month: Int, _ day: Int) {
    let month = month < 10 ? "0\(month)" : "\(month)"
    let day = day < 10 ? "0\(day)" : "\(day)"
    self = "\(year)-\(month)-\(day)"
  }

  /// Returns the text with every occurrence of `target` replaced, without Foundation.
  func replacingAll(_ target: String, with replacement: String) -> String {
    guard !target.isEmpty, contains(target) else { return self }
    var result = ""
    var rest = Substring(self)
    while let range = rest.firstRange(of: target) {
      result += rest[..<range.lowerBound]
      result += replacement
      rest = rest[range.upperBound...]
    }
    return result + rest
  }
}
