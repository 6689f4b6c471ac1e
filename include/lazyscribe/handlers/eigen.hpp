#pragma once
/// @file handlers/eigen.hpp
/// @brief Eigen's dense matrices and arrays as NumPy arrays. With this header, npy_handler
/// (handlers/npy.hpp) writes and reads Eigen::Matrix and Eigen::Array of any numpy_element
/// scalar, fixed or dynamic sizes, row- or column-major; to_eigen and from_eigen convert
/// between those and lazyscribe::ndarray, the type pickle_handler reads a NumPy array as.
/// Opt-in, as it needs Eigen 3 (Debian's libeigen3-dev; CMake target lazyscribe::eigen).
///
/// - Shape: a compile-time vector (Eigen::VectorXd, RowVector3f, ArrayXi) is a 1-D array of
///   shape (n,); any other type is a 2-D array (rows, cols), even when one extent is 1.
/// - Order: a value is written with its memory as it is, so a column-major one has
///   'fortran_order': True, as numpy.save writes np.asfortranarray(a), and a row-major one
///   False (a single row or column is C-contiguous too, and numpy writes False for it). A file
///   of either order reads into either layout with the same element at (i, j).
/// - Reading checks the shape: a 2-D (rows, cols) array whose extents the type allows (fixed
///   extents equal, dynamic ones within the maximum), or for a vector also (n,); a column
///   vector takes (n, 1) and a row vector (1, n), not the other. Anything else is a
///   format_error naming the array's dtype and shape and the shapes the type takes. The dtype
///   must be the scalar's exactly, as for ndarray<T>.
/// - An Eigen vector has begin() and end(), so nlohmann_json takes it for a JSON array and
///   load_artifact<Eigen::VectorXd> does not compile (the json handler is in every list): load
///   an ndarray and call to_eigen (docs/handlers.md, "Eigen matrices").

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include <lazyscribe/errors.hpp>
#include <lazyscribe/handlers/ndarray.hpp>
#include <lazyscribe/handlers/npy.hpp>

