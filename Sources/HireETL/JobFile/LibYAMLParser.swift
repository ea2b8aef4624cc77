import CYAML

/// A libyaml parser event, copied into Swift values so that no C memory outlives the call that
/// produced it.
enum LibYAMLEvent {
  case streamStart
  case streamEnd
  case documentStart(SourceMark)
  case documentEnd
  case alias(anchor: String, mark: SourceMark)
  case scalar(YAMLScalar, anchor: String?, tag: String?)
  case sequenceStart(anchor: String?, tag: String?, mark: SourceMark)
  case sequenceEnd
  case mappingStart(anchor: String?, tag: String?, mark: SourceMark)
  case mappingEnd
}

/// Owner of one libyaml parser and of the input copy it reads. `deinit` frees both exactly once.
///
/// The parser is forced to UTF-8, so the caller must strip a UTF-8 byte order mark first. libyaml
/// 0.2.5 would otherwise skip the mark as a character and shift every column of line 1 by one.
struct LibYAMLParser: ~Copyable {
  // The parser stays at one heap address because libyaml keeps a pointer to it in
  // `read_handler_data`.
  private let parser: UnsafeMutablePointer<yaml_parser_t>
  private let input: UnsafeMutableBufferPointer<UInt8>

  init(utf8 bytes: some Collection<UInt8>) throws(YAMLError) {
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    guard yaml_parser_initialize(parser) != 0 else {
      parser.deallocate()
      throw YAMLError(
        mark: SourceMark(line: 1, column: 1),
        message: "libyaml failed to initialize its parser because it ran out of memory")
    }

    let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
    _ = input.initialize(from: bytes)
    yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
    yaml_parser_set_input_string(parser, input.baseAddress, input.count)

    self.parser = parser
    self.input = input
  }

  deinit {
    yaml_parser_delete(parser)
    parser.deallocate()
    input.deallocate()
  }

  /// Parses the next event, or throws libyaml's error. Call no more after a throw or `.streamEnd`.
  func nextEvent() throws(YAMLError) -> LibYAMLEvent {
    var event = yaml_event_t()
    guard yaml_parser_parse(parser, &event) != 0 else {
      throw currentError()
    }
    defer { yaml_event_delete(&event) }
    return Self.copy(event)
  }

  private static func copy(_ event: yaml_event_t) -> LibYAMLEvent {
    let mark = sourceMark(event.start_mark)

    switch event.type {
    case YAML_STREAM_START_EVENT:
      return .streamStart
    case YAML_DOCUMENT_START_EVENT:
      return .documentStart(mark)
    case YAML_DOCUMENT_END_EVENT:
      return .documentEnd
    case YAML_ALIAS_EVENT:
      return .alias(anchor: string(event.data.alias.anchor) ?? "", mark: mark)
    case YAML_SCALAR_EVENT:
      let data = event.data.scalar
      let text = String(
        decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
      let scalar = YAMLScalar(text: text, style: style(data.style), mark: mark)
      return .scalar(scalar, anchor: string(data.anchor), tag: string(data.tag))
    case YAML_SEQUENCE_START_EVENT:
      let data = event.data.sequence_start
      return .sequenceStart(anchor: string(data.anchor), tag: string(data.tag), mark: mark)
    case YAML_SEQUENCE_END_EVENT:
      return .sequenceEnd
    case YAML_MAPPING_START_EVENT:
      let data = event.data.mapping_start
      return .mappingStart(anchor: string(data.anchor), tag: string(data.tag), mark: mark)
    case YAML_MAPPING_END_EVENT:
      return .mappingEnd
    default:
      // YAML_STREAM_END_EVENT, and YAML_NO_EVENT, which libyaml emits only after the stream end.
      return .streamEnd
    }
  }

  private static func sourceMark(_ mark: yaml_mark_t) -> SourceMark {
    SourceMark(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
  }

  private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    pointer.map { String(cString: $0) }
  }

  private static func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
    switch style {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
    case YAML_LITERAL_SCALAR_STYLE: .literal
    case YAML_FOLDED_SCALAR_STYLE: .folded
    default: .plain
    }
  }

