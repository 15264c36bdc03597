#include "vmsim/models/debug/gdb_protocol.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "vmsim/models/core/units.h"
#include "vmsim/models/debug/rsp_packet.h"

namespace vmsim::gdb {
namespace {

using Response = Protocol::Response;

const char* const malformed = "E01";
const char* const no_thread = "E02";
const char* const no_register = "E03";
const char* const too_many_points = "E04";
const char* const no_memory = "E14";

// GDB's signal numbers (its own, whatever the host's).
constexpr int sigint = 2;
constexpr int sigill = 4;
constexpr int sigtrap = 5;
constexpr int sigbus = 10;
constexpr int sigsegv = 11;

// The most bytes an m reply carries: two hex digits each, within a packet.
constexpr std::size_t max_memory_read = (max_packet - 4) / 2;

// Every exception that is a fault of the program: all but breakpoints (3) and environment calls (8,
// 9, 11).
constexpr std::uint64_t fault_causes = (1u << 0) | (1u << 1) | (1u << 2) | (1u << 4) | (1u << 5) | (1u << 6) |
                                       (1u << 7) | (1u << 12) | (1u << 13) | (1u << 15);

Response reply(std::string text) {
  Response response;
  response.reply = std::move(text);
  return response;
}

// The words of `text`, split at spaces and commas.
std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto start = text.find_first_not_of(" ,");
    if (start == std::string_view::npos) break;
    text.remove_prefix(start);
    const auto end = text.find_first_of(" ,");
    out.push_back(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end);
  }
  return out;
}

// "A,B" as two hex numbers; nothing unless both are there and nothing else.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_pair(std::string_view text) {
  const auto comma = text.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  const auto first = parse_hex(text.substr(0, comma));
  const auto second = parse_hex(text.substr(comma + 1));
  if (!first || !second) return std::nullopt;
  return std::pair{*first, *second};
}

std::string little_endian_hex(std::uint64_t value, unsigned bytes) {
  std::uint8_t data[8];
  for (unsigned i = 0; i < bytes; ++i) data[i] = static_cast<std::uint8_t>(value >> (8 * i));
  return to_hex(data, bytes);
}

std::optional<std::uint64_t> parse_little_endian(std::string_view hex, unsigned bytes) {
  if (hex.size() != 2 * bytes) return std::nullopt;
  const auto data = from_hex(hex);
  if (!data) return std::nullopt;
  std::uint64_t value = 0;
  for (unsigned i = 0; i < bytes; ++i) value |= std::uint64_t{(*data)[i]} << (8 * i);
  return value;
}

int signal_of(std::uint64_t cause) {
  switch (cause) {
    case 0:
    case 4:
    case 6: return sigbus;  // misaligned
    case 1:
    case 5:
    case 7:
    case 12:
    case 13:
    case 15: return sigsegv;  // access and page faults
    case 2: return sigill;
    default: return sigtrap;  // breakpoint, environment calls, anything else
  }
}

std::string exception_name(std::uint64_t cause) {
  switch (cause) {
    case 0: return "instruction address misaligned";
    case 1: return "instruction access fault";
    case 2: return "illegal instruction";
    case 3: return "breakpoint";
    case 4: return "load address misaligned";
    case 5: return "load access fault";
    case 6: return "store address misaligned";
    case 7: return "store access fault";
    case 8: return "environment call from U-mode";
    case 9: return "environment call from S-mode";
    case 11: return "environment call from M-mode";
    case 12: return "instruction page fault";
    case 13: return "load page fault";
    case 15: return "store page fault";
    default: return fmt::format("exception {}", cause);
  }
}

std::string cause_list(std::uint64_t causes) {
  if (causes == 0) return "no exceptions are caught\n";
  std::vector<unsigned> numbers;
  for (unsigned cause = 0; cause < 64; ++cause)
    if (((causes >> cause) & 1) != 0) numbers.push_back(cause);
  return fmt::format("exceptions caught (by cause): {}\n", fmt::join(numbers, " "));
}

