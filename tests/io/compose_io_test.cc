// tests/io/compose_io_test.cc
//
// Network files with includes and scenario files (engine/io/compose_io.h,
// LoadModel): includes relative to the including file, nested and merged
// once, cycles and missing files named with the including file:line:col,
// validation errors located in the module that wrote the field, externals
// refused only when simulated, scenarios applied in order.
#include "engine/io/compose_io.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "engine/io/scenario_io.h"
#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::MakeTempDir;
using test_support::WriteFile;

std::string Fixture(const std::string& name) {
  return std::string(GRN_SOURCE_DIR) + "/tests/testdata/compose/" + name;
}

class ComposeIoTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  std::string Write(const std::string& name, const std::string& contents) {
    const std::string path = dir_ + "/" + name;
    WriteFile(path, contents);
    return path;
  }
  std::string dir_;
};

TEST_F(ComposeIoTest, ComposedNetworkLoadsAndSimulatesAsOne) {
  StatusOr<CompiledModel> model = LoadModel(Fixture("composed.textproto"));
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_EQ(model->name(), "composed");
  EXPECT_EQ(model->species_names(), (std::vector<std::string>{"G", "X", "Y"}));
  EXPECT_EQ(model->num_reactions(), 4u);
  EXPECT_EQ(model->time_unit(), "h");
}

TEST_F(ComposeIoTest, FileIncludedTwiceIsMergedOnce) {
  StatusOr<NetworkFile> file = ReadComposedNetworkFile(Fixture("diamond.textproto"));
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file->network.name(), "diamond");
  EXPECT_EQ(file->network.species_size(), 3);
  EXPECT_EQ(file->network.include_size(), 0);
  EXPECT_TRUE(LoadModel(Fixture("diamond.textproto")).ok());
}

TEST_F(ComposeIoTest, ModuleValidatesAloneButDoesNotSimulate) {
  const std::string module = Fixture("modules/consumer.textproto");
  StatusOr<NetworkFile> file = ReadNetworkFile(module);
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(ValidateNetworkFile(*file).ok());
  StatusOr<CompiledModel> model = LoadModel(module);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().message(),
            module + ":6:21: species 'X' is declared external (an input defined by another "
                     "module), but no module of this network defines it; include a module that "
                     "does, or define it here\n" +
                module + ":9:25: parameter 'K_X' is declared external (an input defined by "
                         "another module), but no module of this network defines it; include a "
                         "module that does, or define it here");
  // With stub constants for its inputs it runs alone.
  EXPECT_TRUE(LoadModel(Fixture("consumer_alone.textproto")).ok());
}

TEST_F(ComposeIoTest, UnresolvedExternalNamesTheDeclaringModule) {
  StatusOr<CompiledModel> model = LoadModel(Fixture("unresolved.textproto"));
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().message(),
            Fixture("modules/consumer.textproto") +
                ":6:21: species 'X' is declared external (an input defined by another module), "
                "but no module of this network defines it; include a module that does, or define "
                "it here");
}

TEST_F(ComposeIoTest, ValidationErrorPointsIntoTheModule) {
  Write("m.textproto",
        "name: \"m\"\n"
        "time_unit: h\n"
        "species { name: \"A\" initial_count: 1 }\n"
        "reaction { name: \"r\" reactant { species: \"A\" } k: -1 }\n");
  const std::string top = Write("top.textproto",
                                "name: \"top\"\n"
                                "time_unit: h\n"
                                "include { path: \"m.textproto\" }\n"
                                "species { name: \"B\" initial_count: 1.5 }\n");
  StatusOr<CompiledModel> model = LoadModel(top);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().message(),
            top + ":4:21: species 'B': initial_count 1.5 is not a whole number of molecules\n" +
                dir_ + "/m.textproto:4:48: reaction 'r': rate constant -1 must be finite and >= 0");
  // `grnsim validate` of the top file reports the same.
  StatusOr<NetworkFile> file = ReadNetworkFile(top);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(ValidateNetworkFile(*file).message(), model.status().message());
}

TEST_F(ComposeIoTest, ConflictNamesBothFiles) {
  std::filesystem::create_directories(dir_ + "/sub");
  Write("a.textproto", "name: \"a\" time_unit: h\nspecies { name: \"R\" initial_count: 0 }\n");
  Write("sub/b.textproto", "name: \"b\" time_unit: h\n\nspecies { name: \"R\" initial_count: 5 }\n");
  const std::string top = Write("top.textproto",
                                "name: \"top\" time_unit: h\n"
                                "include { path: \"a.textproto\" }\n"
                                "include { path: \"sub/b.textproto\" }\n");
  StatusOr<CompiledModel> model = LoadModel(top);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().message(),
            dir_ + "/sub/b.textproto:3:1: species 'R' is defined with initial_count 5 here, but " +
                dir_ + "/a.textproto:2:1 defines it with initial_count 0 (a species defined in two "
                       "modules must have the same definition)");
}

