// tools/flags.h
//
// A small typed flag parser shared by every subcommand: --name VALUE or
// --name=VALUE, positional arguments, and --help. The engine never sees argv.
#ifndef GRN_TOOLS_FLAGS_H_
#define GRN_TOOLS_FLAGS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/base/status.h"

namespace grn::cli {

class FlagParser {
 public:
  // `usage` is the synopsis line, `summary` a paragraph shown by --help.
  FlagParser(std::string usage, std::string summary);

  void AddString(const std::string& name, const std::string& value_name, std::string* out,
                 const std::string& help);
  // A flag that may repeat: each occurrence appends its value, in order.
  void AddStringList(const std::string& name, const std::string& value_name,
                     std::vector<std::string>* out, const std::string& help);
  void AddDouble(const std::string& name, double* out, const std::string& help);
  void AddUint(const std::string& name, std::uint64_t* out, const std::string& help,
               bool* was_set = nullptr);
  void AddBool(const std::string& name, bool* out, const std::string& help);

  // Parses argv[first..]. Sets *help_requested when --help/-h is present.
  // Unknown flags and malformed values are InvalidArgument errors.
  Status Parse(int argc, char** argv, int first, std::vector<std::string>* positional,
               bool* help_requested);

  std::string Help() const;

 private:
  struct Flag {
    std::string name, value_name, help;
    bool takes_value;
    std::function<Status(const std::string&)> set;
  };
  std::string usage_, summary_;
  std::vector<Flag> flags_;
};

}  // namespace grn::cli

#endif  // GRN_TOOLS_FLAGS_H_