namespace lazyscribe {

namespace detail::eigen {

template <class M>
struct is_plain : std::false_type {};
template <class S, int R, int C, int O, int MR, int MC>
struct is_plain<Eigen::Matrix<S, R, C, O, MR, MC>> : std::true_type {};
template <class S, int R, int C, int O, int MR, int MC>
struct is_plain<Eigen::Array<S, R, C, O, MR, MC>> : std::true_type {};

}  // namespace detail::eigen

/// @brief An Eigen::Matrix or Eigen::Array of a NumPy scalar type. Maps, Refs and expressions
/// are not: a logged value is written at save(), after what they refer to may be gone.
template <class M>
concept eigen_dense = detail::eigen::is_plain<M>::value && numpy_element<typename M::Scalar>;

namespace detail::eigen {

/// The C++ name of a numpy_element, for messages: "double", "std::int32_t".
template <numpy_element T>
std::string scalar_name() {
    const std::string kind = numpy_kind<T>();
    if (kind == "b1") return "bool";
    if (kind == "f4") return "float";
    if (kind == "f8") return "double";
    if (kind == "c8") return "std::complex<float>";
    if (kind == "c16") return "std::complex<double>";
    return std::string(kind[0] == 'u' ? "std::uint" : "std::int") + std::to_string(sizeof(T) * 8) + "_t";
}

inline std::string extent_name(int extent) { return extent == Eigen::Dynamic ? "Dynamic" : std::to_string(extent); }

/// "3" for a fixed extent, "any" for a dynamic one, "<=4" for one with a maximum.
inline std::string extent_text(int fixed, int max) {
    if (fixed != Eigen::Dynamic) return std::to_string(fixed);
    return max == Eigen::Dynamic ? "any" : "<=" + std::to_string(max);
}

inline bool extent_fits(std::size_t extent, int fixed, int max) {
    if (fixed != Eigen::Dynamic) return extent == static_cast<std::size_t>(fixed);
    if (max != Eigen::Dynamic) return extent <= static_cast<std::size_t>(max);
    return extent <= static_cast<std::size_t>(std::numeric_limits<Eigen::Index>::max());
}

/// The type as written in C++: "Eigen::Matrix<double, Dynamic, 3, RowMajor>".
template <eigen_dense M>
std::string type_name() {
    std::string name = std::is_base_of_v<Eigen::ArrayBase<M>, M> ? "Eigen::Array<" : "Eigen::Matrix<";
    constexpr int rows = M::RowsAtCompileTime;
    constexpr int cols = M::ColsAtCompileTime;
    name += scalar_name<typename M::Scalar>() + ", " + extent_name(rows) + ", " + extent_name(cols) +
            (M::IsRowMajor ? ", RowMajor" : ", ColMajor");
    if (M::MaxRowsAtCompileTime != rows || M::MaxColsAtCompileTime != cols) {
        name += ", " + extent_name(M::MaxRowsAtCompileTime) + ", " + extent_name(M::MaxColsAtCompileTime);
    }
    return name + ">";
}

/// The shapes M takes, as Python writes them: "(3, 2)", "(any,) or (any, 1)".
template <eigen_dense M>
std::string shapes_taken() {
    std::string matrix = "(" + extent_text(M::RowsAtCompileTime, M::MaxRowsAtCompileTime) + ", " +
                         extent_text(M::ColsAtCompileTime, M::MaxColsAtCompileTime) + ")";
    if (!M::IsVectorAtCompileTime) return matrix;
    return "(" + extent_text(M::SizeAtCompileTime, M::MaxSizeAtCompileTime) + ",) or " + matrix;
}

}  // namespace detail::eigen

/// @brief An Eigen matrix or array from an array in C order (as npy_handler and pickle_handler
/// read one): `array`'s element at (i, j) lands at (i, j) whatever M's storage order. M's
/// scalar is the array's element type, so the dtype was checked when the file was read.
/// Throws format_error, naming the array's dtype and shape and the shapes M takes, for a shape
/// M cannot hold (see the file comment), and when array.shape does not hold its values.
template <eigen_dense M>
M to_eigen(const ndarray<typename M::Scalar>& array) {
    using T = typename M::Scalar;
    using detail::eigen::extent_fits;
    array.check();
    std::size_t rows = 0;
    std::size_t cols = 0;
    bool fits = false;
    if (array.shape.size() == 2) {
        rows = array.shape[0];
        cols = array.shape[1];
        fits = true;
    } else if (array.shape.size() == 1 && M::IsVectorAtCompileTime) {
        // A 1-D array is a vector of M's orientation.
        rows = M::ColsAtCompileTime == 1 ? array.shape[0] : 1;
        cols = M::ColsAtCompileTime == 1 ? 1 : array.shape[0];
        fits = true;
    }
    fits = fits && extent_fits(rows, M::RowsAtCompileTime, M::MaxRowsAtCompileTime) &&
           extent_fits(cols, M::ColsAtCompileTime, M::MaxColsAtCompileTime);
    if (!fits) {
        throw format_error("a " + detail::npy::dtype_name(numpy_kind<T>()) + " array of shape " +
                           detail::npy::shape_repr(array.shape) + " does not fit " + detail::eigen::type_name<M>() +
                           ", which takes shape " + detail::eigen::shapes_taken<M>());
    }
    const auto r = static_cast<Eigen::Index>(rows);
    const auto c = static_cast<Eigen::Index>(cols);
    M out;
    out.resize(r, c);
    if constexpr (std::is_same_v<T, bool>) {
        // std::vector<bool> has no data() to map.
        for (Eigen::Index i = 0; i < r; ++i) {
            for (Eigen::Index j = 0; j < c; ++j) out(i, j) = array.values[static_cast<std::size_t>(i * c + j)];
        }
    } else if (M::IsRowMajor || r <= 1 || c <= 1) {
        // Row-major memory is C order, and so is a single row or column in either.
        std::copy(array.values.begin(), array.values.end(), out.data());
    } else {
        using row_major = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        using col_major = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
        Eigen::Map<col_major>(out.data(), r, c) = Eigen::Map<const row_major>(array.values.data(), r, c);
    }
    return out;
}

/// @brief The values of any dense Eigen expression as an ndarray in C order: shape (n,) for a
/// compile-time vector (a VectorXd, m.col(0)), (rows, cols) otherwise. The element at (i, j)
/// is m(i, j) whatever m's storage order.
template <class Derived>
requires numpy_element<typename Derived::Scalar> ndarray<typename Derived::Scalar> from_eigen(
    const Eigen::DenseBase<Derived>& m) {
    using T = typename Derived::Scalar;
    // An expression (a product, a transpose) is evaluated once; a plain object is not copied.
    const auto& plain = m.derived().eval();
    using plain_t = std::remove_cvref_t<decltype(plain)>;
    const Eigen::Index r = plain.rows();
    const Eigen::Index c = plain.cols();
    ndarray<T> out;
    if (Derived::IsVectorAtCompileTime) {
        out.shape = {static_cast<std::size_t>(plain.size())};
    } else {
        out.shape = {static_cast<std::size_t>(r), static_cast<std::size_t>(c)};
    }
    out.values.resize(static_cast<std::size_t>(plain.size()));
    if constexpr (std::is_same_v<T, bool>) {
        for (Eigen::Index i = 0; i < r; ++i) {
            for (Eigen::Index j = 0; j < c; ++j) out.values[static_cast<std::size_t>(i * c + j)] = plain(i, j);
        }
    } else if (plain_t::IsRowMajor || r <= 1 || c <= 1) {
        std::copy(plain.data(), plain.data() + plain.size(), out.values.begin());
    } else {
        using row_major = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        using col_major = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
        Eigen::Map<row_major>(out.values.data(), r, c) = Eigen::Map<const col_major>(plain.data(), r, c);
    }
    return out;
}

// Eigen's vectors have begin() and end(), so nlohmann_json would take them for JSON arrays it
// cannot fill; the handlers built on JSON leave Eigen's types to npy.
template <class S, int R, int C, int O, int MR, int MC>
inline constexpr bool not_json_v<Eigen::Matrix<S, R, C, O, MR, MC>> = true;
template <class S, int R, int C, int O, int MR, int MC>
inline constexpr bool not_json_v<Eigen::Array<S, R, C, O, MR, MC>> = true;

namespace detail::eigen {

// What npy_array_traits gives an Eigen::Matrix or Eigen::Array of a NumPy scalar type (only
// instantiated for one).
template <class M>
struct npy_traits {
    using element_type = typename M::Scalar;