// The causes `monitor catch` names: faults, all, none, or numbers.
std::optional<std::uint64_t> parse_causes(const std::vector<std::string_view>& names) {
  if (names.size() == 1 && names[0] == "all") return ~std::uint64_t{0};
  if (names.size() == 1 && names[0] == "none") return 0;
  if (names.size() == 1 && names[0] == "faults") return fault_causes;
  std::uint64_t causes = 0;
  for (const std::string_view name : names) {
    if (name.empty() || name.size() > 2 || name.find_first_not_of("0123456789") != std::string_view::npos)
      return std::nullopt;
    const unsigned cause = std::stoul(std::string(name));
    if (cause >= 64) return std::nullopt;
    causes |= std::uint64_t{1} << cause;
  }
  return causes;
}

const char* const monitor_help =
    "monitor catch [faults|all|none|CAUSE,...]  stop a hart once it has taken one of these exceptions\n"
    "    (it stops at the handler; faults: all but breakpoints and environment calls); alone: show them\n"
    "monitor time                               the simulated time\n";

}  // namespace

Protocol::Protocol(std::vector<DebugTarget*> harts)
    : harts_(std::move(harts)), modes_(harts_.size(), HartDebug::Mode::held) {}

void Protocol::start_session() {
  acknowledging_ = true;
  swbreak_ = false;
  hwbreak_ = false;
  general_ = {};
  continue_ = {};
}

const TargetDescription& Protocol::description() {
  if (!description_) description_ = TargetDescription::probe(*harts_.front());
  return *description_;
}

std::string Protocol::thread_id(std::size_t hart) const { return fmt::format("{:x}", harts_[hart]->hart_id() + 1); }

std::optional<Protocol::ThreadId> Protocol::parse_thread(std::string_view text) const {
  // The multiprocess form pPID.TID names the thread by its TID.
  if (!text.empty() && text.front() == 'p') {
    const auto dot = text.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    text.remove_prefix(dot + 1);
  }
  if (text == "-1") return ThreadId{ThreadId::Kind::all, 0};
  const auto number = parse_hex(text);
  if (!number) return std::nullopt;
  if (*number == 0) return ThreadId{ThreadId::Kind::any, 0};
  for (std::size_t hart = 0; hart < harts_.size(); ++hart)
    if (harts_[hart]->hart_id() + 1 == *number) return ThreadId{ThreadId::Kind::one, hart};
  return std::nullopt;
}

std::size_t Protocol::general_hart() const { return general_.kind == ThreadId::Kind::one ? general_.hart : current_; }

std::string Protocol::report(const Stop& stop) {
  last_stop_ = stop;
  current_ = stop.hart;
  general_ = {};
  int signal = sigtrap;
  std::string reason;
  const DebugStop& what = stop.what;
  switch (what.kind) {
    case DebugStop::Kind::attached:
    case DebugStop::Kind::step: break;
    case DebugStop::Kind::interrupted: signal = sigint; break;
    case DebugStop::Kind::breakpoint:
      if (swbreak_) reason = "swbreak:;";
      break;
    case DebugStop::Kind::hardware_breakpoint:
      if (hwbreak_) reason = "hwbreak:;";
      break;
    case DebugStop::Kind::watchpoint: {
      const char* name = what.watch == WatchKind::write ? "watch" : what.watch == WatchKind::read ? "rwatch" : "awatch";
      reason = fmt::format("{}:{:x};", name, what.address);
      break;
    }
    case DebugStop::Kind::exception: signal = signal_of(what.cause); break;
  }
  return fmt::format("T{:02x}thread:{};{}", signal, thread_id(stop.hart), reason);
}

std::string Protocol::explain(const Stop& stop) const {
  if (stop.what.kind != DebugStop::Kind::exception) return "";
  const DebugTarget& hart = *harts_[stop.hart];
  return fmt::format("hart {} ({}): {} (cause {}) at pc {:#x}, trap value {:#x}\n", hart.hart_id(), hart.debug_name(),
                     exception_name(stop.what.cause), stop.what.cause, stop.what.pc, stop.what.value);
}

