// Quoting for the shell commands rbacc prints (regenerate commands, kubectl
// commands to run).
#ifndef RBACC_COMPILER_COMMON_SHELL_WORD_H_
#define RBACC_COMPILER_COMMON_SHELL_WORD_H_

#include <string>

namespace rbacc {

// Returns `value` as a POSIX shell word: unchanged when it needs no quoting,
// else single-quoted. Never fails.
std::string ShellWord(const std::string& value);

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_SHELL_WORD_H_
