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

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
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
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }
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
  std::mutex mu_;
  std::list<Entry> lru_;                                                             // front: most recently used
  std::unordered_map<std::string_view, typename std::list<Entry>::iterator> index_;  // views into lru_'s keys
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
