// engine/population/population.cc
#include "engine/population/population.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <string>

#include "engine/base/random_variates.h"
#include "engine/base/status_macros.h"
#include "engine/population/partition.h"
#include "engine/sim/make_stepper.h"

namespace grn {
namespace {

// Lineage 0 of a replicate's stream is the population's own (seeding); cells
// are numbered from 1.
constexpr std::uint64_t kPopulationStream = 0;
// The partner cells' root stream: an index no primary lineage reaches, so the
// primary cells' streams do not depend on whether there are partners.
constexpr std::uint64_t kPartnerStream = ~std::uint64_t{0};
// The infused donor cells' root stream, likewise apart from every other.
constexpr std::uint64_t kDonorStream = ~std::uint64_t{0} - 1;
// Fusion draws (primary and partner cells), apart from every cell's stream so
// that fusion changes no cell's dynamics.
constexpr std::uint64_t kFusionStream = ~std::uint64_t{0} - 2;
constexpr std::uint64_t kPartnerFusionStream = ~std::uint64_t{0} - 3;

// Samples n distinct sites of `num_sites` uniformly (a partial Fisher–Yates
// shuffle), in draw order.
std::vector<std::uint32_t> DrawSites(std::uint64_t n, std::uint32_t num_sites, Rng& rng) {
  std::vector<std::uint32_t> all(num_sites), sites(n);
  std::iota(all.begin(), all.end(), 0u);
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t left = all.size() - i;
    const auto pick = i + static_cast<std::uint64_t>(
                              (static_cast<unsigned __int128>(rng.NextU64()) * left) >> 64);
    std::swap(all[i], all[pick]);
    sites[i] = all[i];
  }
  return sites;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A seeded cell's extrinsic-noise draws come from this sub-stream of its own
// stream, so heterogeneity changes none of the cell's other draws.
constexpr std::uint64_t kExtrinsicStream = 1;
// Parameter sets (PopulationOptions::parameter_set) hang off the seed's
// stream at an index no replicate reaches: Rng(seed).Split(kParameterSetRoot)
// .Split(set), then per cell as its own stream is derived from the replicate's
// (Split(lineage); donors Split(kDonorStream).Split(k); partner cells
// Split(kPartnerStream).Split(lineage)).
constexpr std::uint64_t kParameterSetRoot = ~std::uint64_t{0};

// A seeded cell's mosaic draws (PopulationConfig.mosaic), likewise apart from
// every other draw, so a mosaic changes nothing but the flagged cells' settings.
constexpr std::uint64_t kMosaicStream = 2;

// One Bernoulli draw per mosaic entry, in order: bit k set with probability
// fraction_k. Uniform01 is in (0, 1], so `<=` makes 0 never and 1 always.
std::uint32_t DrawMosaicFlags(const Cell& cell, const PopulationRules& rules) {
  if (rules.mosaic.empty()) return 0;
  Rng draws = cell.rng.Split(kMosaicStream);
  std::uint32_t flags = 0;
  for (std::size_t k = 0; k < rules.mosaic.size(); ++k) {
    if (draws.Uniform01() <= rules.mosaic[k].fraction) flags |= std::uint32_t{1} << k;
  }
  return flags;
}

// Applies the settings of the mosaic entries flagged in cell.mosaic, in entry
// order (a later entry wins on a name both set), then refreshes the
// rule-defined species that may read them.
Status ApplyMosaicSettings(Cell& cell, const PopulationRules& rules, CellDriver& driver) {
  if (cell.mosaic == 0) return Status::OK();
  for (std::size_t k = 0; k < rules.mosaic.size(); ++k) {
    if ((cell.mosaic >> k & 1u) == 0) continue;
    for (const CellSetting& s : rules.mosaic[k].settings) {
      (s.species ? cell.state.x : cell.state.p)[s.index] = s.value;
    }
  }
  return driver.UpdateRules(cell.state);
}

// PopulationConfig.heterogeneity: multiplies each listed parameter of a
// freshly started cell by exp(σZ − σ²/2) (mean 1), drawn from `extrinsic`,
// then refreshes the rule-defined species that may read it.
Status DrawExtrinsicParameters(Cell& cell, const PopulationRules& rules, CellDriver& driver,
                               Rng extrinsic) {
  if (rules.heterogeneity.empty()) return Status::OK();
  for (const HeterogeneityRule& h : rules.heterogeneity) {
    cell.state.p[h.parameter] *= std::exp(h.sigma * NormalVariate(extrinsic) - 0.5 * h.sigma * h.sigma);
  }
  return driver.UpdateRules(cell.state);
}

}  // namespace

Population::Population(std::shared_ptr<const CompiledModel> model,
                       std::shared_ptr<const PopulationRules> rules,
                       const PopulationOptions& options)
    : model_(std::move(model)),
      rules_(std::move(rules)),
      options_(options),
      lattice_(rules_->lattice_width, rules_->lattice_height),
      replicate_rng_(Rng(options.seed).Split(options.replicate)),
      pool_(std::max(1u, options.threads)),
      partner_rng_(replicate_rng_.Split(kPartnerStream)),
      fusion_rng_(replicate_rng_.Split(kFusionStream)),
      partner_fusion_rng_(replicate_rng_.Split(kPartnerFusionStream)) {
  if (options.parameter_set) {
    parameter_set_rng_ = Rng(options.seed).Split(kParameterSetRoot).Split(*options.parameter_set);
  }
}

Rng Population::ExtrinsicStream(const Cell& cell, std::uint64_t kind) const {
  if (!parameter_set_rng_) return cell.rng.Split(kExtrinsicStream);
  const Rng root = kind == kPopulationStream ? *parameter_set_rng_ : parameter_set_rng_->Split(kind);
  return root.Split(cell.lineage);
}

StatusOr<std::unique_ptr<Population>> Population::Create(
    std::shared_ptr<const CompiledModel> model, std::shared_ptr<const PopulationRules> rules,
    const PopulationOptions& options) {
  if (options.method == MethodKind::kOde) {
    return InvalidArgumentError(
        "a population needs a stochastic method (exact or tau); ode cells would all be alike");
  }
  if (!(std::isfinite(options.sync_interval) && options.sync_interval > 0)) {
    return InvalidArgumentError("the sync interval must be > 0");
  }
  const std::uint64_t sites =
      static_cast<std::uint64_t>(rules->lattice_width) * rules->lattice_height;
  const PartnerOptions& partner = options.partner;
  const bool partners = partner.model != nullptr;
  const bool donors = options.infusion.donor_cells > 0;
  if (options.initial_cells > sites || (options.initial_cells < 1 && !partners && !donors)) {
    return InvalidArgumentError("the population needs 1 to " + std::to_string(sites) +
                                " cells (the lattice has " + std::to_string(sites) +
                                " sites, one cell each); got " +
                                std::to_string(options.initial_cells));
  }
  // The rules must come from the network `model` was compiled from.
  for (const CouplingRule& c : rules->couplings) {
    if (c.parameter >= model->parameter_names().size() || c.species >= model->num_species()) {
      return InternalError("coupling of '" + c.parameter_name + "' is out of range");
    }
  }
  if (rules->copy_at_division.size() != model->num_species()) {
    return InternalError("population rules do not match the model");
  }
  const bool fusion = rules->fusion.fate >= 0 || (partners && partner.rules != nullptr &&
                                                    partner.rules->fusion.fate >= 0);
  if (fusion && options.mode != SpatialMode::kLattice) {
    return InvalidArgumentError(
        "fusion (population { fusion }) needs the lattice: fused cells are neighbours on it");
  }
  if (donors) {
    if (!rules->has_homing) {
      return InvalidArgumentError(
          "infusion: the network declares no homing probability (population { homing { "
          "probability: \"...\" } }, BIOLOGY.md §3.6)");
    }
    const double preculture = options.infusion.preculture_time;
    if (!(std::isfinite(preculture) && preculture >= 0)) {
      return InvalidArgumentError("infusion: the donor pre-culture time must be finite and >= 0");
    }
  }
  if (options.medium != nullptr) {
    for (const MediumPoolSpec& pool : options.medium->pools) {
      for (std::uint32_t parameter : pool.feeds) {
        if (parameter >= model->parameter_names().size()) {
          return InternalError("medium pool '" + pool.name + "' feeds a parameter out of range");
        }
      }
    }
  }
  if (partners) {
    if (partner.rules == nullptr ||
        partner.rules->copy_at_division.size() != partner.model->num_species()) {
      return InternalError("co-culture: the partner rules do not match the partner model");
    }
    if (partner.method == MethodKind::kOde) {
      return InvalidArgumentError("co-culture: the partner cells need a stochastic method");
    }
    if (partner.initial_cells < 1 || partner.initial_cells > sites) {
      return InvalidArgumentError("co-culture: 1 to " + std::to_string(sites) +
                                  " partner cells (one per site of their layer); got " +
                                  std::to_string(partner.initial_cells));
    }
    if (!(partner.seed_time >= 0.0 && std::isfinite(partner.seed_time))) {
      return InvalidArgumentError("co-culture: the partner cells' seeding time must be finite "
                                  "and >= 0");
    }
    if (partner.rules->divides) {
      return InvalidArgumentError(
          "co-culture: the partner cells must not divide (population { quiescent: true })");
    }
    if (!partner.rules->couplings.empty()) {
      return InvalidArgumentError("co-culture: the partner network may not declare couplings");
    }
    const std::size_t partner_parameters = partner.model->parameter_names().size();
    for (const PartnerPoolFeed& feed : partner.pool_feeds) {
      if (feed.parameter >= partner_parameters) {
        return InternalError("co-culture: a pool feed's parameter is out of range");
      }
      for (std::uint32_t pool : feed.pools) {
        if (options.medium == nullptr || pool >= options.medium->pools.size()) {
          return InvalidArgumentError(
              "co-culture: the partner cells read medium pools the network does not have");
        }
      }
    }
    for (const PartnerContactFeed& feed : partner.contact_feeds) {
      if (feed.parameter >= partner_parameters) {
        return InternalError("co-culture: a contact feed's parameter is out of range");
      }
    }
  }
  std::unique_ptr<Population> population(new Population(model, rules, options));
  MethodOptions method_options = options.method_options;
  method_options.cancel = options.cancel;
  for (unsigned w = 0; w < population->pool_.size(); ++w) {
    GRN_ASSIGN_OR_RETURN(std::unique_ptr<Stepper> stepper,
                         MakeStepper(options.method, model, method_options));
    population->steppers_.push_back(std::move(stepper));
    population->drivers_.emplace_back(*model, /*whole_counts=*/true);
  }
  if (partners) {
    MethodOptions partner_method_options = partner.method_options;
    partner_method_options.cancel = options.cancel;
    for (unsigned w = 0; w < population->pool_.size(); ++w) {
      GRN_ASSIGN_OR_RETURN(std::unique_ptr<Stepper> stepper,
                           MakeStepper(partner.method, partner.model, partner_method_options));
      population->partner_steppers_.push_back(std::move(stepper));
      population->partner_drivers_.emplace_back(*partner.model, /*whole_counts=*/true);
    }
  }
  GRN_RETURN_IF_ERROR(population->Seed());
  return population;
}

Status Population::Seed() {
  const std::uint64_t n = options_.initial_cells;
  Rng seeding = replicate_rng_.Split(kPopulationStream);
  std::vector<std::uint32_t> sites(n, kNoSite);
  if (options_.mode == SpatialMode::kLattice) sites = DrawSites(n, lattice_.num_sites(), seeding);
  cells_.resize(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    Cell& cell = cells_[i];
    cell.lineage = next_lineage_++;
    cell.rng = replicate_rng_.Split(cell.lineage);
    cell.site = sites[i];
    cell.senescent = cell.rng.Uniform01() < rules_->senescent_fraction;
    cell.cycle.BeginAnywhere(cell.rng, rules_->cycle_shape);
    cell.holding_since.assign(rules_->fates.size(), kNaN);
    cell.mosaic = DrawMosaicFlags(cell, *rules_);
  }
  cell_status_.assign(n, Status::OK());
  pool_.ParallelFor(n, [this](unsigned w, std::size_t i) {
    Cell& cell = cells_[i];
    cell_status_[i] = drivers_[w].Start(cell.state, *steppers_[w], cell.rng);
    if (cell_status_[i].ok()) cell_status_[i] = ApplyMosaicSettings(cell, *rules_, drivers_[w]);
    if (cell_status_[i].ok()) {
      cell_status_[i] = DrawExtrinsicParameters(cell, *rules_, drivers_[w],
                                                ExtrinsicStream(cell, kPopulationStream));
    }
  });
  for (std::size_t i = 0; i < n; ++i) {
    if (!cell_status_[i].ok()) {
      return Status(cell_status_[i].code(), "cell " + std::to_string(cells_[i].lineage) +
                                                ": " + cell_status_[i].message());
    }
  }
  if (options_.infusion.donor_cells > 0) GRN_RETURN_IF_ERROR(Infuse());
  RebuildSiteMap();
  UpdateCouplings();
  if (options_.medium != nullptr && !options_.medium->pools.empty()) {
    // The well's volume follows the primary cells at t = 0 (resident and
    // homed), so partners change no primary concentration; partners alone
    // get the volume of their number, and an infusion nobody survived that of
    // the infused cells.
    std::uint64_t well_cells = cells_.size();
    if (well_cells == 0) {
      well_cells = options_.partner.model != nullptr ? options_.partner.initial_cells
                                                     : options_.infusion.donor_cells;
    }
    GRN_ASSIGN_OR_RETURN(medium_,
                         MediumPool::Create(options_.medium, static_cast<double>(well_cells),
                                            options_.medium_options));
    FeedCellsAndSumRates();
  }
  for (Cell& cell : cells_) CheckFates(cell, *rules_);
  if (options_.partner.model != nullptr && options_.partner.seed_time <= 0.0) {
    GRN_RETURN_IF_ERROR(SeedPartners());
  }
  return Status::OK();
}

Status Population::Infuse() {
  const std::uint64_t n = options_.infusion.donor_cells;
  const Rng donor_root = replicate_rng_.Split(kDonorStream);
  std::vector<Cell> donors(n);
  for (std::uint64_t k = 0; k < n; ++k) {
    Cell& donor = donors[k];
    donor.lineage = k + 1;  // the donor's number until it homes
    donor.rng = donor_root.Split(donor.lineage);
    donor.donor = true;
    donor.senescent = donor.rng.Uniform01() < rules_->senescent_fraction;
    donor.cycle.BeginAnywhere(donor.rng, rules_->cycle_shape);
    donor.holding_since.assign(rules_->fates.size(), kNaN);
  }
  std::vector<Status> status(n, Status::OK());
  std::vector<double> probability(n, 0.0);
  pool_.ParallelFor(n, [&](unsigned w, std::size_t k) {
    Cell& donor = donors[k];
    Status s = drivers_[w].Start(donor.state, *steppers_[w], donor.rng);
    if (s.ok()) {
      s = DrawExtrinsicParameters(donor, *rules_, drivers_[w], ExtrinsicStream(donor, kDonorStream));
    }
    if (s.ok()) s = PrecultureDonor(donor, w);
    if (s.ok()) {
      probability[k] = EvaluateExpression(rules_->homing.probability, donor.state.x.data(),
                                          donor.state.p.data(), donor.state.t);
    }
    status[k] = std::move(s);
  });
  const std::string replicate = " of replicate " + std::to_string(options_.replicate);
  std::vector<std::size_t> homed;
  for (std::size_t k = 0; k < n; ++k) {
    if (!status[k].ok()) {
      if (status[k].code() == StatusCode::kCancelled) return status[k];
      return Status(status[k].code(), "infused donor cell " + std::to_string(k + 1) + replicate +
                                          ": " + status[k].message());
    }
    const double p = probability[k];
    if (!(p >= 0.0 && p <= 1.0)) {
      return InvalidArgumentError(
          "population homing probability '" + rules_->homing.text + "' evaluates to " +
          std::to_string(p) + " for infused donor cell " + std::to_string(k + 1) + replicate +
          " after its pre-culture; a probability must be in [0, 1]");
    }
    infusion_.probability_sum += p;
    if (donors[k].rng.Uniform01() < p) homed.push_back(k);
  }
  infusion_.infused = n;
  infusion_.homed = homed.size();

  // Homed cells take random free sites (at most one cell per site in either mode).
  const std::uint64_t sites = lattice_.num_sites();
  const std::uint64_t free_sites = sites - cells_.size();
  if (homed.size() > free_sites) {
    return InvalidArgumentError(
        "infusion: " + std::to_string(homed.size()) + " of " + std::to_string(n) +
        " infused cells homed" + replicate + ", but only " + std::to_string(free_sites) +
        " of the " + std::to_string(sites) + " lattice sites are free (" +
        std::to_string(cells_.size()) + " resident cells); infuse fewer cells or seed fewer");
  }
  std::vector<std::uint32_t> sites_taken(homed.size(), kNoSite);
  if (options_.mode == SpatialMode::kLattice) {
    std::vector<char> occupied(sites, 0);
    for (const Cell& cell : cells_) occupied[cell.site] = 1;
    std::vector<std::uint32_t> free;
    for (std::uint32_t site = 0; site < sites; ++site) {
      if (!occupied[site]) free.push_back(site);
    }
    Rng seeding = donor_root.Split(0);
    const std::vector<std::uint32_t> picks =
        DrawSites(homed.size(), static_cast<std::uint32_t>(free.size()), seeding);
    for (std::size_t i = 0; i < homed.size(); ++i) sites_taken[i] = free[picks[i]];
  }
  for (std::size_t i = 0; i < homed.size(); ++i) {
    Cell& cell = donors[homed[i]];
    // The recipient's run starts now: the donor's clock restarts at 0 (the
    // events at time 0 fired when its pre-culture started).
    cell.state.t = 0.0;
    cell.lineage = next_lineage_++;
    cell.site = sites_taken[i];
    cells_.push_back(std::move(cell));
  }
  return Status::OK();
}

Status Population::PrecultureDonor(Cell& donor, unsigned worker) {
  const double dt = options_.sync_interval, end = options_.infusion.preculture_time;
  while (donor.state.t < end) {
    // No neighbours: contacts are like the cell itself.
    for (const CouplingRule& c : rules_->couplings) {
      donor.state.p[c.parameter] = donor.state.x[c.species];
    }
    double t_next = (std::floor(donor.state.t / dt + 1e-9) + 1.0) * dt;
    if (t_next > end - 1e-9 * dt) t_next = end;
    GRN_RETURN_IF_ERROR(drivers_[worker].AdvanceTo(t_next, donor.state, *steppers_[worker], donor.rng));
  }
  return Status::OK();
}

Status Population::SeedPartners() {
  const PartnerOptions& partner = options_.partner;
  const std::uint64_t n = partner.initial_cells;
  Rng seeding = partner_rng_.Split(0);
  partners_seeded_ = true;
  std::vector<std::uint32_t> sites(n, kNoSite);
  if (options_.mode == SpatialMode::kLattice) sites = DrawSites(n, lattice_.num_sites(), seeding);
  partner_cells_.resize(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    Cell& cell = partner_cells_[i];
    cell.lineage = i + 1;
    cell.birth_time = time_;
    cell.rng = partner_rng_.Split(cell.lineage);
    cell.site = sites[i];
    cell.senescent = cell.rng.Uniform01() < partner.rules->senescent_fraction;
    cell.holding_since.assign(partner.rules->fates.size(), kNaN);
  }
  partner_status_.assign(n, Status::OK());
  pool_.ParallelFor(n, [this](unsigned w, std::size_t i) {
    Cell& cell = partner_cells_[i];
    partner_status_[i] = partner_drivers_[w].Start(cell.state, *partner_steppers_[w], cell.rng);
    // Plated later (seed_time): the network starts from its initial state at
    // the plating time; timed events keep the dish's clock from there on.
    cell.state.t = time_;
    if (partner_status_[i].ok()) {
      partner_status_[i] = DrawExtrinsicParameters(cell, *options_.partner.rules, partner_drivers_[w],
                                                   ExtrinsicStream(cell, kPartnerStream));
    }
  });
  for (std::size_t i = 0; i < n; ++i) {
    if (!partner_status_[i].ok()) {
      return Status(partner_status_[i].code(), "co-culture cell " +
                                                   std::to_string(partner_cells_[i].lineage) +
                                                   ": " + partner_status_[i].message());
    }
  }
  FeedPartners();
  for (Cell& cell : partner_cells_) CheckFates(cell, *partner.rules);
  return Status::OK();
}

void Population::FeedPartners() {
  const PartnerOptions& partner = options_.partner;
  for (const PartnerPoolFeed& feed : partner.pool_feeds) {
    double value = 0.0;
    for (std::uint32_t pool : feed.pools) value += medium_->values()[pool];
    for (Cell& cell : partner_cells_) cell.state.p[feed.parameter] = value;
  }
  for (const PartnerContactFeed& feed : partner.contact_feeds) {
    contact_source_.resize(cells_.size());
    double total = 0.0;
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      const State& s = cells_[i].state;
      contact_source_[i] = EvaluateExpression(feed.source, s.x.data(), s.p.data(), s.t);
      total += contact_source_[i];
    }
    if (options_.mode == SpatialMode::kMixed) {
      // Six sites around a partner at a random position hold, in expectation,
      // 6/sites of every primary cell.
      const double value =
          feed.scale * HexLattice::kNeighbours * total / static_cast<double>(lattice_.num_sites());
      for (Cell& cell : partner_cells_) cell.state.p[feed.parameter] = value;
      continue;
    }
    for (Cell& cell : partner_cells_) {
      double sum = 0.0;
      for (std::uint32_t site : lattice_.Neighbours(cell.site)) {
        if (const std::uint32_t other = site_cell_[site]; other != kNoSite) {
          sum += contact_source_[other];
        }
      }
      cell.state.p[feed.parameter] = feed.scale * sum;
    }
  }
}

