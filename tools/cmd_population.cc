// tools/cmd_population.cc
//
// grnsim population NETWORK: a population of cells, each running the network
// stochastically, committing to the fates the network declares, dividing and
// dying (engine/population/population.h), over independent replicates.
// Writes DIR/replicates.csv (counts and fractions per fate, per replicate and
// day) and DIR/summary.csv (mean fractions over replicates and log2 of the
// osteo:adipo ratio R = (N_OB + 0.5)/(N_AD + 0.5) with a 95% percentile
// bootstrap interval over replicates, BIOLOGY.md §3.9), prints the summary
// table, and with --plot draws it with gnuplot. With --coculture, osteoclast
// precursors run a second network beside the MSCs on the same lattice and
// medium (BIOLOGY.md §3.7; see kOcpTotalRankl for the coupling), and the
// outputs gain their counts and OC fraction. With --infuse, donor MSCs are
// infused and home by the network's homing probability (BIOLOGY.md §3.6;
// population.h), and the outputs gain the homed fraction and the
// donor-derived readouts per infused cell.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "engine/base/status_macros.h"
#include "engine/io/atomic_file.h"
#include "engine/io/compose_io.h"
#include "engine/io/csv_writer.h"
#include "engine/io/network_io.h"
#include "engine/io/scenario_io.h"
#include "engine/model/fate_rules.h"
#include "engine/model/medium_rules.h"
#include "engine/model/scenario.h"
#include "engine/model/validate.h"
#include "engine/population/bimodality.h"
#include "engine/population/bootstrap.h"
#include "engine/population/population.h"
#include "engine/population/variance_split.h"
#include "engine/sim/make_stepper.h"
#include "tools/commands.h"
#include "tools/flags.h"
#include "tools/progress.h"

namespace grn::cli {
namespace {

// Fixed, so the same replicates always give the same interval, and a scenario
// and its baseline are resampled alike (common random numbers).
constexpr std::uint64_t kBootstrapSeed = 20240607;
constexpr int kBootstrapResamples = 2000;
constexpr double kConfidence = 0.95;

struct PopulationFlags {
  std::uint64_t cells = 500;
  double days = 14;
  std::uint64_t replicates = 20;
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::uint64_t threads = 0;  // 0: all cores
  double sync_hours = 0.25;
  std::string mode = "lattice";
  std::string method = "auto";
  MethodOptions method_options;
  std::vector<std::string> scenarios;
  std::string output;
  std::string plot;
  std::string osteo_fate = "osteo";
  std::string adipo_fate = "adipo";
  std::string snapshot;  // DAY[,DAY...]
  std::string markers;   // empty: kDefaultMarkers
  bool quiet = false;
  // Co-culture (BIOLOGY.md §3.7): osteoclast precursors beside the MSCs.
  std::string coculture;  // the precursors' network; empty: none
  std::uint64_t ocp_cells = 500;
  bool ocp_cells_given = false;
  double ocp_day = 0;  // when the precursors are plated
  std::string ocp_fate = "oc";
  // Infusion (BIOLOGY.md §3.6): donor MSCs that home by the network's rule.
  std::uint64_t infuse = 0;
  bool infuse_given = false;
  double preculture_hours = 48;
  // Extrinsic-noise design: replicate r uses parameter set r mod K; 0: off.
  std::uint64_t parameter_sets = 0;
  bool parameter_sets_given = false;
};

// --infuse reports the donor-derived OPG secretion from this flux (module S,
// molecules per cell per time unit).
const char* const kOpgFlux = "J_OPG";

// The co-culture link between the MSC network's medium and the precursor
// network (module O). The O module computes its free RANKL from totals with
// its own binding equilibrium (RANKL_free from RANKL_tot = RANKL_med +
// RANKL_pM_per_ngml·RANKL_ADD and OPG_tot = OPG_med + OPG_pM_per_ngml·OPG_ADD,
// Kd = RANKL_OPG_Kd), so each precursor is fed the medium's totals,
// RANKL_med = RANKL + RANKL_OPG and OPG_med = OPG + RANKL_OPG, not the free
// pool. Why totals: the O module's Kd (100 pM) is the medium reaction's
// k_off/k_on (0.36 / 3.6e-3), and that binding relaxes at k_off + k_on·(R + O)
// (≥ 0.36 /h; > 5 /h at the ng/mL doses), so once the medium has bound, its
// free RANKL and the O module's equilibrium agree; but a fresh medium (day 0,
// every change) holds unbound sRANKL and OPG, and feeding the free pool (with
// OPG_med = 0) would give the precursors the recombinant RANKL unopposed until
// the medium binds, which the single-cell assays (equilibrium at all times) do
// not. With totals, precursors alone (--cells 0) see exactly the fresh doses
// of the single-cell assays, less the medium's protein decay (S module,
// medium_protein_decay 0.01 /h, reset at every medium change).
// RANKL_ADD and OPG_ADD are zeroed in the precursors: the pools' fresh values
// already hold the recombinant proteins, so they are counted once.
const char* const kOcpTotalRankl = "RANKL_med";
const char* const kOcpTotalOpg = "OPG_med";
const char* const kOcpJuxtacrine = "RANKL_juxta";
// BIOLOGY.md §2.6: RANKL_eff = RANKL_free + κ·(0.7·J_RANKL of contacting
// MSC/OB), κ = 1 pM per 100 molecules/h [A]; the MSC network's J_RANKL_juxta
// is (1 − RANKL_shed)·J_RANKL, in molecules per hour.
// TODO(lead): κ belongs in the precursor network as a parameter, once
// `net lint` counts parameters the co-culture reads as used.
const char* const kMscJuxtacrineFlux = "J_RANKL_juxta";
constexpr double kJuxtacrinePicomolarPerMoleculeHour = 0.01;
// The optional OPG-independent Wnt route (module O, Nfatc1_w_WNT; BIOLOGY.md
// §6.4): a precursor that declares WNT_contact reads the WNT1 of the MSCs on
// the six sites around it, as a mean over the sites (an empty site counts 0),
// the reading the MSCs' own W_contact_mean uses for their contacts.
const char* const kOcpWntContact = "WNT_contact";
const char* const kMscWnt = "WNT1";
const std::vector<std::string> kOcpAdditions = {"RANKL_ADD", "OPG_ADD"};
const std::vector<std::string> kRanklPools = {"RANKL", "RANKL_OPG"};
const std::vector<std::string> kOpgPools = {"OPG", "RANKL_OPG"};

struct LoadedPopulation {
  std::shared_ptr<const CompiledModel> model;
  std::shared_ptr<const PopulationRules> rules;
  std::shared_ptr<const MediumSpec> medium;  // null: the network has no medium
  std::string hash;  // of the network as read, before the population's preparation
  std::vector<SpeciesRole> roles;  // per species index, for --method hybrid
  std::vector<ExpressionProgram> contact_sources;  // LoadOptions::contact_expressions, in order
  bool has_opg_flux = false;         // the network defines kOpgFlux
  ExpressionProgram opg_flux;        // kOpgFlux over a cell's counts and parameters
};

// How a network is prepared beyond the population's own needs (co-culture).
struct LoadOptions {
  std::vector<std::string> live_parameters;    // written during the run
  std::vector<std::string> zeroed_parameters;  // set to 0 after the hash
  std::vector<std::string> contact_expressions;  // compiled over the prepared network
};

// FNV-1a (64 bit) of the deterministic binary encoding: the same network
// (whatever its file format, layout or comments) gives the same hash.
std::string NetworkHash(const grnsim::v1::Network& network) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    network.SerializeToCodedStream(&coded);
  }
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, h);
  return buf;
}

// Read → includes and scenarios → Validate (as LoadModel does) → the
// population rules → Compile.
StatusOr<LoadedPopulation> Finish(NetworkFile file, const std::string& path,
                                  const LoadOptions& load = {}) {
  GRN_RETURN_IF_ERROR(ValidateNetworkFile(file, ValidateOptions{}));  // nothing external
  std::vector<Diagnostic> problems = ValidatePopulationRules(file.network);
  for (Diagnostic& d : ValidateMedium(file.network)) problems.push_back(std::move(d));
  if (!problems.empty()) {
    std::string message;
    for (const Diagnostic& d : problems) {
      if (!message.empty()) message += '\n';
      message += file.source->Locate(d.where) + ": " + d.message;
    }
    return InvalidArgumentError(message);
  }
  LoadedPopulation loaded;
  loaded.hash = NetworkHash(file.network);
  for (grnsim::v1::Parameter& p : *file.network.mutable_parameter()) {
    for (const std::string& name : load.zeroed_parameters) {
      if (p.name() == name) p.set_value(0.0);
    }
  }
  MakeParametersLive(&file.network, load.live_parameters);
  PreparePopulationNetwork(&file.network);
  PrepareMediumNetwork(&file.network);
  for (const std::string& expression : load.contact_expressions) {
    StatusOr<ExpressionProgram> program = ModelNames(file.network).CompileText(expression);
    if (!program.ok()) {
      return Status(program.status().code(), path + ": " + program.status().message());
    }
    loaded.contact_sources.push_back(std::move(*program));
  }
  if (const ModelNames names(file.network); names.IsParameter(kOpgFlux) || names.IsSpecies(kOpgFlux)) {
    GRN_ASSIGN_OR_RETURN(loaded.opg_flux, names.CompileText(kOpgFlux));
    loaded.has_opg_flux = true;
  }
  GRN_ASSIGN_OR_RETURN(CompiledModel model, Compile(file.network));
  // Compile keeps the file's species order; the names are checked anyway.
  static_assert(static_cast<int>(SpeciesRole::kGene) == grnsim::v1::Species::gene &&
                static_cast<int>(SpeciesRole::kOther) == grnsim::v1::Species::other);
  loaded.roles.assign(model.num_species(), SpeciesRole::kUnspecified);
  for (int i = 0; i < file.network.species_size() && i < static_cast<int>(model.num_species()); ++i) {
    const grnsim::v1::Species& sp = file.network.species(i);
    if (sp.name() == model.species_names()[i]) loaded.roles[i] = static_cast<SpeciesRole>(sp.role());
  }
  loaded.model = std::make_shared<const CompiledModel>(std::move(model));
  StatusOr<PopulationRules> rules = CompilePopulationRules(file.network, *loaded.model);
  if (!rules.ok()) return Status(rules.status().code(), path + ": " + rules.status().message());
  loaded.rules = std::make_shared<const PopulationRules>(std::move(*rules));
  if (HasMedium(file.network)) {
    StatusOr<MediumSpec> medium = CompileMedium(file.network, *loaded.model);
    if (!medium.ok()) return Status(medium.status().code(), path + ": " + medium.status().message());
    loaded.medium = std::make_shared<const MediumSpec>(std::move(*medium));
  }
  return loaded;
}

