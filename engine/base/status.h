// engine/base/status.h
//
// Errors as values (after leveldb/abseil). A Status is OK or carries a code and
// a message that names the file, the item and the value at fault. StatusOr<T>
// holds a T or a non-OK Status. Nothing in engine/ throws or exits.
#ifndef GRN_ENGINE_BASE_STATUS_H_
#define GRN_ENGINE_BASE_STATUS_H_

#include <string>
#include <utility>
#include <variant>

namespace grn {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input: parse, validation (exit 2)
  kNotFound,            // a file or name that does not exist (exit 2)
  kNotSupported,        // a construct we refuse rather than approximate (exit 2)
  kFailedPrecondition,  // a call made in the wrong state
  kNumerical,           // a run that became numerically impossible (exit 1)
  kIOError,             // reading or writing failed (exit 1)
  kCancelled,           // interrupted by the user (exit 130)
  kInternal,            // a broken invariant: a bug in grnsim
};

class Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgumentError(std::string m) {
  return Status(StatusCode::kInvalidArgument, std::move(m));
}
inline Status NotFoundError(std::string m) {
  return Status(StatusCode::kNotFound, std::move(m));
}
inline Status NotSupportedError(std::string m) {
  return Status(StatusCode::kNotSupported, std::move(m));
}
inline Status NumericalError(std::string m) {
  return Status(StatusCode::kNumerical, std::move(m));
}
inline Status IOError(std::string m) {
  return Status(StatusCode::kIOError, std::move(m));
}
inline Status CancelledError(std::string m) {
  return Status(StatusCode::kCancelled, std::move(m));
}
inline Status InternalError(std::string m) {
  return Status(StatusCode::kInternal, std::move(m));
}

// The process exit status the CLI uses for a code: 0 ok, 1 runtime failure,
// 2 bad input or usage, 130 interrupted.
int ExitCodeFor(const Status& status);

template <class T>
class StatusOr {
 public:
  StatusOr(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : data_(std::move(status)) {}  // NOLINT
  // REQUIRES: !status.ok() for the Status constructor.

  bool ok() const { return std::holds_alternative<T>(data_); }
  Status status() const {
    return ok() ? Status::OK() : std::get<Status>(data_);
  }
  const T& value() const& { return std::get<T>(data_); }
  T& value() & { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<Status, T> data_;
};

}  // namespace grn

#endif  // GRN_ENGINE_BASE_STATUS_H_
