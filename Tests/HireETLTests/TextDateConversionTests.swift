import HireETL
import Testing

@Suite struct TextDateConversionTests {
  /// Inputs that parse, with their `date` and `datetime` output.
  static let validCases: [(input: String, format: String?, date: String, dateTime: String)] = [
    // ISO 8601 without a format.
    ("2024-03-05", nil, "2024-03-05", "2024-03-05T00:00:00Z"),
    ("2024-03-05T14:07", nil, "2024-03-05", "2024-03-05T14:07:00Z"),
    ("2024-03-05T14:07:00", nil, "2024-03-05", "2024-03-05T14:07:00Z"),
    ("2024-03-05 14:07:09", nil, "2024-03-05", "2024-03-05T14:07:09Z"),
    ("2024-03-05T14:07:00Z", nil, "2024-03-05", "2024-03-05T14:07:00Z"),
    ("2024-03-05t14:07:00z", nil, "2024-03-05", "2024-03-05T14:07:00Z"),
    ("2024-03-05T14:07:00+02:00", nil, "2024-03-05", "2024-03-05T14:07:00+02:00"),
    ("2024-03-05T14:07:00-05:30", nil, "2024-03-05", "2024-03-05T14:07:00-05:30"),
    ("2024-03-05T14:07:00+0200", nil, "2024-03-05", "2024-03-05T14:07:00+02:00"),
    ("2024-03-05T14:07:00+09", nil, "2024-03-05", "2024-03-05T14:07:00+09:00"),
    ("2024-03-05T14:07:00+00:00", nil, "2024-03-05", "2024-03-05T14:07:00Z"),
    ("2024-03-05T14:07:00.123", nil, "2024-03-05", "2024-03-05T14:07:00Z"),
    ("2023-05-16T11:38:05.123+02:00", nil, "2023-05-16", "2023-05-16T11:38:05+02:00"),
    ("2023-05-16T23:59:59.999999999Z", nil, "2023-05-16", "2023-05-16T23:59:59Z"),
    ("2024-02-29", nil, "2024-02-29", "2024-02-29T00:00:00Z"),
    ("2000-02-29", nil, "2000-02-29", "2000-02-29T00:00:00Z"),
    ("0001-01-01", nil, "0001-01-01", "0001-01-01T00:00:00Z"),
    ("9999-12-31T23:59:59Z", nil, "9999-12-31", "9999-12-31T23:59:59Z"),

    // strftime-like formats.
    ("1/1/2016 0:00", "%m/%d/%Y %H:%M", "2016-01-01", "2016-01-01T00:00:00Z"),
    ("12/31/2016 23:59", "%m/%d/%Y %H:%M", "2016-12-31", "2016-12-31T23:59:00Z"),
    ("01/02/2016 07:05", "%m/%d/%Y %H:%M", "2016-01-02", "2016-01-02T07:05:00Z"),
    ("05.03.2024", "%d.%m.%Y", "2024-03-05", "2024-03-05T00:00:00Z"),
    ("5.3.24", "%-d.%-m.%y", "2024-03-05", "2024-03-05T00:00:00Z"),
    ("5.3.99", "%d.%m.%y", "1999-03-05", "1999-03-05T00:00:00Z"),
    ("29.02.2024", "%d.%m.%Y", "2024-02-29", "2024-02-29T00:00:00Z"),
    ("Mar 5, 2024", "%b %d, %Y", "2024-03-05", "2024-03-05T00:00:00Z"),
    ("Mar  5 2024", "%b %e %Y", "2024-03-05", "2024-03-05T00:00:00Z"),
    ("5 September 2024", "%d %B %Y", "2024-09-05", "2024-09-05T00:00:00Z"),
    ("5 Sept 2024", "%d %b %Y", "2024-09-05", "2024-09-05T00:00:00Z"),
    ("05-DEC-2023", "%d-%b-%Y", "2023-12-05", "2023-12-05T00:00:00Z"),
    ("3/5/2024 2:07 PM", "%m/%d/%Y %I:%M %p", "2024-03-05", "2024-03-05T14:07:00Z"),
    ("3/5/2024 12:00 am", "%m/%d/%Y %I:%M %p", "2024-03-05", "2024-03-05T00:00:00Z"),
    ("3/5/2024 12:30 p.m.", "%m/%d/%Y %H:%M %p", "2024-03-05", "2024-03-05T12:30:00Z"),
    (
      "2024-03-05 14:07:00 +0200", "%Y-%m-%d %H:%M:%S %z", "2024-03-05", "2024-03-05T14:07:00+02:00"
    ),
    (
      "2024-03-05 14:07:00 -03:00", "%Y-%m-%d %H:%M:%S %z", "2024-03-05",
      "2024-03-05T14:07:00-03:00"
    ),
    ("2024-03-05 14:07:00Z", "%Y-%m-%d %H:%M:%S%z", "2024-03-05", "2024-03-05T14:07:00Z"),
    ("2024-03-05 14:07:00 UTC", "%Y-%m-%d %H:%M:%S %Z", "2024-03-05", "2024-03-05T14:07:00Z"),
    ("2024-03-05 14:07:00.5", "%Y-%m-%d %H:%M:%S.%f", "2024-03-05", "2024-03-05T14:07:00Z"),
    ("2024年3月5日", "%Y年%m月%d日", "2024-03-05", "2024-03-05T00:00:00Z"),
    ("100% 2024-03-05", "100%% %Y-%m-%d", "2024-03-05", "2024-03-05T00:00:00Z"),
  ]

