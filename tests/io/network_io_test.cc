// tests/io/network_io_test.cc
//
// Reading network files: every error names the file, text errors start with
// path:LINE:COL: (1-based), semantic errors point at the offending field, and
// text ↔ binary round trips are lossless.
#include "engine/io/network_io.h"

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/support/test_networks.h"

namespace grn {
namespace {

using test_support::MakeTempDir;
using test_support::ReadFile;
using test_support::WriteFile;

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// A valid network; line numbers below refer to this text (line 1 is `name`).
const char* const kValid =
    "name: \"bd\"\n"                                              // 1
    "time_unit: s\n"                                              // 2
    "species { name: \"X\" initial_count: 5 }\n"                  // 3
    "parameter { name: \"kb\" value: 2 }\n"                       // 4
    "reaction {\n"                                                // 5
    "  name: \"birth\"\n"                                         // 6
    "  product { species: \"X\" }\n"                             // 7
    "  k_param: \"kb\"\n"                                         // 8
    "}\n"                                                         // 9
    "reaction { name: \"death\" reactant { species: \"X\" } k: 0.1 }\n";  // 10

class NetworkIoTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  std::string Write(const std::string& name, const std::string& contents) {
    const std::string path = dir_ + "/" + name;
    WriteFile(path, contents);
    return path;
  }
  // Reads `contents` as `name` and returns the error (failing if it parsed).
  Status ReadError(const std::string& name, const std::string& contents) {
    StatusOr<NetworkFile> f = ReadNetworkFile(Write(name, contents));
    EXPECT_FALSE(f.ok()) << name << " parsed but should not have";
    return f.status();
  }
  std::string dir_;
};

TEST_F(NetworkIoTest, ReadsValidTextFile) {
  const std::string path = Write("bd.textproto", kValid);
  StatusOr<NetworkFile> f = ReadNetworkFile(path);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->network.name(), "bd");
  EXPECT_EQ(f->network.species_size(), 1);
  EXPECT_EQ(f->network.reaction_size(), 2);
  EXPECT_TRUE(ValidateNetworkFile(*f).ok());
  // Locations are 1-based line:col of the field name.
  EXPECT_EQ(f->source->Locate({{"reaction", 0}, {"k_param", -1}}), path + ":8:3");
  EXPECT_EQ(f->source->Locate({{"species", 0}}), path + ":3:1");
  EXPECT_EQ(f->source->Locate({{"reaction", 1}, {"k", -1}}), path + ":10:52");

  StatusOr<CompiledModel> m = LoadModel(path);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->num_reactions(), 2u);
  EXPECT_EQ(m->kinetics(0).c, 2.0);
}

TEST_F(NetworkIoTest, ReadsTheBenchModel) {
  StatusOr<CompiledModel> m =
      LoadModel(std::string(GRN_SOURCE_DIR) + "/bench/models/dimer_decay.textproto");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->species_names(), (std::vector<std::string>{"S1", "S2", "S3"}));
  EXPECT_EQ(m->num_reactions(), 4u);
}

// The tiny networks in tests/testdata are valid and compile to what their
// comments say.
TEST_F(NetworkIoTest, ReadsTestdataNetworks) {
  const std::string dir = std::string(GRN_SOURCE_DIR) + "/tests/testdata/";
  StatusOr<CompiledModel> bd = LoadModel(dir + "birth_death.textproto");
  ASSERT_TRUE(bd.ok()) << bd.status().message();
  EXPECT_EQ(bd->species_names(), std::vector<std::string>{"X"});
  EXPECT_EQ(bd->kinetics(0).c, 5.0);
  EXPECT_EQ(bd->kinetics(1).c, 0.1);
  StatusOr<CompiledModel> chain = LoadModel(dir + "chain.textproto");
  ASSERT_TRUE(chain.ok()) << chain.status().message();
  EXPECT_EQ(chain->num_reactions(), 3u);
  EXPECT_EQ(chain->initial_counts(), (std::vector<double>{100, 0, 0}));
}

