// Strong ids: an index into one kind of list that cannot be mixed up with an
// index into another (an OfferId does not index the workloads). Ids compare
// and order like their values, and print as them.
#pragma once

#include <compare>
#include <cstddef>

namespace xpu {

template <class Tag>
class Id {
 public:
  constexpr Id() = default;
  constexpr explicit Id(int value) : v_(value) {}
  constexpr explicit Id(size_t index) : v_(static_cast<int>(index)) {}

  [[nodiscard]] constexpr int value() const { return v_; }
  // The position in the list the id refers to.
  [[nodiscard]] constexpr size_t index() const { return static_cast<size_t>(v_); }

  friend constexpr auto operator<=>(Id, Id) = default;
  friend constexpr bool operator==(Id, Id) = default;

 private:
  int v_ = 0;
};

}  // namespace xpu
