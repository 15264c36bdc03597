// The register map of the PLIC (models/devices/plic.h), as the RISC-V PLIC specification lays it
// out: shared by the model and the kernel's driver. Every register is 32 bits wide. Hart h has two
// contexts: 2h (machine mode, its machine_external input) and 2h+1 (supervisor mode, its
// supervisor_external input).
#pragma once

#include <cstdint>

namespace vmsim::plic_regs {

constexpr unsigned max_sources = 1023;
constexpr unsigned max_contexts = 15872;

constexpr unsigned machine_context(unsigned hart) { return 2 * hart; }
constexpr unsigned supervisor_context(unsigned hart) { return 2 * hart + 1; }

// Source bits are packed 32 to a word: source s is bit s % 32 of word s / 32 (bit 0 of word 0,
// source 0, does not exist and reads 0).
constexpr unsigned word_of(unsigned source) { return source / 32; }
constexpr std::uint32_t bit_of(unsigned source) { return std::uint32_t{1} << (source % 32); }

// Read/write: source s's priority, from 0 (never interrupts) up; ties go to the lowest source.
constexpr std::uint64_t priority(unsigned source) { return 4 * std::uint64_t{source}; }
// Read-only: the sources whose interrupt request waits to be claimed.
constexpr std::uint64_t pending(unsigned word) { return 0x1000 + 4 * std::uint64_t{word}; }
// Read/write: the sources enabled for a context.
constexpr std::uint64_t enable(unsigned context, unsigned word) {
  return 0x2000 + 0x80 * std::uint64_t{context} + 4 * std::uint64_t{word};
}
// Read/write: a context is notified only of sources whose priority is above its threshold.
constexpr std::uint64_t threshold(unsigned context) { return 0x200000 + 0x1000 * std::uint64_t{context}; }
// Read = claim: the pending source enabled for the context with the highest priority (0 if none),
// whose request is then no longer pending. Write of a source = complete: the source's gateway may
// forward its next request. A completion of a source not enabled for the context is ignored.
constexpr std::uint64_t claim_complete(unsigned context) { return threshold(context) + 4; }

// The bytes a PLIC with `contexts` contexts decodes.
constexpr std::uint64_t block_size(unsigned contexts) { return threshold(contexts); }

}  // namespace vmsim::plic_regs