StatusOr<LoadedPopulation> Load(const std::string& path,
                                const std::vector<std::string>& scenario_paths) {
  GRN_ASSIGN_OR_RETURN(NetworkFile file, ReadComposedNetworkFile(path, scenario_paths));
  return Finish(std::move(file), path);
}

// The names a scenario sets or scales.
std::set<std::string> NamesOf(const grnsim::v1::Network& network) {
  std::set<std::string> names;
  for (const auto& s : network.species()) names.insert(s.name());
  for (const auto& p : network.parameter()) names.insert(p.name());
  return names;
}

// The fates a scenario's on_commit may name.
std::set<std::string> FatesOf(const grnsim::v1::Network& network) {
  std::set<std::string> fates;
  for (const auto& f : network.fate()) fates.insert(f.name());
  return fates;
}

// A copy of `scenario` whose set, scale and heterogeneity keep only the names
// `keep` accepts, whose on_commit keeps only the fates `keep_fate` accepts
// (and, if `additions` is false, without its additions and its mosaic: the
// partner cells are never mosaic).
grnsim::v1::Scenario FilterScenario(const grnsim::v1::Scenario& scenario,
                                    const std::function<bool(const std::string&)>& keep,
                                    const std::function<bool(const std::string&)>& keep_fate,
                                    bool additions) {
  grnsim::v1::Scenario out = scenario;
  out.clear_set();
  out.clear_scale();
  out.clear_on_commit();
  out.clear_heterogeneity();
  for (const auto& h : scenario.heterogeneity()) {
    if (keep(h.parameter())) *out.add_heterogeneity() = h;
  }
  for (const auto& s : scenario.set()) {
    if (keep(s.name())) *out.add_set() = s;
  }
  for (const auto& s : scenario.scale()) {
    if (keep(s.name())) *out.add_scale() = s;
  }
  for (const auto& group : scenario.on_commit()) {
    if (keep_fate(group.fate())) *out.add_on_commit() = group;
  }
  if (!additions) {
    out.clear_add_species();
    out.clear_add_parameter();
    out.clear_add_reaction();
    out.clear_add_event();
    out.clear_mosaic();
  }
  return out;
}

// Co-culture: every scenario applies to both networks wherever they have the
// name it sets, scales or varies (heterogeneity), or the fate its on_commit
// names (a name or fate neither has is refused by the MSC network, as without
// co-culture); additions and mosaics go to the MSC network only. Then the
// precursors are linked to the MSC medium (see kOcpTotalRankl).
Status LoadCoculture(const std::string& msc_path, const std::string& ocp_path,
                     const std::vector<std::string>& scenario_paths, LoadedPopulation* msc,
                     LoadedPopulation* ocp) {
  GRN_ASSIGN_OR_RETURN(NetworkFile msc_file, ReadComposedNetworkFile(msc_path));
  StatusOr<NetworkFile> ocp_read = ReadComposedNetworkFile(ocp_path);
  if (!ocp_read.ok()) {
    return Status(ocp_read.status().code(), "--coculture " + ocp_read.status().message());
  }
  NetworkFile ocp_file = std::move(*ocp_read);
  const std::set<std::string> msc_names = NamesOf(msc_file.network);
  const std::set<std::string> ocp_names = NamesOf(ocp_file.network);
  const std::set<std::string> msc_fates = FatesOf(msc_file.network);
  const std::set<std::string> ocp_fates = FatesOf(ocp_file.network);
  for (const std::string& path : scenario_paths) {
    GRN_ASSIGN_OR_RETURN(ScenarioFile scenario, ReadScenarioFile(path));
    bool msc_complete = true;
    auto for_msc = [&](const std::string& name) {
      const bool keep = msc_names.count(name) > 0 || ocp_names.count(name) == 0;
      msc_complete = msc_complete && keep;
      return keep;
    };
    // A fate neither network declares goes to the MSCs, which refuse it.
    auto for_msc_fate = [&](const std::string& fate) {
      const bool keep = msc_fates.count(fate) > 0 || ocp_fates.count(fate) == 0;
      msc_complete = msc_complete && keep;
      return keep;
    };
    grnsim::v1::Scenario msc_part =
        FilterScenario(scenario.scenario, for_msc, for_msc_fate, true);
    // Whole, the scenario's problems are located (file:line:col); filtered,
    // its entries moved, so they name the file only.
    Locator locate;
    if (msc_complete) {
      locate = [source = scenario.source](const FieldPath& where) { return source->Locate(where); };
    }
    GRN_RETURN_IF_ERROR(ApplyScenario(msc_file.network, msc_part, path, locate));
    auto for_ocp = [&](const std::string& name) { return ocp_names.count(name) > 0; };
    auto for_ocp_fate = [&](const std::string& fate) { return ocp_fates.count(fate) > 0; };
    GRN_RETURN_IF_ERROR(ApplyScenario(
        ocp_file.network, FilterScenario(scenario.scenario, for_ocp, for_ocp_fate, false), path));
  }
  if (!ModelNames(msc_file.network).IsParameter(kMscJuxtacrineFlux)) {
    return InvalidArgumentError(msc_path + ": --coculture reads the MSCs' juxtacrine RANKL flux '" +
                                kMscJuxtacrineFlux + "' (module S), which the network lacks");
  }
  const bool wnt_route = ModelNames(ocp_file.network).IsParameter(kOcpWntContact);
  if (wnt_route && !ModelNames(msc_file.network).IsSpecies(kMscWnt)) {
    return InvalidArgumentError(ocp_path + ": the precursors read the MSCs' " + kMscWnt +
                                " (parameter " + kOcpWntContact + "), which " + msc_path +
                                " lacks");
  }
  std::vector<std::string> contact_expressions = {kMscJuxtacrineFlux};
  if (wnt_route) contact_expressions.push_back(kMscWnt);
  GRN_ASSIGN_OR_RETURN(*msc, Finish(std::move(msc_file), msc_path,
                                    LoadOptions{{}, {}, std::move(contact_expressions)}));
  if (msc->medium == nullptr) {
    return InvalidArgumentError(msc_path + ": --coculture needs the network's medium (pools " +
                                "RANKL, OPG, RANKL_OPG); the network has none");
  }
  for (const char* pool : {"RANKL", "OPG", "RANKL_OPG"}) {
    if (msc->medium->PoolIndex(pool) < 0) {
      return InvalidArgumentError(msc_path + ": --coculture reads medium pool '" + pool +
                                  "', which the network's medium does not have");
    }
  }
  std::vector<std::string> live = {kOcpTotalRankl, kOcpTotalOpg, kOcpJuxtacrine};
  if (wnt_route) live.push_back(kOcpWntContact);
  for (const std::string& name : live) {
    bool plain = false;
    for (const auto& p : ocp_file.network.parameter()) plain = plain || p.name() == name;
    for (const auto& r : ocp_file.network.assignment_rule()) {
      plain = plain && r.variable() != name;
    }
    if (!plain) {
      return InvalidArgumentError(ocp_path + ": the co-culture sets parameter '" + name +
                                  "', which the network does not have (or defines by a rule)");
    }
  }
  GRN_ASSIGN_OR_RETURN(*ocp,
                       Finish(std::move(ocp_file), ocp_path, LoadOptions{live, kOcpAdditions, {}}));
  if (ocp->rules->divides) {
    return InvalidArgumentError(ocp_path +
                                ": co-culture precursors must not divide; add "
                                "population { quiescent: true }");
  }
  if (!ocp->rules->couplings.empty()) {
    return InvalidArgumentError(ocp_path + ": co-culture precursors may not declare couplings");
  }
  if (ocp->rules->hours_per_time_unit != msc->rules->hours_per_time_unit) {
    return InvalidArgumentError(ocp_path +
                                ": the co-culture networks must use the same time "
                                "unit (the juxtacrine flux is read per time unit)");
  }
  return Status::OK();
}

// The precursors' share of the population options: method, feeds.
PartnerOptions MakePartnerOptions(const LoadedPopulation& msc, const LoadedPopulation& ocp,
                                  MethodKind method, const MethodOptions& method_options,
                                  std::uint64_t cells) {
  PartnerOptions partner;
  partner.model = ocp.model;
  partner.rules = ocp.rules;
  partner.method = method;
  partner.method_options = method_options;
  partner.method_options.hybrid.roles = ocp.roles;
  partner.initial_cells = cells;
  const auto& parameters = ocp.model->parameter_names();
  auto index = [&parameters](const std::string& name) {
    return static_cast<std::uint32_t>(std::find(parameters.begin(), parameters.end(), name) -
                                      parameters.begin());
  };
  auto pools = [&msc](const std::vector<std::string>& names) {
    std::vector<std::uint32_t> out;
    for (const std::string& n : names)
      out.push_back(static_cast<std::uint32_t>(msc.medium->PoolIndex(n)));
    return out;
  };
  partner.pool_feeds.push_back({index(kOcpTotalRankl), pools(kRanklPools)});
  partner.pool_feeds.push_back({index(kOcpTotalOpg), pools(kOpgPools)});
  // Per hour of the MSC network's time unit (LoadCoculture checked that both
  // networks share it).
  const double kappa = kJuxtacrinePicomolarPerMoleculeHour / msc.rules->hours_per_time_unit;
  partner.contact_feeds.push_back({index(kOcpJuxtacrine), msc.contact_sources[0], kappa});
  if (msc.contact_sources.size() > 1) {
    partner.contact_feeds.push_back({index(kOcpWntContact), msc.contact_sources[1],
                                     1.0 / HexLattice::kNeighbours});
  }
  return partner;
}

