/// The help texts of the command line.
enum Usage {
  static let line = "usage: hire-etl <command> [options]   (hire-etl help for the commands)"

  static let overview = """
    hire-etl \(hireETLVersion): bulk import and export for the Trakstar Hire API

    usage:
      hire-etl run JOB.yaml [--dry-run] [--step NAME]... [--limit N] [--report FILE]
                            [--log-format text|json] [-v | -q]
      hire-etl check JOB.yaml          parse and validate the job file; print the plan
      hire-etl rollback JOB.yaml --step NAME [--dry-run]
                                       delete the candidates that this job created in
                                       that step (hire-etl help rollback)
      hire-etl init migration|export [FILE]   write a commented starter job file
      hire-etl sandbox [--port N] [--data FILE] [--api-key KEY] [--seed N]
                       [--rate-limit 10/s] [--latency 50ms] [--fail-rate 0.05] ...
                                       serve a local, stateful Trakstar Hire API for
                                       rehearsals and tests (hire-etl help sandbox)
      hire-etl help [COMMAND]          show help for a command
      hire-etl --version

    exit status: 0 every record was written; 1 some records were rejected or failed (see the
    rejects files); 2 usage or job-file error, nothing was read or written; 3 the run was
    aborted (the API key was rejected, the API stayed unreachable, the state file or an
    input could not be read, an output could not be written); 130 interrupted. Running the
    job again after 1, 3 or 130 creates nothing twice.

    """

  static let run = """
    usage: hire-etl run JOB.yaml [options]

    Runs the job's steps in order: read, map, validate, write. Rejected records go to each
    step's rejects file with the reasons; the last lines on stderr sum up every step.

      --dry-run            read, map and validate everything, write nothing (no API write
                           request, no change to the state file), and show a few payloads
                           that would be written
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

  static let rollback = """
    usage: hire-etl rollback JOB.yaml --step NAME [--dry-run]

    Deletes the candidates that step NAME of the job created, as its state file lists them,
    with DELETE /candidates/{id}, and removes them from the state file so that a later run
    creates them again. A candidate the API no longer has counts as deleted. Only steps that
    write `resource: candidates` can be rolled back, because the API cannot delete openings.

      --step NAME          the step whose candidates are deleted (required)
      --dry-run            count the candidates that would be deleted; send no DELETE and
                           leave the state file as it is

    exit status: 0 done; 2 usage or job-file error; 3 aborted (the API key was rejected, the
    API stayed unreachable, the state file failed); 130 interrupted. Running it again
    finishes the work.

    """

  static let initCommand = """
    usage: hire-etl init migration|export [FILE]

    Writes a commented starter job file to FILE (default: migration.yaml or export.yaml in the
    current folder). An existing file is never overwritten.

    """

  static let sandbox = """
    usage: hire-etl sandbox [options]

    Serves a local, stateful copy of the Trakstar Hire API v2 on 127.0.0.1 until Ctrl-C
    (SIGINT) or SIGTERM, for rehearsing a migration and for tests. It prints its base URL,
    http://127.0.0.1:PORT/api/v2, and its API key; requests must send the header
    'Authorization: ApiKey KEY'. On stop it finishes the requests in progress, saves the
    data file and exits with status 0.

      --port N             TCP port on 127.0.0.1 (default 8765; 0 picks a free port)
      --api-key KEY        the key requests must send (default sandbox-development-key)
      --data FILE          keep the records in FILE across restarts: loaded at start when
                           it exists, written (mode 0600) within 0.5 s of a change and at
                           stop. Without it the records live in memory only
      --seed N             start with N generated candidates (0 to 100,000) and linked
                           openings, messages, notes, interviews, reviews, evaluations and
                           to-dos; the same N gives the same records. Ignored when the
                           --data file exists
      --log FILE           append one line per request to FILE: time, method, path and
                           query, status, duration and any injected fault. Headers and
                           bodies are never logged
      --max-connections N  connections open at once (default 64); more get 503

    Faults, to rehearse a bad day (each rate is a share of requests from 0 to 1):
      --rate-limit RATE    token bucket, such as 10/s or 600/min; over it the response is
                           429 with Retry-After in seconds
      --burst N            requests allowed at once after a quiet spell (default: the
                           rate per second, rounded up)
      --latency DURATION   delay added before every response, such as 50ms or 1s
      --fail-rate P        respond 503 before changing anything
      --lose-rate P        make the change, then lose the response
      --lost-response KIND how a response is lost: 504, drop (close the connection) or
                           alternate (default: 504 and drop in turn)
      --drop-rate P        close the connection before handling the request
      --fault-seed N       seed for choosing the failed, lost and dropped requests, so a
                           rehearsal can be repeated (default: random)

    exit status: 0 stopped cleanly; 2 usage error; 3 the server could not start (port in
    use, unreadable data file) or could not save its data file at stop.

    """

  static func text(for command: String) -> String? {
    switch command {
    case "run": run
    case "check": check
    case "init": initCommand
    case "rollback": rollback
    case "sandbox": sandbox
    case "help": overview
    default: nil
    }
  }
}
