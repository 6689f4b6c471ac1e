// Record descriptions (detail/record.hpp): one compile-time list of fields per record, from
// which the streaming writer, the typed reader and to_json all follow. A record type defined
// here is read, written byte for byte and to_json'd by the same machinery; a second version
// of it whose description has one more line reads and writes the new field.
#include <catch2/catch.hpp>

#include <lazyscribe/detail/record.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ls = lazyscribe;
namespace rec = lazyscribe::detail::record;
using ls::json;

namespace {

// The members of both versions of the record (a data member is not knowledge of the format:
// only the description says what is read and written).
struct point_data {
    ls::time_point at{};
    std::vector<std::string> labels;
    std::string name;
    std::optional<std::string> note;
    std::string unit;
    json values = json::object();
    json extras;  // keys the description does not know, kept

    // What the reader needs besides the record: names for messages and the defaults' inputs.
    struct context {
        const point_data* p;
        std::string where() const { return "points.json"; }
        std::string here() const { return "points.json (point '" + p->name + "')"; }
    };
    struct no_unit {
        std::string operator()(const context&) const { return "(none)"; }
    };
};

struct point_v1 : point_data {
    using record_description = rec::description<rec::field<"at", &point_data::at, rec::time>,
                                                rec::field<"labels", &point_data::labels, rec::string_array>,
                                                rec::field<"name", &point_data::name, rec::identity_text>,
                                                rec::field<"note", &point_data::note, rec::nullable_text>,
                                                rec::field<"values", &point_data::values, rec::json_object>>;
};

// Version 2: the same record with one more field of the format, "unit" (optional, with a default).
struct point_v2 : point_data {
    using record_description =
        rec::description<rec::field<"at", &point_data::at, rec::time>,
                         rec::field<"labels", &point_data::labels, rec::string_array>,
                         rec::field<"name", &point_data::name, rec::identity_text>,
                         rec::field<"note", &point_data::note, rec::nullable_text>,
                         rec::field<"unit", &point_data::unit, rec::text_or<point_data::no_unit>>,
                         rec::field<"values", &point_data::values, rec::json_object>>;
};

ls::detail::pyjson::dump_options indent4() {
    ls::detail::pyjson::dump_options o;
    o.indent = 4;
    o.sort_keys = true;
    return o;
}

template <class Point>
Point read_point(const std::string& text) {
    Point p;
    point_data::context ctx{&p};
    rec::read_text<typename Point::record_description>(text, "points.json", p, p.extras, ctx);
    return p;
}

template <class Point>
std::string write_point(const Point& p) {
    return rec::write_text<typename Point::record_description>(p, p.extras, indent4());
}

template <class Point>
json point_json(const Point& p) {
    return rec::to_json<typename Point::record_description>(p, p.extras);
}

// Python's json.dumps(..., indent=4, sort_keys=True) of the object: what every record is written as.
const std::string file_v1 = R"({
    "at": "2024-05-01T09:00:00",
    "colour": "red",
    "labels": [
        "a",
        "b"
    ],
    "name": "p\u00e9",
    "note": null,
    "unit": "cm",
    "values": {
        "x": 1.5,
        "y": [
            1,
            2
        ]
    },
    "zzz": 3
})";

}  // namespace