Status Population::AdvancePartners(double t_next) {
  const std::size_t n = partner_cells_.size();
  const PopulationRules& rules = *options_.partner.rules;
  partner_status_.assign(n, Status::OK());
  pool_.ParallelFor(n, [this, t_next, &rules](unsigned w, std::size_t i) {
    Cell& cell = partner_cells_[i];
    Status s = partner_drivers_[w].AdvanceTo(t_next, cell.state, *partner_steppers_[w], cell.rng);
    if (s.ok()) {
      const int before = cell.fate;
      CheckFates(cell, rules);
      if (cell.fate != before) s = partner_drivers_[w].UpdateRules(cell.state);
    }
    partner_status_[i] = std::move(s);
  });
  for (std::size_t i = 0; i < n; ++i) {
    if (!partner_status_[i].ok()) {
      if (partner_status_[i].code() == StatusCode::kCancelled) return partner_status_[i];
      return Status(partner_status_[i].code(),
                    "co-culture cell " + std::to_string(partner_cells_[i].lineage) +
                        " of replicate " + std::to_string(options_.replicate) + ": " +
                        partner_status_[i].message());
    }
  }
  return Status::OK();
}

void Population::UpdatePartnerDeaths(double dt) {
  const PopulationRules& rules = *options_.partner.rules;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < partner_cells_.size(); ++i) {
    Cell& cell = partner_cells_[i];
    double death_rate = rules.death_rate;
    if (cell.fate >= 0) death_rate *= rules.fates[cell.fate].death_rate_factor;
    if (death_rate > 0 && cell.rng.Uniform01() < -std::expm1(-death_rate * dt)) {
      ++partner_deaths_;
      continue;
    }
    if (kept != i) partner_cells_[kept] = std::move(cell);
    ++kept;
  }
  partner_cells_.resize(kept);
}

