/// A calendar date with an optional time of day and UTC offset, as parsed from a cell.
public struct DateParts: Sendable, Hashable {
  public var year: Int
  public var month: Int
  public var day: Int
  public var hour: Int
  public var minute: Int
  public var second: Int
  /// Fraction of the second in nanoseconds. The ISO 8601 output drops it.
  public var nanosecond: Int
  /// Offset from UTC in seconds as written in the input, or nil when the input had none.
  public var utcOffsetSeconds: Int?
  /// Whether the input had a time of day. Without one, the time fields are 0.
  public var hasTime: Bool

  public init(
    year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
    nanosecond: Int = 0, utcOffsetSeconds: Int? = nil, hasTime: Bool = false
  ) {
    self.year = year
    self.month = month
    self.day = day
    self.hour = hour
    self.minute = minute
    self.second = second
    self.nanosecond = nanosecond
    self.utcOffsetSeconds = utcOffsetSeconds
    self.hasTime = hasTime
  }
}

/// Parsing of date cells and formatting as ISO 8601, without Foundation's locale-dependent
/// DateFormatter. Month names are English in every locale.
public enum DateConversion {
  /// Parses `s` as ISO 8601 when `format` is nil, else by the strftime-like `format`.
  /// Returns nil when the text does not match or names no real date and time.
  ///
  /// ISO 8601 accepts "2024-03-05", then optionally "T" or a space and "14:07" or
  /// "14:07:00", a fraction ".123", and an offset "Z", "+02", "+0200" or "+02:00".
  ///
  /// `format` directives, where `%-d` and similar are the same as `%d`:
  /// - `%Y` 4-digit year, and `%y` 1- or 2-digit year: 69–99 are 1969–1999, 0–68 are
  ///   2000–2068, as in POSIX strptime.
  /// - `%m`, `%d`, `%H`, `%I` (12-hour), `%M`, `%S`: 1 or 2 digits, so that "1/1/2016 0:00"
  ///   matches "%m/%d/%Y %H:%M". `%e` is a day with an optional leading space. Without
  ///   `%p`, `%I` is read like `%H`.
  /// - `%b`, `%B`, `%h`: English month name, full or abbreviated ("Sept" too), any case.
  /// - `%p`: AM or PM, any case, with or without dots. It needs an hour of 1–12.
  /// - `%f`: fraction digits. `%z`: "Z", "+02", "+0200" or "+02:00". `%Z`: UTC, GMT or Z.
  /// - `%%` is a percent sign. A space matches one or more spaces or tabs, and any other
  ///   character matches itself. An unknown directive makes the parse fail.
  ///
  /// The format must give a year, month and day.
  public static func parse(_ s: String, format: String?) -> DateParts? {
    var s = s
    return s.withUTF8 { input in
      var fields = Fields()
      var cursor = Cursor(bytes: input)
      if var format {
        let matched = format.withUTF8 { pattern in
          parseFormatted(&cursor, pattern: pattern, into: &fields)
        }
        guard matched else { return nil }
      } else {
        guard parseISO8601(&cursor, into: &fields) else { return nil }
      }
      guard cursor.isAtEnd else { return nil }
      return fields.validatedParts()
    }
  }

  /// Formats the date as "YYYY-MM-DD", as written in the input and not shifted to UTC.
  public static func iso8601Date(_ parts: DateParts) -> String {
    String(unsafeUninitializedCapacity: 10) { buffer in
      var writer = DigitWriter(buffer: buffer)
      writer.writeDate(parts)
      return writer.count
    }
  }

  /// Formats "YYYY-MM-DDTHH:MM:SS" and the input's UTC offset as "+02:00", or "Z" when the
  /// offset is zero or the input had none. A time without an offset is thus taken as UTC.
  /// The fraction of a second is dropped, and a date alone gets the time 00:00:00.
  public static func iso8601DateTime(_ parts: DateParts) -> String {
    String(unsafeUninitializedCapacity: 25) { buffer in
      var writer = DigitWriter(buffer: buffer)
      writer.writeDate(parts)
      writer.write(UInt8(ascii: "T"))
      writer.writeDigits(parts.hour, count: 2)
      writer.write(UInt8(ascii: ":"))
      writer.writeDigits(parts.minute, count: 2)
      writer.write(UInt8(ascii: ":"))
      writer.writeDigits(parts.second, count: 2)

      let offset = parts.utcOffsetSeconds ?? 0
      if offset == 0 {
        writer.write(UInt8(ascii: "Z"))
      } else {
        writer.write(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let minutes = abs(offset) / 60
        writer.writeDigits(minutes / 60, count: 2)
        writer.write(UInt8(ascii: ":"))
        writer.writeDigits(minutes % 60, count: 2)
      }
      return writer.count
    }
  }

  /// Returns whether `year` is a Gregorian leap year.
  static func isLeapYear(_ year: Int) -> Bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
  }

  static func daysInMonth(_ month: Int, year: Int) -> Int {
    switch month {
    case 2:
      return isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11:
      return 30
    default:
      return 31
    }
  }

  // MARK: ISO 8601

