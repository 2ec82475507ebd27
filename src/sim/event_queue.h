// The discrete-event queue: events ordered by (time, scheduling order), so
// events at equal times come out in the order they were pushed. A 4-ary
// implicit heap: half the depth of a binary heap and its four children share
// a cache line or two, which is what makes pops cheap.
#pragma once

#include <cstdint>
#include <vector>

#include "base/check.h"
#include "base/sim_time.h"

namespace xpu {

struct Event {
  SimTime time;
  uint64_t seq = 0;      // scheduling order, assigned by push()
  uint64_t payload = 0;  // what the event means, packed by its owner
};

class EventQueue {
 public:
  // Schedules `payload` at `time`; returns its sequence number.
  uint64_t push(SimTime time, uint64_t payload);
  // The earliest event (ties: the first pushed). Precondition: !empty().
  const Event& top() const { return heap_.front(); }
  Event pop();
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  // Drops every event and restarts sequence numbers (keeps the memory).
  void clear();
  void reserve(size_t n) { heap_.reserve(n); }

 private:
  static bool before(const Event& a, const Event& b) { return a.time < b.time || (a.time == b.time && a.seq < b.seq); }
  std::vector<Event> heap_;
  uint64_t next_seq_ = 0;
};

// Inline: the event loop calls these millions of times per second.
inline uint64_t EventQueue::push(SimTime time, uint64_t payload) {
  const Event e{time, next_seq_++, payload};
  // Sift up with a hole instead of swaps.
  size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    const size_t parent = (i - 1) / 4;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
  return e.seq;
}

inline Event EventQueue::pop() {
  XPU_CHECK(!heap_.empty());
  const Event out = heap_.front();
  const Event last = heap_.back();
  heap_.pop_back();
  const size_t n = heap_.size();
  if (n == 0) return out;
  // Sift the last element down from the root, moving the hole.
  size_t i = 0;
  for (;;) {
    const size_t first = 4 * i + 1;
    if (first >= n) break;
    size_t best = first;
    const size_t end = first + 4 < n ? first + 4 : n;
    for (size_t c = first + 1; c < end; ++c) {
      if (before(heap_[c], heap_[best])) best = c;
    }
    if (!before(heap_[best], last)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = last;
  return out;
}

}  // namespace xpu
