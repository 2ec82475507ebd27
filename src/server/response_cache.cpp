#include "server/response_cache.h"

namespace xpu::server {

ResponseCache::ResponseCache(size_t max_bytes, size_t max_entries) : max_bytes_(max_bytes), max_entries_(max_entries) {}

std::optional<ResponseCache::Answer> ResponseCache::get(const std::string& key) {
  const std::scoped_lock lock(mu_);
  const auto it = index_.find(key);
  if (it == index_.end()) {
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->answer;
}

void ResponseCache::put(const std::string& key, Answer answer) {
  if (!enabled()) return;
  Entry e{key, std::move(answer)};
  const size_t size = size_of(e);
  if (size > max_bytes_) return;
  const std::scoped_lock lock(mu_);
  if (index_.count(key) != 0) return;  // another thread answered the same request meanwhile
  lru_.push_front(std::move(e));
  index_.emplace(lru_.front().key, lru_.begin());
  bytes_ += size;
  while (bytes_ > max_bytes_ || lru_.size() > max_entries_) {
    const Entry& last = lru_.back();
    bytes_ -= size_of(last);
    index_.erase(last.key);
    lru_.pop_back();
    ++evictions_;
  }
}

ResponseCache::Stats ResponseCache::stats() {
  const std::scoped_lock lock(mu_);
  return {lru_.size(), bytes_, max_entries_, max_bytes_, hits_, misses_, evictions_};
}

}  // namespace xpu::server
