/// Date arithmetic on the proleptic Gregorian calendar, shared by every timestamp parser.
enum CivilCalendar {
  /// Returns the number of days from 1970-01-01 to a date (negative before it). The year is
  /// counted from March, so the leap day falls at the end of a counted year (the method of
  /// Howard Hinnant's `days_from_civil`).
  static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}
