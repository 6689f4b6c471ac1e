#pragma once
/// @file handlers/npy.hpp
/// @brief The `npy` handler: NumPy's .npy format (format version 1.0, 2.0 and 3.0), so that
/// `numpy.load(path)` opens what C++ logged and C++ loads what `numpy.save` wrote. Opt-in: add
/// it to a list, `lazyscribe::builtin_handlers::with<lazyscribe::npy_handler>`.
///
/// Writes lazyscribe::ndarray<T> and std::vector<T> (one dimension) byte for byte as
/// `numpy.save` (numpy 1.24) writes the same array. Reads those types from a file of exactly
/// T's dtype, in either byte order and in C or Fortran order; anything else (another dtype, a
/// structured or object dtype, a truncated file) is a format_error naming what the file holds.
/// Other array types join through lazyscribe::npy_array_traits (handlers/eigen.hpp uses it).

#include <algorithm>
#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <istream>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <lazyscribe/errors.hpp>
#include <lazyscribe/handler.hpp>
#include <lazyscribe/handlers/ndarray.hpp>
#include <lazyscribe/json.hpp>

namespace lazyscribe {

namespace detail::npy {

inline constexpr std::string_view magic = "\x93NUMPY";
inline constexpr std::size_t array_align = 64;           // numpy's ARRAY_ALIGN
inline constexpr std::size_t growth_axis_max_digits = 21;  // numpy's GROWTH_AXIS_MAX_DIGITS

template <class T>
struct is_ndarray : std::false_type {};
template <class T>
struct is_ndarray<ndarray<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

/// Python's repr of a shape tuple: "()", "(3,)", "(2, 3)".
inline std::string shape_repr(const std::vector<std::size_t>& shape) {
    std::string out = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) out += ", ";
        out += std::to_string(shape[i]);
    }
    if (shape.size() == 1) out += ",";
    return out + ")";
}

/// The whole header, magic to newline, as numpy.save (numpy 1.24) writes it for a C-order
/// array, or a Fortran-order one when `fortran`.
inline std::string header(const std::string& descr, const std::vector<std::size_t>& shape, bool fortran = false) {
    std::string dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': " + shape_repr(shape) + ", }";
    // numpy leaves room to grow in place the axis that varies slowest: the first in C order,
    // the last in Fortran order.
    if (!shape.empty()) {
        dict.append(growth_axis_max_digits - std::to_string(fortran ? shape.back() : shape[0]).size(), ' ');
    }
    const std::size_t hlen = dict.size() + 1;  // with the newline
    const auto padding = [&](std::size_t length_bytes) {
        return array_align - ((magic.size() + 2 + length_bytes + hlen) % array_align);
    };
    // Version 1.0 while its 2-byte length holds the header, as numpy chooses.
    const bool v1 = hlen + padding(2) <= std::numeric_limits<std::uint16_t>::max();
    const std::size_t padlen = padding(v1 ? 2 : 4);
    const std::size_t total = hlen + padlen;
    std::string out(magic);
    out += static_cast<char>(v1 ? 1 : 2);
    out += '\0';
    for (std::size_t i = 0; i < (v1 ? 2U : 4U); ++i) out += static_cast<char>((total >> (8 * i)) & 0xFFU);
    out += dict;
    out.append(padlen, ' ');
    out += '\n';
    return out;
}

/// True when an array of this shape is C-contiguous whatever its memory order, as NumPy
/// decides it: no two extents above 1, or no values at all. numpy.save then writes
/// 'fortran_order': False even for a Fortran-ordered array.
inline bool c_contiguous(const std::vector<std::size_t>& shape) {
    if (std::find(shape.begin(), shape.end(), std::size_t{0}) != shape.end()) return true;
    return std::count_if(shape.begin(), shape.end(), [](std::size_t e) { return e > 1; }) < 2;
}

template <numpy_element T>
void write_values(const T* data, std::size_t count, std::ostream& out) {
    if constexpr (std::is_same_v<T, bool>) {
        for (std::size_t i = 0; i < count; ++i) out.put(data[i] ? '\1' : '\0');
    } else {
        out.write(reinterpret_cast<const char*>(data),  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
                  static_cast<std::streamsize>(count * sizeof(T)));
    }
}
template <numpy_element T>
void write_values(const std::vector<T>& values, std::ostream& out) {
    if constexpr (std::is_same_v<T, bool>) {
        for (const bool b : values) out.put(b ? '\1' : '\0');
    } else {
        write_values(values.data(), values.size(), out);
    }
}

