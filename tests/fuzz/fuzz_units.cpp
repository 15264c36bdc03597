// The unit parser, as configurations use it (ParamTraits of every value type): each text is parsed
// as each type; a refusal is std::invalid_argument that quotes the text ("'4Kib' is not a size
// ..."; the ConfigError that carries it to the user keeps it one line), and an accepted value's
// canonical text parses back to the same value (what config.yaml relies on to replay a run).
#include <cstdint>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "fuzz_input.h"
#include "vmsim/models/core/param_schema.h"
#include "vmsim/models/core/printable.h"

namespace vmsim::fuzz {
namespace {

bool same(std::uint64_t a, std::uint64_t b) { return a == b; }
bool same(unsigned a, unsigned b) { return a == b; }
bool same(double a, double b) { return a == b; }
bool same(bool a, bool b) { return a == b; }
bool same(const sc_core::sc_time& a, const sc_core::sc_time& b) { return a == b; }
bool same(Frequency a, Frequency b) { return a.hz == b.hz; }
bool same(Bytes a, Bytes b) { return a.value == b.value; }
bool same(Address a, Address b) { return a.value == b.value; }

template <typename T>
void check_round_trip(std::string_view text) {
  T value;
  try {
    value = ParamTraits<T>::parse(text);
  } catch (const std::invalid_argument& refused) {
    const std::string quoted = fmt::format("'{}' is ", printable(text));
    if (std::string_view(refused.what()).substr(0, quoted.size()) != quoted)
      finding(fmt::format("{} '{}' is refused without quoting it: {}", ParamTraits<T>::type, text, refused.what()));
    return;
  }
  const std::string canonical = ParamTraits<T>::format(value);
  try {
    if (!same(ParamTraits<T>::parse(canonical), value))
      finding(fmt::format("{} '{}' is written '{}', which reads back as another value", ParamTraits<T>::type, text,
                          canonical));
  } catch (const std::invalid_argument& refused) {
    finding(fmt::format("{} '{}' is written '{}', which is refused: {}", ParamTraits<T>::type, text, canonical,
                        refused.what()));
  }
}

}  // namespace
}  // namespace vmsim::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vmsim;
  return fuzz::guarded([&] {
    const std::string_view text = fuzz::as_text(data, size);
    fuzz::check_round_trip<std::uint64_t>(text);
    fuzz::check_round_trip<unsigned>(text);
    fuzz::check_round_trip<double>(text);
    fuzz::check_round_trip<bool>(text);
    fuzz::check_round_trip<sc_core::sc_time>(text);
    fuzz::check_round_trip<Frequency>(text);
    fuzz::check_round_trip<Bytes>(text);
    fuzz::check_round_trip<Address>(text);
    return 0;
  });
}
