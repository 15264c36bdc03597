// Trace replay: the readers access by access, gzip against plain, mistakes, and replay on a platform.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>
#include <fmt/format.h>

#include "test_bench.h"
#include "vmsim/models/cpu/trace_reader.h"

namespace vmsim::test {
namespace {

namespace fs = std::filesystem;

class TraceFiles : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& text, bool gzip = false) {
    const fs::path path = fs::temp_directory_path() / fmt::format("vmsim_{}_{}", getpid(), name);
    std::ofstream file(path, std::ios::binary);
    if (gzip) {
      boost::iostreams::filtering_ostream out;
      out.push(boost::iostreams::gzip_compressor());
      out.push(file);
      out << text;
    } else {
      file << text;
    }
    files_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const auto& file : files_) fs::remove(file);
  }
  static std::vector<std::tuple<AccessKind, std::uint64_t, std::uint64_t, std::uint64_t>> read_all(
      const fs::path& file, TraceReader::Format format) {
    TraceReader reader(file.string(), format);
    std::vector<std::tuple<AccessKind, std::uint64_t, std::uint64_t, std::uint64_t>> accesses;
    TraceAccess access;
    while (reader.next(access)) accesses.emplace_back(access.kind, access.address, access.size, access.gap_cycles);
    return accesses;
  }
  static std::string error_of(const fs::path& file, TraceReader::Format format) {
    try {
      read_all(file, format);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "no error";
  }

  std::vector<fs::path> files_;
};

const std::string lackey = R"(==42== Lackey, an example Valgrind tool
==42== Command: ./sort
I  0400d7d4,3
 S 1ffefffe18,8
I  0400d7d7,4
 L 04222cac,4
 M 0421f6e0,16
some other line valgrind printed
==42== 
)";

TEST_F(TraceFiles, LackeyAccessByAccess) {
  using A = AccessKind;
  const std::vector<std::tuple<AccessKind, std::uint64_t, std::uint64_t, std::uint64_t>> expected = {
      {A::fetch, 0x0400d7d4, 3, 0}, {A::store, 0x1ffefffe18, 8, 0}, {A::fetch, 0x0400d7d7, 4, 0},
      {A::load, 0x04222cac, 4, 0},  {A::load, 0x0421f6e0, 16, 0},   {A::store, 0x0421f6e0, 16, 0}};
  EXPECT_EQ(read_all(write("t.lackey", lackey), TraceReader::Format::lackey), expected);
  // Compressed, the same accesses.
  EXPECT_EQ(read_all(write("t.lackey.gz", lackey, true), TraceReader::Format::lackey), expected);
}

TEST_F(TraceFiles, PlainWithGapsAndComments) {
  const std::string plain = "# kind address size [gap]\nR 80001000 8\nW 0x80001008 4 10  # ten cycles first\n\nX 80000000 4\n";
  using A = AccessKind;
  const std::vector<std::tuple<AccessKind, std::uint64_t, std::uint64_t, std::uint64_t>> expected = {
      {A::load, 0x80001000, 8, 0}, {A::store, 0x80001008, 4, 10}, {A::fetch, 0x80000000, 4, 0}};
  EXPECT_EQ(read_all(write("t.plain", plain), TraceReader::Format::plain), expected);
  EXPECT_EQ(read_all(write("t.plain.gz", plain, true), TraceReader::Format::plain), expected);
}

