// tools/flags.cc
#include "tools/flags.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace grn::cli {

FlagParser::FlagParser(std::string usage, std::string summary)
    : usage_(std::move(usage)), summary_(std::move(summary)) {}

void FlagParser::AddString(const std::string& name, const std::string& value_name,
                           std::string* out, const std::string& help) {
  flags_.push_back({name, value_name, help, true, [out](const std::string& v) {
                      *out = v;
                      return Status::OK();
                    }});
}

void FlagParser::AddStringList(const std::string& name, const std::string& value_name,
                               std::vector<std::string>* out, const std::string& help) {
  flags_.push_back({name, value_name, help, true, [out](const std::string& v) {
                      out->push_back(v);
                      return Status::OK();
                    }});
}

void FlagParser::AddDouble(const std::string& name, double* out, const std::string& help) {
  flags_.push_back({name, "X", help, true, [name, out](const std::string& v) {
                      char* end = nullptr;
                      const double d = std::strtod(v.c_str(), &end);
                      if (v.empty() || *end != '\0' || !std::isfinite(d)) {
                        return InvalidArgumentError("--" + name + ": expected a finite number, got '" +
                                                    v + "'");
                      }
                      *out = d;
                      return Status::OK();
                    }});
}

void FlagParser::AddUint(const std::string& name, std::uint64_t* out, const std::string& help,
                         bool* was_set) {
  flags_.push_back({name, "N", help, true, [name, out, was_set](const std::string& v) {
                      std::uint64_t n = 0;
                      const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
                      if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size()) {
                        return InvalidArgumentError("--" + name +
                                                    ": expected a non-negative integer, got '" + v +
                                                    "'");
                      }
                      *out = n;
                      if (was_set != nullptr) *was_set = true;
                      return Status::OK();
                    }});
}

void FlagParser::AddBool(const std::string& name, bool* out, const std::string& help) {
  flags_.push_back({name, "", help, false, [out](const std::string&) {
                      *out = true;
                      return Status::OK();
                    }});
}

Status FlagParser::Parse(int argc, char** argv, int first, std::vector<std::string>* positional,
                         bool* help_requested) {
  *help_requested = false;
  bool only_positional = false;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (only_positional || arg == "-" || arg.rfind("-", 0) != 0) {
      positional->push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      *help_requested = true;
      continue;
    }
    std::string name = arg.substr(arg.rfind("--", 0) == 0 ? 2 : 1);
    std::string value;
    bool has_value = false;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const Flag* flag = nullptr;
    for (const Flag& f : flags_)
      if (f.name == name) flag = &f;
    if (flag == nullptr) {
      return InvalidArgumentError("unknown flag '" + arg + "' (see --help)");
    }
    if (flag->takes_value && !has_value) {
      if (i + 1 >= argc) return InvalidArgumentError("--" + name + " needs a value");
      value = argv[++i];
    } else if (!flag->takes_value && has_value) {
      return InvalidArgumentError("--" + name + " takes no value");
    }
    Status s = flag->set(value);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

std::string FlagParser::Help() const {
  std::string out = "usage: " + usage_ + "\n\n" + summary_ + "\n";
  if (!flags_.empty()) out += "\noptions:\n";
  for (const Flag& f : flags_) {
    std::string left = (f.name.size() == 1 ? "  -" : "  --") + f.name +
                       (f.takes_value ? " " + f.value_name : "");
    if (left.size() < 26) left.resize(26, ' ');
    else left += "\n" + std::string(26, ' ');
    out += left + f.help + "\n";
  }
  out += "  --help                  show this help\n";
  return out;
}

}  // namespace grn::cli
