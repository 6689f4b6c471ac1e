// The csv handler (handlers/csv.hpp): lazyscribe::table, the bytes written (pyarrow's style by
// default), type inference and column_types on reading, malformed files, kwargs, the artifact
// pipeline (text mode: universal newlines), and both directions with Python's csv module and,
// through a stand-in for lazyscribe-arrow's CSVArtifact, with Python lazyscribe 2.2.1.
#include "support.hpp"

#include <lazyscribe/detail/files.hpp>
#include <lazyscribe/handlers/csv.hpp>
#include <lazyscribe/lazyscribe.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace ls = lazyscribe;

namespace {

std::string written(const ls::table& t, const ls::json& kwargs = ls::json::object()) {
    std::ostringstream out;
    ls::csv_handler::write(t, out, kwargs);
    return out.str();
}

ls::table read_back(const std::string& bytes, const ls::json& kwargs = ls::json::object()) {
    std::istringstream in(bytes);
    return ls::csv_handler::read(in, kwargs);
}

// As load_artifact reads a text handler's file: "\r\n" and "\r" become "\n" first.
ls::table read_as_text_mode(const std::string& bytes) {
    ls::detail::newline_translating_istream in(std::make_unique<std::istringstream>(bytes));
    return ls::csv_handler::read(in, ls::json::object());
}

constexpr double pos_inf = std::numeric_limits<double>::infinity();
constexpr double qnan = std::numeric_limits<double>::quiet_NaN();

// Every type, with nulls, and strings that only quoting keeps strings.
ls::table every_type() {
    ls::table t;
    t.add_column("id", std::vector<std::optional<std::int64_t>>{0, std::numeric_limits<std::int64_t>::min(),
                                                                std::numeric_limits<std::int64_t>::max(), std::nullopt,
                                                                -7, 42, 1})
        .add_column("x", std::vector<std::optional<double>>{0.1, -0.0, 5e-324, 1.7976931348623157e308, std::nullopt,
                                                            1e16, 1.0 / 3})
        .add_column("special", std::vector<double>{qnan, pos_inf, -pos_inf, 1e-7, 123456789.0, -2.5, 0.0})
        .add_column("text", std::vector<std::optional<std::string>>{"plain", "a,b", "say \"hi\"", "two\nlines",
                                                                    "crlf\r\nin", std::nullopt, ""})
        .add_column("lookalikes", std::vector<std::string>{"1", "true", "NA", "nan", "", " padded ", "2.5"})
        .add_column("unicode", std::vector<std::string>{"héllo", "日本語", "emoji 🎉", "ß", "Ω", "\xC3\xA9", "x"})
        .add_column("flag", std::vector<std::optional<bool>>{true, false, std::nullopt, true, true, false, false});
    return t;
}

}  // namespace

TEST_CASE("csv: a table is built from columns and read by name and position", "[csv]") {
    ls::table t;
    t.add_column("epoch", std::vector<std::int64_t>{1, 2, 3}).add_column("loss", std::vector<double>{0.5, 0.25, 0.125});
    t.add_column("model", {"a", "b", "c"});
    t.add_column("ok", std::vector<std::optional<bool>>{true, std::nullopt, false});
    t.add_column("small", std::vector<int>{-1, 0, 1});  // any integer that fits int64 is stored as int64
    CHECK(t.rows() == 3);
    CHECK(t.columns() == 5);
    CHECK(t.names() == std::vector<std::string>{"epoch", "loss", "model", "ok", "small"});
    CHECK(t.column<double>("loss") == ls::table::values<double>{0.5, 0.25, 0.125});
    CHECK(t.column<std::string>(2)[1] == "b");
    CHECK_FALSE(t.column<bool>("ok")[1].has_value());
    CHECK(t.type("small") == ls::column_type::int64);
    CHECK(t.type(3) == ls::column_type::boolean);
    CHECK(t.index_of("model") == 2);
    CHECK(t.contains("epoch"));
    CHECK_FALSE(t.contains("lr"));
    CHECK(std::get<ls::table::values<std::int64_t>>(t.data(0)).size() == 3);
    CHECK(ls::column_type_name(ls::column_type::float64) == "double");

    CHECK_THROWS_WITH(t.column<std::int64_t>("loss"), Catch::Contains("column 'loss' holds double, not int64"));
    CHECK_THROWS_AS(t.column<double>("lr"), ls::not_found_error);
    CHECK_THROWS_WITH(t.column<double>("lr"), Catch::Contains("no column 'lr' (columns: 'epoch', 'loss'"));
    CHECK_THROWS_AS(t.data(9), ls::not_found_error);
}

