# shellcheck shell=bash
# Shell functions shared by Benchmarks/run and the benchmark scripts. Source it.
#
# Benchmark scripts expect the variables that Benchmarks/run exports:
# BENCH_ROOT, BENCH_DIR, BENCH_DATA, BENCH_OUT, BENCH_PYTHON, HIRE_ETL, BENCH_RUNS,
# BENCH_ROW_FILE, BENCH_DATE and BENCH_COMMIT.

# Exit statuses of a benchmark script. Benchmarks/run exits with the highest one.
# shellcheck disable=SC2034  # used by the scripts that source this file
readonly BENCH_PASSED=0
readonly BENCH_MISSED_TARGET=1
readonly BENCH_ERROR=2

# Print a message to stderr and exit with BENCH_ERROR.
bench_fail() {
  echo "error: $*" >&2
  exit "$BENCH_ERROR"
}

# Check that the variables set by Benchmarks/run are present, so that a benchmark
# script started on its own stops with a clear message.
bench_require_runner() {
  local name
  for name in BENCH_ROOT BENCH_DIR BENCH_DATA BENCH_OUT BENCH_PYTHON HIRE_ETL BENCH_RUNS BENCH_ROW_FILE; do
    if [[ -z "${!name:-}" ]]; then
      bench_fail "$name is not set: start benchmarks through Benchmarks/run NAME, not directly"
    fi
  done
}

# Evaluate an awk expression and print the result, for floating-point arithmetic.
# A comparison prints 1 or 0. The parentheses stop awk from reading ">" as a redirection.
bench_calc() {
  awk "BEGIN { print ($1) }"
}

# Print a whole number with commas between groups of three digits.
bench_thousands() {
  echo "$1" | sed -e ':group' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 't group'
}

# Run COMMAND once under /usr/bin/time, with its stdout and stderr in LOG.
# Usage: bench_time LOG COMMAND...
# Sets TIME_STATUS (the command's exit status), TIME_WALL, TIME_USER and TIME_SYS
# (seconds) and TIME_RSS_KIB (peak resident set size in KiB).
bench_time() {
  local log=$1
  shift
  local timing_file="$log.time"

  TIME_STATUS=0
  /usr/bin/time -o "$timing_file" -f '%e %M %U %S' "$@" >"$log" 2>&1 || TIME_STATUS=$?
  # When the command fails, time writes "Command exited with non-zero status N"
  # before the formatted line, so read the last line only.
  read -r TIME_WALL TIME_RSS_KIB TIME_USER TIME_SYS < <(tail -n 1 "$timing_file")
  rm -f "$timing_file"
}

# Run COMMAND once as a warm-up and then BENCH_RUNS times under /usr/bin/time.
# Usage: bench_measure LABEL PREPARE VERIFY LOG COMMAND...
# PREPARE and VERIFY name shell functions. PREPARE runs before every run, outside
# the timing, and should delete the previous run's output. VERIFY runs after every
# run and returns non-zero, with its own message, when the output is wrong.
# A failed run or check stops the measurement and returns 1, after printing the
# end of LOG for a failed run.
# Sets BEST_WALL, BEST_USER and BEST_SYS from the run with the lowest wall time,
# and MAX_RSS_KIB as the highest peak RSS of the measured runs.
bench_measure() {
  local label=$1 prepare=$2 verify=$3 log=$4
  shift 4
  local run

  # shellcheck disable=SC2034  # BEST_USER and BEST_SYS are results for the caller
  BEST_WALL='' BEST_USER='' BEST_SYS='' MAX_RSS_KIB=0
  for ((run = 0; run <= BENCH_RUNS; run++)); do
    "$prepare"
    # Flush the previous run's writes now, so that the kernel does not write them
    # back during the next timed run.
    sync
    bench_time "$log" "$@"
    local run_name="warm-up run"
    if ((run > 0)); then
      run_name="run $run of $BENCH_RUNS"
    fi

    if ((TIME_STATUS != 0)); then
      echo "error: $label failed in its $run_name with exit status $TIME_STATUS." >&2
      echo "Command: $*" >&2
      echo "Last lines of its output ($log):" >&2
      tail -n 20 "$log" | sed 's/^/    /' >&2
      return 1
    fi
    if ! "$verify"; then
      echo "error: $label wrote wrong output in its $run_name (command: $*)." >&2
      return 1
    fi

    printf '  %-9s %-13s %6.2f s  %7.1f MiB peak  (user %.2f s, sys %.2f s)\n' \
      "$label" "$run_name" "$TIME_WALL" "$(bench_calc "$TIME_RSS_KIB / 1024")" "$TIME_USER" "$TIME_SYS"
    if ((run == 0)); then
      continue
    fi
    if [[ -z "$BEST_WALL" ]] || (($(bench_calc "$TIME_WALL < $BEST_WALL"))); then
      BEST_WALL=$TIME_WALL BEST_USER=$TIME_USER BEST_SYS=$TIME_SYS
    fi
    if ((TIME_RSS_KIB > MAX_RSS_KIB)); then
      MAX_RSS_KIB=$TIME_RSS_KIB
    fi
  done
}

