#include "test_bench.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "stand_in_hart.h"
#include "vmsim/models/core/payload.h"
#include "vmsim/models/mmu/mmu.h"
#include "vmsim/platforms/builtin_models.h"

namespace vmsim::test {
namespace {

// Like a CPU: on the bus, or in front of its own MMU.
const Connection port{"port", "bus", "Component the test's transactions go to", {{"router"}, {"mmu", true}}};

}  // namespace

ParamSchema TestInitiator::parameters() {
  ParamSchema schema;
  declare_connection(schema, port);
  return schema;
}

TestInitiator::TestInitiator(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  connect(initiator, context.params, port);
  initiator.register_nb_transport_bw(this, &TestInitiator::nb_transport_bw);
}

tlm::tlm_sync_enum TestInitiator::begin(tlm::tlm_generic_payload& trans) {
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  const tlm::tlm_sync_enum status = initiator->nb_transport_fw(trans, phase, delay);
  if (status == tlm::TLM_ACCEPTED)
    awaiting_end_request_ = &trans;
  else
    ++requests_ended;
  return status;
}

tlm::tlm_sync_enum TestInitiator::nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                  sc_core::sc_time& delay) {
  // END_REQ, or a response without one, ends the request.
  if (&trans == awaiting_end_request_) {
    awaiting_end_request_ = nullptr;
    ++requests_ended;
  }
  if (phase != tlm::BEGIN_RESP) return tlm::TLM_ACCEPTED;
  responses.emplace_back(&trans, sc_core::sc_time_stamp() + delay);
  phase = tlm::END_RESP;
  return tlm::TLM_COMPLETED;
}

TestInitiator::Result TestInitiator::transport(AccessKind kind, std::uint64_t address, std::uint8_t* data,
                                               unsigned length) {
  tlm::tlm_generic_payload trans;
  prepare_payload(trans, kind == AccessKind::store ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, address, data, length);
  AccessExtension access;
  access.kind = kind;
  access.privilege = privilege;
  TranslationFault fault;
  trans.set_extension(&access);
  trans.set_extension(&fault);
  sc_core::sc_time delay = at;
  initiator->b_transport(trans, delay);
  trans.clear_extension(&access);
  trans.clear_extension(&fault);
  return {trans.get_response_status(), delay - at, fault.cause, fault.address};
}

std::uint64_t TestInitiator::peek64(std::uint64_t address) {
  std::uint64_t value = 0;
  EXPECT_EQ(debug(tlm::TLM_READ_COMMAND, address, reinterpret_cast<std::uint8_t*>(&value), 8), 8u) << std::hex << address;
  return value;
}

void TestInitiator::poke64(std::uint64_t address, std::uint64_t value) {
  EXPECT_EQ(debug(tlm::TLM_WRITE_COMMAND, address, reinterpret_cast<std::uint8_t*>(&value), 8), 8u) << std::hex << address;
}

TestInitiator::Result TestInitiator::write64(std::uint64_t address, std::uint64_t value) {
  return transport(AccessKind::store, address, reinterpret_cast<std::uint8_t*>(&value), 8);
}

TestInitiator::Result TestInitiator::read64(std::uint64_t address, std::uint64_t& value) {
  value = 0;
  return transport(AccessKind::load, address, reinterpret_cast<std::uint8_t*>(&value), 8);
}

TestInitiator::Result TestInitiator::write32(std::uint64_t address, std::uint32_t value) {
  return transport(AccessKind::store, address, reinterpret_cast<std::uint8_t*>(&value), 4);
}

TestInitiator::Result TestInitiator::read32(std::uint64_t address, std::uint32_t& value) {
  value = 0;
  return transport(AccessKind::load, address, reinterpret_cast<std::uint8_t*>(&value), 4);
}

TestInitiator::Result TestInitiator::fetch64(std::uint64_t address, std::uint64_t& value) {
  value = 0;
  return transport(AccessKind::fetch, address, reinterpret_cast<std::uint8_t*>(&value), 8);
}

unsigned TestInitiator::debug(tlm::tlm_command command, std::uint64_t address, std::uint8_t* data, unsigned length,
                              tlm::tlm_response_status* status) {
  tlm::tlm_generic_payload trans;
  prepare_payload(trans, command, address, data, length);
  const unsigned count = initiator->transport_dbg(trans);
  if (status != nullptr) *status = trans.get_response_status();
  return count;
}