TEST_CASE("csv: columns of another length or a name taken twice are refused naming the column", "[csv]") {
    ls::table t;
    t.add_column("epoch", std::vector<std::int64_t>{1, 2, 3});
    CHECK_THROWS_AS(t.add_column("loss", std::vector<double>{0.5}), ls::format_error);
    CHECK_THROWS_WITH(t.add_column("loss", std::vector<double>{0.5}),
                      Catch::Contains("column 'loss' has 1 values, the table's other columns have 3"));
    CHECK_THROWS_WITH(t.add_column("epoch", std::vector<std::int64_t>{4, 5, 6}),
                      Catch::Contains("'epoch' is already there"));
    CHECK(t.columns() == 1);  // nothing was added
}

TEST_CASE("csv: equality compares names types and cells with NaN equal to NaN", "[csv]") {
    ls::table a;
    a.add_column("x", std::vector<double>{qnan, 1});
    ls::table b;
    b.add_column("x", std::vector<double>{qnan, 1});
    CHECK(a == b);
    ls::table c;
    c.add_column("x", std::vector<std::optional<double>>{qnan, std::nullopt});
    CHECK_FALSE(a == c);
    ls::table d;
    d.add_column("x", std::vector<std::int64_t>{0, 1});
    CHECK_FALSE(a == d);
    ls::table e;
    e.add_column("y", std::vector<double>{qnan, 1});
    CHECK_FALSE(a == e);
    CHECK(ls::table{} == ls::table{});
}

TEST_CASE("csv: the bytes written are pyarrow's style by default and csv.writer's with quoting_style minimal",
          "[csv]") {
    ls::table t;
    t.add_column("epoch", std::vector<std::int64_t>{1, 2, 3})
        .add_column("loss", std::vector<std::optional<double>>{0.5, std::nullopt, 1.0})
        .add_column("name", std::vector<std::string>{"a", "b,c", "say \"hi\""})
        .add_column("ok", std::vector<std::optional<bool>>{true, false, std::nullopt});
    CHECK(written(t) ==
          "\"epoch\",\"loss\",\"name\",\"ok\"\n"
          "1,0.5,\"a\",true\n"
          "2,,\"b,c\",false\n"
          "3,1.0,\"say \"\"hi\"\"\",\n");
    CHECK(written(t, {{"quoting_style", "minimal"}}) ==
          "epoch,loss,name,ok\n"
          "1,0.5,a,true\n"
          "2,,\"b,c\",false\n"
          "3,1.0,\"say \"\"hi\"\"\",\n");
    CHECK(written(t, {{"delimiter", ";"}, {"include_header", false}, {"eol", "\r\n"}}) ==
          "1;0.5;\"a\";true\r\n"
          "2;;\"b,c\";false\r\n"
          "3;1.0;\"say \"\"hi\"\"\";\r\n");
    CHECK(written(t, {{"delimiter", "\t"}, {"quoting_style", "minimal"}})
              .starts_with("epoch\tloss\tname\tok\n1\t0.5\ta\ttrue\n2\t\tb,c\t"));
}

TEST_CASE("csv: minimal quoting quotes exactly the strings that would not read back as themselves", "[csv]") {
    ls::table t;
    t.add_column("s", std::vector<std::optional<std::string>>{"plain", "", " lead", "trail ", "1", "-2.5e3", "true",
                                                              "NA", "inf", "a\rb", std::nullopt, "x\"y"});
    CHECK(written(t, {{"quoting_style", "minimal"}}) ==
          "s\nplain\n\"\"\n\" lead\"\n\"trail "
          "\"\n\"1\"\n\"-2.5e3\"\n\"true\"\n\"NA\"\n\"inf\"\n\"a\rb\"\n\n\"x\"\"y\"\n");
    CHECK(read_back(written(t, {{"quoting_style", "minimal"}})) == t);
    ls::table names;
    names.add_column("", std::vector<std::int64_t>{1}).add_column("a b", std::vector<std::int64_t>{2});
    CHECK(written(names, {{"quoting_style", "minimal"}}) == "\"\",a b\n1,2\n");
    CHECK(read_back(written(names, {{"quoting_style", "minimal"}})) == names);
}

