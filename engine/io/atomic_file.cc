// engine/io/atomic_file.cc
#include "engine/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace grn {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  if (path_ == "-") {
    to_stdout_ = true;
    file_ = stdout;
    return;
  }
  // A device or pipe (/dev/null, /dev/stdout, a FIFO) is written in place:
  // renaming a temporary file over it would replace the device itself.
  struct stat st;
  if (stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) {
      status_ = IOError(path_ + ": is a directory");
      return;
    }
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_ == nullptr) {
      status_ = IOError(path_ + ": cannot open for writing: " + std::strerror(errno));
    }
    special_ = true;
    return;
  }
  temp_path_ = path_ + ".tmp.XXXXXX";
  const int fd = mkstemp(temp_path_.data());
  if (fd < 0) {
    status_ = IOError(path_ + ": cannot create output file: " + std::strerror(errno));
    temp_path_.clear();
    return;
  }
  fchmod(fd, 0644);
  file_ = fdopen(fd, "wb");
  if (file_ == nullptr) {
    status_ = IOError(path_ + ": cannot open output file: " + std::strerror(errno));
    close(fd);
  }
}

AtomicFile::~AtomicFile() {
  if (to_stdout_) return;
  if (special_) {
    if (file_ != nullptr) std::fclose(file_);
    return;
  }
  if (file_ != nullptr) std::fclose(file_);
  if (!committed_ && !temp_path_.empty()) std::remove(temp_path_.c_str());
}

void AtomicFile::Write(std::string_view data) {
  if (!status_.ok() || data.empty()) return;
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
    status_ = IOError(path_ + ": write failed: " + std::strerror(errno));
  }
}

Status AtomicFile::Commit() {
  if (!status_.ok()) return status_;
  if (to_stdout_ || special_) {
    if (std::fflush(file_) != 0) status_ = IOError(path_ + ": write failed");
    return status_;
  }
  if (std::fflush(file_) != 0 || fsync(fileno(file_)) != 0) {
    status_ = IOError(path_ + ": write failed: " + std::strerror(errno));
    return status_;
  }
  std::fclose(file_);
  file_ = nullptr;
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    status_ = IOError(path_ + ": cannot move output into place: " + std::strerror(errno));
    return status_;
  }
  committed_ = true;
  return Status::OK();
}

Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  AtomicFile file(path);
  file.Write(contents);
  return file.Commit();
}

}  // namespace grn