/// The dictionary of a .npy header, as far as this handler needs it.
struct header_fields {
    std::string descr;
    bool fortran_order = false;
    std::vector<std::size_t> shape;
};

/// Parses the Python literal numpy writes: {'descr': '<f8', 'fortran_order': False, 'shape': (3,), }
/// (keys in any order, either quote, an `L` after an integer as Python 2 wrote it).
class header_parser {
public:
    explicit header_parser(std::string_view text) : text_(text) {}

    header_fields parse() {
        header_fields f;
        bool seen_descr = false;
        bool seen_order = false;
        bool seen_shape = false;
        expect('{');
        while (true) {
            skip_space();
            if (peek() == '}') break;
            const std::string key = quoted();
            expect(':');
            skip_space();
            if (key == "descr") {
                if (peek() != '\'' && peek() != '"') {
                    fail("'descr' is not a simple dtype string (a structured or subarray dtype): not supported");
                }
                f.descr = quoted();
                seen_descr = true;
            } else if (key == "fortran_order") {
                f.fortran_order = boolean();
                seen_order = true;
            } else if (key == "shape") {
                f.shape = tuple();
                seen_shape = true;
            } else {
                fail("unknown key '" + key + "'");
            }
            skip_space();
            if (peek() == ',') {
                ++at_;
                continue;
            }
            skip_space();
            if (peek() != '}') fail("expected ',' or '}'");
        }
        if (!seen_descr || !seen_order || !seen_shape) fail("the header lacks 'descr', 'fortran_order' or 'shape'");
        return f;
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw format_error("npy: header " + std::string(text_.substr(0, 200)) + ": " + why);
    }
    char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }
    void skip_space() {
        while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n')) ++at_;
    }
    void expect(char c) {
        skip_space();
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++at_;
    }
    std::string quoted() {
        skip_space();
        const char q = peek();
        if (q != '\'' && q != '"') fail("expected a quoted string");
        const auto end = text_.find(q, at_ + 1);
        if (end == std::string_view::npos) fail("an unterminated string");
        std::string s(text_.substr(at_ + 1, end - at_ - 1));
        at_ = end + 1;
        return s;
    }
    bool boolean() {
        if (text_.substr(at_, 4) == "True") {
            at_ += 4;
            return true;
        }
        if (text_.substr(at_, 5) == "False") {
            at_ += 5;
            return false;
        }
        fail("'fortran_order' is not True or False");
    }
    std::vector<std::size_t> tuple() {
        expect('(');
        std::vector<std::size_t> out;
        while (true) {
            skip_space();
            if (peek() == ')') break;
            std::size_t value = 0;
            bool digits = false;
            while (peek() >= '0' && peek() <= '9') {
                const auto d = static_cast<std::size_t>(peek() - '0');
                if (value > (std::numeric_limits<std::size_t>::max() - d) / 10) fail("an extent too large");
                value = value * 10 + d;
                digits = true;
                ++at_;
            }
            if (!digits) fail("'shape' is not a tuple of non-negative integers");
            if (peek() == 'L') ++at_;
            out.push_back(value);
            skip_space();
            if (peek() == ',') {
                ++at_;
            } else if (peek() != ')') {
                fail("expected ',' or ')' in 'shape'");
            }
        }
        ++at_;
        return out;
    }

    std::string_view text_;
    std::size_t at_ = 0;
};

inline std::string dtype_name(std::string_view kind) {
    if (kind == "b1") return "bool";
    const char k = kind.empty() ? '?' : kind[0];
    const std::string bits = std::to_string(std::atoi(std::string(kind.substr(1)).c_str()) * 8);
    switch (k) {
    case 'i': return "int" + bits;
    case 'u': return "uint" + bits;
    case 'f': return "float" + bits;
    case 'c': return "complex" + bits;
    default: return "another type";
    }
}

