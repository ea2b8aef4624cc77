import HireETL
import Testing

@Suite struct TextHTMLTests {
  static let plainTextCases: [(html: String, expected: String)] = [
    // Inline tags and whitespace.
    ("", ""),
    ("<b>Bold</b> and <i>italic</i>", "Bold and italic"),
    ("<span>Hello</span>\n   <a href=\"/x\">world</a>", "Hello world"),
    ("<P>Upper<BR>case</P>", "Upper\ncase"),
    ("<a title=\"a > b\" href='x'>link</a>", "link"),
    ("<img src=\"x.png\"/>Text", "Text"),

    // Blocks.
    ("<p>First</p><p>Second</p>", "First\n\nSecond"),
    ("<div>One</div><div>Two</div>", "One\nTwo"),
    ("Line one<br>Line two<br/>Line three", "Line one\nLine two\nLine three"),
    ("A<br><br>B", "A\n\nB"),
    ("A<br><br><br><br>B", "A\n\nB"),
    ("<h2>Title</h2>Body", "Title\n\nBody"),
    ("<p>Intro</p><p>&nbsp;</p><p></p><p>Next</p>", "Intro\n\nNext"),
    ("<section>S</section><article>A</article>", "S\nA"),
    ("<blockquote>Quote</blockquote>After", "Quote\n\nAfter"),
    ("Above<hr>Below", "Above\n\nBelow"),
    ("<p>Trailing spaces   <br>next</p>", "Trailing spaces\nnext"),
    ("<table><tr><td>A</td><td>B</td></tr><tr><td>C</td><td>D</td></tr></table>", "A B\nC D"),
    ("<pre>  keep\n    indent</pre>", "keep\n    indent"),
    ("<p>x</p><pre>a  b\nc</pre><p>y</p>", "x\n\na  b\nc\n\ny"),

    // Lists.
    ("<ul><li>One</li><li>Two</li></ul>", "- One\n- Two"),
    ("<ol><li>First</li><li> Second </li></ol>", "- First\n- Second"),
    (
      "<p>Skills:</p><ul><li>Swift</li><li>SQL</li></ul><p>Thanks</p>",
      "Skills:\n\n- Swift\n- SQL\n\nThanks"
    ),
    (
      "<ul><li>Backend<ul><li>Swift</li><li>Go</li></ul></li><li>Frontend</li></ul>",
      "- Backend\n  - Swift\n  - Go\n- Frontend"
    ),
    (
      "<ul>\n  <li>A\n  <ol>\n    <li>A1\n      <ul><li>A1a</li></ul>\n    </li>\n"
        + "  </ol>\n  </li>\n</ul>",
      "- A\n  - A1\n    - A1a"
    ),
    (
      "<ul><li><p>One</p></li><li><p>Two</p></li></ul>",
      "- One\n- Two"
    ),
    (
      "<p>Intro</p><ul><li><div>A</div></li></ul><p>End</p>",
      "Intro\n\n- A\n\nEnd"
    ),
    ("<ol><li><p>Step</p><p>Detail</p></li></ol>", "- Step\nDetail"),
    ("<ul><li></li><li>B</li></ul>After", "-\n- B\n\nAfter"),
    ("<ul><li><br>A</li></ul>", "- A"),

    // Dropped content.
    ("<script>alert('<p>x</p>')</script>Visible", "Visible"),
    ("<style type=\"text/css\">p { color: red; }</style><p>Text</p>", "Text"),
    (
      "<html><head><title>T</title><meta charset=\"utf-8\"></head><body><p>Body</p></body></html>",
      "Body"
    ),
    ("<!-- note --><p>Shown</p><!-- <p>hidden</p> -->", "Shown"),
    ("<!DOCTYPE html><p>Doc</p>", "Doc"),
    ("<SCRIPT>x</SCRIPT>After", "After"),
    ("<script>never closed", ""),

    // Entities.
    ("<p>Tom &amp; Jerry &lt;3&gt;</p>", "Tom & Jerry <3>"),
    (
      "<p>We&rsquo;re hiring &mdash; apply&hellip;</p>",
      "We\u{2019}re hiring \u{2014} apply\u{2026}"
    ),
    ("<p>Caf&eacute; &#8217; &#x27; &#X41;</p>", "Café \u{2019} ' A"),
    ("<p>a&nbsp;b</p>", "a\u{00A0}b"),
    ("<p>&foo; AT&T</p>", "&foo; AT&T"),
    ("<p>&amp;lt;</p>", "&lt;"),

    // Plain text without tags keeps its lines.
    ("Line one\nLine two", "Line one\nLine two"),
    ("Salary < 50k & bonus", "Salary < 50k & bonus"),
    ("  a  b  \r\n\r\n\r\n\r\nc &amp; d  ", "a  b\n\nc & d"),

    // Non-Latin text.
    (
      "<p>Мы ищем <b>разработчика</b></p><ul><li>Опыт&nbsp;3+ года</li></ul>",
      "Мы ищем разработчика\n\n- Опыт\u{00A0}3+ года"
    ),
    ("<div dir=\"rtl\">نحن نوظف</div><div>مطور</div>", "نحن نوظف\nمطور"),
    ("<p>募集職種：エンジニア</p><p>勤務地：東京</p>", "募集職種：エンジニア\n\n勤務地：東京"),
  ]

