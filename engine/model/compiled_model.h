// engine/model/compiled_model.h
//
// CompiledModel: the immutable, flat form of a validated network that every
// stepper reads. Built once by Compile(); shared read-only as
// std::shared_ptr<const CompiledModel>. Nothing here refers to protobuf.
//
// Invariants (established by Compile):
//  * species and reactions are dense indices 0..n-1 in file order;
//  * kinetics(r).c >= 0 and finite; every Hill K > 0, n > 0;
//  * stoichiometry rows hold only non-zero net changes of non-constant species;
//  * dependents(r) is sorted, unique and contains r: the reactions whose
//    propensity can change when r fires (they read a species r changes).
#ifndef GRN_ENGINE_MODEL_COMPILED_MODEL_H_
#define GRN_ENGINE_MODEL_COMPILED_MODEL_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/base/csr.h"
#include "engine/base/status.h"
#include "engine/kinetics/expression.h"
#include "engine/kinetics/rate_factor.h"

namespace grnsim::v1 {
class Network;
}

namespace grn {

// Counts are doubles; they are exact, and so is every ±1 change, below 2^53.
inline constexpr double kMaxExactCount = 9007199254740992.0;  // 2^53

struct ReactionKinetics {
  // The fast path, for mass action of order <= 2 without modifiers (!slow),
  // over a working copy of the counts with one extra slot holding 1.0 at
  // index num_species (see ExactStepper):
  //   a = c · x[fast_s0] · (x[fast_s1] − fast_offset)
  // An unused slot points at the 1.0; a homodimer has fast_s0 == fast_s1 and
  // fast_offset 1, giving c·x(x−1). No branch per shape, six loads.
  double c;                // stochastic constant with 1/Π m_i! folded in
  double fast_offset;
  SpeciesIndex fast_s0, fast_s1;
  bool slow;               // modifiers, order > 2 or an expression: the general path
  MassActionKind shape;    // kExpression: the law is program code (see below)
  SpeciesIndex s0, s1;     // reactant species of the closed-form shapes
  double c_deterministic;  // the same law for mean counts: c · Π x^m / m!
  std::uint32_t reactant_begin, reactant_end;  // into reactant_species/order
  std::uint32_t factor_begin, factor_end;      // into factors
  // kExpression: the stochastic and the deterministic law, into program_code().
  // A structured law whose constants are parameters that events change is
  // compiled to code too, so the current parameter values are read.
  std::uint32_t program_begin, program_end;
  std::uint32_t det_program_begin, det_program_end;
};

// A range of CompiledModel::program_code().
struct ProgramRange {
  std::uint32_t begin = 0, end = 0;
};

struct CompiledEvent {
  std::string name;
  bool timed = false;         // at_time, else a condition
  double at_time = 0.0;
  double period = 0.0;        // timed: > 0 fires again every `period`, 0 once
  ProgramRange condition;     // !timed
  bool true_before_start = false;
  struct Assignment {
    bool species = true;      // else a parameter
    std::uint32_t index = 0;
    ProgramRange value;
  };
  std::vector<Assignment> assignments;
};

// A species whose count is defined by an expression at all times.
struct SpeciesRule {
  SpeciesIndex species;
  ProgramRange program;
};

class CompiledModel {
 public:
  std::size_t num_species() const { return species_names_.size(); }
  std::size_t num_reactions() const { return reaction_names_.size(); }

  const std::string& name() const { return name_; }
  const std::string& time_unit() const { return time_unit_; }
  const std::vector<std::string>& species_names() const { return species_names_; }
  const std::vector<std::string>& reaction_names() const { return reaction_names_; }
  const std::vector<double>& initial_counts() const { return initial_counts_; }
  const std::vector<std::string>& parameter_names() const { return parameter_names_; }
  // Parameter values at time 0 (after initial assignments); events may change
  // them during a run (State::p).
  const std::vector<double>& initial_parameters() const { return initial_parameters_; }

  // All compiled expression code; ranges index into it.
  const std::vector<Instr>& program_code() const { return program_code_; }
  double Evaluate(ProgramRange r, const double* x, const double* p, double t) const {
    return EvaluateExpression(program_code_.data() + r.begin, r.end - r.begin, x, p, t);
  }
  const std::vector<CompiledEvent>& events() const { return events_; }
  bool has_condition_events() const { return has_condition_events_; }
  // Condition events whose condition reads a species that reaction r changes.
  std::span<const std::uint32_t> events_to_check(ReactionIndex r) const {
    return event_checks_.row(r);
  }
  const std::vector<SpeciesRule>& species_rules() const { return species_rules_; }
  // True if some propensity reads `time` (exact methods refuse such models).
  bool propensity_reads_time() const { return propensity_reads_time_; }