Response Protocol::handle(std::string_view packet) {
  const auto starts = [packet](std::string_view prefix) { return packet.substr(0, prefix.size()) == prefix; };
  if (packet.empty()) return reply("");
  switch (packet.front()) {
    case '?': return reply(report(last_stop_));
    case 'g':
      if (packet.size() == 1) return read_registers();
      break;
    case 'G': return write_registers(packet.substr(1));
    case 'p': return read_register(packet.substr(1));
    case 'P': return write_register(packet.substr(1));
    case 'm': return read_memory(packet.substr(1));
    case 'M': return write_memory(packet.substr(1), false);
    case 'X': return write_memory(packet.substr(1), true);
    case 'Z':
    case 'z': return breakpoint(packet, packet.front() == 'Z');
    case 'H': return set_thread(packet.substr(1));
    case 'T': return reply(parse_thread(packet.substr(1)) ? "OK" : no_thread);
    case 'c':
    case 'C':
    case 's':
    case 'S': return continue_all(packet, packet.front() == 's' || packet.front() == 'S');
    default: break;
  }
  if (packet == "D" || starts("D;")) {
    Response response = reply("OK");
    response.action = Action::detach;
    return response;
  }
  if (packet == "k") {
    Response response;
    response.action = Action::kill;
    return response;
  }
  if (packet == "qSupported" || starts("qSupported:"))
    return supported(packet.substr(std::min<std::size_t>(11, packet.size())));
  if (packet == "QStartNoAckMode") {
    acknowledging_ = false;
    return reply("OK");
  }
  if (starts("qXfer:features:read:")) return read_features(packet.substr(20));
  if (packet == "qfThreadInfo" || packet == "qsThreadInfo" || packet == "qC" || starts("qThreadExtraInfo,"))
    return thread_info(packet);
  if (packet == "qAttached" || starts("qAttached:")) return reply("1");
  if (starts("qSymbol:")) return reply("OK");
  if (starts("qRcmd,")) return monitor(packet.substr(6));
  if (packet == "vCont?") return reply("vCont;c;C;s;S");
  if (starts("vCont;")) return resume(packet.substr(5));
  if (starts("vKill;")) {
    Response response = reply("OK");
    response.action = Action::kill;
    return response;
  }
  return reply("");
}

Response Protocol::supported(std::string_view features) {
  while (!features.empty()) {
    const auto end = features.find(';');
    const std::string_view feature = features.substr(0, end);
    if (feature == "swbreak+") swbreak_ = true;
    if (feature == "hwbreak+") hwbreak_ = true;
    features.remove_prefix(end == std::string_view::npos ? features.size() : end + 1);
  }
  return reply(fmt::format("PacketSize={:x};qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+",
                           max_packet));
}

Response Protocol::read_features(std::string_view request) {
  // target.xml:OFFSET,LENGTH
  const auto colon = request.find(':');
  if (colon == std::string_view::npos) return reply(malformed);
  if (request.substr(0, colon) != "target.xml") return reply("E00");
  const auto range = parse_pair(request.substr(colon + 1));
  if (!range) return reply(malformed);
  const std::string& xml = description().xml();
  const auto [offset, length] = *range;
  if (offset > xml.size()) return reply(malformed);
  const std::size_t count = std::min<std::uint64_t>({length, xml.size() - offset, max_packet / 2});
  const bool last = offset + count >= xml.size();
  return reply((last ? "l" : "m") + escape_binary(std::string_view(xml).substr(offset, count)));
}

Response Protocol::read_registers() {
  DebugTarget& hart = *harts_[general_hart()];
  std::string hex;
  const auto& registers = description().registers();
  for (std::size_t i = 0; i < description().g_registers(); ++i) {
    std::uint64_t value = 0;
    hex += hart.read_register(registers[i].number, value) ? little_endian_hex(value, registers[i].bytes)
                                                          : std::string(2 * registers[i].bytes, 'x');
  }
  return reply(hex);
}

Response Protocol::write_registers(std::string_view hex) {
  DebugTarget& hart = *harts_[general_hart()];
  const auto& registers = description().registers();
  std::size_t expected = 0;
  for (std::size_t i = 0; i < description().g_registers(); ++i) expected += 2 * registers[i].bytes;
  if (hex.size() != expected || !from_hex(hex)) return reply(malformed);
  bool ok = true;
  for (std::size_t i = 0; i < description().g_registers(); ++i) {
    const unsigned digits = 2 * registers[i].bytes;
    ok =
        hart.write_register(registers[i].number, *parse_little_endian(hex.substr(0, digits), registers[i].bytes)) && ok;
    hex.remove_prefix(digits);
  }
  return reply(ok ? "OK" : no_register);
}

Response Protocol::read_register(std::string_view request) {
  const auto number = parse_hex(request);
  if (!number) return reply(malformed);
  const RegisterInfo* info = *number < debug_register::privilege + 1 ? description().find(unsigned(*number)) : nullptr;
  if (info == nullptr) return reply(no_register);
  std::uint64_t value = 0;
  if (!harts_[general_hart()]->read_register(info->number, value)) return reply(std::string(2 * info->bytes, 'x'));
  return reply(little_endian_hex(value, info->bytes));
}

