// Eigen matrices and arrays as NumPy arrays (handlers/eigen.hpp): every scalar type both ways in
// both storage orders, fixed and dynamic, the element at (i, j) whatever the file's order and
// the matrix's, numpy.save's bytes exactly, the shapes refused, to_eigen and from_eigen (also on
// the arrays pickle_handler reads), and an Eigen matrix logged as an artifact.
#include "support.hpp"

#include <lazyscribe/handlers/eigen.hpp>
#include <lazyscribe/handlers/npy.hpp>
#include <lazyscribe/handlers/pickle.hpp>

#include <Eigen/Core>
#include <catch2/catch.hpp>

#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace ls = lazyscribe;

namespace {

using Eigen::ColMajor;
using Eigen::Dynamic;
using Eigen::RowMajor;

// The value at C-order index k: distinct, so that a transposed or reordered read shows. The
// numpy test computes the same in Python: integers' extremes at 0 and 1, halves for floats.
template <class T>
T value_at(std::size_t k) {
    if constexpr (std::is_same_v<T, bool>) {
        return k % 3 == 0;
    } else if constexpr (ls::detail::is_complex_v<T>) {
        using R = typename T::value_type;
        return {static_cast<R>(k) + R(0.5), k == 0 ? R(0) : -static_cast<R>(k)};  // +0.0 at 0, as numpy
    } else if constexpr (std::is_floating_point_v<T>) {
        return static_cast<T>(k) * T(0.5) - 1;
    } else {
        return k == 0 ? std::numeric_limits<T>::min() : (k == 1 ? std::numeric_limits<T>::max() : static_cast<T>(k));
    }
}

// A matrix or array of any layout with value_at(i * cols + j) at (i, j).
template <class M>
M sample(Eigen::Index rows, Eigen::Index cols) {
    M m;
    m.resize(rows, cols);
    for (Eigen::Index i = 0; i < rows; ++i) {
        for (Eigen::Index j = 0; j < cols; ++j) {
            m(i, j) = value_at<typename M::Scalar>(static_cast<std::size_t>(i * cols + j));
        }
    }
    return m;
}

// Element by element, so that Matrix and Array compare alike, bool included.
template <class A, class B>
bool same(const A& a, const B& b) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
        for (Eigen::Index j = 0; j < a.cols(); ++j) {
            if (!(a(i, j) == b(i, j))) return false;
        }
    }
    return true;
}

template <class T>
std::string written(const T& value) {
    std::ostringstream out;
    ls::npy_handler::write(value, out, ls::json::object());
    return out.str();
}

template <class T>
T read_back(const std::string& bytes) {
    std::istringstream in(bytes);
    return ls::npy_handler::read<T>(in, ls::json::object());
}

// A .npy file by hand, version 1.0: `descr`, `fortran`, the shape's text and the raw data.
std::string npy_file(const std::string& descr, bool fortran, const std::string& shape, const std::string& data) {
    std::string dict =
        "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }\n";
    std::string out("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(dict.size() & 0xFFU);
    out += static_cast<char>(dict.size() >> 8);
    return out + dict + data;
}

template <class T>
std::string raw_bytes(const std::vector<T>& values) {
    return {reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T)};
}

std::string header_of(const std::string& file) { return file.substr(0, file.find('\n') + 1); }

template <class... Ts, class F>
void for_each_type(F f) {
    (f.template operator()<Ts>(), ...);
}

}  // namespace

