// engine/io/hdf5_library.h
//
// The serial HDF5 C library, opened on first use (dlopen) instead of linked.
// Linking it made every grnsim start load it and the ~35 shared libraries it
// depends on (curl, gnutls, Kerberos, ...), about 5 ms before main() on each
// run, paid by every `grnsim simulate` although only `--format hdf5` writes
// HDF5. Now a process that never writes HDF5 never loads it.
//
// Only the entry points and predefined identifiers that hdf5_output.cc uses
// are bound. The library is opened by the soname the build compiled against
// (GRN_HDF5_SONAME), and its version must match the headers' major.minor, as
// HDF5's own H5check() would demand (it aborts; here it is an error).
#ifndef GRN_ENGINE_IO_HDF5_LIBRARY_H_
#define GRN_ENGINE_IO_HDF5_LIBRARY_H_

#include <hdf5.h>

#include "engine/base/status.h"

namespace grn {

struct Hdf5Library {
  // Entry points, named as in HDF5 without the "H5" prefix.
  decltype(&::H5Aclose) Aclose;
  decltype(&::H5Acreate2) Acreate2;
  decltype(&::H5Awrite) Awrite;
  decltype(&::H5Dclose) Dclose;
  decltype(&::H5Dcreate2) Dcreate2;
  decltype(&::H5Dget_space) Dget_space;
  decltype(&::H5Dset_extent) Dset_extent;
  decltype(&::H5Dwrite) Dwrite;
  decltype(&::H5Eclear2) Eclear2;
  decltype(&::H5Eset_auto2) Eset_auto2;
  decltype(&::H5Ewalk2) Ewalk2;
  decltype(&::H5Fclose) Fclose;
  decltype(&::H5Fcreate) Fcreate;
  decltype(&::H5Gclose) Gclose;
  decltype(&::H5Gcreate2) Gcreate2;
  decltype(&::H5Gopen2) Gopen2;
  decltype(&::H5Pclose) Pclose;
  decltype(&::H5Pcreate) Pcreate;
  decltype(&::H5Pset_chunk) Pset_chunk;
  decltype(&::H5Pset_chunk_cache) Pset_chunk_cache;
  decltype(&::H5Pset_deflate) Pset_deflate;
  decltype(&::H5Pset_fclose_degree) Pset_fclose_degree;
  decltype(&::H5Pset_obj_track_times) Pset_obj_track_times;
#if H5_VERSION_GE(1, 10, 7)
  decltype(&::H5Pset_file_locking) Pset_file_locking;
#endif
  decltype(&::H5Sclose) Sclose;
  decltype(&::H5Screate) Screate;
  decltype(&::H5Screate_simple) Screate_simple;
  decltype(&::H5Sselect_hyperslab) Sselect_hyperslab;
  decltype(&::H5Tclose) Tclose;
  decltype(&::H5Tcopy) Tcopy;
  decltype(&::H5Tcreate) Tcreate;
  decltype(&::H5Tinsert) Tinsert;
  decltype(&::H5Tset_cset) Tset_cset;
  decltype(&::H5Tset_size) Tset_size;

  // The predefined identifiers (HDF5's macros of the same names read these
  // globals after H5open()).
  hid_t T_NATIVE_DOUBLE, T_NATIVE_UINT64, T_IEEE_F64LE, T_STD_U64LE, T_C_S1;
  hid_t P_FILE_ACCESS, P_GROUP_CREATE, P_DATASET_CREATE, P_DATASET_ACCESS;
  // H5F_ACC_TRUNC without the version check its macro runs.
  unsigned F_ACC_TRUNC;
};

// The library, opened and bound once per process (thread-safe). Fails with
// kNotSupported naming the library and the package that provides it when it
// cannot be opened, lacks an entry point, or has another major.minor version.
StatusOr<const Hdf5Library*> LoadHdf5Library();

}  // namespace grn

#endif  // GRN_ENGINE_IO_HDF5_LIBRARY_H_
