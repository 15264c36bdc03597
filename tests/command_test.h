// Running the vmsim command as a user does, for the tests of the command and of its plugins: each
// test gets a fresh folder, and each run its status, standard output and standard error.
#pragma once

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace vmsim::test {

namespace fs = std::filesystem;

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class CommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = fs::temp_directory_path() / (std::string("vmsim_cli_") + name + "_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs vmsim with `arguments`, in `folder` if one is given.
  Outcome vmsim(const std::string& arguments, const fs::path& folder = {}) {
    const std::string command = (folder.empty() ? "" : "cd " + folder.string() + " && ") + std::string(VMSIM_BINARY) +
                                " " + arguments + " >" + (dir_ / "stdout").string() + " 2>" +
                                (dir_ / "stderr").string();
    const int raw = std::system(command.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(dir_ / "stdout"), slurp(dir_ / "stderr")};
  }

  // stats.json without the host_ entries, which measure the host rather than the model.
  std::string simulated_stats(const fs::path& out) {
    std::istringstream in(slurp(out / "stats.json"));
    std::string line;
    std::string kept;
    while (std::getline(in, line))
      if (line.find("host_") == std::string::npos) kept += line + "\n";
    return kept;
  }

  fs::path dir_;
};

}  // namespace vmsim::test