Status Population::AdvanceTo(double t_end) {
  const double dt = options_.sync_interval;
  while (time_ < t_end) {
    if (options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed)) {
      return CancelledError("interrupted");
    }
    // Sync times are whole multiples of the interval, so they never drift.
    double t_next = (std::floor(time_ / dt + 1e-9) + 1.0) * dt;
    if (t_next > t_end - 1e-9 * dt) t_next = t_end;
    GRN_RETURN_IF_ERROR(Step(t_next));
  }
  return Status::OK();
}

Status Population::Step(double t_next) {
  const double dt = t_next - time_;
  GRN_RETURN_IF_ERROR(AdvanceCells(t_next));
  cell_time_ += static_cast<double>(cells_.size()) * dt;
  const bool partners = options_.partner.model != nullptr;
  if (partners) {
    GRN_RETURN_IF_ERROR(AdvancePartners(t_next));
    partner_cell_time_ += static_cast<double>(partner_cells_.size()) * dt;
  }
  if (medium_) GRN_RETURN_IF_ERROR(AdvanceMedium(t_next));
  time_ = t_next;
  UpdateDeathsAndDivisions(dt);
  if (partners) UpdatePartnerDeaths(dt);
  if (rules_->fusion.fate >= 0) Fuse(cells_, *rules_, dt, fusion_rng_);
  if (partners && options_.partner.rules->fusion.fate >= 0) {
    Fuse(partner_cells_, *options_.partner.rules, dt, partner_fusion_rng_);
  }
  RebuildSiteMap();
  UpdateCouplings();
  if (medium_) FeedCellsAndSumRates();
  if (partners && partners_seeded_) {
    FeedPartners();
  } else if (partners && time_ >= options_.partner.seed_time) {
    GRN_RETURN_IF_ERROR(SeedPartners());
  }
  return Status::OK();
}