/// Reads the header and the values of a T array: C order, this machine's byte order.
template <numpy_element T>
ndarray<T> read(std::istream& in) {
    std::array<char, 8> start{};
    in.read(start.data(), start.size());
    if (in.gcount() != static_cast<std::streamsize>(start.size()) ||
        std::string_view(start.data(), magic.size()) != magic) {
        throw format_error("npy: not a .npy file (no \\x93NUMPY magic)");
    }
    const int major = static_cast<unsigned char>(start[6]);
    if (major < 1 || major > 3) throw format_error("npy: format version " + std::to_string(major) + " is not 1, 2 or 3");
    const std::size_t length_bytes = major == 1 ? 2 : 4;
    std::array<unsigned char, 4> length{};
    in.read(reinterpret_cast<char*>(length.data()),  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
            static_cast<std::streamsize>(length_bytes));
    if (in.gcount() != static_cast<std::streamsize>(length_bytes)) throw format_error("npy: truncated header");
    std::size_t header_length = 0;
    for (std::size_t i = 0; i < length_bytes; ++i) header_length |= std::size_t{length[i]} << (8 * i);
    constexpr std::size_t max_header = std::size_t{1} << 20;  // numpy refuses over 10,000 bytes by default
    if (header_length > max_header) throw format_error("npy: a header of " + std::to_string(header_length) + " bytes");
    std::string text(header_length, '\0');
    in.read(text.data(), static_cast<std::streamsize>(header_length));
    if (in.gcount() != static_cast<std::streamsize>(header_length)) throw format_error("npy: truncated header");
    const auto fields = header_parser(text).parse();

    const std::string& descr = fields.descr;
    if (descr.size() < 3 || std::string("<>|=").find(descr[0]) == std::string::npos) {
        throw format_error("npy: dtype '" + descr + "' is not a numeric dtype (object, string or datetime arrays are "
                                                    "not supported)");
    }
    const std::string kind = descr.substr(1);
    if (kind != numpy_kind<T>()) {
        throw format_error("npy: the file holds " + dtype_name(kind) + " ('" + descr + "'), not the requested " +
                           dtype_name(numpy_kind<T>()) + " ('" + numpy_descr<T>() + "')");
    }
    const bool file_little = descr[0] == '<' || (descr[0] != '>' && std::endian::native == std::endian::little);
    const bool swap = sizeof(T) > 1 && file_little != (std::endian::native == std::endian::little);

    ndarray<T> out;
    out.shape = fields.shape;
    const std::size_t count = ndarray<T>::element_count(out.shape);
    // Read straight into the values, a chunk at a time: a header that claims more than the file
    // holds costs nothing, and the data is copied once (std::vector<bool> excepted).
    constexpr std::size_t chunk = (std::size_t{1} << 20) / sizeof(T) + 1;
    std::vector<unsigned char> raw;  // for bool only
    // Up to 64 MiB are reserved at once (address space, not memory, until the data arrives); a
    // header's claim beyond that grows only as data arrives.
    out.values.reserve(std::min(count, (std::size_t{64} << 20) / sizeof(T)));
    for (std::size_t done = 0; done < count;) {
        const std::size_t n = std::min(chunk, count - done);
        char* target = nullptr;
        if constexpr (std::is_same_v<T, bool>) {
            raw.resize(n);
            target = reinterpret_cast<char*>(raw.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
        } else {
            if (out.values.capacity() < done + n) out.values.reserve(std::max(done + n, 2 * out.values.capacity()));
            out.values.resize(done + n);
            target = reinterpret_cast<char*>(out.values.data() + done);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
        }
        in.read(target, static_cast<std::streamsize>(n * sizeof(T)));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got != n * sizeof(T)) {
            throw format_error("npy: truncated data: the shape " + shape_repr(out.shape) + " needs " +
                               std::to_string(count * sizeof(T)) + " bytes, the file has " +
                               std::to_string(done * sizeof(T) + got));
        }
        if constexpr (std::is_same_v<T, bool>) {
            for (std::size_t i = 0; i < n; ++i) {
                if (raw[i] > 1) throw format_error("npy: a bool value that is neither 0 nor 1");
                out.values.push_back(raw[i] == 1);
            }
        } else if (swap) {
            for (std::size_t i = done; i < done + n; ++i) out.values[i] = detail::byte_swapped(out.values[i]);
        }
        done += n;
    }
    if (in.peek() != std::char_traits<char>::eof()) {
        throw format_error("npy: bytes after the array's data (a file holds one array)");
    }
    if (fields.fortran_order) detail::to_c_order(out);
    return out;
}

}  // namespace detail::npy

/// @brief What the npy handler writes for a type given through npy_array_traits: `data` points
/// at the shape's element count of values, contiguous, in row-major (C) order, or in
/// column-major (Fortran) order when `fortran_order`. It borrows the value's memory.
template <numpy_element T>
struct npy_array_view {
    const T* data = nullptr;
    std::vector<std::size_t> shape;
    bool fortran_order = false;
};

/// @brief Customization point for array types of other libraries, so that npy_handler writes
/// and reads them as NumPy arrays (handlers/eigen.hpp specialises it for Eigen). The primary
/// template is empty: no type takes part unless a specialisation says
/// - `using element_type = E;` (a numpy_element: the file's dtype must be exactly E's);
/// - to write, `static npy_array_view<E> view(const A&);`
/// - to read, `static A from_ndarray(ndarray<E>&& array);` given the file's values in C order
///   whatever the file's order; it throws format_error for a shape A cannot hold.
template <class A>
struct npy_array_traits {};

