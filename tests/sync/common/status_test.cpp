// Tests for Status and Result<T>.
#include <catch2/catch.hpp>

#include "sync/common/status.h"

namespace {

mk::Result<int> Half(int v) {
  if (v % 2 != 0) return mk::InvalidArgument(std::to_string(v) + " is odd");
  return v / 2;
}

mk::Result<int> Quarter(int v) {
  MK_ASSIGN_OR_RETURN(int half, Half(v));
  MK_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

}  // namespace

TEST_CASE("Result carries a value or an error with context", "[common]") {
  auto ok = Quarter(8);
  REQUIRE(ok.ok());
  CHECK(*ok == 2);
  CHECK(ok.status().ok());

  auto bad = Quarter(6);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == mk::ErrorCode::kInvalidArgument);
  CHECK(bad.status().message() == "3 is odd");
  CHECK(bad.status().WithContext("line 4").message() == "line 4: 3 is odd");
  CHECK(std::string(mk::ErrorCodeName(bad.status().code())) == "invalid_argument");
}
