#include "sim/event_queue.h"

namespace xpu {

void EventQueue::clear() {
  heap_.clear();
  next_seq_ = 0;
}

}  // namespace xpu
