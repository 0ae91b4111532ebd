// Runs a program as a child process, without a shell, and measures it: wall
// time and peak resident memory, as the kernel accounts them (wait4).
#ifndef RBACC_TESTS_BENCH_PROCESS_H_
#define RBACC_TESTS_BENCH_PROCESS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace rbacc::bench {

// How one run of a child process went.
struct ProcessRun {
  // The exit code, or 128 + the signal number when a signal ended it.
  int exit_code = 0;
  // True when it ran past the timeout and was killed.
  bool timed_out = false;
  // Wall time from spawning to reaping, in seconds.
  double wall_seconds = 0;
  // User plus system CPU time, in seconds.
  double cpu_seconds = 0;
  // Peak resident set size, in bytes (ru_maxrss).
  long peak_rss_bytes = 0;
};

// Runs `argv` (argv[0] is the program's path; no PATH search) with its
// standard output written to `stdout_path` and standard error to
// `stderr_path` ("/dev/null" discards them), in the environment `environment`
// ("NAME=value" strings). Kills the child after `timeout_seconds` (0: no
// limit). Returns the run, or an error when the program cannot be started or
// waited for.
absl::StatusOr<ProcessRun> RunProcess(
    const std::vector<std::string>& argv,
    const std::vector<std::string>& environment, const std::string& stdout_path,
    const std::string& stderr_path, double timeout_seconds = 0);

// Returns the environment of this process as "NAME=value" strings, without
// the variables named in `drop`.
std::vector<std::string> CurrentEnvironment(
    const std::vector<std::string>& drop = {});

// Returns the path of `program` found in the directories of $PATH, or "" when
// it is in none of them.
std::string FindInPath(const std::string& program);

}  // namespace rbacc::bench

#endif  // RBACC_TESTS_BENCH_PROCESS_H_