TEMPLATE_TEST_CASE(
    "eigen: every scalar type round-trips through npy in both orders as fixed and dynamic matrices "
    "arrays and vectors",
    "[eigen]", bool, std::int8_t, std::uint8_t, std::int16_t, std::uint16_t, std::int32_t, std::uint32_t, std::int64_t,
    std::uint64_t, long long, float, double, std::complex<float>, std::complex<double>) {
    using T = TestType;
    using col_dyn = Eigen::Matrix<T, Dynamic, Dynamic, ColMajor>;
    using row_dyn = Eigen::Matrix<T, Dynamic, Dynamic, RowMajor>;
    using col_fixed = Eigen::Matrix<T, 3, 4, ColMajor>;
    using row_fixed = Eigen::Matrix<T, 3, 4, RowMajor>;
    using col_array = Eigen::Array<T, Dynamic, Dynamic, ColMajor>;
    using row_array = Eigen::Array<T, 3, 4, RowMajor>;
    const auto c = sample<col_dyn>(3, 4);
    const auto r = sample<row_dyn>(3, 4);
    std::vector<T> c_order;
    for (std::size_t k = 0; k < 12; ++k) c_order.push_back(value_at<T>(k));
    const ls::ndarray<T> expected({3, 4}, c_order);

    // Each layout's file reads back into each layout with the same element at (i, j), and as
    // the same ndarray (C order).
    for (const auto& file : {written(c), written(r), written(sample<col_fixed>(3, 4)), written(sample<row_fixed>(3, 4)),
                             written(sample<col_array>(3, 4)), written(sample<row_array>(3, 4))}) {
        CHECK(same(read_back<col_dyn>(file), c));
        CHECK(same(read_back<row_dyn>(file), c));
        CHECK(same(read_back<col_fixed>(file), c));
        CHECK(same(read_back<row_fixed>(file), c));
        CHECK(same(read_back<col_array>(file), c));
        CHECK(same(read_back<row_array>(file), c));
        CHECK(read_back<ls::ndarray<T>>(file) == expected);
        CHECK(file.find("'descr': '" + ls::numpy_descr<T>() + "'") != std::string::npos);
        CHECK((file.size() - 12 * sizeof(T)) % 64 == 0);
    }
    // Column-major memory as it is, in Fortran order; row-major in C order. Fixed and dynamic
    // sizes, matrices and arrays, write the same file.
    CHECK(header_of(written(c)).find("'fortran_order': True, 'shape': (3, 4)") != std::string::npos);
    CHECK(header_of(written(r)).find("'fortran_order': False, 'shape': (3, 4)") != std::string::npos);
    CHECK(written(sample<col_fixed>(3, 4)) == written(c));
    CHECK(written(sample<col_array>(3, 4)) == written(c));
    CHECK(written(sample<row_fixed>(3, 4)) == written(r));
    CHECK(written(sample<row_array>(3, 4)) == written(r));
    CHECK(written(r) == written(expected));  // C order: the ndarray's own file

    // Vectors are 1-D, (n,), whichever their orientation.
    using col_vec = Eigen::Matrix<T, Dynamic, 1>;
    using row_vec = Eigen::Matrix<T, 1, Dynamic>;
    using fixed_vec = Eigen::Matrix<T, 5, 1>;
    using array_vec = Eigen::Array<T, Dynamic, 1>;
    const auto v = sample<col_vec>(5, 1);
    const auto v_file = written(v);
    CHECK(header_of(v_file).find("'fortran_order': False, 'shape': (5,)") != std::string::npos);
    CHECK(v_file == written(sample<row_vec>(1, 5)));
    CHECK(v_file == written(sample<fixed_vec>(5, 1)));
    CHECK(v_file == written(sample<array_vec>(5, 1)));
    CHECK(v_file == written(std::vector<T>(v.begin(), v.end())));
    CHECK(same(read_back<col_vec>(v_file), v));
    CHECK(same(read_back<fixed_vec>(v_file), v));
    CHECK(same(read_back<array_vec>(v_file), v));
    CHECK(same(read_back<row_vec>(v_file), sample<row_vec>(1, 5)));

    // Empty matrices keep their shape.
    const col_dyn empty(0, 4);
    CHECK(header_of(written(empty)).find("'fortran_order': False, 'shape': (0, 4)") != std::string::npos);
    CHECK(read_back<row_dyn>(written(empty)).rows() == 0);
    CHECK(read_back<row_dyn>(written(empty)).cols() == 4);
}