void Population::FeedCellsAndSumRates() {
  medium_secretion_start_.assign(medium_->size(), 0.0);
  medium_uptake_start_.assign(medium_->size(), 0.0);
  for (Cell& cell : cells_) {
    medium_->Feed(cell.state);
    medium_->AddCell(cell.state, medium_secretion_start_, medium_uptake_start_);
  }
}

Status Population::AdvanceMedium(double t_next) {
  // The cells have advanced with the medium fixed; their rates now, with
  // those at the start, give the trapezoidal mean over the interval. Summed
  // serially in lineage order: the same bytes for any thread count.
  medium_secretion_.assign(medium_->size(), 0.0);
  medium_uptake_.assign(medium_->size(), 0.0);
  for (const Cell& cell : cells_) {
    medium_->AddCell(cell.state, medium_secretion_, medium_uptake_);
  }
  for (std::size_t k = 0; k < medium_->size(); ++k) {
    medium_secretion_[k] = 0.5 * (medium_secretion_[k] + medium_secretion_start_[k]);
    medium_uptake_[k] = 0.5 * (medium_uptake_[k] + medium_uptake_start_[k]);
  }
  Status s = medium_->Advance(t_next, medium_secretion_, medium_uptake_);
  if (!s.ok()) {
    return Status(s.code(), "replicate " + std::to_string(options_.replicate) + ": " + s.message());
  }
  return Status::OK();
}

