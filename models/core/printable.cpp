#include "vmsim/models/core/printable.h"

#include <fmt/format.h>

namespace vmsim {

std::string printable(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) {
      escaped += c;
      continue;
    }
    switch (c) {
      case '\n': escaped += "\\n"; break;
      case '\r': escaped += "\\r"; break;
      case '\t': escaped += "\\t"; break;
      default: escaped += fmt::format("\\x{:02x}", byte);
    }
  }
  return escaped;
}

}  // namespace vmsim
