import Testing

@testable import HireETL

/// One record that a CSV case expects.
struct CSVExpectedRow: Sendable {
  var line: Int
  var cells: [String]
  var problems: [RecordProblem]
}

/// CSV bytes and the header, records and blank-row count that reading them must give.
struct CSVCase: Sendable, CustomTestStringConvertible {
  var name: String
  var input: [UInt8]
  var path = "input.csv"
  var options = CSVOptions()
  var header: [String]
  var rows: [CSVExpectedRow]
  var blankSkipped = 0
  var encoding = TextEncoding.utf8
  var notes: [String] = []

  var testDescription: String { name }
}

/// CSV bytes that must stop the read with a `ReaderFailure`.
struct CSVFailureCase: Sendable, CustomTestStringConvertible {
  var name: String
  var input: [UInt8]
  var options = CSVOptions()
  var failure: ReaderFailure

  var testDescription: String { name }
}

private func row(_ line: Int, _ cells: [String], _ problems: RecordProblem...) -> CSVExpectedRow {
  CSVExpectedRow(line: line, cells: cells, problems: problems)
}

private func quoteProblem(_ message: String) -> RecordProblem {
  RecordProblem(field: nil, rule: "csv_quote", message: message)
}

private func columnsProblem(_ message: String) -> RecordProblem {
  RecordProblem(field: nil, rule: "csv_columns", message: message)
}

private func options(_ change: (inout CSVOptions) -> Void) -> CSVOptions {
  var options = CSVOptions()
  change(&options)
  return options
}

private func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Quoting, line breaks and line numbers.
private let csvSyntaxCases: [CSVCase] = [
  CSVCase(
    name: "quoted delimiter and doubled quote",
    input: utf8("name,note\n\"Smith, Ann\",\"say \"\"hi\"\"\"\n"),
    header: ["name", "note"],
    rows: [row(2, ["Smith, Ann", "say \"hi\""])]),
  CSVCase(
    name: "empty quoted and unquoted cells",
    input: utf8("a,b,c\n\"\",,x\n"),
    header: ["a", "b", "c"],
    rows: [row(2, ["", "", "x"])]),
  CSVCase(
    name: "LF inside quoted field",
    input: utf8("a,b\n1,\"x\ny\"\n2,z\n"),
    header: ["a", "b"],
    rows: [row(2, ["1", "x\ny"]), row(4, ["2", "z"])]),
  CSVCase(
    name: "CRLF inside quoted field",
    input: utf8("a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n"),
    header: ["a", "b"],
    rows: [row(2, ["1", "x\r\ny"]), row(4, ["2", "z"])]),
  CSVCase(
    name: "lone CR inside quoted field",
    input: utf8("a,b\r1,\"x\ry\"\r2,z\r"),
    header: ["a", "b"],
    rows: [row(2, ["1", "x\ry"]), row(4, ["2", "z"])]),
  CSVCase(
    name: "CRLF ends records",
    input: utf8("a,b\r\n1,2\r\n3,4\r\n"),
    header: ["a", "b"],
    rows: [row(2, ["1", "2"]), row(3, ["3", "4"])]),
  CSVCase(
    name: "LF ends records",
    input: utf8("a,b\n1,2\n3,4\n"),
    header: ["a", "b"],
    rows: [row(2, ["1", "2"]), row(3, ["3", "4"])]),
  CSVCase(
    name: "lone CR ends records",
    input: utf8("a,b\r1,2\r3,4"),
    header: ["a", "b"],
    rows: [row(2, ["1", "2"]), row(3, ["3", "4"])]),
  CSVCase(
    name: "mixed line breaks",
    input: utf8("a\r\n1\n2\r3\r\n4"),
    header: ["a"],
    rows: [row(2, ["1"]), row(3, ["2"]), row(4, ["3"]), row(5, ["4"])]),
  CSVCase(
    name: "CR then CRLF is blank line",
    input: utf8("a\r\r\n1\r\n"),
    header: ["a"],
    rows: [row(3, ["1"])],
    blankSkipped: 1),
  CSVCase(
    name: "quoted field ends record",
    input: utf8("a,b\n1,\"x\"\r\n2,\"y\"\r3,\"z\""),
    header: ["a", "b"],
    rows: [row(2, ["1", "x"]), row(3, ["2", "y"]), row(4, ["3", "z"])]),
  CSVCase(
    name: "blank CRLF line between records",
    input: utf8("a,b\r\n1,\"x\ny\"\r\n\r\n3,4"),
    header: ["a", "b"],
    rows: [row(2, ["1", "x\ny"]), row(5, ["3", "4"])],
    blankSkipped: 1),
  CSVCase(
    name: "lines after multi-line fields",
    input: utf8("id,notes\n1,\"first\nsecond\nthird\"\n2,\"a\r\nb\"\n3,\"c\rd\"\n4,plain\n"),
    header: ["id", "notes"],
    rows: [
      row(2, ["1", "first\nsecond\nthird"]),
      row(5, ["2", "a\r\nb"]),
      row(7, ["3", "c\rd"]),
      row(9, ["4", "plain"]),
    ]),
  CSVCase(
    name: "doubled quote before line break",
    input: utf8("a,b\n1,\"x\r\"\"\ny\"\n2,z\n"),
    header: ["a", "b"],
    rows: [row(2, ["1", "x\r\"\ny"]), row(5, ["2", "z"])]),
  CSVCase(
    name: "multi-line header cell",
    input: utf8("\"first\nname\",city\nAnn,Oslo\n"),
    header: ["first\nname", "city"],
    rows: [row(3, ["Ann", "Oslo"])]),
  CSVCase(
    name: "no final line break",
    input: utf8("a,b\n1,2"),
    header: ["a", "b"],
    rows: [row(2, ["1", "2"])]),
  CSVCase(
    name: "non-ASCII text kept",
    input: utf8("name,city\nZoë,Kraków\n李,😀\n"),
    header: ["name", "city"],
    rows: [row(2, ["Zoë", "Kraków"]), row(3, ["李", "😀"])]),
  CSVCase(
    name: "values never guessed as numbers",
    input: utf8("id,phone,count,rate,amount,flag\n007,+44 20 7946 0000,1e3,0.10,\"1,000\",TRUE\n"),
    header: ["id", "phone", "count", "rate", "amount", "flag"],
    rows: [row(2, ["007", "+44 20 7946 0000", "1e3", "0.10", "1,000", "TRUE"])]),
  CSVCase(
    name: "values keep their spaces",
    input: utf8("id,name\n 1 , Ann \n"),
    header: ["id", "name"],
    rows: [row(2, [" 1 ", " Ann "])]),
]

