// The npy handler (handlers/npy.hpp): NumPy's .npy files, each element type both ways, the
// header numpy.save writes, and the files numpy writes that C++ must read (other byte order,
// Fortran order, format version 2.0) or refuse (another dtype, structured, truncated).
#include "support.hpp"

#include <lazyscribe/handlers/npy.hpp>

#include <catch2/catch.hpp>

#include <complex>
#include <cstdlib>
#include <iostream>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace ls = lazyscribe;

namespace {

template <class T>
std::vector<T> sample_values(std::size_t n) {
    std::vector<T> out;
    for (std::size_t i = 0; i < n; ++i) {
        if constexpr (std::is_same_v<T, bool>) {
            out.push_back(i % 3 == 0);
        } else if constexpr (ls::detail::is_complex_v<T>) {
            out.emplace_back(static_cast<typename T::value_type>(i) + 0.5F, -static_cast<typename T::value_type>(i));
        } else if constexpr (std::is_floating_point_v<T>) {
            out.push_back(static_cast<T>(i) / 3 - 1);
        } else {
            out.push_back(i == 0 ? std::numeric_limits<T>::min()
                                 : (i == 1 ? std::numeric_limits<T>::max() : static_cast<T>(i)));
        }
    }
    return out;
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

// A .npy file by hand: `descr`, `fortran`, the shape's text and the raw data, version 1.0.
std::string npy_file(const std::string& descr, bool fortran, const std::string& shape, const std::string& data,
                     int version = 1) {
    std::string dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': " + shape + ", }";
    dict += '\n';
    std::string out = "\x93NUMPY";
    out += static_cast<char>(version);
    out += '\0';
    for (int i = 0; i < (version == 1 ? 2 : 4); ++i) out += static_cast<char>((dict.size() >> (8 * i)) & 0xFFU);
    return out + dict + data;
}

template <class T>
std::string raw_bytes(const std::vector<T>& values) {
    return {reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T)};
}

}  // namespace

TEMPLATE_TEST_CASE("npy: every element type round-trips, as an ndarray of any shape and as a vector", "[npy]", bool,
                   std::int8_t, std::uint8_t, std::int16_t, std::uint16_t, std::int32_t, std::uint32_t, std::int64_t,
                   std::uint64_t, long long, float, double, std::complex<float>, std::complex<double>) {
    using T = TestType;
    const ls::ndarray<T> matrix({2, 3}, sample_values<T>(6));
    CHECK(read_back<ls::ndarray<T>>(written(matrix)) == matrix);
    const ls::ndarray<T> cube({2, 1, 4}, sample_values<T>(8));
    CHECK(read_back<ls::ndarray<T>>(written(cube)) == cube);
    const ls::ndarray<T> scalar({}, sample_values<T>(1));  // a 0-d array holds one value
    CHECK(read_back<ls::ndarray<T>>(written(scalar)) == scalar);
    const ls::ndarray<T> empty({0, 5}, {});
    CHECK(read_back<ls::ndarray<T>>(written(empty)) == empty);
    const auto vector = sample_values<T>(1000);
    CHECK(read_back<std::vector<T>>(written(vector)) == vector);
    CHECK(written(vector) == written(ls::ndarray<T>({1000}, vector)));  // the same file
    // The header names T's dtype, and the data starts on a 64-byte boundary.
    const auto bytes = written(matrix);
    CHECK(bytes.find("'descr': '" + ls::numpy_descr<T>() + "'") != std::string::npos);
    CHECK((bytes.size() - 6 * sizeof(T)) % 64 == 0);
    CHECK_THROWS_WITH(read_back<std::vector<T>>(bytes),
                      Catch::Contains("shape is (2, 3)") && Catch::Contains("lazyscribe::ndarray"));
}

