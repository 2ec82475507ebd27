#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include <queue>
#include <tuple>

#include "base/rng.h"

namespace xpu {
namespace {

TEST(EventQueue, EqualTimesComeOutInSchedulingOrder) {
  EventQueue q;
  const SimTime t = SimTime::from_ns(100);
  q.push(SimTime::from_ns(200), 9);
  for (uint64_t i = 0; i < 10; ++i) q.push(t, i);
  q.push(SimTime::from_ns(50), 99);
  EXPECT_EQ(q.pop().payload, 99u);
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(q.pop().payload, i);
  EXPECT_EQ(q.pop().payload, 9u);
  EXPECT_TRUE(q.empty());
}

// Against std::priority_queue on (time, sequence) over random pushes and pops.
TEST(EventQueue, MatchesAReferenceHeapOnRandomOperations) {
  using Key = std::tuple<int64_t, uint64_t, uint64_t>;
  std::priority_queue<Key, std::vector<Key>, std::greater<>> ref;
  EventQueue q;
  RngStream rng(7, 0, 0);
  uint64_t seq = 0;
  for (int i = 0; i < 20000; ++i) {
    if (ref.empty() || rng.uniform() < 0.55) {
      const auto t = static_cast<int64_t>(rng.next_u64() % 1000);  // many ties
      const uint64_t payload = rng.next_u64();
      EXPECT_EQ(q.push(SimTime::from_ns(t), payload), seq);
      ref.emplace(t, seq++, payload);
    } else {
      const Event e = q.pop();
      const auto [t, s, payload] = ref.top();
      ref.pop();
      ASSERT_EQ(e.time.ns(), t);
      ASSERT_EQ(e.seq, s);
      ASSERT_EQ(e.payload, payload);
    }
    ASSERT_EQ(q.size(), ref.size());
  }
}

}  // namespace
}  // namespace xpu