TEST_CASE("csv: doubles are written as Python's repr and nan inf -inf as Python and pyarrow spell them", "[csv]") {
    ls::table t;
    t.add_column("x",
                 std::vector<double>{0.1, 1e16, 1e-5, -0.0, 5e-324, qnan, -qnan, pos_inf, -pos_inf, 100.0, 1.5e300});
    CHECK(written(t) == "\"x\"\n0.1\n1e+16\n1e-05\n-0.0\n5e-324\nnan\nnan\ninf\n-inf\n100.0\n1.5e+300\n");
    const auto back = read_back(written(t));
    CHECK(back == t);
    CHECK(std::signbit(*back.column<double>("x")[3]));  // -0.0 keeps its sign
}

TEST_CASE("csv: every type round-trips with nulls and strings of quotes commas newlines and unicode", "[csv]") {
    const auto t = every_type();
    CHECK(read_back(written(t)) == t);
    CHECK(read_back(written(t, {{"quoting_style", "minimal"}})) == t);
    CHECK(read_back(written(t, {{"eol", "\r\n"}})) == t);
    const auto semicolons = written(t, {{"delimiter", ";"}});
    CHECK(read_back(semicolons, {{"delimiter", ";"}}) == t);
    CHECK_THROWS_AS(read_back(semicolons), ls::format_error);  // read with ',': ';' after a closing quote
    const auto tabs = written(t, {{"delimiter", "\t"}, {"quoting_style", "minimal"}});
    CHECK(read_back(tabs, {{"delimiter", "\t"}}) == t);
    const auto headless = written(t, {{"include_header", false}});
    CHECK(read_back(headless, {{"column_names", t.names()}}) == t);
}

