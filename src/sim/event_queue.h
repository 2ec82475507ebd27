// The discrete-event queue: events ordered by (time, scheduling order), so
// events at equal times come out in the order they were pushed. A 4-ary
// implicit heap: half the depth of a binary heap and its four children share
// a cache line or two, which is what makes pops cheap.
#pragma once

#include <cstdint>
#include <vector>

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

}  // namespace xpu