  @Test("toPlainText converts HTML", arguments: plainTextCases)
  func toPlainTextConvertsHTML(html: String, expected: String) {
    #expect(HTMLText.toPlainText(html) == expected)
  }

  @Test("toPlainText on job description")
  func toPlainTextOnJobDescription() {
    let html = """
      <div class="job">
        <h1>Senior Engineer &ndash; M&uuml;nchen</h1>
        <p>We&#8217;re a <strong>small</strong> team.&nbsp;</p>
        <h3>What you&#x27;ll do</h3>
        <ul>
          <li>Build the API</li>
          <li>Review code:
            <ul>
              <li>Swift &amp; Go</li>
              <li>SQL</li>
            </ul>
          </li>
        </ul>
        <p>Salary: 70.000&nbsp;&euro; &bull; 30 days off</p>
      </div>
      """
    let expected = """
      Senior Engineer \u{2013} München

      We\u{2019}re a small team.

      What you'll do

      - Build the API
      - Review code:
        - Swift & Go
        - SQL

      Salary: 70.000\u{00A0}€ \u{2022} 30 days off
      """
    #expect(HTMLText.toPlainText(html) == expected)
  }

  static let entityCases: [(input: String, expected: String)] = [
    ("no entities", "no entities"),
    ("&amp;&lt;&gt;&quot;&apos;", "&<>\"'"),
    ("&AMP;&LT;&GT;&QUOT;", "&<>\""),
    ("&copy; &COPY; &reg; &trade; &TRADE;", "© © ® ™ ™"),
    ("&euro;&pound;&yen;&cent;", "€£¥¢"),
    ("&times;&divide;&deg;&laquo;&raquo;&middot;&bull;", "×÷°«»·•"),
    (
      "&lsquo;&rsquo;&ldquo;&rdquo;&ndash;&mdash;&hellip;",
      "\u{2018}\u{2019}\u{201C}\u{201D}\u{2013}\u{2014}\u{2026}"
    ),
    ("&eacute;&Eacute;&egrave;&Egrave;&ecirc;&euml;", "éÉèÈêë"),
    ("&aacute;&agrave;&acirc;&auml;&Auml;&atilde;&aring;&Aring;", "áàâäÄãåÅ"),
    ("&iacute;&igrave;&icirc;&iuml;", "íìîï"),
    ("&oacute;&ograve;&ocirc;&ouml;&Ouml;&otilde;&oslash;&Oslash;", "óòôöÖõøØ"),
    ("&uacute;&ugrave;&ucirc;&uuml;&Uuml;", "úùûüÜ"),
    ("&ccedil;&Ccedil;&ntilde;&Ntilde;&szlig;&aelig;&AElig;", "çÇñÑßæÆ"),
    ("&nbsp;", "\u{00A0}"),
    ("&#8217;&#x2019;&#X2019;&#39;&#x27;", "\u{2019}\u{2019}\u{2019}''"),
    ("&#128512;&#x1F600;", "😀😀"),
    ("&#146;&#150;&#x80;", "\u{2019}\u{2013}€"),
    ("&#0;&#xD800;&#x110000;&#99999999999999999999;", "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"),
    ("&foo; &Amp; &EACUTE;", "&foo; &Amp; &EACUTE;"),
    ("AT&T & co &", "AT&T & co &"),
    ("&amp &copy 2024", "&amp &copy 2024"),
    ("&#; &#x; &#12a;", "&#; &#x; &#12a;"),
    ("&amp;amp;", "&amp;"),
    ("&averyveryverylongname;", "&averyveryverylongname;"),
    ("Ren&eacute;e M&uuml;ller-&Oslash;stberg", "Renée Müller-Østberg"),
  ]

  @Test("decodeEntities decodes references", arguments: entityCases)
  func decodeEntitiesDecodesReferences(input: String, expected: String) {
    #expect(HTMLText.decodeEntities(input) == expected)
  }

  @Test(
    "namedEntities has required names",
    arguments: [
      "nbsp", "amp", "lt", "gt", "quot", "apos", "rsquo", "lsquo", "rdquo", "ldquo", "ndash",
      "mdash", "hellip", "bull", "middot", "copy", "reg", "trade", "euro", "pound", "yen", "cent",
      "times", "divide", "deg", "laquo", "raquo", "eacute", "egrave", "ecirc", "euml", "aacute",
      "agrave", "acirc", "auml", "atilde", "aring", "iacute", "igrave", "icirc", "iuml", "oacute",
      "ograve", "ocirc", "ouml", "otilde", "oslash", "uacute", "ugrave", "ucirc", "uuml", "ccedil",
      "ntilde", "szlig", "aelig", "Eacute", "Egrave", "Ecirc", "Euml", "Aacute", "Agrave",
      "Acirc", "Auml", "Atilde", "Aring", "Iacute", "Igrave", "Icirc", "Iuml", "Oacute", "Ograve",
      "Ocirc", "Ouml", "Otilde", "Oslash", "Uacute", "Ugrave", "Ucirc", "Uuml", "Ccedil",
      "Ntilde", "AElig",
    ])
  func namedEntitiesHasRequiredNames(name: String) {
    #expect(HTMLText.namedEntities[name] != nil)
  }

  @Test("namedEntities values are one character")
  func namedEntitiesValuesAreOneCharacter() {
    let multiCharacter = HTMLText.namedEntities.filter { $0.value.unicodeScalars.count != 1 }
    #expect(multiCharacter.isEmpty)
  }
}
