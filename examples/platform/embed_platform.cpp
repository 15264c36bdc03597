// A whole vmsim platform, built from a YAML file, as one module of a program's own design. The top
// module holds the platform and an initiator of the program's own, bound to the socket the platform
// exports as `host` (an external_port in platform.yaml). The program runs the simulation and reads
// the statistics through the library. docs/embedding.md walks through it.
//   embed_platform [platform.yaml]      exit status 0 when every check holds
#include <cstdint>
#include <cstdio>
#include <string>

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <vmsim/models/core/config_document.h>
#include <vmsim/models/core/registry.h>
#include <vmsim/platforms/builtin_models.h>
#include <vmsim/platforms/results.h>
#include <vmsim/platforms/system.h>

namespace {

constexpr std::uint64_t buffer = 0x8100'0000;  // where the program's initiator writes, away from cpu0's range
constexpr unsigned words = 64;

// The program's own initiator: stores a pattern, loads it back, and says so when done, so that the
// run waits for it as for the platform's own CPUs.
struct Driver : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Driver> socket{"socket"};
  vmsim::RunControl* run = nullptr;
  unsigned mismatches = 0;

  SC_HAS_PROCESS(Driver);
  explicit Driver(const sc_core::sc_module_name& name) : sc_module(name) { SC_THREAD(work); }

  std::uint64_t access(tlm::tlm_command command, std::uint64_t address, std::uint64_t data) {
    tlm::tlm_generic_payload trans;
    trans.set_command(command);
    trans.set_address(address);
    trans.set_data_ptr(reinterpret_cast<unsigned char*>(&data));
    trans.set_data_length(8);
    trans.set_streaming_width(8);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(trans, delay);
    if (!trans.is_response_ok()) ++mismatches;
    wait(delay);
    return data;
  }

  void work() {
    for (unsigned i = 0; i < words; ++i) access(tlm::TLM_WRITE_COMMAND, buffer + 8 * i, 0x5eed'0000 + i);
    for (unsigned i = 0; i < words; ++i)
      if (access(tlm::TLM_READ_COMMAND, buffer + 8 * i, 0) != 0x5eed'0000 + i) ++mismatches;
    run->initiator_finished();
  }
};

vmsim::ModelRegistry& with_builtin_models(vmsim::ModelRegistry& registry) {
  vmsim::register_builtin_models(registry);
  return registry;
}

// The program's design: the platform is one of its modules.
struct Top : sc_core::sc_module {
  vmsim::ModelRegistry registry;
  vmsim::ConfigDocument config;
  vmsim::System platform;
  Driver driver{"driver"};

  Top(const sc_core::sc_module_name& name, const std::string& file, const std::string& output)
      : sc_module(name),
        config(vmsim::ConfigDocument::from_file(file)),
        platform("platform", config, with_builtin_models(registry), output) {
    driver.socket.bind(platform.external_socket("host"));
    driver.run = &platform.run_control();
    driver.run->initiator_started();
  }
};

std::uint64_t counter(const std::vector<vmsim::StatEntry>& stats, const std::string& name) {
  for (const vmsim::StatEntry& entry : stats)
    if (entry.name == name) return std::get<std::uint64_t>(entry.value);
  return 0;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  const std::string file = argc > 1 ? argv[1] : "platform.yaml";
  const std::string output = "embed-platform-out";
  try {
    vmsim::create_output_directory(output);
    Top top("top", file, output);
    if (!top.platform.run()) {
      std::fprintf(stderr, "embed_platform: %s\n", top.platform.failure().c_str());
      return 1;
    }
    const std::vector<vmsim::StatEntry> stats = top.platform.statistics();
    const std::uint64_t host = counter(stats, "platform.host.transactions");
    const std::uint64_t cpu = counter(stats, "platform.cpu0.accesses");
    const std::uint64_t dram = counter(stats, "platform.dram.reads") + counter(stats, "platform.dram.writes");
    std::printf("host transactions %llu, cpu0 accesses %llu, DRAM accesses %llu, mismatches %u\n",
                static_cast<unsigned long long>(host), static_cast<unsigned long long>(cpu),
                static_cast<unsigned long long>(dram), top.driver.mismatches);
    // Every access of both initiators reached the memory, and the pattern came back.
    const bool ok = host == 2 * words && cpu == 20000 && dram == host + cpu && top.driver.mismatches == 0;
    std::printf("%s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
  } catch (const vmsim::ConfigError& e) {
    std::fprintf(stderr, "embed_platform: %s\n", e.what());
    return 2;
  }
}
