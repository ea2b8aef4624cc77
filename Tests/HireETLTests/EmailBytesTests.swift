import Testing

@testable import HireETL

/// The byte-level check for ASCII addresses must agree with the String check it stands in for.
@Suite struct EmailBytesTests {
  static let cases = [
    "ada@example.com", "o'brien+tag@example.co.uk", "a@b", "a..b@x.com", ".a@x.com", "a.@x.com",
    "a b@x.com", "@x.com", "a@", "a@-x.com", "a@x-.com", "a@x..com", "a@x.123", "a@x.c0m",
    "a@@x.com", "a@x@y.com", "first.last@sub.example.org", "x@example", "\"quoted\"@x.com",
    "a(b)@x.com", "a,b@x.com", "a;b@x.com", "a\\b@x.com", "a[b]@x.com", "a<b>@x.com",
    "#!$%&'*+/=?^_`{|}~-@x.com", "a@x.y.z.example", "a@x_y.com",
    "a@" + String(repeating: "x", count: 64) + ".com",
    String(repeating: "l", count: 65) + "@x.com", String(repeating: "l", count: 64) + "@x.com",
  ]

  @Test(arguments: cases)
  func bytesAgreeWithStrings(_ address: String) {
    var text = address
    let fast = text.withUTF8 { EmailAddress.isValidASCII(UnsafeRawBufferPointer($0)) }
    #expect(fast == EmailAddress.isValid(address))
  }

  @Test func bytesAgreeOnRandomAddresses() {
    let alphabet = Array("ab1.@-+_!x\"( ")
    var generator = SandboxRandom(seed: 7)
    for _ in 0..<20_000 {
      let length = generator.within(1...12)
      let address = String(
        (0..<length).map { _ in alphabet[generator.below(alphabet.count)] })
      var text = address
      let fast = text.withUTF8 { EmailAddress.isValidASCII(UnsafeRawBufferPointer($0)) }
      #expect(fast == EmailAddress.isValid(address), "\(address)")
    }
  }

  @Test func nonASCIIGoesTheStringWay() {
    var text = "用户@例子.广告"
    let fast = text.withUTF8 { EmailAddress.isValidASCII(UnsafeRawBufferPointer($0)) }
    #expect(fast == nil)
  }
}
