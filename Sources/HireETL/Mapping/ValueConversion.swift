/// Turns one source value into an output value under a field's options: trim, empty handling,
/// HTML stripping, name splitting, the value table and type conversion, in that order.
enum ValueConversion {
  /// Sets text read from the input as bytes; stays on bytes unless a rule needs a String.
  static func setText(
    _ raw: UnsafeRawBufferPointer, options: FieldOptions, field: String, at slot: Int,
    in output: inout OutputRecord, problems: inout [RecordProblem]
  ) {
    var bytes = raw
    if options.trim {
      bytes = asciiTrimmed(bytes)
      if let first = bytes.first, let last = bytes.last, first >= 0x80 || last >= 0x80,
        TextTrim.needsTrim(bytes)
      {
        setString(
          String(decoding: bytes, as: UTF8.self), options: options, field: field,
          at: slot, in: &output, problems: &problems)
        return
      }
    }
    if bytes.isEmpty {
      setEmpty(options: options, field: field, at: slot, in: &output, problems: &problems)
    } else if options.isPlain {
      output.setText(slot, bytes)
    } else {
      setString(
        String(decoding: bytes, as: UTF8.self), options: options, field: field,
        at: slot, in: &output, problems: &problems)
    }
  }

  /// Sets a `type: integer` value read as bytes: optional sign and digits, surrounding spaces
  /// trimmed. Anything else goes the String way, so the message and rules stay in one place.
  static func setInteger(
    _ raw: UnsafeRawBufferPointer, options: FieldOptions, field: String, at slot: Int,
    in output: inout OutputRecord, problems: inout [RecordProblem]
  ) {
    if let number = plainInteger(raw) {
      output.values[slot] = .integer(number)
    } else {
      setText(raw, options: options, field: field, at: slot, in: &output, problems: &problems)
    }
  }

