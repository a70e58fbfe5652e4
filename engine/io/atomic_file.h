// engine/io/atomic_file.h
//
// AtomicFile: write a result under a temporary name beside the target and
// rename it into place on Commit(). If the writer is destroyed without a
// successful Commit (an error, an interrupt), the temporary file is removed, so
// a reader never sees half a result. The path "-" writes to stdout instead,
// and a device or pipe (/dev/null, a FIFO) is written in place.
#ifndef GRN_ENGINE_IO_ATOMIC_FILE_H_
#define GRN_ENGINE_IO_ATOMIC_FILE_H_

#include <cstdio>
#include <string>
#include <string_view>

#include "engine/base/status.h"

namespace grn {

class AtomicFile {
 public:
  // Creates the temporary file. Check status() before writing.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const Status& status() const { return status_; }
  void Write(std::string_view data);
  // Flushes, syncs and renames into place (or flushes stdout).
  Status Commit();

 private:
  std::string path_;
  std::string temp_path_;
  std::FILE* file_ = nullptr;
  bool to_stdout_ = false;
  bool special_ = false;  // a device or pipe, written in place
  bool committed_ = false;
  Status status_;
};

// Writes `contents` to `path` atomically.
Status WriteFileAtomically(const std::string& path, std::string_view contents);

}  // namespace grn

#endif  // GRN_ENGINE_IO_ATOMIC_FILE_H_
