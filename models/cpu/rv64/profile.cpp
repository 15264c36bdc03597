#include "vmsim/models/cpu/rv64/profile.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "vmsim/models/cpu/rv64/instruction_trace.h"

namespace vmsim::rv64 {
namespace {

constexpr std::array<const char*, Profile::kinds> count_names = {"instructions", "cycles", "tlb_misses", "walks",
                                                                 "page_faults"};

// The comma-separated items of `text`, without empty ones.
std::vector<std::string> items(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace

void Profile::declare(ParamSchema& scope) {
  scope.optional<std::string>("file", "",
                              "Write the profile to this file of the output folder (a table of functions), and "
                              "its stem .<count>.folded (collapsed stacks); harts naming the same file share it. "
                              "Empty: no profile");
  scope.optional<std::string>("programs", "",
                              "ELF files besides the loader's whose symbols name the code (user programs), "
                              "separated by commas");
}

std::unique_ptr<Profile> Profile::read(Params& scope, RunControl& run, const std::string& output_directory,
                                       const std::string& hart, const sc_core::sc_time& period) {
  const auto file = scope.get<std::string>("file");
  const auto programs = scope.get<std::string>("programs");
  if (file.empty()) return nullptr;
  const std::string path = output_file(scope, output_directory, "profile");
  std::unique_ptr<Profile> profile(new Profile);
  profile->hart_ = hart;
  profile->period_ = period;
  for (const std::string& program : items(programs)) {
    try {
      profile->own_programs_.push_back(std::make_unique<ElfFile>(program));
    } catch (const std::exception& e) {
      scope.fail("programs", e.what());
    }
    profile->programs_.push_back(profile->own_programs_.back().get());
  }
  profile->functions_.push_back({"[unknown]", {}});
  Report& report = run.shared<Report>("rv64/profile/" + path);
  if (report.harts.empty()) {
    report.path = path;
    run.at_end([&run, &report] { write(run, report); });
  }
  report.harts.push_back(profile.get());
  return profile;
}

Profile::Function& Profile::look_up(std::uint64_t pc) {
  cached_ = 0;
  cached_size_ = 0;
  for (const ElfFile* program : programs_) {
    const std::optional<ElfFile::Location> found = program->function_at(pc);
    if (!found) continue;
    const ElfFile::Symbol* symbol = found->function;
    auto [entry, added] = index_.try_emplace(symbol, functions_.size());
    if (added) {
      const std::string name =
          programs_.size() == 1
              ? symbol->name
              : fmt::format("{}`{}", std::filesystem::path(program->path()).filename().string(), symbol->name);
      functions_.push_back({name, {}});
    }
    cached_ = entry->second;
    if (symbol->size != 0) {
      cached_low_ = symbol->address;
      cached_size_ = symbol->size;
    }
    break;
  }
  return functions_[cached_];
}

void Profile::write(RunControl& run, const Report& report) {
  struct Row {
    const Profile* hart;
    const std::string* function;
    std::array<std::uint64_t, kinds> counts;  // with cycles in place of time
  };
  std::vector<Row> rows;
  std::array<std::uint64_t, kinds> totals{};
  for (const Profile* hart : report.harts) {
    std::uint64_t time = 0;
    for (const Function& function : hart->functions_) {
      if (std::all_of(function.counts.begin(), function.counts.end(), [](std::uint64_t n) { return n == 0; })) continue;
      Row row{hart, &function.name, function.counts};
      row.counts[1] /= hart->period_.value();
      rows.push_back(row);
      for (std::size_t i = 0; i < kinds; ++i)
        if (i != 1) totals[i] += row.counts[i];  // the cycles below
      time += function.counts[1];
    }
    // The hart's cycles as its statistic counts them, rounded once (each function's rounded down).
    totals[1] += time / hart->period_.value();
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.counts[0] != b.counts[0] ? a.counts[0] > b.counts[0] : a.counts[1] > b.counts[1];
  });
  std::FILE* table = std::fopen(report.path.c_str(), "w");
  if (table == nullptr) return run.fail(fmt::format("cannot create the profile {}", report.path));
  std::size_t width = 8;
  for (const Row& row : rows) width = std::max(width, row.function->size());
  std::size_t hart_width = 4;
  for (const Profile* hart : report.harts) hart_width = std::max(hart_width, hart->hart_.size());
  fmt::print(table, "{:<{}}  {:<{}}  {:>12}  {:>6}  {:>12}  {:>10}  {:>8}  {:>11}\n", "function", width, "hart",
             hart_width, "instructions", "%", "cycles", "tlb_misses", "walks", "page_faults");
  for (const Row& row : rows) {
    const auto& n = row.counts;
    fmt::print(table, "{:<{}}  {:<{}}  {:>12}  {:>6.2f}  {:>12}  {:>10}  {:>8}  {:>11}\n", *row.function, width,
               row.hart->hart_, hart_width, n[0],
               totals[0] == 0 ? 0.0 : 100.0 * static_cast<double>(n[0]) / static_cast<double>(totals[0]), n[1], n[2],
               n[3], n[4]);
  }
  fmt::print(table, "{:<{}}  {:<{}}  {:>12}  {:>6.2f}  {:>12}  {:>10}  {:>8}  {:>11}\n", "total", width, "", hart_width,
             totals[0], totals[0] == 0 ? 0.0 : 100.0, totals[1], totals[2], totals[3], totals[4]);
  std::fclose(table);
  const std::filesystem::path stem = std::filesystem::path(report.path).replace_extension();
  for (std::size_t i = 0; i < kinds; ++i) {
    const std::string path = fmt::format("{}.{}.folded", stem.string(), count_names[i]);
    std::FILE* folded = std::fopen(path.c_str(), "w");
    if (folded == nullptr) return run.fail(fmt::format("cannot create the profile {}", path));
    for (const Row& row : rows)
      if (row.counts[i] != 0) fmt::print(folded, "{};{} {}\n", row.hart->hart_, *row.function, row.counts[i]);
    std::fclose(folded);
  }
}

}  // namespace vmsim::rv64
