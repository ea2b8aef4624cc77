import Glibc
import HireETL

let status = CommandLineInterface.main(
  arguments: Array(CommandLine.arguments.dropFirst()), environment: processEnvironment(),
  console: Console.standard())
exit(status)