TEST_CASE("csv: an empty table is an empty file and a header-only file reads as columns without rows", "[csv]") {
    CHECK(written(ls::table{}).empty());
    CHECK(read_back("") == ls::table{});
    CHECK(read_back("\n\n") == ls::table{});
    CHECK(read_back("\xEF\xBB\xBF") == ls::table{});

    ls::table typed;
    typed.add_column("epoch", std::vector<std::int64_t>{}).add_column("loss", std::vector<double>{});
    CHECK(written(typed) == "\"epoch\",\"loss\"\n");
    const auto back = read_back(written(typed));
    CHECK(back.rows() == 0);
    CHECK(back.names() == typed.names());
    CHECK(back.type("epoch") == ls::column_type::string);  // nothing to infer from
    CHECK(read_back(written(typed), {{"column_types", {{"epoch", "int64"}, {"loss", "double"}}}}) == typed);
    CHECK(read_back("a,b").rows() == 0);  // no newline after the header
    CHECK(read_back("a,b\r\n").names() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("csv: types are inferred as pyarrow does with quoted cells read as text", "[csv]") {
    const auto t = read_back(
        "i,d,b,s,n,q,big,bools01,nanonly,spaces,upper\n"
        "1,1,true,x,NA,\"1\",9223372036854775807,1,nan,1 ,TRUE\n"
        "-2,2.5,False,1,,\"2\",9223372036854775808,0,NaN, 2,FALSE\n"
        "+3,1e3,TRUE,true,null,\"\",1,true,-nan,3,tRuE\n");
    CHECK(t.type("i") == ls::column_type::int64);
    CHECK(t.column<std::int64_t>("i") == ls::table::values<std::int64_t>{1, -2, 3});
    CHECK(t.type("d") == ls::column_type::float64);
    CHECK(t.column<double>("d") == ls::table::values<double>{1.0, 2.5, 1000.0});
    CHECK(t.type("b") == ls::column_type::boolean);
    CHECK(t.column<bool>("b") == ls::table::values<bool>{true, false, true});
    CHECK(t.type("s") == ls::column_type::string);
    CHECK(t.column<std::string>("s") == ls::table::values<std::string>{"x", "1", "true"});
    CHECK(t.type("n") == ls::column_type::string);  // only nulls: nothing to infer from
    CHECK(t.column<std::string>("n") == ls::table::values<std::string>{"NA", std::nullopt, "null"});
    CHECK(t.type("q") == ls::column_type::string);  // quoted numbers stay text
    CHECK(t.column<std::string>("q") == ls::table::values<std::string>{"1", "2", ""});
    CHECK(t.type("big") == ls::column_type::float64);      // past int64: double, as pyarrow
    CHECK(t.type("bools01") == ls::column_type::boolean);  // 1 and 0 are bools next to true
    CHECK(t.column<bool>("bools01") == ls::table::values<bool>{true, false, true});
    CHECK(t.type("nanonly") == ls::column_type::float64);
    CHECK(std::isnan(*t.column<double>("nanonly")[2]));
    CHECK(t.type("spaces") == ls::column_type::string);  // no trimming
    CHECK(t.type("upper") == ls::column_type::string);   // tRuE is not one of pyarrow's spellings

    const auto nulls = read_back("a,b,c\n1,#N/A,x\nN/A,2.5,\n,NULL,\"\"\n");
    CHECK(nulls.column<std::int64_t>("a") == ls::table::values<std::int64_t>{1, std::nullopt, std::nullopt});
    CHECK(nulls.column<double>("b") == ls::table::values<double>{std::nullopt, 2.5, std::nullopt});
    CHECK(nulls.column<std::string>("c") == ls::table::values<std::string>{"x", std::nullopt, ""});
    const auto zero_one = read_back("z\n0\n1\n");
    CHECK(zero_one.type("z") == ls::column_type::int64);  // ints come before bools
    const auto huge = read_back("h\n1e999\n-1e999\n1e-999\n");
    CHECK(huge.column<double>("h") == ls::table::values<double>{pos_inf, -pos_inf, 0.0});
    const auto not_numbers = read_back("v\n1_000\n");
    CHECK(not_numbers.type("v") == ls::column_type::string);
    CHECK(read_back("v\n0x10\n").type("v") == ls::column_type::string);
    CHECK(read_back("v\n.5\n5.\n-.5E-3\nInfinity\n").type("v") == ls::column_type::float64);
}

TEST_CASE("csv: column_types forces a type and names the line row and column of a cell that does not fit", "[csv]") {
    const std::string text = "epoch,loss,tag\n1,0.5,7\n2,,8\n";
    const auto t = read_back(text, {{"column_types", {{"epoch", "double"}, {"tag", "string"}}}});
    CHECK(t.column<double>("epoch") == ls::table::values<double>{1.0, 2.0});
    CHECK(t.column<std::string>("tag") == ls::table::values<std::string>{"7", "8"});
    CHECK(read_back("b\n1\n\"0\"\nNA\n", {{"column_types", {{"b", "bool"}}}}).column<bool>("b") ==
          ls::table::values<bool>{true, false, std::nullopt});
    CHECK(read_back("q\n\"12\"\n", {{"column_types", {{"q", "int64"}}}}).column<std::int64_t>("q") ==
          ls::table::values<std::int64_t>{12});

    CHECK_THROWS_WITH(read_back("epoch,loss\n1,0.5\nthree,0.25\n", {{"column_types", {{"epoch", "int64"}}}}),
                      Catch::Contains("line 3 (row 2), column 1 'epoch': \"three\" is not an int64"));
    CHECK_THROWS_WITH(read_back("a,flag\n1,yes\n", {{"column_types", {{"flag", "bool"}}}}),
                      Catch::Contains("line 2 (row 1), column 2 'flag': \"yes\" is not a bool"));
    CHECK_THROWS_WITH(read_back("a\n\"two\nlines\"\nx\n", {{"column_types", {{"a", "double"}}}}),
                      Catch::Contains("line 2 (row 1), column 1 'a': \"two\\nlines\" is not a double"));
    CHECK_THROWS_WITH(read_back(text, {{"column_types", {{"lss", "double"}}}}),
                      Catch::Contains("column_types names the column 'lss', which the file does not have"));
    CHECK_THROWS_WITH(read_back(text, {{"column_types", {{"loss", "float32"}}}}),
                      Catch::Contains("column_types['loss'] must be"));
    CHECK_THROWS_AS(read_back(text, {{"column_types", ls::json::array()}}), ls::format_error);
}

TEST_CASE("csv: rows with a wrong number of fields name their line and row", "[csv]") {
    CHECK_THROWS_AS(read_back("a,b\n1,2\n3\n"), ls::format_error);
    CHECK_THROWS_WITH(read_back("a,b\n1,2\n3\n"), Catch::Contains("line 3 (row 2) has 1 fields, the header has 2"));
    CHECK_THROWS_WITH(read_back("a,b\n\"x\ny\",2\n3,4,5\n"), Catch::Contains("line 4 (row 2) has 3 fields"));
    CHECK_THROWS_WITH(read_back("1,2,3\n", {{"column_names", {"a", "b"}}}),
                      Catch::Contains("line 1 (row 1) has 3 fields, column_names names 2"));
}

TEST_CASE("csv: malformed quoting and headers are format_error naming the line", "[csv]") {
    CHECK_THROWS_AS(read_back("a,b\n1,\"open\n2,3\n"), ls::format_error);
    CHECK_THROWS_WITH(read_back("a,b\n1,\"open\n2,3\n"),
                      Catch::Contains("line 2, field 2: a quoted field is not closed before the end of the file"));
    CHECK_THROWS_WITH(read_back("a,b\n\"x\"y,2\n"), Catch::Contains("line 2, field 1: \"y\" after the closing quote"));
    CHECK_THROWS_WITH(read_back("a,b,a\n1,2,3\n"),
                      Catch::Contains("line 1 (the header): the column name \"a\" appears twice"));
    // A quote inside an unquoted field is taken as it is, as Python's csv module does.
    CHECK(read_back("h\n5'10\"\n").column<std::string>("h")[0] == "5'10\"");
}

TEST_CASE("csv: kwargs are checked and unknown ones are refused by name", "[csv]") {
    using H = ls::csv_handler;
    CHECK_NOTHROW(H::check_write_kwargs(ls::json::object()));
    CHECK_NOTHROW(H::check_write_kwargs(nullptr));
    CHECK_NOTHROW(H::check_write_kwargs(
        {{"delimiter", "|"}, {"include_header", false}, {"quoting_style", "minimal"}, {"eol", "\r\n"}}));
    CHECK_THROWS_WITH(H::check_write_kwargs({{"delimter", ";"}}),
                      Catch::Contains("unsupported writer kwarg 'delimter'"));
    CHECK_THROWS_WITH(H::check_write_kwargs({{"delimiter", ";;"}}), Catch::Contains("kwarg 'delimiter' must be"));
    CHECK_THROWS_AS(H::check_write_kwargs({{"delimiter", "\""}}), ls::format_error);
    CHECK_THROWS_AS(H::check_write_kwargs({{"delimiter", "e"}}), ls::format_error);  // it would split 1e-05
    CHECK_THROWS_AS(H::check_write_kwargs({{"delimiter", "\n"}}), ls::format_error);
    CHECK_THROWS_AS(H::check_write_kwargs({{"delimiter", "é"}}), ls::format_error);
    CHECK_THROWS_AS(H::check_write_kwargs({{"delimiter", 44}}), ls::format_error);
    CHECK_THROWS_WITH(H::check_write_kwargs({{"include_header", "no"}}),
                      Catch::Contains("'include_header' must be a boolean"));
    CHECK_THROWS_WITH(H::check_write_kwargs({{"quoting_style", "all"}}), Catch::Contains("'quoting_style' must be"));
    CHECK_THROWS_WITH(H::check_write_kwargs({{"eol", "\r"}}), Catch::Contains("'eol' must be"));
    CHECK_THROWS_WITH(H::check_write_kwargs(ls::json::array()), Catch::Contains("kwargs must be an object"));
    CHECK_THROWS_WITH(read_back("a\n1\n", {{"delimitr", ";"}}), Catch::Contains("unsupported reader kwarg 'delimitr'"));
    CHECK_THROWS_WITH(read_back("a\n1\n", {{"include_header", true}}), Catch::Contains("unsupported reader kwarg"));
    CHECK_THROWS_AS(read_back("a\n1\n", {{"column_names", {"a", "a"}}}), ls::format_error);
    CHECK_THROWS_AS(read_back("a\n1\n", {{"column_names", ls::json::array()}}), ls::format_error);
    CHECK_THROWS_AS(read_back("a\n1\n", {{"column_names", "a"}}), ls::format_error);
}

TEST_CASE("csv: CRLF and lone CR end rows and blank lines are skipped unless the table has one column", "[csv]") {
    const auto crlf = read_back("a,b\r\n1,x\r\n2,y\r\n");
    CHECK(crlf.column<std::int64_t>("a") == ls::table::values<std::int64_t>{1, 2});
    CHECK(crlf.column<std::string>("b") == ls::table::values<std::string>{"x", "y"});
    CHECK(read_back("a,b\r1,x\r2,y") == crlf);
    CHECK(read_back("\xEF\xBB\xBF"
                    "a,b\n1,x\n\n2,y\n\n\n") == crlf);  // a byte order mark and blank lines
    CHECK(read_back("a,b\n1,x\n2,y") == crlf);          // no newline at the end

    // One column: an empty line is its null, as pyarrow and this handler write it.
    ls::table one;
    one.add_column("v", std::vector<std::optional<std::int64_t>>{1, std::nullopt, 3, std::nullopt});
    CHECK(written(one) == "\"v\"\n1\n\n3\n\n");
    CHECK(read_back(written(one)) == one);
    ls::table text;
    text.add_column("s", std::vector<std::optional<std::string>>{std::nullopt, "", "x"});
    CHECK(written(text) == "\"s\"\n\n\"\"\n\"x\"\n");
    CHECK(read_back(written(text)) == text);
}

TEST_CASE("csv: quoted CR LF survives a binary stream and reads as LF in text mode as Python's open() reads it",
          "[csv]") {
    ls::table t;
    t.add_column("s", std::vector<std::string>{"a\r\nb", "c\rd", "e\nf"})
        .add_column("n", std::vector<std::int64_t>{1, 2, 3});
    const auto bytes = written(t);
    CHECK(bytes == "\"s\",\"n\"\n\"a\r\nb\",1\n\"c\rd\",2\n\"e\nf\",3\n");
    CHECK(read_back(bytes) == t);
    const auto text_mode = read_as_text_mode(bytes);
    CHECK(text_mode.column<std::string>("s") == ls::table::values<std::string>{"a\nb", "c\nd", "e\nf"});
    CHECK(read_as_text_mode(written(t, {{"eol", "\r\n"}})).column<std::int64_t>("n") == t.column<std::int64_t>("n"));
}

TEST_CASE("csv: a large table round-trips", "[csv]") {
    std::vector<std::int64_t> ids;
    std::vector<double> values;
    std::vector<std::string> labels;
    for (std::int64_t i = 0; i < 20000; ++i) {
        ids.push_back(i * 7919 - 50000);
        values.push_back(static_cast<double>(i) / 7.0 - 1000.0);
        labels.push_back("row " + std::to_string(i) + (i % 3 == 0 ? ",\"x\"" : ""));
    }
    ls::table t;
    t.add_column("id", ids).add_column("v", values).add_column("label", labels);
    const auto bytes = written(t);
    CHECK(bytes.size() > 65536);  // more than one flush
    CHECK(read_back(bytes) == t);
}

TEST_CASE("csv: logged in an artifact set and a project and loaded back under the alias csv", "[csv]") {
    LAZYSCRIBE_TEST_DIR(dir);
    using handlers = ls::builtin_handlers::with<ls::csv_handler>;
    const auto t = every_type();
    ls::json entries;
    {
        ls::basic_artifact_set<handlers> artifacts(dir / "set");
        artifacts.log_artifact<"csv">("metrics", t);
        artifacts.log_artifact<"csv">("semi", t, {.kwargs = {{"delimiter", ";"}, {"quoting_style", "minimal"}}});
        CHECK_THROWS_AS(artifacts.log_artifact<"csv">("bad", t, {.kwargs = {{"delimiter", ";;"}}}),
                        ls::artifact_log_error);
        artifacts.save();
        CHECK(artifacts.at("metrics").fname().ends_with(".csv"));
        CHECK(lazyscribe_test::read_file(dir / ("set/" + artifacts.at("metrics").fname())) == written(t));
        entries = artifacts.to_json();
    }
    {
        const auto reopened = ls::basic_artifact_set<handlers>::from_json(entries, dir / "set", "test");
        const auto semi = reopened.load_artifact<ls::table, "csv">("semi", {.kwargs = {{"delimiter", ";"}}});
        CHECK(semi.column<std::string>("lookalikes") == t.column<std::string>("lookalikes"));
        CHECK(semi.column<double>("x") == t.column<double>("x"));
        CHECK(reopened.load_artifact<ls::table>("metrics").column<std::int64_t>("id") == t.column<std::int64_t>("id"));
        CHECK_THROWS_AS(reopened.load_artifact<ls::table>("semi"), ls::artifact_load_error);  // ';' needs its kwarg
    }
    using project_t = ls::basic_project<handlers>;
    ls::table simple;
    simple.add_column("epoch", std::vector<std::int64_t>{1, 2}).add_column("loss", std::vector<double>{0.5, 0.25});
    {
        project_t p(dir / "p.json", ls::mode::write, "csv");
        p.log("training", [&](auto& e) {
            e.template log_artifact<"csv">("history", simple);
            e.template log_artifact<"csv">("all", t);
        });
        p.save();
    }
    const project_t p(dir / "p.json", ls::mode::read_only);
    const auto& e = p["training"];
    CHECK(e.load_artifact<ls::table>("history") == simple);
    const auto all = e.load_artifact<ls::table>("all");
    // Read in text mode (universal newlines): only the "\r\n" inside a string became "\n".
    auto expected = every_type().column<std::string>("text");
    expected[4] = "crlf\nin";
    CHECK(all.column<std::string>("text") == expected);
    CHECK(all.column<double>("special").size() == 7);
    CHECK(all.column<std::string>("lookalikes") == t.column<std::string>("lookalikes"));
    CHECK(e.artifacts().at("history").to_json()["handler"] == "csv");
    CHECK(e.load_artifact<ls::table>("history", {.kwargs = {{"column_types", {{"epoch", "double"}}}}}).type("epoch") ==
          ls::column_type::float64);
    CHECK_THROWS_AS(e.load_artifact<ls::table>("history", {.kwargs = {{"bogus", 1}}}), ls::artifact_load_error);
}

#include "python_oracle.hpp"

TEST_CASE("csv: Python's csv module reads our file as the same cells", "[csv][python]") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    lazyscribe_test::temp_dir dir;
    const auto t = every_type();
    lazyscribe_test::write_file(dir / "ours.csv", written(t));
    lazyscribe_test::write_file(dir / "minimal.csv", written(t, {{"quoting_style", "minimal"}, {"eol", "\r\n"}}));
    const std::string out = lazyscribe_test::python_ok(R"(
import csv, json, math
rows = list(csv.reader(open("ours.csv", newline="", encoding="utf-8")))
again = list(csv.reader(open("minimal.csv", newline="", encoding="utf-8")))
assert rows == again, (rows, again)
cols = {name: [r[i] for r in rows[1:]] for i, name in enumerate(rows[0])}
x = [float(v) if v else None for v in cols["x"]]
assert x == [0.1, -0.0, 5e-324, 1.7976931348623157e308, None, 1e16, 1.0 / 3], x
assert math.copysign(1, x[1]) == -1
s = [float(v) for v in cols["special"]]
assert math.isnan(s[0]) and s[1:] == [math.inf, -math.inf, 1e-7, 123456789.0, -2.5, 0.0], s
assert [int(v) if v else None for v in cols["id"]] == [0, -2**63, 2**63 - 1, None, -7, 42, 1]
print(json.dumps(rows))
)",
                                                       dir);
    ls::json expected = ls::json::array();
    expected.push_back(t.names());
    for (std::size_t r = 0; r < t.rows(); ++r) {
        ls::json row = ls::json::array();
        for (std::size_t c = 0; c < t.columns(); ++c) {
            std::visit(
                [&](const auto& cells) {
                    using T = typename std::decay_t<decltype(cells)>::value_type::value_type;
                    if (!cells[r]) {
                        row.push_back("");
                    } else if constexpr (std::is_same_v<T, bool>) {
                        row.push_back(*cells[r] ? "true" : "false");  // Python's csv gives the text
                    } else if constexpr (std::is_same_v<T, std::string>) {
                        row.push_back(*cells[r]);
                    } else {
                        ls::table one;
                        one.add_column("v", std::vector<T>{*cells[r]});
                        const auto text = written(one, {{"include_header", false}});
                        row.push_back(text.substr(0, text.size() - 1));
                    }
                },
                t.data(c));
        }
        expected.push_back(row);
    }
    CHECK(ls::json::parse(out) == expected);
}