TEST_CASE("eigen: a non-square non-symmetric matrix keeps each element at (i j) through either file order") {
    // m(i, j) = 10 i + j: in C order 0 1 2 10 11 12, in Fortran order 0 10 1 11 2 12.
    Eigen::Matrix<std::int32_t, 2, 3, ColMajor> col;
    col << 0, 1, 2, 10, 11, 12;
    const Eigen::Matrix<std::int32_t, Dynamic, Dynamic, RowMajor> row = col;
    const std::vector<std::int32_t> c_order{0, 1, 2, 10, 11, 12};
    const std::vector<std::int32_t> f_order{0, 10, 1, 11, 2, 12};
    const auto col_file = written(col);
    const auto row_file = written(row);
    CHECK(header_of(col_file).find("'fortran_order': True") != std::string::npos);
    CHECK(header_of(row_file).find("'fortran_order': False") != std::string::npos);
    CHECK(col_file.substr(col_file.size() - 24) == raw_bytes(f_order));  // the memory as it is
    CHECK(row_file.substr(row_file.size() - 24) == raw_bytes(c_order));

    const auto check_all = [](const auto& m) {
        REQUIRE(m.rows() == 2);
        REQUIRE(m.cols() == 3);
        for (Eigen::Index i = 0; i < 2; ++i) {
            for (Eigen::Index j = 0; j < 3; ++j) CHECK(m(i, j) == 10 * i + j);
        }
    };
    // Our two files, and the same array written by hand in each order.
    for (const auto& file : {col_file, row_file, npy_file("<i4", false, "(2, 3)", raw_bytes(c_order)),
                             npy_file("<i4", true, "(2, 3)", raw_bytes(f_order))}) {
        check_all(read_back<Eigen::Matrix<std::int32_t, 2, 3, ColMajor>>(file));
        check_all(read_back<Eigen::Matrix<std::int32_t, 2, 3, RowMajor>>(file));
        check_all(read_back<Eigen::MatrixXi>(file));
        check_all(read_back<Eigen::Matrix<std::int32_t, Dynamic, Dynamic, RowMajor>>(file));
        check_all(read_back<Eigen::Array<std::int32_t, Dynamic, 3, RowMajor>>(file));
        CHECK(read_back<ls::ndarray<std::int32_t>>(file).values == c_order);
    }
    // The other byte order reads too.
    std::vector<std::int32_t> swapped;
    for (const auto x : f_order) swapped.push_back(ls::detail::byte_swapped(x));
    check_all(read_back<Eigen::MatrixXi>(npy_file(">i4", true, "(2, 3)", raw_bytes(swapped))));
}

TEST_CASE("eigen: the header is numpy.save's for either order") {
    // numpy.save's headers of np.zeros((2, 123456)) in each order (numpy 1.24), 128 bytes each.
    Eigen::MatrixXd m(2, 123456);
    m.setZero();
    const std::string magic("\x93NUMPY\x01\x00\x76\x00", 10);
    CHECK(header_of(written(m)) ==
          magic + "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 123456), }" + std::string(54, ' ') + "\n");
    const Eigen::Matrix<double, Dynamic, Dynamic, RowMajor> r = m;
    CHECK(header_of(written(r)) ==
          magic + "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 123456), }" + std::string(53, ' ') + "\n");
    // A single column, a single row or no values is C-contiguous in either order: numpy writes
    // 'fortran_order': False for it, and the bytes are the same.
    const Eigen::MatrixXd column = Eigen::MatrixXd::Ones(3, 1);
    CHECK(header_of(written(column)).find("'fortran_order': False, 'shape': (3, 1)") != std::string::npos);
    CHECK(written(column) == written(Eigen::Matrix<double, Dynamic, Dynamic, RowMajor>(column)));
    CHECK(header_of(written(Eigen::MatrixXd(1, 4))).find("'fortran_order': False, 'shape': (1, 4)") !=
          std::string::npos);
    CHECK(header_of(written(Eigen::MatrixXd(0, 4))).find("'fortran_order': False") != std::string::npos);
    CHECK(header_of(written(Eigen::Matrix<bool, 2, 2>(Eigen::Matrix<bool, 2, 2>::Constant(true))))
              .find("'descr': '|b1', 'fortran_order': True") != std::string::npos);
}