Status Population::AdvanceCells(double t_next) {
  const std::size_t n = cells_.size();
  cell_status_.assign(n, Status::OK());
  pool_.ParallelFor(n, [this, t_next](unsigned w, std::size_t i) {
    Cell& cell = cells_[i];
    Status s = drivers_[w].AdvanceTo(t_next, cell.state, *steppers_[w], cell.rng);
    if (s.ok()) {
      const int before = cell.fate;
      CheckFates(cell, *rules_);
      // on_commit may have set a species that a rule reads.
      if (cell.fate != before) s = drivers_[w].UpdateRules(cell.state);
    }
    cell_status_[i] = std::move(s);
  });
  // The first failing cell in lineage order, whichever thread saw it.
  for (std::size_t i = 0; i < n; ++i) {
    if (!cell_status_[i].ok()) {
      if (cell_status_[i].code() == StatusCode::kCancelled) return cell_status_[i];
      return Status(cell_status_[i].code(), "cell " + std::to_string(cells_[i].lineage) +
                                                " of replicate " +
                                                std::to_string(options_.replicate) + ": " +
                                                cell_status_[i].message());
    }
  }
  return Status::OK();
}

void Population::CheckFates(Cell& cell, const PopulationRules& rules) {
  if (cell.fate >= 0 || cell.senescent) return;
  const double t = cell.state.t;
  int best = -1;
  double best_end = std::numeric_limits<double>::infinity();
  for (std::size_t f = 0; f < rules.fates.size(); ++f) {
    const FateRule& fate = rules.fates[f];
    double& since = cell.holding_since[f];
    if (EvaluateExpression(fate.condition, cell.state.x.data(), cell.state.p.data(), t) == 0.0) {
      since = kNaN;
      continue;
    }
    if (std::isnan(since)) since = t;
    // A relative tolerance: since + dwell and t are sums of sync intervals.
    const double end = since + fate.dwell;
    if (t >= end - 1e-9 * std::max(1.0, std::fabs(end)) && end < best_end) {
      best = static_cast<int>(f);
      best_end = end;
    }
  }
  if (best < 0) return;
  const FateRule& fate = rules.fates[best];
  cell.fate = best;
  cell.committed_at = t;
  cell.divisions_left = fate.max_divisions;
  for (const CellSetting& s : fate.on_commit) {
    (s.species ? cell.state.x : cell.state.p)[s.index] = s.value;
  }
}