ParamSchema TestInterruptSource::parameters() {
  ParamSchema schema;
  InterruptLine::declare(schema);
  schema.optional<sc_core::sc_time>("period", sc_core::sc_time(10, sc_core::SC_US), "Time between pulses");
  schema.optional<unsigned>("pulses", 1, "Number of pulses");
  return schema;
}

TestInterruptSource::TestInterruptSource(const sc_core::sc_module_name& name, ComponentContext& context)
    : Component(name, context) {
  line_.read(context.params);
  period_ = context.params.get<sc_core::sc_time>("period");
  pulses_ = context.params.get<unsigned>("pulses");
  SC_THREAD(pulse);
}

void TestInterruptSource::resolve(const Lookup& find) { line_.connect(find, basename(), basename()); }

void TestInterruptSource::pulse() {
  for (unsigned i = 0; i < pulses_; ++i) {
    sc_core::wait(period_ - sc_core::sc_time(1, sc_core::SC_US));
    line_.set(true);
    sc_core::wait(1, sc_core::SC_US);
    line_.set(false);
  }
}

TestBench::TestBench(const std::string& yaml, const std::vector<std::string>& overrides, Timeline* timeline) {
  config = std::make_unique<ConfigDocument>(ConfigDocument::from_string(yaml, "test.yaml"));
  for (const auto& assignment : overrides) config->set(assignment);
  ModelRegistry registry;
  register_builtin_models(registry);
  registry.add<TestInitiator>("test_initiator", "Transactions issued by a test");
  registry.add<TestInterruptSource>("test_interrupt_source", "Interrupt pulses for a test");
  registry.add<StandInHart>("stand_in_hart", "A hart's stand-in for the GDB server's tests");
  std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(test.begin(), test.end(), '/', '_');
  output = std::filesystem::temp_directory_path() / fmt::format("vmsim_{}_{}", test, getpid());
  std::filesystem::create_directories(output);
  system = std::make_unique<System>("system", *config, registry, output.string(), timeline);
  tester = dynamic_cast<TestInitiator*>(sc_core::sc_find_object("system.tester"));
}

TestInitiator& TestBench::initiator(const std::string& name) const {
  auto* found = dynamic_cast<TestInitiator*>(sc_core::sc_find_object(("system." + name).c_str()));
  if (found == nullptr) throw std::logic_error("no test initiator named " + name);
  return *found;
}

void TestBench::elaborate() { sc_core::sc_start(sc_core::SC_ZERO_TIME); }

double TestBench::stat(const std::string& name) const { return find_stat(system->statistics(), name); }

std::vector<StatEntry> run_platform(const std::string& yaml, const std::vector<std::string>& overrides,
                                    Timeline* timeline) {
  TestBench bench(yaml, overrides, timeline);
  EXPECT_TRUE(bench.system->run()) << bench.system->failure();
  return bench.system->statistics();
}

std::string config_error(const std::string& yaml, const std::vector<std::string>& overrides) {
  try {
    TestBench bench(yaml, overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

std::string run_failure(const std::string& yaml, const std::vector<std::string>& overrides) {
  TestBench bench(yaml, overrides);
  return bench.system->run() ? "" : bench.system->failure();
}

double find_stat(const std::vector<StatEntry>& stats, const std::string& name) {
  for (const auto& entry : stats) {
    if (entry.name != name) continue;
    if (const auto* count = std::get_if<std::uint64_t>(&entry.value)) return static_cast<double>(*count);
    if (const auto* number = std::get_if<double>(&entry.value)) return *number;
    ADD_FAILURE() << "statistic " << name << " has no value";
    return 0;
  }
  ADD_FAILURE() << "no statistic named " << name;
  return 0;
}

std::string reference_arguments(const std::string& config, const std::string& vmsim_binary) {
  std::ifstream in(std::filesystem::path("tests/reference") / (config + ".args"));
  std::string line;
  if (!in || !std::getline(in, line)) return "";
  const std::string build = std::filesystem::absolute(vmsim_binary).parent_path().string();
  for (auto at = line.find("{build}"); at != std::string::npos; at = line.find("{build}")) line.replace(at, 7, build);
  return line;
}

}  // namespace vmsim::test