TEST_CASE("csv: a file Python's csv.writer wrote with CRLF and quoted newlines reads here", "[csv][python]") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    lazyscribe_test::temp_dir dir;
    lazyscribe_test::python_ok(R"(
import csv
with open("theirs.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)  # QUOTE_MINIMAL and "\r\n", Python's defaults
    w.writerow(["step", "loss", "note", "done"])
    w.writerow([1, 0.5, "two\r\nlines", True])
    w.writerow([2, None, 'a "quoted", word', False])
    w.writerow([3, 1e-7, "naïve ☃", None])
with open("single.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["v"])
    w.writerows([[1.5], [None], [2.5]])
)",
                               dir);
    const auto bytes = lazyscribe_test::read_file(dir / "theirs.csv");
    CHECK(bytes.find("\"two\r\nlines\"") != std::string::npos);
    const auto t = read_back(bytes);
    CHECK(t.names() == std::vector<std::string>{"step", "loss", "note", "done"});
    CHECK(t.column<std::int64_t>("step") == ls::table::values<std::int64_t>{1, 2, 3});
    CHECK(t.column<double>("loss") == ls::table::values<double>{0.5, std::nullopt, 1e-7});
    CHECK(t.column<std::string>("note") ==
          ls::table::values<std::string>{"two\r\nlines", "a \"quoted\", word", "naïve ☃"});
    CHECK(t.type("done") == ls::column_type::boolean);  // Python's True and False are pyarrow bool spellings
    CHECK(t.column<bool>("done") == ls::table::values<bool>{true, false, std::nullopt});
    CHECK(read_back(bytes, {{"column_types", {{"done", "string"}}}}).column<std::string>("done") ==
          ls::table::values<std::string>{"True", "False", std::nullopt});
    CHECK(read_as_text_mode(bytes).column<std::string>("note")[0] == "two\nlines");
    // csv.writer writes a row of one empty field as "" (so that it is not a blank line).
    const auto single = read_back(lazyscribe_test::read_file(dir / "single.csv"));
    CHECK(single.column<double>("v") == ls::table::values<double>{1.5, std::nullopt, 2.5});
}

