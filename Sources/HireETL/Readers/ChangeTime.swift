/// The time a record was last created or changed: `updated_at` where the record has it,
/// `sent_at` for candidate messages, `created_at` otherwise.
struct ChangeTime: Equatable {
  /// The timestamp as the API sent it, which is what the state stores.
  var text: String
  var milliseconds: Int64

  init?(_ text: String) {
    guard let milliseconds = Self.milliseconds(of: text) else { return nil }
    self.text = text
    self.milliseconds = milliseconds
  }

  /// The change time of `object`, or nil when it has no parseable timestamp.
  static func of(_ object: JSONObject, resource: String) -> ChangeTime? {
    let fields = resource == "candidatemessages" ? ["sent_at"] : ["updated_at", "created_at"]
    for field in fields {
      if case .string(let text)? = object[field], let time = ChangeTime(text) { return time }
    }
    return nil
  }

  /// Parses an ISO 8601 date or date-time (`2024-03-05`, `2024-03-05T10:20:30.123Z`,
  /// `2024-03-05T10:20:30+02:00`) into milliseconds since 1970. A time without an offset is
  /// taken as UTC.
  static func milliseconds(of text: String) -> Int64? {
    let bytes = Array(text.utf8)
    var position = 0
    func number(_ digits: Int) -> Int64? {
      guard position + digits <= bytes.count else { return nil }
      var value: Int64 = 0
      for byte in bytes[position..<position + digits] {
        guard byte >= 0x30 && byte <= 0x39 else { return nil }
        value = value * 10 + Int64(byte - 0x30)
      }
      position += digits
      return value
    }
    func skip(_ character: Character) -> Bool {
      guard position < bytes.count, bytes[position] == character.asciiValue else { return false }
      position += 1
      return true
    }
    guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2),
      (1...12).contains(month), (1...31).contains(day)
    else { return nil }
    var seconds =
      Int64(CivilCalendar.daysSince1970(year: Int(year), month: Int(month), day: Int(day)))
      * 86_400
    var fraction: Int64 = 0
    if skip("T") || skip(" ") {
      guard let hour = number(2), skip(":"), let minute = number(2), hour < 24, minute < 60 else {
        return nil
      }
      seconds += hour * 3600 + minute * 60
      if skip(":") {
        guard let second = number(2), second < 61 else { return nil }
        seconds += second
        if skip(".") {
          var scale: Int64 = 100
          while position < bytes.count, let digit = number(1) {
            fraction += digit * scale
            scale /= 10
          }
        }
      }
      if skip("Z") || skip("z") {
      } else if position < bytes.count {
        let sign: Int64 = skip("+") ? -1 : (skip("-") ? 1 : 0)
        guard sign != 0, let hours = number(2) else { return nil }
        _ = skip(":")
        guard let minutes = number(2) else { return nil }
        seconds += sign * (hours * 3600 + minutes * 60)
      }
    }
    guard position == bytes.count else { return nil }
    return seconds * 1000 + fraction
  }

}

/// The `since:` cutoff of an API read: keeps the records changed after it.
struct SinceFilter {
  /// How far before a `last_run` watermark the read looks again, in milliseconds, so that a
  /// record the server stamped slightly out of order is not missed.
  static let overlapMilliseconds: Int64 = 60_000

  /// Nil keeps every record: `since: last_run` before the first run that stored a watermark.
  var cutoff: ChangeTime?
  var overlap: Int64
  /// `id@timestamp` of records that the run which stored the watermark already saw inside the
  /// overlap, so that the overlap does not export them again unchanged.
  var alreadySeen: Set<String>

  func keeps(_ object: JSONObject, change: ChangeTime?) -> Bool {
    guard let cutoff else { return true }
    // NOTE: a record without a readable timestamp is kept, since it cannot be shown unchanged.
    guard let change else { return true }
    if change.milliseconds <= cutoff.milliseconds - overlap { return false }
    if change.milliseconds <= cutoff.milliseconds {
      return !alreadySeen.contains(Self.seenKey(object, change: change))
    }
    return true
  }

  static func seenKey(_ object: JSONObject, change: ChangeTime) -> String {
    Mapper.text(of: object["id"]) + "@" + change.text
  }
}