TEST_CASE("npy: the header is numpy.save's, byte for byte") {
    // numpy 1.24: np.save(f, np.arange(3.0)) starts with these 128 bytes.
    const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
    const std::string expected = std::string("\x93NUMPY\x01\x00\x76\x00", 10) + dict + std::string(20 + 40, ' ') + "\n";
    REQUIRE(expected.size() == 128);
    const auto bytes = written(std::vector<double>{0.0, 1.0, 2.0});
    CHECK(bytes.substr(0, 128) == expected);
    CHECK(bytes.size() == 128 + 24);
    // Two dimensions, one byte each: "(2, 3)" and room for 20 more digits of the first axis.
    const auto small = written(ls::ndarray<std::uint8_t>({2, 3}, {1, 2, 3, 4, 5, 6}));
    CHECK(small.substr(10, 59) == "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }");
    CHECK(small.size() == 128 + 6);
}

TEST_CASE("npy: files numpy writes in the other byte order, in Fortran order or as version 2.0 read as C arrays") {
    const std::vector<double> values{1.5, -2.25, 1e300};
    std::string big;
    for (const double v : values) {
        const auto swapped = ls::detail::byte_swapped(v);
        big += raw_bytes(std::vector<double>{swapped});
    }
    CHECK(read_back<std::vector<double>>(npy_file(">f8", false, "(3,)", big)) == values);
    // Fortran order: the column-major bytes of [[1, 2, 3], [4, 5, 6]] are 1 4 2 5 3 6.
    const auto fortran = npy_file("<i4", true, "(2, 3)", raw_bytes(std::vector<std::int32_t>{1, 4, 2, 5, 3, 6}));
    CHECK(read_back<ls::ndarray<std::int32_t>>(fortran) == ls::ndarray<std::int32_t>({2, 3}, {1, 2, 3, 4, 5, 6}));
    const auto three_d =
        npy_file("<i4", true, "(2, 2, 2)", raw_bytes(std::vector<std::int32_t>{0, 4, 2, 6, 1, 5, 3, 7}));
    CHECK(read_back<ls::ndarray<std::int32_t>>(three_d).values == std::vector<std::int32_t>{0, 1, 2, 3, 4, 5, 6, 7});
    CHECK(read_back<std::vector<float>>(npy_file("<f4", false, "(2,)", raw_bytes(std::vector<float>{1, 2}), 2)) ==
          std::vector<float>{1, 2});
    CHECK(read_back<std::vector<std::int64_t>>(npy_file("<i8", false, "(1L,)", raw_bytes(std::vector<std::int64_t>{7}))) ==
          std::vector<std::int64_t>{7});  // Python 2's long
}

TEST_CASE("npy: another dtype, a structured one, a cut file or extra bytes are format_error saying what is there") {
    const auto doubles = npy_file("<f8", false, "(2,)", raw_bytes(std::vector<double>{1, 2}));
    CHECK_THROWS_WITH(read_back<std::vector<float>>(doubles),
                      Catch::Contains("holds float64 ('<f8'), not the requested float32 ('<f4')"));
    CHECK_THROWS_WITH(read_back<std::vector<std::int64_t>>(doubles), Catch::Contains("not the requested int64"));
    CHECK_THROWS_WITH(read_back<std::vector<double>>(doubles.substr(0, doubles.size() - 3)),
                      Catch::Contains("truncated data") && Catch::Contains("needs 16 bytes, the file has 13"));
    CHECK_THROWS_WITH(read_back<std::vector<double>>(doubles + "x"), Catch::Contains("bytes after the array's data"));
    CHECK_THROWS_WITH(read_back<std::vector<double>>("PK\x03\x04 not npy"), Catch::Contains("no \\x93NUMPY magic"));
    std::string structured = "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }\n";
    structured = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(structured.size()) + '\0' + structured;
    CHECK_THROWS_WITH(read_back<std::vector<double>>(structured), Catch::Contains("structured"));
    CHECK_THROWS_WITH(read_back<std::vector<double>>(npy_file("|O", false, "(1,)", "")),
                      Catch::Contains("not a numeric dtype"));
    // A header that claims more values than the file holds fails on the bytes, not on memory.
    CHECK_THROWS_WITH(read_back<std::vector<double>>(npy_file("<f8", false, "(1000000000000,)", "12345678")),
                      Catch::Contains("truncated data"));
    CHECK_THROWS_AS(read_back<ls::ndarray<double>>(npy_file("<f8", false, "(18446744073709551615, 3)", "")),
                    ls::format_error);  // the element count overflows
    CHECK_THROWS_WITH(written(ls::ndarray<double>{{2, 2}, {}}), Catch::Contains("holds 4 values, the array has 0"));
}

