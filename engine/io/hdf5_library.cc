// engine/io/hdf5_library.cc
#include "engine/io/hdf5_library.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

#ifndef GRN_HDF5_SONAME
#error "GRN_HDF5_SONAME must name the HDF5 shared library (set by CMakeLists.txt)"
#endif

namespace grn {
namespace {

constexpr const char* kPackageHint =
    " (Debian: apt-get install libhdf5-103-1, or libhdf5-dev to build grnsim)";

// Binds every member of `lib` from the open `handle`; the first missing
// symbol's name, or empty when all were found.
std::string Bind(void* handle, Hdf5Library& lib) {
  std::string missing;
  auto bind = [&](auto& member, const char* name) {
    void* symbol = dlsym(handle, name);
    if (symbol == nullptr && missing.empty()) missing = name;
    member = reinterpret_cast<std::remove_reference_t<decltype(member)>>(symbol);
  };
#define GRN_BIND(member) bind(lib.member, "H5" #member)
  GRN_BIND(Aclose);
  GRN_BIND(Acreate2);
  GRN_BIND(Awrite);
  GRN_BIND(Dclose);
  GRN_BIND(Dcreate2);
  GRN_BIND(Dget_space);
  GRN_BIND(Dset_extent);
  GRN_BIND(Dwrite);
  GRN_BIND(Eclear2);
  GRN_BIND(Eset_auto2);
  GRN_BIND(Ewalk2);
  GRN_BIND(Fclose);
  GRN_BIND(Fcreate);
  GRN_BIND(Gclose);
  GRN_BIND(Gcreate2);
  GRN_BIND(Gopen2);
  GRN_BIND(Pclose);
  GRN_BIND(Pcreate);
  GRN_BIND(Pset_chunk);
  GRN_BIND(Pset_chunk_cache);
  GRN_BIND(Pset_deflate);
  GRN_BIND(Pset_fclose_degree);
  GRN_BIND(Pset_obj_track_times);
#if H5_VERSION_GE(1, 10, 7)
  GRN_BIND(Pset_file_locking);
#endif
  GRN_BIND(Sclose);
  GRN_BIND(Screate);
  GRN_BIND(Screate_simple);
  GRN_BIND(Sselect_hyperslab);
  GRN_BIND(Tclose);
  GRN_BIND(Tcopy);
  GRN_BIND(Tcreate);
  GRN_BIND(Tinsert);
  GRN_BIND(Tset_cset);
  GRN_BIND(Tset_size);
#undef GRN_BIND
  return missing;
}

// The value of the predefined identifier `name` (a global hid_t that HDF5
// sets in H5open()). When the executable itself links HDF5 (the unit tests
// do), the variable was copied into it by a copy relocation and HDF5 writes
// that copy, so the process-wide definition comes first; the library's own
// is read only when HDF5 is private to `handle`.
bool ReadId(void* handle, const char* name, hid_t& id) {
  const void* global = dlsym(RTLD_DEFAULT, name);
  if (global == nullptr) global = dlsym(handle, name);
  if (global == nullptr) return false;
  id = *static_cast<const hid_t*>(global);
  return true;
}

StatusOr<const Hdf5Library*> Open() {
  const std::string soname = GRN_HDF5_SONAME;
  void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return NotSupportedError("HDF5 output needs the HDF5 library " + soname + kPackageHint + ": " +
                             (why != nullptr ? why : "cannot open it"));
  }
  auto open = reinterpret_cast<decltype(&::H5open)>(dlsym(handle, "H5open"));
  auto version = reinterpret_cast<decltype(&::H5get_libversion)>(dlsym(handle, "H5get_libversion"));
  unsigned major = 0, minor = 0, release = 0;
  if (open == nullptr || version == nullptr || open() < 0 ||
      version(&major, &minor, &release) < 0) {
    return NotSupportedError(soname + " does not start as an HDF5 library" + kPackageHint);
  }
  if (major != H5_VERS_MAJOR || minor != H5_VERS_MINOR) {
    return NotSupportedError(soname + " is HDF5 " + std::to_string(major) + "." +
                             std::to_string(minor) + "." + std::to_string(release) +
                             ", but grnsim was built with HDF5 " H5_VERS_INFO);
  }
  // Never freed: HDF5 keeps global state for the life of the process.
  static Hdf5Library lib;
  const std::string missing = Bind(handle, lib);
  bool ids = ReadId(handle, "H5T_NATIVE_DOUBLE_g", lib.T_NATIVE_DOUBLE) &&
             ReadId(handle, "H5T_NATIVE_UINT64_g", lib.T_NATIVE_UINT64) &&
             ReadId(handle, "H5T_IEEE_F64LE_g", lib.T_IEEE_F64LE) &&
             ReadId(handle, "H5T_STD_U64LE_g", lib.T_STD_U64LE) &&
             ReadId(handle, "H5T_C_S1_g", lib.T_C_S1) &&
             ReadId(handle, "H5P_CLS_FILE_ACCESS_ID_g", lib.P_FILE_ACCESS) &&
             ReadId(handle, "H5P_CLS_GROUP_CREATE_ID_g", lib.P_GROUP_CREATE) &&
             ReadId(handle, "H5P_CLS_DATASET_CREATE_ID_g", lib.P_DATASET_CREATE) &&
             ReadId(handle, "H5P_CLS_DATASET_ACCESS_ID_g", lib.P_DATASET_ACCESS);
  if (!missing.empty() || !ids) {
    return NotSupportedError(soname + " lacks " +
                             (missing.empty() ? "a predefined type" : missing) + kPackageHint);
  }
  lib.F_ACC_TRUNC = 0x0002u;  // H5Fpublic.h
  return &lib;
}

}  // namespace

StatusOr<const Hdf5Library*> LoadHdf5Library() {
  static std::once_flag once;
  static StatusOr<const Hdf5Library*> loaded = Status(StatusCode::kInternal, "not loaded");
  std::call_once(once, [] { loaded = Open(); });
  return loaded;
}

}  // namespace grn