Status CheckFlags(const PopulationFlags& f) {
  if (f.cells < 1 && f.coculture.empty() && !f.infuse_given) {
    return InvalidArgumentError(
        "--cells must be >= 1 (0 only with --coculture: precursors alone, or with --infuse: "
        "homed cells alone)");
  }
  if (f.infuse_given && (f.infuse < 1 || f.infuse > 10000000)) {
    return InvalidArgumentError("--infuse must be in [1, 10000000] donor cells");
  }
  if (!(f.preculture_hours >= 0 && f.preculture_hours <= 1e5)) {
    return InvalidArgumentError("--preculture-hours must be in [0, 1e5]");
  }
  if (f.ocp_cells_given && f.coculture.empty()) {
    return InvalidArgumentError("--ocp-cells needs --coculture (the precursors' network)");
  }
  if (!f.coculture.empty() && f.ocp_cells < 1) {
    return InvalidArgumentError("--ocp-cells must be >= 1");
  }
  if (!(f.days > 0 && f.days <= 1e5)) return InvalidArgumentError("--days must be in (0, 1e5]");
  if (f.ocp_day != 0 && f.coculture.empty()) {
    return InvalidArgumentError("--ocp-day needs --coculture (the precursors' network)");
  }
  if (!(f.ocp_day >= 0 && f.ocp_day < f.days)) {
    return InvalidArgumentError("--ocp-day must be in [0, --days)");
  }
  if (f.replicates < 1 || f.replicates > 100000) {
    return InvalidArgumentError("--replicates must be in [1, 100000]");
  }
  if (f.parameter_sets_given &&
      (f.parameter_sets < 2 || f.replicates % f.parameter_sets != 0 ||
       f.replicates / f.parameter_sets < 2)) {
    return InvalidArgumentError(
        "--parameter-sets N needs N >= 2 and --replicates a multiple of N with at least 2 "
        "replicates per set (got N = " + std::to_string(f.parameter_sets) + ", " +
        std::to_string(f.replicates) + " replicates)");
  }
  if (f.threads > 4096) return InvalidArgumentError("--threads must be <= 4096");
  if (!(f.sync_hours > 0 && f.sync_hours <= 24)) {
    return InvalidArgumentError("--sync-hours must be in (0, 24]");
  }
  if (f.mode != "lattice" && f.mode != "mixed") {
    return InvalidArgumentError("--mode must be lattice or mixed, got '" + f.mode + "'");
  }
  if (f.method == "ode") {
    return InvalidArgumentError("--method ode is deterministic: every cell would be alike; use "
                                "an exact method or tau");
  }
  if (!(f.method_options.tau.epsilon > 0 && f.method_options.tau.epsilon < 1)) {
    return InvalidArgumentError("--epsilon must be in (0, 1)");
  }
  if (!f.plot.empty()) {
    const std::string ext = std::filesystem::path(f.plot).extension().string();
    if (ext != ".svg" && ext != ".png") {
      return InvalidArgumentError("--plot must name a .svg or .png file, got '" + f.plot + "'");
    }
  }
  return Status::OK();
}

// Output times in days: every whole day, and the end.
std::vector<double> OutputDays(double days) {
  std::vector<double> out;
  for (double d = 0; d < days - 1e-9; d += 1) out.push_back(d);
  out.push_back(days);
  return out;
}

std::string Number(double v) {
  std::string s;
  AppendNumber(s, v);
  return s;
}

// One replicate's counts at each output day.
using ReplicateCounts = std::vector<PopulationCounts>;

struct SummaryRow {
  double day;
  double osteo, adipo, uncommitted;  // mean fractions over replicates
  double log2_ratio, lo, hi;
  Interval osteo_ci, adipo_ci, uncommitted_ci;  // for the plot
};

// What the summary intervals resample: the replicates, or with
// --parameter-sets K the K set means (replicate r is in set r mod K; the
// design is balanced, so their mean is the replicates' mean): replicates that
// share a parameter set are not independent (a cluster bootstrap).
std::vector<double> ResamplingUnits(const std::vector<double>& per_replicate,
                                    std::uint64_t parameter_sets) {
  if (parameter_sets == 0) return per_replicate;
  std::vector<double> sums(parameter_sets, 0.0);
  for (std::size_t r = 0; r < per_replicate.size(); ++r) sums[r % parameter_sets] += per_replicate[r];
  const double per_set = static_cast<double>(per_replicate.size() / parameter_sets);
  for (double& sum : sums) sum /= per_set;
  return sums;
}

double Fraction(std::uint64_t count, std::uint64_t alive) {
  return alive == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(alive);
}

std::vector<SummaryRow> Summarise(const std::vector<double>& days,
                                  const std::vector<ReplicateCounts>& replicates, int osteo,
                                  int adipo, std::uint64_t parameter_sets) {
  std::vector<SummaryRow> rows;
  const Rng bootstrap_root(kBootstrapSeed);
  for (std::size_t k = 0; k < days.size(); ++k) {
    std::vector<double> fo, fa, fu, ratio;
    for (const ReplicateCounts& rep : replicates) {
      const PopulationCounts& c = rep[k];
      fo.push_back(Fraction(c.per_fate[osteo], c.alive));
      fa.push_back(Fraction(c.per_fate[adipo], c.alive));
      fu.push_back(Fraction(c.uncommitted, c.alive));
      ratio.push_back(std::log2((static_cast<double>(c.per_fate[osteo]) + 0.5) /
                                (static_cast<double>(c.per_fate[adipo]) + 0.5)));
    }
    SummaryRow row{days[k], Mean(fo), Mean(fa), Mean(fu), Mean(ratio), NAN, NAN, {}, {}, {}};
    if (replicates.size() >= 2) {
      // One stream per output day and quantity, independent of everything else.
      auto interval = [&](const std::vector<double>& v, std::uint64_t which) {
        Rng rng = bootstrap_root.Split(k * 4 + which);
        return BootstrapMeanInterval(ResamplingUnits(v, parameter_sets), kBootstrapResamples,
                                     kConfidence, rng);
      };
      const Interval r = interval(ratio, 0);
      row.lo = r.lo;
      row.hi = r.hi;
      row.osteo_ci = interval(fo, 1);
      row.adipo_ci = interval(fa, 2);
      row.uncommitted_ci = interval(fu, 3);
    } else {
      row.osteo_ci = {row.osteo, row.osteo};
      row.adipo_ci = {row.adipo, row.adipo};
      row.uncommitted_ci = {row.uncommitted, row.uncommitted};
    }
    rows.push_back(row);
  }
  return rows;
}

// Co-culture: the precursors per output day, over replicates.
struct PartnerSummaryRow {
  double alive;     // mean live precursors
  double fraction;  // mean fraction of live precursors committed to the fate
  Interval ci;      // 95% bootstrap interval of `fraction` (NaN for one replicate)
  double multinucleated = NAN;  // mean fused cells (fusion declared), else NaN
  Interval multinucleated_ci{NAN, NAN};
};

std::vector<PartnerSummaryRow> SummarisePartners(const std::vector<double>& days,
                                                 const std::vector<ReplicateCounts>& replicates,
                                                 int fate, bool fusion,
                                                 std::uint64_t parameter_sets) {
  std::vector<PartnerSummaryRow> rows;
  // Streams apart from Summarise's (k * 4 + which), so the MSC columns keep
  // their intervals.
  const Rng bootstrap_root = Rng(kBootstrapSeed).Split(std::uint64_t{1} << 40);
  for (std::size_t k = 0; k < days.size(); ++k) {
    std::vector<double> alive, fraction;
    for (const ReplicateCounts& rep : replicates) {
      alive.push_back(static_cast<double>(rep[k].alive));
      fraction.push_back(Fraction(rep[k].per_fate[fate], rep[k].alive));
    }
    PartnerSummaryRow row{Mean(alive), Mean(fraction), {NAN, NAN}};
    if (replicates.size() >= 2) {
      Rng rng = bootstrap_root.Split(k);
      row.ci = BootstrapMeanInterval(ResamplingUnits(fraction, parameter_sets),
                                     kBootstrapResamples, kConfidence, rng);
    }
    if (fusion) {
      std::vector<double> fused;
      for (const ReplicateCounts& rep : replicates) {
        fused.push_back(static_cast<double>(rep[k].multinucleated));
      }
      row.multinucleated = Mean(fused);
      if (replicates.size() >= 2) {
        Rng rng = bootstrap_root.Split((std::uint64_t{1} << 20) + k);
        row.multinucleated_ci =
            BootstrapMeanInterval(ResamplingUnits(fused, parameter_sets), kBootstrapResamples,
                                  kConfidence, rng);
      }
    }
    rows.push_back(row);
  }
  return rows;
}

// --infuse: one replicate's infusion, and its donor-derived cells at each
// output day.
struct ReplicateInfusion {
  std::uint64_t infused = 0, homed = 0;
  double probability_sum = 0.0;  // Σ p_i: its mean is the expected homed fraction
  std::vector<std::uint64_t> donor_cells, donor_osteo;  // per output day
  std::vector<double> donor_opg_flux;  // per output day: Σ J_OPG, molecules per hour

  double HomedFraction() const {
    return infused == 0 ? 0.0 : static_cast<double>(homed) / static_cast<double>(infused);
  }
  double PerInfused(double v) const {
    return infused == 0 ? 0.0 : v / static_cast<double>(infused);
  }
};

// The donor-derived readouts of `population` now: live cells, osteo-committed
// cells, and the summed OPG flux (per hour).
void RecordDonorCells(const Population& population, const LoadedPopulation& loaded, int osteo,
                      ReplicateInfusion* out) {
  std::uint64_t cells = 0, committed = 0;
  double flux = 0.0;
  for (const Cell& cell : population.cells()) {
    if (!cell.donor) continue;
    ++cells;
    committed += cell.fate == osteo;
    flux += EvaluateExpression(loaded.opg_flux, cell.state.x.data(), cell.state.p.data(),
                               cell.state.t);
  }
  out->donor_cells.push_back(cells);
  out->donor_osteo.push_back(committed);
  out->donor_opg_flux.push_back(flux / loaded.rules->hours_per_time_unit);
}

// --infuse, per output day, over replicates: means and 95% bootstrap
// intervals (NaN for one replicate).
struct InfusionSummaryRow {
  double homed_fraction;
  Interval homed_ci;
  double osteo_per_infused;  // donor-derived osteo-committed cells / N_inf
  Interval osteo_ci;
  double opg_per_infused;    // donor-derived Σ J_OPG / N_inf, molecules per hour
  Interval opg_ci;
};

