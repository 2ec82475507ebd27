// Shared by the libFuzzer targets: the input as text, the invariants every
// reader must keep beyond "no crash", and the shipped data loaded once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/diagnostics.h"
#include "catalog/data_set.h"

namespace xpu::fuzz {

inline std::string text_of(const uint8_t* data, size_t size) { return {reinterpret_cast<const char*>(data), size}; }

// An invariant broke: report it and abort, so libFuzzer keeps the input.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what.c_str());
  std::abort();
}

inline void require(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

// Every diagnostic says where (a file, with its line when it has one, or a
// JSON pointer / flag) and what (a message).
inline void require_located(const Diagnostics& ds) {
  for (const Diagnostic& d : ds) {
    if (d.where.file.empty() && d.where.pointer.empty()) fail("diagnostic without a location: " + d.message);
    if (d.message.empty()) fail("diagnostic without a message at " + d.where.file + d.where.pointer);
  }
}

// The shipped data (data/), loaded once per process.
const DataSet& shipped_data();

}  // namespace xpu::fuzz
