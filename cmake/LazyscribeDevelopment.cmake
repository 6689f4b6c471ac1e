# Flags for lazyscribe's own targets (tests, examples, benchmarks) only: the INTERFACE
# target carries none of them, so consumers never inherit -Werror or sanitizers.

add_library(lazyscribe_development INTERFACE)
target_compile_options(lazyscribe_development INTERFACE -Wall -Wextra -Wpedantic -Werror)
option(LAZYSCRIBE_TSAN "Build lazyscribe's own targets with ThreadSanitizer" OFF)
if(LAZYSCRIBE_SANITIZE AND LAZYSCRIBE_TSAN)
    message(FATAL_ERROR "LAZYSCRIBE_SANITIZE and LAZYSCRIBE_TSAN cannot be combined")
endif()
if(LAZYSCRIBE_TSAN)
    target_compile_options(lazyscribe_development INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
    target_link_options(lazyscribe_development INTERFACE -fsanitize=thread)
endif()
if(LAZYSCRIBE_SANITIZE)
    target_compile_options(lazyscribe_development INTERFACE
        -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    target_link_options(lazyscribe_development INTERFACE -fsanitize=address,undefined)
endif()

# lazyscribe_add_development_target(<target>): our warnings and sanitizers, plus the library
# (the compiled one, as most users link it) and the cereal handler where cereal is found.
function(lazyscribe_add_development_target target)
    target_link_libraries(${target} PRIVATE lazyscribe::lazyscribe lazyscribe_development)
    if(TARGET lazyscribe::cereal)
        target_link_libraries(${target} PRIVATE lazyscribe::cereal)
    endif()
endfunction()