TEST_CASE("npy: logged in a project and loaded back, under the alias npy") {
    LAZYSCRIBE_TEST_DIR(dir);
    using project_t = ls::basic_project<ls::builtin_handlers::with<ls::npy_handler>>;
    const ls::ndarray<float> weights({3, 2}, {1, 2, 3, 4, 5, 6});
    {
        project_t p(dir / "p.json", ls::mode::write, "np");
        p.log("arrays", [&](auto& e) {
            e.template log_artifact<"npy">("weights", weights);
            e.template log_artifact<"npy">("losses", std::vector<double>{0.5, 0.25});
        });
        p.save();
    }
    const project_t p(dir / "p.json", ls::mode::read_only);
    const auto& e = p["arrays"];
    CHECK(e.load_artifact<ls::ndarray<float>>("weights") == weights);
    CHECK(e.load_artifact<std::vector<double>>("losses") == std::vector<double>{0.5, 0.25});
    CHECK(e.artifacts().at("weights").fname().ends_with(".npy"));
    CHECK_THROWS_AS(e.load_artifact<std::vector<double>>("weights"), ls::error);
}

// numpy itself, when /usr/bin/python3 has it (Debian's python3-numpy).
TEST_CASE("npy: numpy.load reads our files as the same arrays, numpy.save's files read here, bytes equal") {
    if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) {
        std::cout << "LAZYSCRIBE-SKIP: no numpy for /usr/bin/python3 (Debian's python3-numpy)\n";
        return;
    }
    lazyscribe_test::temp_dir dir;
    const ls::ndarray<double> m({2, 3}, {0.5, 1, 2, 3, 4, -1e300});
    const ls::ndarray<std::int16_t> cube({2, 2, 2}, {1, -2, 3, -4, 5, -6, 7, -8});
    const std::vector<std::uint64_t> v{0, 18446744073709551615ULL};
    lazyscribe_test::write_file(dir / "m.npy", written(m));
    lazyscribe_test::write_file(dir / "cube.npy", written(cube));
    lazyscribe_test::write_file(dir / "v.npy", written(v));
    const std::string script = R"(
import numpy as np, sys
d = sys.argv[1]
m = np.load(d + "/m.npy"); c = np.load(d + "/cube.npy"); v = np.load(d + "/v.npy")
assert m.dtype == np.float64 and m.shape == (2, 3) and m[1, 2] == -1e300 and m[0, 0] == 0.5, m
assert c.dtype == np.int16 and c.shape == (2, 2, 2) and c[1, 1, 1] == -8 and c[0, 1, 0] == 3, c
assert v.dtype == np.uint64 and v[1] == 18446744073709551615, v
np.save(d + "/ours_again_m.npy", m); np.save(d + "/ours_again_v.npy", v)
np.save(d + "/f.npy", np.asfortranarray(np.arange(6, dtype=">i4").reshape(2, 3)))
np.save(d + "/c.npy", np.array([[1 + 2j, 3 - 4j]], dtype=np.complex64))
)";
    lazyscribe_test::write_file(dir / "check.py", script);
    REQUIRE(std::system(("/usr/bin/python3 '" + (dir / "check.py").string() + "' '" + dir.path().string() + "'").c_str()) == 0);
    CHECK(lazyscribe_test::read_file(dir / "ours_again_m.npy") == written(m));  // numpy.save's bytes are ours
    CHECK(lazyscribe_test::read_file(dir / "ours_again_v.npy") == written(v));
    CHECK(read_back<ls::ndarray<std::int32_t>>(lazyscribe_test::read_file(dir / "f.npy")) ==
          ls::ndarray<std::int32_t>({2, 3}, {0, 1, 2, 3, 4, 5}));
    CHECK(read_back<ls::ndarray<std::complex<float>>>(lazyscribe_test::read_file(dir / "c.npy")).values ==
          std::vector<std::complex<float>>{{1, 2}, {3, -4}});
}