TEST_CASE("eigen: a shape the type cannot hold or another dtype is format_error naming both shapes and the dtype") {
    const auto m23 = written(ls::ndarray<double>({2, 3}, {1, 2, 3, 4, 5, 6}));
    CHECK_THROWS_AS((read_back<Eigen::Matrix<double, 3, 2>>(m23)), ls::format_error);
    CHECK_THROWS_WITH((read_back<Eigen::Matrix<double, 3, 2>>(m23)),
                      Catch::Contains("a float64 array of shape (2, 3) does not fit Eigen::Matrix<double, 3, 2, "
                                      "ColMajor>, which takes shape (3, 2)"));
    CHECK_THROWS_WITH((read_back<Eigen::Matrix<double, Dynamic, 2, RowMajor>>(m23)),
                      Catch::Contains("which takes shape (any, 2)"));
    const auto cube = written(ls::ndarray<double>({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}));
    CHECK_THROWS_WITH(read_back<Eigen::MatrixXd>(cube),
                      Catch::Contains("shape (2, 2, 2) does not fit Eigen::Matrix<double, Dynamic, Dynamic, ColMajor>, "
                                      "which takes shape (any, any)"));
    CHECK_THROWS_WITH(read_back<Eigen::ArrayXXf>(written(ls::ndarray<float>({2, 2, 1}, {1, 2, 3, 4}))),
                      Catch::Contains("a float32 array of shape (2, 2, 1) does not fit Eigen::Array<float"));
    // A 1-D array is not a matrix: which way would it go?
    CHECK_THROWS_WITH(read_back<Eigen::MatrixXd>(written(std::vector<double>{1, 2, 3})),
                      Catch::Contains("shape (3,) does not fit") && Catch::Contains("(any, any)"));
    // A vector takes (n,) and the 2-D shape of its own orientation, not a matrix or the other one.
    CHECK_THROWS_WITH(read_back<Eigen::VectorXd>(m23),
                      Catch::Contains("shape (2, 3) does not fit Eigen::Matrix<double, Dynamic, 1, ColMajor>, which "
                                      "takes shape (any,) or (any, 1)"));
    const auto column = written(ls::ndarray<double>({3, 1}, {1, 2, 3}));
    const auto row = written(ls::ndarray<double>({1, 3}, {1, 2, 3}));
    CHECK(same(read_back<Eigen::VectorXd>(column), Eigen::Vector3d(1, 2, 3)));
    CHECK(same(read_back<Eigen::RowVectorXd>(row), Eigen::RowVector3d(1, 2, 3)));
    CHECK(same(read_back<Eigen::RowVector3d>(written(std::vector<double>{1, 2, 3})), Eigen::RowVector3d(1, 2, 3)));
    CHECK_THROWS_WITH(read_back<Eigen::VectorXd>(row), Catch::Contains("which takes shape (any,) or (any, 1)"));
    CHECK_THROWS_WITH(
        read_back<Eigen::RowVectorXd>(column),
        Catch::Contains("Eigen::Matrix<double, 1, Dynamic, RowMajor>, which takes shape (any,) or (1, any)"));
    CHECK_THROWS_WITH(
        read_back<Eigen::Vector4d>(written(std::vector<double>{1, 2, 3})),
        Catch::Contains("shape (3,) does not fit") && Catch::Contains("which takes shape (4,) or (4, 1)"));
    // A 0-d array is not a 1x1 matrix.
    CHECK_THROWS_WITH((read_back<Eigen::Matrix<double, 1, 1>>(written(ls::ndarray<double>({}, {7})))),
                      Catch::Contains("shape () does not fit") && Catch::Contains("(1,) or (1, 1)"));
    // A dynamic extent with a maximum.
    using bounded = Eigen::Matrix<double, Dynamic, Dynamic, ColMajor, 2, 2>;
    CHECK_THROWS_WITH(read_back<bounded>(m23),
                      Catch::Contains("Eigen::Matrix<double, Dynamic, Dynamic, ColMajor, 2, 2>, which takes shape "
                                      "(<=2, <=2)"));
    CHECK(same(read_back<bounded>(written(Eigen::Matrix2d::Identity().eval())), Eigen::Matrix2d::Identity()));
    // The dtype must be the scalar's exactly, as for ndarray<T>.
    CHECK_THROWS_WITH(read_back<Eigen::MatrixXf>(m23), Catch::Contains("holds float64 ('<f8'), not the requested "
                                                                       "float32 ('<f4')"));
    CHECK_THROWS_WITH((read_back<Eigen::Matrix<std::complex<double>, Dynamic, Dynamic>>(m23)),
                      Catch::Contains("not the requested complex128"));
    CHECK_THROWS_WITH(read_back<Eigen::MatrixXd>(m23.substr(0, m23.size() - 1)), Catch::Contains("truncated data"));
}

