// A plain parallel loop: body(i) for i in [0, n) on up to `threads` threads.
// Work is handed out in chunks from a shared counter; callers write results
// into per-index slots, so the outcome does not depend on the thread count.
#pragma once

#include <cstddef>
#include <functional>

namespace xpu {

// threads = 0 uses std::thread::hardware_concurrency(). Exceptions thrown by
// body are rethrown (the first one) after all threads have stopped.
void parallel_for(size_t n, const std::function<void(size_t)>& body, unsigned threads = 0);

// The thread count parallel_for uses for `threads` (resolves 0).
unsigned resolve_threads(unsigned threads);

}  // namespace xpu
