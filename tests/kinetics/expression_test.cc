// tests/kinetics/expression_test.cc
//
// The expression compiler against hand-computed values: precedence,
// functions, comparisons, piecewise, name binding and rule inlining; and the
// error messages a person reads when an expression is wrong.
#include "engine/kinetics/expression.h"

#include <gtest/gtest.h>

#include <cmath>

namespace grn {
namespace {

// x = {X: 3, Y: 4}, p = {k: 2, K: 10}.
NameBinding Bind(const std::string& name) {
  NameBinding b;
  if (name == "X") b = {NameBinding::kSpecies, 0, nullptr};
  if (name == "Y") b = {NameBinding::kSpecies, 1, nullptr};
  if (name == "k") b = {NameBinding::kParameter, 0, nullptr};
  if (name == "K") b = {NameBinding::kParameter, 1, nullptr};
  return b;
}

double Eval(const std::string& text, double t = 0.5) {
  auto program = CompileExpression(text, Bind);
  EXPECT_TRUE(program.ok()) << text << ": " << program.status().message();
  if (!program.ok()) return std::nan("");
  const double x[] = {3, 4};
  const double p[] = {2, 10};
  return EvaluateExpression(*program, x, p, t);
}

std::string ErrorOf(const std::string& text) {
  auto program = CompileExpression(text, Bind);
  EXPECT_FALSE(program.ok()) << text;
  return program.ok() ? "" : program.status().message();
}

TEST(ExpressionTest, ArithmeticAndPrecedence) {
  EXPECT_DOUBLE_EQ(Eval("1 + 2 * 3"), 7);
  EXPECT_DOUBLE_EQ(Eval("(1 + 2) * 3"), 9);
  EXPECT_DOUBLE_EQ(Eval("2 ^ 3 ^ 2"), 512);  // right associative
  EXPECT_DOUBLE_EQ(Eval("-X ^ 2"), -9);      // -(X^2)
  EXPECT_DOUBLE_EQ(Eval("10 / 4 / 5"), 0.5);  // left associative
  EXPECT_DOUBLE_EQ(Eval("1e-3 * 2.5E2"), 0.25);
  EXPECT_DOUBLE_EQ(Eval("k * X * (X - 1) / 2"), 6);
  EXPECT_DOUBLE_EQ(Eval("time * 4"), 2);
}

TEST(ExpressionTest, Functions) {
  EXPECT_DOUBLE_EQ(Eval("exp(0) + log(1) + log10(100) + sqrt(16) + abs(-3)"), 1 + 0 + 2 + 4 + 3);
  EXPECT_DOUBLE_EQ(Eval("floor(2.7) + ceil(2.2) + pow(Y, 2)"), 2 + 3 + 16);
  EXPECT_DOUBLE_EQ(Eval("min(X, Y, 1.5) + max(X, Y)"), 5.5);
  EXPECT_DOUBLE_EQ(Eval("k + K * Y^2 / (K^2 + Y^2)"), 2 + 10 * 16.0 / 116.0);
}

TEST(ExpressionTest, ComparisonsLogicAndPiecewise) {
  EXPECT_DOUBLE_EQ(Eval("X < Y"), 1);
  EXPECT_DOUBLE_EQ(Eval("X >= Y"), 0);
  EXPECT_DOUBLE_EQ(Eval("X == 3 && Y != 3"), 1);
  EXPECT_DOUBLE_EQ(Eval("X > 5 || !(Y > 5)"), 1);
  EXPECT_DOUBLE_EQ(Eval("piecewise(10, X > 5, 20, Y > 3, 30)"), 20);
  EXPECT_DOUBLE_EQ(Eval("piecewise(10, X > 5, 30)"), 30);
  EXPECT_DOUBLE_EQ(Eval("piecewise(10, X < 5, 30)"), 10);
  // No condition holds and no otherwise: undefined, reported later as NaN.
  EXPECT_TRUE(std::isnan(Eval("piecewise(10, X > 5)")));
}

TEST(ExpressionTest, RecordsWhatItReads) {
  auto program = CompileExpression("k * Y + X * Y + time", Bind);
  ASSERT_TRUE(program.ok());
  EXPECT_EQ(program->species, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(program->parameters, (std::vector<std::uint32_t>{0}));
  EXPECT_TRUE(program->reads_time);
}

TEST(ExpressionTest, InlinesRules) {
  auto doubled = CompileExpression("2 * X", Bind);
  ASSERT_TRUE(doubled.ok());
  auto program = CompileExpression("y + 1", [&](const std::string& name) {
    if (name == "y") return NameBinding{NameBinding::kInline, 0, &*doubled};
    return Bind(name);
  });
  ASSERT_TRUE(program.ok());
  const double x[] = {3, 4};
  EXPECT_DOUBLE_EQ(EvaluateExpression(*program, x, nullptr, 0), 7);
  EXPECT_EQ(program->species, (std::vector<std::uint32_t>{0}));
}

TEST(ExpressionTest, ErrorsSayWhatAndWhere) {
  EXPECT_EQ(ErrorOf("k * Z"), "expression 'k * Z': unknown name 'Z'");
  EXPECT_EQ(ErrorOf("k * (X + 1"), "expression 'k * (X + 1': expected ')', found the end at column 11");
  EXPECT_EQ(ErrorOf("k * * X"), "expression 'k * * X': expected a number, a name or '(', found '*' at column 5");
  EXPECT_EQ(ErrorOf("k $ X"), "expression 'k $ X': unexpected character, found '$' at column 3");
  EXPECT_EQ(ErrorOf("foo(X)"), "expression 'foo(X)': unknown function 'foo'");
  EXPECT_EQ(ErrorOf("pow(X)"), "expression 'pow(X)': pow() takes 2 argument(s), got 1");
  EXPECT_EQ(ErrorOf("X Y"), "expression 'X Y': expected an operator or the end, found 'Y' at column 3");
  EXPECT_EQ(ErrorOf(""), "expression '': expected a number, a name or '(', found the end at column 1");
}

TEST(ExpressionTest, RefusesExpressionsTooDeepForTheStack) {
  std::string deep = "X";
  for (int i = 0; i < kMaxExpressionStack + 1; ++i) deep = "(X + " + deep + ")";
  // Right-nested sums keep every left operand pending.
  EXPECT_NE(ErrorOf(deep).find("nests too deeply"), std::string::npos);
}

TEST(ExpressionTest, NamesListsIdentifiers) {
  EXPECT_EQ(ExpressionNames("k * X + exp(Y) + time"), (std::vector<std::string>{"X", "Y", "k"}));
}

}  // namespace
}  // namespace grn

namespace grn {
namespace {

TEST(ExpressionTest, FoldsConstantsAndUsesIntegerPowers) {
  auto program = CompileExpression("k * Y^2 / (10^2 + Y^2) + 2 / 2", [](const std::string& name) {
    NameBinding b;
    if (name == "k") b = {NameBinding::kConstant, 0, nullptr, 3.0};
    if (name == "Y") b = {NameBinding::kSpecies, 1, nullptr};
    return b;
  });
  ASSERT_TRUE(program.ok()) << program.status().message();
  for (const Instr& in : program->code) {
    EXPECT_NE(in.op, OpCode::kPow) << "Y^2 and 10^2 need no pow()";
  }
  const double x[] = {0, 4};
  EXPECT_DOUBLE_EQ(EvaluateExpression(*program, x, nullptr, 0), 3 * 16.0 / 116.0 + 1);
  // Negative and fractional powers stay exact.
  EXPECT_DOUBLE_EQ(Eval("Y ^ -2"), 1.0 / 16);
  EXPECT_DOUBLE_EQ(Eval("Y ^ 0.5"), 2);
}

}  // namespace
}  // namespace grn