// Only plain matrices and arrays are logged: a Map or an expression refers to memory that may be
// gone by save(). Integer-sized types outside numpy's (none in Eigen's standard set) stay out.
static_assert(ls::WritableBy<ls::npy_handler, Eigen::MatrixXd> && ls::ReadableAs<ls::npy_handler, Eigen::MatrixXd>);
static_assert(ls::WritableBy<ls::npy_handler, Eigen::Array<bool, 2, 3, RowMajor>>);
static_assert(ls::ReadableAs<ls::npy_handler, Eigen::Matrix<std::uint64_t, 4, 1>>);
static_assert(!ls::WritableBy<ls::npy_handler, Eigen::Map<Eigen::MatrixXd>>);
static_assert(!ls::WritableBy<ls::npy_handler, decltype(Eigen::MatrixXd().transpose())>);
static_assert(!ls::WritableBy<ls::npy_handler, decltype(Eigen::MatrixXd() * 2.0)>);
static_assert(!ls::ReadableAs<ls::npy_handler, Eigen::Map<Eigen::MatrixXd>>);
static_assert(!ls::WritableBy<ls::npy_handler, Eigen::Matrix<char, 2, 2>> &&
              !ls::ReadableAs<ls::npy_handler, Eigen::Matrix<char, 2, 2>>);
static_assert(!ls::WritableBy<ls::npy_handler, Eigen::Matrix<long double, 2, 2>>);
static_assert(ls::eigen_dense<Eigen::Matrix3f> && !ls::eigen_dense<Eigen::Ref<Eigen::MatrixXd>>);
// The handlers' own types are unchanged.
static_assert(ls::WritableBy<ls::npy_handler, ls::ndarray<double>> &&
              ls::ReadableAs<ls::npy_handler, std::vector<float>>);
static_assert(!ls::ReadableAs<ls::pickle_handler, Eigen::MatrixXd>);

