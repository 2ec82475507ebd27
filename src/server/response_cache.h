// Answers of the short routes kept in memory. The data a server answers from
// is loaded once and never changes while it runs, and the short jobs
// (catalog, models, prices, train, infer, compare, ...) are deterministic
// functions of their request, so an answer can be served again for the same
// request. The key is the job's kind and its request as canonical JSON
// (nlohmann::json keeps an object's keys sorted and dump() writes no
// whitespace), so field order and spacing in a body do not matter. Bounded
// in entries and in bytes (keys and bodies); the least recently used go first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace xpu::server {

class ResponseCache {
 public:
  struct Answer {
    int status = 200;
    std::string body;
  };
  struct Stats {
    size_t entries = 0, bytes = 0, max_entries = 0, max_bytes = 0;
    uint64_t hits = 0, misses = 0, evictions = 0;
  };

  // Either bound 0: the cache keeps nothing (every lookup is a miss).
  ResponseCache(size_t max_bytes, size_t max_entries);

  [[nodiscard]] bool enabled() const { return max_bytes_ > 0 && max_entries_ > 0; }
  // The stored answer for `key` (and it becomes the most recently used), or nullopt (counted as a miss).
  std::optional<Answer> get(const std::string& key);
  // Stores an answer; one larger than the byte bound is not kept.
  void put(const std::string& key, Answer answer);
  Stats stats();

 private:
  struct Entry {
    std::string key;
    Answer answer;
  };
  static size_t size_of(const Entry& e) { return e.key.size() + e.answer.body.size() + sizeof(Entry); }

  size_t max_bytes_, max_entries_;
  std::mutex mu_;
  std::list<Entry> lru_;                                                    // front: most recently used
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views into lru_'s keys
  size_t bytes_ = 0;
  uint64_t hits_ = 0, misses_ = 0, evictions_ = 0;
};

}  // namespace xpu::server
