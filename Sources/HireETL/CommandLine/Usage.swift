/// The help texts of the command line.
enum Usage {
  static let line = "usage: hire-etl <command> [options]   (hire-etl help for the commands)"

  static let overview = """
    hire-etl \(hireETLVersion): bulk import and export for the Trakstar Hire API

    usage:
      hire-etl run JOB.yaml [--dry-run] [--step NAME]... [--limit N] [--report FILE]
                            [--log-format text|json] [-v | -q]
      hire-etl check JOB.yaml          parse and validate the job file; print the plan
      hire-etl init migration|export [FILE]   write a commented starter job file
      hire-etl help [COMMAND]          show help for a command
      hire-etl --version

    planned, not in this version yet: rollback, sandbox, reading and writing the API

    exit status: 0 every record was written; 1 some records were rejected (see the rejects
    files); 2 usage or job-file error, nothing was read or written; 3 the run was aborted
    (an input could not be read, an output could not be written); 130 interrupted.

    """

  static let run = """
    usage: hire-etl run JOB.yaml [options]

    Runs the job's steps in order: read, map, validate, write. Rejected records go to each
    step's rejects file with the reasons; the last lines on stderr sum up every step.

      --dry-run            read, map and validate everything, write nothing, and show a few
                           payloads that would be written
      --step NAME          run only this step (repeat for several)
      --limit N            read at most N records per step
      --report FILE        write the run report as JSON to FILE
      --log-format FORMAT  text (default) or json: one JSON object a line on stderr
      -v, --verbose        list every rejected record on stderr, not only the first 20
      -q, --quiet          print errors only

    """

  static let check = """
    usage: hire-etl check JOB.yaml

    Parses and validates the job file, substitutes environment variables and prints the plan.
    It reads no input and writes nothing. Every problem is listed with file, line and column.

    """

  static let initCommand = """
    usage: hire-etl init migration|export [FILE]

    Writes a commented starter job file to FILE (default: migration.yaml or export.yaml in the
    current folder). An existing file is never overwritten.

    """

  static func text(for command: String) -> String? {
    switch command {
    case "run": run
    case "check": check
    case "init": initCommand
    case "help": overview
    default: nil
    }
  }
}
