// engine/base/status_macros.h
//
// One-line propagation of Status values:
//   GRN_RETURN_IF_ERROR(Validate(net));
//   GRN_ASSIGN_OR_RETURN(Network net, ReadNetwork(path));
#ifndef GRN_ENGINE_BASE_STATUS_MACROS_H_
#define GRN_ENGINE_BASE_STATUS_MACROS_H_

#include "engine/base/status.h"

#define GRN_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::grn::Status grn_status_ = (expr);        \
    if (!grn_status_.ok()) return grn_status_; \
  } while (0)

#define GRN_CONCAT_INNER_(a, b) a##b
#define GRN_CONCAT_(a, b) GRN_CONCAT_INNER_(a, b)

#define GRN_ASSIGN_OR_RETURN(lhs, expr) \
  GRN_ASSIGN_OR_RETURN_IMPL_(GRN_CONCAT_(grn_statusor_, __LINE__), lhs, expr)

#define GRN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

#endif  // GRN_ENGINE_BASE_STATUS_MACROS_H_
