// What different requests to one process can share: the parts of an answer
// that depend on fewer fields than the request has, kept under a key of
// exactly those fields. A server answers from one data set that never
// changes while it runs (jobs::Data owns one of these beside it), so a train
// request that differs from an earlier one only in its token count reads
// the earlier layout search (the search does not read the tokens), and an
// infer request that differs only in its rate reads the earlier per-layout
// maximum rates (api/infer.cpp). Answers stay byte-identical: what is shared
// is what the request would compute, keyed by everything it is computed from.
// Bounded in entries; the least recently used go first. Thread-safe.
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <concepts>
#include <cstddef>
#include <iterator>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "perf/inference.h"
#include "perf/search.h"

namespace xpu::api {

template <class V>
class SharedAnswers {
 public:
  explicit SharedAnswers(size_t max_entries) : max_entries_(max_entries) {}

  // The stored value for `key` (and it becomes the most recently used), or null.
  std::shared_ptr<const V> get(const std::string& key) {
    const std::scoped_lock lock(mu_);
    const auto it = index_.find(key);
    if (it == index_.end()) {
      misses_.fetch_add(1, std::memory_order_relaxed);
      return nullptr;
    }
    hits_.fetch_add(1, std::memory_order_relaxed);
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }
  // Lookups so far that found their key, and that did not (a load test's hit rate).
  [[nodiscard]] long long hits() const { return hits_.load(std::memory_order_relaxed); }
  [[nodiscard]] long long misses() const { return misses_.load(std::memory_order_relaxed); }
  // Keeps `value` unless another thread stored one for `key` meanwhile (the same, computed from the same fields).
  void put(const std::string& key, std::shared_ptr<const V> value) {
    const std::scoped_lock lock(mu_);
    if (index_.count(key) != 0) return;
    lru_.emplace_front(key, std::move(value));
    index_.emplace(lru_.front().first, lru_.begin());
    while (lru_.size() > max_entries_) {
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const V>>;
  size_t max_entries_;
  std::atomic<long long> hits_{0}, misses_{0};
  std::mutex mu_;
  std::list<Entry> lru_;                                                             // front: most recently used
  std::unordered_map<std::string_view, typename std::list<Entry>::iterator> index_;  // views into lru_'s keys
};

// A key of several fields, each written so that different values give
// different keys: a string with its length (it may hold the separator), a
// number at full precision (fmt's shortest round trip), an enum as its
// value, an empty optional as "-". Which fields go in is the caller's
// business; train_search_key and infer_table_key name every field of their
// structs (structured bindings: a field added to a struct stops them
// compiling until it is in the key or said to be unread by the search).
class SharedKey {
 public:
  template <class... T>
  SharedKey& add(const T&... values) {
    (put(values), ...);
    return *this;
  }
  const std::string& str() const { return s_; }

 private:
  void put(std::string_view v) { fmt::format_to(std::back_inserter(s_), "{}:{}|", v.size(), v); }
  void put(const std::string& v) { put(std::string_view(v)); }
  void put(bool v) { s_ += v ? "1|" : "0|"; }
  template <class T>
  requires(std::integral<T> || std::floating_point<T>) void put(T v) {
    fmt::format_to(std::back_inserter(s_), "{}|", v);
  }
  template <class E>
  requires std::is_enum_v<E>
  void put(E v) { put(static_cast<std::underlying_type_t<E>>(v)); }
  template <class T>
  void put(const std::optional<T>& v) {
    if (v) {
      put(*v);
    } else {
      s_ += "-|";
    }
  }
  template <class T>
  requires requires(const T& t) { t.si(); }
  void put(const T& v) { put(v.si()); }
  std::string s_;
};

// A train request's layout search as the report reads it (best_layout_up_to's answer).
struct TrainSearchAnswer {
  int chips = 0;
  std::string fewer_because;
  Precision precision = Precision::bf16;
  SearchResult search;
};

struct Shared {
  // An entry's size, from sizeof on x86-64 (RankedLayout 264 B,
  // ServingEstimate 184 B): a train search holds up to top + 2 layouts with
  // their estimates (~2 KiB at the default top 5); a serving table up to two
  // estimates per cell, 44 cells for a dense model on an 8-chip domain (4
  // layouts x 11 caps), ~20 KiB. So about 1 MiB and 3 MiB at most.
  SharedAnswers<TrainSearchAnswer> train{512};
  SharedAnswers<ServingTable> serving{128};
};

}  // namespace xpu::api
