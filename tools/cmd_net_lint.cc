// tools/cmd_net_lint.cc
//
// grnsim net lint FILE...: structural findings from engine/model/network_graph
// (Lint), one per line as "FILE[:LINE:COL]: error|warning|info: message", the
// location pointing at the species, parameter or reaction concerned. A file
// that does not read or validate is bad input (exit 2, validation problems
// listed as by `grnsim validate`); findings of severity error give exit 1.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include "engine/model/network_graph.h"
#include "tools/cmd_net.h"
#include "tools/commands.h"
#include "tools/flags.h"

namespace grn::cli {

int RunNetLint(int argc, char** argv) {
  bool no_info = false;
  FlagParser flags(
      "grnsim net lint FILE...",
      "Finds problems and structure in network files, one finding per line:\n"
      "  error    the simulation is meaningless: no reaction can ever fire\n"
      "  warning  probably a mistake: a reaction that can never fire, a species that\n"
      "           stays 0, a parameter nothing reads, a species produced but never\n"
      "           consumed\n"
      "  info     species only consumed or never changed, feedback loops (cycles of\n"
      "           the regulatory graph, positive or negative) and conservation laws\n"
      "           (an integer basis of the left null space of the stoichiometry)\n"
      "Exit 0 when no errors are found, 1 when some are, 2 when a file does not read\n"
      "or validate.");
  flags.AddBool("no-info", &no_info, "print errors and warnings only");
  std::string loops = "20";
  flags.AddString("loops", "N|all", &loops,
                  "list the N shortest feedback loops, then a count of all by\n"
                  "                          sign; all: list every one (default 20)");
  std::vector<std::string> files;
  bool help = false;
  if (Status s = flags.Parse(argc, argv, 3, &files, &help); !s.ok()) {
    PrintError("net lint: " + s.message());
    return 2;
  }
  if (help) {
    std::fputs(flags.Help().c_str(), stdout);
    return 0;
  }
  if (files.empty()) {
    PrintError("net lint: no network file given (see grnsim net lint --help)");
    return 2;
  }
  std::size_t max_loops = std::numeric_limits<std::size_t>::max();
  if (loops != "all") {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(loops.c_str(), &end, 10);
    if (loops.empty() || *end != '\0' || loops[0] == '-') {
      PrintError("net lint: --loops expects a count or 'all', got '" + loops + "'");
      return 2;
    }
    max_loops = static_cast<std::size_t>(n);
  }
  int exit_code = 0;
  for (const std::string& path : files) {
    NetworkFile file;
    if (int rc = LoadValidNetwork("lint", path, &file, true); rc != 0) {
      exit_code = std::max(exit_code, rc == 1 ? 1 : 2);
      continue;
    }
    for (const LintFinding& f : Lint(file.network, max_loops)) {
      if (no_info && f.severity == LintFinding::kInfo) continue;
      if (f.severity == LintFinding::kError) exit_code = std::max(exit_code, 1);
      const std::string where = f.where.empty() ? path : file.source->Locate(f.where);
      std::printf("%s: %s: %s\n", where.c_str(), SeverityName(f.severity), f.message.c_str());
    }
  }
  std::fflush(stdout);
  return exit_code;
}

}  // namespace grn::cli