std::vector<InfusionSummaryRow> SummariseInfusion(const std::vector<double>& days,
                                                  const std::vector<ReplicateInfusion>& replicates,
                                                  std::uint64_t parameter_sets) {
  std::vector<InfusionSummaryRow> rows;
  // Streams apart from Summarise's and SummarisePartners', so their columns
  // keep their intervals.
  const Rng bootstrap_root = Rng(kBootstrapSeed).Split(std::uint64_t{2} << 40);
  std::vector<double> homed;
  for (const ReplicateInfusion& rep : replicates) homed.push_back(rep.HomedFraction());
  Interval homed_ci{NAN, NAN};
  if (replicates.size() >= 2) {
    Rng rng = bootstrap_root.Split(0);
    homed_ci = BootstrapMeanInterval(ResamplingUnits(homed, parameter_sets), kBootstrapResamples,
                                     kConfidence, rng);
  }
  for (std::size_t k = 0; k < days.size(); ++k) {
    std::vector<double> osteo, opg;
    for (const ReplicateInfusion& rep : replicates) {
      osteo.push_back(rep.PerInfused(static_cast<double>(rep.donor_osteo[k])));
      opg.push_back(rep.PerInfused(rep.donor_opg_flux[k]));
    }
    InfusionSummaryRow row{Mean(homed), homed_ci, Mean(osteo), {NAN, NAN}, Mean(opg), {NAN, NAN}};
    if (replicates.size() >= 2) {
      Rng osteo_rng = bootstrap_root.Split(1 + 2 * k);
      row.osteo_ci = BootstrapMeanInterval(ResamplingUnits(osteo, parameter_sets),
                                           kBootstrapResamples, kConfidence, osteo_rng);
      Rng opg_rng = bootstrap_root.Split(2 + 2 * k);
      row.opg_ci = BootstrapMeanInterval(ResamplingUnits(opg, parameter_sets),
                                         kBootstrapResamples, kConfidence, opg_rng);
    }
    rows.push_back(row);
  }
  return rows;
}

// --parameter-sets K: the replicate-to-replicate variance of each summary
// readout at each output day, split into intrinsic (within a parameter set)
// and extrinsic (between sets) parts (engine/population/variance_split.h).
struct VarianceRow {
  double day;
  std::string quantity;  // a summary.csv column
  VarianceSplit split;
};

StatusOr<std::vector<VarianceRow>> SplitReplicateVariance(
    const std::vector<double>& days, const std::vector<ReplicateCounts>& replicates, int osteo,
    int adipo, const std::vector<ReplicateCounts>* partners, int oc_fate,
    std::uint64_t parameter_sets) {
  using Readout = std::function<double(const PopulationCounts& msc, const PopulationCounts* ocp)>;
  std::vector<std::pair<std::string, Readout>> readouts = {
      {"osteo_fraction",
       [&](const PopulationCounts& c, const PopulationCounts*) {
         return Fraction(c.per_fate[osteo], c.alive);
       }},
      {"adipo_fraction",
       [&](const PopulationCounts& c, const PopulationCounts*) {
         return Fraction(c.per_fate[adipo], c.alive);
       }},
      {"log2_ratio", [&](const PopulationCounts& c, const PopulationCounts*) {
         return std::log2((static_cast<double>(c.per_fate[osteo]) + 0.5) /
                          (static_cast<double>(c.per_fate[adipo]) + 0.5));
       }}};
  if (partners != nullptr) {
    readouts.push_back({"oc_fraction", [&](const PopulationCounts&, const PopulationCounts* o) {
                          return Fraction(o->per_fate[oc_fate], o->alive);
                        }});
  }
  std::vector<VarianceRow> rows;
  const std::size_t per_set = replicates.size() / parameter_sets;
  for (std::size_t k = 0; k < days.size(); ++k) {
    for (std::size_t q = 0; q < readouts.size(); ++q) {
      std::vector<std::vector<double>> values(parameter_sets, std::vector<double>(per_set));
      for (std::size_t r = 0; r < replicates.size(); ++r) {
        values[r % parameter_sets][r / parameter_sets] = readouts[q].second(
            replicates[r][k], partners != nullptr ? &(*partners)[r][k] : nullptr);
      }
      GRN_ASSIGN_OR_RETURN(VarianceSplit split, SplitVariance(values, kConfidence));
      rows.push_back({days[k], readouts[q].first, split});
    }
  }
  return rows;
}

std::string VarianceCsv(const std::string& provenance, const std::vector<VarianceRow>& rows) {
  std::string out = provenance +
                    "day,quantity,sets,replicates_per_set,mean,intrinsic_sd,extrinsic_sd,"
                    "intrinsic_variance,extrinsic_variance,extrinsic_share,extrinsic_share_lo,"
                    "extrinsic_share_hi,f_statistic,p_value\n";
  for (const VarianceRow& r : rows) {
    const VarianceSplit& v = r.split;
    out += Number(r.day) + "," + r.quantity + "," + std::to_string(v.sets) + "," +
           std::to_string(v.replicates_per_set);
    for (double x : {v.mean, std::sqrt(v.intrinsic), std::sqrt(v.extrinsic), v.intrinsic,
                     v.extrinsic, v.extrinsic_share, v.share_ci.lo, v.share_ci.hi, v.f_statistic,
                     v.p_value}) {
      out += ',';
      out += Number(x);
    }
    out += '\n';
  }
  return out;
}

// The split at the last output day.
void PrintVariance(const std::vector<VarianceRow>& rows) {
  const double last = rows.back().day;
  std::printf("replicate variance at day %g, %zu parameter sets × %zu replicates: intrinsic "
              "(same parameters) and extrinsic (between sets)\n",
              last, rows.back().split.sets, rows.back().split.replicates_per_set);
  std::printf("%-15s  %9s  %12s  %12s  %-24s  %s\n", "quantity", "mean", "intrinsic sd",
              "extrinsic sd", "extrinsic share [95% CI]", "F-test p");
  for (const VarianceRow& r : rows) {
    if (r.day != last) continue;
    char share[64];
    std::snprintf(share, sizeof share, "%.2f [%.2f, %.2f]", r.split.extrinsic_share,
                  r.split.share_ci.lo, r.split.share_ci.hi);
    std::printf("%-15s  %9.4g  %12.4g  %12.4g  %-24s  %.3g\n", r.quantity.c_str(), r.split.mean,
                std::sqrt(r.split.intrinsic), std::sqrt(r.split.extrinsic), share,
                r.split.p_value);
  }
}

std::string ReplicatesCsv(const std::string& provenance, const PopulationRules& rules,
                          const std::vector<double>& days,
                          const std::vector<ReplicateCounts>& replicates,
                          const PopulationRules* partner_rules = nullptr,
                          const std::vector<ReplicateCounts>* partners = nullptr,
                          const std::vector<ReplicateInfusion>* infusions = nullptr) {
  std::string out = provenance + "replicate,day,cells";
  for (const FateRule& f : rules.fates) out += "," + f.name + "_count";
  out += ",senescent_count,uncommitted_count";
  for (const FateRule& f : rules.fates) out += "," + f.name + "_fraction";
  out += ",senescent_fraction,uncommitted_fraction,divisions,deaths";
  if (rules.fusion.fate >= 0) out += ",multinucleated,multinucleated_nuclei";
  if (partners != nullptr) {
    out += ",ocp_cells";
    for (const FateRule& f : partner_rules->fates) out += ",ocp_" + f.name + "_count";
    out += ",ocp_senescent_count,ocp_uncommitted_count";
    for (const FateRule& f : partner_rules->fates) out += ",ocp_" + f.name + "_fraction";
    out += ",ocp_deaths";
    if (partner_rules->fusion.fate >= 0) out += ",ocp_multinucleated,ocp_multinucleated_nuclei";
  }
  if (infusions != nullptr) {
    out += ",infused,homed,homed_fraction,mean_homing_probability,donor_cells,"
           "donor_osteo_per_infused,donor_opg_flux_per_infused";
  }
  out += '\n';
  // Field by field: GCC 12 misreports `"," + std::string` (-Wrestrict).
  auto field = [&out](const std::string& text) {
    out += ',';
    out += text;
  };
  for (std::size_t r = 0; r < replicates.size(); ++r) {
    for (std::size_t k = 0; k < days.size(); ++k) {
      const PopulationCounts& c = replicates[r][k];
      out += std::to_string(r);
      field(Number(days[k]));
      field(std::to_string(c.alive));
      for (std::uint64_t n : c.per_fate) field(std::to_string(n));
      field(std::to_string(c.senescent));
      field(std::to_string(c.uncommitted));
      for (std::uint64_t n : c.per_fate) field(Number(Fraction(n, c.alive)));
      field(Number(Fraction(c.senescent, c.alive)));
      field(Number(Fraction(c.uncommitted, c.alive)));
      field(std::to_string(c.divisions));
      field(std::to_string(c.deaths));
      if (rules.fusion.fate >= 0) {
        field(std::to_string(c.multinucleated));
        field(std::to_string(c.multinucleated_nuclei));
      }
      if (partners != nullptr) {
        const PopulationCounts& o = (*partners)[r][k];
        field(std::to_string(o.alive));
        for (std::uint64_t n : o.per_fate) field(std::to_string(n));
        field(std::to_string(o.senescent));
        field(std::to_string(o.uncommitted));
        for (std::uint64_t n : o.per_fate) field(Number(Fraction(n, o.alive)));
        field(std::to_string(o.deaths));
        if (partner_rules->fusion.fate >= 0) {
          field(std::to_string(o.multinucleated));
          field(std::to_string(o.multinucleated_nuclei));
        }
      }
      if (infusions != nullptr) {
        const ReplicateInfusion& inf = (*infusions)[r];
        field(std::to_string(inf.infused));
        field(std::to_string(inf.homed));
        field(Number(inf.HomedFraction()));
        field(Number(inf.PerInfused(inf.probability_sum)));
        field(std::to_string(inf.donor_cells[k]));
        field(Number(inf.PerInfused(static_cast<double>(inf.donor_osteo[k]))));
        field(Number(inf.PerInfused(inf.donor_opg_flux[k])));
      }
      out += '\n';
    }
  }
  return out;
}

std::string SummaryCsv(const std::string& provenance, const std::vector<SummaryRow>& rows,
                       const std::vector<PartnerSummaryRow>& partners = {},
                       const std::vector<InfusionSummaryRow>& infusion = {}) {
  std::string out = provenance +
                    "day,osteo_fraction,adipo_fraction,uncommitted_fraction,log2_ratio,"
                    "log2_ratio_lo,log2_ratio_hi";
  const bool fusion = !partners.empty() && !std::isnan(partners[0].multinucleated);
  if (!partners.empty()) out += ",ocp_alive,oc_fraction,oc_fraction_lo,oc_fraction_hi";
  if (fusion) out += ",oc_multinucleated,oc_multinucleated_lo,oc_multinucleated_hi";
  if (!infusion.empty()) {
    out += ",homed_fraction,homed_fraction_lo,homed_fraction_hi,donor_osteo_per_infused,"
           "donor_osteo_per_infused_lo,donor_osteo_per_infused_hi,donor_opg_flux_per_infused,"
           "donor_opg_flux_per_infused_lo,donor_opg_flux_per_infused_hi";
  }
  out += '\n';
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const SummaryRow& r = rows[k];
    out += Number(r.day) + "," + Number(r.osteo) + "," + Number(r.adipo) + "," +
           Number(r.uncommitted) + "," + Number(r.log2_ratio) + "," + Number(r.lo) + "," +
           Number(r.hi);
    if (!partners.empty()) {
      const PartnerSummaryRow& o = partners[k];
      out += ",";
      out += Number(o.alive) + "," + Number(o.fraction) + "," + Number(o.ci.lo) + "," +
             Number(o.ci.hi);
      if (fusion) {
        out += "," + Number(o.multinucleated) + "," + Number(o.multinucleated_ci.lo) + "," +
               Number(o.multinucleated_ci.hi);
      }
    }
    if (!infusion.empty()) {
      const InfusionSummaryRow& i = infusion[k];
      for (double v : {i.homed_fraction, i.homed_ci.lo, i.homed_ci.hi, i.osteo_per_infused,
                       i.osteo_ci.lo, i.osteo_ci.hi, i.opg_per_infused, i.opg_ci.lo, i.opg_ci.hi}) {
        out += ',';
        out += Number(v);
      }
    }
    out += '\n';
  }
  return out;
}

