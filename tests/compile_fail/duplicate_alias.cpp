// Two handlers with the same alias in one list.
#include <lazyscribe/lazyscribe.hpp>

struct another_json_handler : lazyscribe::json_handler {
#ifndef LAZYSCRIBE_COMPILE_FAIL
    static constexpr std::string_view alias = "json2";
#endif
};

using handlers = lazyscribe::builtin_handlers::with<another_json_handler>;
static_assert(handlers::size == 2);

int main() {}
