// The onnx handler (handlers/onnx.hpp): a model's bytes kept unchanged, what the model says of
// itself read from them, what is not a model refused; models made by Python's onnx package
// read here, ours opened by onnx.load and onnx.checker; Python lazyscribe with the
// lazyscribe-onnx plugin loads our artifacts and we load its own.
#include "python_oracle.hpp"
#include "support.hpp"

#include <lazyscribe/handlers/onnx.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>
#include <string>

namespace ls = lazyscribe;

namespace {

std::string field(int number, int wire_type) { return std::string(1, static_cast<char>((number << 3) | wire_type)); }
std::string bytes_field(int number, const std::string& value) {
    return field(number, 2) + static_cast<char>(value.size()) + value;  // lengths < 128 here
}

// A ModelProto by hand: ir_version 8, producer "cpp-test" 1.0, opset ("", 17), graph "g".
std::string tiny_model() {
    return field(1, 0) + '\x08' + bytes_field(2, "cpp-test") + bytes_field(3, "1.0") + bytes_field(4, "org.example") +
           field(5, 0) + '\x03' + bytes_field(6, "a doc") + bytes_field(7, bytes_field(2, "g")) +
           bytes_field(8, field(2, 0) + '\x11') + bytes_field(8, bytes_field(1, "ai.onnx.ml") + field(2, 0) + '\x03');
}

bool have_onnx() { return std::system("/usr/bin/python3 -c 'import onnx' >/dev/null 2>&1") == 0; }

// An ONNX model made by Python's onnx package (y = x + b, opset 13), saved at `path`.
void python_model(const std::filesystem::path& path) {
    const std::string command = "/usr/bin/python3 -c '\n"
                                "import onnx, sys\n"
                                "from onnx import helper, TensorProto\n"
                                "x = helper.make_tensor_value_info(\"x\", TensorProto.FLOAT, [2])\n"
                                "y = helper.make_tensor_value_info(\"y\", TensorProto.FLOAT, [2])\n"
                                "b = helper.make_tensor(\"b\", TensorProto.FLOAT, [2], [1.0, 2.0])\n"
                                "g = helper.make_graph([helper.make_node(\"Add\", [\"x\", \"b\"], [\"y\"])], \"adder\", [x], [y], [b])\n"
                                "m = helper.make_model(g, producer_name=\"py-test\", opset_imports=[helper.make_opsetid(\"\", 13)])\n"
                                "onnx.checker.check_model(m)\n"
                                "onnx.save(m, sys.argv[1])\n' '" +
                                path.string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
}

}  // namespace

TEST_CASE("onnx: a model's bytes are kept unchanged and describe the model") {
    const ls::onnx_model model(tiny_model());
    CHECK(model.bytes() == tiny_model());
    const auto& info = model.info();
    CHECK(info.ir_version == 8);
    CHECK(info.producer_name == "cpp-test");
    CHECK(info.producer_version == "1.0");
    CHECK(info.domain == "org.example");
    CHECK(info.model_version == 3);
    CHECK(info.doc_string == "a doc");
    CHECK(info.graph_name == "g");
    CHECK(info.opset_import == std::vector<ls::onnx_opset>{{"", 17}, {"ai.onnx.ml", 3}});
    std::ostringstream out;
    ls::onnx_handler::write(model, out, ls::json::object());
    CHECK(out.str() == tiny_model());
    std::istringstream in(out.str());
    CHECK(ls::onnx_handler::read(in, ls::json::object()) == model);
}

TEST_CASE("onnx: what is not a model is format_error saying why") {
    const auto refused = [](const std::string& bytes, const std::string& part) {
        INFO(part);
        CHECK_THROWS_AS(ls::onnx_model(bytes), ls::format_error);
        CHECK_THROWS_WITH(ls::onnx_model(bytes), Catch::Contains(part));
    };
    refused("", "no ir_version");
    refused("{\"json\": true}", "is not a serialized ONNX model");
    refused(tiny_model().substr(0, tiny_model().size() - 2), "runs past the end");
    refused(field(2, 2) + "\x05" + "cpp", "runs past the end");
    refused(field(1, 2) + '\x01' + "x", "field 1 has wire type 2, not 0");
    refused(field(1, 0) + '\x08' + field(9, 3), "wire type 3");
    refused(std::string(1, '\x08') + std::string(11, '\xff'), "longer than 10 bytes");
    CHECK_THROWS_AS(ls::onnx_model::from_file("/nonexistent/model.onnx"), ls::path_error);
    CHECK_THROWS_WITH(ls::onnx_model::from_file("/nonexistent/model.onnx"), Catch::Contains("No such file"));
    std::ostringstream out;
    CHECK_THROWS_AS(ls::onnx_handler::write(ls::onnx_model{}, out, ls::json::object()), ls::format_error);
    CHECK_THROWS_AS(ls::onnx_handler::check_write_kwargs({{"save_as_external_data", true}}), ls::format_error);
}

TEST_CASE("onnx: models from Python's onnx read here and ours pass onnx.load and the checker") {
    if (!have_onnx()) {
        std::cout << lazyscribe_test::python_skip_marker << " onnx test skipped: /usr/bin/python3 with onnx is absent\n";
        return;
    }
    lazyscribe_test::temp_dir dir;
    python_model(dir / "py.onnx");
    const auto model = ls::onnx_model::from_file(dir / "py.onnx");
    CHECK(model.bytes() == lazyscribe_test::read_file(dir / "py.onnx"));
    CHECK(model.info().producer_name == "py-test");
    CHECK(model.info().graph_name == "adder");
    CHECK(model.info().opset_import == std::vector<ls::onnx_opset>{{"", 13}});
    CHECK(model.info().ir_version >= 7);
    lazyscribe_test::write_file(dir / "ours.onnx", tiny_model());
    const std::string command = "/usr/bin/python3 -c 'import onnx, sys; m = onnx.load(sys.argv[1]); "
                                "assert m.producer_name == \"cpp-test\" and m.graph.name == \"g\" and m.ir_version == 8; "
                                "assert m.SerializeToString() == open(sys.argv[1], \"rb\").read()' '" +
                                (dir / "ours.onnx").string() + "'";
    CHECK(std::system(command.c_str()) == 0);
}

TEST_CASE("onnx: Python lazyscribe with lazyscribe-onnx loads our models and we load its own") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    if (!have_onnx()) {
        std::cout << lazyscribe_test::python_skip_marker << " onnx test skipped: /usr/bin/python3 with onnx is absent\n";
        return;
    }
    lazyscribe_test::temp_dir dir;
    python_model(dir / "py.onnx");
    const auto model = ls::onnx_model::from_file(dir / "py.onnx");
    using project_t = ls::basic_project<ls::builtin_handlers::with<ls::onnx_handler>>;
    {
        project_t p(dir / "p.json", ls::mode::write, "cpp");
        p.log("ours", [&](auto& e) { e.template log_artifact<"onnx">("adder", model); });
        p.save();
    }
    const std::string out = lazyscribe_test::python_ok(R"(
import onnx
from lazyscribe import Project
p = Project("p.json", mode="a")
m = p["ours"].load_artifact("adder")
onnx.checker.check_model(m)
print(m.graph.name, m.SerializeToString() == open("py.onnx", "rb").read())
with p.log("theirs") as t:
    t.log_artifact("same", m, handler="onnx")
p.save()
)",
                                                       dir);
    CHECK(out.starts_with("adder True"));
    const project_t back(dir / "p.json", ls::mode::read_only);
    CHECK(back["theirs"].load_artifact<ls::onnx_model>("same") == model);
}
