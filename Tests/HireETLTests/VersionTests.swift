import HireETL
import Testing

@Test func versionIsSemantic() {
  #expect(hireETLVersion.split(separator: ".").count == 3)
}
