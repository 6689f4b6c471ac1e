// log_artifact with a value type the handler cannot write: no_to_json has no to_json.
#include <lazyscribe/lazyscribe.hpp>

struct no_to_json {
    int x = 0;
};
#ifndef LAZYSCRIBE_COMPILE_FAIL
void to_json(lazyscribe::json& j, const no_to_json& v) { j = v.x; }
#endif

int main() {
    lazyscribe::basic_artifact_set<lazyscribe::builtin_handlers> artifacts("out");
    artifacts.log_artifact<"json">("value", no_to_json{});
}