TEST_CASE("record: a record type described in a test is read, written and to_json'd by the same description") {
    const auto p = read_point<point_v1>(file_v1);
    CHECK(p.at == ls::detail::parse_time("2024-05-01T09:00:00").value());
    CHECK(p.labels == std::vector<std::string>{"a", "b"});
    CHECK(p.name == "p\u00e9");
    CHECK_FALSE(p.note.has_value());
    CHECK(p.values == json::parse(R"({"x": 1.5, "y": [1, 2]})"));
    CHECK(p.unit.empty());  // version 1 does not know "unit": it is an extra, kept
    CHECK(p.extras == json::parse(R"({"colour": "red", "unit": "cm", "zzz": 3})"));

    // The bytes: known fields and extras interleaved in key order, as they were read.
    CHECK(write_point(p) == file_v1);
    // to_json is the same object, and dumping it gives the same bytes.
    const json j = point_json(p);
    CHECK(j == json::parse(file_v1));
    CHECK(ls::detail::pyjson::dump(j, indent4()) == file_v1);

    // A change to the record shows in all three.
    auto changed = p;
    changed.note = "moved";
    changed.labels.clear();
    CHECK(point_json(changed)["note"] == "moved");
    CHECK(point_json(changed)["labels"] == json::array());
    CHECK(write_point(changed) == ls::detail::pyjson::dump(point_json(changed), indent4()));
    CHECK(read_point<point_v1>(write_point(changed)).note == std::optional<std::string>("moved"));
}

TEST_CASE("record: the reader checks each field through its codec, with messages naming the file and field") {
    CHECK_THROWS_WITH(read_point<point_v1>(R"({"at": "2024-05-01T09:00:00"})"),
                      "[lazyscribe.format_error] points.json: missing field 'name'");
    CHECK_THROWS_WITH(read_point<point_v1>(R"({"name": "p"})"),
                      "[lazyscribe.format_error] points.json (point 'p'): missing field 'at'");
    CHECK_THROWS_WITH(read_point<point_v1>(R"({"name": "p", "at": "yesterday"})"),
                      "[lazyscribe.format_error] points.json (point 'p'): field 'at' is not a date-time: 'yesterday'");
    CHECK_THROWS_WITH(read_point<point_v1>(R"({"name": "p", "at": "2024-05-01T09:00:00", "labels": [1]})"),
                      "[lazyscribe.format_error] points.json (point 'p'): field 'labels' must be an array of strings");
    CHECK_THROWS_WITH(read_point<point_v1>(R"({"name": "p", "at": "2024-05-01T09:00:00", "note": 1})"),
                      "[lazyscribe.format_error] points.json (point 'p'): field 'note' must be a string or null");
    CHECK_THROWS_WITH(read_point<point_v1>(R"({"name": "p", "at": "2024-05-01T09:00:00", "values": []})"),
                      "[lazyscribe.format_error] points.json (point 'p'): field 'values' must be an object");
    // A repeated key: the last one wins, as in Python's json.load.
    CHECK(read_point<point_v1>(R"({"name": "p", "name": "q", "at": "2024-05-01T09:00:00"})").name == "q");
    // Absent optional fields take their defaults; the record writes them all.
    const auto minimal = read_point<point_v1>(R"({"name": "p", "at": "2024-05-01T09:00:00"})");
    CHECK(point_json(minimal) ==
          json::parse(R"({"at": "2024-05-01T09:00:00", "labels": [], "name": "p", "note": null, "values": {}})"));
}

TEST_CASE("record: one more line in the description reads and writes a new field") {
    const auto p = read_point<point_v2>(file_v1);
    CHECK(p.unit == "cm");  // read into the record now, no longer an extra
    CHECK(p.extras == json::parse(R"({"colour": "red", "zzz": 3})"));
    CHECK(write_point(p) == file_v1);  // written in its place among the others
    CHECK(point_json(p)["unit"] == "cm");

    auto changed = p;
    changed.unit = "mm";
    CHECK(read_point<point_v2>(write_point(changed)).unit == "mm");
    CHECK(read_point<point_v1>(write_point(changed)).extras["unit"] == "mm");  // an older reader keeps it

    // Its rules come with its codec: the default when absent, the type check when present.
    CHECK(read_point<point_v2>(R"({"name": "p", "at": "2024-05-01T09:00:00"})").unit == "(none)");
    CHECK_THROWS_WITH(read_point<point_v2>(R"({"name": "p", "at": "2024-05-01T09:00:00", "unit": 5})"),
                      "[lazyscribe.format_error] points.json (point 'p'): field 'unit' must be a string");
    CHECK_NOTHROW(read_point<point_v1>(R"({"name": "p", "at": "2024-05-01T09:00:00", "unit": 5})"));
}