namespace detail::npy {
template <class A>
concept has_element_type = numpy_element<typename npy_array_traits<A>::element_type>;
template <class A>
concept traits_writable = has_element_type<A> && requires(const A& value) {
    { npy_array_traits<A>::view(value) } -> std::same_as<npy_array_view<typename npy_array_traits<A>::element_type>>;
};
template <class A>
concept traits_readable = has_element_type<A> && requires(ndarray<typename npy_array_traits<A>::element_type>&& a) {
    { npy_array_traits<A>::from_ndarray(std::move(a)) } -> std::same_as<A>;
};
}  // namespace detail::npy

/// @brief NumPy's .npy files: numeric arrays a Python colleague opens with `numpy.load`.
struct npy_handler {
    static constexpr std::string_view alias = "npy";
    static constexpr std::string_view suffix = "npy";
    static constexpr bool binary = true;
    static constexpr bool output_only = false;

    /// @brief The npy handler takes no writer kwargs; called at log time.
    static void check_write_kwargs(const json& kwargs) { reject_kwargs(kwargs, "write"); }

    template <numpy_element T>
    static void write(const ndarray<T>& array, std::ostream& out, const json& kwargs) {
        reject_kwargs(kwargs, "write");
        array.check();
        out << detail::npy::header(numpy_descr<T>(), array.shape);
        detail::npy::write_values(array.values, out);
    }
    template <numpy_element T>
    static void write(const std::vector<T>& values, std::ostream& out, const json& kwargs) {
        reject_kwargs(kwargs, "write");
        out << detail::npy::header(numpy_descr<T>(), {values.size()});
        detail::npy::write_values(values, out);
    }
    /// @brief A type given through npy_array_traits, its memory as it is: a column-major value
    /// is written in Fortran order, as numpy.save writes a Fortran-contiguous array.
    template <detail::npy::traits_writable A>
    static void write(const A& value, std::ostream& out, const json& kwargs) {
        using T = typename npy_array_traits<A>::element_type;
        reject_kwargs(kwargs, "write");
        const npy_array_view<T> view = npy_array_traits<A>::view(value);
        const std::size_t count = ndarray<T>::element_count(view.shape);
        // numpy writes 'fortran_order': True only for an array that is not C-contiguous too.
        out << detail::npy::header(numpy_descr<T>(), view.shape,
                                   view.fortran_order && !detail::npy::c_contiguous(view.shape));
        detail::npy::write_values(view.data, count, out);
    }

    /// @brief An ndarray<T> of any shape, a std::vector<T> from a one-dimensional array, or a
    /// type given through npy_array_traits (which checks the shape).
    template <class A>
    requires(detail::npy::is_ndarray<A>::value || detail::npy::traits_readable<A> ||
             (detail::npy::is_vector<A>::value && numpy_element<typename A::value_type>))
    static A read(std::istream& in, const json& kwargs) {
        reject_kwargs(kwargs, "read");
        if constexpr (detail::npy::traits_readable<A>) {
            return npy_array_traits<A>::from_ndarray(detail::npy::read<typename npy_array_traits<A>::element_type>(in));
        } else if constexpr (detail::npy::is_ndarray<A>::value) {
            return detail::npy::read<typename decltype(A::values)::value_type>(in);
        } else {
            auto array = detail::npy::read<typename A::value_type>(in);
            if (array.shape.size() != 1) {
                throw format_error("npy: the array's shape is " + detail::npy::shape_repr(array.shape) +
                                   ": read it as lazyscribe::ndarray, a std::vector takes one dimension");
            }
            return std::move(array.values);
        }
    }

private:
    static void reject_kwargs(const json& kwargs, const char* what) {
        if (!kwargs.is_null() && !(kwargs.is_object() && kwargs.empty())) {
            throw format_error(std::string("the npy handler's ") + what + " takes no kwargs; given: " + kwargs.dump());
        }
    }
};

static_assert(ArtifactHandler<npy_handler>);
static_assert(WritableBy<npy_handler, ndarray<double>> && WritableBy<npy_handler, std::vector<std::int32_t>>);
static_assert(ReadableAs<npy_handler, ndarray<float>> && ReadableAs<npy_handler, std::vector<std::uint8_t>>);
static_assert(!WritableBy<npy_handler, std::vector<std::string>> && !ReadableAs<npy_handler, std::string>);

}  // namespace lazyscribe