TEST_CASE("eigen: to_eigen and from_eigen convert C-order ndarrays both ways") {
    Eigen::Matrix<double, 2, 3> m;
    m << 1, 2, 3, 4, 5, 6;
    const ls::ndarray<double> a({2, 3}, {1, 2, 3, 4, 5, 6});
    CHECK(ls::from_eigen(m) == a);
    CHECK(ls::from_eigen(Eigen::Matrix<double, 2, 3, RowMajor>(m)) == a);
    CHECK(ls::from_eigen(m.transpose()) == ls::ndarray<double>({3, 2}, {1, 4, 2, 5, 3, 6}));  // an expression
    CHECK(ls::from_eigen(m.col(1)) == ls::ndarray<double>({2}, {2, 5}));                      // a vector: (n,)
    CHECK(ls::from_eigen(m.row(1)) == ls::ndarray<double>({3}, {4, 5, 6}));
    CHECK(ls::from_eigen(m.array() * 2) == ls::ndarray<double>({2, 3}, {2, 4, 6, 8, 10, 12}));
    CHECK(ls::from_eigen((m.array() > 3).eval()) == ls::ndarray<bool>({2, 3}, {false, false, false, true, true, true}));
    CHECK(same(ls::to_eigen<Eigen::MatrixXd>(a), m));
    CHECK(same(ls::to_eigen<Eigen::Matrix<double, 2, 3, RowMajor>>(a), m));
    CHECK(same(ls::to_eigen<Eigen::Array<bool, Dynamic, Dynamic>>(ls::ndarray<bool>({1, 2}, {true, false})),
               Eigen::Array<bool, 1, 2>(true, false)));
    CHECK_THROWS_WITH(ls::to_eigen<Eigen::Matrix3d>(a), Catch::Contains("which takes shape (3, 3)"));
    ls::ndarray<double> inconsistent;  // a shape that does not hold its values
    inconsistent.shape = {2, 2};
    inconsistent.values = {1};
    CHECK_THROWS_AS(ls::to_eigen<Eigen::MatrixXd>(inconsistent), ls::format_error);
}

// tests/data/pickle: real pickles of np.arange(6, dtype="<i4").reshape(2, 3), in C and in
// Fortran order (make_corpus.py there).
TEST_CASE("eigen: the NumPy arrays pickle_handler reads convert with to_eigen in either order") {
    const auto folder = lazyscribe_test::fixtures().parent_path() / "pickle";
    for (const auto* name :
         {"i4_2d.p2.pkl", "i4_2d.p5.pkl", "i4_2d_fortran.p2.pkl", "i4_2d_fortran.p4.pkl", "i4_2d_fortran.p5.pkl"}) {
        INFO(name);
        std::istringstream in(lazyscribe_test::read_file(folder / name));
        const auto array = ls::pickle_handler::read<ls::ndarray<std::int32_t>>(in, ls::json::object());
        const auto col = ls::to_eigen<Eigen::Matrix<std::int32_t, 2, 3>>(array);
        const auto row = ls::to_eigen<Eigen::Matrix<std::int32_t, Dynamic, Dynamic, RowMajor>>(array);
        for (Eigen::Index i = 0; i < 2; ++i) {
            for (Eigen::Index j = 0; j < 3; ++j) {
                CHECK(col(i, j) == 3 * i + j);
                CHECK(row(i, j) == 3 * i + j);
            }
        }
    }
}

