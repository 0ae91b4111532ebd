#include "tests/bench/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

extern char** environ;

namespace rbacc::bench {
namespace {

double Seconds(const timeval& time) {
  return static_cast<double>(time.tv_sec) +
         static_cast<double>(time.tv_usec) / 1e6;
}

std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (const std::string& value : strings) {
    pointers.push_back(const_cast<char*>(value.c_str()));
  }
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

absl::StatusOr<ProcessRun> RunProcess(
    const std::vector<std::string>& argv,
    const std::vector<std::string>& environment, const std::string& stdout_path,
    const std::string& stderr_path, double timeout_seconds) {
  if (argv.empty()) return absl::InvalidArgumentError("no program to run");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args = CStrings(argv);
  std::vector<char*> env = CStrings(environment);
  pid_t pid = 0;
  const auto start = std::chrono::steady_clock::now();
  const int spawned =
      posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return absl::UnavailableError(
        absl::StrCat(argv[0], ": cannot be started: ", std::strerror(spawned)));
  }
  ProcessRun run;
  // A watcher kills the child when the timeout passes before it is reaped.
  std::mutex mutex;
  std::condition_variable reaped_signal;
  bool reaped = false;
  std::thread watcher([&] {
    if (timeout_seconds <= 0) return;
    std::unique_lock<std::mutex> lock(mutex);
    if (!reaped_signal.wait_for(lock,
                                std::chrono::duration<double>(timeout_seconds),
                                [&] { return reaped; })) {
      kill(pid, SIGKILL);
      run.timed_out = true;
    }
  });
  int status = 0;
  rusage usage{};
  pid_t waited = 0;
  do {
    waited = wait4(pid, &status, 0, &usage);
  } while (waited < 0 && errno == EINTR);
  const int wait_error = errno;
  {
    std::lock_guard<std::mutex> lock(mutex);
    reaped = true;
  }
  reaped_signal.notify_all();
  watcher.join();
  if (waited != pid) {
    return absl::UnavailableError(absl::StrCat(
        argv[0], ": cannot be waited for: ", std::strerror(wait_error)));
  }
  const std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  run.wall_seconds = elapsed.count();
  run.cpu_seconds = Seconds(usage.ru_utime) + Seconds(usage.ru_stime);
  run.peak_rss_bytes = usage.ru_maxrss * 1024L;
  run.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

std::vector<std::string> CurrentEnvironment(
    const std::vector<std::string>& drop) {
  std::vector<std::string> result;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const absl::string_view variable = *entry;
    const absl::string_view name = variable.substr(0, variable.find('='));
    bool dropped = false;
    for (const std::string& unwanted : drop) dropped |= name == unwanted;
    if (!dropped) result.emplace_back(variable);
  }
  return result;
}

std::string FindInPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  for (absl::string_view directory :
       absl::StrSplit(path, ':', absl::SkipEmpty())) {
    const std::string candidate = absl::StrCat(directory, "/", program);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

}  // namespace rbacc::bench
