// engine/kinetics/expression.h
//
// General rate laws, conditions and assignments as text, compiled once into a
// flat postfix program and evaluated without allocation (a fixed stack on the
// C stack). Syntax (see proto/network.proto): numbers, names, `time`,
// + - * / ^, unary -, comparisons (1 true, 0 false), && || !, and
// exp log log10 sqrt abs floor ceil pow min max piecewise.
//
// Names are resolved by the caller at compile time into species counts,
// parameter values or inlined sub-programs (assignment rules), so the
// program never looks anything up by name.
#ifndef GRN_ENGINE_KINETICS_EXPRESSION_H_
#define GRN_ENGINE_KINETICS_EXPRESSION_H_

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/base/status.h"

namespace grn {

enum class OpCode : std::uint8_t {
  kConst, kSpecies, kParam, kTime,
  kAdd, kSub, kMul, kDiv, kPow, kNeg,
  kExp, kLog, kLog10, kSqrt, kAbs, kFloor, kCeil,
  kMin, kMax,
  kLt, kLe, kGt, kGe, kEq, kNe, kAnd, kOr, kNot,
  kSelect,  // stack ... value, condition, otherwise → condition != 0 ? value : otherwise
  // Fused "push operand, then combine with the top" forms, made by a peephole
  // pass: half the dispatches for typical rate laws (k * X * (X - 1) / 2).
  kAddConst, kSubConst, kMulConst, kDivConst,
  kAddSpecies, kSubSpecies, kMulSpecies, kDivSpecies,
  kMulParam,
  kPowInt,  // top ^ value, value a whole number in [-16, 16]: by multiplication
};

struct Instr {
  OpCode op;
  std::uint32_t index;  // species or parameter index
  double value;         // constant
};

// The deepest evaluation stack any program may need; deeper expressions are
// refused at compile time (no real rate law comes close).
inline constexpr int kMaxExpressionStack = 64;

struct ExpressionProgram {
  std::vector<Instr> code;
  std::vector<std::uint32_t> species;     // sorted, unique species read
  std::vector<std::uint32_t> parameters;  // sorted, unique parameters read
  bool reads_time = false;
};

// What a name in an expression stands for.
struct NameBinding {
  enum Kind { kUnknown, kSpecies, kParameter, kInline, kConstant } kind = kUnknown;
  std::uint32_t index = 0;              // kSpecies, kParameter
  const ExpressionProgram* inline_program = nullptr;  // kInline (a rule)
  double value = 0;                     // kConstant: a parameter nothing changes
};
using NameResolver = std::function<NameBinding(const std::string& name)>;

// Compiles `text`. Errors say what was expected and where ("column 7").
StatusOr<ExpressionProgram> CompileExpression(const std::string& text, const NameResolver& resolve);

// Every identifier the text mentions (excluding function names and `time`),
// for validation and tools; empty on a syntax error.
std::vector<std::string> ExpressionNames(const std::string& text);

// REQUIRES: the program compiled; x, p index every species/parameter it reads.
inline double EvaluateExpression(const Instr* code, std::uint32_t size, const double* x,
                                 const double* p, double t) {
  double stack[kMaxExpressionStack];
  int top = -1;
  for (std::uint32_t i = 0; i < size; ++i) {
    const Instr& in = code[i];
    switch (in.op) {
      case OpCode::kConst: stack[++top] = in.value; break;
      case OpCode::kSpecies: stack[++top] = x[in.index]; break;
      case OpCode::kParam: stack[++top] = p[in.index]; break;
      case OpCode::kTime: stack[++top] = t; break;
      case OpCode::kAdd: --top; stack[top] += stack[top + 1]; break;
      case OpCode::kSub: --top; stack[top] -= stack[top + 1]; break;
      case OpCode::kMul: --top; stack[top] *= stack[top + 1]; break;
      case OpCode::kDiv: --top; stack[top] /= stack[top + 1]; break;
      case OpCode::kPow: --top; stack[top] = std::pow(stack[top], stack[top + 1]); break;
      case OpCode::kNeg: stack[top] = -stack[top]; break;
      case OpCode::kExp: stack[top] = std::exp(stack[top]); break;
      case OpCode::kLog: stack[top] = std::log(stack[top]); break;
      case OpCode::kLog10: stack[top] = std::log10(stack[top]); break;
      case OpCode::kSqrt: stack[top] = std::sqrt(stack[top]); break;
      case OpCode::kAbs: stack[top] = std::fabs(stack[top]); break;
      case OpCode::kFloor: stack[top] = std::floor(stack[top]); break;
      case OpCode::kCeil: stack[top] = std::ceil(stack[top]); break;
      case OpCode::kMin: --top; stack[top] = std::fmin(stack[top], stack[top + 1]); break;
      case OpCode::kMax: --top; stack[top] = std::fmax(stack[top], stack[top + 1]); break;
      case OpCode::kLt: --top; stack[top] = stack[top] < stack[top + 1]; break;
      case OpCode::kLe: --top; stack[top] = stack[top] <= stack[top + 1]; break;
      case OpCode::kGt: --top; stack[top] = stack[top] > stack[top + 1]; break;
      case OpCode::kGe: --top; stack[top] = stack[top] >= stack[top + 1]; break;
      case OpCode::kEq: --top; stack[top] = stack[top] == stack[top + 1]; break;
      case OpCode::kNe: --top; stack[top] = stack[top] != stack[top + 1]; break;
      case OpCode::kAnd: --top; stack[top] = (stack[top] != 0) && (stack[top + 1] != 0); break;
      case OpCode::kOr: --top; stack[top] = (stack[top] != 0) || (stack[top + 1] != 0); break;
      case OpCode::kNot: stack[top] = stack[top] == 0; break;
      case OpCode::kSelect:
        top -= 2;
        stack[top] = stack[top + 1] != 0 ? stack[top] : stack[top + 2];
        break;
      case OpCode::kAddConst: stack[top] += in.value; break;
      case OpCode::kSubConst: stack[top] -= in.value; break;
      case OpCode::kMulConst: stack[top] *= in.value; break;
      case OpCode::kDivConst: stack[top] /= in.value; break;
      case OpCode::kAddSpecies: stack[top] += x[in.index]; break;
      case OpCode::kSubSpecies: stack[top] -= x[in.index]; break;
      case OpCode::kMulSpecies: stack[top] *= x[in.index]; break;
      case OpCode::kDivSpecies: stack[top] /= x[in.index]; break;
      case OpCode::kMulParam: stack[top] *= p[in.index]; break;
      case OpCode::kPowInt: {
        const double base = stack[top];
        const int n = static_cast<int>(in.value);
        double r = 1.0;
        for (int k = n < 0 ? -n : n; k > 0; --k) r *= base;
        stack[top] = n < 0 ? 1.0 / r : r;
        break;
      }
    }
  }
  return stack[0];
}

inline double EvaluateExpression(const ExpressionProgram& program, const double* x,
                                 const double* p, double t) {
  return EvaluateExpression(program.code.data(), static_cast<std::uint32_t>(program.code.size()),
                            x, p, t);
}

}  // namespace grn

#endif  // GRN_ENGINE_KINETICS_EXPRESSION_H_