/// The header row: byte order marks, trimming, empty cells, `sep=` lines and `header_row`.
private let csvHeaderCases: [CSVCase] = [
  CSVCase(
    name: "UTF-8 byte order mark stripped",
    input: [0xEF, 0xBB, 0xBF] + utf8("id,name\n1,Ann\n"),
    header: ["id", "name"],
    rows: [row(2, ["1", "Ann"])]),
  CSVCase(
    name: "header names trimmed",
    input: utf8("  id ,\tname\t,\u{00A0}email  \n1,Ann,a@example.com\n"),
    options: options { $0.delimiter = UInt8(ascii: ",") },
    header: ["id", "name", "email"],
    rows: [row(2, ["1", "Ann", "a@example.com"])]),
  CSVCase(
    name: "empty trailing header cells ignored",
    input: utf8("id,name,,\n1,Ann,,\n2,Bo\n3,Cy,\n"),
    header: ["id", "name"],
    rows: [row(2, ["1", "Ann", "", ""]), row(3, ["2", "Bo"]), row(4, ["3", "Cy", ""])]),
  CSVCase(
    name: "empty middle header cell named",
    input: utf8("id,,name\n1,x,Ann\n"),
    header: ["id", "column_2", "name"],
    rows: [row(2, ["1", "x", "Ann"])]),
  CSVCase(
    name: "duplicate names numbered",
    input: utf8("email,name, email ,email\na,b,c,d\n"),
    options: options { $0.duplicateColumns = .number },
    header: ["email", "name", "email_2", "email_3"],
    rows: [row(2, ["a", "b", "c", "d"])]),
  CSVCase(
    name: "numbered name skips taken name",
    input: utf8("email,email,email_2\na,b,c\n"),
    options: options { $0.duplicateColumns = .number },
    header: ["email", "email_3", "email_2"],
    rows: [row(2, ["a", "b", "c"])]),
  CSVCase(
    name: "Excel sep line honoured",
    input: utf8("sep=;\nname;city\nAnn;Oslo, Norway\nBo;Rome\n"),
    header: ["name", "city"],
    rows: [row(3, ["Ann", "Oslo, Norway"]), row(4, ["Bo", "Rome"])]),
  CSVCase(
    name: "job delimiter wins over sep line",
    input: utf8("sep=;\nname,city\nAnn,Oslo; Norway\n"),
    options: options { $0.delimiter = UInt8(ascii: ",") },
    header: ["name", "city"],
    rows: [row(3, ["Ann", "Oslo; Norway"])]),
  CSVCase(
    name: "Excel sep line with CRLF",
    input: utf8("SEP=|\r\nname|city\r\nAnn|Oslo, Norway\r\n"),
    header: ["name", "city"],
    rows: [row(3, ["Ann", "Oslo, Norway"])]),
  CSVCase(
    name: "Excel sep line after BOM",
    input: [0xEF, 0xBB, 0xBF] + utf8("sep=,\nname;x,city\nAnn;y,Oslo\n"),
    header: ["name;x", "city"],
    rows: [row(3, ["Ann;y", "Oslo"])]),
  CSVCase(
    name: "sep-like header not skipped",
    input: utf8("sep=x,name\n1,Ann\n"),
    header: ["sep=x", "name"],
    rows: [row(2, ["1", "Ann"])]),
  CSVCase(
    name: "header row 2",
    input: utf8("Candidates exported 2024-05-01\nid,name\n1,Ann\n2,Bo\n"),
    options: options { $0.headerRow = 2 },
    header: ["id", "name"],
    rows: [row(3, ["1", "Ann"]), row(4, ["2", "Bo"])]),
  CSVCase(
    name: "header row 2 sniffs semicolon",
    input: utf8("Candidates, May 2024\nid;name\n1;Ann\n2;Bo\n"),
    options: options { $0.headerRow = 2 },
    header: ["id", "name"],
    rows: [row(3, ["1", "Ann"]), row(4, ["2", "Bo"])]),
  CSVCase(
    name: "header row 3 below blank row",
    input: utf8("Candidates, May 2024\r\n\r\nid;name\r\n1;Ann\r\n"),
    options: options { $0.headerRow = 3 },
    header: ["id", "name"],
    rows: [row(4, ["1", "Ann"])]),
  CSVCase(
    name: "header row 0 numbers columns",
    input: utf8("1,Ann\n2,Bo\n"),
    options: options { $0.headerRow = 0 },
    header: ["column_1", "column_2"],
    rows: [row(1, ["1", "Ann"]), row(2, ["2", "Bo"])]),
  CSVCase(
    name: "header row 0 after blank row",
    input: utf8(",\n1,Ann\n2,Bo,x\n"),
    options: options { $0.headerRow = 0 },
    header: ["column_1", "column_2"],
    rows: [
      row(2, ["1", "Ann"]),
      row(3, ["2", "Bo", "x"], columnsProblem("line 3 has 3 fields but the header has 2")),
    ],
    blankSkipped: 1),
]

