// A plain parallel loop under the caller's thread budget.
//
// Work is handed out from a shared counter; callers write results into
// per-index slots, so the outcome does not depend on the budget. Library code
// never asks the hardware how many cores it has: a shell (CLI, server) turns
// a user's "0 = all cores" into a budget once and passes it down, so nested
// loops and concurrent requests do not oversubscribe the machine.
#pragma once

#include <cstddef>
#include <functional>

namespace xpu {

class ThreadBudget {
 public:
  constexpr ThreadBudget() = default;  // one thread
  // At least one thread: 0 is taken as 1 (only a shell resolves "0 = all cores").
  constexpr explicit ThreadBudget(unsigned threads) : threads_(threads == 0 ? 1 : threads) {}
  [[nodiscard]] constexpr unsigned threads() const { return threads_; }
  friend constexpr bool operator==(ThreadBudget, ThreadBudget) = default;

 private:
  unsigned threads_ = 1;
};

// For shells: the budget a user's --threads means (0 = every hardware thread
// of this machine, at least 1).
ThreadBudget budget_for_request(unsigned requested);

// body(i) for i in [0, n) on up to budget.threads() threads (never more than
// n). Exceptions thrown by body are rethrown (the first one) after all threads
// have stopped.
void parallel_for(size_t n, const std::function<void(size_t)>& body, ThreadBudget budget);

}  // namespace xpu
