# shellcheck shell=bash
# tools/lib.sh
#
# Shared steps of tools/quickstart and tools/check (sourced, not run): find the
# repository, install the Debian packages the build needs, configure and build.
# Each function returns non-zero on failure and leaves exiting to the caller,
# so the scripts decide what a failure means. Nothing here writes to
# /dev/null: some sandboxes make it unwritable for ordinary users.

# The repository root, whatever the caller's current directory is.
GRN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The build tree the scripts use; override with GRN_BUILD_DIR=/some/dir.
GRN_BUILD_DIR="${GRN_BUILD_DIR:-${GRN_ROOT}/build}"

# Everything needed to configure, build, test and benchmark (Debian bookworm names).
# clang-14 and libclang-rt-14-dev (libFuzzer, sanitizer runtimes) build the
# fuzz targets in tests/fuzz/ (GRN_FUZZ=ON). Open MPI (libopenmpi-dev,
# openmpi-bin) spreads ensembles over ranks (GRN_MPI, the mpi ctest label).
# gnuplot-nox draws `grnsim population --plot`; libhdf5-dev (serial HDF5) writes
# `grnsim simulate --format hdf5`.
GRN_PACKAGES=(cmake g++ make libprotobuf-dev protobuf-compiler libboost-graph-dev
  libsundials-dev libgtest-dev libgmock-dev libbenchmark-dev libsbml5-dev libhdf5-dev
  clang-14 libclang-rt-14-dev graphviz libopenmpi-dev openmpi-bin
  gnuplot-nox)

grn_say() { printf '%s\n' "== $*"; }
grn_err() { printf '%s\n' "error: $*" >&2; }

# Prints the packages of GRN_PACKAGES that are not installed, one per line.
# "deinstall ok config-files" (removed, config left) counts as missing.
grn_missing_packages() {
  local pkg
  for pkg in "${GRN_PACKAGES[@]}"; do
    # Errors ("no packages found") are captured too: they never match.
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>&1)" != *'install ok installed'* ]]; then
      printf '%s\n' "$pkg"
    fi
  done
}

# Installs what is missing. As root: apt-get (update only when something is
# missing). Otherwise: prints the exact command to run and fails, because a
# build without the packages would only fail later and less clearly.
grn_install_packages() {
  if [[ -z "$(type -P dpkg-query)" ]]; then
    grn_say "packages: not a Debian/Ubuntu system; make sure these (or your system's equivalents)" \
      "are installed: ${GRN_PACKAGES[*]}"
    return 0
  fi
  local missing
  mapfile -t missing < <(grn_missing_packages)
  if ((${#missing[@]} == 0)); then
    grn_say "packages: all ${#GRN_PACKAGES[@]} present"
    return 0
  fi
  if [[ "$(id -u)" != 0 ]]; then
    grn_err "missing Debian packages: ${missing[*]}"
    printf '%s\n' "Install them with:" \
      "  sudo apt-get install -y --no-install-recommends ${missing[*]}" \
      "then run this command again." >&2
    return 1
  fi
  grn_say "packages: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || return 1
  apt-get install -y --no-install-recommends "${missing[@]}" || return 1
  # Check again: apt can succeed without installing (e.g. a held package).
  mapfile -t missing < <(grn_missing_packages)
  if ((${#missing[@]} != 0)); then
    grn_err "still missing after apt-get install: ${missing[*]}"
    return 1
  fi
}

# True if the build tree's cache has VAR set to exactly VALUE.
grn_cache_has() {
  local var="$1" value="$2"
  [[ -f "${GRN_BUILD_DIR}/CMakeCache.txt" ]] &&
    grep -qE "^${var}:[A-Z]+=${value}\$" "${GRN_BUILD_DIR}/CMakeCache.txt"
}

# Configures a Release build in GRN_BUILD_DIR unless it is already configured
# with the given -DVAR=VALUE settings (so a second run costs nothing).
# Usage: grn_configure [-DVAR=VALUE...]
grn_configure() {
  local cache="${GRN_BUILD_DIR}/CMakeCache.txt" needed=0 arg var value
  # A cache without build files is a configure that failed half-way: redo it.
  if [[ -f "$cache" && (-f "${GRN_BUILD_DIR}/Makefile" || -f "${GRN_BUILD_DIR}/build.ninja") ]]; then
    # A tree configured for another checkout cannot be reused; say so plainly
    # rather than let cmake fail with its own message.
    local home
    home="$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$cache")"
    if [[ -n "$home" && "$home" != "$GRN_ROOT" ]]; then
      grn_err "${GRN_BUILD_DIR} was configured for ${home}, not ${GRN_ROOT};" \
        "remove it or set GRN_BUILD_DIR to another directory"
      return 1
    fi
    for arg in "$@"; do
      var="${arg#-D}"
      value="${var#*=}"
      var="${var%%=*}"
      var="${var%%:*}"
      grn_cache_has "$var" "$value" || needed=1
    done
  else
    needed=1
  fi
  if ((needed == 0)); then
    grn_say "configure: ${GRN_BUILD_DIR} already configured"
    return 0
  fi
  grn_say "configure: ${GRN_BUILD_DIR} (Release${*:+ $*})"
  local build_type=()
  # Keep a build type someone chose on purpose; default to Release.
  [[ -f "$cache" ]] && grep -qE '^CMAKE_BUILD_TYPE:[A-Z]+=.+$' "$cache" ||
    build_type=(-DCMAKE_BUILD_TYPE=Release)
  cmake -S "$GRN_ROOT" -B "$GRN_BUILD_DIR" "${build_type[@]}" "$@"
}

# Builds the given targets (all when none) with every core.
# Usage: grn_build [target...]
grn_build() {
  local jobs targets=()
  jobs="$(nproc || echo 2)"
  local t
  for t in "$@"; do targets+=(--target "$t"); done
  grn_say "build: ${*:-all targets} with ${jobs} jobs"
  cmake --build "$GRN_BUILD_DIR" -j "$jobs" "${targets[@]}"
}

# Seconds since the epoch with decimals, for stage timings.
grn_now() { date +%s.%N; }
# Formats the seconds between two grn_now values as "12.3 s" or "4 min 05 s".
grn_elapsed() {
  awk -v a="$1" -v b="$2" 'BEGIN { d = b - a; if (d < 60) printf "%.1f s", d;
    else printf "%d min %02d s", int(d / 60), int(d) % 60 }'
}
