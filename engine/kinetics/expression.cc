// engine/kinetics/expression.cc
//
// A recursive-descent parser that emits postfix code as it goes. Precedence,
// loosest first: ||, &&, comparisons, + -, * /, unary - + !, ^ (right
// associative, binds tighter than unary minus on its left: -x^2 = -(x^2)).
#include "engine/kinetics/expression.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace grn {
namespace {

struct Token {
  enum Kind { kEnd, kNumber, kName, kOp } kind = kEnd;
  std::string text;
  double number = 0;
  std::size_t column = 0;  // 1-based
};

class Parser {
 public:
  Parser(const std::string& text, const NameResolver* resolve) : text_(text), resolve_(resolve) {}

  Status Parse(ExpressionProgram& out) {
    out_ = &out;
    Status s = Next();
    if (s.ok()) s = Or();
    if (s.ok() && token_.kind != Token::kEnd) s = Error("expected an operator or the end");
    return s;
  }

  std::vector<std::string> names;  // identifiers seen (not functions, not time)

 private:
  Status Error(const std::string& what) const {
    const std::string found =
        token_.kind == Token::kEnd ? "the end" : "'" + token_.text + "'";
    return InvalidArgumentError("expression '" + Shown() + "': " + what + ", found " + found +
                                " at column " + std::to_string(token_.column));
  }

