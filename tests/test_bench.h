// A platform built from a YAML string, with a test initiator that tests drive by hand. Each test
// that elaborates SystemC runs in its own process (CTest runs every test case separately), since
// SystemC elaborates once per process.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>

#include "vmsim/models/core/access_extension.h"
#include "vmsim/models/core/component.h"
#include "vmsim/models/core/interrupt.h"
#include "vmsim/models/core/translation_fault.h"
#include "vmsim/platforms/system.h"

namespace vmsim::test {

// Issues single transactions from the test body (outside any SystemC process: targets that do not
// wait may be called that way once elaboration is complete).
class TestInitiator final : public Component {
 public:
  tlm_utils::simple_initiator_socket<TestInitiator> initiator{"initiator"};

  static ParamSchema parameters();
  TestInitiator(const sc_core::sc_module_name& name, ComponentContext& context);

  struct Result {
    tlm::tlm_response_status status;
    sc_core::sc_time delay;
    FaultCause fault = FaultCause::none;  // filled in by an MMU on the way
    std::uint64_t fault_address = 0;
  };
  Result write64(std::uint64_t address, std::uint64_t value);
  Result read64(std::uint64_t address, std::uint64_t& value);
  Result write32(std::uint64_t address, std::uint32_t value);
  Result read32(std::uint64_t address, std::uint32_t& value);
  Result fetch64(std::uint64_t address, std::uint64_t& value);
  unsigned debug(tlm::tlm_command command, std::uint64_t address, std::uint8_t* data, unsigned length,
                 tlm::tlm_response_status* status = nullptr);
  Result transport(AccessKind kind, std::uint64_t address, std::uint8_t* data, unsigned length);
  // Non-blocking: sends BEGIN_REQ now; each BEGIN_RESP is recorded in `responses` with its time, and
  // `requests_ended` counts the requests the target has taken (END_REQ, or a response).
  tlm::tlm_sync_enum begin(tlm::tlm_generic_payload& trans);
  std::vector<std::pair<const tlm::tlm_generic_payload*, sc_core::sc_time>> responses;
  std::size_t requests_ended = 0;
  // A debug read or write of 8 bytes that must succeed.
  std::uint64_t peek64(std::uint64_t address);
  void poke64(std::uint64_t address, std::uint64_t value);

  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);

  Privilege privilege = Privilege::user;  // what the next accesses carry
  sc_core::sc_time at;                     // their local time offset; Result::delay excludes it

 private:
  const tlm::tlm_generic_payload* awaiting_end_request_ = nullptr;
};

// An interrupt line to the controller its `interrupt_controller` names, as source `<name>` numbered
// `interrupt` (or automatically): pulsed high for 1 us every `period`, `pulses` times, and set from
// the test body by drive().
class TestInterruptSource final : public Component {
 public:
  SC_HAS_PROCESS(TestInterruptSource);
  static ParamSchema parameters();
  TestInterruptSource(const sc_core::sc_module_name& name, ComponentContext& context);
  void resolve(const Lookup& find) override;
  void drive(bool level) { line_.set(level); }

 private:
  void pulse();

  InterruptLine line_;
  sc_core::sc_time period_;
  unsigned pulses_ = 0;
};

// The platform and, if the configuration names one, the test initiator `tester`.
struct TestBench {
  // With a `timeline`, the models record their events there (as `vmsim run --timeline` has them).
  explicit TestBench(const std::string& yaml, const std::vector<std::string>& overrides = {},
                     Timeline* timeline = nullptr);

  std::filesystem::path output;  // a fresh folder for the run's files
  std::unique_ptr<ConfigDocument> config;
  std::unique_ptr<System> system;
  TestInitiator* tester = nullptr;

  // The test initiator of that name.
  TestInitiator& initiator(const std::string& name) const;

  // Finishes elaboration so that sockets can be used from the test body.
  void elaborate();
  // The value of a statistic by full name; fails the test if there is none.
  double stat(const std::string& name) const;
};

// Runs `yaml` to completion (every initiator finished) and returns its statistics; a failed run
// fails the test.
std::vector<StatEntry> run_platform(const std::string& yaml, const std::vector<std::string>& overrides = {},
                                    Timeline* timeline = nullptr);
// Builds `yaml` and returns the configuration error it raises ("no error" if none).
std::string config_error(const std::string& yaml, const std::vector<std::string>& overrides = {});
// Runs `yaml` and returns why the run failed ("" if it did not).
std::string run_failure(const std::string& yaml, const std::vector<std::string>& overrides = {});
double find_stat(const std::vector<StatEntry>& stats, const std::string& name);

// The arguments a shipped configuration runs with (tests/reference/<config>.args, as
// tests/reference/simulated-stats.sh reads them), {build} being the folder of `vmsim_binary`; empty
// for a configuration that needs none.
std::string reference_arguments(const std::string& config, const std::string& vmsim_binary);

}  // namespace vmsim::test
