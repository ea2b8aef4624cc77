/// Reads the `Retry-After` header in both of its forms (RFC 9110, section 10.2.3): a number of
/// seconds, or an HTTP-date in the IMF-fixdate, RFC 850 or asctime format.
public enum RetryAfter {
  /// Seconds to wait from `value`, or nil when it is neither form. `now` is the wall-clock time
  /// in seconds since 1970, for dates. A date in the past gives zero.
  public static func seconds(from value: String, now: Double) -> Double? {
    let text = value.trimmingSpaces()
    if !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
      return Double(text)
    }
    guard let date = httpDate(text) else { return nil }
    return max(0, date - now)
  }

  /// Seconds since 1970 for an HTTP-date, or nil.
  static func httpDate(_ text: String) -> Double? {
    let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
    // IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT"
    if words.count == 6, words[5] == "GMT", let year = Int(words[3]) {
      return timestamp(day: words[1], month: words[2], year: year, time: words[4])
    }
    // RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT". Two-digit years 70 to 99 are read as 19xx and
    // the rest as 20xx, a fixed pivot in place of RFC 9110's "more than 50 years ahead" rule.
    if words.count == 4, words[3] == "GMT" {
      let parts = words[1].split(separator: "-").map(String.init)
      guard parts.count == 3, parts[2].count == 2, let short = Int(parts[2]) else { return nil }
      let year = short < 70 ? 2000 + short : 1900 + short
      return timestamp(day: parts[0], month: parts[1], year: year, time: words[2])
    }
    // asctime "Sun Nov  6 08:49:37 1994"
    if words.count == 5, let year = Int(words[4]) {
      return timestamp(day: words[2], month: words[1], year: year, time: words[3])
    }
    return nil
  }

  private static let months = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  private static func timestamp(day: String, month: String, year: Int, time: String) -> Double? {
    guard let day = Int(day), (1...31).contains(day),
      let monthIndex = months.firstIndex(of: month)
    else { return nil }
    let clock = time.split(separator: ":").compactMap { Int($0) }
    guard clock.count == 3, (0...23).contains(clock[0]), (0...59).contains(clock[1]),
      (0...60).contains(clock[2])
    else { return nil }
    let days = CivilCalendar.daysSince1970(year: year, month: monthIndex + 1, day: day)
    return Double(days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2])
  }
}