namespace {
// point_v2 read from a parsed object, its unit checked after everything else (at_phase).
struct point_v2_late_unit : point_data {
    using record_description =
        rec::description<rec::field<"at", &point_data::at, rec::at_phase<rec::time, 2>>,
                         rec::field<"labels", &point_data::labels, rec::string_array>,
                         rec::field<"name", &point_data::name, rec::identity_text>,
                         rec::field<"note", &point_data::note, rec::nullable_text>,
                         rec::field<"unit", &point_data::unit, rec::at_phase<rec::text_or<point_data::no_unit>, 3>>>;
};

template <class Point>
Point read_point_json(const std::string& text) {
    Point p;
    point_data::context ctx{&p};
    rec::read_json<typename Point::record_description>(json::parse(text), p, p.extras, ctx);
    return p;
}
}  // namespace

TEST_CASE("record: an object already parsed is read by the same description, its unknown keys kept") {
    const auto p = read_point_json<point_v2_late_unit>(
        R"({"at": "2024-05-01T09:00:00", "colour": "red", "name": "p", "note": "n", "unit": "cm", "values": 1})");
    CHECK(p.at == ls::detail::parse_time("2024-05-01T09:00:00").value());
    CHECK(p.note == std::optional<std::string>("n"));
    CHECK(p.unit == "cm");
    CHECK(p.extras == json::parse(R"({"colour": "red", "values": 1})"));  // "values" is not in this description
    CHECK(read_point_json<point_v2_late_unit>(R"({"at": "2024-05-01T09:00:00", "name": "p"})").unit == "(none)");
    // The phases order the checks: "unit" (phase 3) after "at" (phase 2), "at" after "note" (phase 1),
    // whatever the keys' order.
    CHECK_THROWS_WITH(read_point_json<point_v2_late_unit>(R"({"at": 1, "name": "p", "unit": 2})"),
                      "[lazyscribe.format_error] points.json (point 'p'): field 'at' must be a string");
    CHECK_THROWS_WITH(read_point_json<point_v2_late_unit>(R"({"at": "2024-05-01T09:00:00", "name": "p", "unit": 2})"),
                      "[lazyscribe.format_error] points.json (point 'p'): field 'unit' must be a string");
    CHECK_THROWS_WITH(read_point_json<point_v2_late_unit>(R"({"at": 1, "name": "p", "note": 2})"),
                      "[lazyscribe.format_error] points.json (point 'p'): field 'note' must be a string or null");
    // The same object through the streaming reader: the same record, the same extras.
    const std::string text = R"({"at": "2024-05-01T09:00:00", "colour": "red", "name": "p", "unit": "cm"})";
    const auto streamed = read_point<point_v2_late_unit>(text);
    const auto parsed = read_point_json<point_v2_late_unit>(text);
    CHECK(streamed.unit == parsed.unit);
    CHECK(streamed.extras == parsed.extras);
    CHECK(point_json(streamed) == point_json(parsed));
}

TEST_CASE("record: a description's keys must be in written order, sorted as Python sorts keys") {
    using at = rec::field<"at", &point_data::at, rec::time>;
    using name = rec::field<"name", &point_data::name, rec::identity_text>;
    using accent = rec::field<"n\u00e9", &point_data::unit, rec::text>;  // after "nz": code point order
    using nz = rec::field<"nz", &point_data::unit, rec::text>;
    CHECK(rec::keys_sorted<at, name>());
    CHECK_FALSE(rec::keys_sorted<name, at>());  // description<name, at> does not compile
    CHECK_FALSE(rec::keys_sorted<name, name>());
    CHECK(rec::keys_sorted<nz, accent>());
}