  Status Next() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    token_ = Token{};
    token_.column = pos_ + 1;
    if (pos_ >= text_.size()) return Status::OK();
    const char c = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      const char* begin = text_.c_str() + pos_;
      char* end = nullptr;
      token_.number = std::strtod(begin, &end);
      if (end == begin) {
        token_.kind = Token::kOp;
        token_.text = std::string(1, c);
        return Error("expected a number");
      }
      token_.kind = Token::kNumber;
      token_.text.assign(begin, static_cast<std::size_t>(end - begin));
      pos_ += static_cast<std::size_t>(end - begin);
      if (!std::isfinite(token_.number)) return Error("expected a finite number");
      return Status::OK();
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const std::size_t start = pos_;
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
        ++pos_;
      }
      token_.kind = Token::kName;
      token_.text = text_.substr(start, pos_ - start);
      return Status::OK();
    }
    static const char* kTwoChar[] = {"<=", ">=", "==", "!=", "&&", "||"};
    for (const char* op : kTwoChar) {
      if (text_.compare(pos_, 2, op) == 0) {
        token_.kind = Token::kOp;
        token_.text = op;
        pos_ += 2;
        return Status::OK();
      }
    }
    if (std::string("+-*/^(),<>!").find(c) != std::string::npos) {
      token_.kind = Token::kOp;
      token_.text = std::string(1, c);
      ++pos_;
      return Status::OK();
    }
    token_.kind = Token::kOp;
    token_.text = std::string(1, c);
    return Error("unexpected character");
  }

  bool IsOp(const char* op) const { return token_.kind == Token::kOp && token_.text == op; }
  void Emit(OpCode op, std::uint32_t index = 0, double value = 0) {
    out_->code.push_back({op, index, value});
  }

  // Parses a left-associative chain of `ops` over `operand`.
  template <class Operand>
  Status Chain(std::initializer_list<std::pair<const char*, OpCode>> ops, Operand operand) {
    Status s = (this->*operand)();
    while (s.ok()) {
      const std::pair<const char*, OpCode>* hit = nullptr;
      for (const auto& op : ops)
        if (IsOp(op.first)) hit = &op;
      if (hit == nullptr) break;
      if (!(s = Next()).ok() || !(s = (this->*operand)()).ok()) break;
      Emit(hit->second);
    }
    return s;
  }

  Status Or() { return Chain({{"||", OpCode::kOr}}, &Parser::And); }
  Status And() { return Chain({{"&&", OpCode::kAnd}}, &Parser::Comparison); }
  Status Comparison() {
    return Chain({{"<", OpCode::kLt}, {"<=", OpCode::kLe}, {">", OpCode::kGt},
                  {">=", OpCode::kGe}, {"==", OpCode::kEq}, {"!=", OpCode::kNe}},
                 &Parser::Sum);
  }
  Status Sum() { return Chain({{"+", OpCode::kAdd}, {"-", OpCode::kSub}}, &Parser::Term); }
  Status Term() { return Chain({{"*", OpCode::kMul}, {"/", OpCode::kDiv}}, &Parser::Unary); }

  Status Unary() {
    // Every nesting level (parenthesis, unary operator, power, call) passes
    // through here; bound the recursion so no input can overflow the stack.
    if (++depth_ > kMaxNesting) {
      return Error("expected at most " + std::to_string(kMaxNesting) + " levels of nesting");
    }
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{depth_};
    Status s;
    if (IsOp("-") || IsOp("!")) {
      const OpCode op = IsOp("-") ? OpCode::kNeg : OpCode::kNot;
      if (!(s = Next()).ok() || !(s = Unary()).ok()) return s;
      Emit(op);
      return s;
    }
    if (IsOp("+")) {
      if (!(s = Next()).ok()) return s;
      return Unary();
    }
    return Power();
  }

  Status Power() {
    Status s = Primary();
    if (s.ok() && IsOp("^")) {
      if (!(s = Next()).ok() || !(s = Unary()).ok()) return s;  // right associative
      Emit(OpCode::kPow);
    }
    return s;
  }

  Status Primary() {
    Status s;
    if (token_.kind == Token::kNumber) {
      Emit(OpCode::kConst, 0, token_.number);
      return Next();
    }
    if (IsOp("(")) {
      if (!(s = Next()).ok() || !(s = Or()).ok()) return s;
      if (!IsOp(")")) return Error("expected ')'");
      return Next();
    }
    if (token_.kind != Token::kName) return Error("expected a number, a name or '('");
    const std::string name = token_.text;
    if (!(s = Next()).ok()) return s;
    if (IsOp("(")) return Call(name);
    if (name == "time") {
      Emit(OpCode::kTime);
      out_->reads_time = true;
      return Status::OK();
    }
    names.push_back(name);
    if (resolve_ == nullptr) {
      Emit(OpCode::kConst, 0, 0.0);
      return Status::OK();
    }
    const NameBinding b = (*resolve_)(name);
    switch (b.kind) {
      case NameBinding::kSpecies:
        Emit(OpCode::kSpecies, b.index);
        out_->species.push_back(b.index);
        return Status::OK();
      case NameBinding::kParameter:
        Emit(OpCode::kParam, b.index);
        out_->parameters.push_back(b.index);
        return Status::OK();
      case NameBinding::kConstant:
        Emit(OpCode::kConst, 0, b.value);
        return Status::OK();
      case NameBinding::kInline: {
        const ExpressionProgram& sub = *b.inline_program;
        out_->code.insert(out_->code.end(), sub.code.begin(), sub.code.end());
        out_->species.insert(out_->species.end(), sub.species.begin(), sub.species.end());
        out_->parameters.insert(out_->parameters.end(), sub.parameters.begin(), sub.parameters.end());
        out_->reads_time |= sub.reads_time;
        return Status::OK();
      }
      case NameBinding::kUnknown:
        break;
    }
    return InvalidArgumentError("expression '" + Shown() + "': unknown name '" + name + "'");
  }

  Status Call(const std::string& name) {
    struct Function {
      const char* name;
      OpCode op;
      int min_args, max_args;  // max -1: any number
    };
    static const Function kFunctions[] = {
        {"exp", OpCode::kExp, 1, 1},     {"log", OpCode::kLog, 1, 1},
        {"ln", OpCode::kLog, 1, 1},      {"log10", OpCode::kLog10, 1, 1},
        {"sqrt", OpCode::kSqrt, 1, 1},   {"abs", OpCode::kAbs, 1, 1},
        {"floor", OpCode::kFloor, 1, 1}, {"ceil", OpCode::kCeil, 1, 1},
        {"pow", OpCode::kPow, 2, 2},     {"min", OpCode::kMin, 1, -1},
        {"max", OpCode::kMax, 1, -1},    {"piecewise", OpCode::kSelect, 1, -1},
    };
    const Function* f = nullptr;
    for (const Function& candidate : kFunctions)
      if (name == candidate.name) f = &candidate;
    if (f == nullptr) {
      return InvalidArgumentError("expression '" + Shown() + "': unknown function '" + name + "'");
    }
    Status s = Next();  // '('
    int args = 0;
    if (s.ok() && !IsOp(")")) {
      for (;;) {
        if (!(s = Or()).ok()) return s;
        ++args;
        if (IsOp(")")) break;
        if (!IsOp(",")) return Error("expected ',' or ')'");
        if (!(s = Next()).ok()) return s;
      }
    }
    if (!s.ok()) return s;
    if (args < f->min_args || (f->max_args >= 0 && args > f->max_args)) {
      return InvalidArgumentError("expression '" + Shown() + "': " + name + "() takes " +
                                  (f->max_args < 0 ? "at least " + std::to_string(f->min_args)
                                                   : std::to_string(f->min_args)) +
                                  " argument(s), got " + std::to_string(args));
    }
    if (f->op == OpCode::kSelect) {
      // piecewise(v1, c1, v2, c2, ..., otherwise): without `otherwise` the
      // value is undefined when no condition holds: NaN, which a propensity
      // check then reports by reaction name.
      if (args % 2 == 0) {
        Emit(OpCode::kConst, 0, std::numeric_limits<double>::quiet_NaN());
        ++args;
      }
      for (int i = 0; i < args / 2; ++i) Emit(OpCode::kSelect);
    } else if (f->op == OpCode::kMin || f->op == OpCode::kMax) {
      for (int i = 1; i < args; ++i) Emit(f->op);
    } else {
      Emit(f->op);
    }
    return Next();  // ')'
  }

  static constexpr int kMaxNesting = 200;

  // The expression as quoted in messages: long ones are cut, since the
  // message must still say what is wrong where a person can see it.
  std::string Shown() const {
    return text_.size() <= 80 ? text_ : text_.substr(0, 60) + "...";
  }

  const std::string& text_;
  const NameResolver* resolve_;
  int depth_ = 0;
  ExpressionProgram* out_ = nullptr;
  std::size_t pos_ = 0;
  Token token_;
};

