#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "models/core/params.h"

namespace vmsim {
namespace {

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

struct Fixture {
  explicit Fixture(const std::string& yaml) : document(ConfigDocument::from_string(yaml, "cfg.yaml")) {}
  Params params() { return Params(document, document.root(), document.resolved(), ""); }
  ConfigDocument document;
};

TEST(Params, ReadsTypedValuesAndDefaults) {
  Fixture f("latency: 13.75ns\nsize: 2GiB\nclock: 2GHz\nbase: 0x1000\nways: 4\nratio: 0.25\non: yes\nname: db\n");
  Params p = f.params();
  EXPECT_EQ(p.get<sc_core::sc_time>("latency", {}, ""), sc_core::sc_time(13750, sc_core::SC_PS));
  EXPECT_EQ(p.get<Bytes>("size", {}, "").value, 2ull << 30);
  EXPECT_EQ(p.get<Frequency>("clock", {}, "").hz, 2'000'000'000u);
  EXPECT_EQ(p.get<Address>("base", {}, "").value, 0x1000u);
  EXPECT_EQ(p.get<unsigned>("ways", 1, ""), 4u);
  EXPECT_EQ(p.get<double>("ratio", 0, ""), 0.25);
  EXPECT_TRUE(p.get<bool>("on", false, ""));
  EXPECT_EQ(p.require<std::string>("name", ""), "db");
  EXPECT_EQ(p.get<unsigned>("absent", 7, ""), 7u);
  EXPECT_NO_THROW(p.reject_unknown());
  EXPECT_EQ(f.document.resolved()["absent"].as<std::string>(), "7");
  EXPECT_EQ(f.document.resolved()["size"].as<std::string>(), "2GiB");
}

TEST(Params, UnknownKeyNamesFileLineAndSuggestion) {
  Fixture f("size: 1GiB\nsise: 2GiB\n");
  Params p = f.params();
  p.get<Bytes>("size", {}, "");
  EXPECT_EQ(error_of([&] { p.reject_unknown(); }), "cfg.yaml:2:1: sise: unknown parameter (did you mean 'size'?)");
}

// A model that reads a nested map need not check it itself: its owner's check covers it, and two
// reads of the same map count together.
TEST(Params, UnknownKeysOfNestedMapsAreFoundByTheOwnersCheck) {
  Fixture f("tlb: {entries: 64, ways: 4, entrie: 32}\n");
  Params p = f.params();
  p.scope("tlb", "").get<unsigned>("entries", 0, "");
  p.scope("tlb", "").get<unsigned>("ways", 0, "");
  EXPECT_EQ(error_of([&] { p.reject_unknown(); }),
            "cfg.yaml:1:29: tlb.entrie: unknown parameter (did you mean 'entries'?)");
  p.scope("tlb", "").get<unsigned>("entrie", 0, "");
  EXPECT_EQ(error_of([&] { p.reject_unknown(); }), "no error");
  EXPECT_EQ(f.document.resolved()["tlb"]["entries"].Scalar(), "64");
}

TEST(Params, WrongValueNamesKeyAndExpectation) {
  Fixture f("a:\n  b: {latency: 10 parsecs}\n");
  Params inner = f.params().scope("a", "").scope("b", "");
  EXPECT_EQ(error_of([&] { inner.get<sc_core::sc_time>("latency", {}, ""); }),
            "cfg.yaml:2:16: a.b.latency: '10 parsecs' is not a time (a number with fs, ps, ns, us, ms or s)");
}

TEST(Params, MissingRequiredAndBadChoice) {
  Fixture f("policy: lfu\n");
  Params p = f.params();
  EXPECT_EQ(error_of([&] { p.require<Bytes>("size", ""); }), "cfg.yaml:1:1: size: required size parameter is missing");
  EXPECT_EQ(error_of([&] { p.choose("policy", "lru", {"lru", "fifo"}, ""); }),
            "cfg.yaml:1:9: policy: 'lfu' is not one of lru|fifo");
}

TEST(Params, DuplicateKeyIsAnError) {
  Fixture f("size: 1\nsize: 2\n");
  Params p = f.params();
  p.get<unsigned>("size", 0, "");
  EXPECT_EQ(error_of([&] { p.reject_unknown(); }), "cfg.yaml:2:1: size: appears twice");
}

TEST(Params, MapWhereValueExpected) {
  Fixture f("size: {a: 1}\n");
  EXPECT_EQ(error_of([&] { f.params().get<Bytes>("size", {}, ""); }),
            "cfg.yaml:1:7: size: expected a single value, not a list or map");
}

TEST(Params, ListsOfMaps) {
  Fixture f("phases:\n  - {count: 1}\n  - {count: 2, extra: 0}\n");
  auto phases = f.params().list("phases", "");
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0].get<unsigned>("count", 0, ""), 1u);
  EXPECT_EQ(phases[1].get<unsigned>("count", 0, ""), 2u);
  EXPECT_EQ(error_of([&] { phases[1].reject_unknown(); }), "cfg.yaml:3:16: phases.1.extra: unknown parameter");
}

TEST(Params, OverridesApplyAndAreNamedInErrors) {
  Fixture f("components:\n  dram: {size: 1GiB}\nlist: [{a: 1}, {a: 2}]\n");
  f.document.set("components.dram.size=2GiB");
  f.document.set("list.1.a=5");
  f.document.set("components.cpu0.frequency=1GHz");
  Params root = f.params();
  Params dram = root.scope("components", "").scope("dram", "");
  EXPECT_EQ(dram.get<Bytes>("size", {}, "").value, 2ull << 30);
  EXPECT_EQ(root.list("list", "")[1].get<unsigned>("a", 0, ""), 5u);
  Params cpu = root.scope("components", "").scope("cpu0", "");
  EXPECT_EQ(cpu.get<Frequency>("frequency", {}, "").hz, 1'000'000'000u);

  f.document.set("components.dram.sise=4GiB");
  Params again = Params(f.document, f.document.root(), f.document.resolved(), "").scope("components", "").scope("dram", "");
  again.get<Bytes>("size", {}, "");
  EXPECT_EQ(error_of([&] { again.reject_unknown(); }),
            "--set components.dram.sise=4GiB: components.dram.sise: unknown parameter (did you mean 'size'?)");
  EXPECT_EQ(error_of([&] { f.document.set("list.7.a=1"); }), "--set list.7.a=1: 'list' has only 2 elements");
  EXPECT_EQ(error_of([&] { f.document.set("novalue"); }), "--set novalue: expected key.path=value");
  EXPECT_EQ(error_of([&] { f.document.set("components.dram.size.x=1"); }),
            "--set components.dram.size.x=1: 'components.dram.size' is a value, not a map");
}

TEST(Params, CatalogListsDeclarationsWithoutAConfiguration) {
  ParamCatalog catalog;
  Params p(catalog, "cpu");
  EXPECT_EQ(p.get<sc_core::sc_time>("latency", sc_core::sc_time(1, sc_core::SC_NS), "how long"),
            sc_core::sc_time(1, sc_core::SC_NS));
  p.scope("tlb", "a TLB").get<unsigned>("ways", 4, "associativity");
  p.list("phases", "phases")[0].require<Bytes>("size", "range");
  ASSERT_EQ(catalog.size(), 5u);
  EXPECT_EQ(catalog[1].default_value, "{}");
  EXPECT_EQ(catalog[3].default_value, "[]");
  EXPECT_EQ(catalog[0].path, "cpu.latency");
  EXPECT_EQ(catalog[0].type, "time");
  EXPECT_EQ(catalog[0].default_value, "1ns");
  EXPECT_EQ(catalog[2].path, "cpu.tlb.ways");
  EXPECT_EQ(catalog[4].path, "cpu.phases[].size");
  EXPECT_TRUE(catalog[4].required);
  EXPECT_FALSE(catalog[0].required);
}

TEST(Params, MalformedYamlNamesTheLine) {
  EXPECT_EQ(error_of([] { ConfigDocument::from_string("a: [1, 2\nb: 3\n", "cfg.yaml"); }).rfind("cfg.yaml:", 0), 0u);
  EXPECT_EQ(error_of([] { ConfigDocument::from_file("/nonexistent/x.yaml"); }),
            "/nonexistent/x.yaml: cannot open the configuration file");
}

// A file named in a configuration is found from the configuration's folder, and the resolved
// configuration records it by absolute path, so that config.yaml replays from any folder.
TEST(Params, FilesResolveFromTheConfigurationsFolderAndAreRecordedAbsolute) {
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("vmsim_params_" + std::to_string(getpid()));
  std::filesystem::create_directories(folder / "presets");
  std::ofstream(folder / "presets" / "fast.yaml") << "{}\n";
  ConfigDocument document = ConfigDocument::from_string("trace: {file: traces/a.gz}\npreset: fast\nname: db\n",
                                                        (folder / "platform.yaml").string());
  Params root(document, document.root(), document.resolved(), "");
  Params trace = root.scope("trace", "");
  // As a model calls it: the path right after its parameter's read.
  EXPECT_EQ(root.resolve_path(trace.require<std::string>("file", "")), (folder / "traces/a.gz").string());
  EXPECT_EQ(document.resolved()["trace"]["file"].Scalar(), (folder / "traces/a.gz").string());
  // Alternatives are tried in order when the name itself is not there.
  EXPECT_EQ(root.resolve_path(root.get<std::string>("preset", "", ""), {"fast.yaml", "presets/fast.yaml"}),
            (folder / "presets/fast.yaml").string());
  EXPECT_EQ(document.resolved()["preset"].Scalar(), (folder / "presets/fast.yaml").string());
  // Away from its parameter's read, a path could not be recorded: a programming error.
  root.get<std::string>("name", "", "");
  EXPECT_THROW(root.resolve_path("traces/b.gz"), std::logic_error);
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace vmsim
