# cchost_add_authorizer(<name> SOURCES <src>... [OUTPUT_DIRECTORY <dir>])
#
# Builds an authorizer plugin: a MODULE library named exactly "<name>.so" (no "lib" prefix),
# linked against cchost::sdk (C++17 or later), with every symbol hidden except the entry point
# that CCHOST_EXPORT_AUTHORIZER marks visible. Link further libraries with
# target_link_libraries(<name> PRIVATE ...).
#
# Output folder: OUTPUT_DIRECTORY if given; else ${CCHOST_PLUGIN_OUTPUT_DIR} when set (inside the
# cchost build: build/plugins, where `cchost` looks by default); else the current binary dir.
# The file and that folder are made 0755, because the host refuses plugins that group or others
# could write.
#
# Used both in the cchost tree (sdk/CMakeLists.txt includes this file) and from the installed
# package (cchost-sdkConfig.cmake includes it), so a plugin's CMakeLists.txt reads the same.
include_guard(GLOBAL)

function(cchost_add_authorizer name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "cchost_add_authorizer(${name}): SOURCES is required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "cchost_add_authorizer(${name}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(ARG_OUTPUT_DIRECTORY)
    set(out_dir ${ARG_OUTPUT_DIRECTORY})
  elseif(CCHOST_PLUGIN_OUTPUT_DIR)
    set(out_dir ${CCHOST_PLUGIN_OUTPUT_DIR})
  else()
    set(out_dir ${CMAKE_CURRENT_BINARY_DIR})
  endif()

  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE cchost::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    SUFFIX ".so"
    LIBRARY_OUTPUT_DIRECTORY ${out_dir}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  # Inside the cchost tree plugins follow the project's warning rules.
  if(COMMAND cchost_target_warnings)
    cchost_target_warnings(${name})
  endif()
  # The linker honours the umask; a group-writable umask (002) would make the host refuse the
  # plugin, so set the modes explicitly.
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND chmod 0755 $<TARGET_FILE:${name}> $<TARGET_FILE_DIR:${name}>
    VERBATIM)
endfunction()