TEST_F(ComposeIoTest, IncludeCycleIsRefusedAndNamed) {
  const std::string a = Write("a.textproto", "name: \"a\"\ninclude { path: \"b.textproto\" }\n");
  Write("b.textproto", "name: \"b\"\n\ninclude { path: \"./a.textproto\" }\n");
  StatusOr<CompiledModel> model = LoadModel(a);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().message(), dir_ + "/b.textproto:3:11: include cycle: " + a + " -> " +
                                          dir_ + "/b.textproto -> " + a);
}

TEST_F(ComposeIoTest, MissingIncludeNamesTheIncludingLine) {
  const std::string top =
      Write("top.textproto", "name: \"top\"\ntime_unit: h\n  include { path: \"gone.textproto\" }\n");
  StatusOr<CompiledModel> model = LoadModel(top);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(model.status().message(),
            top + ":3:13: included file " + dir_ + "/gone.textproto not found");
}

TEST_F(ComposeIoTest, ScenariosApplyInOrderOnLoad) {
  const std::string more = Write("more.textproto",
                                 "# proto-message: grnsim.v1.Scenario\n"
                                 "scale { name: \"k_make\" value: 2 }\n");
  StatusOr<CompiledModel> model =
      LoadModel(Fixture("composed.textproto"), {Fixture("knockout.textproto"), more});
  ASSERT_TRUE(model.ok()) << model.status().message();
  const auto& names = model->parameter_names();
  const auto value = [&](const std::string& n) {
    return model->initial_parameters()[std::find(names.begin(), names.end(), n) - names.begin()];
  };
  EXPECT_EQ(value("k_make"), 20.0);  // set to 10, then scaled by 2 in the second file
  EXPECT_EQ(value("k_deg"), 1.0);
  EXPECT_EQ(model->species_names().back(), "DOSE");
  EXPECT_EQ(model->events().size(), 1u);
}

TEST_F(ComposeIoTest, ScenarioErrorsPointIntoTheScenarioFile) {
  const std::string bad = Write("bad.textproto",
                                "# proto-message: grnsim.v1.Scenario\n"
                                "name: \"bad\"\n"
                                "set { name: \"k_tx\" value: 1 }\n");
  StatusOr<CompiledModel> model = LoadModel(Fixture("composed.textproto"), {bad});
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().message(),
            bad + ":3:1: scenario sets 'k_tx', which is not a species or parameter of network "
                  "'composed'");
  const std::string syntax = Write("syntax.textproto", "set { name: \"k\" valu: 1 }\n");
  model = LoadModel(Fixture("composed.textproto"), {syntax});
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().message(),
            syntax + ":1:17: Message type \"grnsim.v1.Setting\" has no field named \"valu\".");
  // An added element that does not validate is located in the scenario.
  const std::string added = Write("added.textproto",
                                  "# proto-message: grnsim.v1.Scenario\n"
                                  "add_reaction { name: \"r\" product { species: \"Z\" } k: 1 }\n");
  model = LoadModel(Fixture("composed.textproto"), {added});
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().message(),
            added + ":2:26: reaction 'r': unknown species 'Z' in product");
}

TEST_F(ComposeIoTest, ScenarioFileIsRecognisedByItsHeader) {
  EXPECT_TRUE(LooksLikeScenarioFile(Fixture("knockout.textproto")));
  EXPECT_FALSE(LooksLikeScenarioFile(Fixture("composed.textproto")));
  StatusOr<ScenarioFile> scenario = ReadScenarioFile(Fixture("knockout.textproto"));
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  EXPECT_EQ(scenario->scenario.name(), "knockout");
  EXPECT_EQ(ReadScenarioFile(Write("empty.textproto", "# nothing\n")).status().message(),
            dir_ + "/empty.textproto:1:1: empty scenario file: expected fields such as name, "
                   "description, set, scale, add_species, add_parameter, add_reaction, "
                   "add_event, on_commit, mosaic and heterogeneity");
}

TEST_F(ComposeIoTest, MergeNetworkFilesMergesWholeFiles) {
  StatusOr<NetworkFile> merged = MergeNetworkFiles(
      {Fixture("modules/producer.textproto"), Fixture("consumer_alone.textproto")});
  ASSERT_FALSE(merged.ok());  // X: a protein made in one, a constant stub in the other
  EXPECT_NE(merged.status().message().find("defines it with initial_count 0 and "
                                           "constant: false"),
            std::string::npos)
      << merged.status().message();
  merged = MergeNetworkFiles(
      {Fixture("modules/producer.textproto"), Fixture("modules/consumer.textproto")});
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  EXPECT_EQ(merged->network.name(), "producer");
  EXPECT_EQ(merged->network.species_size(), 3);
}

}  // namespace
}  // namespace grn
