// lazyscribe::ndarray (handlers/ndarray.hpp): shape checks, NumPy's dtype strings, and the byte
// decoding the npy and pickle handlers share (byte order, Fortran order).
#include "support.hpp"

#include <lazyscribe/handlers/ndarray.hpp>

#include <catch2/catch.hpp>

#include <complex>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ls = lazyscribe;

TEST_CASE("ndarray: the shape must hold the values, and counts do not overflow") {
    CHECK(ls::ndarray<int>({2, 3}, {1, 2, 3, 4, 5, 6}).values.size() == 6);
    CHECK(ls::ndarray<int>({}, {7}).shape.empty());  // 0-d: one value
    CHECK(ls::ndarray<int>({0, 4}, {}).values.empty());
    CHECK_THROWS_WITH((ls::ndarray<int>({2, 2}, {1})), Catch::Contains("holds 4 values, the array has 1"));
    const auto huge = std::numeric_limits<std::size_t>::max() / 2;
    CHECK_THROWS_WITH(ls::ndarray<int>::element_count({huge, 3}), Catch::Contains("overflows"));
    CHECK(ls::ndarray<int>::element_count({huge, 0}) == 0);
}

TEST_CASE("ndarray: NumPy's dtype strings for each element type") {
    CHECK(ls::numpy_descr<bool>() == "|b1");
    CHECK(ls::numpy_descr<std::int8_t>() == "|i1");
    CHECK(ls::numpy_descr<std::uint8_t>() == "|u1");
    CHECK(ls::numpy_descr<std::int64_t>() == "<i8");
    CHECK(ls::numpy_descr<long long>() == "<i8");
    CHECK(ls::numpy_descr<std::uint16_t>() == "<u2");
    CHECK(ls::numpy_descr<float>() == "<f4");
    CHECK(ls::numpy_descr<std::complex<double>>() == "<c16");
    static_assert(!ls::numpy_element<char> && !ls::numpy_element<long double> && !ls::numpy_element<std::string>);
}

TEST_CASE("ndarray: bytes in the other order and in Fortran order decode to C order") {
    CHECK(ls::detail::byte_swapped(std::uint32_t{0x01020304}) == 0x04030201U);
    const auto c = ls::detail::byte_swapped(std::complex<float>(1, 2));
    CHECK(ls::detail::byte_swapped(c) == std::complex<float>(1, 2));  // each part swapped on its own
    const std::vector<std::int16_t> column_major{1, 4, 2, 5, 3, 6};  // [[1, 2, 3], [4, 5, 6]]
    const std::string raw(reinterpret_cast<const char*>(column_major.data()), column_major.size() * 2);
    CHECK(ls::detail::ndarray_from_bytes<std::int16_t>(raw, {2, 3}, true, false) ==
          ls::ndarray<std::int16_t>({2, 3}, {1, 2, 3, 4, 5, 6}));
    CHECK(ls::detail::ndarray_from_bytes<std::int16_t>(raw, {6}, false, true).values.front() == 0x0100);
    CHECK_THROWS_WITH(ls::detail::ndarray_from_bytes<std::int16_t>(raw, {4}, false, false),
                      Catch::Contains("12 bytes of data for 4 values"));
    CHECK_THROWS_WITH(ls::detail::ndarray_from_bytes<bool>(std::string("\x02", 1), {1}, false, false),
                      Catch::Contains("neither 0 nor 1"));
}