/// Choosing the delimiter.
private let csvDelimiterCases: [CSVCase] = [
  CSVCase(
    name: "comma sniffed",
    input: utf8("name,city\nAnn,Oslo\n"),
    header: ["name", "city"],
    rows: [row(2, ["Ann", "Oslo"])]),
  CSVCase(
    name: "semicolon sniffed",
    input: utf8("name;amount\nAnn;1,5\nBo;2,25\n"),
    header: ["name", "amount"],
    rows: [row(2, ["Ann", "1,5"]), row(3, ["Bo", "2,25"])]),
  CSVCase(
    name: "tab sniffed",
    input: utf8("name\tnote\nAnn\ta, b; c\n"),
    header: ["name", "note"],
    rows: [row(2, ["Ann", "a, b; c"])]),
  CSVCase(
    name: "pipe sniffed",
    input: utf8("name|note\nAnn|a, b\n"),
    header: ["name", "note"],
    rows: [row(2, ["Ann", "a, b"])]),
  CSVCase(
    name: "quoted commas ignored by sniffing",
    input: utf8("\"last, first\";city\n\"Doe, Ann\";Oslo\n"),
    header: ["last, first", "city"],
    rows: [row(2, ["Doe, Ann", "Oslo"])]),
  CSVCase(
    name: "consistent count wins sniffing",
    input: utf8("a,b,c;d\n1,2;3\n4,5;6\n"),
    header: ["a,b,c", "d"],
    rows: [row(2, ["1,2", "3"]), row(3, ["4,5", "6"])]),
  CSVCase(
    name: "single column defaults to comma",
    input: utf8("email\na@example.com\n"),
    header: ["email"],
    rows: [row(2, ["a@example.com"])]),
  CSVCase(
    name: "tsv path defaults to tab",
    input: utf8("a,b\tc\n1,2\t3\n"),
    path: "people.TSV",
    header: ["a,b", "c"],
    rows: [row(2, ["1,2", "3"])]),
  CSVCase(
    name: "delimiter option beats sniffing",
    input: utf8("a,b;c\n1,2;3\n"),
    options: options { $0.delimiter = UInt8(ascii: ";") },
    header: ["a,b", "c"],
    rows: [row(2, ["1,2", "3"])]),
]