void PrintTable(const PopulationFlags& f, const std::vector<SummaryRow>& rows,
                const std::vector<PartnerSummaryRow>& partners = {}) {
  const bool oc = !partners.empty();
  std::printf(oc ? "%6s  %8s  %8s  %11s  %8s  %-14s" : "%6s  %8s  %8s  %11s  %8s  %s", "day",
              f.osteo_fate.c_str(), f.adipo_fate.c_str(), "uncommitted", "log2 R", "95% CI");
  if (oc) std::printf("  %8s  %8s  %s", "OCP", f.ocp_fate.c_str(), "95% CI");
  std::printf("\n");
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const SummaryRow& r = rows[k];
    char ci[64] = "-";
    if (!std::isnan(r.lo)) std::snprintf(ci, sizeof ci, "[%.2f, %.2f]", r.lo, r.hi);
    std::printf(
        oc ? "%6g  %8.3f  %8.3f  %11.3f  %8.2f  %-14s" : "%6g  %8.3f  %8.3f  %11.3f  %8.2f  %s",
        r.day, r.osteo, r.adipo, r.uncommitted, r.log2_ratio, ci);
    if (oc) {
      const PartnerSummaryRow& o = partners[k];
      char oc_ci[64] = "-";
      if (!std::isnan(o.ci.lo)) {
        std::snprintf(oc_ci, sizeof oc_ci, "[%.3f, %.3f]", o.ci.lo, o.ci.hi);
      }
      std::printf("  %8.1f  %8.3f  %s", o.alive, o.fraction, oc_ci);
    }
    std::printf("\n");
  }
}

// --infuse: the homed fraction, and the donor-derived readouts per infused
// cell at the last day.
void PrintInfusion(const PopulationFlags& f, const std::vector<double>& days,
                   const std::vector<InfusionSummaryRow>& rows, std::uint64_t replicates) {
  const InfusionSummaryRow& last = rows.back();
  char ci[96] = "";
  if (!std::isnan(last.homed_ci.lo)) {
    std::snprintf(ci, sizeof ci, " [95%% CI %.2f%%, %.2f%%]", 100 * last.homed_ci.lo,
                  100 * last.homed_ci.hi);
  }
  std::printf("homed fraction %.2f%%%s of %" PRIu64 " infused cells (mean over %" PRIu64
              " replicate%s)\n",
              100 * last.homed_fraction, ci, f.infuse, replicates, replicates == 1 ? "" : "s");
  std::printf("per infused cell at day %g: %s-committed donor-derived cells %.4g, donor-derived "
              "OPG flux %.4g molecules/h\n",
              days.back(), f.osteo_fate.c_str(), last.osteo_per_infused, last.opg_per_infused);
}

// True if `program` is an executable file on PATH.
bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string GnuplotQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Draws fractions (mean over replicates, bootstrap band) and log2 R (with
// its band) over days. The image is written under a temporary name and
// renamed into place, like every other output.
Status DrawPlot(const std::string& path, const std::string& title, const PopulationFlags& f,
                const std::vector<SummaryRow>& rows) {
  const bool svg = std::filesystem::path(path).extension() == ".svg";
  const std::string temp = path + ".tmp" + std::to_string(getpid());
  std::string script;
  script += svg ? "set terminal svg size 900,700 dynamic font 'sans,11'\n"
                : "set terminal pngcairo size 900,700 font 'sans,10'\n";
  script += "set output " + GnuplotQuote(temp) + "\n";
  script += "$d << EOD\n";
  for (const SummaryRow& r : rows) {
    script += Number(r.day) + " " + Number(r.osteo) + " " + Number(r.osteo_ci.lo) + " " +
              Number(r.osteo_ci.hi) + " " + Number(r.adipo) + " " + Number(r.adipo_ci.lo) + " " +
              Number(r.adipo_ci.hi) + " " + Number(r.uncommitted) + " " +
              Number(r.uncommitted_ci.lo) + " " + Number(r.uncommitted_ci.hi) + " " +
              Number(r.log2_ratio) + " " + Number(std::isnan(r.lo) ? r.log2_ratio : r.lo) + " " +
              Number(std::isnan(r.hi) ? r.log2_ratio : r.hi) + "\n";
  }
  script += "EOD\n";
  // A double-quoted gnuplot string, where \n breaks the line.
  std::string quoted_title = "\"";
  for (char c : title) {
    if (c == '\n') {
      quoted_title += "\\n";
    } else {
      if (c == '"' || c == '\\') quoted_title += '\\';
      quoted_title += c;
    }
  }
  quoted_title += '"';
  script += "set multiplot layout 2,1 title " + quoted_title + " font ',10'\n";
  // The same right margin in both panels keeps their day axes aligned.
  script += "set grid\nset key outside right\nset rmargin at screen 0.8\nset xlabel 'day'\n";
  script += "set ylabel 'fraction of live cells'\nset yrange [0:1]\n";
  script += "set style fill transparent solid 0.25 noborder\n";
  script += "plot $d using 1:3:4 with filledcurves lc rgb '#1f77b4' notitle, "
            "$d using 1:2 with linespoints lc rgb '#1f77b4' pt 7 ps 0.5 title " +
            GnuplotQuote(f.osteo_fate) +
            ", $d using 1:6:7 with filledcurves lc rgb '#d62728' notitle, "
            "$d using 1:5 with linespoints lc rgb '#d62728' pt 7 ps 0.5 title " +
            GnuplotQuote(f.adipo_fate) +
            ", $d using 1:9:10 with filledcurves lc rgb '#7f7f7f' notitle, "
            "$d using 1:8 with linespoints lc rgb '#7f7f7f' pt 7 ps 0.5 title 'uncommitted'\n";
  script += "set ylabel 'log2 (" + f.osteo_fate + "+0.5)/(" + f.adipo_fate +
            "+0.5)'\nset autoscale y\n";
  script += "plot $d using 1:12:13 with filledcurves lc rgb '#2ca02c' title '95% CI', "
            "$d using 1:11 with linespoints lc rgb '#2ca02c' pt 7 ps 0.5 title 'log2 R'\n";
  script += "unset multiplot\nset output\n";
  std::FILE* gp = popen("gnuplot", "w");
  if (gp == nullptr) return IOError(path + ": cannot start gnuplot");
  std::fwrite(script.data(), 1, script.size(), gp);
  const int rc = pclose(gp);
  std::error_code ec;
  if (rc != 0) {
    std::filesystem::remove(temp, ec);
    return IOError(path + ": gnuplot failed (exit " + std::to_string(rc) + ")");
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    return IOError(path + ": cannot write the plot: " + ec.message());
  }
  return Status::OK();
}


// --snapshot: marker levels of every live cell at chosen days, and their
// bimodality (BIOLOGY.md §3.9 item 3) pooled over replicates.

// The default markers; each entry lists accepted species names, the first
// the network has is used, and an entry the network lacks is skipped.
const std::vector<std::vector<std::string>> kDefaultMarkers = {
    {"RUNX2"}, {"PPARG"}, {"OSX", "OSX_act"}, {"NFATC1"}};

struct Marker {
  std::string name;
  std::size_t species;
};

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) parts.push_back(part);
  if (!text.empty() && text.back() == ',') parts.push_back("");
  return parts;
}

StatusOr<std::vector<double>> ParseSnapshotDays(const std::string& text, double days) {
  std::vector<double> out;
  for (const std::string& part : SplitCommas(text)) {
    char* end = nullptr;
    const double day = std::strtod(part.c_str(), &end);
    if (part.empty() || end != part.c_str() + part.size() || !(day >= 0 && day <= days)) {
      return InvalidArgumentError("--snapshot: expected days in [0, " + Number(days) +
                                  "] separated by commas, got '" + part + "'");
    }
    out.push_back(day);
  }
  return out;
}

StatusOr<std::vector<Marker>> ResolveMarkers(const std::string& list, const CompiledModel& model) {
  const std::vector<std::string>& names = model.species_names();
  auto find = [&names](const std::string& name) {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  };
  std::vector<Marker> markers;
  if (list.empty()) {
    for (const std::vector<std::string>& choices : kDefaultMarkers) {
      for (const std::string& name : choices) {
        if (find(name) < names.size()) {
          markers.push_back({name, find(name)});
          break;
        }
      }
    }
    if (markers.empty()) {
      return InvalidArgumentError("--snapshot: the network has none of the default markers "
                                  "RUNX2, PPARG, OSX, NFATC1; name species with --markers");
    }
    return markers;
  }
  for (const std::string& name : SplitCommas(list)) {
    if (find(name) >= names.size()) {
      return InvalidArgumentError("--markers: '" + name + "' is not a species of the network");
    }
    markers.push_back({name, find(name)});
  }
  return markers;
}

std::string FateLabel(const Cell& cell, const PopulationRules& rules) {
  if (cell.fate >= 0) return rules.fates[static_cast<std::size_t>(cell.fate)].name;
  return cell.senescent ? "senescent" : "uncommitted";
}

// One requested day: its CSV rows (all replicates) and the pooled log(x + 1)
// values per marker.
struct Snapshot {
  double requested_day = 0;
  double time = 0;  // model time units: the first sync time at or after the day
  std::string rows;
  std::vector<std::vector<double>> log_values;  // per marker
};

