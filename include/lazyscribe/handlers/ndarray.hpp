#pragma once
/// @file handlers/ndarray.hpp
/// @brief lazyscribe::ndarray: an n-dimensional array of one numeric type in row-major (C)
/// order, the C++ side of a NumPy array (the `npy` handler, handlers/npy.hpp).

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
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

namespace detail {
// The kind letter of T ('b', 'i', 'u', 'f', 'c') and its size, after `order` unless it is 0.
// Written into a char buffer: GCC 12 at -O3 warns falsely (-Wrestrict) on the std::string
// assignments and concatenations this would otherwise take.
template <numpy_element T>
std::string dtype_text(char order) {
    char letter = 'c';
    if constexpr (std::is_same_v<T, bool>) {
        letter = 'b';
    } else if constexpr (std::is_integral_v<T>) {
        letter = std::is_signed_v<T> ? 'i' : 'u';
    } else if constexpr (std::is_floating_point_v<T>) {
        letter = 'f';
    }
    char text[8] = {};
    char* out = text;
    if (order != 0) *out++ = order;
    *out++ = letter;
    out = std::to_chars(out, text + sizeof text, sizeof(T)).ptr;
    return {text, out};
}
}  // namespace detail

/// @brief NumPy's type string for T without its byte order: "b1", "i4", "u8", "f8", "c16".
template <numpy_element T>
std::string numpy_kind() {
    return detail::dtype_text<T>(0);
}

/// @brief NumPy's `descr` for T in this machine's byte order, as numpy.save writes it:
/// "<f8" (little-endian), ">i4" (big-endian), "|u1" and "|b1" (one byte: no order).
template <numpy_element T>
std::string numpy_descr() {
    return detail::dtype_text<T>(sizeof(T) == 1 ? '|' : (std::endian::native == std::endian::little ? '<' : '>'));
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

namespace detail {

/// `value` with its bytes in the other order (each part of a complex number on its own).
template <class T>
T byte_swapped(T value) {
    std::array<unsigned char, sizeof(T)> bytes{};
    std::memcpy(bytes.data(), &value, sizeof(T));
    if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) {
        // Each of the two parts is swapped on its own.
        constexpr std::size_t half = sizeof(T) / 2;
        std::reverse(bytes.begin(), bytes.begin() + half);
        std::reverse(bytes.begin() + half, bytes.end());
    } else {
        std::reverse(bytes.begin(), bytes.end());
    }
    std::memcpy(&value, bytes.data(), sizeof(T));
    return value;
}

/// Reorders a Fortran-order (column-major) array's values into C (row-major) order.
template <numpy_element T>
void to_c_order(ndarray<T>& array) {
    if (array.shape.size() < 2) return;
    // The value at index (i0, ..., ik) moves from the position with i0 fastest to the one
    // with ik fastest.
    std::vector<T> c_order(array.values.size());
    std::vector<std::size_t> index(array.shape.size(), 0);
    for (std::size_t f = 0; f < array.values.size(); ++f) {
        std::size_t c = 0;
        for (std::size_t d = 0; d < array.shape.size(); ++d) c = c * array.shape[d] + index[d];
        c_order[c] = array.values[f];
        for (std::size_t d = 0; d < array.shape.size(); ++d) {  // i0 fastest
            if (++index[d] < array.shape[d]) break;
            index[d] = 0;
        }
    }
    array.values = std::move(c_order);
}

/// An array of T from the raw bytes of a NumPy array of T's kind: `swap` when they are in the
/// other byte order, `fortran` when in column-major order. format_error when the byte count
/// is not the shape's.
template <numpy_element T>
ndarray<T> ndarray_from_bytes(std::string_view raw, std::vector<std::size_t> shape, bool fortran, bool swap) {
    ndarray<T> out;
    out.shape = std::move(shape);
    const std::size_t count = ndarray<T>::element_count(out.shape);
    if (count > raw.size() / sizeof(T) || raw.size() != count * sizeof(T)) {
        throw format_error("ndarray: " + std::to_string(raw.size()) + " bytes of data for " + std::to_string(count) +
                           " values of " + std::to_string(sizeof(T)) + " bytes");
    }
    if constexpr (std::is_same_v<T, bool>) {
        out.values.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            const auto b = static_cast<unsigned char>(raw[i]);
            if (b > 1) throw format_error("ndarray: a bool value that is neither 0 nor 1");
            out.values.push_back(b == 1);
        }
    } else {
        out.values.resize(count);
        if (count > 0) std::memcpy(out.values.data(), raw.data(), count * sizeof(T));
        if (swap) {
            for (auto& value : out.values) value = byte_swapped(value);
        }
    }
    if (fortran) to_c_order(out);
    return out;
}

}  // namespace detail

}  // namespace lazyscribe