double Population::NeighbourCount(const Cell& cell) const {
  if (options_.mode == SpatialMode::kMixed) {
    // The expected number of occupied sites around a cell placed at random.
    const double others = static_cast<double>(live_count_) - 1.0;
    return HexLattice::kNeighbours * std::max(0.0, others) /
           static_cast<double>(lattice_.num_sites() - 1);
  }
  int occupied = 0;
  for (std::uint32_t site : lattice_.Neighbours(cell.site)) occupied += site_cell_[site] != kNoSite;
  return occupied;
}

double Population::CycleRate(const Cell& cell) const {
  double cycle_time = rules_->cycle_time;
  if (cell.fate >= 0) cycle_time *= rules_->fates[cell.fate].cycle_time_factor;
  const double inhibition =
      std::max(0.0, 1.0 - NeighbourCount(cell) / static_cast<double>(rules_->max_neighbours));
  return static_cast<double>(rules_->cycle_shape) / cycle_time * inhibition;
}

void Population::UpdateDeathsAndDivisions(double dt) {
  const std::size_t n = cells_.size();
  // Each division appends two cells: no reallocation below, so references
  // into cells_ stay valid.
  cells_.reserve(3 * n + 2);
  removed_.assign(n, 0);
  live_count_ = n;
  for (std::size_t i = 0; i < n; ++i) {
    Cell& cell = cells_[i];
    double death_rate = rules_->death_rate;
    if (cell.fate >= 0) death_rate *= rules_->fates[cell.fate].death_rate_factor;
    if (death_rate > 0 && cell.rng.Uniform01() < -std::expm1(-death_rate * dt)) {
      removed_[i] = 1;
      ++deaths_;
      --live_count_;
      if (cell.site != kNoSite) site_cell_[cell.site] = kNoSite;
      continue;
    }
    if (!rules_->divides || cell.senescent || (cell.fate >= 0 && cell.divisions_left == 0)) {
      continue;
    }
    double overshoot = 0.0;
    if (!cell.cycle.Advance(dt, CycleRate(cell), rules_->cycle_shape, cell.rng, &overshoot)) {
      continue;
    }
    const bool room = options_.mode == SpatialMode::kMixed
                          ? live_count_ < lattice_.num_sites()
                          : NeighbourCount(cell) < HexLattice::kNeighbours;
    if (room) {
      Divide(i, overshoot);
    } else {
      cell.cycle.Hold();
    }
  }
  // Survivors keep their lineage order and the daughters (new, larger ids)
  // follow in the order they were made.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    if (i < n && removed_[i]) continue;
    if (kept != i) cells_[kept] = std::move(cells_[i]);
    ++kept;
  }
  cells_.resize(kept);
}

