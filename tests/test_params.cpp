#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "vmsim/models/core/params.h"

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
  Params params() { return Params(document, document.root(), document.resolved(), "", schema); }
  ConfigDocument document;
  ParamSchema schema;
};

enum class Policy { lru, fifo };

TEST(Params, ReadsTypedValuesAndDefaults) {
  Fixture f("latency: 13.75ns\nsize: 2GiB\nclock: 2GHz\nbase: 0x1000\nways: 4\nratio: 0.25\non: yes\nname: db\n");
  f.schema.optional<sc_core::sc_time>("latency", {}, "");
  f.schema.optional<Bytes>("size", {}, "");
  f.schema.optional<Frequency>("clock", {}, "");
  f.schema.optional<Address>("base", {}, "");
  f.schema.optional<unsigned>("ways", 1, "");
  f.schema.optional<double>("ratio", 0, "");
  f.schema.optional<bool>("on", false, "");
  f.schema.required<std::string>("name", "");
  f.schema.optional<unsigned>("absent", 7, "");
  Params p = f.params();
  EXPECT_EQ(p.get<sc_core::sc_time>("latency"), sc_core::sc_time(13750, sc_core::SC_PS));
  EXPECT_EQ(p.get<Bytes>("size").value, 2ull << 30);
  EXPECT_EQ(p.get<Frequency>("clock").hz, 2'000'000'000u);
  EXPECT_EQ(p.get<Address>("base").value, 0x1000u);
  EXPECT_EQ(p.get<unsigned>("ways"), 4u);
  EXPECT_EQ(p.get<double>("ratio"), 0.25);
  EXPECT_TRUE(p.get<bool>("on"));
  EXPECT_EQ(p.get<std::string>("name"), "db");
  EXPECT_EQ(p.get<unsigned>("absent"), 7u);
  EXPECT_NO_THROW(p.reject_unknown());
  EXPECT_EQ(f.document.resolved()["absent"].as<std::string>(), "7");
  EXPECT_EQ(f.document.resolved()["size"].as<std::string>(), "2GiB");
}

TEST(Params, UnknownKeyNamesFileLineAndSuggestion) {
  Fixture f("size: 1GiB\nsise: 2GiB\n");
  f.schema.optional<Bytes>("size", {}, "");
  Params p = f.params();
  p.get<Bytes>("size");
  EXPECT_EQ(error_of([&] { p.reject_unknown(); }), "cfg.yaml:2:1: sise: unknown parameter (did you mean 'size'?)");
}

// A model that reads a nested map need not check it itself: its owner's check covers it, and two
// reads of the same map count together.
TEST(Params, UnknownKeysOfNestedMapsAreFoundByTheOwnersCheck) {
  const auto read_twice = [](Fixture& f) {
    ParamSchema& tlb = f.schema.scope("tlb", "").declare_members();
    tlb.optional<unsigned>("entries", 0, "");
    tlb.optional<unsigned>("ways", 0, "");
    Params p = f.params();
    p.scope("tlb").get<unsigned>("entries");
    p.scope("tlb").get<unsigned>("ways");
    return p;
  };
  Fixture misspelled("tlb: {entries: 64, ways: 4, entrie: 32}\n");
  const Params p = read_twice(misspelled);
  EXPECT_EQ(error_of([&] { p.reject_unknown(); }),
            "cfg.yaml:1:29: tlb.entrie: unknown parameter (did you mean 'entries'?)");
  Fixture correct("tlb: {entries: 64, ways: 4}\n");
  const Params q = read_twice(correct);
  EXPECT_EQ(error_of([&] { q.reject_unknown(); }), "no error");
  EXPECT_EQ(correct.document.resolved()["tlb"]["entries"].Scalar(), "64");
  EXPECT_EQ(correct.document.resolved()["tlb"]["ways"].Scalar(), "4");
}

TEST(Params, WrongValueNamesKeyAndExpectation) {
  Fixture f("a:\n  b: {latency: 10 parsecs}\n");
  f.schema.scope("a", "").declare_members().scope("b", "").declare_members().optional<sc_core::sc_time>("latency", {},
                                                                                                        "");
  Params inner = f.params().scope("a").scope("b");
  EXPECT_EQ(error_of([&] { inner.get<sc_core::sc_time>("latency"); }),
            "cfg.yaml:2:16: a.b.latency: '10 parsecs' is not a time (a number with fs, ps, ns, us, ms or s)");
}

// A YAML string may hold a newline or a NUL; the error quoting it stays one line and says it all.
TEST(Params, ControlCharactersAreEscapedInErrors) {
  Fixture value("latency: \"1\\n\\0us\"\n");
  value.schema.optional<sc_core::sc_time>("latency", {}, "");
  EXPECT_EQ(error_of([&] { value.params().get<sc_core::sc_time>("latency"); }),
            "cfg.yaml:1:10: latency: '1\\n\\x00us' is not a time (a number with fs, ps, ns, us, ms or s)");
  Fixture key("\"bad\\tkey\": 1\n");
  EXPECT_EQ(error_of([&] { key.params().reject_unknown(); }), "cfg.yaml:1:1: bad\\tkey: unknown parameter");
}

TEST(Params, MissingRequiredAndBadChoice) {
  Fixture f("policy: lfu\n");
  f.schema.required<Bytes>("size", "");
  f.schema.choice("policy", Policy::lru, {{"lru", Policy::lru}, {"fifo", Policy::fifo}}, "");
  Params p = f.params();
  EXPECT_EQ(error_of([&] { p.get<Bytes>("size"); }), "cfg.yaml:1:1: size: required size parameter is missing");
  EXPECT_EQ(error_of([&] { p.get<Policy>("policy"); }), "cfg.yaml:1:9: policy: 'lfu' is not one of lru|fifo");
}

TEST(Params, ChoicesReadAsWhatTheyNameAndResolveToTheirNames) {
  Fixture f("policy: fifo\n");
  f.schema.choice("policy", Policy::lru, {{"lru", Policy::lru}, {"fifo", Policy::fifo}}, "");
  f.schema.choice("other", Policy::lru, {{"lru", Policy::lru}, {"fifo", Policy::fifo}}, "");
  Params p = f.params();
  EXPECT_EQ(p.get<Policy>("policy"), Policy::fifo);
  EXPECT_EQ(p.get<Policy>("other"), Policy::lru);
  EXPECT_EQ(f.document.resolved()["policy"].as<std::string>(), "fifo");
  EXPECT_EQ(f.document.resolved()["other"].as<std::string>(), "lru");
  EXPECT_EQ(f.schema.find("policy")->type, "lru|fifo");
  EXPECT_EQ(f.schema.find("policy")->default_text, "lru");
}

TEST(Params, DuplicateKeyIsAnError) {
  Fixture f("size: 1\nsize: 2\n");
  f.schema.optional<unsigned>("size", 0, "");
  Params p = f.params();
  p.get<unsigned>("size");
  EXPECT_EQ(error_of([&] { p.reject_unknown(); }), "cfg.yaml:2:1: size: appears twice");
  // In a map keyed by name, before anything is made of the names.
  Fixture named("components:\n  a: 1\n  b: 2\n  a: 3\n");
  named.schema.scope("components", "").declare_members().optional<unsigned>("<name>", 0, "");
  EXPECT_EQ(error_of([&] { named.params().scope("components").keys(); }), "cfg.yaml:4:3: components.a: appears twice");
}

TEST(Params, MapWhereValueExpected) {
  Fixture f("size: {a: 1}\n");
  f.schema.optional<Bytes>("size", {}, "");
  EXPECT_EQ(error_of([&] { f.params().get<Bytes>("size"); }),
            "cfg.yaml:1:7: size: expected a single value, not a list or map");
}

TEST(Params, ListsOfMaps) {
  Fixture f("phases:\n  - {count: 1}\n  - {count: 2, extra: 0}\n");
  f.schema.list("phases", "").declare_members().optional<unsigned>("count", 0, "");
  auto phases = f.params().list("phases");
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0].get<unsigned>("count"), 1u);
  EXPECT_EQ(phases[1].get<unsigned>("count"), 2u);
  EXPECT_EQ(error_of([&] { phases[1].reject_unknown(); }), "cfg.yaml:3:16: phases.1.extra: unknown parameter");
}

