// The declarations that `vmsim params` lists cover every configuration that ships with vmsim, and
// parameters that apply only in some cases are listed with the case.
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "vmsim/platforms/builtin_models.h"
#include "vmsim/platforms/parameter_listing.h"
#include "vmsim/platforms/replicas.h"

namespace vmsim {
namespace {

namespace fs = std::filesystem;

class DeclaredParameters : public ::testing::Test {
 protected:
  DeclaredParameters() {
    register_builtin_models(registry_);
    for (const ParameterSection& section : parameter_sections(registry_))
      for (const ListedParam& listed : section.parameters) listed_[section.heading].emplace(listed.path, listed);
  }

  const ListedParam* find(const std::string& heading, const std::string& path) const {
    const auto section = listed_.find(heading);
    if (section == listed_.end()) return nullptr;
    const auto found = section->second.find(path);
    return found == section->second.end() ? nullptr : &found->second;
  }

  // The listed path a configuration key stands for under `prefix`: its own, or the placeholder of a
  // map keyed by name ("devices.<device>"); empty if none is listed.
  std::string listed_path(const std::vector<std::string>& headings, const std::string& prefix,
                          const std::string& key) const {
    const std::string own = prefix.empty() ? key : prefix + "." + key;
    for (const std::string& heading : headings) {
      if (find(heading, own) != nullptr) return own;
      const std::string placeholder = prefix.empty() ? "<" : prefix + ".<";
      for (const auto& [path, listed] : listed_.at(heading))
        if (path.rfind(placeholder, 0) == 0 && path.find('.', placeholder.size()) == std::string::npos) return path;
    }
    return {};
  }

  // Checks every key of `map` (and of the maps and lists of maps in it) against the sections named.
  void check_keys(const YAML::Node& map, const std::vector<std::string>& headings, const std::string& prefix,
                  const std::string& where) {
    for (const auto& entry : map) {
      const std::string key = entry.first.Scalar();
      const std::string path = listed_path(headings, prefix, key);
      if (!path.empty()) used_.insert(path);
      if (path.empty()) {
        missing_.push_back(where + ": " + (prefix.empty() ? key : prefix + "." + key));
        continue;
      }
      if (entry.second.IsMap()) check_keys(entry.second, headings, path, where);
      if (entry.second.IsSequence())
        for (const YAML::Node& element : entry.second)
          if (element.IsMap()) check_keys(element, headings, path + "[]", where);
    }
  }

  void check_configuration(const fs::path& file) {
    const YAML::Node root = YAML::LoadFile(file.string());
    const std::string where = file.string();
    for (const auto& section : root) {
      const std::string name = section.first.Scalar();
      if (name == "platform" || name == "device_tree")
        check_keys(section.second, {name}, "", where + ": " + name);
      else if (name != "components" && name != "workload")
        missing_.push_back(where + ": " + name);
    }
    for (const auto& component : root["components"]) {
      const std::string type = component.second["type"].Scalar();
      check_keys(component.second, {"component", "type: " + type}, "",
                 where + ": components." + component.first.Scalar());
    }
    // A workload entry may name a replica (cpu0 of `cpu: {count: 2}`), which only the expanded
    // configuration has.
    ConfigDocument expanded = ConfigDocument::from_file(file.string());
    expand_replicas(expanded);
    const YAML::Node& components = root["components"];
    const YAML::Node& replicas = expanded.root()["components"];
    for (const auto& cpu : root["workload"]) {
      const std::string name = cpu.first.Scalar();
      const std::string type = (components[name] ? components[name] : replicas[name])["type"].Scalar();
      for (const YAML::Node& process : cpu.second)
        check_keys(process, {"type: " + type}, "workload.<name>[]", where + ": workload." + cpu.first.Scalar());
    }
  }

