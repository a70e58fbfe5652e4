// engine/base/status.cc
#include "engine/base/status.h"

namespace grn {

std::string Status::ToString() const {
  if (ok()) return "OK";
  return message_;
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kNotSupported:
      return 2;
    case StatusCode::kCancelled:
      return 130;
    case StatusCode::kFailedPrecondition:
    case StatusCode::kNumerical:
    case StatusCode::kIOError:
    case StatusCode::kInternal:
      return 1;
  }
  return 1;
}

}  // namespace grn
