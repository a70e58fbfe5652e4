// engine/io/compose_io.cc
#include "engine/io/compose_io.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <utility>

#include "engine/base/status_macros.h"
#include "engine/io/scenario_io.h"
#include "engine/model/compose.h"
#include "engine/model/scenario.h"

namespace grn {
namespace {

namespace fs = std::filesystem;
using grnsim::v1::Network;

// Locates fields of a network built from several files.
class ComposedSourceMap : public SourceMap {
 public:
  ComposedSourceMap(std::string path, OriginTable origins)
      : path_(std::move(path)), origins_(std::move(origins)) {}
  std::string Locate(const FieldPath& where) const override { return origins_.Locate(where); }
  std::string path() const override { return path_; }

 private:
  std::string path_;
  OriginTable origins_;
};

Locator LocatorOf(std::shared_ptr<const SourceMap> source) {
  return [source = std::move(source)](const FieldPath& where) { return source->Locate(where); };
}

// Follows includes depth first: a file's includes are merged, in order,
// before its own definitions.
class IncludeResolver {
 public:
  // Merges `file` (read from `path`) and everything it includes.
  Status Add(const NetworkFile& file, const std::string& path) {
    const std::string key = Key(path);
    stack_.push_back({key, path});
    const fs::path dir = fs::path(path).parent_path();
    for (int i = 0; i < file.network.include_size(); ++i) {
      const std::string where = file.source->Locate({{"include", i}, {"path", -1}});
      const std::string& written = file.network.include(i).path();
      if (written.empty()) return InvalidArgumentError(where + ": include has no path");
      const std::string child = (fs::path(written).is_absolute() ? fs::path(written)
                                                                  : dir / written)
                                    .lexically_normal()
                                    .string();
      const std::string child_key = Key(child);
      auto on_stack = std::find_if(stack_.begin(), stack_.end(),
                                   [&](const auto& s) { return s.first == child_key; });
      if (on_stack != stack_.end()) {
        std::string cycle;
        for (auto it = on_stack; it != stack_.end(); ++it) cycle += it->second + " -> ";
        return InvalidArgumentError(where + ": include cycle: " + cycle + child);
      }
      if (merged_.count(child_key)) continue;  // already merged (included twice)
      StatusOr<NetworkFile> read = ReadIncluded(child, where);
      if (!read.ok()) return read.status();
      GRN_RETURN_IF_ERROR(Add(*read, child));
    }
    stack_.pop_back();
    last_input_ = composition_.Merge(file.network, path, LocatorOf(file.source));
    merged_.insert(key);
    return Status::OK();
  }

  Composition& composition() { return composition_; }
  int last_input() const { return last_input_; }

 private:
  // Files are identified by their canonical path, so "a/../b.textproto" and
  // "b.textproto" (or a symlink) are one file.
  static std::string Key(const std::string& path) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(path, ec);
    return ec ? fs::path(path).lexically_normal().string() : canonical.string();
  }

  static StatusOr<NetworkFile> ReadIncluded(const std::string& path, const std::string& where) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      return NotFoundError(where + ": included file " + path + " not found");
    }
    // A device or FIFO would be read forever: only regular files.
    if (!S_ISREG(st.st_mode)) {
      return InvalidArgumentError(where + ": included " + path + " is not a regular file");
    }
    return ReadNetworkFile(path);
  }

  Composition composition_;
  std::vector<std::pair<std::string, std::string>> stack_;  // (key, path as named)
  std::set<std::string> merged_;
  int last_input_ = -1;
};

}  // namespace

Status ApplyScenarioFiles(NetworkFile& file, const std::vector<std::string>& scenario_paths) {
  if (scenario_paths.empty()) return Status::OK();
  OriginTable origins;
  // Everything not added by a scenario is where `file` says it is.
  origins.SetHeaderInput(origins.AddInput(file.source->path(), LocatorOf(file.source)));
  for (const std::string& path : scenario_paths) {
    GRN_ASSIGN_OR_RETURN(ScenarioFile scenario, ReadScenarioFile(path));
    const Locator locate = LocatorOf(scenario.source);
    const int input = origins.AddInput(path, locate);
    Network& net = file.network;
    const int species = net.species_size(), parameters = net.parameter_size(),
              reactions = net.reaction_size(), events = net.event_size();
    GRN_RETURN_IF_ERROR(ApplyScenario(net, scenario.scenario, path, locate));
    for (int i = species; i < net.species_size(); ++i)
      origins.Set("species", i, input, "add_species", i - species);
    for (int i = parameters; i < net.parameter_size(); ++i)
      origins.Set("parameter", i, input, "add_parameter", i - parameters);
    for (int i = reactions; i < net.reaction_size(); ++i)
      origins.Set("reaction", i, input, "add_reaction", i - reactions);
    for (int i = events; i < net.event_size(); ++i)
      origins.Set("event", i, input, "add_event", i - events);
  }
  file.source = std::make_shared<ComposedSourceMap>(file.source->path(), std::move(origins));
  return Status::OK();
}

StatusOr<NetworkFile> ComposeNetworkFile(NetworkFile file,
                                         const std::vector<std::string>& scenario_paths) {
  if (file.network.include_size() > 0) {
    const std::string path = file.source->path();
    IncludeResolver resolver;
    GRN_RETURN_IF_ERROR(resolver.Add(file, path));
    Composition& composition = resolver.composition();
    composition.TakeHeaderFrom(file.network, resolver.last_input());
    GRN_RETURN_IF_ERROR(composition.status());
    file.network = std::move(composition.mutable_network());
    file.source = std::make_shared<ComposedSourceMap>(path, std::move(composition.origins()));
  }
  GRN_RETURN_IF_ERROR(ApplyScenarioFiles(file, scenario_paths));
  return file;
}

StatusOr<NetworkFile> ReadComposedNetworkFile(const std::string& path,
                                              const std::vector<std::string>& scenario_paths) {
  GRN_ASSIGN_OR_RETURN(NetworkFile file, ReadNetworkFile(path));
  return ComposeNetworkFile(std::move(file), scenario_paths);
}

StatusOr<NetworkFile> MergeNetworkFiles(const std::vector<std::string>& paths) {
  Composition composition;
  int first = -1;
  Network header;
  for (const std::string& path : paths) {
    GRN_ASSIGN_OR_RETURN(NetworkFile file, ReadComposedNetworkFile(path));
    const int input = composition.Merge(file.network, path, LocatorOf(file.source));
    if (first < 0) {
      first = input;
      header.set_name(file.network.name());
      header.set_description(file.network.description());
    }
  }
  composition.TakeHeaderFrom(header, first);
  GRN_RETURN_IF_ERROR(composition.status());
  NetworkFile merged;
  merged.network = std::move(composition.mutable_network());
  merged.source = std::make_shared<ComposedSourceMap>(paths.empty() ? "" : paths.front(),
                                                      std::move(composition.origins()));
  return merged;
}

}  // namespace grn
