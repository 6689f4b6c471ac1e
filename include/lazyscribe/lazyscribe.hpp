#pragma once
/// @file lazyscribe.hpp
/// @brief Everything lazyscribe offers, in one include.

#include <lazyscribe/artifact.hpp>
#include <lazyscribe/builtin_handlers.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/experiment.hpp>
#include <lazyscribe/fixed_string.hpp>
#include <lazyscribe/fwd.hpp>
#include <lazyscribe/handler.hpp>
#include <lazyscribe/handlers/json.hpp>
#include <lazyscribe/history.hpp>
#include <lazyscribe/json.hpp>
#include <lazyscribe/live.hpp>
#include <lazyscribe/paths.hpp>
#include <lazyscribe/project.hpp>
#include <lazyscribe/registry.hpp>
#include <lazyscribe/release.hpp>
#include <lazyscribe/repository.hpp>
#include <lazyscribe/storage.hpp>
#include <lazyscribe/summary.hpp>
#include <lazyscribe/time.hpp>

// The cereal handler where cereal is installed (it is opt-in: see handlers/cereal.hpp).
#if __has_include(<cereal/cereal.hpp>)
#include <lazyscribe/handlers/cereal.hpp>
#endif
