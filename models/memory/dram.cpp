#include "models/memory/dram.h"

#include <filesystem>

#include <fmt/format.h>

namespace vmsim {

Dram::Dram(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  const bool detailed =
      params.choose("timing", "fixed", {"fixed", "detailed"},
                    "fixed: every access takes read_latency or write_latency; detailed: banks, row buffers, "
                    "JEDEC timings and refresh, from a preset") == 1;
  read_latency_ = params.get<sc_core::sc_time>("read_latency", sc_core::sc_time(50, sc_core::SC_NS),
                                               "Latency of a read, with timing: fixed");
  write_latency_ = params.get<sc_core::sc_time>("write_latency", sc_core::sc_time(50, sc_core::SC_NS),
                                                "Latency of a write, with timing: fixed");
  Queues queues;
  if (detailed || params.listing()) {
    queues = read_detailed_timing(params);
  } else {
    for (const char* key : {"preset", "page_policy", "idle_close", "mapping", "mode", "read_queue", "write_queue",
                            "organisation", "timings"})
      if (params.contains(key)) params.fail(key, "applies only with timing: detailed");
  }
  // With a preset the size is its organisation's capacity, which is also the default.
  const std::uint64_t capacity = detailed && !params.listing() ? shape_.capacity() : 1ull << 30;
  store_.emplace(map_on_bus(target, params, capacity, "memory"));
  if (detailed && store_->size() != capacity)
    params.fail("size", fmt::format("{} does not match the organisation's capacity of {}",
                                    format_bytes(Bytes{store_->size()}), format_bytes(Bytes{capacity})));
  if (detailed && queues.approximately_timed)
    controller_ = std::make_unique<DramController>(
        "controller", stats(), *timing_, *mapping_, shape_, clock_, *store_, queues.read_depth, queues.write_depth,
        [this](tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay) {
          return target->nb_transport_bw(trans, phase, delay);
        },
        [this](const tlm::tlm_generic_payload& trans, const sc_core::sc_time& latency) {
          record(trans.is_read(), trans.get_data_length(), latency);
        });
  latency_distribution_ = latency_distribution(params, "latency_histogram", stats(), "latency_ns",
                                               "Latency of each access in the memory, in ns",
                                               sc_core::sc_time(200, sc_core::SC_NS));
  target.register_b_transport(this, &Dram::b_transport);
  target.register_nb_transport_fw(this, &Dram::nb_transport_fw);
  target.register_transport_dbg(this, &Dram::transport_dbg);
}

std::vector<std::string> Dram::installed_preset_folders() { return {VMSIM_INSTALLED_PRESETS, VMSIM_SOURCE_PRESETS}; }

Dram::Queues Dram::read_detailed_timing(Params& params) {
  const auto preset_name = params.get<std::string>(
      "preset", "",
      "Device preset (organisation and timings): a name, DDR4-2400 for dram/DDR4-2400.yaml in this "
      "configuration's folder or among the installed presets, or a file relative to this configuration's folder");
  // A bare name is looked up; the resolved configuration records the file found.
  const bool by_name = preset_name.find('/') == std::string::npos && preset_name.find('.') == std::string::npos;
  std::vector<std::string> alternatives;
  if (by_name) {
    alternatives = {preset_name + ".yaml", "dram/" + preset_name + ".yaml"};
    for (const std::string& folder : installed_preset_folders())
      alternatives.push_back(folder + "/" + preset_name + ".yaml");
  }
  const std::string preset_file =
      params.listing() || preset_name.empty() ? "" : params.resolve_path(preset_name, alternatives);
  const std::size_t policy = params.choose("page_policy", "open", {"open", "closed", "open_adaptive"},
                                           "Row-buffer policy: keep rows open, precharge after each access, or "
                                           "precharge after idle_close of no access");
  const auto idle_close = params.get<sc_core::sc_time>("idle_close", sc_core::sc_time(100, sc_core::SC_NS),
                                                       "Idle time after which open_adaptive closes a row");
  const auto scheme = params.get<std::string>(
      "mapping", "RoBaRaCoCh", fmt::format("Address mapping: {}", fmt::join(DramAddressMapping::names(), ", ")));
  const bool approximately_timed =
      params.choose("mode", "lt", {"lt", "at"},
                    "lt: each access is timed on arrival, in call order; at: requests queue through the TLM "
                    "non-blocking protocol and an FR-FCFS scheduler serves them") == 1;
  const auto read_depth = params.get<unsigned>("read_queue", 32, "Depth of the read queue (mode: at)");
  const auto write_depth = params.get<unsigned>("write_queue", 32, "Depth of the write queue (mode: at)");
  if (!params.listing() && (read_depth == 0 || write_depth == 0))
    params.fail(read_depth == 0 ? "read_queue" : "write_queue", "must be at least 1");
  Params organisation = params.scope("organisation", "Overrides of the preset's organisation");
  Params timings = params.scope("timings", "Overrides of the preset's timings (in clock cycles)");

  // Every value comes from the preset unless the configuration overrides it.
  ParamCatalog unused;
  std::unique_ptr<ConfigDocument> preset_document;
  std::unique_ptr<Params> preset;
  if (params.listing()) {
    preset = std::make_unique<Params>(unused);
  } else {
    if (preset_file.empty()) params.fail("preset", "timing: detailed needs a preset");
    if (by_name && !std::filesystem::exists(preset_file))
      params.fail("preset", fmt::format("no preset named '{}' in dram/ beside the configuration or in {}", preset_name,
                                        fmt::join(installed_preset_folders(), ", ")));
    try {
      preset_document = std::make_unique<ConfigDocument>(ConfigDocument::from_file(preset_file));
    } catch (const ConfigError& e) {
      params.fail("preset", e.what());
    }
    preset = std::make_unique<Params>(*preset_document, preset_document->root(), preset_document->resolved(), "");
  }
  preset->get<std::string>("name", "", "Name of the preset");
  preset->get<std::string>("source", "", "Datasheet or standard the values come from");
  Params preset_organisation = preset->scope("organisation", "");
  Params preset_timings = preset->scope("timings", "");
  const auto dimension = [&](const char* key, const char* description) {
    const auto value = organisation.get<unsigned>(key, preset_organisation.require<unsigned>(key, description), description);
    if (!params.listing() && (value == 0 || (value & (value - 1)) != 0))
      (organisation.contains(key) ? organisation : preset_organisation).fail(key, "must be a power of two");
    return value;
  };
  const auto cycles = [&](const char* key, const char* description) {
    return timings.get<unsigned>(key, preset_timings.require<unsigned>(key, description), description);
  };
  DramOrganisation& shape = shape_;
  shape.channels = dimension("channels", "Independent channels");
  shape.ranks = dimension("ranks", "Ranks per channel");
  shape.bank_groups = dimension("bank_groups", "Bank groups per rank (1 for none)");
  shape.banks_per_group = dimension("banks_per_group", "Banks per bank group");
  shape.rows = dimension("rows", "Rows per bank");
  shape.columns = dimension("columns", "Columns per row (one bus width each)");
  shape.bus_width = dimension("bus_width", "Data bus width of a channel, in bits");
  shape.burst_length = dimension("burst_length", "Transfers per column command");
  DramTimings t{};
  t.clock = timings.get<Frequency>("clock", preset_timings.require<Frequency>("clock", "Command clock"), "Command clock");
  t.CL = cycles("CL", "Read command to first data");
  t.CWL = cycles("CWL", "Write command to first data");
  t.tRCD = cycles("tRCD", "Activate to column command");
  t.tRP = cycles("tRP", "Precharge to activate");
  t.tRAS = cycles("tRAS", "Activate to precharge");
  t.tRC = cycles("tRC", "Activate to activate, same bank");
  t.tRRD_S = cycles("tRRD_S", "Activate to activate, other bank group");
  t.tRRD_L = cycles("tRRD_L", "Activate to activate, same bank group");
  t.tCCD_S = cycles("tCCD_S", "Column to column, other bank group");
  t.tCCD_L = cycles("tCCD_L", "Column to column, same bank group");
  t.tFAW = cycles("tFAW", "Window of four activates per rank");
  t.tWR = cycles("tWR", "End of write data to precharge");
  t.tWTR_S = cycles("tWTR_S", "End of write data to read, other bank group");
  t.tWTR_L = cycles("tWTR_L", "End of write data to read, same bank group");
  t.tRTP = cycles("tRTP", "Read to precharge");
  t.tRFC = cycles("tRFC", "Refresh cycle time");
  t.tREFI = cycles("tREFI", "Refresh interval (0: no refresh)");
  t.tRTRS = cycles("tRTRS", "Bus idle between bursts of different ranks");
  t.tRTW = cycles("tRTW", "Bus idle when a write follows a read");
  organisation.reject_unknown();
  timings.reject_unknown();
  preset_organisation.reject_unknown();
  preset_timings.reject_unknown();
  preset->reject_unknown();
  if (params.listing()) return Queues{};

  if (shape.bus_width % 8 != 0 || shape.burst_length % 2 != 0 || shape.burst_length == 0)
    organisation.fail("bus_width and burst_length must be whole bytes and an even number of transfers");
  try {
    mapping_ = std::make_unique<DramAddressMapping>(scheme, shape);
  } catch (const std::invalid_argument& e) {
    params.fail("mapping", e.what());
  }
  clock_ = t.clock;
  static constexpr PagePolicy policies[] = {PagePolicy::open, PagePolicy::closed, PagePolicy::open_adaptive};
  timing_ = std::make_unique<DramTiming>(stats(), shape, t, *mapping_, policies[policy], clock_.cycle_at(idle_close));
  return Queues{approximately_timed, read_depth, write_depth};
}

bool Dram::accept(tlm::tlm_generic_payload& trans) const {
  const std::uint64_t offset = trans.get_address();
  const std::uint64_t length = trans.get_data_length();
  if (offset >= store_->size() || length > store_->size() - offset) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  if (trans.get_byte_enable_ptr() != nullptr) {
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return false;
  }
  if (trans.get_streaming_width() < length) {
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return false;
  }
  if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return false;
  }
  return true;
}

