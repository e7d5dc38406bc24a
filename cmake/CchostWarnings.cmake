# Warnings are errors everywhere we own the code.
add_library(cchost_warnings INTERFACE)
target_compile_options(cchost_warnings INTERFACE -Wall -Wextra -Werror -Wno-unused-parameter)

# Applies our warning set to a target.
function(cchost_target_warnings target)
  target_link_libraries(${target} PRIVATE cchost_warnings)
endfunction()
