# Compile-fail tests come in pairs, as in {fmt}: the same source must compile as it is and
# must fail with LAZYSCRIBE_COMPILE_FAIL defined, with the expected words in the diagnostic.
# The compiler is run directly (syntax only), so the tests never touch the build tree.

set(_lazyscribe_cf_includes)
foreach(dep nlohmann_json::nlohmann_json cereal::cereal Boost::headers)
    if(NOT TARGET ${dep})
        continue()
    endif()
    get_target_property(dirs ${dep} INTERFACE_INCLUDE_DIRECTORIES)
    if(dirs)
        list(APPEND _lazyscribe_cf_includes ${dirs})
    endif()
endforeach()
list(REMOVE_DUPLICATES _lazyscribe_cf_includes)
# The compiler searches its implicit directories already; naming /usr/include again with
# -isystem reorders them and breaks libstdc++'s #include_next.
list(REMOVE_ITEM _lazyscribe_cf_includes ${CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES})
set(_lazyscribe_cf_flags -std=c++20 -fsyntax-only)
foreach(dir IN LISTS _lazyscribe_cf_includes)
    list(APPEND _lazyscribe_cf_flags -isystem ${dir})
endforeach()
# Our own headers are not system headers: their warnings count in the valid twin.
list(PREPEND _lazyscribe_cf_flags -I${PROJECT_SOURCE_DIR}/include -Wall -Wextra -Wpedantic -Werror)

# lazyscribe_compile_fail_test(<name> <source> [MAX_LINES <n>] [EVERY_ERROR] <regex>...): every
# regex must match the compiler's output of the failing twin, and the first regex must match
# its first `error:` line (with EVERY_ERROR: each `error:` line). The output may be at most
# MAX_LINES lines long (default 20 with g++, 30 with clang, whose "in instantiation of" notes
# take three lines each): a lazyscribe message is first and stops compilation quietly, without
# a cascade of follow-up errors.
function(lazyscribe_compile_fail_test name source)
    cmake_parse_arguments(PARSE_ARGV 2 arg "EVERY_ERROR" "MAX_LINES" "")
    if(NOT arg_MAX_LINES)
        if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
            set(arg_MAX_LINES 30)
        else()
            set(arg_MAX_LINES 20)
        endif()
    endif()
    # Lists travel as one argument each, joined by "@@", which neither flags nor regexes use.
    string(REPLACE ";" "@@" flags "${_lazyscribe_cf_flags}")
    string(REPLACE ";" "@@" expect "${arg_UNPARSED_ARGUMENTS}")
    set(common -DCOMPILER=${CMAKE_CXX_COMPILER} -DFLAGS=${flags} -DSOURCE=${CMAKE_CURRENT_SOURCE_DIR}/${source})
    add_test(NAME compile_fail.${name}.valid
             COMMAND ${CMAKE_COMMAND} ${common} -DEXPECT_FAILURE=OFF
                     -P ${PROJECT_SOURCE_DIR}/cmake/RunCompileTest.cmake)
    add_test(NAME compile_fail.${name}.fails
             COMMAND ${CMAKE_COMMAND} ${common} -DEXPECT_FAILURE=ON -DEXPECT=${expect}
                     -DMAX_LINES=${arg_MAX_LINES} -DEVERY_ERROR=${arg_EVERY_ERROR}
                     -P ${PROJECT_SOURCE_DIR}/cmake/RunCompileTest.cmake)
endfunction()