  private static func parseISO8601(_ cursor: inout Cursor, into fields: inout Fields) -> Bool {
    guard let year = cursor.readDigits(min: 4, max: 4), cursor.skip(UInt8(ascii: "-")),
      let month = cursor.readDigits(min: 2, max: 2), cursor.skip(UInt8(ascii: "-")),
      let day = cursor.readDigits(min: 2, max: 2)
    else { return false }
    fields.year = year
    fields.month = month
    fields.day = day
    if cursor.isAtEnd {
      return true
    }

    guard
      cursor.skip(UInt8(ascii: "T")) || cursor.skip(UInt8(ascii: "t"))
        || cursor.skip(UInt8(ascii: " "))
    else { return false }
    guard let hour = cursor.readDigits(min: 2, max: 2), cursor.skip(UInt8(ascii: ":")),
      let minute = cursor.readDigits(min: 2, max: 2)
    else { return false }
    fields.hour = hour
    fields.minute = minute

    if cursor.skip(UInt8(ascii: ":")) {
      guard let second = cursor.readDigits(min: 2, max: 2) else { return false }
      fields.second = second
      if cursor.skip(UInt8(ascii: ".")) || cursor.skip(UInt8(ascii: ",")) {
        guard let nanosecond = cursor.readFraction() else { return false }
        fields.nanosecond = nanosecond
      }
    }

    if !cursor.isAtEnd {
      guard let offset = cursor.readUTCOffset() else { return false }
      fields.utcOffsetSeconds = offset
    }
    return true
  }

  // MARK: Formats

  private static func parseFormatted(
    _ cursor: inout Cursor, pattern: UnsafeBufferPointer<UInt8>, into fields: inout Fields
  ) -> Bool {
    var index = 0
    while index < pattern.count {
      let byte = pattern[index]
      index += 1

      if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
        guard cursor.skipSpaces() else { return false }
        continue
      }
      guard byte == UInt8(ascii: "%") else {
        guard cursor.skip(byte) else { return false }
        continue
      }

      // In strftime, "%-d" turns off zero padding. Parsing accepts both forms either way.
      if index < pattern.count && pattern[index] == UInt8(ascii: "-") {
        index += 1
      }
      guard index < pattern.count else { return false }
      let directive = pattern[index]
      index += 1
      guard parseDirective(directive, &cursor, into: &fields) else { return false }
    }
    return true
  }

  private static func parseDirective(
    _ directive: UInt8, _ cursor: inout Cursor, into fields: inout Fields
  ) -> Bool {
    switch directive {
    case UInt8(ascii: "Y"):
      fields.year = cursor.readDigits(min: 4, max: 4)
      return fields.year != nil
    case UInt8(ascii: "y"):
      guard let year = cursor.readDigits(min: 1, max: 2) else { return false }
      fields.year = year < 69 ? 2000 + year : 1900 + year
    case UInt8(ascii: "m"):
      fields.month = cursor.readDigits(min: 1, max: 2)
      return fields.month != nil
    case UInt8(ascii: "d"):
      fields.day = cursor.readDigits(min: 1, max: 2)
      return fields.day != nil
    case UInt8(ascii: "e"):
      _ = cursor.skip(UInt8(ascii: " "))
      fields.day = cursor.readDigits(min: 1, max: 2)
      return fields.day != nil
    case UInt8(ascii: "H"), UInt8(ascii: "I"):
      fields.hour = cursor.readDigits(min: 1, max: 2)
      return fields.hour != nil
    case UInt8(ascii: "M"):
      fields.minute = cursor.readDigits(min: 1, max: 2)
      return fields.minute != nil
    case UInt8(ascii: "S"):
      fields.second = cursor.readDigits(min: 1, max: 2)
      return fields.second != nil
    case UInt8(ascii: "f"):
      fields.nanosecond = cursor.readFraction()
      return fields.nanosecond != nil
    case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "h"):
      fields.month = cursor.readMonthName()
      return fields.month != nil
    case UInt8(ascii: "p"):
      fields.isPM = cursor.readMeridiem()
      return fields.isPM != nil
    case UInt8(ascii: "z"):
      fields.utcOffsetSeconds = cursor.readUTCOffset()
      return fields.utcOffsetSeconds != nil
    case UInt8(ascii: "Z"):
      guard cursor.skipWord("utc") || cursor.skipWord("gmt") || cursor.skipWord("z") else {
        return false
      }
      fields.utcOffsetSeconds = 0
    case UInt8(ascii: "%"):
      return cursor.skip(UInt8(ascii: "%"))
    default:
      return false
    }
    return true
  }
}

/// Writes zero-padded ASCII fields into a string's uninitialized buffer.
private struct DigitWriter {
  let buffer: UnsafeMutableBufferPointer<UInt8>
  var count = 0

  mutating func write(_ byte: UInt8) {
    buffer[count] = byte
    count += 1
  }

  /// Writes the last `digitCount` decimal digits of `value`, ignoring its sign. Only values
  /// in the ranges that `parse` returns come out unchanged.
  mutating func writeDigits(_ value: Int, count digitCount: Int) {
    var remaining = value
    for position in stride(from: count + digitCount - 1, through: count, by: -1) {
      buffer[position] = UInt8(ascii: "0") + UInt8(abs(remaining % 10))
      remaining /= 10
    }
    count += digitCount
  }

  mutating func writeDate(_ parts: DateParts) {
    writeDigits(parts.year, count: 4)
    write(UInt8(ascii: "-"))
    writeDigits(parts.month, count: 2)
    write(UInt8(ascii: "-"))
    writeDigits(parts.day, count: 2)
  }
}