    static npy_array_view<element_type> view(const M& m) {
        npy_array_view<element_type> v;
        v.data = m.data();
        if (M::IsVectorAtCompileTime) {
            v.shape = {static_cast<std::size_t>(m.size())};
        } else {
            v.shape = {static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols())};
        }
        v.fortran_order = !M::IsRowMajor;
        return v;
    }

    static M from_ndarray(ndarray<element_type>&& array) { return to_eigen<M>(array); }
};

struct no_npy_traits {};

// Plain pattern-matching specialisations, each deriving from this (no constrained partial
// specialisation: g++ 12 lost track of one).
template <class M>
using npy_traits_for = std::conditional_t<eigen_dense<M>, npy_traits<M>, no_npy_traits>;

}  // namespace detail::eigen

/// @brief Eigen::Matrix through npy_handler: written with its memory as it is (column-major in
/// Fortran order), read with to_eigen's shape checks.
template <class S, int R, int C, int O, int MR, int MC>
struct npy_array_traits<Eigen::Matrix<S, R, C, O, MR, MC>>
    : detail::eigen::npy_traits_for<Eigen::Matrix<S, R, C, O, MR, MC>> {};

/// @brief Eigen::Array through npy_handler, as Eigen::Matrix.
template <class S, int R, int C, int O, int MR, int MC>
struct npy_array_traits<Eigen::Array<S, R, C, O, MR, MC>>
    : detail::eigen::npy_traits_for<Eigen::Array<S, R, C, O, MR, MC>> {};

static_assert(WritableBy<npy_handler, Eigen::MatrixXd> && ReadableAs<npy_handler, Eigen::MatrixXd>);
static_assert(WritableBy<npy_handler, Eigen::Array<std::int8_t, 2, 3, Eigen::RowMajor>>);
static_assert(ReadableAs<npy_handler, Eigen::RowVectorXcf> && ReadableAs<npy_handler, Eigen::Matrix<bool, 2, 2>>);

}  // namespace lazyscribe