// The number of values an instruction pops (its operands).
int Arity(OpCode op) {
  switch (op) {
    case OpCode::kConst: case OpCode::kSpecies: case OpCode::kParam: case OpCode::kTime:
      return 0;
    case OpCode::kNeg: case OpCode::kExp: case OpCode::kLog: case OpCode::kLog10:
    case OpCode::kSqrt: case OpCode::kAbs: case OpCode::kFloor: case OpCode::kCeil:
    case OpCode::kNot: case OpCode::kAddConst: case OpCode::kSubConst: case OpCode::kMulConst:
    case OpCode::kDivConst: case OpCode::kAddSpecies: case OpCode::kSubSpecies:
    case OpCode::kMulSpecies: case OpCode::kDivSpecies: case OpCode::kMulParam: case OpCode::kPowInt:
      return 1;
    case OpCode::kSelect:
      return 3;
    default:
      return 2;
  }
}

// Evaluates, at compile time, every operation whose operands are all
// constants (K^2 with K a fixed parameter, 2/2, ...).
std::vector<Instr> FoldConstants(const std::vector<Instr>& code) {
  std::vector<Instr> out;
  out.reserve(code.size());
  for (const Instr& in : code) {
    const int arity = Arity(in.op);
    // Fused forms that read a species or parameter are never constant (an
    // inlined rule arrives already fused).
    const bool reads_state = in.op == OpCode::kAddSpecies || in.op == OpCode::kSubSpecies ||
                             in.op == OpCode::kMulSpecies || in.op == OpCode::kDivSpecies ||
                             in.op == OpCode::kMulParam;
    bool constant = !reads_state && arity > 0 && static_cast<int>(out.size()) >= arity;
    for (int k = 1; constant && k <= arity; ++k) constant = out[out.size() - k].op == OpCode::kConst;
    if (!constant) {
      out.push_back(in);
      continue;
    }
    Instr tail[4];
    for (int k = 0; k < arity; ++k) tail[k] = out[out.size() - arity + k];
    tail[arity] = in;
    const double v = EvaluateExpression(tail, static_cast<std::uint32_t>(arity + 1), nullptr, nullptr, 0.0);
    out.resize(out.size() - arity);
    out.push_back({OpCode::kConst, 0, v});
  }
  return out;
}