void TakeSnapshot(const Population& population, std::uint64_t replicate, double day,
                  double units_per_day, const std::vector<Marker>& markers,
                  const PopulationRules& rules, Snapshot* snapshot) {
  // Lattice: per site, -1 empty, else whether its cell carries a mosaic flag.
  const HexLattice& lattice = population.lattice();
  std::vector<signed char> occupant;
  for (const Cell& cell : population.cells()) {
    if (cell.site == kNoSite) continue;  // well mixed: no positions
    if (occupant.empty()) occupant.assign(lattice.num_sites(), -1);
    occupant[cell.site] = cell.mosaic != 0 ? 1 : 0;
  }
  for (const Cell& cell : population.cells()) {
    snapshot->rows += std::to_string(replicate);
    snapshot->rows += ',';
    snapshot->rows += Number(day);
    snapshot->rows += ',';
    snapshot->rows += std::to_string(cell.lineage);
    snapshot->rows += ',';
    snapshot->rows += FateLabel(cell, rules);
    snapshot->rows += ',';  // committed_day: empty if uncommitted
    if (cell.fate >= 0) snapshot->rows += Number(cell.committed_at / units_per_day);
    snapshot->rows += ',';
    snapshot->rows += std::to_string(cell.mosaic);
    snapshot->rows += ',';  // neighbours, neighbours_mosaic: empty when well mixed
    if (cell.site != kNoSite) {
      int neighbours = 0, mosaic_neighbours = 0;
      for (std::uint32_t site : lattice.Neighbours(cell.site)) {
        neighbours += occupant[site] >= 0;
        mosaic_neighbours += occupant[site] == 1;
      }
      snapshot->rows += std::to_string(neighbours) + ',' + std::to_string(mosaic_neighbours);
    } else {
      snapshot->rows += ',';
    }
    for (std::size_t m = 0; m < markers.size(); ++m) {
      const double count = cell.state.x[markers[m].species];
      snapshot->rows += ',';
      snapshot->rows += Number(count);
      snapshot->log_values[m].push_back(std::log1p(std::max(0.0, count)));
    }
    snapshot->rows += '\n';
  }
}

struct BimodalityRow {
  double day;
  std::string marker;
  BimodalityReport report;
};

std::vector<BimodalityRow> AnalyseSnapshots(const std::vector<Snapshot>& snapshots,
                                            const std::vector<Marker>& markers,
                                            double units_per_day) {
  const BimodalityOptions options;
  std::map<std::size_t, std::vector<double>> nulls;  // the dip's null, per sample size
  std::vector<BimodalityRow> rows;
  for (const Snapshot& s : snapshots) {
    for (std::size_t m = 0; m < markers.size(); ++m) {
      const std::vector<double>& values = s.log_values[m];
      const std::vector<double>* null = nullptr;
      if (values.size() >= 4) {
        auto [it, added] = nulls.try_emplace(values.size());
        if (added) {
          it->second = DipNullDistribution(values.size(), options.dip_null_samples,
                                           options.dip_null_seed);
        }
        null = &it->second;
      }
      rows.push_back({s.time / units_per_day, markers[m].name,
                      AnalyseBimodality(values, options, null)});
    }
  }
  return rows;
}

std::string BimodalityCsv(const std::string& provenance, const std::vector<BimodalityRow>& rows) {
  std::string out = provenance + "day,marker,n,bc,dip,dip_p,delta_bic,ashman_d,valley\n";
  for (const BimodalityRow& r : rows) {
    const BimodalityReport& b = r.report;
    out += Number(r.day) + "," + r.marker + "," + std::to_string(b.n) + "," +
           Number(b.bimodality_coefficient) + "," + Number(b.dip) + "," + Number(b.dip_p) + "," +
           Number(b.delta_bic) + "," + Number(b.ashman_d) + "," + Number(b.valley) + "\n";
  }
  return out;
}

void PrintBimodality(const std::vector<BimodalityRow>& rows) {
  std::printf("\nbimodality of log(count + 1), pooled over replicates (BC > 0.555, dip p, "
              "ΔBIC > 0 favours 2 components):\n");
  std::printf("%6s  %-8s  %6s  %6s  %7s  %6s  %9s  %6s  %16s  %s\n", "day", "marker", "n", "BC",
              "dip", "dip p", "ΔBIC", "D", "valley (count)", "components (count: weight)");
  for (const BimodalityRow& r : rows) {
    const BimodalityReport& b = r.report;
    char valley[48] = "-", parts[96] = "-";
    if (!std::isnan(b.valley)) {
      std::snprintf(valley, sizeof valley, "%.2f (%.0f)%s", b.valley, std::expm1(b.valley),
                    b.valley_is_interior ? "" : "*");
    }
    if (b.two.components.size() == 2) {
      std::snprintf(parts, sizeof parts, "%.0f: %.2f, %.0f: %.2f",
                    std::expm1(b.two.components[0].mean), b.two.components[0].weight,
                    std::expm1(b.two.components[1].mean), b.two.components[1].weight);
    }
    std::printf("%6g  %-8s  %6zu  %6.3f  %7.4f  %6.3f  %9.1f  %6.2f  %16s  %s\n", r.day,
                r.marker.c_str(), b.n, b.bimodality_coefficient, b.dip, b.dip_p, b.delta_bic,
                b.ashman_d, valley, parts);
  }
  std::printf("(* no density minimum between the two means: the mixture is unimodal)\n");
}

long PeakRssBytes() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss * 1024L;
}

}  // namespace

