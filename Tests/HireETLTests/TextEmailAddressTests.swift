import HireETL
import Testing

@Suite struct TextEmailAddressTests {
  @Test(
    "isValid accepts address",
    arguments: [
      "jane@example.com",
      "o'brien+tag@example.co.uk",
      "用户@例子.广告",
      "first.last@sub.example.org",
      "UPPER@EXAMPLE.COM",
      "x@y.io",
      "a!#$%&'*+-/=?^_`{|}~z@example.com",
      "user@xn--fiqs8s.xn--fiqz9s",
      "user@my-host.example",
      "josé@müller.de",
      "иван@пример.рф",
      "user@123.example.com",
      "user@उदाहरण.भारत",
      String(repeating: "a", count: 64) + "@example.com",
      "user@" + String(repeating: "b", count: 63) + ".com",
    ])
  func isValidAcceptsAddress(address: String) {
    #expect(EmailAddress.isValid(address))
  }

  @Test(
    "isValid rejects address",
    arguments: [
      // Structure.
      "",
      "a@b",
      "@x.com",
      "a@",
      "plainaddress",
      "a@@x.com",
      "a@b@x.com",
      String(repeating: "a", count: 65) + "@example.com",
      "user@" + String(repeating: "b", count: 64) + ".com",
      "a@" + String(repeating: "b.", count: 125) + "com",

      // Local part.
      "a..b@x.com",
      ".a@x.com",
      "a.@x.com",
      "\"john doe\"@example.com",
      "\"john\"@example.com",
      "a,b@x.com",
      "a(b)@x.com",
      "a<b>@x.com",
      "a\\b@x.com",
      "a;b@x.com",

      // Spaces, controls and invisible characters.
      "a b@x.com",
      "ab@x .com",
      "ab@x.com ",
      "a\tb@x.com",
      "a\u{00A0}b@x.com",
      "a\u{200B}b@x.com",
      "ab@x\u{200B}.com",
      "a\u{0007}b@x.com",
      "ab@x.com\n",

      // Domain.
      "a@-x.com",
      "a@x-.com",
      "a@x.-com",
      "a@x..com",
      "a@.x.com",
      "a@x.com.",
      "a@x_y.com",
      "a@1.2.3.4",
      "a@x.123",
      "a@[192.0.2.1]",
      "a@x.c😀m",
      "a@例子。广告",
    ])
  func isValidRejectsAddress(address: String) {
    #expect(!EmailAddress.isValid(address))
  }
}