void Population::Divide(std::size_t mother_index, double overshoot) {
  Cell& mother = cells_[mother_index];
  std::uint32_t free_site = kNoSite;
  if (options_.mode == SpatialMode::kLattice) {
    std::uint32_t free[HexLattice::kNeighbours];
    int num_free = 0;
    for (std::uint32_t site : lattice_.Neighbours(mother.site)) {
      if (site_cell_[site] == kNoSite) free[num_free++] = site;
    }
    const auto pick = static_cast<int>(
        (static_cast<unsigned __int128>(mother.rng.NextU64()) * static_cast<unsigned>(num_free)) >>
        64);
    free_site = free[pick];
  }
  Cell daughters[2];
  for (Cell& d : daughters) {
    d.state.t = mother.state.t;
    d.state.x.resize(mother.state.x.size());
    d.state.p = mother.state.p;
  }
  PartitionAtDivision(mother.state.x, rules_->copy_at_division, mother.rng, daughters[0].state.x,
                      daughters[1].state.x);
  for (int k = 0; k < 2; ++k) {
    Cell& d = daughters[k];
    d.lineage = next_lineage_++;
    d.parent = mother.lineage;
    d.rng = replicate_rng_.Split(d.lineage);
    d.site = options_.mode == SpatialMode::kMixed ? kNoSite : (k == 0 ? mother.site : free_site);
    d.fate = mother.fate;
    d.donor = mother.donor;
    d.mosaic = mother.mosaic;
    d.committed_at = mother.committed_at;
    d.divisions_left = mother.divisions_left > 0 ? mother.divisions_left - 1 : mother.divisions_left;
    d.holding_since = mother.holding_since;
    d.birth_time = time_;
    d.senescent = d.fate < 0 && d.rng.Uniform01() < rules_->senescence_per_division;
    d.cycle.Begin(d.rng, overshoot);
  }
  removed_[mother_index] = 1;
  ++divisions_;
  ++live_count_;
  // `mother` is not used past this point: the appends below may not move it
  // (capacity was reserved), but its slot is about to be dropped.
  for (Cell& d : daughters) {
    if (d.site != kNoSite) site_cell_[d.site] = static_cast<std::uint32_t>(cells_.size());
    cells_.push_back(std::move(d));
  }
}

void Population::RebuildSiteMap() {
  if (options_.mode != SpatialMode::kLattice) return;
  site_cell_.assign(lattice_.num_sites(), kNoSite);
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    site_cell_[cells_[i].site] = static_cast<std::uint32_t>(i);
  }
}