/// Blank rows, rows of the wrong width, and quote faults that leave later records readable.
private let csvRowCases: [CSVCase] = [
  CSVCase(
    name: "all-empty rows skipped",
    input: utf8("a,b\n1,2\n,\n\n\"\",\"\"\r\n3,4\n\n"),
    header: ["a", "b"],
    rows: [row(2, ["1", "2"]), row(6, ["3", "4"])],
    blankSkipped: 4),
  CSVCase(
    name: "fewer fields than header",
    input: utf8("a,b,c\n1,2\n4,5,6\n"),
    header: ["a", "b", "c"],
    rows: [
      row(2, ["1", "2"], columnsProblem("line 2 has 2 fields but the header has 3")),
      row(3, ["4", "5", "6"]),
    ]),
  CSVCase(
    name: "more fields than header",
    input: utf8("a,b\n1,2,3\n4,5\n"),
    header: ["a", "b"],
    rows: [
      row(2, ["1", "2", "3"], columnsProblem("line 2 has 3 fields but the header has 2")),
      row(3, ["4", "5"]),
    ]),
  CSVCase(
    name: "value under empty header cell",
    input: utf8("id,name,,\n1,Ann,,x\n2,Bo,,\n"),
    header: ["id", "name"],
    rows: [
      row(2, ["1", "Ann", "", "x"], columnsProblem("line 2 has 4 fields but the header has 2")),
      row(3, ["2", "Bo", "", ""]),
    ]),
  CSVCase(
    name: "stray quote in unquoted field",
    input: utf8("name,size\nZoë,5\" disk\nBo,7\n"),
    header: ["name", "size"],
    rows: [
      row(
        2, ["Zoë", "5\" disk"],
        quoteProblem(
          "line 2, column 6: a quote inside a field that does not start with a quote; quote the "
            + "whole field and double the inner quote, or set `lenient_quotes: true`")),
      row(3, ["Bo", "7"]),
    ]),
  CSVCase(
    name: "stray quote after multi-line field",
    input: utf8("id,notes,size\n1,\"a\nb\",5\"\n2,c,7\n"),
    header: ["id", "notes", "size"],
    rows: [
      row(
        2, ["1", "a\nb", "5\""],
        quoteProblem(
          "line 3, column 5: a quote inside a field that does not start with a quote; quote the "
            + "whole field and double the inner quote, or set `lenient_quotes: true`")),
      row(4, ["2", "c", "7"]),
    ]),
  CSVCase(
    name: "text after closing quote",
    input: utf8("name,city\n\"Ann\" x,Oslo\nBo,Rome\n"),
    header: ["name", "city"],
    rows: [
      row(
        2, ["Ann x", "Oslo"],
        quoteProblem(
          "line 2, column 6: text after the closing quote of a field; a field is either wholly "
            + "quoted or not quoted, or set `lenient_quotes: true`")),
      row(3, ["Bo", "Rome"]),
    ]),
  CSVCase(
    name: "padding after closing quote",
    input: utf8("name,city\n\"Ann\"  ,Oslo\n\"Bo\"\t\r\n"),
    header: ["name", "city"],
    rows: [
      row(2, ["Ann", "Oslo"]),
      row(3, ["Bo"], columnsProblem("line 3 has 1 field but the header has 2")),
    ]),
  CSVCase(
    name: "lenient quotes keep quote",
    input: utf8("name,size\nAnn,5\" disk\n\"Bo\"b,7\n"),
    options: options { $0.lenientQuotes = true },
    header: ["name", "size"],
    rows: [row(2, ["Ann", "5\" disk"]), row(3, ["Bob", "7"])]),
  CSVCase(
    name: "unclosed quote at end",
    input: utf8("name,note\nAnn,ok\nBo,\"open\nCy,x\n"),
    header: ["name", "note"],
    rows: [
      row(2, ["Ann", "ok"]),
      row(
        3, ["Bo", "open\nCy,x\n"],
        quoteProblem(
          "the quoted field that starts on line 3 is never closed, so it takes in everything "
            + "up to the end of the input (line 4)")),
    ]),
  CSVCase(
    name: "unclosed quote after multi-line field",
    input: utf8("id,notes,more\n1,\"a\nb\",\"open\nend"),
    header: ["id", "notes", "more"],
    rows: [
      row(
        2, ["1", "a\nb", "open\nend"],
        quoteProblem(
          "the quoted field that starts on line 3 is never closed, so it takes in everything "
            + "up to the end of the input (line 4)"))
    ]),
  CSVCase(
    name: "field at size limit accepted",
    input: utf8("name,note\nAnn,12345678\nBo,\"1234\"\"678\"\n"),
    options: options { $0.fieldSizeLimit = 8 },
    header: ["name", "note"],
    rows: [row(2, ["Ann", "12345678"]), row(3, ["Bo", "1234\"678"])]),
]

