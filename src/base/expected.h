// A value or an error, for functions whose failure is an expected outcome
// (parsing user text). A small stand-in for C++23 std::expected.
#pragma once

#include <utility>
#include <variant>

#include "base/check.h"

namespace xpu {

template <class E>
struct Unexpected {
  E error;
};
template <class E>
Unexpected(E) -> Unexpected<E>;

template <class T, class E>
class Expected {
 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}            // NOLINT: implicit by design
  Expected(Unexpected<E> e) : v_(std::in_place_index<1>, std::move(e.error)) {}  // NOLINT

  [[nodiscard]] bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  const T& value() const& {
    XPU_CHECK(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    XPU_CHECK(has_value());
    return std::get<0>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  const E& error() const {
    XPU_CHECK(!has_value());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, E> v_;
};

}  // namespace xpu
