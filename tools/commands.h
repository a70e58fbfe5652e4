// tools/commands.h
//
// The grnsim subcommands. Each returns the process exit status:
// 0 ok, 1 runtime failure, 2 bad usage or input, 130 interrupted.
#ifndef GRN_TOOLS_COMMANDS_H_
#define GRN_TOOLS_COMMANDS_H_

#include <atomic>

namespace grn::cli {

// Set by SIGINT/SIGTERM; long-running commands poll it and stop cleanly.
extern std::atomic<bool> g_interrupted;

int RunSimulate(int argc, char** argv);
int RunPopulation(int argc, char** argv);  // tools/cmd_population.cc
int RunValidate(int argc, char** argv);
int RunConvert(int argc, char** argv);
int RunNet(int argc, char** argv);  // grnsim net <command>: tools/cmd_net.cc
int RunBench(int argc, char** argv);  // grnsim bench FILE: tools/cmd_bench.cc

// Prints "grnsim: <message>" to stderr.
void PrintError(const std::string& message);

}  // namespace grn::cli

#endif  // GRN_TOOLS_COMMANDS_H_
