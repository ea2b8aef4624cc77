/// A practical syntax check of e-mail addresses in imported candidate data. It accepts fewer
/// forms than RFC 5322, and it also accepts internationalized addresses as in RFC 6531.
public enum EmailAddress {
  /// Returns whether `s`, already trimmed, has the syntax of a usable address. The domain is
  /// not looked up.
  ///
  /// It needs exactly one `@` and at most 254 bytes of UTF-8. The local part has 1–64 bytes
  /// of letters, digits, ``!#$%&'*+-/=?^_`{|}~``, non-ASCII characters and dots, with no dot
  /// at either end and no two in a row. Quoted local parts ("john doe"@example.com) are
  /// rejected, although RFC 5322 allows them.
  ///
  /// The domain has two or more labels of letters, digits and hyphens, with no hyphen at
  /// either end of a label. Letters, marks and digits in any script are accepted for IDN,
  /// and ASCII labels have at most 63 bytes. The last label is not all digits, so IP
  /// addresses and domain literals ("[192.0.2.1]") are rejected. Spaces, control, format
  /// (such as U+200B), private-use and unassigned characters are rejected anywhere.
  public static func isValid(_ s: String) -> Bool {
    let utf8 = s.utf8
    guard utf8.count <= 254, let at = utf8.firstIndex(of: UInt8(ascii: "@")) else {
      return false
    }
    let localLength = utf8.distance(from: utf8.startIndex, to: at)
    guard localLength >= 1 && localLength <= 64 else { return false }

    // `at` and the index after it are scalar boundaries, because `@` is ASCII.
    let scalars = s.unicodeScalars
    return isValidLocalPart(scalars[..<at]) && isValidDomain(scalars[utf8.index(after: at)...])
  }

  private static func isValidLocalPart(_ local: Substring.UnicodeScalarView) -> Bool {
    var previousWasDot = true  // Rejects a leading dot like a doubled one.
    for scalar in local {
      if scalar == "." {
        guard !previousWasDot else { return false }
        previousWasDot = true
        continue
      }
      previousWasDot = false

      if scalar.isASCII {
        guard isASCIIAlphanumeric(scalar) || isLocalPartSymbol(scalar) else { return false }
      } else if !isVisibleNonASCII(scalar) {
        return false
      }
    }
    return !previousWasDot
  }

  /// Returns whether `scalar` is one of the ASCII symbols that RFC 5322 allows in an
  /// unquoted local part ("atext").
  private static func isLocalPartSymbol(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "!", "#", "$", "%", "&", "'", "*", "+", "-", "/", "=", "?", "^", "_", "`", "{", "|", "}",
      "~":
      return true
    default:
      return false
    }
  }

  /// Checks the labels in one pass. A second `@` fails as a character no label may have.
  private static func isValidDomain(_ domain: Substring.UnicodeScalarView) -> Bool {
    var labelCount = 0
    var label = LabelState()

    for scalar in domain {
      if scalar == "." {
        guard label.isValid else { return false }
        labelCount += 1
        label = LabelState()
        continue
      }

      if scalar.isASCII {
        guard isASCIIAlphanumeric(scalar) || scalar == "-" else { return false }
      } else {
        guard isIDNCharacter(scalar) else { return false }
        label.isASCII = false
      }
      label.isNumeric = label.isNumeric && scalar.value >= 0x30 && scalar.value <= 0x39
      if label.first == nil {
        label.first = scalar
      }
      label.last = scalar
      label.length += 1
    }

    // The last label is the top-level domain.
    return label.isValid && labelCount >= 1 && !label.isNumeric
  }

  private struct LabelState {
    var first: Unicode.Scalar?
    var last: Unicode.Scalar?
    var length = 0
    var isASCII = true
    var isNumeric = true

    /// Whether the label is non-empty and has no hyphen at either end, and an ASCII label
    /// has at most 63 characters.
    ///
    /// NOTE: The 63-byte limit applies to the Punycode form of a non-ASCII label, which
    /// this check does not compute, so such labels have no length check.
    var isValid: Bool {
      guard let first, let last, first != "-", last != "-" else { return false }
      return !isASCII || length <= 63
    }
  }

  private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A:
      return true
    default:
      return false
    }
  }

  /// Returns whether the non-ASCII `scalar` is a letter, mark or decimal digit.
  private static func isIDNCharacter(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber:
      return true
    default:
      return false
    }
  }

  /// Returns whether the non-ASCII `scalar` is assigned, visible and not a space.
  private static func isVisibleNonASCII(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .spaceSeparator,
      .lineSeparator, .paragraphSeparator:
      return false
    default:
      return true
    }
  }
}