// Fuses an operand push followed by a binary operator into one instruction.
std::vector<Instr> Peephole(const std::vector<Instr>& code) {
  std::vector<Instr> out;
  out.reserve(code.size());
  for (std::size_t i = 0; i < code.size(); ++i) {
    const Instr& in = code[i];
    if (i + 1 < code.size()) {
      const OpCode next = code[i + 1].op;
      OpCode fused = in.op;
      if (in.op == OpCode::kConst) {
        if (next == OpCode::kAdd) fused = OpCode::kAddConst;
        if (next == OpCode::kSub) fused = OpCode::kSubConst;
        if (next == OpCode::kMul) fused = OpCode::kMulConst;
        if (next == OpCode::kDiv) fused = OpCode::kDivConst;
      } else if (in.op == OpCode::kSpecies) {
        if (next == OpCode::kAdd) fused = OpCode::kAddSpecies;
        if (next == OpCode::kSub) fused = OpCode::kSubSpecies;
        if (next == OpCode::kMul) fused = OpCode::kMulSpecies;
        if (next == OpCode::kDiv) fused = OpCode::kDivSpecies;
      } else if (in.op == OpCode::kParam && next == OpCode::kMul) {
        fused = OpCode::kMulParam;
      }
      // x^n for small whole n: multiplication instead of pow().
      if (in.op == OpCode::kConst && next == OpCode::kPow && in.value == std::floor(in.value) &&
          std::abs(in.value) <= 16) {
        fused = OpCode::kPowInt;
      }
      if (fused != in.op) {
        out.push_back({fused, in.index, in.value});
        ++i;
        continue;
      }
    }
    out.push_back(in);
  }
  return out;
}

int StackDepth(const std::vector<Instr>& code) {
  int depth = 0, max_depth = 0;
  for (const Instr& in : code) {
    switch (in.op) {
      case OpCode::kConst: case OpCode::kSpecies: case OpCode::kParam: case OpCode::kTime:
        ++depth;
        break;
      case OpCode::kNeg: case OpCode::kExp: case OpCode::kLog: case OpCode::kLog10:
      case OpCode::kSqrt: case OpCode::kAbs: case OpCode::kFloor: case OpCode::kCeil:
      case OpCode::kNot:
        break;
      case OpCode::kSelect:
        depth -= 2;
        break;
      case OpCode::kAddConst: case OpCode::kSubConst: case OpCode::kMulConst:
      case OpCode::kDivConst: case OpCode::kAddSpecies: case OpCode::kSubSpecies:
      case OpCode::kMulSpecies: case OpCode::kDivSpecies: case OpCode::kMulParam:
      case OpCode::kPowInt:
        break;
      default:
        --depth;
    }
    max_depth = std::max(max_depth, depth);
  }
  return max_depth;
}

void SortUnique(std::vector<std::uint32_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

StatusOr<ExpressionProgram> CompileExpression(const std::string& text, const NameResolver& resolve) {
  ExpressionProgram program;
  Parser parser(text, &resolve);
  Status s = parser.Parse(program);
  if (!s.ok()) return s;
  if (program.code.empty()) return InvalidArgumentError("expression is empty");
  program.code = Peephole(FoldConstants(program.code));
  if (StackDepth(program.code) > kMaxExpressionStack) {
    return InvalidArgumentError("expression '" + (text.size() <= 80 ? text : text.substr(0, 60) + "...") +
                                "' nests too deeply (more than " +
                                std::to_string(kMaxExpressionStack) + " pending values)");
  }
  SortUnique(program.species);
  SortUnique(program.parameters);
  return program;
}

std::vector<std::string> ExpressionNames(const std::string& text) {
  ExpressionProgram program;
  Parser parser(text, nullptr);
  if (!parser.Parse(program).ok()) return {};
  std::vector<std::string> names = parser.names;
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace grn