TEST_CASE("eigen: an Eigen matrix logged as an npy artifact loads back in either layout") {
    LAZYSCRIBE_TEST_DIR(dir);
    using set_t = ls::basic_artifact_set<ls::builtin_handlers::with<ls::npy_handler>>;
    Eigen::MatrixXd weights(2, 3);
    weights << 0.5, -1, 2, 3, 4.25, -5;
    const Eigen::Matrix<float, 3, 2, RowMajor> fixed = weights.transpose().cast<float>();
    const Eigen::VectorXi counts = Eigen::VectorXi::LinSpaced(4, 1, 4);
    set_t set(dir.path());
    set.log_artifact<"npy">("weights", weights);
    set.log_artifact<"npy">("fixed", fixed);
    set.log_artifact<"npy">("counts", counts);
    set.save();
    CHECK(same(set.load_artifact<Eigen::MatrixXd, "npy">("weights"), weights));
    CHECK(set.at("weights").fname().ends_with(".npy"));

    // From the files, as another program would.
    const auto reloaded = set_t::from_json(set.to_json(), dir.path(), "test");
    CHECK(same(reloaded.load_artifact<Eigen::MatrixXd>("weights"), weights));
    CHECK(same(reloaded.load_artifact<Eigen::Matrix<double, 2, 3, RowMajor>, "npy">("weights"), weights));
    CHECK(same(reloaded.load_artifact<Eigen::Matrix<float, 3, 2>>("fixed"), fixed));
    // An Eigen vector has begin() and end(), which nlohmann_json takes for a JSON array; the JSON
    // handlers leave it alone (not_json_v), so it loads by the npy handler, as a matrix does.
    CHECK(same(reloaded.load_artifact<Eigen::VectorXi>("counts"), counts));
    CHECK(same(ls::to_eigen<Eigen::VectorXi>(reloaded.load_artifact<ls::ndarray<std::int32_t>, "npy">("counts")),
               counts));
    STATIC_REQUIRE(!ls::ReadableAs<ls::json_handler, Eigen::VectorXd>);
    STATIC_REQUIRE(!ls::WritableBy<ls::json_handler, Eigen::VectorXd>);
    CHECK(reloaded.load_artifact<std::vector<std::int32_t>>("counts") == std::vector<std::int32_t>{1, 2, 3, 4});
    CHECK(reloaded.load_artifact<ls::ndarray<double>>("weights") ==
          ls::ndarray<double>({2, 3}, {0.5, -1, 2, 3, 4.25, -5}));
    CHECK_THROWS_AS(reloaded.load_artifact<Eigen::Matrix3d>("weights"), ls::artifact_load_error);
    CHECK_THROWS_WITH(reloaded.load_artifact<Eigen::Matrix3d>("weights"),
                      Catch::Contains("artifact 'weights'") &&
                          Catch::Contains("a float64 array of shape (2, 3) does not fit Eigen::Matrix<double, 3, 3"));
    CHECK_THROWS_WITH(reloaded.load_artifact<Eigen::MatrixXf>("weights"), Catch::Contains("not the requested float32"));
    CHECK_THROWS_WITH(reloaded.load_artifact<Eigen::MatrixXi>("counts"), Catch::Contains("shape (4,) does not fit"));
}

// numpy itself, when /usr/bin/python3 has it (Debian's python3-numpy).
TEST_CASE("eigen: numpy.save writes our bytes and numpy.load reads our files and numpy's files read here") {
    if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) {
        std::cout << "LAZYSCRIBE-SKIP: no numpy for /usr/bin/python3 (Debian's python3-numpy)\n";
        return;
    }
    lazyscribe_test::temp_dir dir;
    std::vector<std::string> kinds;
    // Per dtype: a 3x4 column-major matrix (F), a fixed 3x4 row-major array (C), a vector (v).
    for_each_type<bool, std::int8_t, std::uint8_t, std::int16_t, std::uint16_t, std::int32_t, std::uint32_t,
                  std::int64_t, std::uint64_t, float, double, std::complex<float>, std::complex<double>>(
        [&]<class T>() {
            const auto kind = ls::numpy_kind<T>();
            kinds.push_back(kind);
            lazyscribe_test::write_file(dir / (kind + "_F.npy"),
                                        written(sample<Eigen::Matrix<T, Dynamic, Dynamic>>(3, 4)));
            lazyscribe_test::write_file(dir / (kind + "_C.npy"),
                                        written(sample<Eigen::Array<T, 3, 4, RowMajor>>(3, 4)));
            lazyscribe_test::write_file(dir / (kind + "_v.npy"), written(sample<Eigen::Matrix<T, 5, 1>>(5, 1)));
        });
    std::string kind_list;
    for (const auto& k : kinds) kind_list += (kind_list.empty() ? "'" : ", '") + k + "'";
    const std::string script = R"(
import numpy as np, sys
d = sys.argv[1]
def expected(kind, shape):
    dt = np.dtype(kind)
    k = np.arange(int(np.prod(shape))).reshape(shape)
    if dt.kind == "b":
        return k % 3 == 0
    if dt.kind == "c":
        return (k + 0.5 - 1j * k).astype(dt)
    if dt.kind == "f":
        return (k * 0.5 - 1).astype(dt)
    a = k.astype(dt)
    a.flat[0] = np.iinfo(dt).min
    a.flat[1] = np.iinfo(dt).max
    return a
