#include "vmsim/models/memory/dram.h"

#include <dlfcn.h>

#include <filesystem>

#include <fmt/format.h>

namespace vmsim {

namespace {

enum class Timing { fixed, detailed };
enum class Mode { lt, at };
// The size of a memory with timing: fixed (with a preset, the size is the preset's capacity).
constexpr std::uint64_t fixed_size = 1ull << 30;

struct PresetField {
  const char* key;
  const char* description;
};
// The organisation and timings (in clock cycles) a preset gives and a configuration may override.
constexpr PresetField organisation_fields[] = {{"channels", "Independent channels"},
                                               {"ranks", "Ranks per channel"},
                                               {"bank_groups", "Bank groups per rank (1 for none)"},
                                               {"banks_per_group", "Banks per bank group"},
                                               {"rows", "Rows per bank"},
                                               {"columns", "Columns per row (one bus width each)"},
                                               {"bus_width", "Data bus width of a channel, in bits"},
                                               {"burst_length", "Transfers per column command"}};
constexpr const char* clock_description = "Command clock";
constexpr PresetField timing_fields[] = {{"CL", "Read command to first data"},
                                         {"CWL", "Write command to first data"},
                                         {"tRCD", "Activate to column command"},
                                         {"tRP", "Precharge to activate"},
                                         {"tRAS", "Activate to precharge"},
                                         {"tRC", "Activate to activate, same bank"},
                                         {"tRRD_S", "Activate to activate, other bank group"},
                                         {"tRRD_L", "Activate to activate, same bank group"},
                                         {"tCCD_S", "Column to column, other bank group"},
                                         {"tCCD_L", "Column to column, same bank group"},
                                         {"tFAW", "Window of four activates per rank"},
                                         {"tWR", "End of write data to precharge"},
                                         {"tWTR_S", "End of write data to read, other bank group"},
                                         {"tWTR_L", "End of write data to read, same bank group"},
                                         {"tRTP", "Read to precharge"},
                                         {"tRFC", "Refresh cycle time"},
                                         {"tREFI", "Refresh interval (0: no refresh)"},
                                         {"tRTRS", "Bus idle between bursts of different ranks"},
                                         {"tRTW", "Bus idle when a write follows a read"}};

// The preset's fields: required in a preset file; in a configuration, overrides of the preset.
void declare_preset_fields(ParamSchema& organisation, ParamSchema& timings, bool in_preset) {
  const auto declare = [in_preset](ParamSchema& schema, const char* key, const char* description, auto type) {
    using T = decltype(type);
    if (in_preset)
      schema.required<T>(key, description);
    else
      schema.derived<T>(key, "preset", description);
  };
  for (const PresetField& field : organisation_fields) declare(organisation, field.key, field.description, unsigned{});
  declare(timings, "clock", clock_description, Frequency{});
  for (const PresetField& field : timing_fields) declare(timings, field.key, field.description, unsigned{});
}

// A preset file of configs/dram/.
const ParamSchema& preset_parameters() {
  static const ParamSchema schema = [] {
    ParamSchema preset;
    preset.optional<std::string>("name", "", "Name of the preset");
    preset.optional<std::string>("source", "", "Datasheet or standard the values come from");
    ParamSchema& organisation = preset.scope("organisation", "Organisation of the device").declare_members();
    ParamSchema& timings = preset.scope("timings", "Timings, in clock cycles").declare_members();
    declare_preset_fields(organisation, timings, true);
    return preset;
  }();
  return schema;
}

}  // namespace

ParamSchema Dram::parameters() {
  ParamSchema schema;
  declare_mapping(schema,
                  fmt::format("{}; with timing: detailed, the preset's capacity", format_bytes(Bytes{fixed_size})),
                  "memory");
  schema.choice("timing", Timing::fixed, {{"fixed", Timing::fixed}, {"detailed", Timing::detailed}},
                "fixed: every access takes read_latency or write_latency; detailed: banks, row buffers, JEDEC "
                "timings and refresh, from a preset");
  schema.optional<sc_core::sc_time>("read_latency", sc_core::sc_time(50, sc_core::SC_NS), "Latency of a read")
      .when("timing: fixed");
  schema.optional<sc_core::sc_time>("write_latency", sc_core::sc_time(50, sc_core::SC_NS), "Latency of a write")
      .when("timing: fixed");
  constexpr const char* detailed = "timing: detailed";
  schema
      .optional<std::string>("preset", "",
                             "Device preset (organisation and timings): a name, DDR4-2400 for dram/DDR4-2400.yaml in "
                             "this configuration's folder or among the installed presets, or a file relative to this "
                             "configuration's folder")
      .when(detailed);
  schema
      .choice(
          "page_policy", PagePolicy::open,
          {{"open", PagePolicy::open}, {"closed", PagePolicy::closed}, {"open_adaptive", PagePolicy::open_adaptive}},
          "Row-buffer policy: keep rows open, precharge after each access, or precharge after idle_close of "
          "no access")
      .when(detailed);
  schema
      .optional<sc_core::sc_time>("idle_close", sc_core::sc_time(100, sc_core::SC_NS),
                                  "Idle time after which open_adaptive closes a row")
      .when("timing: detailed, page_policy: open_adaptive");
  schema
      .optional<std::string>("mapping", "RoBaRaCoCh",
                             fmt::format("Address mapping: {}", fmt::join(DramAddressMapping::names(), ", ")))
      .when(detailed);
  schema
      .choice("mode", Mode::lt, {{"lt", Mode::lt}, {"at", Mode::at}},
              "lt: each access is timed on arrival, in call order; at: requests queue through the TLM "
              "non-blocking protocol and an FR-FCFS scheduler serves them")
      .when(detailed);
  schema.optional<unsigned>("read_queue", 32, "Depth of the read queue").when("timing: detailed, mode: at");
  schema.optional<unsigned>("write_queue", 32, "Depth of the write queue").when("timing: detailed, mode: at");
  ParamSchema& organisation =
      schema.scope("organisation", "Overrides of the preset's organisation").when(detailed).declare_members();
  ParamSchema& timings =
      schema.scope("timings", "Overrides of the preset's timings (in clock cycles)").when(detailed).declare_members();
  declare_preset_fields(organisation, timings, false);
  declare_latency_distribution(schema, "latency_histogram", "latency_ns", sc_core::sc_time(200, sc_core::SC_NS));
  return schema;
}

Dram::Dram(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  const bool detailed = params.get<Timing>("timing") == Timing::detailed;
  read_latency_ = params.get<sc_core::sc_time>("read_latency");
  write_latency_ = params.get<sc_core::sc_time>("write_latency");
  Queues queues;
  if (detailed) {
    queues = read_detailed_timing(params);
  } else {
    for (const char* key : {"preset", "page_policy", "idle_close", "mapping", "mode", "read_queue", "write_queue",
                            "organisation", "timings"})
      if (params.contains(key)) params.fail(key, "applies only with timing: detailed");
  }
  // With a preset the size is its organisation's capacity, which is also the default.
  const std::uint64_t capacity = detailed ? shape_.capacity() : fixed_size;
  store_.emplace(map_on_bus(target, params, capacity));
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
          if (trans.is_write()) reservations_.written(trans.get_address(), trans.get_data_length());
          record(trans.is_read(), trans.get_data_length(), latency);
        });
  latency_distribution_ = latency_distribution(params, "latency_histogram", stats(), "latency_ns",
                                               "Latency of each access in the memory, in ns");
  for (auto [fixed, latency] : {std::pair{&fixed_read_, read_latency_}, std::pair{&fixed_write_, write_latency_}})
    *fixed = {latency, to_ns(latency), latency_distribution_->bucket(to_ns(latency))};
  target.register_b_transport(this, &Dram::b_transport);
  target.register_nb_transport_fw(this, &Dram::nb_transport_fw);
  target.register_transport_dbg(this, &Dram::transport_dbg);
}