/// Decoding: byte order marks, UTF-16, and the Windows-1252 fallback.
private let csvEncodingCases: [CSVCase] = [
  CSVCase(
    name: "UTF-16 LE with emoji",
    input: utf16Bytes("name,note\r\nZoë,😀 ok 🎉\r\n", bigEndian: false),
    header: ["name", "note"],
    rows: [row(2, ["Zoë", "😀 ok 🎉"])],
    encoding: .utf16LE),
  CSVCase(
    name: "UTF-16 BE with emoji",
    input: utf16Bytes("name,note\n\"😀\n𝄞\",x\n", bigEndian: true),
    header: ["name", "note"],
    rows: [row(2, ["😀\n𝄞", "x"])],
    encoding: .utf16BE),
  CSVCase(
    name: "UTF-16 with explicit encoding",
    input: Array(utf16Bytes("a,b\n1,é\n", bigEndian: false).dropFirst(2)),
    options: options { $0.encoding = .utf16LE },
    header: ["a", "b"],
    rows: [row(2, ["1", "é"])],
    encoding: .utf16LE),
  CSVCase(
    name: "auto falls back to Windows-1252",
    input: utf8("name,city\nO") + [0x92] + utf8("Brien,Ren") + [0xE9] + utf8("e\n€,x\n"),
    header: ["name", "city"],
    rows: [row(2, ["O’Brien", "Renée"]), row(3, ["â‚¬", "x"])],
    encoding: .windows1252,
    notes: ["invalid UTF-8 on line 2 (byte offset 11); read the file from there on as Windows-1252"]
  ),
  CSVCase(
    name: "fallback keeps earlier UTF-8",
    input: utf8("name\nZoë\nRen") + [0xE9],
    header: ["name"],
    rows: [row(2, ["Zoë"]), row(3, ["René"])],
    encoding: .windows1252,
    notes: ["invalid UTF-8 on line 3 (byte offset 13); read the file from there on as Windows-1252"]
  ),
  CSVCase(
    name: "fallback offset counts BOM",
    input: [0xEF, 0xBB, 0xBF] + utf8("name\n") + [0x80],
    header: ["name"],
    rows: [row(2, ["€"])],
    encoding: .windows1252,
    notes: ["invalid UTF-8 on line 2 (byte offset 8); read the file from there on as Windows-1252"]),
  CSVCase(
    name: "fallback line counts CRLF and CR once",
    // The CR LF after "Bobby" straddles two 8-byte words when the input comes in one read.
    input: utf8("name\r\nAnn\rBobby\r\n\"Cy\nDi\"\nEdward\n") + [0xE9] + utf8("\n"),
    header: ["name"],
    rows: [
      row(2, ["Ann"]), row(3, ["Bobby"]), row(4, ["Cy\nDi"]), row(6, ["Edward"]), row(7, ["é"]),
    ],
    encoding: .windows1252,
    notes: ["invalid UTF-8 on line 7 (byte offset 32); read the file from there on as Windows-1252"]
  ),
  CSVCase(
    name: "UTF-16 LE without byte order mark",
    input: Array(utf16Bytes("name,note\nZoë,ok\n", bigEndian: false).dropFirst(2)),
    options: options { $0.encoding = .utf16 },
    header: ["name", "note"],
    rows: [row(2, ["Zoë", "ok"])],
    encoding: .utf16LE),
  CSVCase(
    name: "UTF-16 BE without byte order mark",
    input: Array(utf16Bytes("name,note\nZoë,ok\n", bigEndian: true).dropFirst(2)),
    options: options { $0.encoding = .utf16 },
    header: ["name", "note"],
    rows: [row(2, ["Zoë", "ok"])],
    encoding: .utf16BE),
  CSVCase(
    name: "UTF-16 BE without mark, first character not Latin",
    input: Array(utf16Bytes("名,note\nZoë,ok\n", bigEndian: true).dropFirst(2)),
    options: options { $0.encoding = .utf16 },
    header: ["名", "note"],
    rows: [row(2, ["Zoë", "ok"])],
    encoding: .utf16BE),
  CSVCase(
    name: "auto notes UTF-16 without byte order mark",
    // Read as UTF-8, the NUL bytes stay in the text, so only the note shows the problem.
    input: Array(utf16Bytes("a\n", bigEndian: false).dropFirst(2)),
    header: ["a\0"],
    rows: [row(2, ["\0"])],
    notes: [
      "the file starts with NUL bytes between its characters, so it looks like UTF-16 without "
        + "a byte order mark; set `encoding: utf-16` to read it"
    ]),
  CSVCase(
    name: "explicit Windows-1252",
    input: utf8("name\n") + [0x80, 0x93, 0x81, 0xE9],
    options: options { $0.encoding = .windows1252 },
    header: ["name"],
    rows: [row(2, ["€“\u{81}é"])],
    encoding: .windows1252),
  CSVCase(
    name: "explicit Latin-1",
    input: utf8("name\n") + [0x92, 0xE9, 0xFF],
    options: options { $0.encoding = .latin1 },
    header: ["name"],
    rows: [row(2, ["\u{92}éÿ"])],
    encoding: .latin1),
  CSVCase(
    name: "explicit UTF-8 strips BOM",
    input: [0xEF, 0xBB, 0xBF] + utf8("name\nZoë\n"),
    options: options { $0.encoding = .utf8 },
    header: ["name"],
    rows: [row(2, ["Zoë"])]),
]