TEST_F(TraceFiles, MalformedLinesNameFileAndLine) {
  const auto lackey_error = [&](const std::string& text) {
    const fs::path file = write("bad.lackey", text);
    return error_of(file, TraceReader::Format::lackey).substr(file.string().size());
  };
  EXPECT_EQ(lackey_error("I  0400d7d4,3\n L 04zz2cac,4\n"), ":2: the address is not hexadecimal");
  EXPECT_EQ(lackey_error(" S 1000\n"), ":1: expected ADDRESS,SIZE");
  EXPECT_EQ(lackey_error(" S 1000,0\n"), ":1: the size is not a positive number");
  const auto plain_error = [&](const std::string& text) {
    const fs::path file = write("bad.plain", text);
    return error_of(file, TraceReader::Format::plain).substr(file.string().size());
  };
  EXPECT_EQ(plain_error("R 1000 8\nQ 1000 8\n"), ":2: 'Q' is not R, W or X");
  EXPECT_EQ(plain_error("R 1000\n"), ":1: expected R|W|X ADDRESS SIZE [GAP_CYCLES]");
  EXPECT_EQ(plain_error("R 1000 8 5 6\n"), ":1: too many fields");
  const fs::path corrupt = write("corrupt.gz", std::string("\x1f\x8b\x08\x00garbage", 12));
  EXPECT_EQ(error_of(corrupt, TraceReader::Format::plain).substr(corrupt.string().size()),
            ": the compressed data is corrupt after line 0");
}

const std::string bare = R"(
components:
  bus:  {type: router, hop_latency: 0ns}
  dram: {type: dram, base: 0x80000000, size: 1GiB, read_latency: 50ns, write_latency: 40ns}
  cpu0: {type: traffic_gen, frequency: 1GHz}
)";

TEST_F(TraceFiles, ReplayTimesEachAccessAndItsGap) {
  const fs::path trace = write("replay.plain", "R 80001000 8\nW 80001008 4 10\nX 80000000 4\nR 80002000 8 0\n");
  const auto stats = run_platform(bare + fmt::format(R"(
workload:
  cpu0: [{{name: p, trace: {{format: plain, file: {}}}}}]
)", trace.string()));
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.p.loads"), 2);
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.p.stores"), 1);
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.p.fetches"), 1);
  EXPECT_EQ(find_stat(stats, "system.dram.reads"), 3);
  // Three reads of 50 ns, a write of 40 ns, and a gap of 10 cycles at 1 GHz.
  EXPECT_DOUBLE_EQ(find_stat(stats, "sim_seconds"), 200e-9);
}

TEST_F(TraceFiles, SkipLimitAndDroppedFetches) {
  const fs::path trace = write("skip.lackey", lackey);
  const auto stats = run_platform(bare + fmt::format(R"(
workload:
  cpu0: [{{name: p, trace: {{file: {}, fetches: false, skip: 1, limit: 2}}}}]
)", trace.string()),
                                  {"components.dram.base=0x0", "components.dram.size=256GiB"});
  // Skipping the first fetch, dropping the second: the store and the load remain.
  EXPECT_EQ(find_stat(stats, "system.cpu0.accesses"), 2);
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.p.stores"), 1);
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.p.loads"), 1);
  EXPECT_EQ(find_stat(stats, "system.cpu0.fetches"), 0);
}

TEST_F(TraceFiles, AMalformedLineStopsTheRunWithFileAndLine) {
  const fs::path trace = write("stop.plain", "R 80001000 8\nR 80001000 eight\n");
  EXPECT_EQ(run_failure(bare + fmt::format(R"(
workload:
  cpu0: [{{name: p, trace: {{format: plain, file: {}}}}}]
)",
                                           trace.string())),
            fmt::format("at 0ns: system.cpu0: p: {}:2: the size is not a positive number", trace.string()));
}

TEST(TraceReplay, TheRecordedProgramReplaysUnderTheKernel) {
  std::ifstream file("configs/trace-sort.yaml");
  std::stringstream text;
  text << file.rdbuf();
  const auto stats =
      run_platform(text.str(), {"workload.cpu0.0.trace.file=configs/traces/sort.lackey.gz",
                                "components.dram.preset=configs/dram/DDR4-2400.yaml"});
  // Every line of the recorded trace, an M counting as a load and a store.
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.sort.fetches"), 172680);
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.sort.loads"), 23474 + 32);
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.sort.stores"), 18079 + 32);
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.segfaults"), 0);
  EXPECT_EQ(find_stat(stats, "system.kernel.faults.minor"), find_stat(stats, "system.cpu0.processes.sort.faults"));
}

}  // namespace
}  // namespace vmsim::test