  @Test("parse then format date", arguments: validCases)
  func parseThenFormatDate(input: String, format: String?, date: String, dateTime: String) {
    let parts = DateConversion.parse(input, format: format)
    #expect(parts.map(DateConversion.iso8601Date) == date)
  }

  @Test("parse then format datetime", arguments: validCases)
  func parseThenFormatDateTime(input: String, format: String?, date: String, dateTime: String) {
    let parts = DateConversion.parse(input, format: format)
    #expect(parts.map(DateConversion.iso8601DateTime) == dateTime)
  }

  static let invalidCases: [(input: String, format: String?)] = [
    // Calendar checks.
    ("2023-02-29", nil),
    ("1900-02-29", nil),
    ("2024-04-31", nil),
    ("2024-13-01", nil),
    ("2024-00-10", nil),
    ("2024-01-00", nil),
    ("0000-01-01", nil),
    ("2024-03-05T24:00:00", nil),
    ("2024-03-05T23:60:00", nil),
    ("2024-03-05T23:59:60", nil),
    ("29.02.2023", "%d.%m.%Y"),
    ("2/30/2024 0:00", "%m/%d/%Y %H:%M"),
    ("1/1/2016 25:00", "%m/%d/%Y %H:%M"),
    ("3/5/2024 13:00 PM", "%m/%d/%Y %H:%M %p"),
    ("3/5/2024 0:30 AM", "%m/%d/%Y %I:%M %p"),

    // Malformed ISO 8601.
    ("", nil),
    ("2024-3-5", nil),
    ("24-03-05", nil),
    ("2024/03/05", nil),
    ("20240305", nil),
    ("2024-03-05T", nil),
    ("2024-03-05T14", nil),
    ("2024-03-05T14:07:00.", nil),
    ("2024-03-05T14:07:00+2", nil),
    ("2024-03-05T14:07:00+24:00", nil),
    ("2024-03-05T14:07:00+02:60", nil),
    ("2024-03-05T14:07:00 ", nil),
    (" 2024-03-05", nil),
    ("2024-03-05x", nil),
    ("２０２４-03-05", nil),

    // Format mismatches.
    ("2024-03-05", "%d/%m/%Y"),
    ("1/1/2016 0:00 extra", "%m/%d/%Y %H:%M"),
    ("1/1/16", "%m/%d/%Y"),
    ("123/1/2016", "%m/%d/%Y"),
    ("Mrz 5 2024", "%b %d %Y"),
    ("5 2024", "%d %Y"),
    ("14:07", "%H:%M"),
    ("2024-03-05", "%Y-%m-%d %q"),
    ("2024-03-05", "%Y-%m-%"),
    ("1/1/2016", "%m/%d/%Y %H"),
  ]

  @Test("parse rejects invalid input", arguments: invalidCases)
  func parseRejectsInvalidInput(input: String, format: String?) {
    #expect(DateConversion.parse(input, format: format) == nil)
  }

  @Test("parse keeps offset and fraction")
  func parseKeepsOffsetAndFraction() {
    let parts = DateConversion.parse("2023-05-16T11:38:05.123+02:00", format: nil)
    let expected = DateParts(
      year: 2023, month: 5, day: 16, hour: 11, minute: 38, second: 5,
      nanosecond: 123_000_000, utcOffsetSeconds: 7200, hasTime: true)
    #expect(parts == expected)
  }

  @Test("parse date has no time")
  func parseDateHasNoTime() {
    let parts = DateConversion.parse("2024-03-05", format: nil)
    #expect(parts == DateParts(year: 2024, month: 3, day: 5))
  }

  @Test("parse without offset has none")
  func parseWithoutOffsetHasNone() {
    let parts = DateConversion.parse("1/1/2016 0:00", format: "%m/%d/%Y %H:%M")
    #expect(parts?.utcOffsetSeconds == nil)
    #expect(parts?.hasTime == true)
  }

  @Test("parse truncates long fraction")
  func parseTruncatesLongFraction() {
    let parts = DateConversion.parse("2024-03-05T14:07:00.1234567891Z", format: nil)
    #expect(parts?.nanosecond == 123_456_789)
  }
}
