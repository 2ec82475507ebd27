#include "base/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace xpu {

ThreadBudget budget_for_request(unsigned requested) {
  if (requested > 0) return ThreadBudget(requested);
  return ThreadBudget(std::thread::hardware_concurrency());  // 0 when unknown: one thread
}

void parallel_for(size_t n, const std::function<void(size_t)>& body, ThreadBudget budget) {
  const auto t = static_cast<unsigned>(std::min<size_t>(budget.threads(), std::max<size_t>(n, 1)));
  if (t <= 1) {
    for (size_t i = 0; i < n; ++i) body(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto worker = [&] {
    try {
      for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) body(i);
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
      next.store(n);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(t - 1);
  for (unsigned k = 1; k < t; ++k) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace xpu
