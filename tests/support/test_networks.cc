// tests/support/test_networks.cc
//
// Implementation of the shared test networks and temp-file helpers.
#include "tests/support/test_networks.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/io/csv_writer.h"

namespace grn::test_support {

grnsim::v1::Network ParseNetwork(const std::string& text) {
  grnsim::v1::Network net;
  if (!google::protobuf::TextFormat::ParseFromString(text, &net)) {
    ADD_FAILURE() << "test network does not parse:\n" << text;
    return grnsim::v1::Network();
  }
  return net;
}

std::shared_ptr<const CompiledModel> CompileText(const std::string& text) {
  StatusOr<CompiledModel> compiled = Compile(ParseNetwork(text));
  if (!compiled.ok()) {
    ADD_FAILURE() << "test network does not compile: " << compiled.status().message();
    return nullptr;
  }
  return std::make_shared<const CompiledModel>(std::move(*compiled));
}

std::string BirthDeathText(double k, double gamma, double x0) {
  std::string out = "name: \"birth_death\" time_unit: s\n";
  out += "species { name: \"X\" initial_count: ";
  AppendNumber(out, x0);
  out += " }\nreaction { name: \"birth\" product { species: \"X\" } k: ";
  AppendNumber(out, k);
  out += " }\nreaction { name: \"death\" reactant { species: \"X\" } k: ";
  AppendNumber(out, gamma);
  out += " }\n";
  return out;
}

std::string ChainText() {
  return R"pb(
    name: "chain"
    time_unit: s
    species { name: "A" initial_count: 100 }
    species { name: "B" initial_count: 0 }
    species { name: "C" initial_count: 0 }
    reaction { name: "a_to_b" reactant { species: "A" } product { species: "B" } k: 1 }
    reaction { name: "b_to_c" reactant { species: "B" } product { species: "C" } k: 2 }
    reaction { name: "c_decay" reactant { species: "C" } k: 0.5 }
  )pb";
}

std::string MakeTempDir() {
  static std::atomic<int> counter{0};
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info != nullptr
                         ? std::string(info->test_suite_name()) + "." + info->name()
                         : std::string("no_test");
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) /
      ("grn_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) ADD_FAILURE() << "cannot write " << path;
}

}  // namespace grn::test_support
