// tools/cmd_net_graph.cc
//
// grnsim net graph FILE -o OUT: the network drawn by Boost.Graph's Graphviz
// writer (engine/model/network_graph.h, NetworkToDot). OUT ending in .svg is
// rendered by Graphviz's `dot` (Debian package graphviz), run directly
// (no shell) on a private temporary file; anything else gets the DOT text.
// OUT is written atomically, and only once `dot` has succeeded.
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "engine/io/atomic_file.h"
#include "engine/model/network_graph.h"
#include "tools/cmd_net.h"
#include "tools/commands.h"
#include "tools/flags.h"

extern char** environ;

namespace grn::cli {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The full path of `program` on PATH, or "" when it is not there.
std::string FindOnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return "";
}

// Removes a temporary file when it goes out of scope.
class TempFile {
 public:
  explicit TempFile(const char* suffix) : name_(std::string(P_tmpdir) + "/grnsim-graph-XXXXXX" + suffix) {
    fd_ = mkstemps(name_.data(), static_cast<int>(std::strlen(suffix)));
  }
  ~TempFile() {
    if (fd_ >= 0) {
      close(fd_);
      unlink(name_.c_str());
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  bool ok() const { return fd_ >= 0; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  int fd_ = -1;
};

// Runs `dot -Tsvg IN -o OUT` and returns the SVG text.
StatusOr<std::string> RenderSvg(const std::string& dot_program, const std::string& dot_text) {
  TempFile in(".dot"), out(".svg");
  if (!in.ok() || !out.ok()) return IOError(std::string("cannot create a temporary file: ") + std::strerror(errno));
  {
    std::ofstream f(in.name());
    f << dot_text;
    if (!f) return IOError(in.name() + ": cannot write");
  }
  std::vector<std::string> args = {dot_program, "-Tsvg", in.name(), "-o", out.name()};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  if (int rc = posix_spawn(&pid, dot_program.c_str(), nullptr, nullptr, argv.data(), environ); rc != 0) {
    return IOError(dot_program + ": cannot run: " + std::strerror(rc));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return IOError(std::string("waiting for dot: ") + std::strerror(errno));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return IOError(dot_program + " failed (exit status " +
                   std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  }
  std::ifstream f(out.name(), std::ios::binary);
  std::ostringstream svg;
  svg << f.rdbuf();
  if (!f && !f.eof()) return IOError(out.name() + ": cannot read dot's output");
  return svg.str();
}

}  // namespace

int RunNetGraph(int argc, char** argv) {
  std::string output;
  FlagParser flags("grnsim net graph FILE -o OUT",
                   "Draws the network: species as ellipses coloured by role (constant species\n"
                   "as boxes), reactions as small boxes, reactants and products joined to\n"
                   "their reaction in black, and regulation drawn into the reaction: activation\n"
                   "(activating modifiers, catalysts, rising inputs of a propensity expression)\n"
                   "as green arrows, repression as red tee bars, inputs of unknown sign grey.\n"
                   "OUT ending in .svg is rendered by Graphviz's `dot`, which must be on PATH\n"
                   "(Debian: apt-get install graphviz); any other OUT (or -) gets DOT text.");
  flags.AddString("o", "OUT", &output, "the file to write: .dot (or -) or .svg");
  flags.AddString("output", "OUT", &output, "the same as -o");
  std::vector<std::string> files;
  bool help = false;
  if (Status s = flags.Parse(argc, argv, 3, &files, &help); !s.ok()) {
    PrintError("net graph: " + s.message());
    return 2;
  }
  if (help) {
    std::fputs(flags.Help().c_str(), stdout);
    return 0;
  }
  if (files.size() != 1) {
    PrintError("net graph: expected exactly one network file (see grnsim net graph --help)");
    return 2;
  }
  if (output.empty()) {
    PrintError("net graph: no output file given (-o OUT.dot or -o OUT.svg)");
    return 2;
  }
  std::string dot_program;
  const bool svg = EndsWith(output, ".svg");
  if (svg) {
    dot_program = FindOnPath("dot");
    if (dot_program.empty()) {
      PrintError("net graph: " + output +
                 ": SVG output needs Graphviz's `dot` on PATH, and it is not there (Debian: "
                 "apt-get install graphviz); or write a .dot file");
      return 1;
    }
  }
  NetworkFile file;
  if (int rc = LoadValidNetwork("graph", files[0], &file, true); rc != 0) return rc;
  std::string text = NetworkToDot(file.network);
  if (svg) {
    StatusOr<std::string> rendered = RenderSvg(dot_program, text);
    if (!rendered.ok()) {
      PrintError("net graph: " + rendered.status().message());
      return 1;
    }
    text = std::move(*rendered);
  }
  if (Status s = WriteFileAtomically(output, text); !s.ok()) {
    PrintError("net graph: " + s.message());
    return ExitCodeFor(s);
  }
  return 0;
}

}  // namespace grn::cli
