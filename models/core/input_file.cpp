#include "vmsim/models/core/input_file.h"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace vmsim {

std::string unreadable_file(const std::string& file, std::string_view what) {
  std::error_code error;
  if (std::filesystem::is_directory(file, error)) return fmt::format("{}: is a folder, not a {}", file, what);
  const std::ifstream in(file);
  if (!in) return fmt::format("{}: cannot open the {}", file, what);
  return "";
}

}  // namespace vmsim