for kind in [)" + kind_list + R"(]:
    m, v = expected(kind, (3, 4)), expected(kind, (5,))
    f = np.load(d + "/" + kind + "_F.npy"); c = np.load(d + "/" + kind + "_C.npy"); w = np.load(d + "/" + kind + "_v.npy")
    assert f.dtype == m.dtype and f.shape == (3, 4) and f.flags.f_contiguous and not f.flags.c_contiguous, (kind, f)
    assert c.dtype == m.dtype and c.shape == (3, 4) and c.flags.c_contiguous, (kind, c)
    assert w.dtype == m.dtype and w.shape == (5,), (kind, w)
    for i in range(3):
        for j in range(4):
            assert f[i, j] == m[i, j] and c[i, j] == m[i, j], (kind, i, j, f, c, m)
    assert (w == v).all(), (kind, w, v)
    np.save(d + "/" + kind + "_F_np.npy", np.asfortranarray(m))
    np.save(d + "/" + kind + "_C_np.npy", np.ascontiguousarray(m))
    np.save(d + "/" + kind + "_v_np.npy", v)
big = np.arange(6, dtype=">i8").reshape(2, 3) * 10
np.save(d + "/big_F.npy", np.asfortranarray(big)); np.save(d + "/big_C.npy", big)
f4 = np.array([[0.5, 1.5, 2.5], [-1, -2, -3]], dtype=np.float32)
np.save(d + "/np_f4_F.npy", np.asfortranarray(f4)); np.save(d + "/np_f4_C.npy", f4)
np.save(d + "/np_f4_T.npy", f4.T)  # a transposed view: Fortran-contiguous, shape (3, 2)
)";
    lazyscribe_test::write_file(dir / "check.py", script);
    REQUIRE(std::system(
                ("/usr/bin/python3 '" + (dir / "check.py").string() + "' '" + dir.path().string() + "'").c_str()) == 0);
    for (const auto& kind : kinds) {
        INFO(kind);
        for (const auto* which : {"_F", "_C", "_v"}) {
            CHECK(lazyscribe_test::read_file(dir / (kind + which + "_np.npy")) ==
                  lazyscribe_test::read_file(dir / (kind + which + ".npy")));
        }
    }
    const auto check_big = [](const auto& m) {
        REQUIRE(m.rows() == 2);
        REQUIRE(m.cols() == 3);
        for (Eigen::Index i = 0; i < 2; ++i) {
            for (Eigen::Index j = 0; j < 3; ++j) CHECK(m(i, j) == 10 * (3 * i + j));
        }
    };
    for (const auto* name : {"big_F.npy", "big_C.npy"}) {
        INFO(name);
        const auto bytes = lazyscribe_test::read_file(dir / name);
        check_big(read_back<Eigen::Matrix<std::int64_t, Dynamic, Dynamic>>(bytes));
        check_big(read_back<Eigen::Matrix<std::int64_t, 2, 3, RowMajor>>(bytes));
        check_big(read_back<Eigen::Array<std::int64_t, 2, Dynamic>>(bytes));
    }
    Eigen::Matrix<float, 2, 3> f4;
    f4 << 0.5F, 1.5F, 2.5F, -1, -2, -3;
    for (const auto* name : {"np_f4_F.npy", "np_f4_C.npy"}) {
        INFO(name);
        const auto bytes = lazyscribe_test::read_file(dir / name);
        CHECK(same(read_back<Eigen::MatrixXf>(bytes), f4));
        CHECK(same(read_back<Eigen::Matrix<float, 2, 3, RowMajor>>(bytes), f4));
    }
    CHECK(same(read_back<Eigen::Matrix<float, 3, 2, RowMajor>>(lazyscribe_test::read_file(dir / "np_f4_T.npy")),
               f4.transpose()));
    CHECK(lazyscribe_test::read_file(dir / "np_f4_F.npy") == written(f4));
    CHECK(lazyscribe_test::read_file(dir / "np_f4_C.npy") == written(Eigen::Matrix<float, 2, 3, RowMajor>(f4)));
}
