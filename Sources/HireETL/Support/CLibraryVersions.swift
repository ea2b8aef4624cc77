import CLibXML2
import CSQLite
import CYAML

/// The versions of the C libraries this build links, for `hire-etl --version`.
public func linkedLibraryVersions() -> String {
  let sqlite = String(cString: sqlite3_libversion())
  let yaml = String(cString: yaml_get_version_string())
  return "libyaml \(yaml), libxml2 \(LIBXML_DOTTED_VERSION), SQLite \(sqlite)"
}
