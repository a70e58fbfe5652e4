// tools/cmd_net.h
//
// `grnsim net <command>`: the network-editing tools. cmd_net.cc dispatches
// and holds the helpers every net command shares (loading a file that must
// validate, rendering reactions and rate laws as text); each command lives in
// its own tools/cmd_net_*.cc. Every command validates its input before it
// reads anything else and validates its result before it writes it.
#ifndef GRN_TOOLS_CMD_NET_H_
#define GRN_TOOLS_CMD_NET_H_

#include <string>

#include <vector>

#include "engine/io/network_io.h"
#include "engine/io/text_edit.h"

namespace grn::cli {

// Each takes the full argv; its own arguments start at argv[3].
int RunNetShow(int argc, char** argv);
int RunNetLint(int argc, char** argv);
int RunNetGraph(int argc, char** argv);
int RunNetDiff(int argc, char** argv);
int RunNetSet(int argc, char** argv);
int RunNetRename(int argc, char** argv);
int RunNetRemove(int argc, char** argv);
int RunNetKnockout(int argc, char** argv);
int RunNetOverexpress(int argc, char** argv);

// The arguments of an editing command (set, rename, remove, knockout,
// overexpress) after the front matter they share.
struct EditCommand {
  std::vector<std::string> args;  // FILE first
  std::string input;              // args[0]
  std::string output;             // -o OUT, or FILE with --in-place
};

// Parses -o/--output/--in-place and --help for `net <command>`, checks the
// number of positional arguments (at least `min_args`; at most `max_args`
// unless it is 0) and that the output is not SBML. Returns -1 to go on, or
// the exit status after printing help or the problem.
int ParseEditCommand(const std::string& command, const std::string& usage,
                     const std::string& summary, std::size_t min_args, std::size_t max_args,
                     const std::string& expected, int argc, char** argv, EditCommand* out);

// Reads and validates `path`. On failure prints every problem (prefixed
// "net <command>: " when the message does not already name the file) and
// returns the exit code (2 for bad input, 1 for I/O); 0 on success.
// With `resolve_includes`, the network is composed first (its includes
// merged in), for commands that look at the whole network (show, lint, graph,
// diff); editing commands work on the file as written.
int LoadValidNetwork(const std::string& command, const std::string& path, NetworkFile* file,
                     bool resolve_includes = false);

// Validates `edited` (problems located in `file`, whose lines the edits do
// not move) and writes it atomically to `output`. Text to text: `edits`
// (which must turn file's text into `edited`) are applied to the original
// text, keeping its comments and layout; otherwise the message is written.
// Nothing is written on any error. Returns the exit code.
int WriteEditedNetwork(const std::string& command, const std::string& input,
                       const std::string& output, const NetworkFile& file,
                       const grnsim::v1::Network& edited, const std::vector<TextFieldEdit>& edits);

// "2 P -> P2", "GR_on -> GR_on + mRunx2", "M -> ∅".
std::string ReactionEquation(const grnsim::v1::Reaction& reaction);

// The propensity as a formula: "0.001 * P*(P-1)/2 * hill_rep(P2; K=1000, n=2)",
// or a propensity expression as written.
std::string RateLaw(const grnsim::v1::Reaction& reaction);

// The shortest decimal that reads back to the same double.
std::string FormatNumber(double value);

// True for .textproto, .txtpb and .pbtxt paths.
bool IsTextNetworkPath(const std::string& path);

}  // namespace grn::cli

#endif  // GRN_TOOLS_CMD_NET_H_