void Dram::record(bool is_read, std::uint64_t length, const sc_core::sc_time& latency) {
  transfers_.record(is_read, length);
  const double latency_ns = to_ns(latency);
  latency_.sample(latency_ns);
  latency_distribution_->sample(latency_ns);
}

tlm::tlm_sync_enum Dram::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                         sc_core::sc_time& delay) {
  if (phase == tlm::BEGIN_REQ && !accept(trans)) {
    ++errors_;
    return tlm::TLM_COMPLETED;
  }
  if (controller_) return controller_->nb_transport_fw(trans, phase, delay);
  // Without queues a request completes at once: the blocking path times it.
  if (phase == tlm::BEGIN_REQ) {
    b_transport(trans, delay);
    phase = tlm::BEGIN_RESP;
    return tlm::TLM_COMPLETED;
  }
  return tlm::TLM_COMPLETED;
}

void Dram::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  if (!accept(trans)) {
    ++errors_;
    return;
  }
  if (controller_) {
    controller_->b_transport(trans, delay);
    return;
  }
  const std::uint64_t length = trans.get_data_length();
  const bool is_read = trans.is_read();
  if (is_read)
    store_->read(trans.get_address(), trans.get_data_ptr(), length);
  else
    store_->write(trans.get_address(), trans.get_data_ptr(), length);
  sc_core::sc_time latency = is_read ? read_latency_ : write_latency_;
  if (timing_) {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    const sc_core::sc_time arrival = now + delay;
    const std::uint64_t end = timing_->access(is_read, trans.get_address(), length, clock_.cycle_at(arrival));
    latency = clock_.cycles(end) - arrival;
  }
  delay += latency;
  record(is_read, length, latency);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Dram::transport_dbg(tlm::tlm_generic_payload& trans) {
  if (!accept(trans)) return 0;
  if (trans.is_read())
    store_->read(trans.get_address(), trans.get_data_ptr(), trans.get_data_length());
  else
    store_->write(trans.get_address(), trans.get_data_ptr(), trans.get_data_length());
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return trans.get_data_length();
}

}  // namespace vmsim
