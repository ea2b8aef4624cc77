// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "hire-etl",
  products: [
    .executable(name: "hire-etl", targets: ["hire-etl"]),
    .library(name: "HireETL", targets: ["HireETL"]),
  ],
  targets: [
    .systemLibrary(
      name: "CYAML",
      pkgConfig: "yaml-0.1",
      providers: [.apt(["libyaml-dev"])]
    ),
    .systemLibrary(
      name: "CLibXML2",
      pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"])]
    ),
    .systemLibrary(
      name: "CSQLite",
      pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]
    ),
    .systemLibrary(
      name: "CCurl",
      pkgConfig: "libcurl",
      providers: [.apt(["libcurl4-openssl-dev"])]
    ),
    .target(
      name: "HireETL",
      dependencies: ["CYAML", "CLibXML2", "CSQLite", "CCurl"],
      swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
    ),
    .executableTarget(
      name: "hire-etl",
      dependencies: ["HireETL"]
    ),
    .testTarget(
      name: "HireETLTests",
      dependencies: ["HireETL"]
    ),
  ]
)
