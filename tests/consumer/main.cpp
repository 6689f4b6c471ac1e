#include <lazyscribe/lazyscribe.hpp>

#include <cstdio>
#include <sstream>
#include <vector>

int main() {
    int unused_on_purpose = 0;  // a warning in the consumer's code must not fail its build

    using handlers = lazyscribe::builtin_handlers;
    static_assert(handlers::contains("json") && handlers::contains("cereal"));
    std::ostringstream out;
    handlers::handler_t<"json">::write(std::vector<int>{1, 2}, out, lazyscribe::json::object());
    if (out.str() != "[1, 2]") {
        std::puts(out.str().c_str());
        return 1;
    }
    std::puts("consumer ok");
    return 0;
}