int RunPopulation(int argc, char** argv) {
  PopulationFlags f;
  FlagParser flags(
      "grnsim population NETWORK [options]",
      "Simulates a population of cells, each running NETWORK stochastically with its own\n"
      "random stream, committing to the fates the network declares (fate { ... }),\n"
      "dividing (Erlang cell cycle, contact inhibition on a hex lattice, binomial\n"
      "partitioning of molecules) and dying, over independent replicates. Prints mean fate\n"
      "fractions per day and log2 of R = (N_osteo+0.5)/(N_adipo+0.5) with a 95% percentile\n"
      "bootstrap interval over replicates. The same --seed gives the same numbers for any\n"
      "--threads.\n"
      "\n"
      "Co-culture (--coculture OCP_NETWORK, e.g. networks/osteoclast_population.textproto):\n"
      "osteoclast precursors run their own network beside the MSCs, seeded at random sites of\n"
      "a layer on top of the MSC lattice (they take no MSC site and never divide; adding them\n"
      "changes no MSC result). NETWORK's medium is the one medium: at every sync point each\n"
      "precursor's RANKL_med and OPG_med are the pools' totals (RANKL + RANKL_OPG, OPG +\n"
      "RANKL_OPG; module O computes the free RANKL itself) and its own RANKL_ADD and OPG_ADD\n"
      "are 0 (the pools' fresh values hold the recombinant proteins). Juxtacrine RANKL:\n"
      "RANKL_juxta = 0.01 pM per molecule/h × the summed J_RANKL_juxta of the MSCs on the\n"
      "six adjacent sites (BIOLOGY §2.6; well mixed: its expectation). A precursor network\n"
      "that declares WNT_contact also gets the mean WNT1 of the MSCs on those six sites (an\n"
      "empty site counts 0): module O's OPG-independent Wnt route (§6.4). Every --scenario\n"
      "applies to both networks wherever they have the name it sets or varies (RANKL_ADD,\n"
      "OPG_ADD, E2, k_tl, ...); its additions and mosaics go to NETWORK only. --cells 0\n"
      "runs the precursors alone in\n"
      "the fresh medium (its proteins decay, and are renewed at every medium change).\n"
      "DIR/summary.csv then adds ocp_alive, oc_fraction and its 95% interval, and\n"
      "DIR/replicates.csv the precursor counts.\n"
      "\n"
      "Infusion (--infuse N, BIOLOGY §3.6): N donor MSCs are seeded like any cell and each\n"
      "runs the network alone (no medium; coupled inputs read the cell's own species) for\n"
      "--preculture-hours (default 48, the homing window). Each then homes with probability\n"
      "p = the network's population { homing { probability: EXPR } } over its counts and\n"
      "parameters (e.g. CXCR4, SDF1; p outside [0, 1] is an error), one draw from its own\n"
      "stream. Homed cells join the lattice at random free sites at day 0, after the --cells\n"
      "residents (which may be 0), flagged donor-derived (daughters too); the rest are\n"
      "removed. Too few free sites is an error (exit 2). The residents' draws do not depend\n"
      "on the donors. Prints the homed fraction; DIR/replicates.csv adds infused, homed,\n"
      "homed_fraction, mean_homing_probability (the mean p), donor_cells, donor_osteo_per_infused (donor-derived cells of the\n"
      "--osteo-fate / N) and donor_opg_flux_per_infused (their summed J_OPG / N, molecules/h)\n"
      "per day; DIR/summary.csv their means with 95% intervals over replicates.");
  flags.AddStringList("scenario", "FILE", &f.scenarios,
                      "apply a scenario overlay (grnsim.v1.Scenario) on load; repeatable,\n"
                      "                          applied in the order given");
  flags.AddUint("cells", &f.cells, "cells seeded at day 0 (default 500)");
  flags.AddDouble("days", &f.days, "days to simulate, converted with the network's time unit (default 14)");
  flags.AddUint("replicates", &f.replicates, "independent replicates (default 20)");
  flags.AddUint("seed", &f.seed, "random seed (default: drawn and reported)", &f.seed_given);
  flags.AddUint("threads", &f.threads, "worker threads, cells in parallel (default: all cores)");
  flags.AddDouble("sync-hours", &f.sync_hours,
                  "synchronisation interval in hours: fates, couplings, division (default 0.25)");
  flags.AddString("mode", "M", &f.mode, "lattice (hex, periodic) | mixed (no space) (default lattice)");
  flags.AddString("method", "M", &f.method,
                  "auto | direct | nrm | tau | hybrid: the per-cell stepper (default auto,\n"
                  "                          exact; hybrid: exact SSA for genes, mRNAs, miRNAs and\n"
                  "                          complexes, tau-leaping for high-copy proteins)");
  flags.AddDouble("epsilon", &f.method_options.tau.epsilon,
                  "tau, hybrid: error control (default 0.03)");
  flags.AddString("output", "DIR", &f.output,
                  "write DIR/replicates.csv and DIR/summary.csv (created if missing), and\n"
                  "                          DIR/medium.csv (pool values per replicate and day)\n"
                  "                          if the network has a medium");
  flags.AddString("plot", "FILE", &f.plot, "draw fractions and log2 R over days (.svg or .png; gnuplot)");
  flags.AddString("osteo-fate", "NAME", &f.osteo_fate, "the numerator fate of R (default osteo)");
  flags.AddString("adipo-fate", "NAME", &f.adipo_fate, "the denominator fate of R (default adipo)");
  flags.AddString("snapshot", "DAY[,DAY...]", &f.snapshot,
                  "at each day (the first sync time at or after it) record the markers of\n"
                  "                          every live cell: DIR/snapshot_day<DAY>.csv, and their\n"
                  "                          bimodality pooled over replicates: DIR/bimodality.csv\n"
                  "                          and a printed table. Columns: replicate, day, lineage,\n"
                  "                          fate, committed_day, mosaic (bit k: the cell's seeded\n"
                  "                          ancestor got scenario mosaic entry k), neighbours and\n"
                  "                          neighbours_mosaic (occupied adjacent sites, and those\n"
                  "                          holding a mosaic cell; empty in --mode mixed), markers");
  flags.AddString("markers", "A,B,...", &f.markers,
                  "--snapshot species (default RUNX2,PPARG,OSX (or OSX_act),NFATC1, those\n"
                  "                          the network has)");
  flags.AddBool("quiet", &f.quiet, "no summary line or progress bar on stderr");
  flags.AddString(
      "coculture", "FILE", &f.coculture,
      "co-culture: osteoclast precursors running FILE's network (a quiescent\n"
      "                          population, e.g. networks/osteoclast_population.textproto)");
  flags.AddUint("ocp-cells", &f.ocp_cells, "--coculture: precursors plated (default 500)",
                &f.ocp_cells_given);
  flags.AddDouble("ocp-day", &f.ocp_day,
                  "--coculture: the day the precursors are plated onto the MSC layer\n"
                  "                          (default 0; before it there are none)");
  flags.AddString("ocp-fate", "NAME", &f.ocp_fate,
                  "--coculture: the precursors' fate reported as oc_fraction (default oc)");
  flags.AddUint("infuse", &f.infuse,
                "infusion: N donor MSCs, each pre-cultured alone, home with the network's\n"
                "                          population { homing { probability } } (BIOLOGY §3.6)",
                &f.infuse_given);
  flags.AddDouble("preculture-hours", &f.preculture_hours,
                  "--infuse: the donors' pre-culture, also the homing window (default 48)");
  flags.AddUint("parameter-sets", &f.parameter_sets,
                "split the replicate variance into intrinsic and extrinsic parts: replicate r\n"
                "                          draws its cells' heterogeneity factors (population {\n"
                "                          heterogeneity }) from parameter set r mod N, so the\n"
                "                          replicates of a set share them and differ in every\n"
                "                          other draw; prints the split (one-way random-effects\n"
                "                          ANOVA, F test, exact 95% interval) and writes\n"
                "                          DIR/variance.csv; summary intervals then resample sets.\n"
                "                          Needs --replicates = N × m, N >= 2, m >= 2",
                &f.parameter_sets_given);

  std::vector<std::string> files;
  bool help = false;
  Status status = flags.Parse(argc, argv, 2, &files, &help);
  if (help) {
    std::fputs(flags.Help().c_str(), stdout);
    return 0;
  }
  if (status.ok() && files.size() != 1) {
    status = InvalidArgumentError(files.empty() ? "population: no network file given (see --help)"
                                                : "population: expected one network file, got " +
                                                      std::to_string(files.size()));
  }
  if (status.ok()) status = CheckFlags(f);
  StatusOr<MethodKind> method = MethodKind::kDirect;
  if (status.ok() && f.method != "auto") {
    method = ParseMethod(f.method);
    status = method.status();
  }
  if (!status.ok()) {
    PrintError(status.message());
    return 2;
  }

  const auto wall_start = std::chrono::steady_clock::now();
  const bool coculture = !f.coculture.empty();
  StatusOr<LoadedPopulation> loaded = LoadedPopulation{};
  LoadedPopulation ocp;
  if (coculture) {
    if (Status s = LoadCoculture(files[0], f.coculture, f.scenarios, &*loaded, &ocp); !s.ok()) {
      loaded = s;
    }
  } else {
    loaded = Load(files[0], f.scenarios);
  }
  if (!loaded.ok()) {
    PrintError(loaded.status().message());
    return ExitCodeFor(loaded.status());
  }
  int oc_fate = -1;
  if (coculture) {
    oc_fate = ocp.rules->FateIndex(f.ocp_fate);
    if (oc_fate < 0) {
      PrintError(f.coculture + ": fate '" + f.ocp_fate +
                 "' is not declared; name the precursors' fate with --ocp-fate");
      return 2;
    }
  }
  const CompiledModel& model = *loaded->model;
  const PopulationRules& rules = *loaded->rules;
  const int osteo = rules.FateIndex(f.osteo_fate), adipo = rules.FateIndex(f.adipo_fate);
  if (osteo < 0 || adipo < 0 || osteo == adipo) {
    std::string declared;
    for (const FateRule& r : rules.fates) declared += (declared.empty() ? "" : ", ") + r.name;
    PrintError(files[0] + ": " +
               (osteo == adipo && osteo >= 0
                    ? "--osteo-fate and --adipo-fate name the same fate '" + f.osteo_fate + "'"
                    : "fate '" + (osteo < 0 ? f.osteo_fate : f.adipo_fate) +
                          "' is not declared (declared: " +
                          (declared.empty() ? "none" : declared) +
                          "); name the two fates of the ratio with --osteo-fate and --adipo-fate"));
    return 2;
  }
  if (f.parameter_sets_given && rules.heterogeneity.empty() &&
      (!coculture || ocp.rules->heterogeneity.empty())) {
    PrintError(files[0] + ": --parameter-sets needs parameters that vary between cells (population "
                          "{ heterogeneity { parameter: \"...\" cv: ... } }); the network has none");
    return 2;
  }
  if (f.infuse_given && !rules.has_homing) {
    PrintError(files[0] + ": --infuse needs the network's homing probability (population { "
                          "homing { probability: \"...\" } }, BIOLOGY.md §3.6)");
    return 2;
  }
  if (f.infuse_given && !loaded->has_opg_flux) {
    PrintError(files[0] + ": --infuse reports the donor-derived OPG flux '" + kOpgFlux +
               "' (module S), which the network does not define");
    return 2;
  }
  const std::uint64_t sites = static_cast<std::uint64_t>(rules.lattice_width) * rules.lattice_height;
  if (f.cells > sites || (coculture && f.ocp_cells > sites)) {
    PrintError((f.cells > sites ? "--cells " + std::to_string(f.cells)
                                : "--ocp-cells " + std::to_string(f.ocp_cells)) +
               " is more than the " + std::to_string(sites) + " lattice sites (" +
               std::to_string(rules.lattice_width) + "×" + std::to_string(rules.lattice_height) +
               ", one cell per site)");
    return 2;
  }

  std::vector<Snapshot> snapshots;
  std::vector<Marker> markers;
  const double units_per_day = 24.0 / rules.hours_per_time_unit;
  if (!f.snapshot.empty()) {
    StatusOr<std::vector<double>> snapshot_days = ParseSnapshotDays(f.snapshot, f.days);
    StatusOr<std::vector<Marker>> resolved = ResolveMarkers(f.markers, model);
    const Status bad = !snapshot_days.ok() ? snapshot_days.status() : resolved.status();
    if (!bad.ok()) {
      PrintError(files[0] + ": " + bad.message());
      return 2;
    }
    markers = std::move(*resolved);
    std::sort(snapshot_days->begin(), snapshot_days->end());
    // As options.sync_interval and the last output time are computed below.
    const double sync = f.sync_hours * (1.0 / rules.hours_per_time_unit);
    const double end = f.days * 24.0 * (1.0 / rules.hours_per_time_unit);
    for (double day : *snapshot_days) {
      // Population sync times are whole multiples of the interval; stopping
      // anywhere else would shorten an interval and change the run.
      Snapshot s;
      s.requested_day = day;
      s.time = std::min(end, std::ceil(day * units_per_day / sync - 1e-9) * sync);
      s.log_values.resize(markers.size());
      snapshots.push_back(std::move(s));
    }
  } else if (!f.markers.empty()) {
    PrintError("--markers needs --snapshot");
    return 2;
  }

  if (!f.seed_given) {
    std::random_device device;
    f.seed = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }
  PopulationOptions options;
  options.method = f.method == "auto" ? ChooseExactMethod(model) : *method;
  options.method_options = f.method_options;
  options.method_options.hybrid.roles = loaded->roles;
  options.initial_cells = f.cells;
  const double units_per_hour = 1.0 / rules.hours_per_time_unit;
  options.sync_interval = f.sync_hours * units_per_hour;
  options.mode = f.mode == "mixed" ? SpatialMode::kMixed : SpatialMode::kLattice;
  options.seed = f.seed;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  options.threads = f.threads == 0 ? cores : static_cast<unsigned>(f.threads);
  options.cancel = &g_interrupted;
  options.medium = loaded->medium;
  if (f.infuse_given) {
    options.infusion.donor_cells = f.infuse;
    options.infusion.preculture_time = f.preculture_hours * units_per_hour;
  }
  if (coculture) {
    options.partner = MakePartnerOptions(
        *loaded, ocp, f.method == "auto" ? ChooseExactMethod(*ocp.model) : *method,
        f.method_options, f.ocp_cells);
    options.partner.seed_time = f.ocp_day * units_per_day;
  }

  // Outputs are opened before the run, so an unwritable folder fails at once.
  std::unique_ptr<AtomicFile> replicates_file, summary_file, medium_file, bimodality_file,
      variance_file;
  std::vector<std::unique_ptr<AtomicFile>> snapshot_files;  // one per snapshot
  if (!f.output.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(f.output, ec);
    if (ec) {
      PrintError(f.output + ": cannot create the output folder: " + ec.message());
      return 1;
    }
    replicates_file = std::make_unique<AtomicFile>(f.output + "/replicates.csv");
    summary_file = std::make_unique<AtomicFile>(f.output + "/summary.csv");
    if (loaded->medium) medium_file = std::make_unique<AtomicFile>(f.output + "/medium.csv");
    if (f.parameter_sets_given) {
      variance_file = std::make_unique<AtomicFile>(f.output + "/variance.csv");
    }
    for (const AtomicFile* file : {replicates_file.get(), summary_file.get(), medium_file.get(),
                                   variance_file.get()}) {
      if (file != nullptr && !file->status().ok()) {
        PrintError(file->status().message());
        return 1;
      }
    }
    if (!snapshots.empty()) {
      bimodality_file = std::make_unique<AtomicFile>(f.output + "/bimodality.csv");
      for (const Snapshot& s : snapshots) {
        snapshot_files.push_back(std::make_unique<AtomicFile>(
            f.output + "/snapshot_day" + Number(s.requested_day) + ".csv"));
      }
      for (const auto& file : snapshot_files) {
        if (!file->status().ok()) {
          PrintError(file->status().message());
          return 1;
        }
      }
      if (!bimodality_file->status().ok()) {
        PrintError(bimodality_file->status().message());
        return 1;
      }
    }
  }

  const std::vector<double> days = OutputDays(f.days);
  std::vector<ReplicateCounts> results, partner_results;
  std::vector<ReplicateInfusion> infusions;
  std::string medium_rows;  // replicate,day,pool values (DIR/medium.csv)
  std::uint64_t events = 0, partner_events = 0;
  double cell_time = 0, partner_cell_time = 0;
  {
    ProgressBar bar("population", f.replicates * days.size(), !f.quiet);
    std::uint64_t done = 0;
    for (std::uint64_t r = 0; r < f.replicates && status.ok(); ++r) {
      options.replicate = r;
      if (f.parameter_sets_given) options.parameter_set = r % f.parameter_sets;
      auto population = Population::Create(loaded->model, loaded->rules, options);
      if (!population.ok()) {
        status = population.status();
        break;
      }
      ReplicateCounts counts, partner_counts;
      ReplicateInfusion infusion;
      infusion.infused = (*population)->infusion().infused;
      infusion.homed = (*population)->infusion().homed;
      infusion.probability_sum = (*population)->infusion().probability_sum;
      std::size_t next_snapshot = 0;
      for (double day : days) {
        const double t_day = day * 24.0 * units_per_hour;
        for (; next_snapshot < snapshots.size() && snapshots[next_snapshot].time <= t_day;
             ++next_snapshot) {
          Snapshot& s = snapshots[next_snapshot];
          status = (*population)->AdvanceTo(s.time);
          if (!status.ok()) break;
          TakeSnapshot(**population, r, s.time / units_per_day, units_per_day, markers, rules,
                       &s);
        }
        if (status.ok()) status = (*population)->AdvanceTo(t_day);
        if (!status.ok()) break;
        counts.push_back((*population)->Counts());
        if (coculture) partner_counts.push_back((*population)->PartnerCounts());
        if (f.infuse_given) RecordDonorCells(**population, *loaded, osteo, &infusion);
        if (const MediumPool* medium = (*population)->medium(); medium != nullptr) {
          medium_rows += std::to_string(r);
          medium_rows += ',';
          medium_rows += Number(day);
          for (double v : medium->values()) {
            medium_rows += ',';
            medium_rows += Number(v);
          }
          medium_rows += '\n';
        }
        bar.Update(++done);
      }
      events += (*population)->events();
      cell_time += (*population)->cell_time();
      partner_events += (*population)->partner_events();
      partner_cell_time += (*population)->partner_cell_time();
      results.push_back(std::move(counts));
      if (coculture) partner_results.push_back(std::move(partner_counts));
      if (f.infuse_given) infusions.push_back(std::move(infusion));
    }
  }
  if (!status.ok()) {
    if (status.code() == StatusCode::kCancelled) {
      PrintError("interrupted; nothing was written");
    } else {
      PrintError(files[0] + ": " + status.message());
    }
    return ExitCodeFor(status);
  }

  const std::uint64_t parameter_sets = f.parameter_sets_given ? f.parameter_sets : 0;
  const std::vector<SummaryRow> rows = Summarise(days, results, osteo, adipo, parameter_sets);
  const std::vector<PartnerSummaryRow> partner_rows =
      coculture ? SummarisePartners(days, partner_results, oc_fate,
                                    ocp.rules->fusion.fate >= 0, parameter_sets)
                : std::vector<PartnerSummaryRow>{};
  const std::vector<InfusionSummaryRow> infusion_rows =
      f.infuse_given ? SummariseInfusion(days, infusions, parameter_sets)
                     : std::vector<InfusionSummaryRow>{};
  StatusOr<std::vector<VarianceRow>> variance = std::vector<VarianceRow>{};
  if (parameter_sets > 0) {
    variance = SplitReplicateVariance(days, results, osteo, adipo,
                                      coculture ? &partner_results : nullptr, oc_fate,
                                      parameter_sets);
    if (!variance.ok()) {
      PrintError(variance.status().message());
      return 1;
    }
  }
  const std::vector<BimodalityRow> bimodality = AnalyseSnapshots(snapshots, markers, units_per_day);
  char settings[512];
  std::snprintf(settings, sizeof settings,
                "seed %" PRIu64 "; replicates %" PRIu64 "; cells %" PRIu64
                "; days %g; sync %g h; mode %s; method %s",
                f.seed, f.replicates, f.cells, f.days, f.sync_hours, f.mode.c_str(),
                MethodName(options.method));
  if (parameter_sets > 0) {
    std::snprintf(settings + std::strlen(settings), sizeof settings - std::strlen(settings),
                  "; parameter sets %" PRIu64, parameter_sets);
  }
  std::string scenarios;
  for (const std::string& s : f.scenarios) scenarios += (scenarios.empty() ? "" : " ") + s;
  if (scenarios.empty()) scenarios = "none";
  std::string coculture_text;
  if (coculture) {
    coculture_text = "; co-culture network " + f.coculture + " (fnv1a64 " + ocp.hash +
                     "); ocp cells " + std::to_string(f.ocp_cells) + " from day " + Number(f.ocp_day) +
                     "; ocp method " +
                     MethodName(options.partner.method);
  }
  std::string infusion_text;
  if (f.infuse_given) {
    infusion_text = "; infused " + std::to_string(f.infuse) + " donor cells, pre-culture " +
                    Number(f.preculture_hours) + " h, homing '" + rules.homing.text + "'";
  }
  const std::string provenance_text =
      "grnsim " + std::string(GRN_VERSION) + " population; network " + files[0] + " (fnv1a64 " +
      loaded->hash + "); scenarios " + scenarios + "; " + settings + coculture_text +
      infusion_text;
  const std::string provenance = "# " + provenance_text + "\n";
  const std::string plot_title = std::filesystem::path(files[0]).filename().string() +
                                 (f.scenarios.empty() ? "" : " + " + scenarios) + " (" +
                                 loaded->hash + ")\n" + settings;
  if (replicates_file) {
    replicates_file->Write(ReplicatesCsv(provenance, rules, days, results,
                                         coculture ? ocp.rules.get() : nullptr,
                                         coculture ? &partner_results : nullptr,
                                         f.infuse_given ? &infusions : nullptr));
    summary_file->Write(SummaryCsv(provenance, rows, partner_rows, infusion_rows));
    if (medium_file) {
      std::string header = provenance + "replicate,day";
      for (const MediumPoolSpec& pool : loaded->medium->pools) {
        header += ',';
        header += pool.name;
      }
      medium_file->Write(header + "\n" + medium_rows);
    }
    if (variance_file) variance_file->Write(VarianceCsv(provenance, *variance));
    std::vector<AtomicFile*> outputs = {replicates_file.get(), summary_file.get(),
                                        medium_file.get(), bimodality_file.get(),
                                        variance_file.get()};
    if (bimodality_file) {
      bimodality_file->Write(BimodalityCsv(provenance, bimodality));
      std::string header =
          provenance + "replicate,day,lineage,fate,committed_day,mosaic,neighbours,neighbours_mosaic";
      for (const Marker& m : markers) {
        header += ',';
        header += m.name;
      }
      header += '\n';
      for (std::size_t k = 0; k < snapshots.size(); ++k) {
        snapshot_files[k]->Write(header + snapshots[k].rows);
        outputs.push_back(snapshot_files[k].get());
      }
    }
    for (AtomicFile* file : outputs) {
      if (file == nullptr) continue;
      if (Status s = file->Commit(); !s.ok()) {
        PrintError(s.message());
        return 1;
      }
    }
  }
  PrintTable(f, rows, partner_rows);
  if (!infusion_rows.empty()) PrintInfusion(f, days, infusion_rows, f.replicates);
  if (!bimodality.empty()) PrintBimodality(bimodality);
  if (!variance->empty()) PrintVariance(*variance);
  std::fflush(stdout);

  if (!f.plot.empty()) {
    if (!OnPath("gnuplot")) {
      PrintError("gnuplot not found (Debian package gnuplot-nox): no plot drawn");
    } else if (Status s = DrawPlot(f.plot, plot_title, f, rows); !s.ok()) {
      PrintError(s.message());
      return 1;
    }
  }

  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (!f.quiet) {
    const double cell_hours = cell_time * rules.hours_per_time_unit;
    std::fprintf(stderr,
                 "grnsim: population, %" PRIu64 " replicate%s × %" PRIu64
                 " cells to day %g: %.3g cell-hours, %" PRIu64
                 " events (%.0f per cell-hour) in %.2f s (%.3g cell-hours/s, %u thread%s, peak "
                 "RSS %.0f MB); seed %" PRIu64 "%s\n",
                 f.replicates, f.replicates == 1 ? "" : "s", f.cells, f.days, cell_hours, events,
                 cell_hours > 0 ? static_cast<double>(events) / cell_hours : 0.0, wall,
                 wall > 0 ? cell_hours / wall : 0.0, options.threads,
                 options.threads == 1 ? "" : "s", static_cast<double>(PeakRssBytes()) / 1e6,
                 f.seed, f.seed_given ? "" : " (drawn; repeat with --seed)");
    if (coculture) {
      const double ocp_hours = partner_cell_time * ocp.rules->hours_per_time_unit;
      std::fprintf(stderr,
                   "grnsim: co-culture, %" PRIu64 " precursors: %.3g cell-hours, %" PRIu64
                   " events; MSC and precursors together %.3g cell-hours/s\n",
                   f.ocp_cells, ocp_hours, partner_events,
                   wall > 0 ? (cell_hours + ocp_hours) / wall : 0.0);
    }
    if (!f.output.empty()) {
      std::fprintf(stderr, "grnsim: wrote %s/replicates.csv%s and %s/summary.csv\n",
                   f.output.c_str(),
                   medium_file ? (", " + f.output + "/medium.csv").c_str() : "",
                   f.output.c_str());
      if (variance_file) std::fprintf(stderr, "grnsim: wrote %s/variance.csv\n", f.output.c_str());
      if (!snapshots.empty()) {
        std::fprintf(stderr, "grnsim: wrote %s/bimodality.csv and %zu snapshot_day*.csv\n",
                     f.output.c_str(), snapshots.size());
      }
    }
    if (!f.plot.empty() && OnPath("gnuplot")) {
      std::fprintf(stderr, "grnsim: plot in %s\n", f.plot.c_str());
    }
  }
  return 0;
}

}  // namespace grn::cli