void Population::UpdateCouplings() {
  const auto& couplings = rules_->couplings;
  if (couplings.empty()) return;
  if (options_.mode == SpatialMode::kMixed) {
    // Every other cell is a contact. Over sites: (sum over the others) /
    // (sites − 1), the lattice value's expectation for random positions.
    const double others = static_cast<double>(cells_.size()) - 1.0;
    const double other_sites = static_cast<double>(lattice_.num_sites() - 1);
    for (const CouplingRule& c : couplings) {
      double total = 0.0;
      for (const Cell& cell : cells_) total += cell.state.x[c.species];
      const double divisor = c.over_sites ? other_sites : others;
      for (Cell& cell : cells_) {
        cell.state.p[c.parameter] =
            divisor > 0 ? (total - cell.state.x[c.species]) / divisor : 0.0;
      }
    }
    return;
  }
  for (Cell& cell : cells_) {
    const auto neighbours = lattice_.Neighbours(cell.site);
    for (const CouplingRule& c : couplings) {
      double sum = 0.0;
      int contacts = 0;
      for (std::uint32_t site : neighbours) {
        const std::uint32_t other = site_cell_[site];
        if (other != kNoSite) {
          sum += cells_[other].state.x[c.species];
          ++contacts;
        }
      }
      const int divisor = c.over_sites ? HexLattice::kNeighbours : contacts;
      cell.state.p[c.parameter] = divisor > 0 ? sum / divisor : 0.0;
    }
  }
}

PopulationCounts Population::Counts() const {
  PopulationCounts counts = CountCells(cells_, *rules_, time_);
  counts.divisions = divisions_;
  counts.deaths = deaths_;
  return counts;
}

PopulationCounts Population::PartnerCounts() const {
  if (options_.partner.model == nullptr) return PopulationCounts{time_, 0, {}, 0, 0, 0, 0};
  PopulationCounts counts = CountCells(partner_cells_, *options_.partner.rules, time_);
  counts.deaths = partner_deaths_;
  return counts;
}

PopulationCounts Population::CountCells(const std::vector<Cell>& cells,
                                        const PopulationRules& rules, double time) {
  PopulationCounts counts;
  counts.time = time;
  counts.alive = cells.size();
  counts.per_fate.assign(rules.fates.size(), 0);
  std::map<std::uint64_t, std::uint64_t> nuclei;  // fused cell -> live nuclei
  for (const Cell& cell : cells) {
    if (cell.fate >= 0) {
      ++counts.per_fate[cell.fate];
    } else if (cell.senescent) {
      ++counts.senescent;
    } else {
      ++counts.uncommitted;
    }
    if (cell.fused_into != 0) ++nuclei[cell.fused_into];
  }
  for (const auto& [fused, n] : nuclei) {
    if (n >= rules.fusion.min_nuclei) {
      ++counts.multinucleated;
      counts.multinucleated_nuclei += n;
    }
  }
  return counts;
}

void Population::Fuse(std::vector<Cell>& cells, const PopulationRules& rules, double dt,
                      Rng& stream) {
  const FusionRule& fusion = rules.fusion;
  const double p = -std::expm1(-fusion.rate * dt);
  if (!(p > 0)) return;
  std::vector<std::uint32_t> at(lattice_.num_sites(), kNoSite);
  for (std::size_t i = 0; i < cells.size(); ++i) at[cells[i].site] = static_cast<std::uint32_t>(i);
  auto committed = [&](std::uint32_t i) { return i != kNoSite && cells[i].fate == fusion.fate; };
  auto group = [&](std::uint32_t i) {
    return cells[i].fused_into != 0 ? cells[i].fused_into : cells[i].lineage;
  };
  std::vector<std::uint32_t> contact;
  for (std::uint32_t i = 0; i < cells.size(); ++i) {
    if (!committed(i)) continue;
    for (std::uint32_t site : lattice_.Neighbours(cells[i].site)) {
      const std::uint32_t j = at[site];
      // Each pair once (j after i in lineage order), not already one cell.
      if (j == kNoSite || j <= i || !committed(j) || group(i) == group(j)) continue;
      contact = {i, j};
      for (std::uint32_t k : {i, j}) {
        for (std::uint32_t s : lattice_.Neighbours(cells[k].site)) {
          if (committed(at[s]) && std::find(contact.begin(), contact.end(), at[s]) == contact.end()) {
            contact.push_back(at[s]);
          }
        }
      }
      if (contact.size() < fusion.min_contact || !(stream.Uniform01() < p)) continue;
      // One cell now: every nucleus of the later group joins the earlier one.
      const std::uint64_t keep = std::min(group(i), group(j)), gone = std::max(group(i), group(j));
      for (Cell& c : cells) {
        if (c.fate == fusion.fate && (c.lineage == gone || c.fused_into == gone ||
                                      c.lineage == keep)) {
          c.fused_into = keep;
        }
      }
    }
  }
}

std::uint64_t Population::events() const {
  std::uint64_t events = 0;
  for (const auto& stepper : steppers_) events += stepper->stats().events;
  return events;
}

std::uint64_t Population::partner_events() const {
  std::uint64_t events = 0;
  for (const auto& stepper : partner_steppers_) events += stepper->stats().events;
  return events;
}

}  // namespace grn