std::vector<std::string> Dram::installed_preset_folders() {
  // The installed presets are found from the library's own file, <prefix>/lib/libvmsim-models.so, so
  // that an installation works wherever its prefix is; a library linked into a program (the tests)
  // has none beside it.
  std::vector<std::string> folders;
  static const char anchor = 0;
  Dl_info library{};
  if (dladdr(&anchor, &library) != 0 && library.dli_fname != nullptr) {
    const std::filesystem::path installed =
        (std::filesystem::path(library.dli_fname).parent_path() / VMSIM_PRESETS_FROM_LIBRARY).lexically_normal();
    if (std::filesystem::is_directory(installed)) folders.push_back(installed.string());
  }
  folders.push_back(VMSIM_SOURCE_PRESETS);
  return folders;
}

Dram::Queues Dram::read_detailed_timing(Params& params) {
  const auto preset_name = params.get<std::string>("preset");
  // A bare name is looked up; the resolved configuration records the file found.
  const bool by_name = preset_name.find('/') == std::string::npos && preset_name.find('.') == std::string::npos;
  std::vector<std::string> alternatives;
  if (by_name) {
    alternatives = {preset_name + ".yaml", "dram/" + preset_name + ".yaml"};
    for (const std::string& folder : installed_preset_folders())
      alternatives.push_back(folder + "/" + preset_name + ".yaml");
  }
  const std::string preset_file = preset_name.empty() ? "" : params.resolve_path(preset_name, alternatives);
  const auto policy = params.get<PagePolicy>("page_policy");
  const auto idle_close = params.get<sc_core::sc_time>("idle_close");
  const auto scheme = params.get<std::string>("mapping");
  const bool approximately_timed = params.get<Mode>("mode") == Mode::at;
  const auto read_depth = params.get<unsigned>("read_queue");
  const auto write_depth = params.get<unsigned>("write_queue");
  if (read_depth == 0 || write_depth == 0)
    params.fail(read_depth == 0 ? "read_queue" : "write_queue", "must be at least 1");
  Params organisation = params.scope("organisation");
  Params timings = params.scope("timings");

  // Every value comes from the preset unless the configuration overrides it.
  if (preset_file.empty()) params.fail("preset", "timing: detailed needs a preset");
  if (by_name && !std::filesystem::exists(preset_file))
    params.fail("preset", fmt::format("no preset named '{}' in dram/ beside the configuration or in {}", preset_name,
                                      fmt::join(installed_preset_folders(), ", ")));
  std::unique_ptr<ConfigDocument> preset_document;
  try {
    preset_document = std::make_unique<ConfigDocument>(ConfigDocument::from_file(preset_file));
  } catch (const ConfigError& e) {
    params.fail("preset", e.what());
  }
  Params preset(*preset_document, preset_document->root(), preset_document->resolved(), "", preset_parameters());
  preset.get<std::string>("name");
  preset.get<std::string>("source");
  Params preset_organisation = preset.scope("organisation");
  Params preset_timings = preset.scope("timings");
  const auto dimension = [&](const char* key) {
    const auto value = organisation.get<unsigned>(key, preset_organisation.get<unsigned>(key));
    if (value == 0 || (value & (value - 1)) != 0)
      (organisation.contains(key) ? organisation : preset_organisation).fail(key, "must be a power of two");
    return value;
  };
  const auto cycles = [&](const char* key) { return timings.get<unsigned>(key, preset_timings.get<unsigned>(key)); };
  DramOrganisation& shape = shape_;
  shape.channels = dimension("channels");
  shape.ranks = dimension("ranks");
  shape.bank_groups = dimension("bank_groups");
  shape.banks_per_group = dimension("banks_per_group");
  shape.rows = dimension("rows");
  shape.columns = dimension("columns");
  shape.bus_width = dimension("bus_width");
  shape.burst_length = dimension("burst_length");
  DramTimings t{};
  t.clock = timings.get<Frequency>("clock", preset_timings.get<Frequency>("clock"));
  t.CL = cycles("CL");
  t.CWL = cycles("CWL");
  t.tRCD = cycles("tRCD");
  t.tRP = cycles("tRP");
  t.tRAS = cycles("tRAS");
  t.tRC = cycles("tRC");
  t.tRRD_S = cycles("tRRD_S");
  t.tRRD_L = cycles("tRRD_L");
  t.tCCD_S = cycles("tCCD_S");
  t.tCCD_L = cycles("tCCD_L");
  t.tFAW = cycles("tFAW");
  t.tWR = cycles("tWR");
  t.tWTR_S = cycles("tWTR_S");
  t.tWTR_L = cycles("tWTR_L");
  t.tRTP = cycles("tRTP");
  t.tRFC = cycles("tRFC");
  t.tREFI = cycles("tREFI");
  t.tRTRS = cycles("tRTRS");
  t.tRTW = cycles("tRTW");
  organisation.reject_unknown();
  timings.reject_unknown();
  preset_organisation.reject_unknown();
  preset_timings.reject_unknown();
  preset.reject_unknown();

  // Timings that contradict each other would give every access a latency no device has.
  const auto timing_holder = [&](std::string_view key) -> Params& {
    return timings.contains(key) ? timings : preset_timings;
  };
  if (t.tREFI != 0 && t.tREFI <= t.tRFC)
    timing_holder("tREFI").fail("tREFI",
                                fmt::format("a refresh every {} cycles cannot last {} (tRFC)", t.tREFI, t.tRFC));
  if (t.tRC < t.tRAS) timing_holder("tRC").fail("tRC", fmt::format("must be at least tRAS ({} cycles)", t.tRAS));
  if (shape.bus_width % 8 != 0 || shape.burst_length % 2 != 0 || shape.burst_length == 0)
    organisation.fail("bus_width and burst_length must be whole bytes and an even number of transfers");
  try {
    mapping_ = std::make_unique<DramAddressMapping>(scheme, shape);
  } catch (const std::invalid_argument& e) {
    params.fail("mapping", e.what());
  }
  clock_ = t.clock;
  timing_ = std::make_unique<DramTiming>(stats(), shape, t, *mapping_, policy, clock_.cycle_at(idle_close));
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
  if (is_read) {
    store_->read(trans.get_address(), trans.get_data_ptr(), length);
  } else {
    store_->write(trans.get_address(), trans.get_data_ptr(), length);
    reservations_.written(trans.get_address(), length);
  }
  time_access(is_read, trans.get_address(), length, delay);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

void Dram::time_access(bool is_read, std::uint64_t offset, std::uint64_t length, sc_core::sc_time& delay) {
  if (!timing_) {
    const FixedLatency& fixed = is_read ? fixed_read_ : fixed_write_;
    delay += fixed.latency;
    transfers_.record(is_read, length);
    latency_.sample(fixed.ns);
    latency_distribution_->sample(fixed.ns, fixed.bucket);
    return;
  }
  const sc_core::sc_time arrival = sc_core::sc_time_stamp() + delay;
  const std::uint64_t end = timing_->access(is_read, offset, length, clock_.cycle_at(arrival));
  const sc_core::sc_time latency = clock_.cycles(end) - arrival;
  delay += latency;
  record(is_read, length, latency);
}

unsigned Dram::transport_dbg(tlm::tlm_generic_payload& trans) {
  if (!accept(trans)) return 0;
  if (trans.is_read()) {
    store_->read(trans.get_address(), trans.get_data_ptr(), trans.get_data_length());
  } else {
    store_->write(trans.get_address(), trans.get_data_ptr(), trans.get_data_length());
    reservations_.written(trans.get_address(), trans.get_data_length());
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return trans.get_data_length();
}

void Dram::describe(DeviceTree& tree, const Lookup&) const {
  const MappedTarget& mapped = mapped_targets().front();
  tree.memory(basename(), mapped.base, mapped.size);
}

}  // namespace vmsim