private let csvFailureCases: [CSVFailureCase] = [
  CSVFailureCase(
    name: "duplicate header names",
    input: utf8("id,email,name, email \n1,a,b,c\n"),
    failure: ReaderFailure(
      SourceLocation(file: "input.csv", line: 1),
      "columns 2 and 4 are both named 'email'; rename one, or set `duplicate_columns: number` "
        + "to read them as 'email' and 'email_2'")),
  CSVFailureCase(
    name: "duplicate names in header row 2",
    input: utf8("title\nid,id\n"),
    options: options { $0.headerRow = 2 },
    failure: ReaderFailure(
      SourceLocation(file: "input.csv", line: 2),
      "columns 1 and 2 are both named 'id'; rename one, or set `duplicate_columns: number` "
        + "to read them as 'id' and 'id_2'")),
  CSVFailureCase(
    name: "field over size limit",
    input: utf8("name,note\nAnn,123456789\n"),
    options: options { $0.fieldSizeLimit = 8 },
    failure: ReaderFailure(
      SourceLocation(file: "input.csv", line: 2),
      "a field of the row that starts here is larger than the field size limit of 8 bytes; "
        + "this usually means a quote is never closed. Raise `field_size_limit` if the field is "
        + "really that large")),
  CSVFailureCase(
    name: "quoted field over size limit",
    input: utf8("name,note\nAnn,\"1234\n\"\"789\"\nBo,1\n"),
    options: options { $0.fieldSizeLimit = 8 },
    failure: ReaderFailure(
      SourceLocation(file: "input.csv", line: 2),
      "a field of the row that starts here is larger than the field size limit of 8 bytes; "
        + "this usually means a quote is never closed. Raise `field_size_limit` if the field is "
        + "really that large")),
  CSVFailureCase(
    name: "unclosed quote over size limit",
    input: utf8("name,note\nAnn,\"open\nBo,1\nCy,2\n"),
    options: options { $0.fieldSizeLimit = 8 },
    failure: ReaderFailure(
      SourceLocation(file: "input.csv", line: 2),
      "a field of the row that starts here is larger than the field size limit of 8 bytes; "
        + "this usually means a quote is never closed. Raise `field_size_limit` if the field is "
        + "really that large")),
  CSVFailureCase(
    name: "header field over size limit",
    input: utf8("name,description_of_role\nAnn,x\n"),
    options: options { $0.fieldSizeLimit = 8 },
    failure: ReaderFailure(
      SourceLocation(file: "input.csv", line: 1),
      "a field of the row that starts here is larger than the field size limit of 8 bytes; "
        + "this usually means a quote is never closed. Raise `field_size_limit` if the field is "
        + "really that large")),
  CSVFailureCase(
    name: "explicit UTF-8 rejects invalid byte",
    input: utf8("name\nO") + [0x92] + utf8("Brien\n"),
    options: options { $0.encoding = .utf8 },
    failure: ReaderFailure(
      SourceLocation(file: "input.csv", line: 2),
      "invalid UTF-8 at byte offset 6; set `encoding:` to the file's encoding (for example "
        + "windows-1252) or to auto")),
  CSVFailureCase(
    name: "explicit UTF-8 rejects cut sequence",
    input: utf8("name\nRen") + [0xC3],
    options: options { $0.encoding = .utf8 },
    failure: ReaderFailure(
      SourceLocation(file: "input.csv", line: 2),
      "invalid UTF-8 at byte offset 8; set `encoding:` to the file's encoding (for example "
        + "windows-1252) or to auto")),
  CSVFailureCase(
    name: "stray quote in header",
    input: utf8("id,na\"me\n1,Ann\n"),
    failure: ReaderFailure(
      SourceLocation(file: "input.csv", line: 1),
      "the header row is malformed: line 1, column 6: a quote inside a field that does not start "
        + "with a quote; quote the whole field and double the inner quote, or set "
        + "`lenient_quotes: true`")),
  CSVFailureCase(
    name: "empty header row",
    input: utf8(",,\n1,2,3\n"),
    failure: ReaderFailure(
      SourceLocation(file: "input.csv", line: 1),
      "the header row is empty; set `header_row` to the row that names the columns")),
  CSVFailureCase(
    name: "file ends before header row",
    input: utf8("title\nid,name\n"),
    options: options { $0.headerRow = 3 },
    failure: ReaderFailure(
      SourceLocation(file: "input.csv"), "the file ends before header row 3")),
]

