#pragma once
/// @file builtin_handlers.hpp
/// @brief The default handler list: `json`. The `cereal` handler is opt-in
/// (<lazyscribe/handlers/cereal.hpp>, list lazyscribe::with_cereal), so that a program
/// that does not use it neither includes nor needs cereal.

#include <lazyscribe/fwd.hpp>  // declares lazyscribe::builtin_handlers = handler_list<json_handler>
#include <lazyscribe/handlers/json.hpp>
#include <lazyscribe/registry.hpp>

// The alias itself lives in fwd.hpp, so that it is written once; this header makes its
// handlers complete. Extend it with your own: `lazyscribe::builtin_handlers::with<my_handler>`.
