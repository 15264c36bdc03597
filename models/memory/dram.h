// Main memory: a sparse backing store over the configured range, answering every access with its
// data and a latency: a fixed one, or one that follows from a JEDEC-style model of banks, row
// buffers, timing constraints and refresh (timing: detailed, with a preset from configs/dram/).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <tlm_utils/simple_target_socket.h>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/device_tree.h"
#include "vmsim/models/core/direct_memory.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/transfer_stats.h"
#include "vmsim/models/memory/dram_address_mapping.h"
#include "vmsim/models/memory/dram_controller.h"
#include "vmsim/models/memory/dram_timing.h"
#include "vmsim/models/memory/sparse_store.h"

namespace vmsim {

class VMSIM_API Dram final : public Component, public DirectMemory, public DeviceTreeDevice {
 public:
  // The memory's one socket (TLM-2.0 base protocol; no DMI offered, every access is timed), with
  // addresses relative to `base`: b_transport, and nb_transport with mode: at (the request queues
  // hold END_REQ back when full; an initiator gives its transactions a memory manager); transport_dbg
  // reads and writes the store without time or statistics. Any length, at any address in range;
  // TLM_ADDRESS_ERROR_RESPONSE beyond the size, TLM_BYTE_ENABLE_ERROR_RESPONSE for byte enables,
  // TLM_BURST_ERROR_RESPONSE for a streaming width under the length, TLM_COMMAND_ERROR_RESPONSE for
  // an ignore command. No extension is read.
  tlm_utils::simple_target_socket<Dram> target{"target"};

  static ParamSchema parameters();
  Dram(const sc_core::sc_module_name& name, ComponentContext& context);

  TargetSocket* target_socket() override { return &target; }
  void describe(DeviceTree& tree, const Lookup& find) const override;

  // The direct path serves what b_transport serves without queues (mode: lt).
  bool direct_access_allowed() const override { return controller_ == nullptr; }
  std::uint8_t* direct_access(bool write, std::uint64_t offset, unsigned length, sc_core::sc_time& delay) override {
    time_access(!write, offset, length, delay);
    if (write) reservations_.written(offset, length);
    return store_->at(offset);
  }
  std::uint8_t* debug_pointer(std::uint64_t offset) override { return store_->at(offset); }
  Reservations& reservations() override { return reservations_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  // Adds the latency of an access served at once (mode: lt) to `delay`, and counts it.
  void time_access(bool is_read, std::uint64_t offset, std::uint64_t length, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  void record(bool is_read, std::uint64_t length, const sc_core::sc_time& latency);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  // Checks what this memory cannot serve; sets the error response and returns false.
  bool accept(tlm::tlm_generic_payload& trans) const;
  // With mode: at, requests queue in a controller.
  struct Queues {
    bool approximately_timed = false;
    unsigned read_depth = 0;
    unsigned write_depth = 0;
  };
  // Reads the preset and its overrides into shape_, mapping_, timing_ and clock_.
  Queues read_detailed_timing(Params& params);
  // Where `preset: NAME` is looked up after the configuration's dram/ folder: the installed presets,
  // then the source tree's configs/dram (for a build that is not installed).
  static std::vector<std::string> installed_preset_folders();

  // A fixed latency with its figures for the statistics, worked out once (timing: fixed).
  struct FixedLatency {
    sc_core::sc_time latency;
    double ns = 0;
    std::size_t bucket = 0;
  };

  std::optional<SparseStore> store_;  // sized once the preset is known
  FixedLatency fixed_read_;
  FixedLatency fixed_write_;
  DramOrganisation shape_{};
  sc_core::sc_time read_latency_;
  sc_core::sc_time write_latency_;
  std::unique_ptr<DramAddressMapping> mapping_;
  std::unique_ptr<DramTiming> timing_;          // null with timing: fixed
  std::unique_ptr<DramController> controller_;  // request queues, with mode: at
  Frequency clock_;
  Reservations reservations_;

  TransferStats transfers_{stats()};
  Counter errors_{stats(), "errors", "Transactions answered with an error response"};
  Average latency_{stats(), "avg_latency_ns", "Mean latency of an access in the memory, in ns"};
  std::unique_ptr<Distribution> latency_distribution_;
  Formula bandwidth_{stats(), "bandwidth_bytes_per_second", "Bytes moved per simulated second", [this] {
                       return static_cast<double>(transfers_.bytes_read.value() + transfers_.bytes_written.value()) /
                              to_seconds(sc_core::sc_time_stamp());
                     }};
  Formula peak_{stats(), "peak_bandwidth_bytes_per_second", "Peak bandwidth of the channels (timing: detailed)",
                [this] { return timing_ ? timing_->peak_bytes_per_second() : 0.0; }};
  Formula resident_{stats(), "host_resident_bytes", "Host memory backing the touched part of the store",
                    [this] { return static_cast<double>(store_->resident_bytes()); }};
};

}  // namespace vmsim
