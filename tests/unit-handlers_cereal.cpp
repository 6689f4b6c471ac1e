// handlers/cereal.hpp: which types the cereal handler takes, the portable binary layout it
// writes (an endianness byte, then little-endian data), the metadata it records, and its
// refusals (kwargs, truncated archives). Round trips through artifacts are in unit-handlers.cpp.
#include <lazyscribe/handlers/cereal.hpp>

#include <catch2/catch.hpp>

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace ls = lazyscribe;

namespace {

struct sample {
    std::int32_t id = 0;
    std::string name;
    std::vector<double> weights;
    bool operator==(const sample&) const = default;
    template <class Archive>
    void serialize(Archive& archive) {
        archive(id, name, weights);
    }
};
struct no_serialize {
    int x = 0;
};
struct no_default {
    explicit no_default(int) {}
    template <class Archive>
    void serialize(Archive&) {}
};

static_assert(ls::CerealWritable<sample> && ls::CerealReadable<sample>);
static_assert(ls::CerealWritable<int> && ls::CerealReadable<double>);
static_assert(ls::CerealWritable<std::vector<std::string>>);  // with <cereal/types/...> included
static_assert(!ls::CerealWritable<no_serialize> && !ls::CerealReadable<no_serialize>);
static_assert(ls::CerealWritable<no_default> && !ls::CerealReadable<no_default>);
static_assert(ls::WritableBy<ls::cereal_handler, sample> && ls::ReadableAs<ls::cereal_handler, sample>);
static_assert(!ls::WritableBy<ls::cereal_handler, no_serialize>);
static_assert(ls::cereal_handler::binary && !ls::cereal_handler::output_only);
static_assert(ls::cereal_handler::alias == "cereal" && ls::cereal_handler::suffix == "cereal");

std::string bytes_of(const auto& value) {
    std::ostringstream out(std::ios::binary);
    ls::cereal_handler::write(value, out, ls::json::object());
    return out.str();
}

}  // namespace

TEST_CASE("handlers/cereal: the archive is cereal's portable binary layout", "[handlers_cereal]") {
    // One byte for the writer's byte order (1: little endian), then the value little-endian,
    // whatever the machine: a file written on one machine reads on another.
    CHECK(bytes_of(std::uint32_t{0x01020304}) == std::string("\x01\x04\x03\x02\x01", 5));
    CHECK(bytes_of(std::int16_t{-2}) == std::string("\x01\xfe\xff", 3));
    // A string is its 64-bit size, then its bytes.
    CHECK(bytes_of(std::string("ab")) == std::string("\x01\x02\0\0\0\0\0\0\0ab", 11));
}

TEST_CASE("handlers/cereal: a struct round-trips through a stream", "[handlers_cereal]") {
    const sample value{7, "caf\xc3\xa9", {0.5, -1e300}};
    std::istringstream in(bytes_of(value), std::ios::binary);
    CHECK(ls::cereal_handler::read<sample>(in, ls::json::object()) == value);
    std::istringstream null_kwargs(bytes_of(value), std::ios::binary);
    CHECK(ls::cereal_handler::read<sample>(null_kwargs, ls::json()) == value);
}

TEST_CASE("handlers/cereal: environment and value type name", "[handlers_cereal]") {
    const auto env = ls::cereal_handler::environment();
    CHECK(env.size() == 2);
    CHECK(env.at("cereal_archive") == "portable_binary");
    CHECK(env.at("cereal_version").get<std::string>().find('.') != std::string::npos);
    CHECK(ls::cereal_handler::value_type_key == "cereal_type");
    CHECK(ls::cereal_handler::value_type_name<std::vector<double>>() == "std::vector<float64>");
    CHECK(ls::cereal_handler::value_type_name<std::uint8_t>() == "uint8");
}

TEST_CASE("handlers/cereal: kwargs are refused at log time, write and read, naming the operation",
          "[handlers_cereal]") {
    const ls::json kwargs{{"compress", true}};
    CHECK_NOTHROW(ls::cereal_handler::check_write_kwargs(ls::json::object()));
    CHECK_NOTHROW(ls::cereal_handler::check_write_kwargs(ls::json()));
    CHECK_THROWS_AS(ls::cereal_handler::check_write_kwargs(kwargs), ls::format_error);
    std::ostringstream out;
    CHECK_THROWS_WITH(ls::cereal_handler::write(1, out, kwargs),
                      Catch::Contains("write") && Catch::Contains("compress"));
    CHECK(out.str().empty());  // nothing written
    std::istringstream in(bytes_of(1));
    CHECK_THROWS_WITH(ls::cereal_handler::read<int>(in, kwargs), Catch::Contains("read"));
}

TEST_CASE("handlers/cereal: a truncated or empty archive is a format_error", "[handlers_cereal]") {
    const auto full = bytes_of(sample{1, "name", {1, 2, 3}});
    for (const std::size_t keep : {std::size_t{0}, std::size_t{1}, std::size_t{5}, full.size() - 1}) {
        INFO(keep);
        std::istringstream in(full.substr(0, keep), std::ios::binary);
        CHECK_THROWS_AS(ls::cereal_handler::read<sample>(in, ls::json::object()), ls::format_error);
    }
}