TEST_CASE("csv: Python lazyscribe with a stand-in for lazyscribe-arrow's CSVArtifact loads ours and logs its own",
          "[csv][python]") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    lazyscribe_test::temp_dir dir;
    using project_t = ls::basic_project<ls::builtin_handlers::with<ls::csv_handler>>;
    ls::table metrics;
    metrics.add_column("epoch", std::vector<std::int64_t>{1, 2})
        .add_column("loss", std::vector<std::optional<double>>{0.5, std::nullopt})
        .add_column("note", std::vector<std::string>{"ok", "a,b"});
    {
        project_t p(dir / "p.json", ls::mode::write, "cpp");
        p.log("ours", [&](auto& e) { e.template log_artifact<"csv">("metrics", metrics); });
        p.save();
    }
    const std::string out = lazyscribe_test::python_ok(R"(
import csv, io, json
from typing import ClassVar
from attrs import define
from slugify import slugify
from lazyscribe import Project
from lazyscribe._utils import utcnow
from lazyscribe.artifacts.base import Artifact

@define(auto_attribs=True)
class CSVArtifact(Artifact):
    # lazyscribe-arrow's class (with expiry, as for lazyscribe 2), the csv module in place of pyarrow.
    alias: ClassVar[str] = "csv"
    suffix: ClassVar[str] = "csv"
    binary: ClassVar[bool] = True
    output_only: ClassVar[bool] = False

    @classmethod
    def construct(cls, name, value=None, fname=None, created_at=None, expiry=None, writer_kwargs=None, version=0,
                  dirty=True, **kwargs):
        created_at = created_at or utcnow()
        return cls(name=name, value=value,
                   fname=fname or f"{slugify(name)}-{slugify(created_at.strftime('%Y%m%d%H%M%S'))}.{cls.suffix}",
                   writer_kwargs=writer_kwargs or {}, version=version, created_at=created_at, expiry=expiry,
                   dirty=dirty)

    @classmethod
    def read(cls, buf, **kwargs):
        return list(csv.reader(io.TextIOWrapper(buf, encoding="utf-8", newline="")))

    @classmethod
    def write(cls, obj, buf, **kwargs):
        text = io.TextIOWrapper(buf, encoding="utf-8", newline="")
        csv.writer(text).writerows(obj)
        text.flush()
        text.detach()

p = Project("p.json", mode="a")
print(json.dumps(p["ours"].load_artifact("metrics")))
with p.log("theirs") as e:
    e.log_artifact("table", [["x", "label"], [1.5, "multi\r\nline"], [None, "z"]], handler="csv")
p.save()
)",
                                                       dir);
    CHECK(ls::json::parse(out) == ls::json{{"epoch", "loss", "note"}, {"1", "0.5", "ok"}, {"2", "", "a,b"}});
    const project_t back(dir / "p.json", ls::mode::read_only);
    CHECK(back["ours"].load_artifact<ls::table>("metrics") == metrics);
    const auto theirs = back["theirs"].load_artifact<ls::table>("table");
    CHECK(theirs.column<double>("x") == ls::table::values<double>{1.5, std::nullopt});
    CHECK(theirs.column<std::string>("label") == ls::table::values<std::string>{"multi\nline", "z"});  // text mode
    CHECK(back["theirs"].artifacts().at("table").to_json()["handler"] == "csv");
}