# Return 0 when FILE has exactly EXPECTED lines, else print why and return 1.
bench_check_lines() {
  local label=$1 file=$2 expected=$3
  if [[ ! -f "$file" ]]; then
    echo "error: $label wrote no output file $file." >&2
    return 1
  fi
  local lines
  lines=$(wc -l <"$file")
  if ((lines != expected)); then
    echo "error: $label wrote $lines lines to $file, expected $expected." >&2
    return 1
  fi
}

# The Markdown table written by Benchmarks/run: one header, one row per benchmark.
# MB is 10^6 bytes and MiB is 2^20 bytes. Seconds are the best of BENCH_RUNS runs.
# Peak MiB is the highest of those runs.
bench_table_header() {
  echo "| Date | Commit | Benchmark | Rows | Input MB | hire-etl s | hire-etl MB/s | hire-etl peak MiB | Compared with | Its s | Its peak MiB | Speed ratio | Result |"
  echo "|---|---|---|--:|--:|--:|--:|--:|---|--:|--:|--:|---|"
}

# Append one table row to BENCH_ROW_FILE. Pass "n/a" for a figure not measured.
# Usage: bench_row NAME ROWS INPUT_MB SECONDS MB_PER_S PEAK_MIB COMPARED_WITH
#        ITS_SECONDS ITS_PEAK_MIB RATIO RESULT
bench_row() {
  local row="| ${BENCH_DATE:-n/a} | ${BENCH_COMMIT:-n/a}"
  local cell
  for cell in "$@"; do
    row+=" | $cell"
  done
  echo "$row |" >>"$BENCH_ROW_FILE"
}

# Start `hire-etl sandbox` in the background on a free port of 127.0.0.1, with its output in
# LOG, and set SERVER_PID and PORT. The options are passed on to the sandbox, which must not
# get --port. Stop it with bench_stop_sandbox, from an EXIT trap so that it stops whatever
# the reason the script ends.
# Usage: bench_start_sandbox LOG [SANDBOX OPTION...]
bench_start_sandbox() {
  local log=$1
  shift
  : >"$log"
  "$HIRE_ETL" sandbox --port 0 "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  PORT=""
  local attempt
  for ((attempt = 0; attempt < 100; attempt++)); do
    PORT=$(sed -n 's|^sandbox listening on http://127.0.0.1:\([0-9]*\)/api/v2.*|\1|p' "$log")
    if [[ -n "$PORT" ]]; then
      return
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      cat "$log" >&2
      bench_fail "hire-etl sandbox exited before it listened"
    fi
    sleep 0.1
  done
  bench_fail "hire-etl sandbox printed no listening line within 10 s (see $log)"
}

# Stop the sandbox started by bench_start_sandbox, if it still runs, and clear SERVER_PID.
# Bash starts background commands with SIGINT ignored, so a SIGINT sent before the sandbox
# installs its handler is lost: after 10 s without exiting, the sandbox gets SIGKILL.
bench_stop_sandbox() {
  if [[ -z "${SERVER_PID:-}" ]]; then
    return
  fi
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -INT "$SERVER_PID"
    local attempt
    for ((attempt = 0; attempt < 100; attempt++)); do
      if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        break
      fi
      sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "warning: the sandbox did not stop within 10 s of SIGINT; sending SIGKILL" >&2
      kill -KILL "$SERVER_PID"
    fi
  fi
  wait "$SERVER_PID" || true
  SERVER_PID=""
}
