/// Formatting of UTC instants, given as milliseconds since 1970-01-01T00:00:00Z, for the API's
/// `date-time` and `date` fields and the HTTP `Date` header.
enum SandboxTimestamp {
  /// The calendar fields of one UTC instant.
  struct Fields: Equatable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    var millisecond: Int
    /// 0 for Sunday through 6 for Saturday.
    var weekday: Int
  }

  static let millisecondsPerDay: Int64 = 86_400_000

  /// Splits an instant into proleptic Gregorian calendar fields.
  static func fields(milliseconds: Int64) -> Fields {
    let dayNumber = floorDivide(milliseconds, millisecondsPerDay)
    let withinDay = Int(milliseconds - dayNumber * millisecondsPerDay)
    let (year, month, day) = civilDate(daysSinceEpoch: Int(dayNumber))
    return Fields(
      year: year, month: month, day: day, hour: withinDay / 3_600_000,
      minute: withinDay / 60_000 % 60, second: withinDay / 1000 % 60,
      millisecond: withinDay % 1000,
      // 1970-01-01 was a Thursday.
      weekday: Int((dayNumber % 7 + 11) % 7))
  }

  /// Formats an instant as RFC 3339 with milliseconds and `Z`, such as
  /// `2024-03-05T14:07:00.250Z`.
  static func dateTime(milliseconds: Int64) -> String {
    let parts = fields(milliseconds: milliseconds)
    return date(parts) + "T" + padded(parts.hour, 2) + ":" + padded(parts.minute, 2) + ":"
      + padded(parts.second, 2) + "." + padded(parts.millisecond, 3) + "Z"
  }

  /// Formats the calendar date alone, such as `2024-03-05`.
  static func date(milliseconds: Int64) -> String {
    date(fields(milliseconds: milliseconds))
  }

  /// Formats an instant in the IMF-fixdate form of RFC 9110, section 5.6.7, such as
  /// `Tue, 05 Mar 2024 14:07:00 GMT`.
  static func httpDate(milliseconds: Int64) -> String {
    let parts = fields(milliseconds: milliseconds)
    let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = [
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    return weekdays[parts.weekday] + ", " + padded(parts.day, 2) + " " + months[parts.month - 1]
      + " " + padded(parts.year, 4) + " " + padded(parts.hour, 2) + ":" + padded(parts.minute, 2)
      + ":" + padded(parts.second, 2) + " GMT"
  }

  private static func date(_ parts: Fields) -> String {
    padded(parts.year, 4) + "-" + padded(parts.month, 2) + "-" + padded(parts.day, 2)
  }

  /// Converts a day count from 1970-01-01 to year, month and day, counting in 400-year eras of
  /// 146,097 days whose years start on March 1, so the leap day falls at the end of a year.
  static func civilDate(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
    // Day 0 of era 0 is 0000-03-01, which is 719,468 days before 1970-01-01.
    let shifted = daysSinceEpoch + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra =
      (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    // Months counted from March: 0 is March and 11 is February.
    let marchMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
    let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
  }

  private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return value % divisor < 0 ? quotient - 1 : quotient
  }

  private static func padded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}