@Suite struct CSVReaderTests {
  @Test(arguments: csvSyntaxCases, readerChunkSizes)
  func syntaxCaseRead(_ testCase: CSVCase, chunkSize: Int) {
    expectRead(testCase, chunkSize: chunkSize)
  }

  @Test(arguments: csvHeaderCases, readerChunkSizes)
  func headerCaseRead(_ testCase: CSVCase, chunkSize: Int) {
    expectRead(testCase, chunkSize: chunkSize)
  }

  @Test(arguments: csvDelimiterCases, readerChunkSizes)
  func delimiterCaseRead(_ testCase: CSVCase, chunkSize: Int) {
    expectRead(testCase, chunkSize: chunkSize)
  }

  @Test(arguments: csvRowCases, readerChunkSizes)
  func rowCaseRead(_ testCase: CSVCase, chunkSize: Int) {
    expectRead(testCase, chunkSize: chunkSize)
  }

  @Test(arguments: csvEncodingCases, readerChunkSizes)
  func encodingCaseRead(_ testCase: CSVCase, chunkSize: Int) {
    expectRead(testCase, chunkSize: chunkSize)
  }

  @Test(arguments: csvFailureCases, readerChunkSizes)
  func failureCaseStopsRead(_ testCase: CSVFailureCase, chunkSize: Int) {
    let result = readCSV(testCase.input, chunkSize: chunkSize, options: testCase.options)
    #expect(result.failure == testCase.failure)
  }

  @Test(arguments: readerChunkSizes)
  func emptyInputGivesNoRecords(chunkSize: Int) {
    let result = readCSV([], chunkSize: chunkSize)
    #expect(result.failure == nil)
    #expect(result.records.isEmpty)
  }

  @Test(arguments: readerChunkSizes)
  func headerOnlyGivesNoRecords(chunkSize: Int) {
    let result = readCSV(utf8("id,name\n"), chunkSize: chunkSize)
    #expect(result.failure == nil)
    #expect(result.records.isEmpty)
    #expect(result.columnNames == ["id", "name"])
  }

  @Test(arguments: readerChunkSizes)
  func cellLookupByName(chunkSize: Int) throws {
    let source = MemoryByteSource(utf8(" id ,name,,\n7,Ann\n"), chunkSize: chunkSize)
    let reader = CSVReader(source: source, path: "input.csv", options: CSVOptions())
    let record = try #require(try reader.next())
    guard case .cells(let cells) = record.content else {
      Issue.record("expected cells, got \(record.content)")
      return
    }
    #expect(cells.string(named: "id") == "7")
    #expect(cells.string(named: "name") == "Ann")
    #expect(cells.string(named: "email") == nil)
  }

  @Test func headerFailureRepeats() {
    let source = MemoryByteSource(utf8("id,id\n1,2\n"))
    let reader = CSVReader(source: source, path: "input.csv", options: CSVOptions())
    let first = readAll(reader)
    let second = readAll(reader)
    #expect(first.failure != nil)
    #expect(second.failure == first.failure)
    #expect(second.records.isEmpty)
  }

  @Test func readsPastReadAheadBuffer() {
    // 100,000 rows make about 2.3 MB, far past the 64 KiB that the reader reads ahead to pick
    // the delimiter. Reads of 64 KiB + 3 bytes end at a different place in each row.
    var text = "id,name,note\n"
    for index in 1...100_000 {
      text += "\(index),name \(index),\"a\nb\"\n"
    }
    let result = readCSV(utf8(text), chunkSize: 65_536 + 3)
    #expect(result.failure == nil)
    #expect(result.records.count == 100_000)
    #expect(result.records.last?.line == 200_000)
    #expect(result.records.last?.cells == ["100000", "name 100000", "a\nb"])
    #expect(result.records.allSatisfy { $0.problems.isEmpty })
  }