TEST_F(NetworkIoTest, UnbalancedBraces) {
  const Status s = ReadError("open.textproto",
                             "name: \"n\"\n"
                             "species {\n"
                             "  name: \"A\"\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  const std::string prefix = dir_ + "/open.textproto:4:1: ";
  EXPECT_TRUE(StartsWith(s.message(), prefix)) << s.message();

  const Status extra = ReadError("close.textproto", "name: \"n\"\n}\n");
  EXPECT_TRUE(StartsWith(extra.message(), dir_ + "/close.textproto:2:1: ")) << extra.message();
}

TEST_F(NetworkIoTest, UnknownField) {
  const Status s = ReadError("unknown.textproto",
                             "name: \"n\"\n"
                             "time_unit: s\n"
                             "  colour: \"red\"\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  // Anchored at the unknown name itself (protobuf reports the ':' after it).
  EXPECT_EQ(s.message(), dir_ + "/unknown.textproto:3:3: Message type \"grnsim.v1.Network\" has "
                                "no field named \"colour\".");
}

TEST_F(NetworkIoTest, UnknownEnumValue) {
  const Status s = ReadError("unit.textproto", "name: \"n\"\ntime_unit: weeks species {}\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(StartsWith(s.message(), dir_ + "/unit.textproto:2:")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "Unknown enumeration value of \"weeks\" for field \"time_unit\""))
      << s.message();
}

// protobuf reports an unknown enum value at the token *after* the value; when
// the value ends its line that is the next line, so network_io.cc re-anchors
// the error at the value itself.
TEST_F(NetworkIoTest, UnknownEnumValueAtEndOfLinePointsAtItsLine) {
  const Status s = ReadError("unit.textproto", "name: \"n\"\ntime_unit: weeks\n");
  EXPECT_TRUE(StartsWith(s.message(), dir_ + "/unit.textproto:2:12: ")) << s.message();
}

TEST_F(NetworkIoTest, UnterminatedString) {
  const Status s = ReadError("string.textproto", "name: \"abc\ntime_unit: s\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(StartsWith(s.message(), dir_ + "/string.textproto:1:")) << s.message();
}

TEST_F(NetworkIoTest, InvalidUtf8) {
  const Status s = ReadError("utf8.textproto", "name: \"n\"\ndescription: \"caf\xe9\"\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  // 0xE9 is byte 18 of line 2 (1-based column).
  EXPECT_EQ(s.message(), dir_ + "/utf8.textproto:2:18: invalid UTF-8 (byte 0xE9): text network "
                                "files must be UTF-8");
  // Well-formed multi-byte UTF-8 is accepted.
  StatusOr<NetworkFile> ok =
      ReadNetworkFile(Write("ok.textproto", "name: \"n\"\ndescription: \"β-catenin\"\n"));
  EXPECT_TRUE(ok.ok()) << ok.status().message();
}

TEST_F(NetworkIoTest, BinaryGarbageInTextFile) {
  // Serialized protobuf bytes are not text: 0x96 is not valid UTF-8.
  const Status s = ReadError("garbage.textproto", std::string("\x0a\x02\x62\x64\x18\x96\x01", 7));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  // 0x0a is a newline, so 0x96 is the fifth byte of line 2.
  EXPECT_TRUE(StartsWith(s.message(), dir_ + "/garbage.textproto:2:5: invalid UTF-8 (byte 0x96)"))
      << s.message();
  // Control bytes that happen to be valid UTF-8 are still rejected with a place.
  const Status ctl = ReadError("ctl.textproto", std::string("\x01\x02\x00\x03name", 8));
  EXPECT_TRUE(StartsWith(ctl.message(), dir_ + "/ctl.textproto:1:")) << ctl.message();
}

TEST_F(NetworkIoTest, EmptyAndCommentOnlyFiles) {
  const Status empty = ReadError("empty.textproto", "");
  EXPECT_EQ(empty.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.message(), dir_ + "/empty.textproto:1:1: empty network file: expected fields "
                                    "such as name, time_unit, species and reaction");
  const Status comments = ReadError("comments.textproto", "# just a comment\n\n  # another\n");
  EXPECT_TRUE(StartsWith(comments.message(), dir_ + "/comments.textproto:1:1: empty network file"))
      << comments.message();
}

TEST_F(NetworkIoTest, DirectoryInsteadOfFile) {
  const std::string path = dir_ + "/folder.textproto";
  std::filesystem::create_directory(path);
  StatusOr<NetworkFile> f = ReadNetworkFile(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(f.status().message(), path + ": is a directory, not a network file");
}

TEST_F(NetworkIoTest, MissingFile) {
  const std::string path = dir_ + "/missing.textproto";
  StatusOr<NetworkFile> f = ReadNetworkFile(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(f.status().message(), path + ": no such file");
  EXPECT_EQ(LoadModel(path).status().code(), StatusCode::kNotFound);
}

TEST_F(NetworkIoTest, UnknownExtension) {
  const std::string path = Write("net.json", kValid);
  StatusOr<NetworkFile> f = ReadNetworkFile(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(f.status().message(),
            path + ": unknown network file type (expected a .textproto or .binpb file)");
  grnsim::v1::Network net;
  EXPECT_EQ(WriteNetworkFile(dir_ + "/out.txt", net).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/out.txt"));
}

TEST_F(NetworkIoTest, TruncatedBinary) {
  StatusOr<NetworkFile> text = ReadNetworkFile(Write("bd.textproto", kValid));
  ASSERT_TRUE(text.ok());
  const std::string bytes = text->network.SerializeAsString();
  // The last field is a length-delimited reaction: dropping its final byte
  // leaves a length prefix that overruns the data.
  const std::string path = Write("cut.binpb", bytes.substr(0, bytes.size() - 1));
  StatusOr<NetworkFile> f = ReadNetworkFile(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(StartsWith(f.status().message(), path + ": not a valid binary network"))
      << f.status().message();
  // Text handed to the binary reader is not a Network either.
  EXPECT_FALSE(ReadNetworkFile(Write("text.binpb", kValid)).ok());
}

// Validate's field paths become the line of the offending field.
TEST_F(NetworkIoTest, SemanticErrorsCarryFieldLines) {
  const std::string path = Write("bad.textproto",
                                 "name: \"bad\"\n"                                      // 1
                                 "time_unit: h\n"                                       // 2
                                 "species { name: \"X\" initial_count: 1.5 }\n"         // 3
                                 "reaction {\n"                                         // 4
                                 "  name: \"r\"\n"                                      // 5
                                 "  reactant { species: \"Q\" }\n"                      // 6
                                 "  k: -2\n"                                            // 7
                                 "}\n");
  StatusOr<NetworkFile> f = ReadNetworkFile(path);
  ASSERT_TRUE(f.ok()) << f.status().message();
  const Status s = ValidateNetworkFile(*f);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            path + ":3:21: species 'X': initial_count 1.5 is not a whole number of molecules\n" +
                path + ":6:3: reaction 'r': unknown species 'Q' in reactant\n" + path +
                ":7:3: reaction 'r': rate constant -2 must be finite and >= 0");
  const StatusOr<CompiledModel> m = LoadModel(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), s.message());
}

// A problem with no field of its own (an empty network) points at the file.
TEST_F(NetworkIoTest, WholeFileProblemsPointAtLineOne) {
  const std::string path = Write("nothing.textproto", "name: \"n\"\ntime_unit: s\n");
  StatusOr<NetworkFile> f = ReadNetworkFile(path);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(ValidateNetworkFile(*f).message(), path + ":1:1: network has no species\n" + path +
                                                   ":1:1: network has no reactions");
}

TEST_F(NetworkIoTest, BinaryErrorsNameTheFile) {
  StatusOr<NetworkFile> text = ReadNetworkFile(Write("bd.textproto", kValid));
  ASSERT_TRUE(text.ok());
  grnsim::v1::Network net = text->network;
  net.mutable_reaction(1)->set_k(-1);
  const std::string path = dir_ + "/neg.binpb";
  ASSERT_TRUE(WriteNetworkFile(path, net).ok());
  StatusOr<NetworkFile> f = ReadNetworkFile(path);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(ValidateNetworkFile(*f).message(),
            path + ": reaction 'death': rate constant -1 must be finite and >= 0");
}

TEST_F(NetworkIoTest, RoundTripTextBinaryText) {
  StatusOr<NetworkFile> original =
      ReadNetworkFile(std::string(GRN_SOURCE_DIR) + "/bench/models/dimer_decay.textproto");
  ASSERT_TRUE(original.ok()) << original.status().message();

  const std::string bin = dir_ + "/net.binpb";
  ASSERT_TRUE(WriteNetworkFile(bin, original->network).ok());
  StatusOr<NetworkFile> from_bin = ReadNetworkFile(bin);
  ASSERT_TRUE(from_bin.ok()) << from_bin.status().message();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(original->network,
                                                                 from_bin->network));

  const std::string text = dir_ + "/net.textproto";
  ASSERT_TRUE(WriteNetworkFile(text, from_bin->network).ok());
  StatusOr<NetworkFile> from_text = ReadNetworkFile(text);
  ASSERT_TRUE(from_text.ok()) << from_text.status().message();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(original->network,
                                                                 from_text->network));
  // Text written twice is identical text.
  const std::string text2 = dir_ + "/net2.textproto";
  ASSERT_TRUE(WriteNetworkFile(text2, from_text->network).ok());
  EXPECT_EQ(ReadFile(text), ReadFile(text2));
  std::string printed;
  google::protobuf::TextFormat::PrintToString(original->network, &printed);
  EXPECT_EQ(ReadFile(text), printed);
  // Only the two targets, no leftover temporaries.
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir_))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"net.binpb", "net.textproto", "net2.textproto"}));
}

}  // namespace
}  // namespace grn
