# Warnings are errors everywhere we own the code.
add_library(cchost_warnings INTERFACE)
target_compile_options(cchost_warnings INTERFACE -Wall -Wextra -Werror -Wno-unused-parameter)

# GCC 12's middle-end reports bounds/overlap "errors" inside libstdc++'s own std::string and
# std::vector code once inlining at -O2/-O3 reaches them (GCC PRs 105329, 105545, 105651,
# 106199): e.g. `"lit" + std::string(x)` or `vector{a, b}.insert(...)` flagged as memcpy
# overflows of 2^63 bytes. They are not findings in our code, and ASan/UBSan (the asan preset)
# and the fuzzers check real bounds. Only these four diagnostics, only for GCC 12-13.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
   AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 14)
  target_compile_options(cchost_warnings INTERFACE -Wno-array-bounds -Wno-restrict -Wno-stringop-overread -Wno-stringop-overflow)
endif()

# Applies our warning set to a target.
function(cchost_target_warnings target)
  target_link_libraries(${target} PRIVATE cchost_warnings)
endfunction()
