// tests/fuzz/expression_fuzz.cc
//
// libFuzzer target: the rate-law expression compiler. Compiles the input with
// species X, Y, Z, parameters k, K, a constant c and an inlined rule R (= X + 1)
// in scope, then evaluates what compiles at a few states, including zeros and
// huge counts. Checks the compiler's promise that a compiled program never
// needs more than kMaxExpressionStack stack slots (ASan sees an overflow of
// the evaluator's fixed stack), and that ExpressionNames never fails where
// CompileExpression succeeds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/kinetics/expression.h"

namespace {

grn::NameBinding Resolve(const std::string& name) {
  static const grn::ExpressionProgram rule = [] {
    auto p = grn::CompileExpression("X + 1", [](const std::string& n) {
      grn::NameBinding b;
      if (n == "X") {
        b.kind = grn::NameBinding::kSpecies;
        b.index = 0;
      }
      return b;
    });
    if (!p.ok()) std::abort();
    return *p;
  }();
  grn::NameBinding b;
  if (name == "X" || name == "Y" || name == "Z") {
    b.kind = grn::NameBinding::kSpecies;
    b.index = static_cast<std::uint32_t>(name[0] - 'X');
  } else if (name == "k" || name == "K") {
    b.kind = grn::NameBinding::kParameter;
    b.index = name == "k" ? 0 : 1;
  } else if (name == "c") {
    b.kind = grn::NameBinding::kConstant;
    b.value = 2.5;
  } else if (name == "R") {
    b.kind = grn::NameBinding::kInline;
    b.inline_program = &rule;
  }
  return b;
}

// KNOWN BUG (engine/kinetics/expression.cc:151, reported): the expression
// parser recurses once per nesting level with no depth limit, so about 1000
// nested '(' (fewer frames fit under ASan) overflow the stack. Until it has a
// limit, inputs that nest that deeply are skipped so fuzzing can find other
// problems; tests/bad_inputs keeps the crashing case (disabled). Remove then.
bool NestsTooDeeply(const std::uint8_t* data, std::size_t size) {
  std::size_t open = 0, power = 0, unary = 0;
  for (std::size_t i = 0; i < size; ++i) {
    open += data[i] == '(';
    power += data[i] == '^';
    unary += data[i] == '-' || data[i] == '!' || data[i] == '+';
  }
  return open > 200 || power > 200 || unary > 2000;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096 || NestsTooDeeply(data, size)) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  grn::StatusOr<grn::ExpressionProgram> program = grn::CompileExpression(text, Resolve);
  const std::vector<std::string> names = grn::ExpressionNames(text);
  if (!program.ok()) return 0;
  static const double states[][3] = {{0, 0, 0}, {1, 2, 3}, {1e15, 7, 0}, {9007199254740991, 1, 1}};
  static const double params[][2] = {{0, 1}, {0.5, 1e-300}, {1e300, -1}};
  double sink = 0;
  for (const auto& x : states) {
    for (const auto& p : params) {
      sink += grn::EvaluateExpression(*program, x, p, 3.0);
    }
  }
  // Keep the evaluations from being optimised away.
  volatile double keep = sink;
  (void)keep;
  return 0;
}
