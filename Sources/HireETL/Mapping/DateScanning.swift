extension DateConversion {
  /// The fields a parse has found so far. Missing time fields count as 0.
  struct Fields {
    var year: Int?
    var month: Int?
    var day: Int?
    var hour: Int?
    var minute: Int?
    var second: Int?
    var nanosecond: Int?
    var isPM: Bool?
    var utcOffsetSeconds: Int?

    /// Returns the parts when the date exists in the Gregorian calendar and the time is valid.
    func validatedParts() -> DateParts? {
      guard let year, let month, let day, (1...9999).contains(year), (1...12).contains(month),
        (1...DateConversion.daysInMonth(month, year: year)).contains(day)
      else { return nil }

      var hour = self.hour ?? 0
      if let isPM {
        // 12 AM is midnight and 12 PM is noon.
        guard (1...12).contains(hour) else { return nil }
        hour = hour % 12 + (isPM ? 12 : 0)
      }
      let minute = self.minute ?? 0
      let second = self.second ?? 0
      guard hour < 24, minute < 60, second < 60 else { return nil }

      return DateParts(
        year: year, month: month, day: day, hour: hour, minute: minute, second: second,
        nanosecond: nanosecond ?? 0, utcOffsetSeconds: utcOffsetSeconds,
        hasTime: self.hour != nil || self.minute != nil || self.second != nil)
    }
  }

  /// A read position in the UTF-8 input.
  struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var isAtEnd: Bool { index == bytes.count }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Skips `byte` if it comes next, returning whether it did.
    mutating func skip(_ byte: UInt8) -> Bool {
      guard current == byte else { return false }
      index += 1
      return true
    }

    /// Skips one or more spaces or tabs, returning whether there was one.
    mutating func skipSpaces() -> Bool {
      let start = index
      while current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") {
        index += 1
      }
      return index > start
    }

    /// Skips the lowercase ASCII `word` in any case if it comes next, returning whether it did.
    mutating func skipWord(_ word: String) -> Bool {
      let end = index + word.utf8.count
      guard end <= bytes.count,
        TypeCoercion.equalsIgnoringASCIICase(bytes[index..<end], word)
      else { return false }
      index = end
      return true
    }

    /// Reads `min` to `max` ASCII digits, as many as there are.
    mutating func readDigits(min: Int, max: Int) -> Int? {
      var value = 0
      var count = 0
      while count < max, let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
        count += 1
        index += 1
      }
      return count >= min ? value : nil
    }

    /// Reads one or more fraction digits as nanoseconds. Digits past the ninth are truncated.
    mutating func readFraction() -> Int? {
      var nanoseconds = 0
      var count = 0
      while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
        if count < 9 {
          nanoseconds = nanoseconds * 10 + Int(byte - UInt8(ascii: "0"))
        }
        count += 1
        index += 1
      }
      guard count > 0 else { return nil }
      for _ in count..<max(count, 9) {
        nanoseconds *= 10
      }
      return nanoseconds
    }

    /// Reads "Z" or "z" as 0, or a sign and "HH", "HHMM" or "HH:MM", as seconds east of UTC.
    mutating func readUTCOffset() -> Int? {
      if skip(UInt8(ascii: "Z")) || skip(UInt8(ascii: "z")) {
        return 0
      }
      let sign: Int
      if skip(UInt8(ascii: "+")) {
        sign = 1
      } else if skip(UInt8(ascii: "-")) {
        sign = -1
      } else {
        return nil
      }

      guard let hours = readDigits(min: 2, max: 2), hours < 24 else { return nil }
      var minutes = 0
      if skip(UInt8(ascii: ":")) {
        guard let value = readDigits(min: 2, max: 2) else { return nil }
        minutes = value
      } else if let value = readDigits(min: 2, max: 2) {
        minutes = value
      }
      guard minutes < 60 else { return nil }
      return sign * (hours * 3600 + minutes * 60)
    }

    /// Reads an English month name, full or abbreviated, in any case, and returns 1–12.
    mutating func readMonthName() -> Int? {
      // Longer forms come first so that "September" is not read as "Sep" and "tember".
      for (offset, name) in Self.monthNames.enumerated() where skipWord(name) {
        return offset + 1
      }
      if skipWord("sept") {
        return 9
      }
      for (offset, name) in Self.monthNames.enumerated() where skipWord(String(name.prefix(3))) {
        return offset + 1
      }
      return nil
    }

    private static let monthNames = [
      "january", "february", "march", "april", "may", "june", "july", "august", "september",
      "october", "november", "december",
    ]

    /// Reads AM or PM with or without dots ("a.m."), in any case, and returns whether it is PM.
    mutating func readMeridiem() -> Bool? {
      for (word, isPM) in [("am", false), ("pm", true), ("a.m.", false), ("p.m.", true)]
      where skipWord(word) {
        return isPM
      }
      return nil
    }
  }
}
