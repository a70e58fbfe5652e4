// tools/main.cc
//
// grnsim: one binary, one subcommand per task. Only tools/ prints or exits.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "tools/commands.h"

namespace grn::cli {

std::atomic<bool> g_interrupted{false};

void PrintError(const std::string& message) {
  // One problem per line, each prefixed, so every line can be grepped alone.
  std::size_t start = 0;
  while (start <= message.size()) {
    std::size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    std::fprintf(stderr, "grnsim: %.*s\n", static_cast<int>(end - start), message.data() + start);
    start = end + 1;
  }
}

namespace {

constexpr const char* kUsage =
    "usage: grnsim <command> [options]\n"
    "\n"
    "Exact stochastic simulation of gene-regulatory networks.\n"
    "\n"
    "commands:\n"
    "  simulate FILE   simulate a network file (.textproto or .binpb): one trajectory,\n"
    "                  or ensemble mean and sd over --runs\n"
    "  population FILE simulate a cell population running the network: fate fractions\n"
    "                  and the osteo:adipo ratio over days, with bootstrap intervals\n"
    "  validate FILE   check network files and list every problem found\n"
    "  convert IN -o OUT  convert a network file (also SBML .xml) to .textproto or .binpb\n"
    "  net COMMAND     inspect and edit network files: show, lint, graph, diff, set,\n"
    "                  rename, remove, knockout, overexpress (grnsim net --help)\n"
    "  bench FILE      time each simulation method on a network: ns/event, events/s,\n"
    "                  set-up time and peak memory; marks auto's pick and the fastest\n"
    "\n"
    "  grnsim <command> --help   options of a command\n"
    "  grnsim --version          the version\n"
    "\n"
    "exit status: 0 ok, 1 runtime failure, 2 bad usage or input, 130 interrupted\n";

extern "C" void OnInterrupt(int) {
  // A second interrupt kills at once, as users expect.
  if (g_interrupted.exchange(true)) {
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
  }
}

}  // namespace
}  // namespace grn::cli

int main(int argc, char** argv) {
  using namespace grn::cli;
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "--version") {
    std::printf("grnsim %s\n", GRN_VERSION);
    return 0;
  }
  if (command == "simulate") return RunSimulate(argc, argv);
  if (command == "population") return RunPopulation(argc, argv);
  if (command == "validate") return RunValidate(argc, argv);
  if (command == "convert") return RunConvert(argc, argv);
  if (command == "net") return RunNet(argc, argv);
  if (command == "bench") return RunBench(argc, argv);
  PrintError("unknown command '" + command + "' (see grnsim --help)");
  return 2;
}