  @Test(arguments: readerChunkSizes)
  func strayQuotePastReadAhead(chunkSize: Int) {
    // Filler rows end a few bytes before the 64 KiB that the reader reads ahead, so the faulty
    // line starts in the read-ahead bytes and its quote lies in the stream's next chunks.
    var text = "id,note\n"
    var fillerRows = 0
    while text.utf8.count < 65_536 - 12 {
      text += "\(fillerRows),filler text\n"
      fillerRows += 1
    }
    let faultyLine = "Zoë,abcdefghijklmnop\"q\n"
    text += faultyLine + "Bo,7\n"
    let result = readCSV(utf8(text), chunkSize: chunkSize)
    let line = fillerRows + 2
    let message =
      "line \(line), column 21: a quote inside a field that does not start with a quote; quote "
      + "the whole field and double the inner quote, or set `lenient_quotes: true`"
    #expect(result.failure == nil)
    #expect(result.records.count == fillerRows + 2)
    #expect(result.records.dropLast().last?.problems == [quoteProblem(message)])
    #expect(result.records.dropLast().last?.line == line)
    #expect(result.records.last?.cells == ["Bo", "7"])
    #expect(result.records.last?.line == line + 1)
  }

  /// The reader parses its first 64 KiB in one piece, so this drives the parser straight from
  /// the decoding stream to make every case cross chunk boundaries inside the parser.
  @Test(arguments: csvParserInputs, [1, 2, 3, 7])
  func parserChunkingMatchesWhole(_ input: CSVParserInput, chunkSize: Int) {
    let whole = parseRows(input, chunkSize: Int.max)
    let chunked = parseRows(input, chunkSize: chunkSize)
    #expect(chunked.failure == whole.failure)
    if whole.failure == nil {
      #expect(chunked.rows == whole.rows)
    } else {
      // The stream decodes a whole input at once and so fails before the first row, but in
      // small chunks it fails only when it reaches the bad bytes.
      #expect(chunked.rows.starts(with: whole.rows))
    }
  }

  private func expectRead(_ testCase: CSVCase, chunkSize: Int) {
    let result = readCSV(
      testCase.input, chunkSize: chunkSize, path: testCase.path, options: testCase.options)
    #expect(result.failure == nil)
    #expect(result.columnNames == testCase.header)
    #expect(result.rows == testCase.rows.map(\.cells))
    #expect(result.lines == testCase.rows.map(\.line))
    #expect(result.problems == testCase.rows.map(\.problems))
    #expect(result.records.map(\.number) == testCase.rows.indices.map { $0 + 1 })
    #expect(result.statistics.blankSkipped == testCase.blankSkipped)
    #expect(result.statistics.encoding == testCase.encoding)
    #expect(result.statistics.notes == testCase.notes)
  }
}

/// A case's bytes and the delimiter the reader settled on for them.
struct CSVParserInput: Sendable, CustomTestStringConvertible {
  var name: String
  var input: [UInt8]
  var options: CSVOptions
  var delimiter: UInt8

  var testDescription: String { name }
}

/// Every input of the tables above, each with the delimiter that the reader picks for it.
private let csvParserInputs: [CSVParserInput] = {
  let readCases =
    csvSyntaxCases + csvHeaderCases + csvDelimiterCases + csvRowCases
    + csvEncodingCases
  var inputs = readCases.map { ($0.name, $0.input, $0.path, $0.options) }
  inputs += csvFailureCases.map { ($0.name, $0.input, "input.csv", $0.options) }
  return inputs.map { name, input, path, options in
    let reader = CSVReader(source: MemoryByteSource(input), path: path, options: options)
    _ = try? reader.next()
    return CSVParserInput(name: name, input: input, options: options, delimiter: reader.delimiter)
  }
}()

/// One row as the parser returned it, before the reader applies the header.
private struct ParsedRow: Equatable {
  var line: Int
  var cells: [String]
  var problems: [RecordProblem]
}

/// Parses every row of `input` without the reader's read-ahead.
private func parseRows(
  _ input: CSVParserInput, chunkSize: Int
) -> (rows: [ParsedRow], failure: ReaderFailure?) {
  let source = MemoryByteSource(input.input, chunkSize: chunkSize)
  let stream = UTF8Stream(source: source, path: "input.csv", encoding: input.options.encoding)
  let parser = CSVParser(
    stream: stream, path: "input.csv", options: input.options, delimiter: input.delimiter,
    prefix: nil)
  var rows: [ParsedRow] = []
  do {
    while try parser.nextRow() {
      parser.publishRow()
      let cells = CSVCells(header: CSVHeader(names: []), bytes: parser.cells, ends: parser.ends)
      rows.append(
        ParsedRow(
          line: parser.rowLine, cells: (0..<cells.count).map { cells.string($0) },
          problems: parser.problems))
    }
  } catch {
    return (rows, error)
  }
  return (rows, nil)
}