Response Protocol::write_register(std::string_view request) {
  const auto equals = request.find('=');
  if (equals == std::string_view::npos) return reply(malformed);
  const auto number = parse_hex(request.substr(0, equals));
  if (!number) return reply(malformed);
  const RegisterInfo* info = *number < debug_register::privilege + 1 ? description().find(unsigned(*number)) : nullptr;
  if (info == nullptr) return reply(no_register);
  const auto value = parse_little_endian(request.substr(equals + 1), info->bytes);
  if (!value) return reply(malformed);
  return reply(harts_[general_hart()]->write_register(info->number, *value) ? "OK" : no_register);
}

Response Protocol::read_memory(std::string_view request) {
  const auto range = parse_pair(request);
  if (!range || range->second == 0) return reply(malformed);
  const std::size_t length = std::min<std::uint64_t>(range->second, max_memory_read);
  std::vector<std::uint8_t> data(length);
  const std::size_t read = harts_[general_hart()]->read_memory(range->first, data.data(), length);
  if (read == 0) return reply(no_memory);
  return reply(to_hex(data.data(), std::min(read, length)));
}

Response Protocol::write_memory(std::string_view request, bool binary) {
  const auto colon = request.find(':');
  if (colon == std::string_view::npos) return reply(malformed);
  const auto range = parse_pair(request.substr(0, colon));
  if (!range) return reply(malformed);
  std::vector<std::uint8_t> data;
  if (binary) {
    const auto unescaped = unescape_binary(request.substr(colon + 1));
    if (!unescaped) return reply(malformed);
    data.assign(unescaped->begin(), unescaped->end());
  } else {
    auto decoded = from_hex(request.substr(colon + 1));
    if (!decoded) return reply(malformed);
    data = std::move(*decoded);
  }
  if (data.size() != range->second) return reply(malformed);
  if (data.empty()) return reply("OK");  // X with no data asks whether X is supported
  const std::size_t written = harts_[general_hart()]->write_memory(range->first, data.data(), data.size());
  return reply(written == data.size() ? "OK" : no_memory);
}

Response Protocol::breakpoint(std::string_view request, bool insert) {
  // Ztype,address,kind[;conditions]: conditions are not offered, so not evaluated.
  request.remove_prefix(1);
  request = request.substr(0, request.find(';'));
  const auto comma = request.find(',');
  if (comma != 1 || request[0] < '0' || request[0] > '4') return reply(malformed);
  const int type = request[0] - '0';
  const auto place = parse_pair(request.substr(2));
  if (!place) return reply(malformed);
  const auto [address, kind] = *place;
  bool ok = true;
  for (DebugTarget* hart : harts_) {
    HartDebug& debug = hart->debug();
    if (type <= 1) {
      ok = (insert ? debug.insert_breakpoint(address, type == 1) : debug.remove_breakpoint(address, type == 1)) && ok;
    } else {
      const WatchKind watch = type == 2 ? WatchKind::write : type == 3 ? WatchKind::read : WatchKind::access;
      ok = (insert ? debug.insert_watchpoint(address, kind, watch) : debug.remove_watchpoint(address, kind, watch)) &&
           ok;
    }
  }
  // Every hart holds the same points, so all refuse or none does.
  if (ok) return reply("OK");
  return reply(insert ? too_many_points : malformed);
}

Response Protocol::set_thread(std::string_view request) {
  if (request.empty() || (request[0] != 'g' && request[0] != 'c')) return reply(malformed);
  const auto thread = parse_thread(request.substr(1));
  if (!thread) return reply(no_thread);
  (request[0] == 'g' ? general_ : continue_) = *thread;
  return reply("OK");
}

Response Protocol::continue_all(std::string_view request, bool step) {
  // c[ADDR], s[ADDR], Csig[;ADDR], Ssig[;ADDR]: the signal is not delivered.
  const bool signal = request.front() == 'C' || request.front() == 'S';
  request.remove_prefix(1);
  if (signal) {
    const auto semicolon = request.find(';');
    if (!parse_hex(request.substr(0, semicolon))) return reply(malformed);
    request = semicolon == std::string_view::npos ? std::string_view() : request.substr(semicolon + 1);
  }
  const std::size_t hart = continue_.kind == ThreadId::Kind::one ? continue_.hart : current_;
  if (!request.empty()) {
    const auto address = parse_hex(request);
    if (!address) return reply(malformed);
    if (!harts_[hart]->write_register(debug_register::pc, *address)) return reply(no_register);
  }
  modes_.assign(harts_.size(), HartDebug::Mode::running);
  if (step) modes_[hart] = HartDebug::Mode::stepping;
  Response response;
  response.action = Action::resume;
  return response;
}