  /// Converts the parser's error state into a `YAMLError`. This is the only place that reads
  /// libyaml's error fields.
  private func currentError() -> YAMLError {
    let state = parser.pointee
    let problem = state.problem.map { String(cString: $0) }

    switch state.error {
    case YAML_MEMORY_ERROR:
      return YAMLError(
        mark: SourceMark(line: 1, column: 1), message: "libyaml ran out of memory")

    case YAML_READER_ERROR:
      // libyaml leaves `problem_mark` unset for reader errors and reports a byte offset.
      var message = problem ?? "the input could not be decoded as UTF-8"
      if state.problem_value != -1 {
        let hex = String(state.problem_value, radix: 16, uppercase: true)
        message += " (0x\(hex.count < 2 ? "0" + hex : hex))"
      }
      return YAMLError(mark: mark(ofByteOffset: Int(state.problem_offset)), message: message)

    default:
      let mark = Self.sourceMark(state.problem_mark)
      var message = problem ?? "libyaml failed to parse the input"
      if let context = state.context.map({ String(cString: $0) }) {
        message += " \(context)"
        let contextMark = Self.sourceMark(state.context_mark)
        if contextMark != mark {
          message += " that starts at \(contextMark)"
        }
      }
      if firstByte(ofCharacterAt: mark) == UInt8(ascii: "\t") {
        message += ". The character there is a tab, and YAML indentation must use spaces"
      } else if let hint = Self.hint(
        problem: problem, context: state.context.map { String(cString: $0) }, line: mark.line)
      {
        message += hint
      }
      return YAMLError(mark: mark, message: message)
    }
  }

  /// Returns a sentence that explains libyaml's two least clear syntax errors in job-file terms,
  /// or nil for any other error.
  private static func hint(problem: String?, context: String?, line: Int) -> String? {
    switch (problem, context) {
    case ("did not find expected ',' or '}'", "while parsing a flow mapping"):
      return ". Inside `{ ... }`, a value that contains `{`, `}`, `,` or `: ` must be quoted, "
        + "as in `{ path: \"warehouse/{date}/x.csv\" }`"
    case ("did not find expected key", "while parsing a block mapping"):
      return ". The indentation of line \(line) does not match the keys above it, so indent it "
        + "like them, with spaces only"
    default:
      return nil
    }
  }

  /// Returns the mark of the character that contains byte `offset` of the input.
  private func mark(ofByteOffset offset: Int) -> SourceMark {
    var found = SourceMark(line: 1, column: 1)
    walkCharacters { characterOffset, mark in
      if characterOffset > offset {
        return true
      }
      found = mark
      return false
    }
    return found
  }

  /// Returns the first UTF-8 byte of the character at `mark`, or nil if no character is there.
  private func firstByte(ofCharacterAt mark: SourceMark) -> UInt8? {
    var found: UInt8?
    walkCharacters { offset, characterMark in
      if characterMark == mark, offset < input.count {
        found = input[offset]
      }
      return characterMark.line > mark.line || characterMark == mark
    }
    return found
  }

  /// Calls `body` with the byte offset and mark of each character until it returns true, and
  /// once more at the end of the input. Line breaks follow libyaml 0.2.5: LF, CR, CR LF, and the
  /// UTF-8 encodings of NEL, LS and PS.
  private func walkCharacters(_ body: (Int, SourceMark) -> Bool) {
    var offset = 0
    var line = 1
    var column = 1

    while offset < input.count {
      if body(offset, SourceMark(line: line, column: column)) {
        return
      }

      let breakWidth = lineBreakWidth(at: offset)
      if breakWidth > 0 {
        offset += breakWidth
        line += 1
        column = 1
      } else {
        offset += utf8Width(leadingByte: input[offset])
        column += 1
      }
    }
    _ = body(input.count, SourceMark(line: line, column: column))
  }

  private func lineBreakWidth(at offset: Int) -> Int {
    func byte(_ index: Int) -> UInt8? { index < input.count ? input[index] : nil }

    switch input[offset] {
    case UInt8(ascii: "\n"):
      return 1
    case UInt8(ascii: "\r"):
      return byte(offset + 1) == UInt8(ascii: "\n") ? 2 : 1
    case 0xC2 where byte(offset + 1) == 0x85:
      return 2
    case 0xE2 where byte(offset + 1) == 0x80 && [0xA8, 0xA9].contains(byte(offset + 2)):
      return 3
    default:
      return 0
    }
  }

  private func utf8Width(leadingByte byte: UInt8) -> Int {
    switch byte {
    case 0xF0...0xF7: 4
    case 0xE0...0xEF: 3
    case 0xC0...0xDF: 2
    default: 1
    }
  }
}
