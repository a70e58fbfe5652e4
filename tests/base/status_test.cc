// tests/base/status_test.cc
//
// Status/StatusOr values, the propagation macros, and the CLI exit code each
// status code maps to (0 ok, 1 runtime, 2 bad input, 130 interrupted).
#include "engine/base/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/base/status_macros.h"

namespace grn {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_TRUE(Status::OK().ok());
}

TEST(StatusTest, ErrorKeepsCodeAndMessage) {
  Status s = InvalidArgumentError("species 'X': bad");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "species 'X': bad");
  EXPECT_EQ(s.ToString(), "species 'X': bad");
}

TEST(StatusTest, HelpersSetTheirCodes) {
  EXPECT_EQ(InvalidArgumentError("m").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NotFoundError("m").code(), StatusCode::kNotFound);
  EXPECT_EQ(NotSupportedError("m").code(), StatusCode::kNotSupported);
  EXPECT_EQ(NumericalError("m").code(), StatusCode::kNumerical);
  EXPECT_EQ(IOError("m").code(), StatusCode::kIOError);
  EXPECT_EQ(CancelledError("m").code(), StatusCode::kCancelled);
  EXPECT_EQ(InternalError("m").code(), StatusCode::kInternal);
}

// The exit codes the CLI documents in `grnsim --help`.
TEST(StatusTest, ExitCodes) {
  EXPECT_EQ(ExitCodeFor(Status::OK()), 0);
  EXPECT_EQ(ExitCodeFor(InvalidArgumentError("m")), 2);
  EXPECT_EQ(ExitCodeFor(NotFoundError("m")), 2);
  EXPECT_EQ(ExitCodeFor(NotSupportedError("m")), 2);
  EXPECT_EQ(ExitCodeFor(Status(StatusCode::kFailedPrecondition, "m")), 1);
  EXPECT_EQ(ExitCodeFor(NumericalError("m")), 1);
  EXPECT_EQ(ExitCodeFor(IOError("m")), 1);
  EXPECT_EQ(ExitCodeFor(InternalError("m")), 1);
  EXPECT_EQ(ExitCodeFor(CancelledError("m")), 130);
}

TEST(StatusOrTest, HoldsValueOrStatus) {
  StatusOr<int> good = 42;
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(good.status().ok());
  EXPECT_EQ(*good, 42);
  EXPECT_EQ(good.value(), 42);

  StatusOr<int> bad = NotFoundError("x.textproto: no such file");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(bad.status().message(), "x.textproto: no such file");
}

TEST(StatusOrTest, MovesOutMoveOnlyValues) {
  StatusOr<std::unique_ptr<int>> p = std::make_unique<int>(7);
  ASSERT_TRUE(p.ok());
  std::unique_ptr<int> taken = std::move(p).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 7);
}

TEST(StatusOrTest, ArrowReachesMembers) {
  StatusOr<std::string> s = std::string("abc");
  EXPECT_EQ(s->size(), 3u);
}

Status FailIf(bool fail) { return fail ? IOError("disk full") : Status::OK(); }

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError(std::to_string(x) + " is odd");
  return x / 2;
}

// Uses both macros; `reached` records how far the function got.
Status Chain(bool fail_first, int x, int* out, int* reached) {
  *reached = 0;
  GRN_RETURN_IF_ERROR(FailIf(fail_first));
  *reached = 1;
  GRN_ASSIGN_OR_RETURN(int h, Half(x));
  *reached = 2;
  *out = h;
  return Status::OK();
}

TEST(StatusMacrosTest, PropagateFirstErrorAndStop) {
  int out = -1, reached = -1;
  Status s = Chain(true, 4, &out, &reached);
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_EQ(s.message(), "disk full");
  EXPECT_EQ(reached, 0);

  s = Chain(false, 5, &out, &reached);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "5 is odd");
  EXPECT_EQ(reached, 1);
  EXPECT_EQ(out, -1);

  s = Chain(false, 8, &out, &reached);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(reached, 2);
  EXPECT_EQ(out, 4);
}

}  // namespace
}  // namespace grn