  /// Returns the value of optional spaces, an optional sign and up to 18 digits, or nil for
  /// anything else.
  @inline(__always)
  static func plainInteger(_ raw: UnsafeRawBufferPointer) -> Int? {
    let bytes = asciiTrimmed(raw)
    var index = 0
    var negative = false
    if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
      negative = sign == UInt8(ascii: "-")
      index = 1
    }
    let digits = bytes.count - index
    guard digits > 0, digits <= 18 else { return nil }
    var value = 0
    while index < bytes.count {
      let digit = bytes[index] &- UInt8(ascii: "0")
      guard digit < 10 else { return nil }
      value = value * 10 + Int(digit)
      index += 1
    }
    return negative ? -value : value
  }

  static func setString(
    _ source: String, options: FieldOptions, field: String, at slot: Int,
    in output: inout OutputRecord, problems: inout [RecordProblem]
  ) {
    var text = options.trim ? TextTrim.trim(source) : source
    if options.stripHTML && !text.isEmpty { text = HTMLText.toPlainText(text) }
    if let part = options.splitName, !text.isEmpty {
      let name = NameSplitter.split(text)
      text = part == .first ? name.first : name.last
    }
    if text.isEmpty {
      setEmpty(options: options, field: field, at: slot, in: &output, problems: &problems)
      return
    }
    if let table = options.values, let mapped = lookUp(text, in: table) {
      guard case .string(let replacement) = mapped else {
        output.values[slot] = outputValue(of: mapped, in: &output)
        return
      }
      text = replacement
    }
    convert(text, options: options, field: field, at: slot, in: &output, problems: &problems)
  }

  static func setJSON(
    _ value: JSONValue?, options: FieldOptions, field: String, at slot: Int,
    in output: inout OutputRecord, problems: inout [RecordProblem]
  ) {
    switch value {
    case nil, .null?:
      setEmpty(options: options, field: field, at: slot, in: &output, problems: &problems)
    case .string(let text)?:
      setString(text, options: options, field: field, at: slot, in: &output, problems: &problems)
    case .number(let literal)? where options.type == nil && options.isPlain:
      output.values[slot] = output.storeJSON(.number(literal))
    case .bool(let flag)?
    where (options.type == nil && options.isPlain) || options.type == .boolean:
      output.values[slot] = .bool(flag)
    case .number(let literal)?:
      if options.type == .integer, let number = integralValue(literal) {
        output.values[slot] = .integer(number)
      } else {
        setString(
          literal, options: options, field: field, at: slot, in: &output,
          problems: &problems)
      }
    case .bool(let flag)?:
      setString(
        flag ? "true" : "false", options: options, field: field, at: slot,
        in: &output, problems: &problems)
    case let nested?:
      if options.type == nil {
        output.values[slot] = output.storeJSON(nested)
      } else if options.type == .string {
        output.setText(slot, Mapper.text(of: nested))
      } else {
        problems.append(
          RecordProblem(
            field: field, rule: "type",
            message: "\(field): the source value is a JSON object or array, which cannot become "
              + "\(options.type!.rawValue)"))
      }
    }
  }

  static func setJoined(
    _ parts: [String], separator: String, options: FieldOptions, field: String, at slot: Int,
    in output: inout OutputRecord, problems: inout [RecordProblem]
  ) {
    let kept = parts.map(TextTrim.trim).filter { !$0.isEmpty }
    setString(
      kept.joined(separator: separator), options: options, field: field, at: slot,
      in: &output, problems: &problems)
  }

  /// Sets a missing or empty value: the default when there is one, else null.
  private static func setEmpty(
    options: FieldOptions, field: String, at slot: Int, in output: inout OutputRecord,
    problems: inout [RecordProblem]
  ) {
    guard let fallback = options.defaultValue else {
      output.values[slot] = .null
      return
    }
    if case .string(let text) = fallback, options.type != nil, !text.isEmpty {
      convert(text, options: options, field: field, at: slot, in: &output, problems: &problems)
    } else {
      output.values[slot] = outputValue(of: fallback, in: &output)
    }
  }

  private static func convert(
    _ text: String, options: FieldOptions, field: String, at slot: Int,
    in output: inout OutputRecord, problems: inout [RecordProblem]
  ) {
    switch options.type {
    case nil, .string?:
      output.setText(slot, text)
    case .integer?:
      if let number = TypeCoercion.integer(text) {
        output.values[slot] = .integer(number)
      } else {
        problems.append(
          RecordProblem(field: field, rule: "type", message: "\(field): not a whole number"))
      }
    case .boolean?:
      if let flag = TypeCoercion.boolean(text) {
        output.values[slot] = .bool(flag)
      } else {
        problems.append(
          RecordProblem(
            field: field, rule: "type",
            message: "\(field): not a boolean (true/false, yes/no, 1/0)"))
      }
    case .date?, .datetime?:
      guard let parts = DateConversion.parse(text, format: options.dateFormat) else {
        let expected = options.dateFormat.map { "the date_format '\($0)'" } ?? "an ISO 8601 date"
        problems.append(
          RecordProblem(
            field: field, rule: "date", message: "\(field): not a valid date in \(expected)"))
        return
      }
      let formatted =
        options.type == .date
        ? DateConversion.iso8601Date(parts) : DateConversion.iso8601DateTime(parts)
      output.setText(slot, formatted)
    }
  }

  /// Returns the table's entry for a value: an exact match, then one that differs only in case,
  /// then `*`.
  private static func lookUp(_ text: String, in table: [String: JSONValue]) -> JSONValue? {
    if let exact = table[text] { return exact }
    let folded = text.lowercased()
    if let match = table.first(where: { $0.key != "*" && $0.key.lowercased() == folded }) {
      return match.value
    }
    return table["*"]
  }

  static func outputValue(of value: JSONValue, in output: inout OutputRecord) -> OutputValue {
    switch value {
    case .null: return .null
    case .bool(let flag): return .bool(flag)
    case .number(let literal): return Int(literal).map { .integer($0) } ?? output.storeJSON(value)
    case .string(let text):
      return .text(output.appendText(text))
    case .array, .object: return output.storeJSON(value)
    }
  }

  /// Returns a JSON number literal as an Int when it has no fractional part ("12", "12.0",
  /// "1.2e1").
  static func integralValue(_ literal: String) -> Int? {
    if let number = Int(literal) { return number }
    guard let double = Double(literal), double.rounded() == double, abs(double) < 9e15 else {
      return nil
    }
    return Int(double)
  }

  @inline(__always)
  static func asciiTrimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    var start = 0
    var end = bytes.count
    while start < end && isASCIISpace(bytes[start]) { start += 1 }
    while end > start && isASCIISpace(bytes[end - 1]) { end -= 1 }
    if start == 0 && end == bytes.count { return bytes }
    return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
  }

  @inline(__always)
  private static func isASCIISpace(_ byte: UInt8) -> Bool {
    // Most bytes are above 0x20, so the first comparison settles them.
    byte <= 0x20 && (byte == 0x20 || (byte >= 0x09 && byte <= 0x0D))
  }
}
