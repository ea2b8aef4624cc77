extension HTMLText {
  /// Decodes character references: the names in `namedEntities`, decimal `&#8217;` and
  /// hexadecimal `&#x27;`. A reference needs its closing `;`, so "AT&T" and "&copy 2024"
  /// stay as they are, and so does an unknown name such as `&foo;`.
  ///
  /// Numeric references to 0, to surrogates or past U+10FFFF become U+FFFD, and those to
  /// 128–159 become the Windows-1252 characters, as HTML5 specifies.
  public static func decodeEntities(_ s: String) -> String {
    guard s.utf8.contains(UInt8(ascii: "&")) else { return s }

    var s = s
    return s.withUTF8 { bytes in
      var output: [UInt8] = []
      output.reserveCapacity(bytes.count)
      var index = 0
      while index < bytes.count {
        if bytes[index] == UInt8(ascii: "&"),
          let reference = characterReference(in: bytes, at: index)
        {
          output.append(contentsOf: reference.text.utf8)
          index = reference.end
        } else {
          output.append(bytes[index])
          index += 1
        }
      }
      return String(decoding: output, as: UTF8.self)
    }
  }

  /// Parses the character reference that starts with the `&` at `start`. Returns the text it
  /// represents and the index after its `;`, or nil when it is incomplete or unknown.
  static func characterReference(in bytes: UnsafeBufferPointer<UInt8>, at start: Int)
    -> (text: String, end: Int)?
  {
    let nameStart = start + 1
    guard nameStart < bytes.count else { return nil }

    if bytes[nameStart] == UInt8(ascii: "#") {
      return numericReference(in: bytes, from: nameStart + 1)
    }

    // A run longer than the longest name in the table cannot be a known name, so the scan
    // stops there.
    var end = nameStart
    while end < bytes.count, end - nameStart <= maxEntityNameLength,
      isASCIIAlphanumeric(bytes[end])
    {
      end += 1
    }
    guard end > nameStart, end < bytes.count, bytes[end] == UInt8(ascii: ";") else {
      return nil
    }

    let name = String(
      decoding: UnsafeBufferPointer(rebasing: bytes[nameStart..<end]), as: UTF8.self)
    guard let text = namedEntities[name] else { return nil }
    return (text, end + 1)
  }

  private static let maxEntityNameLength = namedEntities.keys.map(\.utf8.count).max() ?? 0

  /// Parses the rest of `&#...;` or `&#x...;` from `afterHash`, the index after `#`.
  private static func numericReference(
    in bytes: UnsafeBufferPointer<UInt8>, from afterHash: Int
  ) -> (text: String, end: Int)? {
    var index = afterHash
    var radix: UInt32 = 10
    if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "x") {
      radix = 16
      index += 1
    }

    // Values past U+10FFFF saturate, so a long run of digits cannot overflow.
    let firstDigit = index
    var value: UInt32 = 0
    while index < bytes.count, let digit = digitValue(bytes[index], radix: radix) {
      value = min(value * radix + digit, 0x11_0000)
      index += 1
    }
    guard index > firstDigit, index < bytes.count, bytes[index] == UInt8(ascii: ";") else {
      return nil
    }

    return (String(Character(scalarForReference(value))), index + 1)
  }

  private static func scalarForReference(_ value: UInt32) -> Unicode.Scalar {
    if value >= 0x80 && value <= 0x9F {
      let replacement = windows1252C1[Int(value - 0x80)]
      if replacement != 0 {
        return Unicode.Scalar(replacement)!
      }
    }
    guard value != 0, let scalar = Unicode.Scalar(value) else {
      return "\u{FFFD}"
    }
    return scalar
  }

  private static func digitValue(_ byte: UInt8, radix: UInt32) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"):
      return UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16:
      return UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16:
      return UInt32(byte - UInt8(ascii: "A") + 10)
    default:
      return nil
    }
  }

  @inline(__always)
  static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
      UInt8(ascii: "A")...UInt8(ascii: "Z"):
      return true
    default:
      return false
    }
  }

  /// HTML named character references, keyed by name without `&` and `;`, and mapped to the
  /// character that each one represents. Names are case-sensitive, so `Eacute` is É and
  /// `eacute` is é.
  ///
  /// This is a subset of the HTML5 list: the XML five, the Latin-1 letters and symbols,
  /// typographic punctuation, the legacy uppercase names (`AMP`, `COPY`, `TRADE`, ...)
  /// and a few letters and arrows that job descriptions use.
  public static let namedEntities: [String: String] = [
    // XML predefined entities and their legacy uppercase forms.
    "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'",
    "AMP": "&", "LT": "<", "GT": ">", "QUOT": "\"",

    // Spaces and invisible formatting characters.
    "nbsp": "\u{00A0}", "ensp": "\u{2002}", "emsp": "\u{2003}", "thinsp": "\u{2009}",
    "zwnj": "\u{200C}", "zwj": "\u{200D}", "lrm": "\u{200E}", "rlm": "\u{200F}",
    "shy": "\u{00AD}",

    // Quotation marks, dashes and other punctuation.
    "lsquo": "\u{2018}", "rsquo": "\u{2019}", "sbquo": "\u{201A}",
    "ldquo": "\u{201C}", "rdquo": "\u{201D}", "bdquo": "\u{201E}",
    "laquo": "\u{00AB}", "raquo": "\u{00BB}", "lsaquo": "\u{2039}", "rsaquo": "\u{203A}",
    "ndash": "\u{2013}", "mdash": "\u{2014}", "hellip": "\u{2026}",
    "bull": "\u{2022}", "middot": "\u{00B7}", "dagger": "\u{2020}", "Dagger": "\u{2021}",
    "prime": "\u{2032}", "Prime": "\u{2033}", "permil": "\u{2030}",
    "iexcl": "\u{00A1}", "iquest": "\u{00BF}", "sect": "\u{00A7}", "para": "\u{00B6}",
    "brvbar": "\u{00A6}",

    // Legal, currency and measurement signs.
    "copy": "\u{00A9}", "COPY": "\u{00A9}", "reg": "\u{00AE}", "REG": "\u{00AE}",
    "trade": "\u{2122}", "TRADE": "\u{2122}",
    "euro": "\u{20AC}", "pound": "\u{00A3}", "yen": "\u{00A5}", "cent": "\u{00A2}",
    "curren": "\u{00A4}",
    "times": "\u{00D7}", "divide": "\u{00F7}", "plusmn": "\u{00B1}", "minus": "\u{2212}",
    "deg": "\u{00B0}", "micro": "\u{00B5}", "not": "\u{00AC}",
    "frac14": "\u{00BC}", "frac12": "\u{00BD}", "frac34": "\u{00BE}",
    "sup1": "\u{00B9}", "sup2": "\u{00B2}", "sup3": "\u{00B3}",
    "ordf": "\u{00AA}", "ordm": "\u{00BA}",

    // Spacing accents.
    "acute": "\u{00B4}", "cedil": "\u{00B8}", "uml": "\u{00A8}", "macr": "\u{00AF}",
    "circ": "\u{02C6}", "tilde": "\u{02DC}",

    // Arrows.
    "larr": "\u{2190}", "uarr": "\u{2191}", "rarr": "\u{2192}", "darr": "\u{2193}",
    "harr": "\u{2194}",

    // Latin-1 letters, lowercase and uppercase. `szlig` has no uppercase name.
    "agrave": "\u{00E0}", "Agrave": "\u{00C0}", "aacute": "\u{00E1}", "Aacute": "\u{00C1}",
    "acirc": "\u{00E2}", "Acirc": "\u{00C2}", "atilde": "\u{00E3}", "Atilde": "\u{00C3}",
    "auml": "\u{00E4}", "Auml": "\u{00C4}", "aring": "\u{00E5}", "Aring": "\u{00C5}",
    "aelig": "\u{00E6}", "AElig": "\u{00C6}", "ccedil": "\u{00E7}", "Ccedil": "\u{00C7}",
    "egrave": "\u{00E8}", "Egrave": "\u{00C8}", "eacute": "\u{00E9}", "Eacute": "\u{00C9}",
    "ecirc": "\u{00EA}", "Ecirc": "\u{00CA}", "euml": "\u{00EB}", "Euml": "\u{00CB}",
    "igrave": "\u{00EC}", "Igrave": "\u{00CC}", "iacute": "\u{00ED}", "Iacute": "\u{00CD}",
    "icirc": "\u{00EE}", "Icirc": "\u{00CE}", "iuml": "\u{00EF}", "Iuml": "\u{00CF}",
    "eth": "\u{00F0}", "ETH": "\u{00D0}", "ntilde": "\u{00F1}", "Ntilde": "\u{00D1}",
    "ograve": "\u{00F2}", "Ograve": "\u{00D2}", "oacute": "\u{00F3}", "Oacute": "\u{00D3}",
    "ocirc": "\u{00F4}", "Ocirc": "\u{00D4}", "otilde": "\u{00F5}", "Otilde": "\u{00D5}",
    "ouml": "\u{00F6}", "Ouml": "\u{00D6}", "oslash": "\u{00F8}", "Oslash": "\u{00D8}",
    "ugrave": "\u{00F9}", "Ugrave": "\u{00D9}", "uacute": "\u{00FA}", "Uacute": "\u{00DA}",
    "ucirc": "\u{00FB}", "Ucirc": "\u{00DB}", "uuml": "\u{00FC}", "Uuml": "\u{00DC}",
    "yacute": "\u{00FD}", "Yacute": "\u{00DD}", "thorn": "\u{00FE}", "THORN": "\u{00DE}",
    "yuml": "\u{00FF}", "Yuml": "\u{0178}", "szlig": "\u{00DF}",

    // Latin Extended letters with HTML names.
    "oelig": "\u{0153}", "OElig": "\u{0152}", "scaron": "\u{0161}", "Scaron": "\u{0160}",
    "fnof": "\u{0192}",
  ]

  /// The characters that HTML substitutes for the numeric references `&#128;` to `&#159;`,
  /// which are C1 controls in Unicode but Windows-1252 punctuation in real documents.
  /// A zero entry means the code is unassigned in Windows-1252 and stays a control.
  static let windows1252C1: [UInt32] = [
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
  ]
}