TEST(Params, OverridesApplyAndAreNamedInErrors) {
  Fixture f("components:\n  dram: {size: 1GiB}\nlist: [{a: 1}, {a: 2}]\n");
  ParamSchema& component = f.schema.scope("components", "").declare_members().scope("<name>", "").declare_members();
  component.optional<Bytes>("size", {}, "");
  component.optional<Frequency>("frequency", {}, "");
  f.schema.list("list", "").declare_members().optional<unsigned>("a", 0, "");
  f.document.set("components.dram.size=2GiB");
  f.document.set("list.1.a=5");
  f.document.set("components.cpu0.frequency=1GHz");
  Params root = f.params();
  Params dram = root.scope("components").scope("dram");
  EXPECT_EQ(dram.get<Bytes>("size").value, 2ull << 30);
  EXPECT_EQ(root.list("list")[1].get<unsigned>("a"), 5u);
  Params cpu = root.scope("components").scope("cpu0");
  EXPECT_EQ(cpu.get<Frequency>("frequency").hz, 1'000'000'000u);

  f.document.set("components.dram.sise=4GiB");
  Params again = f.params().scope("components").scope("dram");
  again.get<Bytes>("size");
  EXPECT_EQ(error_of([&] { again.reject_unknown(); }),
            "--set components.dram.sise=4GiB: components.dram.sise: unknown parameter (did you mean 'size'?)");
  EXPECT_EQ(error_of([&] { f.document.set("list.7.a=1"); }), "--set list.7.a=1: 'list' has only 2 elements");
  EXPECT_EQ(error_of([&] { f.document.set("novalue"); }), "--set novalue: expected key.path=value");
  EXPECT_EQ(error_of([&] { f.document.set("components.dram.size.x=1"); }),
            "--set components.dram.size.x=1: 'components.dram.size' is a value, not a map");
}

TEST(Params, ReadingWhatIsNotDeclaredIsAProgrammingError) {
  Fixture f("ways: 4\n");
  f.schema.optional<unsigned>("ways", 1, "");
  f.schema.derived<unsigned>("sets", "entries / ways", "");
  Params p = f.params();
  EXPECT_THROW(p.get<unsigned>("entries"), std::logic_error);
  EXPECT_THROW(p.get<std::uint64_t>("ways"), std::logic_error);  // declared as another type
  EXPECT_THROW(p.scope("ways"), std::logic_error);               // declared as a value, not a map
  EXPECT_THROW(p.get<unsigned>("sets"), std::logic_error);       // the model must pass the derived default
  EXPECT_THROW(p.get<unsigned>("ways", 8u), std::logic_error);   // its default is declared
  EXPECT_THROW(p.require<unsigned>("ways"), std::logic_error);   // it has a default
}

TEST(Params, DerivedDefaultsComeFromTheModelAndAreRecorded) {
  Fixture f("entries: 16\n");
  f.schema.optional<unsigned>("entries", 8, "");
  f.schema.derived<unsigned>("ways", "entries", "");
  f.schema.derived<Bytes>("size", "the region's", "");
  Params p = f.params();
  const unsigned entries = p.get<unsigned>("entries");
  EXPECT_EQ(p.get<unsigned>("ways", entries), 16u);
  EXPECT_EQ(f.document.resolved()["ways"].as<std::string>(), "16");
  EXPECT_EQ(error_of([&] { p.require<Bytes>("size"); }), "cfg.yaml:1:1: size: required size parameter is missing");
}

TEST(Params, PlaceholderDeclaresEveryKeyOfAMapKeyedByName) {
  Fixture f("devices: {gpio: a b, disk: c}\n");
  f.schema.scope("devices", "").declare_members().required<std::string>("<device>", "Processes allowed");
  Params devices = f.params().scope("devices");
  std::vector<std::string> values;
  for (const std::string& key : devices.keys()) values.push_back(devices.get<std::string>(key));
  EXPECT_EQ(values, (std::vector<std::string>{"a b", "c"}));
  EXPECT_NO_THROW(devices.reject_unknown());
}

TEST(Params, ListingShowsPathsDefaultsAndApplicability) {
  ParamSchema schema;
  schema.optional<sc_core::sc_time>("latency", sc_core::sc_time(1, sc_core::SC_NS), "how long");
  schema.scope("tlb", "a TLB").declare_members().optional<unsigned>("ways", 4, "associativity");
  ParamSchema& phase = schema.list("phases", "phases").when("no trace").declare_members();
  phase.required<Bytes>("size", "range");
  phase.optional<unsigned>("streams", 1, "streams").when("pattern: strided");
  const std::vector<ListedParam> listed = list_parameters(schema, "cpu");
  ASSERT_EQ(listed.size(), 6u);
  std::vector<std::string> paths;
  for (const ListedParam& entry : listed) paths.push_back(entry.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"cpu.latency", "cpu.tlb", "cpu.tlb.ways", "cpu.phases",
                                             "cpu.phases[].size", "cpu.phases[].streams"}));
  EXPECT_EQ(listed[0].declaration->type, "time");
  EXPECT_EQ(listed[0].declaration->default_text, "1ns");
  EXPECT_EQ(listed[1].declaration->default_text, "{}");
  EXPECT_EQ(listed[3].declaration->default_text, "[]");
  EXPECT_EQ(listed[4].declaration->default_kind, ParamDeclaration::Default::required);
  EXPECT_EQ(listed[0].declaration->default_kind, ParamDeclaration::Default::value);
  EXPECT_EQ(listed[0].applies, "");
  EXPECT_EQ(listed[4].applies, "no trace");  // from the list it is in
  EXPECT_EQ(listed[5].applies, "pattern: strided");
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
  ParamSchema schema;
  schema.scope("trace", "").declare_members().required<std::string>("file", "");
  schema.optional<std::string>("preset", "", "");
  schema.optional<std::string>("name", "", "");
  Params root(document, document.root(), document.resolved(), "", schema);
  Params trace = root.scope("trace");
  // As a model calls it: the path right after its parameter's read.
  EXPECT_EQ(root.resolve_path(trace.get<std::string>("file")), (folder / "traces/a.gz").string());
  EXPECT_EQ(document.resolved()["trace"]["file"].Scalar(), (folder / "traces/a.gz").string());
  // Alternatives are tried in order when the name itself is not there.
  EXPECT_EQ(root.resolve_path(root.get<std::string>("preset"), {"fast.yaml", "presets/fast.yaml"}),
            (folder / "presets/fast.yaml").string());
  EXPECT_EQ(document.resolved()["preset"].Scalar(), (folder / "presets/fast.yaml").string());
  // Away from its parameter's read, a path could not be recorded: a programming error.
  root.get<std::string>("name");
  EXPECT_THROW(root.resolve_path("traces/b.gz"), std::logic_error);
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace vmsim