  ModelRegistry registry_;
  std::map<std::string, std::map<std::string, ListedParam>> listed_;  // heading -> path -> declaration
  std::vector<std::string> missing_;
  std::set<std::string> used_;  // the listed paths the configurations use
};

TEST_F(DeclaredParameters, EveryKeyOfEveryShippedConfigurationIsListed) {
  int configurations = 0;
  for (const auto& file : fs::recursive_directory_iterator("configs")) {
    if (file.path().extension() != ".yaml" || !YAML::LoadFile(file.path().string())["components"]) continue;
    ++configurations;
    check_configuration(file.path());
  }
  EXPECT_EQ(configurations, 15);
  EXPECT_EQ(missing_, std::vector<std::string>{});
  // ...and each is a line of what `vmsim params` prints.
  const std::string listing = format_parameter_listing(parameter_sections(registry_));
  EXPECT_GT(used_.size(), 90u);  // the check above saw the configurations' keys (98 distinct paths today)
  for (const std::string& path : used_) EXPECT_NE(listing.find("\n  " + path + " "), std::string::npos) << path;
}

TEST_F(DeclaredParameters, AKeyNoModelDeclaresIsFound) {
  check_keys(YAML::Load("{type: dram, base: 0, sise: 1GiB, organisation: {rows: 4, colums: 8}}"),
             {"component", "type: dram"}, "", "dram");
  EXPECT_EQ(missing_, (std::vector<std::string>{"dram: sise", "dram: organisation.colums"}));
}

TEST_F(DeclaredParameters, ConditionalParametersAreListedWithWhenTheyApply) {
  const std::string cpu = "type: traffic_gen";
  const std::string phase = "workload.<name>[].phases[].";
  const std::map<std::pair<std::string, std::string>, std::string> expected = {
      {{cpu, "workload.<name>[].trace.file"}, "no phases"},
      {{cpu, phase + "time"}, "pattern: idle"},
      {{cpu, phase + "pin"}, "syscall: wait_pin"},
      {{cpu, phase + "level"}, "syscall: wait_pin"},
      {{cpu, phase + "prot"}, "syscall: mprotect"},
      {{cpu, phase + "streams"}, "pattern: strided"},
      {{"type: disk", "rpm"}, "timing: hdd"},
      {{"type: dram", "organisation.rows"}, "timing: detailed"},
      {{"type: dram", "idle_close"}, "timing: detailed, page_policy: open_adaptive"},
      {{"component", "count"}, ""},
      // A policy's own parameters, declared by its registry beside the key that names the policy.
      {{"type: mmu", "dtlb.rrpv_bits"}, "policy: srrip"},
      {{"type: kernel", "swap.inactive_ratio"}, "policy: two_list"},
  };
  for (const auto& [where, applies] : expected) {
    const ListedParam* listed = find(where.first, where.second);
    ASSERT_NE(listed, nullptr) << where.second;
    EXPECT_EQ(listed->applies, applies) << where.second;
  }
  EXPECT_EQ(find(cpu, "workload.<name>[].trace.file")->declaration->default_kind, ParamDeclaration::Default::required);
  EXPECT_EQ(find(cpu, phase + "pattern")->declaration->type, "linear|strided|random|hot_cold|zipf|pointer_chase|idle");
  EXPECT_EQ(find("component", "count")->declaration->default_text, "1");
  EXPECT_EQ(find("type: kernel", "devices.<device>")->declaration->type, "string");
  EXPECT_EQ(find("type: kernel", "swap.policy")->declaration->type, "lru|clock|fifo|random|two_list");
}

TEST_F(DeclaredParameters, ListingPrintsTypeDefaultDescriptionAndWhenItApplies) {
  const std::string text = format_parameter_listing(parameter_sections(registry_, "disk"));
  EXPECT_EQ(text.rfind("type: disk: Block device", 0), 0u) << text;
  EXPECT_NE(text.find("\n  rpm                          number           7200       Spindle speed, revolutions per "
                      "minute [applies: timing: hdd]\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\n  image                        string           (derived)  Image file"), std::string::npos);
  const std::string cpu = format_parameter_listing(parameter_sections(registry_, "traffic_gen"));
  EXPECT_NE(cpu.find("\n  workload.<name>[].phases[].stride size             (derived)  Distance between linear "
                     "accesses (default: access_size) [applies: syscall: none, pattern other than idle]\n"),
            std::string::npos)
      << cpu;
  EXPECT_THROW(parameter_sections(registry_, "dramm"), ConfigError);
}

}  // namespace
}  // namespace vmsim