Response Protocol::resume(std::string_view actions) {
  // ;ACTION[:THREAD] ... : each hart takes the first action that names it or names no thread; a hart
  // no action names stays stopped.
  std::vector<std::optional<HartDebug::Mode>> chosen(harts_.size());
  if (actions.empty()) return reply(malformed);
  while (!actions.empty()) {
    if (actions.front() != ';') return reply(malformed);
    actions.remove_prefix(1);
    const auto end = actions.find(';');
    const std::string_view action = actions.substr(0, end);
    actions.remove_prefix(end == std::string_view::npos ? actions.size() : end);
    const auto colon = action.find(':');
    const std::string_view verb = action.substr(0, colon);
    HartDebug::Mode mode = HartDebug::Mode::running;
    if (verb == "s" || (verb.size() == 3 && verb[0] == 'S' && parse_hex(verb.substr(1))))
      mode = HartDebug::Mode::stepping;
    else if (verb != "c" && !(verb.size() == 3 && verb[0] == 'C' && parse_hex(verb.substr(1))))
      return reply(malformed);
    ThreadId thread{ThreadId::Kind::all, 0};
    if (colon != std::string_view::npos) {
      const auto named = parse_thread(action.substr(colon + 1));
      if (!named) return reply(no_thread);
      thread = *named;
      if (thread.kind == ThreadId::Kind::any) thread = {ThreadId::Kind::one, current_};
    }
    for (std::size_t hart = 0; hart < harts_.size(); ++hart)
      if (!chosen[hart] && (thread.kind == ThreadId::Kind::all || thread.hart == hart)) chosen[hart] = mode;
  }
  for (std::size_t hart = 0; hart < harts_.size(); ++hart) modes_[hart] = chosen[hart].value_or(HartDebug::Mode::held);
  Response response;
  response.action = Action::resume;
  return response;
}

Response Protocol::thread_info(std::string_view request) {
  if (request == "qfThreadInfo") {
    std::vector<std::string> ids;
    for (std::size_t hart = 0; hart < harts_.size(); ++hart) ids.push_back(thread_id(hart));
    return reply(fmt::format("m{}", fmt::join(ids, ",")));
  }
  if (request == "qsThreadInfo") return reply("l");
  if (request == "qC") return reply("QC" + thread_id(current_));
  const auto thread = parse_thread(request.substr(17));  // qThreadExtraInfo,
  if (!thread || thread->kind != ThreadId::Kind::one) return reply(no_thread);
  const DebugTarget& hart = *harts_[thread->hart];
  return reply(to_hex(fmt::format("hart {} ({})", hart.hart_id(), hart.debug_name())));
}

Response Protocol::monitor(std::string_view hex) {
  const auto bytes = from_hex(hex);
  if (!bytes) return reply(malformed);
  const std::string command(bytes->begin(), bytes->end());
  const std::vector<std::string_view> args = words(command);
  Response response = reply("OK");
  if (args.empty() || args[0] == "help") {
    response.console.emplace_back(monitor_help);
  } else if (args[0] == "time") {
    response.console.push_back(fmt::format("simulated time: {}\n", format_time(sc_core::sc_time_stamp())));
  } else if (args[0] == "catch") {
    if (args.size() > 1) {
      const std::optional<std::uint64_t> causes = parse_causes({args.begin() + 1, args.end()});
      if (!causes) {
        response.console.emplace_back("usage: monitor catch [faults|all|none|CAUSE,...] (causes 0 to 63)\n");
        return response;
      }
      for (DebugTarget* hart : harts_) hart->debug().catch_exceptions(*causes);
    }
    response.console.push_back(cause_list(harts_.front()->debug().caught_exceptions()));
  } else {
    response.console.push_back(fmt::format("unknown monitor command '{}'; 'monitor help' lists them\n", args[0]));
  }
  return response;
}

}  // namespace vmsim::gdb
