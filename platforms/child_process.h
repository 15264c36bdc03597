// Other programs vmsim starts: the runs of a sweep, sbatch, the plot script.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace vmsim {

// Starts words[0] (looked up in PATH when it has no '/') with the arguments words[1...], its
// standard output and error into `output` when one is given, and then its standard input from
// /dev/null (a sweep's runs); throws std::runtime_error naming the program, with `hint`, if it
// cannot start.
pid_t start_process(const std::vector<std::string>& words, const std::string& output = "",
                    const std::string& hint = "");
// The exit status of a process that ended with `raw` (from waitpid): its exit code, or 128 plus
// the signal that killed it, as a shell reports it.
int exit_status(int raw);
// Waits for `pid` and returns its exit status.
int wait_for(pid_t pid);

}  // namespace vmsim
