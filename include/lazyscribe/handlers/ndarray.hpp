#pragma once
/// @file handlers/ndarray.hpp
/// @brief lazyscribe::ndarray: an n-dimensional array of one numeric type in row-major (C)
/// order, the C++ side of a NumPy array (the `npy` handler, handlers/npy.hpp).

#include <bit>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <lazyscribe/errors.hpp>

namespace lazyscribe {

namespace detail {
template <class T>
inline constexpr bool is_character_v = std::is_same_v<T, char> || std::is_same_v<T, wchar_t> ||
                                       std::is_same_v<T, char8_t> || std::is_same_v<T, char16_t> ||
                                       std::is_same_v<T, char32_t>;
template <class T>
inline constexpr bool is_complex_v = std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>;
}  // namespace detail

/// @brief The element types a NumPy array of a numeric dtype maps to: bool, the integers of
/// 1, 2, 4 and 8 bytes (not the character types), float, double, and std::complex of those.
template <class T>
concept numpy_element =
    std::is_same_v<T, bool> ||
    (std::is_integral_v<T> && !detail::is_character_v<T> && (sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 ||
                                                             sizeof(T) == 8)) ||
    (std::is_same_v<T, float> && sizeof(float) == 4 && std::numeric_limits<float>::is_iec559) ||
    (std::is_same_v<T, double> && sizeof(double) == 8 && std::numeric_limits<double>::is_iec559) ||
    detail::is_complex_v<T>;

/// @brief NumPy's type string for T without its byte order: "b1", "i4", "u8", "f8", "c16".
template <numpy_element T>
std::string numpy_kind() {
    std::string kind;
    if constexpr (std::is_same_v<T, bool>) {
        kind = "b";
    } else if constexpr (std::is_integral_v<T>) {
        kind = std::is_signed_v<T> ? "i" : "u";
    } else if constexpr (std::is_floating_point_v<T>) {
        kind = "f";
    } else {
        kind = "c";
    }
    return kind + std::to_string(sizeof(T));
}

/// @brief NumPy's `descr` for T in this machine's byte order, as numpy.save writes it:
/// "<f8" (little-endian), ">i4" (big-endian), "|u1" and "|b1" (one byte: no order).
template <numpy_element T>
std::string numpy_descr() {
    const char order = sizeof(T) == 1 ? '|' : (std::endian::native == std::endian::little ? '<' : '>');
    return order + numpy_kind<T>();
}

/// @brief An n-dimensional array: its shape (outermost extent first; empty for a 0-d array,
/// which holds one value) and its values in row-major order, as NumPy's default C order.
template <numpy_element T>
struct ndarray {
    std::vector<std::size_t> shape;
    std::vector<T> values;

    ndarray() = default;
    /// @brief Throws format_error when the shape does not hold values.size() values.
    ndarray(std::vector<std::size_t> shape_, std::vector<T> values_)
        : shape(std::move(shape_)), values(std::move(values_)) {
        check();
    }

    /// @brief The number of values the shape holds (1 for a 0-d array); format_error on overflow.
    [[nodiscard]] static std::size_t element_count(const std::vector<std::size_t>& extents) {
        std::size_t n = 1;
        for (const auto e : extents) {
            if (e != 0 && n > std::numeric_limits<std::size_t>::max() / e) {
                throw format_error("ndarray: the shape's element count overflows");
            }
            n *= e;
        }
        return n;
    }
    /// @brief Throws format_error when shape and values disagree.
    void check() const {
        const auto n = element_count(shape);
        if (n != values.size()) {
            throw format_error("ndarray: the shape holds " + std::to_string(n) + " values, the array has " +
                               std::to_string(values.size()));
        }
    }

    friend bool operator==(const ndarray&, const ndarray&) = default;
};

}  // namespace lazyscribe
