// engine/base/check.h
//
// GRN_CHECK guards invariants whose failure is a bug in grnsim (always on);
// GRN_DCHECK re-checks, in debug builds only, what Validate and Compile proved.
#ifndef GRN_ENGINE_BASE_CHECK_H_
#define GRN_ENGINE_BASE_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define GRN_CHECK(cond)                                                   \
  do {                                                                    \
    if (!(cond)) {                                                        \
      std::fprintf(stderr, "grnsim internal error: %s:%d: check failed: %s\n", \
                   __FILE__, __LINE__, #cond);                            \
      std::abort();                                                       \
    }                                                                     \
  } while (0)

#ifdef NDEBUG
#define GRN_DCHECK(cond) \
  do {                   \
  } while (false && (cond))
#else
#define GRN_DCHECK(cond) GRN_CHECK(cond)
#endif

#endif  // GRN_ENGINE_BASE_CHECK_H_