  const ReactionKinetics& kinetics(ReactionIndex r) const { return kinetics_[r]; }
  const ReactionKinetics* kinetics_data() const { return kinetics_.data(); }
  const std::vector<SpeciesIndex>& reactant_species() const { return reactant_species_; }
  const std::vector<std::uint32_t>& reactant_order() const { return reactant_order_; }
  const std::vector<RateFactor>& factors() const { return factors_; }

  // Net change of the state when r fires: x[species[i]] += delta[i].
  std::uint32_t stoich_begin(ReactionIndex r) const { return stoich_begin_[r]; }
  std::uint32_t stoich_end(ReactionIndex r) const { return stoich_begin_[r + 1]; }
  const SpeciesIndex* stoich_species() const { return stoich_species_.data(); }
  const double* stoich_delta() const { return stoich_delta_.data(); }

  // The flattened reaction → reaction lists are built only when they are
  // small (at most kMaxFlatDependencies entries in all): on fceri_gamma2 they
  // would hold 64 million. Without them, the reactions to update after r
  // fires are r and readers(s) for each species s that r changes.
  bool has_flat_dependencies() const { return flat_dependencies_; }
  // REQUIRES: has_flat_dependencies().
  std::span<const std::uint32_t> dependents(ReactionIndex r) const {
    return dependents_.row(r);
  }
  const CsrIndex& dependency_index() const { return dependents_; }
  // Species → the reactions whose propensity reads it (sorted, unique).
  std::span<const std::uint32_t> readers(SpeciesIndex s) const { return readers_.row(s); }
  const CsrIndex& reader_index() const { return readers_; }


  // Applies reaction r to x. Returns false if a count reached 2^53, where
  // counts stop being exact, or went negative (the caller reports it).
  bool Apply(ReactionIndex r, double* x) const;

 private:
  friend StatusOr<CompiledModel> Compile(const grnsim::v1::Network& network);
  friend struct StoichView;

  std::string name_;
  std::string time_unit_;
  std::vector<std::string> species_names_;
  std::vector<std::string> reaction_names_;
  std::vector<double> initial_counts_;
  std::vector<std::string> parameter_names_;
  std::vector<double> initial_parameters_;
  std::vector<Instr> program_code_;
  std::vector<CompiledEvent> events_;
  bool has_condition_events_ = false;
  CsrIndex event_checks_;
  std::vector<SpeciesRule> species_rules_;
  bool propensity_reads_time_ = false;
  std::vector<ReactionKinetics> kinetics_;
  std::vector<SpeciesIndex> reactant_species_;
  std::vector<std::uint32_t> reactant_order_;
  std::vector<RateFactor> factors_;
  std::vector<std::uint32_t> stoich_begin_{0};
  std::vector<SpeciesIndex> stoich_species_;
  std::vector<double> stoich_delta_;
  CsrIndex dependents_;
  bool flat_dependencies_ = false;
  CsrIndex readers_;
};

// The largest flattened dependency index Compile builds (entries; 4 bytes
// each). egfr_net needs 0.6 million, BCR 9.3 million, fceri_gamma2 64 million.
inline constexpr std::size_t kMaxFlatDependencies = std::size_t{1} << 22;

// Raw pointers to the stoichiometry rows, hoisted out of hot loops.
struct StoichView {
  const std::uint32_t* begin;
  const SpeciesIndex* species;
  const double* delta;

  explicit StoichView(const CompiledModel& m)
      : begin(&m.stoich_begin_[0]), species(m.stoich_species()), delta(m.stoich_delta()) {}

  // x[species] += delta over row r. Returns false if a count reached 2^53 or
  // went below zero (mass-action propensities vanish first; an expression
  // might not).
  bool Apply(ReactionIndex r, double* x) const {
    double highest = 0.0, lowest = 0.0;
    for (std::uint32_t i = begin[r], end = begin[r + 1]; i < end; ++i) {
      const double v = x[species[i]] + delta[i];
      x[species[i]] = v;
      highest = std::max(highest, v);
      lowest = std::min(lowest, v);
    }
    // Below 2^53 every count and its successor are exact doubles; at 2^53 a
    // +1 would round back silently, so reaching it is already an error. A
    // negative count can only come from a propensity expression that stays
    // positive without its reactants.
    return highest < kMaxExactCount && lowest >= 0.0;
  }
};

inline bool CompiledModel::Apply(ReactionIndex r, double* x) const {
  return StoichView(*this).Apply(r, x);
}

// Validates `network` (see validate.h) and compiles it. Errors list every
// problem found, one per line.
StatusOr<CompiledModel> Compile(const grnsim::v1::Network& network);

}  // namespace grn

#endif  // GRN_ENGINE_MODEL_COMPILED_MODEL_H_
